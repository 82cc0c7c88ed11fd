"""The report of unmet demand a coordinator reads (/demanda, `juntos report demand`).

For a coordinator of the municipality (or an admin, or the operator at the command line; the
domain's access rules decide), over a period: the cells of the map, need × area ranked by
searches without a service within WITHIN_KM, the weekly trend, the share served per need, the
crisis lines shown by kind, and where one new service would serve the most unmet searches (a
greedy cover). Every count under MIN_SHOWN is suppressed ("< 5") before it leaves the domain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.access import Actor, actor_name, can_see_demand
from domain.demand import (
    ANY_NEED,
    MIN_SHOWN,
    UNMEASURED_NEEDS,
    WITHIN_KM,
    CrisisCount,
    SearchCount,
    Share,
    Shown,
    weeks_between,
)
from domain.directory import Municipality
from domain.errors import AccessDenied, NotFound
from domain.geo import Point, haversine_km
from domain.indicators import Period
from domain.nearby import NearbyQuery
from domain.ports import AreaGrid, Clock, PlaceFinder, UnitOfWork
from domain.services.cases import record_audit
from domain.taxonomy import Category

#: The operator at the command line (who holds the database and its keys) reads any report.
OPERATOR = "operator"
#: The audit subject that marks fictional demo counts in this database (`juntos demo load`).
DEMO_SUBJECT = "demo:demand"
#: Services drawn on the map: at most this many, within the cells' extent.
MAX_SERVICES_SHOWN = 300
#: Suggested places for a new service, per need, and in all.
PICKS_PER_NEED = 2
MAX_PICKS = 5


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaDemand:
    """One cell: its label on the map (A1 has the most searches without a service nearby)."""

    label: str
    cell: str
    center: Point
    searches: Shown
    unmet: Shown


@dataclass(frozen=True)
class UnmetRow:
    need: str
    area: AreaDemand
    unmet: Shown
    searches: Shown


@dataclass(frozen=True)
class WeekTrend:
    week: str
    searches: Shown
    unmet: Shown


@dataclass(frozen=True)
class NewServiceArea:
    """Where one new service of `need` would serve the most unmet searches (within WITHIN_KM
    of the area's centre), after the areas suggested before it."""

    need: str
    area: AreaDemand
    serves: Shown


@dataclass(frozen=True)
class ServiceMarker:
    name: str
    point: Point


@dataclass(frozen=True)
class DemandRequest:
    municipality_code: str
    period: Period
    need: Category | None = None


@dataclass(frozen=True)
class DemandReport:
    municipality: Municipality
    period: Period
    need: str | None
    total: Shown
    unmet: Shown
    areas: list[AreaDemand] = field(default_factory=list)
    unmet_rows: list[UnmetRow] = field(default_factory=list)
    trend: list[WeekTrend] = field(default_factory=list)
    shares: list[tuple[str, Share]] = field(default_factory=list)
    new_service_areas: list[NewServiceArea] = field(default_factory=list)
    crises: list[tuple[str, Shown]] = field(default_factory=list)
    services: list[ServiceMarker] = field(default_factory=list)
    #: The database holds the fictional demo counts: say so wherever the report is shown.
    fictional: bool = False

    @property
    def empty(self) -> bool:
        return self.total.value == 0


def check_can_see_demand(actor: Actor | None, municipality_code: str) -> None:
    if actor is not None and not can_see_demand(actor, municipality_code):
        raise AccessDenied(actor_name(actor), "see demand of", municipality_code)


async def demand_report(
    request: DemandRequest,
    actor: Actor | None,
    uow: UnitOfWork,
    grid: AreaGrid,
    places: PlaceFinder,
    clock: Clock,
) -> DemandReport:
    """The municipality's unmet demand over the period, every small count suppressed.

    `actor` None is the operator at the command line. Raises AccessDenied for anyone else
    who does not coordinate the municipality (admins see all), NotFound for an unknown code.
    """
    check_can_see_demand(actor, request.municipality_code)
    municipality = places.municipality(request.municipality_code)
    if municipality is None:
        raise NotFound("municipality", request.municipality_code)
    weeks = weeks_between(request.period.start, request.period.end)
    codes = frozenset({request.municipality_code})
    need = request.need.value if request.need is not None else None
    async with uow:
        counts = await uow.demand.searches(codes, weeks[0], weeks[-1])
        crises = await uow.demand.crises(codes, weeks[0], weeks[-1])
        fictional = bool(await uow.audit.for_subject(DEMO_SUBJECT))
        await record_audit(
            uow,
            clock,
            actor_name(actor) if actor is not None else OPERATOR,
            "demand.read",
            f"municipality:{request.municipality_code}",
            start=request.period.start.isoformat(),
            end=request.period.end.isoformat(),
        )
        await uow.commit()
    if need is not None:
        counts = [c for c in counts if c.key.need == need]
    total = sum(c.count for c in counts)
    unmet_total = sum(c.count for c in counts if not c.key.within_10km)
    report = DemandReport(
        municipality=municipality,
        period=request.period,
        need=need,
        total=Shown(total),
        unmet=Shown(unmet_total),
        fictional=fictional,
    )
    if not counts:
        return report
    areas = _areas(counts, grid)
    report.areas.extend(areas.values())
    report.unmet_rows.extend(_unmet_rows(counts, areas))
    report.trend.extend(_trend(counts, weeks))
    report.shares.extend(_shares(counts))
    report.new_service_areas.extend(_new_service_areas(counts, areas))
    report.crises.extend(_crises(crises))
    report.services.extend(await _services(areas.values(), request.need, uow))
    return report


def _areas(counts: list[SearchCount], grid: AreaGrid) -> dict[str, AreaDemand]:
    searches: dict[str, int] = defaultdict(int)
    unmet: dict[str, int] = defaultdict(int)
    for c in counts:
        searches[c.key.cell] += c.count
        if not c.key.within_10km:
            unmet[c.key.cell] += c.count
    ranked = sorted(searches, key=lambda cell: (-unmet[cell], -searches[cell], cell))
    return {
        cell: AreaDemand(
            f"A{rank}", cell, grid.center(cell), Shown(searches[cell]), Shown(unmet[cell])
        )
        for rank, cell in enumerate(ranked, start=1)
    }


def _unmet_rows(counts: list[SearchCount], areas: dict[str, AreaDemand]) -> list[UnmetRow]:
    """Need × area, most searches without a service nearby first (suppressed ones last)."""
    searches: dict[tuple[str, str], int] = defaultdict(int)
    unmet: dict[tuple[str, str], int] = defaultdict(int)
    for c in counts:
        group = (c.key.need, c.key.cell)
        searches[group] += c.count
        if not c.key.within_10km:
            unmet[group] += c.count
    rows = [
        UnmetRow(need, areas[cell], Shown(n), Shown(searches[(need, cell)]))
        for (need, cell), n in unmet.items()
    ]
    # Suppressed rows are ordered by need and area only: their order must not rank them.
    return sorted(
        rows,
        key=lambda r: (
            r.unmet.suppressed,
            0 if r.unmet.suppressed else -r.unmet.value,
            r.need,
            r.area.label,
        ),
    )


def _trend(counts: list[SearchCount], weeks: list[str]) -> list[WeekTrend]:
    searches: dict[str, int] = defaultdict(int)
    unmet: dict[str, int] = defaultdict(int)
    for c in counts:
        searches[c.key.week] += c.count
        if not c.key.within_10km:
            unmet[c.key.week] += c.count
    return [WeekTrend(w, Shown(searches[w]), Shown(unmet[w])) for w in weeks]


def _shares(counts: list[SearchCount]) -> list[tuple[str, Share]]:
    served: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for c in counts:
        total[c.key.need] += c.count
        if c.key.within_10km:
            served[c.key.need] += c.count
    shares = [(need, Share(served[need], total[need])) for need in total]
    # The least served first; small totals (no percent) and unmeasured needs last.
    return sorted(
        shares,
        key=lambda item: (
            item[0] in UNMEASURED_NEEDS or item[1].percent is None,
            item[1].percent or 0,
            item[0],
        ),
    )


def pick_new_service_areas(
    unmet: dict[str, int], centers: dict[str, Point], picks: int
) -> list[tuple[str, int]]:
    """Greedy cover: the cell whose centre has the most unmet searches within WITHIN_KM, then
    the best among what is left, and so on; stops below MIN_SHOWN (too few to show)."""
    left = {cell: n for cell, n in unmet.items() if n > 0}
    chosen: list[tuple[str, int]] = []

    def near(a: str, b: str) -> bool:
        pa, pb = centers[a], centers[b]
        return haversine_km(pa.latitude, pa.longitude, pb.latitude, pb.longitude) <= WITHIN_KM

    for _ in range(picks):
        best, served = None, 0
        for candidate in sorted(unmet):
            covered = sum(n for cell, n in left.items() if near(candidate, cell))
            if covered > served:
                best, served = candidate, covered
        if best is None or served < MIN_SHOWN:
            break
        chosen.append((best, served))
        left = {cell: n for cell, n in left.items() if not near(best, cell)}
    return chosen


def _new_service_areas(
    counts: list[SearchCount], areas: dict[str, AreaDemand]
) -> list[NewServiceArea]:
    by_need: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in counts:
        if not c.key.within_10km and c.key.need not in (ANY_NEED, *UNMEASURED_NEEDS):
            by_need[c.key.need][c.key.cell] += c.count
    centers = {cell: area.center for cell, area in areas.items()}
    found = [
        NewServiceArea(need, areas[cell], Shown(served))
        for need, unmet in by_need.items()
        for cell, served in pick_new_service_areas(unmet, centers, PICKS_PER_NEED)
    ]
    found.sort(key=lambda a: (-a.serves.value, a.need, a.area.label))
    return found[:MAX_PICKS]


def _crises(counts: Iterable[CrisisCount]) -> list[tuple[str, Shown]]:
    by_kind: dict[str, int] = defaultdict(int)
    for c in counts:
        by_kind[c.key.kind] += c.count
    return [(kind, Shown(n)) for kind, n in sorted(by_kind.items())]


async def _services(
    areas: Iterable[AreaDemand], need: Category | None, uow: UnitOfWork
) -> list[ServiceMarker]:
    """Public services (never a confidential place) within the cells' extent plus WITHIN_KM."""
    centers = [a.center for a in areas]
    middle = Point(
        sum(p.latitude for p in centers) / len(centers),
        sum(p.longitude for p in centers) / len(centers),
    )
    reach = WITHIN_KM + max(
        haversine_km(middle.latitude, middle.longitude, p.latitude, p.longitude) for p in centers
    )
    query = NearbyQuery(
        point=middle, category=need, limit=MAX_SERVICES_SHOWN, max_radius_km=min(reach, 150.0)
    )
    async with uow:
        points = await uow.directory.nearest(query)
    markers: dict[str, ServiceMarker] = {}
    for p in points:
        location = p.location
        if location.latitude is None or location.longitude is None:
            continue
        markers.setdefault(
            location.id, ServiceMarker(p.service.name, Point(location.latitude, location.longitude))
        )
    return list(markers.values())
