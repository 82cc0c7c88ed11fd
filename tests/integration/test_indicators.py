"""Indicators and the weekly digest, aggregated in SQL, against figures computed by hand
(tests/indicator_fixture.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text

from domain.cases import ReferralStatus
from domain.errors import AccessDenied
from domain.indicators import (
    MEMBER_REQUEST,
    DigestWeek,
    Indicators,
    Period,
    digest_week,
)
from domain.people import Role, StaffMember
from domain.services.indicators import (
    DigestTarget,
    IndicatorRequest,
    build_weekly_digest,
    claim_digest,
    digest_delivered,
    read_indicators,
    release_digest,
)
from juntos.database import Database
from storage.tables import cases, organizations, referrals
from tests import indicator_fixture as fx
from tests.fakes import FakeClock

COORDINATOR = StaffMember(
    id=None,
    display_name="Coordinación (prueba)",
    role=Role.COORDINATOR,
    municipality_codes=frozenset({fx.JUAREZ}),
    chat_id=555,
)


async def _indicators(database: Database, actor: StaffMember = COORDINATOR) -> Indicators:
    await fx.load(database.uow())
    request = IndicatorRequest(Period(*fx.MARCH), fx.ZONE)
    return await read_indicators(actor, request, database.uow(), FakeClock(fx.DIGEST_TIME))


async def test_referral_figures_match_the_hand_computed_ones(database: Database) -> None:
    found = await _indicators(database)
    expected = fx.FIGURES
    assert (found.made, found.accepted, found.completed, found.rejected) == (
        expected["made"],
        expected["accepted"],
        expected["completed"],
        expected["rejected"],
    )
    assert found.completion_rate == expected["completion_rate"]
    to_acceptance = found.to_acceptance
    assert (to_acceptance.median_days, to_acceptance.p90_days, to_acceptance.based_on) == (
        expected["to_acceptance"]
    )
    contact = found.to_first_contact
    assert (contact.median_days, contact.p90_days, contact.based_on) == expected["to_first_contact"]
    assert not found.empty


async def test_people_are_counted_once_by_age_gender_and_need_with_small_groups_hidden(
    database: Database,
) -> None:
    found = await _indicators(database)
    assert found.people == fx.FIGURES["people"]
    assert {a.value: n for a, n in found.by_age.items()} == fx.FIGURES["age"]
    assert found.by_gender == fx.FIGURES["gender"]
    needs = {c.value: n for c, n in found.by_need.items() if c.value in fx.FIGURES["need"]}
    assert needs == fx.FIGURES["need"]
    assert {o.value: n for o, n in found.outcomes.items()} == fx.FIGURES["outcomes"]
    # Every rejection reason had fewer than five: none is shown as a number.
    assert set(found.rejected_by_reason.values()) <= {None, 0}


async def test_the_cross_sector_matrix_counts_referrals_between_sectors(
    database: Database,
) -> None:
    found = await _indicators(database)
    for key, expected in fx.FIGURES["matrix"].items():
        assert found.sector_matrix[key] == expected, key
    assert found.cross_sector == fx.FIGURES["cross_sector"]
    assert found.sector_matrix[(MEMBER_REQUEST, "government")] == 0
    government = next(row for row in found.organizations if row.name.startswith("Oficina"))
    assert government.received == fx.FIGURES["government_received"]
    assert found.organizations[0] == government  # most received first


async def test_an_admin_reads_every_municipality_and_a_coordinator_only_their_own(
    database: Database,
) -> None:
    await fx.load(database.uow())
    clock = FakeClock(fx.DIGEST_TIME)
    period = Period(*fx.MARCH)
    admin = StaffMember(id=9, display_name="Admin", role=Role.ADMIN)
    everything = await read_indicators(
        admin, IndicatorRequest(period, fx.ZONE), database.uow(), clock
    )
    assert everything.made == 14  # Juárez's 13 and Tijuana's one
    with pytest.raises(AccessDenied):
        await read_indicators(
            COORDINATOR,
            IndicatorRequest(period, fx.ZONE, frozenset({fx.TIJUANA})),
            database.uow(),
            clock,
        )
    staff = StaffMember(id=3, display_name="Personal", role=Role.STAFF, organization_id=fx.GOV)
    with pytest.raises(AccessDenied):
        await read_indicators(staff, IndicatorRequest(period, fx.ZONE), database.uow(), clock)


async def test_an_empty_period_says_so(database: Database) -> None:
    await fx.load(database.uow())
    request = IndicatorRequest(Period.month(2025, 6), fx.ZONE)
    found = await read_indicators(COORDINATOR, request, database.uow(), FakeClock(fx.DIGEST_TIME))
    assert found.empty and found.made == 0 and found.people == 0
    assert found.to_acceptance.median_days is None


async def test_reading_indicators_is_audited(database: Database) -> None:
    await _indicators(database)
    async with database.uow() as uow:
        [entry] = await uow.audit.for_subject(f"municipalities:{fx.JUAREZ}")
    assert entry.action == "indicators.read" and entry.detail["start"] == "2026-03-01"


# --- the weekly digest --------------------------------------------------------------------------


async def _coordinator(database: Database) -> StaffMember:
    async with database.uow() as uow:
        staff = await uow.people.add_staff(
            StaffMember(
                id=None,
                display_name="Coordinación (prueba)",
                role=Role.COORDINATOR,
                municipality_codes=frozenset({fx.JUAREZ}),
                chat_id=555,
            )
        )
        await uow.commit()
    return staff


def _week() -> DigestWeek:
    week = digest_week(fx.DIGEST_TIME, fx.ZONE)
    assert week is not None
    return week


async def test_the_digest_counts_the_week_before_by_when_things_happened(
    database: Database,
) -> None:
    ids = await fx.load(database.uow())
    staff = await _coordinator(database)
    week = _week()
    assert week.key == "2026-W12" and week.covered == Period(
        fx.T.date() - timedelta(days=1), fx.T.date() + timedelta(days=5)
    )
    digest = await build_weekly_digest(
        staff, week, fx.ZONE, database.uow(), FakeClock(fx.DIGEST_TIME)
    )
    assert (digest.made, digest.accepted, digest.completed, digest.rejected) == (12, 7, 5, None)
    assert [c.case_id for c in digest.overdue] == [ids["c9"]] and digest.overdue_total == 1
    assert digest.to_acceptance.median_days == 1.5
    assert digest.to_first_contact.median_days == 2.5
    assert digest.failed_reminders is None  # two failed: fewer than five


async def test_a_digest_is_claimed_once_and_only_a_delivered_one_counts(
    database: Database,
) -> None:
    await fx.load(database.uow())
    staff = await _coordinator(database)
    clock = FakeClock(fx.DIGEST_TIME)
    target = DigestTarget(staff, _week(), fx.ZONE)
    first = await claim_digest(target, "bot-a", database.uow(), clock)
    second = await claim_digest(target, "bot-b", database.uow(), clock)
    assert first is not None and second is None  # two processes: one sends
    await release_digest(target, database.uow())  # the send failed
    retried = await claim_digest(target, "bot-b", database.uow(), clock)
    assert retried is not None
    await digest_delivered(target, database.uow(), clock)
    clock.advance(timedelta(hours=1))
    assert await claim_digest(target, "bot-a", database.uow(), clock) is None
    async with database.uow() as uow:
        assert await uow.digests.delivered_weeks(staff.id or 0) == ["2026-W12"]


async def test_a_claim_whose_process_died_is_taken_over_after_the_lease(
    database: Database,
) -> None:
    await fx.load(database.uow())
    staff = await _coordinator(database)
    clock = FakeClock(fx.DIGEST_TIME)
    target = DigestTarget(staff, _week(), fx.ZONE)
    assert await claim_digest(target, "bot-a", database.uow(), clock) is not None
    clock.advance(timedelta(minutes=5))
    assert await claim_digest(target, "bot-b", database.uow(), clock) is None
    clock.advance(timedelta(minutes=6))
    assert await claim_digest(target, "bot-b", database.uow(), clock) is not None


async def test_postgresql_groups_a_year_of_referrals_by_hashing_not_sorting(
    database: Database,
) -> None:
    """The referrals are read once, grouped three ways (GROUPING SETS). PostgreSQL hashes the
    few hundred whole hours only when migration 0014's statistics on those very expressions
    tell it how few they are; otherwise it sorts every referral (on disk at scale)."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan")
    await fx.load(database.uow())
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    async with database.engine.begin() as conn:
        case_ids = list(
            await conn.scalars(select(cases.c.id).where(cases.c.municipality_code == fx.JUAREZ))
        )
        organization = await conn.scalar(select(organizations.c.id).limit(1))
        made = [start + timedelta(minutes=i) for i in range(3000)]
        await conn.execute(
            insert(referrals),
            [
                {
                    "case_id": case_ids[i % len(case_ids)],
                    "to_organization_id": organization,
                    "status": ReferralStatus.ACCEPTED,
                    "created_at": at,
                    "accepted_at": at + timedelta(hours=i % 150, minutes=7),
                    "first_contact_at": at + timedelta(hours=i % 200, minutes=9),
                    "created_by": "test",
                }
                for i, at in enumerate(made)
            ],
        )
    async with database.engine.begin() as conn:
        await conn.execute(text("ANALYZE cases, referrals"))
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        if "GROUPING SETS" in statement:
            statements.append((statement, params))

    event.listen(database.engine.sync_engine, "before_cursor_execute", capture)
    try:
        request = IndicatorRequest(Period(*fx.MARCH), fx.ZONE)
        found = await read_indicators(
            COORDINATOR, request, database.uow(), FakeClock(fx.DIGEST_TIME)
        )
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", capture)
    assert found.made == fx.FIGURES["made"] + 3000
    [(statement, params)] = statements
    async with database.engine.connect() as conn:
        # A small memory budget, as a year of 100,000 cases is to the default one.
        await conn.exec_driver_sql("SET work_mem = '64kB'")
        plan = "\n".join(r[0] for r in await conn.exec_driver_sql("EXPLAIN " + statement, params))
    assert "HashAggregate" in plan and "Sort" not in plan, plan
