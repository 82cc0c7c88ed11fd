"""Find the nearest services a member can go to, with whether they are open now."""

from __future__ import annotations

import math
from datetime import datetime

from domain.geo import Point
from domain.nearby import NearbyQuery, NearbyService, ServicePoint
from domain.ports import Clock, UnitOfWork
from domain.schedule import is_open, next_opening
from domain.taxonomy import Category


def _format_address(point: ServicePoint) -> str | None:
    address = point.address
    if address is None:
        return None
    parts = [address.address_1, address.address_2, address.city, address.state_province]
    line = ", ".join(p for p in parts if p)
    return f"{line}, C.P. {address.postal_code}" if address.postal_code else line


def present(point: ServicePoint, category: Category | None, now_utc: datetime) -> NearbyService:
    """Apply the member-facing rules to one result: confidential places lose address and point."""
    service, location = point.service, point.location
    confidential = service.confidential or location.marked_confidential
    schedules = point.schedules
    open_now = bool(schedules) and is_open(schedules, location.timezone, now_utc)
    opening = (
        None if open_now or not schedules else next_opening(schedules, location.timezone, now_utc)
    )
    shown_point = (
        Point(location.latitude, location.longitude)
        if location.latitude is not None and location.longitude is not None and not confidential
        else None
    )
    return NearbyService(
        service_id=service.id,
        service_name=service.name,
        organization_id=point.organization.id,
        organization_name=point.organization.name,
        categories=tuple(sorted(service.categories)),
        category=category if category is not None else _main_category(service.categories),
        distance_km=coarse_distance(point.distance_km)
        if confidential
        else round(point.distance_km, 3),
        distance_is_bound=confidential,
        open_now=open_now,
        next_opening=opening,
        timezone=location.timezone,
        confidential=confidential,
        has_schedule=bool(schedules),
        phones=tuple(p.number for p in point.phones),
        location_id=None if confidential else location.id,
        location_name=None if confidential else location.name,
        address=None if confidential else _format_address(point),
        point=shown_point,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        description=service.description,
    )


#: Upper bounds shown for confidential places ("a menos de 5 km").
DISTANCE_BOUNDS_KM = (5.0, 10.0, 25.0, 50.0, 100.0, 200.0, 300.0, 500.0)


def coarse_distance(km: float) -> float:
    """The smallest bound at or above `km` (beyond the last one, whole hundreds of km)."""
    for bound in DISTANCE_BOUNDS_KM:
        if km <= bound:
            return bound
    return float(math.ceil(km / 100.0) * 100)


def _main_category(categories: frozenset[Category]) -> Category | None:
    """The category to show first: the taxonomy's own order puts shelter before the rest."""
    return next((c for c in Category if c in categories), None)


async def find_nearest_services(
    query: NearbyQuery, uow: UnitOfWork, clock: Clock
) -> list[NearbyService]:
    """The `query.limit` nearest active services from a point, nearest first."""
    async with uow:
        points = await uow.directory.nearest(query)
    now = clock.now()
    return [present(point, query.category, now) for point in points]
