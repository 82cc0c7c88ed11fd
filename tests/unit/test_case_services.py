"""Case and referral use cases over the fake unit of work: access, audit, reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.cases import ReferralStatus, RejectionReason, ReminderKind, ReminderStatus
from domain.errors import AccessDenied, DomainError, IllegalTransition, NotFound
from domain.people import Member, Role, StaffMember
from domain.services.cases import (
    OpenCase,
    complete_follow_up,
    move_referral,
    open_case,
    plan_follow_up,
    refer_case,
    view_case,
)
from domain.taxonomy import Category
from tests.fakes import FakeClock, FakeNotifier, FakeUnitOfWork

SENDER = "11111111-1111-4111-8111-111111111111"
RECEIVER = "22222222-2222-4222-8222-222222222222"
OTHER = "33333333-3333-4333-8333-333333333333"
JUAREZ = "08037"


def staff(staff_id: int, org: str) -> StaffMember:
    return StaffMember(
        id=staff_id, display_name=f"staff {staff_id}", role=Role.STAFF, organization_id=org
    )


SENDER_STAFF = staff(1, SENDER)
RECEIVER_STAFF = staff(2, RECEIVER)
OUTSIDER = staff(3, OTHER)
COORDINATOR = StaffMember(
    id=4, display_name="coord", role=Role.COORDINATOR, municipality_codes=frozenset({JUAREZ})
)
OTHER_COORDINATOR = StaffMember(
    id=5, display_name="coord 2", role=Role.COORDINATOR, municipality_codes=frozenset({"19039"})
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def referred_case(uow: FakeUnitOfWork, clock: FakeClock, notifier: FakeNotifier):
    case = await open_case(
        OpenCase(
            alias="Chava 15",
            municipality_code=JUAREZ,
            age=15,
            needs=frozenset({Category.PSYCHOLOGICAL_SUPPORT}),
            consent_contact=True,
            consent_share=True,
        ),
        SENDER_STAFF,
        uow,
        clock,
    )
    referral = await refer_case(case.code, RECEIVER, SENDER_STAFF, uow, clock, notifier)
    return case, referral


async def test_cases_get_sequential_public_codes(uow, clock) -> None:
    first = await open_case(OpenCase(alias="A", municipality_code=JUAREZ), SENDER_STAFF, uow, clock)
    second = await open_case(
        OpenCase(alias="B", municipality_code=JUAREZ), SENDER_STAFF, uow, clock
    )
    assert (first.code, second.code) == ("CASO-0001", "CASO-0002")


async def test_referring_tells_the_receiver_and_schedules_a_pending_reminder(uow, clock) -> None:
    notifier = FakeNotifier()
    case, referral = await referred_case(uow, clock, notifier)
    assert referral.status is ReferralStatus.REQUESTED
    assert [(r.id, c.code) for r, c in notifier.requested] == [(referral.id, case.code)]
    reminders = list(uow.store.reminders.values())
    assert [(r.kind, r.target, r.status, r.due_at - clock.now()) for r in reminders] == [
        (
            ReminderKind.REFERRAL_PENDING,
            f"organization:{RECEIVER}",
            ReminderStatus.PENDING,
            timedelta(hours=48),
        ),
        (
            ReminderKind.REFERRAL_ESCALATED,
            f"coordinators:{JUAREZ}",
            ReminderStatus.PENDING,
            timedelta(hours=72),
        ),
        (
            ReminderKind.CASE_INACTIVE,
            f"coordinators:{JUAREZ}",
            ReminderStatus.PENDING,
            timedelta(days=14),
        ),
    ]


async def test_a_case_without_consent_to_share_cannot_be_referred(uow, clock) -> None:
    case = await open_case(OpenCase(alias="A", municipality_code=JUAREZ), SENDER_STAFF, uow, clock)
    with pytest.raises(DomainError, match="consent"):
        await refer_case(case.code, RECEIVER, SENDER_STAFF, uow, clock, FakeNotifier())
    assert uow.store.referrals == {}


async def test_accepting_a_referral_cancels_its_reminder_and_is_audited(uow, clock) -> None:
    case, referral = await referred_case(uow, clock, FakeNotifier())
    clock.advance(timedelta(hours=5))
    moved = await move_referral(referral.id, ReferralStatus.ACCEPTED, RECEIVER_STAFF, uow, clock)
    assert moved.status is ReferralStatus.ACCEPTED
    assert moved.accepted_at == clock.now()
    assert moved.first_contact_at is None
    statuses = [(r.kind, r.status) for r in uow.store.reminders.values()]
    assert statuses == [
        (ReminderKind.REFERRAL_PENDING, ReminderStatus.CANCELLED),
        (ReminderKind.REFERRAL_ESCALATED, ReminderStatus.CANCELLED),
        # Accepting is activity: the inactivity count starts again.
        (ReminderKind.CASE_INACTIVE, ReminderStatus.CANCELLED),
        (ReminderKind.CASE_INACTIVE, ReminderStatus.PENDING),
    ]
    actions = [(e.actor, e.action, e.detail.get("after")) for e in uow.store.audit]
    assert ("staff:2", "referral.status", "accepted") in actions


async def test_only_the_receiver_accepts_and_the_sender_may_only_cancel(uow, clock) -> None:
    _case, referral = await referred_case(uow, clock, FakeNotifier())
    with pytest.raises(AccessDenied):
        await move_referral(referral.id, ReferralStatus.ACCEPTED, SENDER_STAFF, uow, clock)
    with pytest.raises(AccessDenied):
        await move_referral(referral.id, ReferralStatus.ACCEPTED, OUTSIDER, uow, clock)
    cancelled = await move_referral(referral.id, ReferralStatus.CANCELLED, SENDER_STAFF, uow, clock)
    assert cancelled.status is ReferralStatus.CANCELLED


async def test_an_illegal_move_changes_nothing_in_storage(uow, clock) -> None:
    _case, referral = await referred_case(uow, clock, FakeNotifier())
    with pytest.raises(IllegalTransition, match="requested -> completed"):
        await move_referral(referral.id, ReferralStatus.COMPLETED, RECEIVER_STAFF, uow, clock)
    assert uow.store.referrals[referral.id].status is ReferralStatus.REQUESTED


async def test_rejecting_keeps_the_reason(uow, clock) -> None:
    _case, referral = await referred_case(uow, clock, FakeNotifier())
    rejected = await move_referral(
        referral.id,
        ReferralStatus.REJECTED,
        RECEIVER_STAFF,
        uow,
        clock,
        RejectionReason.NO_CAPACITY,
    )
    assert rejected.rejection_reason is RejectionReason.NO_CAPACITY
    assert uow.store.reminders[1].status is ReminderStatus.CANCELLED


async def test_who_can_read_a_case(uow, clock) -> None:
    case, _ = await referred_case(uow, clock, FakeNotifier())
    for reader in (SENDER_STAFF, RECEIVER_STAFF, COORDINATOR):
        view = await view_case(case.code, reader, uow, clock)
        assert view.case.code == case.code
    for stranger in (OUTSIDER, OTHER_COORDINATOR, Member(id=9, chat_id=123)):
        with pytest.raises(AccessDenied):
            await view_case(case.code, stranger, uow, clock)
    reads = [(e.actor, e.action) for e in uow.store.audit if e.action.startswith("case.read")]
    assert reads == [
        ("staff:1", "case.read"),
        ("staff:2", "case.read"),
        ("coordinator:4", "case.read"),
        ("staff:3", "case.read.denied"),
        ("coordinator:5", "case.read.denied"),
        ("member:9", "case.read.denied"),
    ]


async def test_unknown_case_codes_are_not_found(uow, clock) -> None:
    with pytest.raises(NotFound):
        await view_case("CASO-9999", SENDER_STAFF, uow, clock)
    with pytest.raises(NotFound):
        await view_case("hola", SENDER_STAFF, uow, clock)


async def test_follow_ups_become_overdue_then_done(uow, clock) -> None:
    _case, referral = await referred_case(uow, clock, FakeNotifier())
    due = clock.now().date() + timedelta(days=7)
    follow_up = await plan_follow_up(referral.id, due, RECEIVER_STAFF, uow, clock)
    assert follow_up.status_on(due).value == "planned"
    assert follow_up.status_on(due + timedelta(days=1)).value == "overdue"
    clock.advance(timedelta(days=9))
    assert follow_up.id is not None
    done = await complete_follow_up(follow_up.id, RECEIVER_STAFF, uow, clock, note="primera cita")
    assert done.status_on(date(2030, 1, 1)).value == "done"
    assert uow.store.referrals[referral.id].first_contact_at == clock.now()


async def test_members_cannot_open_cases_as_staff(uow, clock) -> None:
    coordinator_as_opener = StaffMember(id=8, display_name="c", role=Role.COORDINATOR)
    with pytest.raises(AccessDenied):
        await open_case(
            OpenCase(alias="x", municipality_code=None), coordinator_as_opener, uow, clock
        )
