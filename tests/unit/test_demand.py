"""Unmet demand in the domain: what is counted, what coordinators may read, and that every
count under 5 stays "< 5" (on the fake unit of work, the real H3 grid and gazetteer)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.demand import (
    AgeBand,
    DistanceBand,
    SearchKey,
    Shown,
    age_band,
    distance_band,
    iso_week,
    weeks_between,
)
from domain.errors import AccessDenied
from domain.geo import Point
from domain.indicators import Period
from domain.people import Member, Role, StaffMember
from domain.services.demand import (
    CompletedSearch,
    PeriodChoice,
    count_crisis,
    count_search,
    largest_unmet_need,
    period_for,
)
from domain.services.demand_report import DemandRequest, demand_report, pick_new_service_areas
from domain.taxonomy import Category
from storage.cells import H3Grid
from storage.gazetteer import Gazetteer, load_gazetteer
from tests.fakes import FakeClock, FakeUnitOfWork

JUAREZ, MONTERREY = "08037", "19039"
RIBERAS = Point(31.6290, -106.3230)
GRID = H3Grid()


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    return load_gazetteer()


def coordinator(*codes: str) -> StaffMember:
    return StaffMember(1, "Coordinación", Role.COORDINATOR, "org", frozenset(codes))


def key(cell: str, need: str, within: bool, week: str = "2026-W10") -> SearchKey:
    band = DistanceBand.UNDER_2 if within else DistanceBand.FROM_10_TO_25
    return SearchKey(week, JUAREZ, cell, need, AgeBand.UNKNOWN, within, band)


def test_bands_and_weeks() -> None:
    assert [age_band(a) for a in (None, 9, 12, 17, 18, 29, 30)] == [
        AgeBand.UNKNOWN,
        AgeBand.UNDER_12,
        AgeBand.FROM_12_TO_17,
        AgeBand.FROM_12_TO_17,
        AgeBand.FROM_18_TO_29,
        AgeBand.FROM_18_TO_29,
        AgeBand.FROM_30,
    ]
    assert distance_band(None) is DistanceBand.NONE
    assert distance_band(10.0) is DistanceBand.FROM_5_TO_10  # 10 km is still within 10 km
    assert distance_band(10.1) is DistanceBand.FROM_10_TO_25
    assert distance_band(120) is DistanceBand.FROM_50
    assert iso_week(date(2026, 1, 1)) == "2026-W01"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"  # ISO weeks belong to their Thursday's year
    assert weeks_between(date(2026, 3, 1), date(2026, 3, 9)) == ["2026-W09", "2026-W10", "2026-W11"]


def test_periods_this_month_last_three_months_this_year() -> None:
    today = date(2026, 2, 17)
    assert period_for(PeriodChoice.MONTH, today) == Period(date(2026, 2, 1), today)
    assert period_for(PeriodChoice.QUARTER, today) == Period(date(2025, 12, 1), today)
    assert period_for(PeriodChoice.YEAR, today) == Period(date(2026, 1, 1), today)


def test_small_counts_are_shown_as_less_than_five() -> None:
    assert [str(Shown(n)) for n in (0, 1, 4, 5, 12)] == ["< 5", "< 5", "< 5", "5", "12"]


async def test_a_search_is_counted_by_its_keys_and_outside_any_municipality_not_at_all() -> None:
    uow, clock = FakeUnitOfWork(), FakeClock()
    search = CompletedSearch(RIBERAS, JUAREZ, Category.LEGAL_AID, 15, 7.5)
    assert await count_search(search, uow, GRID, clock)
    assert await count_search(search, uow, GRID, clock)
    outside = CompletedSearch(Point(25.0, -95.0), None, Category.LEGAL_AID, None, None)
    assert not await count_search(outside, uow, GRID, clock)
    assert uow.store.searches == {
        SearchKey(
            "2026-W10",
            JUAREZ,
            GRID.cell_of(RIBERAS),
            "legal_aid",
            AgeBand.FROM_12_TO_17,
            True,
            DistanceBand.FROM_5_TO_10,
        ): 2
    }
    assert not await count_crisis(None, ["threat"], uow, clock), "no place known: not counted"
    assert await count_crisis(JUAREZ, ["threat", "threat", "shooting"], uow, clock)
    assert sorted((k.kind, n) for k, n in uow.store.crises.items()) == [
        ("shooting", 1),
        ("threat", 1),
    ]


def test_the_greedy_pick_serves_the_most_unmet_searches_first() -> None:
    west = GRID.cell_of(Point(31.70, -106.50))
    west_near = GRID.cell_of(Point(31.72, -106.50))  # ~2 km away: served together
    east = GRID.cell_of(Point(31.70, -106.30))  # ~19 km away: needs its own service
    centers = {c: GRID.center(c) for c in (west, west_near, east)}
    picks = pick_new_service_areas({west: 6, west_near: 6, east: 9}, centers, 3)
    assert picks[0][1] == 12 and picks[0][0] in (west, west_near)
    assert picks[1] == (east, 9)
    assert len(picks) == 2, "nothing left to serve"
    assert pick_new_service_areas({east: 4}, centers, 3) == [], "under 5: never suggested"


async def test_the_report_ranks_unmet_needs_and_suppresses_small_groups(
    places: Gazetteer,
) -> None:
    uow = FakeUnitOfWork()
    busy, quiet = GRID.cell_of(RIBERAS), GRID.cell_of(Point(31.74, -106.48))
    async with uow:
        await uow.demand.add_search(key(busy, "psychological_support", False), 12)
        await uow.demand.add_search(key(quiet, "legal_aid", False), 3)
        await uow.demand.add_search(key(busy, "health", True, week="2026-W09"), 7)
        await uow.commit()
    period = Period(date(2026, 3, 1), date(2026, 3, 4))
    report = await demand_report(
        DemandRequest(JUAREZ, period), coordinator(JUAREZ), uow, GRID, places, FakeClock()
    )
    assert (report.total.value, report.unmet.value) == (22, 15)
    assert [(r.need, r.area.label, str(r.unmet)) for r in report.unmet_rows] == [
        ("psychological_support", "A1", "12"),
        ("legal_aid", "A2", "< 5"),
    ]
    assert [(w.week, str(w.searches), str(w.unmet)) for w in report.trend] == [
        ("2026-W09", "7", "< 5"),
        ("2026-W10", "15", "15"),
    ]
    shares = {need: share.percent for need, share in report.shares}
    assert shares == {"health": 100, "legal_aid": None, "psychological_support": 0}
    assert [(a.need, a.area.label, a.serves.value) for a in report.new_service_areas] == [
        ("psychological_support", "A1", 12)
    ]
    assert [a.actor for a in uow.store.audit] == ["coordinator:1"]

    only_health = await demand_report(
        DemandRequest(JUAREZ, period, Category.HEALTH), None, uow, GRID, places, FakeClock()
    )
    assert only_health.total.value == 7 and only_health.unmet_rows == []
    empty = await demand_report(
        DemandRequest(JUAREZ, Period(date(2026, 5, 1), date(2026, 5, 31))),
        None,
        uow,
        GRID,
        places,
        FakeClock(),
    )
    assert empty.empty and empty.areas == []


@pytest.mark.parametrize(
    "actor",
    [
        coordinator(MONTERREY),
        StaffMember(2, "Personal", Role.STAFF, "org"),
        StaffMember(3, "Ex", Role.COORDINATOR, "org", frozenset({JUAREZ}), active=False),
        Member(id=4, chat_id=99),
    ],
    ids=["other-coordinator", "staff", "revoked", "member"],
)
async def test_only_the_municipalitys_coordinators_and_admins_read_it(
    actor: StaffMember | Member, places: Gazetteer
) -> None:
    uow = FakeUnitOfWork()
    request = DemandRequest(JUAREZ, Period(date(2026, 3, 1), date(2026, 3, 4)))
    with pytest.raises(AccessDenied):
        await demand_report(request, actor, uow, GRID, places, FakeClock())
    assert uow.store.audit == []
    admin = StaffMember(5, "Admin", Role.ADMIN, "org")
    assert (await demand_report(request, admin, uow, GRID, places, FakeClock())).empty


async def test_the_largest_unmet_need_of_a_week_is_never_a_small_one() -> None:
    uow = FakeUnitOfWork()
    busy, quiet = GRID.cell_of(RIBERAS), GRID.cell_of(Point(31.74, -106.48))
    async with uow:
        await uow.demand.add_search(key(quiet, "legal_aid", False), 4)
        await uow.demand.add_search(key(busy, "health", True), 30)
        await uow.commit()
    assert await largest_unmet_need(uow, frozenset({JUAREZ}), "2026-W10") is None
    async with uow:
        await uow.demand.add_search(key(quiet, "legal_aid", False), 2)
        await uow.demand.add_search(key(busy, "shelter", False), 5)
        await uow.commit()
    found = await largest_unmet_need(uow, frozenset({JUAREZ}), "2026-W10")
    assert found is not None
    assert (found.need, found.cell, found.searches) == ("legal_aid", quiet, 6)
    assert await largest_unmet_need(uow, frozenset({MONTERREY}), "2026-W10") is None
    assert await largest_unmet_need(uow, frozenset(), "2026-W10") is None


async def test_shelters_are_never_measured_so_no_new_shelter_place_is_suggested(
    places: Gazetteer,
) -> None:
    uow = FakeUnitOfWork()
    cell = GRID.cell_of(RIBERAS)
    async with uow:
        await uow.demand.add_search(key(cell, "shelter", False), 9)
        await uow.demand.add_search(key(cell, "legal_aid", False), 6)
        await uow.demand.add_search(key(cell, "health", True), 6)
        await uow.commit()
    period = Period(date(2026, 3, 1), date(2026, 3, 4))
    report = await demand_report(
        DemandRequest(JUAREZ, period), None, uow, GRID, places, FakeClock()
    )
    assert [need for need, _share in report.shares] == ["legal_aid", "health", "shelter"]
    assert [a.need for a in report.new_service_areas] == ["legal_aid"]
