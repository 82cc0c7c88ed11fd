"""A two-level lat/lon grid that lets a plain B-tree index answer 2-D bounding-box queries.

A bounding box is a range on latitude *and* longitude; one B-tree can only range over one of
them, so a latitude band across the whole country is scanned. Cells turn the box into a short
list of equality lookups (`cell IN (...)`), portable to SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import math

from domain.geo import BoundingBox

FINE_DEG = 0.05  # ~5.5 km of latitude
COARSE_DEG = 0.5  # ~55 km
_LON_SLOTS = 10_000  # > 360 / FINE_DEG
#: Above this many cells a level is not worth it: use the next coarser one.
MAX_CELLS = 100
#: The coarse level goes further: its cells cover a 300 km radius (the widest search) at any
#: latitude of Mexico in at most ~180 lookups, all from the covering index; the next step,
#: a latitude band, reads every point of the band across the whole country from the table.
MAX_COARSE_CELLS = 256


def _index(value: float, offset: float, size: float) -> int:
    return math.floor((value + offset) / size)


def cell(lat: float, lon: float, size: float) -> int:
    return _index(lat, 90.0, size) * _LON_SLOTS + _index(lon, 180.0, size)


def fine_cell(lat: float, lon: float) -> int:
    return cell(lat, lon, FINE_DEG)


def coarse_cell(lat: float, lon: float) -> int:
    return cell(lat, lon, COARSE_DEG)


def cells_covering(box: BoundingBox, size: float, most: int = MAX_CELLS) -> list[int] | None:
    """Every cell of `size` the box touches, or None when there would be more than `most`."""
    lat0, lat1 = _index(box.min_lat, 90.0, size), _index(box.max_lat, 90.0, size)
    lon0, lon1 = _index(box.min_lon, 180.0, size), _index(box.max_lon, 180.0, size)
    if (lat1 - lat0 + 1) * (lon1 - lon0 + 1) > most:
        return None
    return [i * _LON_SLOTS + j for i in range(lat0, lat1 + 1) for j in range(lon0, lon1 + 1)]


def shape(box: BoundingBox, size: float) -> tuple[int, int]:
    """How many rows (latitudes) and columns (longitudes) of cells of `size` the box touches."""
    rows = _index(box.max_lat, 90.0, size) - _index(box.min_lat, 90.0, size) + 1
    columns = _index(box.max_lon, 180.0, size) - _index(box.min_lon, 180.0, size) + 1
    return rows, columns
