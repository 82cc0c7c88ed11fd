"""The reminder queue on real databases: due order and LIMIT in SQL, leases, SKIP LOCKED,
the sweep end to end, and the capacity answers in search and in the HSDS export."""

from __future__ import annotations

import asyncio
import csv
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.capacity import CapacityLevel
from domain.cases import Reminder, ReminderKind, ReminderStatus
from domain.directory import Directory
from domain.geo import Point
from domain.people import Role, StaffMember
from domain.services.nearest import HelpSearch, find_help
from domain.services.referrals import NewReferral, refer_person
from domain.services.reminders import record_capacity, sweep_reminders
from domain.taxonomy import Category
from juntos.database import Database
from storage.hsds.transfer import export_directory
from tests.builders import add_service
from tests.fakes import FakeClock, FakeNotifier

NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


async def add_due(database: Database, count: int, start: datetime) -> None:
    async with database.uow() as uow:
        for n in range(count):
            await uow.reminders.add(
                Reminder(
                    id=None,
                    kind=ReminderKind.DIGEST,
                    due_at=start + timedelta(seconds=count - n),  # inserted newest first
                    target="coordinators:08037",
                )
            )
        await uow.commit()


async def test_due_reminders_come_oldest_first_limited_in_sql_and_leased(
    database: Database,
) -> None:
    await add_due(database, 5, NOW - timedelta(minutes=1))
    async with database.uow() as uow:
        batch = await uow.reminders.claimable(NOW, NOW - timedelta(minutes=5), 3)
        assert [r.due_at for r in batch] == sorted(r.due_at for r in batch)
        assert len(batch) == 3
        for reminder in batch:
            reminder.claim("w1", NOW)
        await uow.commit()
    async with database.uow() as uow:
        rest = await uow.reminders.claimable(NOW, NOW - timedelta(minutes=5), 10)
        assert len(rest) == 2, "claimed ones are held while their lease lasts"
        later = NOW + timedelta(minutes=6)
        again = await uow.reminders.claimable(later, later - timedelta(minutes=5), 10)
        assert len(again) == 5, "a lease that ran out is taken again"


@pytest.mark.postgres
async def test_two_sweeps_at_once_on_postgresql_never_claim_the_same_reminder(
    database: Database,
) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    await add_due(database, 40, NOW - timedelta(minutes=1))
    lease_start = NOW - timedelta(minutes=5)
    async with database.uow() as first, database.uow() as second:
        # The first sweep holds its 30 rows (not committed yet); the second one, at the same
        # moment, skips them instead of waiting or taking them too.
        mine = await first.reminders.claimable(NOW, lease_start, 30)
        theirs = await asyncio.wait_for(second.reminders.claimable(NOW, lease_start, 30), 5)
        for reminder in mine:
            reminder.claim("a", NOW)
        for reminder in theirs:
            reminder.claim("b", NOW)
        await first.commit()
        await second.commit()
    assert len(mine) == 30
    assert len(theirs) == 10
    assert not {r.id for r in mine} & {r.id for r in theirs}


async def staffed_directory(database: Database) -> tuple[str, str]:
    directory = Directory()
    sender = add_service(directory, "Envía", 31.70, -106.40, {Category.LEGAL_AID})
    receiver = add_service(directory, "Escucha", 31.71, -106.41, {Category.PSYCHOLOGICAL_SUPPORT})
    add_service(directory, "Otra escucha", 31.72, -106.42, {Category.PSYCHOLOGICAL_SUPPORT})
    async with database.uow() as uow:
        await uow.directory.upsert(directory)
        for org, chat in ((sender.organization_id, 1001), (receiver.organization_id, 2002)):
            await uow.people.add_staff(
                StaffMember(None, "Staff (demo)", Role.STAFF, org, chat_id=chat)
            )
        await uow.people.add_staff(
            StaffMember(
                None,
                "Coord (demo)",
                Role.COORDINATOR,
                municipality_codes=frozenset({"08037"}),
                chat_id=3003,
            )
        )
        await uow.commit()
    return sender.organization_id, receiver.id


async def test_the_sweep_delivers_each_rule_once_on_a_real_database(database: Database) -> None:
    sender_org, service_id = await staffed_directory(database)
    clock = FakeClock(NOW)
    notifier = FakeNotifier()
    async with database.uow() as uow:
        sender = (await uow.people.staff_of(sender_org))[0]
        receiver_org = (await uow.directory.get_service(service_id)).organization_id  # type: ignore[union-attr]
    await refer_person(
        NewReferral("Luz", Category.PSYCHOLOGICAL_SUPPORT, receiver_org, True, "08037"),
        sender,
        database.uow(),
        clock,
        notifier,
    )
    assert len(notifier.requested) == 1, "the new referral's notice went out at once"
    clock.advance(timedelta(days=3, hours=1))
    for _ in range(3):
        await sweep_reminders(database.uow, clock, notifier, "w1")
    assert [(kind, code) for kind, _who, code in notifier.reminded] == [
        (ReminderKind.REFERRAL_PENDING, "CASO-0001"),
        (ReminderKind.REFERRAL_ESCALATED, "CASO-0001"),
    ]
    async with database.uow() as uow:
        counts = await uow.reminders.count_by_status()
    assert counts[ReminderStatus.SENT] == 3  # the notice, then the two reminders
    assert counts[ReminderStatus.PENDING] == 1  # the 14-day inactivity watch
    assert len(notifier.requested) == 1, "and only once"


async def test_capacity_answers_show_in_search_and_in_the_hsds_export(
    database: Database, tmp_path: Path
) -> None:
    _sender_org, service_id = await staffed_directory(database)
    clock = FakeClock(NOW)
    async with database.uow() as uow:
        service = await uow.directory.get_service(service_id)
        assert service is not None
        [staff] = await uow.people.staff_of(service.organization_id)
    search = HelpSearch(Point(31.71, -106.41), "08037", Category.PSYCHOLOGICAL_SUPPORT)
    before = await find_help(search, database.uow(), clock)
    assert before.results[0].service_id == service_id, "the nearest first"
    await record_capacity(service_id, CapacityLevel.FULL, staff, database.uow(), clock)
    after = await find_help(search, database.uow(), clock)
    assert [r.service_id for r in after.results][-1] == service_id, "full goes after open"
    assert after.results[-1].capacity is CapacityLevel.FULL
    clock.advance(timedelta(days=15))
    stale = await find_help(search, database.uow(), clock)
    assert stale.results[0].capacity is CapacityLevel.UNKNOWN, "two weeks old: unknown"

    report = await export_directory(database.uow(), tmp_path)
    assert report.counts["service_capacity"] == 1
    with (tmp_path / "service_capacity.csv").open(newline="") as f:
        [row] = list(csv.DictReader(f))
    assert (row["service_id"], row["available"], row["description"]) == (service_id, "0", "full")


async def _referred_to_three(database: Database, clock: FakeClock) -> list[StaffMember]:
    """A referral to an organisation with three staff members, its 48 h reminder due now
    (it goes to each of them)."""
    sender_org, service_id = await staffed_directory(database)
    async with database.uow() as uow:
        service = await uow.directory.get_service(service_id)
        assert service is not None
        for name, chat in (("Luis (demo)", 2003), ("Marta (demo)", 2004)):
            await uow.people.add_staff(
                StaffMember(None, name, Role.STAFF, service.organization_id, chat_id=chat)
            )
        await uow.commit()
        staff = await uow.people.staff_of(service.organization_id)
        sender = (await uow.people.staff_of(sender_org))[0]
    await refer_person(
        NewReferral("Luz", Category.PSYCHOLOGICAL_SUPPORT, service.organization_id, True, "08037"),
        sender,
        database.uow(),
        clock,
        FakeNotifier(),
    )
    clock.advance(timedelta(hours=48, minutes=1))
    return sorted(staff, key=lambda p: p.chat_id or 0)


def reached_by(notifier: FakeNotifier) -> Counter[int | None]:
    """How many times each staff member got a reminder."""
    return Counter(who for _kind, who, _code in notifier.reminded)


async def test_a_retry_reaches_only_the_staff_the_first_attempt_missed(
    database: Database,
) -> None:
    clock = FakeClock(NOW)
    rosa, luis, marta = await _referred_to_three(database, clock)
    notifier = FakeNotifier()
    notifier.failing = {luis.id}  # type: ignore[arg-type]  # Telegram answers 500 for Luis
    report = await sweep_reminders(database.uow, clock, notifier, "w1")
    assert (report.delivered, report.retried) == (0, 1), "not sent while someone is missing"
    assert reached_by(notifier) == Counter({rosa.id: 1, marta.id: 1})
    notifier.failing = set()
    clock.advance(timedelta(minutes=2))  # past the first backoff
    report = await sweep_reminders(database.uow, clock, notifier, "w1")
    assert report.delivered == 1
    # Rosa and Marta got it once; Luis now too.
    assert reached_by(notifier) == Counter({rosa.id: 1, marta.id: 1, luis.id: 1})
    async with database.uow() as uow:
        sent = await uow.reminders.listing([ReminderStatus.SENT], 5)
        # The new referral's notice was sent too (before the 48 h reminder came due).
        [reminder] = [r for r in sent if r.kind is ReminderKind.REFERRAL_PENDING]
        assert reminder.id is not None
        reached = await uow.reminders.delivered_to([reminder.id])
    assert reached[reminder.id] == {rosa.id, luis.id, marta.id}


async def test_a_staff_member_who_blocked_the_bot_does_not_hold_up_the_others(
    database: Database,
) -> None:
    clock = FakeClock(NOW)
    rosa, luis, marta = await _referred_to_three(database, clock)
    notifier = FakeNotifier()
    notifier.blocked = {luis.id}  # type: ignore[arg-type]
    report = await sweep_reminders(database.uow, clock, notifier, "w1")
    assert report.delivered == 1
    assert reached_by(notifier) == Counter({rosa.id: 1, marta.id: 1})
    async with database.uow() as uow:
        blocked = await uow.people.get_staff(luis.id)  # type: ignore[arg-type]
        assert blocked is not None and blocked.unreachable_at == clock.now()
        # Their coordinators hear about it (the next sweep).
        pending = await uow.reminders.listing([ReminderStatus.PENDING], 5)
    [told] = [r for r in pending if r.kind is ReminderKind.STAFF_UNREACHABLE]
    assert (told.staff_id, told.target) == (luis.id, "coordinators:08037")
