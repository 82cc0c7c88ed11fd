"""Plain geography: great-circle distance and bounding boxes (no GIS dependency)."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180.0


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.latitude <= 90.0:
            raise ValueError(f"latitude outside -90..90: {self.latitude}")
        if not -180.0 <= self.longitude <= 180.0:
            raise ValueError(f"longitude outside -180..180: {self.longitude}")


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(center: Point, radius_km: float) -> BoundingBox:
    """The box that contains every point within `radius_km` of `center`.

    The longitude span uses the box's latitude farthest from the equator, where a degree of
    longitude is shortest, so no point of the circle falls outside.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    min_lat = max(-90.0, center.latitude - dlat)
    max_lat = min(90.0, center.latitude + dlat)
    cos_lat = max(math.cos(math.radians(max(abs(min_lat), abs(max_lat)))), 1e-6)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE_LAT * cos_lat))
    return BoundingBox(
        min_lat=min_lat,
        max_lat=max_lat,
        min_lon=max(-180.0, center.longitude - dlon),
        max_lon=min(180.0, center.longitude + dlon),
    )
