"""Fictional, seeded demand counts for the demo (`juntos demo load`): a few months of searches
around the demo municipalities, so the first /demanda in the sandbox draws a meaningful map.

Every number here is invented (a seeded random walk around a few made-up hot spots); the
distance to the nearest service is measured on the fictional demo directory, as a real search
would. Loaded once: an audit entry `demo.demand` marks the counts as fictional, and the
report says so.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from domain.cases import AuditEntry
from domain.demand import (
    ANY_NEED,
    WITHIN_KM,
    AgeBand,
    CrisisKey,
    SearchKey,
    distance_band,
    iso_week,
)
from domain.directory import Directory, confidential_location_ids
from domain.emergency import DangerKind
from domain.geo import KM_PER_DEGREE_LAT, Point, haversine_km
from domain.ports import AreaGrid, PlaceFinder, UnitOfWork
from domain.services.demand_report import DEMO_SUBJECT
from domain.taxonomy import Category

SEED = 17
WEEKS = 16
HOT_SPOTS = 6
#: Juárez, the sandbox coordinator's municipality, gets the most searches.
BUSIEST = "08037"
BUSIEST_WEEKLY = 80
NEED_WEIGHTS: dict[str, float] = {
    Category.PSYCHOLOGICAL_SUPPORT.value: 5,
    Category.LEGAL_AID.value: 3,
    Category.GENDER_VIOLENCE.value: 3,
    Category.ADDICTION_TREATMENT.value: 2,
    Category.YOUTH_PROGRAMS.value: 2,
    Category.HEALTH.value: 2,
    Category.SHELTER.value: 1,
    Category.CHILD_PROTECTION.value: 1,
    Category.MEDIATION.value: 1,
    Category.EDUCATION_EMPLOYMENT.value: 1,
    ANY_NEED: 2,
}
AGE_WEIGHTS = {
    AgeBand.UNKNOWN: 6,
    AgeBand.UNDER_12: 0.5,
    AgeBand.FROM_12_TO_17: 2,
    AgeBand.FROM_18_TO_29: 2,
    AgeBand.FROM_30: 1.5,
}


def _offset(center: Point, north_km: float, east_km: float) -> Point:
    latitude = center.latitude + north_km / KM_PER_DEGREE_LAT
    longitude = center.longitude + east_km / (
        KM_PER_DEGREE_LAT * math.cos(math.radians(center.latitude))
    )
    return Point(latitude, longitude)


def _public_points(directory: Directory) -> dict[str, list[Point]]:
    """Points of the active public services, by need (ANY_NEED: all of them)."""
    hidden = confidential_location_ids(
        directory.locations, directory.services, directory.services_at_location
    )
    services = {s.id: s for s in directory.services if s.active and not s.confidential}
    locations = {x.id: x for x in directory.locations if x.id not in hidden}
    points: dict[str, list[Point]] = {}
    for sal in directory.services_at_location:
        service, location = services.get(sal.service_id), locations.get(sal.location_id)
        if service is None or location is None or location.latitude is None:
            continue
        if location.longitude is None:
            continue
        point = Point(location.latitude, location.longitude)
        for need in [ANY_NEED, *(c.value for c in service.categories)]:
            points.setdefault(need, []).append(point)
    return points


def _nearest_km(points: list[Point], origin: Point) -> float | None:
    return min(
        (haversine_km(origin.latitude, origin.longitude, p.latitude, p.longitude) for p in points),
        default=None,
    )


async def load_demo_demand(
    new_uow: Callable[[], UnitOfWork], grid: AreaGrid, places: PlaceFinder, now: datetime
) -> int:
    """Add the fictional counts (once); how many searches were added (0: already there)."""
    today = now.date()
    async with new_uow() as uow:
        if await uow.audit.for_subject(DEMO_SUBJECT):
            return 0
        directory = await uow.directory.export()
    points = _public_points(directory)
    codes = sorted({x.municipality_code for x in directory.locations if x.municipality_code})
    rng = random.Random(SEED)
    weeks = [iso_week(today - timedelta(weeks=n)) for n in range(WEEKS - 1, -1, -1)]
    searches: Counter[SearchKey] = Counter()
    crises: Counter[CrisisKey] = Counter()
    nearest: dict[tuple[str, str], float | None] = {}
    needs, need_weights = list(NEED_WEIGHTS), list(NEED_WEIGHTS.values())
    ages, age_weights = list(AGE_WEIGHTS), list(AGE_WEIGHTS.values())
    for code in codes:
        municipality = places.municipality(code)
        if municipality is None or municipality.latitude is None or municipality.longitude is None:
            continue
        center = Point(municipality.latitude, municipality.longitude)
        # Made-up hot spots, each with a need searched there more than elsewhere.
        spots = [
            (_offset(center, rng.gauss(0, 5), rng.gauss(0, 5)), rng.choices(needs, need_weights)[0])
            for _ in range(HOT_SPOTS)
        ]
        weekly = BUSIEST_WEEKLY if code == BUSIEST else BUSIEST_WEEKLY // 4
        for number, week in enumerate(weeks):
            trend = 0.7 + 0.6 * number / len(weeks)  # demand grows over the period
            for _ in range(round(weekly * trend * rng.uniform(0.8, 1.2))):
                if rng.random() < 0.75:
                    spot, usual = rng.choice(spots)
                    point = _offset(spot, rng.gauss(0, 1.0), rng.gauss(0, 1.0))
                    need = usual if rng.random() < 0.6 else rng.choices(needs, need_weights)[0]
                else:
                    point = _offset(center, rng.gauss(0, 4), rng.gauss(0, 4))
                    need = rng.choices(needs, need_weights)[0]
                cell = grid.cell_of(point)
                if (cell, need) not in nearest:
                    nearest[(cell, need)] = _nearest_km(points.get(need, []), grid.center(cell))
                km = nearest[(cell, need)]
                key = SearchKey(
                    week=week,
                    municipality_code=code,
                    cell=cell,
                    need=need,
                    age_band=rng.choices(ages, age_weights)[0],
                    within_10km=km is not None and km <= WITHIN_KM,
                    distance_band=distance_band(km),
                )
                searches[key] += 1
            for _ in range(rng.randint(0, 3)):
                crises[CrisisKey(week, code, rng.choice(list(DangerKind)).value)] += 1
    async with new_uow() as uow:
        for search_key, count in searches.items():
            await uow.demand.add_search(search_key, count)
        for crisis_key, count in crises.items():
            await uow.demand.add_crisis(crisis_key, count)
        await uow.audit.record(
            AuditEntry(
                id=None,
                at=now,
                actor="operator",
                action="demo.demand",
                subject=DEMO_SUBJECT,
                detail={"searches": str(sum(searches.values())), "fictional": "yes"},
            )
        )
        await uow.commit()
    return sum(searches.values())
