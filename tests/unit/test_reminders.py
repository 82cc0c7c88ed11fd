"""The reminder rules and engine, driven by a fake clock (time travel, no sleeping)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.capacity import CapacityLevel, current_level
from domain.cases import (
    ReferralStatus,
    RejectionReason,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from domain.directory import Location, Organization, Service
from domain.errors import AccessDenied
from domain.municipal_time import zone_for_municipality
from domain.people import Role, StaffMember
from domain.ports import ReminderSubject
from domain.reminder_rules import DEFAULT_BOOK, RulesError, parse_rule_book
from domain.services.referrals import FollowUpEntry, NewReferral, log_follow_up, refer_person
from domain.services.referrals import answer_referral as answer
from domain.services.reminders import (
    claim_due,
    drain_reminders,
    plan_capacity_checkins,
    record_capacity,
    sweep_reminders,
)
from domain.services.staff import staff_for_chat
from domain.taxonomy import Category
from tests.fakes import FakeClock, FakeNotifier, FakeUnitOfWork

SENDER = "11111111-1111-4111-8111-111111111111"
RECEIVER = "22222222-2222-4222-8222-222222222222"
SERVICE = "33333333-3333-4333-8333-333333333333"
JUAREZ = "08037"
TIJUANA = "02004"
CDMX = "09015"  # Cuauhtémoc


class World:
    def __init__(self, start: datetime | None = None, municipality: str = JUAREZ) -> None:
        self.uow = FakeUnitOfWork()
        self.clock = FakeClock(start)
        self.notifier = FakeNotifier()
        self.municipality = municipality
        d = self.uow.store.directory
        d.organizations += [
            Organization(SENDER, "Centro Emisor (demo)"),
            Organization(RECEIVER, "Centro Receptor (demo)"),
        ]
        d.services.append(
            Service(SERVICE, RECEIVER, "Atención psicológica (demo)", categories=frozenset())
        )
        d.locations.append(
            Location("loc-1", "Sede (demo)", None, None, RECEIVER, municipality_code=municipality)
        )
        people = self.uow.store.staff
        people[1] = StaffMember(1, "Ana (demo)", Role.STAFF, SENDER, chat_id=1001)
        people[2] = StaffMember(2, "Rosa (demo)", Role.STAFF, RECEIVER, chat_id=2002)
        people[3] = StaffMember(
            3, "Coord (demo)", Role.COORDINATOR, municipality_codes=frozenset({municipality}),
            chat_id=3003,
        )  # fmt: skip

    async def refer(self) -> int:
        made = await refer_person(
            NewReferral(
                alias="Luz",
                need=Category.PSYCHOLOGICAL_SUPPORT,
                to_organization_id=RECEIVER,
                consent=True,
                municipality_code=self.municipality,
            ),
            self.uow.store.staff[1],
            self.uow,
            self.clock,
            self.notifier,
        )
        assert made.referral.id is not None
        return made.referral.id

    async def sweep(self, worker: str = "w1") -> None:
        while True:
            report = await sweep_reminders(
                lambda: self.uow, self.clock, self.notifier, worker, DEFAULT_BOOK
            )
            if report.claimed + report.deferred + report.cancelled == 0:
                return

    def sent(self) -> list[tuple[ReminderKind, int | None]]:
        return [(kind, who) for kind, who, _code in self.notifier.reminded]

    async def later(self, delta: timedelta) -> list[tuple[ReminderKind, int | None]]:
        before = len(self.notifier.reminded)
        self.clock.advance(delta)
        await self.sweep()
        return [(kind, who) for kind, who, _code in self.notifier.reminded[before:]]


async def test_an_unanswered_referral_reminds_the_receivers_at_48h_then_coordinators_at_72h():
    world = World()
    await world.refer()
    assert await world.later(timedelta(hours=47)) == []
    assert await world.later(timedelta(hours=1, minutes=1)) == [(ReminderKind.REFERRAL_PENDING, 2)]
    assert await world.later(timedelta(hours=1)) == [], "never sent twice"
    assert await world.later(timedelta(hours=23)) == [(ReminderKind.REFERRAL_ESCALATED, 3)]
    assert await world.later(timedelta(days=3)) == []


async def test_accepting_cancels_the_reminders_that_no_longer_apply():
    world = World()
    referral_id = await world.refer()
    world.clock.advance(timedelta(hours=5))
    await answer(
        referral_id, True, world.uow.store.staff[2], world.uow, world.clock, FakeNotifier()
    )
    assert await world.later(timedelta(days=4)) == []
    statuses = {r.kind: r.status for r in world.uow.store.reminders.values()}
    assert statuses[ReminderKind.REFERRAL_PENDING] is ReminderStatus.CANCELLED
    assert statuses[ReminderKind.REFERRAL_ESCALATED] is ReminderStatus.CANCELLED


async def test_a_follow_up_reminds_its_author_on_the_day_and_overdue_the_next_day():
    world = World()
    referral_id = await world.refer()
    receiver = world.uow.store.staff[2]
    await answer(referral_id, True, receiver, world.uow, world.clock, FakeNotifier())
    # Wednesday 4 March; due Friday 6 March: reminded at 09:00 in Juárez (16:00 UTC).
    await log_follow_up(
        FollowUpEntry("CASO-0001", next_due=date(2026, 3, 6)),
        receiver,
        world.uow,
        world.clock,
        FakeNotifier(),
    )
    world.clock.current = datetime(2026, 3, 6, 15, 59, tzinfo=UTC)
    assert await world.later(timedelta(0)) == []
    assert await world.later(timedelta(minutes=1)) == [(ReminderKind.FOLLOW_UP_DUE, 2)]
    assert await world.later(timedelta(days=1)) == [(ReminderKind.FOLLOW_UP_OVERDUE, 2)]


async def test_logging_the_follow_up_cancels_its_reminders():
    world = World()
    referral_id = await world.refer()
    receiver = world.uow.store.staff[2]
    await answer(referral_id, True, receiver, world.uow, world.clock, FakeNotifier())
    entry = FollowUpEntry("CASO-0001", next_due=date(2026, 3, 6))
    await log_follow_up(entry, receiver, world.uow, world.clock, FakeNotifier())
    world.clock.advance(timedelta(days=1))
    await log_follow_up(
        FollowUpEntry("CASO-0001", note="Hablamos con ella"),
        receiver,
        world.uow,
        world.clock,
        FakeNotifier(),
    )
    assert await world.later(timedelta(days=3)) == []


async def test_a_case_without_activity_for_14_days_goes_to_the_coordinators():
    world = World()
    referral_id = await world.refer()
    world.clock.advance(timedelta(hours=1))
    await answer(
        referral_id, True, world.uow.store.staff[2], world.uow, world.clock, FakeNotifier()
    )
    assert await world.later(timedelta(days=13, hours=23)) == []
    assert await world.later(timedelta(hours=2)) == [(ReminderKind.CASE_INACTIVE, 3)]


async def test_activity_on_the_case_restarts_the_inactivity_count():
    world = World()
    referral_id = await world.refer()
    receiver = world.uow.store.staff[2]
    await answer(referral_id, True, receiver, world.uow, world.clock, FakeNotifier())
    world.clock.advance(timedelta(days=10))
    await log_follow_up(
        FollowUpEntry("CASO-0001", note="Primera sesión"),
        receiver,
        world.uow,
        world.clock,
        FakeNotifier(),
    )
    assert await world.later(timedelta(days=13)) == []
    assert await world.later(timedelta(days=1, hours=1)) == [(ReminderKind.CASE_INACTIVE, 3)]


async def test_catch_up_after_a_day_down_delivers_every_due_reminder_once_in_order():
    world = World()
    for _ in range(3):
        await world.refer()
        world.clock.advance(timedelta(minutes=10))
    # The bot was down from before the first reminder came due until a day after the last
    # escalation: one sweep (batch after batch) delivers everything once, oldest due first.
    world.clock.advance(timedelta(hours=72 + 24))
    await world.sweep()
    codes = [(kind, code) for kind, _who, code in world.notifier.reminded]
    pending = [c for k, c in codes if k is ReminderKind.REFERRAL_PENDING]
    escalated = [c for k, c in codes if k is ReminderKind.REFERRAL_ESCALATED]
    assert pending == ["CASO-0001", "CASO-0002", "CASO-0003"]
    assert escalated == ["CASO-0001", "CASO-0002", "CASO-0003"]
    assert codes.index((ReminderKind.REFERRAL_PENDING, "CASO-0003")) < codes.index(
        (ReminderKind.REFERRAL_ESCALATED, "CASO-0001")
    )
    assert await world.later(timedelta(hours=1)) == []


async def test_a_failing_delivery_is_retried_with_growing_waits_then_marked_failed():
    world = World()
    await world.refer()
    world.notifier.fail_reminders = True
    world.clock.advance(timedelta(hours=48))
    await world.sweep()
    [reminder] = [
        r for r in world.uow.store.reminders.values() if r.kind is ReminderKind.REFERRAL_PENDING
    ]
    waits = []
    for _ in range(4):
        assert reminder.status is ReminderStatus.PENDING
        waits.append(reminder.due_at - world.clock.now())
        world.clock.current = reminder.due_at
        await world.sweep()
        reminder = world.uow.store.reminders[reminder.id]  # type: ignore[index]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert reminder.status is ReminderStatus.FAILED
    assert reminder.attempts == 5
    assert reminder.last_error == "NetworkError"


async def test_a_retry_that_succeeds_is_delivered_once():
    world = World()
    await world.refer()
    world.notifier.fail_reminders = True
    await world.later(timedelta(hours=48))
    world.notifier.fail_reminders = False
    assert await world.later(timedelta(minutes=1)) == [(ReminderKind.REFERRAL_PENDING, 2)]
    assert await world.later(timedelta(hours=1)) == []


async def test_a_claim_whose_worker_died_is_taken_again_after_the_lease_only():
    world = World()
    await world.refer()
    world.clock.advance(timedelta(hours=48))
    claimed, _ = await claim_due(world.uow, world.clock, "dead-worker", DEFAULT_BOOK)
    assert [c.reminder.kind for c in claimed] == [ReminderKind.REFERRAL_PENDING]
    # The worker died before delivering: nobody else takes it while the lease lasts...
    assert await world.later(timedelta(minutes=4)) == []
    # ...and after it, another worker delivers it.
    assert await world.later(timedelta(minutes=2)) == [(ReminderKind.REFERRAL_PENDING, 2)]


async def test_a_reminder_whose_workers_keep_dying_is_failed_not_claimed_forever():
    world = World()
    await world.refer()
    world.clock.advance(timedelta(hours=48))
    for n in range(5):
        claimed, _ = await claim_due(world.uow, world.clock, f"dies-{n}", DEFAULT_BOOK)
        assert len(claimed) == 1
        world.clock.advance(timedelta(minutes=6))
    claimed, report = await claim_due(world.uow, world.clock, "next", DEFAULT_BOOK)
    assert claimed == []
    assert report.failed == 1
    pending = next(
        r for r in world.uow.store.reminders.values() if r.kind is ReminderKind.REFERRAL_PENDING
    )
    assert (pending.status, pending.last_error) == (ReminderStatus.FAILED, "lease expired")


async def test_a_staff_member_who_blocked_the_bot_is_unreachable_and_the_coordinator_told():
    world = World()
    await world.refer()
    world.notifier.blocked = {2}
    assert await world.later(timedelta(hours=48)) == [(ReminderKind.STAFF_UNREACHABLE, 3)]
    pending = next(
        r for r in world.uow.store.reminders.values() if r.kind is ReminderKind.REFERRAL_PENDING
    )
    assert pending.status is ReminderStatus.UNREACHABLE
    assert world.uow.store.staff[2].unreachable_at == world.clock.now()
    # Not retried forever: later reminders skip them (the escalation still reaches coordinators).
    assert await world.later(timedelta(hours=24)) == [(ReminderKind.REFERRAL_ESCALATED, 3)]
    # Writing to the bot again makes them reachable again.
    assert await staff_for_chat(2002, world.uow) is not None
    assert world.uow.store.staff[2].unreachable_at is None


# --- quiet hours -------------------------------------------------------------------------------


async def quiet_case(start: datetime, municipality: str) -> tuple[World, datetime]:
    """A referral made at `start`; returns the world and when its 48 h reminder went out."""
    world = World(start, municipality)
    await world.refer()
    world.clock.advance(timedelta(hours=48))
    while not world.notifier.reminded:
        await world.sweep()
        [reminder] = [
            r for r in world.uow.store.reminders.values() if r.kind is ReminderKind.REFERRAL_PENDING
        ]
        if reminder.status is ReminderStatus.SENT:
            break
        world.clock.current = reminder.due_at
    [reminder] = [
        r for r in world.uow.store.reminders.values() if r.kind is ReminderKind.REFERRAL_PENDING
    ]
    assert reminder.sent_at is not None
    return world, reminder.sent_at


async def test_nothing_is_sent_at_night_it_waits_for_eight_in_the_morning_local():
    # 22:30 in Juárez (UTC-7 before 8 March) is 05:30 UTC: deferred to 08:00 local.
    _, sent = await quiet_case(datetime(2026, 3, 3, 5, 30, tzinfo=UTC), JUAREZ)
    assert sent == datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("made", "delivered"),
    [
        # Saturday 7 March 23:00 in Tijuana (PST, UTC-8); the clocks jump that night: 08:00 on
        # Sunday 8 March is PDT (UTC-7).
        (datetime(2026, 3, 6, 7, 0, tzinfo=UTC), datetime(2026, 3, 8, 15, 0, tzinfo=UTC)),
        # Saturday 31 October 22:00 in Tijuana (PDT); back to PST that night: 08:00 is 16:00 UTC.
        (datetime(2026, 10, 30, 5, 0, tzinfo=UTC), datetime(2026, 11, 1, 16, 0, tzinfo=UTC)),
    ],
)
async def test_quiet_hours_in_tijuana_follow_the_us_daylight_time_changes(made, delivered):
    _, sent = await quiet_case(made, TIJUANA)
    assert sent == delivered


async def test_mexico_city_keeps_one_clock_through_the_old_april_change():
    # Saturday 4 April 2026 22:00 in Mexico City (UTC-6 all year since 2022): no change on
    # Sunday 5 April (the old Mexican DST date), 08:00 is 14:00 UTC.
    _, sent = await quiet_case(datetime(2026, 4, 3, 4, 0, tzinfo=UTC), CDMX)
    assert sent == datetime(2026, 4, 5, 14, 0, tzinfo=UTC)


def test_municipalities_are_read_in_their_own_time_zone():
    assert zone_for_municipality("02004") == "America/Tijuana"
    assert zone_for_municipality("08037") == "America/Ciudad_Juarez"
    assert zone_for_municipality("08019") == "America/Chihuahua"
    assert zone_for_municipality("Juárez", "Chihuahua") == "America/Ciudad_Juarez"
    assert zone_for_municipality("Tijuana") == "America/Tijuana"
    assert zone_for_municipality("Monterrey", "Nuevo León") == "America/Monterrey"
    assert zone_for_municipality("14039") == "America/Mexico_City"


# --- capacity check-ins --------------------------------------------------------------------------


async def test_every_monday_each_organisation_is_asked_about_its_services():
    # Sunday 8 March 2026, noon in Juárez: Monday's check-in is 09:00 local (15:00 UTC, MDT).
    world = World(datetime(2026, 3, 8, 18, 0, tzinfo=UTC))
    assert await plan_capacity_checkins(world.uow, world.clock, DEFAULT_BOOK) == 1
    world.clock.current = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert await plan_capacity_checkins(world.uow, world.clock, DEFAULT_BOOK) == 0, "idempotent"
    assert await world.later(timedelta(minutes=59)) == []
    # The receiving organisation's staff (the sender's organisation has no services).
    assert await world.later(timedelta(minutes=1)) == [(ReminderKind.CAPACITY_CHECKIN, 2)]


async def test_a_capacity_answer_counts_for_two_weeks_and_only_from_its_organisation():
    world = World()
    receiver, sender = world.uow.store.staff[2], world.uow.store.staff[1]
    with pytest.raises(AccessDenied):
        await record_capacity(SERVICE, CapacityLevel.FULL, sender, world.uow, world.clock)
    answer = await record_capacity(SERVICE, CapacityLevel.LIMITED, receiver, world.uow, world.clock)
    assert current_level(answer, world.clock.now() + timedelta(days=13)) is CapacityLevel.LIMITED
    assert current_level(answer, world.clock.now() + timedelta(days=14)) is CapacityLevel.UNKNOWN
    assert current_level(None, world.clock.now()) is CapacityLevel.UNKNOWN


# --- the rules file ------------------------------------------------------------------------------


def test_a_municipality_overrides_some_rules_and_keeps_the_rest():
    book = parse_rule_book(
        {
            "defaults": {"quiet_start": "22:00"},
            "municipality": {TIJUANA: {"referral_unanswered_hours": 24}},
        }
    )
    tijuana = book.for_municipality(TIJUANA)
    assert tijuana.referral_unanswered_hours == 24
    assert tijuana.quiet_start.hour == 22
    assert book.for_municipality(JUAREZ).referral_unanswered_hours == 48


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"defaults": {"referal_unanswered_hours": 1}},
            "defaults.referal_unanswered_hours: unknown",
        ),
        ({"defaults": {"quiet_start": "9pm"}}, "expected a time like \"21:00\", got '9pm'"),
        ({"defaults": {"max_attempts": 0}}, "max_attempts: expected a whole number of at least 1"),
        ({"municipality": {"Tijuana": {}}}, "municipality.Tijuana: expected a 5-digit INEGI code"),
        (
            {"municipality": {TIJUANA: {"referral_escalate_hours": 24}}},
            "referral_escalate_hours (24) must be later than referral_unanswered_hours (48)",
        ),
        ({"default": {}}, "unknown section(s) default"),
        ({"defaults": {"capacity_day": "lunes"}}, "capacity_day: expected one of monday"),
    ],
)
def test_a_rules_file_mistake_is_named_clearly(data, message):
    with pytest.raises(RulesError) as error:
        parse_rule_book(data)
    assert message in str(error.value)


async def test_a_rejected_referral_reminds_nobody():
    world = World()
    referral_id = await world.refer()
    world.clock.advance(timedelta(hours=47))
    receiver = world.uow.store.staff[2]
    reason = RejectionReason.OTHER
    await answer(referral_id, False, receiver, world.uow, world.clock, FakeNotifier(), reason)
    assert world.uow.store.referrals[referral_id].status is ReferralStatus.REJECTED
    assert await world.later(timedelta(days=30)) == []


# --- the database unavailable during a sweep -----------------------------------------------------


class FlakyUnitOfWork(FakeUnitOfWork):
    """The fake database, refusing commits while `down` (a connection lost mid-sweep)."""

    down = False

    async def commit(self) -> None:
        if self.down:
            raise ConnectionError("database unavailable")
        await super().commit()


async def test_a_database_down_during_the_sweep_loses_nothing():
    world = World()
    flaky = FlakyUnitOfWork()
    flaky.store = world.uow.store
    world.uow = flaky
    await world.refer()
    world.clock.advance(timedelta(hours=48))
    # Down at the claim: nothing claimed, nothing sent, the sweep fails and is tried again.
    flaky.down = True
    with pytest.raises(ConnectionError):
        await sweep_reminders(lambda: flaky, world.clock, world.notifier, "w1")
    assert world.notifier.reminded == []
    # Down right after the send (the "sent" mark cannot be written): delivered once now...
    flaky.down = False
    claimed, _ = await claim_due(flaky, world.clock, "w1")
    flaky.down = True
    for item in claimed:
        for person in item.recipients:
            await world.notifier.remind(item.reminder, person, item.subject)
    assert [kind for kind, _who, _c in world.notifier.reminded] == [ReminderKind.REFERRAL_PENDING]
    # ...and, never marked, it is taken again once the lease is over: at least once, never lost
    # (the one duplicate is the measured send-to-mark window).
    flaky.down = False
    assert await world.later(timedelta(minutes=6)) == [(ReminderKind.REFERRAL_PENDING, 2)]
    pending = next(
        r for r in flaky.store.reminders.values() if r.kind is ReminderKind.REFERRAL_PENDING
    )
    assert pending.status is ReminderStatus.SENT


async def test_a_sweep_stopped_with_the_bot_ends_at_once_even_with_reminders_queued():
    world = World()
    for _ in range(6):
        await world.refer()
    world.clock.advance(timedelta(hours=48))
    stuck = asyncio.Event()

    class Waiting(FakeNotifier):
        async def remind(
            self, reminder: Reminder, recipient: StaffMember, about: ReminderSubject
        ) -> None:
            await stuck.wait()  # the send lane is waiting (Telegram paused us, say)

    sweep = asyncio.create_task(
        drain_reminders(lambda: world.uow, world.clock, Waiting(), "w1", limit=2, concurrency=1)
    )
    await asyncio.sleep(0.05)  # one sending, two queued, the claimer waiting for room
    sweep.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(sweep, timeout=2)
