"""The hexagonal grid unmet demand is counted on (the `AreaGrid` port), with Uber's H3.

Resolution 7: hexagons of about 5.2 km² (edges of ~1.4 km). Coarse enough that a cell is a
neighbourhood, never a street or a home; fine enough that a coordinator sees which part of a
municipality searches go unserved.
"""

from __future__ import annotations

import h3

from domain.geo import Point

RESOLUTION = 7


class H3Grid:
    def __init__(self, resolution: int = RESOLUTION) -> None:
        self.resolution = resolution

    def cell_of(self, point: Point) -> str:
        return str(h3.latlng_to_cell(point.latitude, point.longitude, self.resolution))

    def center(self, cell: str) -> Point:
        latitude, longitude = h3.cell_to_latlng(cell)
        return Point(latitude, longitude)

    def boundary(self, cell: str) -> list[Point]:
        return [Point(lat, lon) for lat, lon in h3.cell_to_boundary(cell)]
