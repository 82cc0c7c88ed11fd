"""Due reminders are claimed once, delivered, and retried once when delivery fails."""

from __future__ import annotations

from datetime import timedelta

from domain.cases import ReferralStatus, ReminderStatus
from domain.people import Role, StaffMember
from domain.services.cases import OpenCase, move_referral, open_case, refer_case
from domain.services.reminders import claim_due_reminders, release_failed_reminder
from tests.fakes import FakeClock, FakeNotifier, FakeUnitOfWork

SENDER = StaffMember(id=1, display_name="s", role=Role.STAFF, organization_id="org-a")
RECEIVER = StaffMember(id=2, display_name="r", role=Role.STAFF, organization_id="org-b")


async def a_referral(uow: FakeUnitOfWork, clock: FakeClock) -> int:
    case = await open_case(
        OpenCase(alias="x", municipality_code="08037", consent_share=True), SENDER, uow, clock
    )
    referral = await refer_case(case.code, "org-b", SENDER, uow, clock, FakeNotifier())
    assert referral.id is not None
    return referral.id


async def test_a_reminder_is_claimed_only_when_due_and_only_once() -> None:
    uow, clock = FakeUnitOfWork(), FakeClock()
    await a_referral(uow, clock)
    assert await claim_due_reminders(uow, clock) == []
    clock.advance(timedelta(hours=49))
    [due] = await claim_due_reminders(uow, clock)
    assert due.case is not None and due.case.code == "CASO-0001"
    assert uow.store.reminders[due.reminder.id].status is ReminderStatus.SENT  # type: ignore[index]
    assert await claim_due_reminders(uow, clock) == [], "a second sweep sends nothing again"


async def test_a_failed_delivery_is_retried_once_then_marked_failed() -> None:
    uow, clock = FakeUnitOfWork(), FakeClock()
    await a_referral(uow, clock)
    clock.advance(timedelta(hours=49))
    [due] = await claim_due_reminders(uow, clock)
    assert due.reminder.id is not None
    assert await release_failed_reminder(due.reminder.id, uow)
    [again] = await claim_due_reminders(uow, clock)
    assert again.reminder.attempts == 2
    assert not await release_failed_reminder(due.reminder.id, uow)
    assert uow.store.reminders[due.reminder.id].status is ReminderStatus.FAILED
    assert await claim_due_reminders(uow, clock) == []


async def test_accepting_before_it_is_due_means_no_reminder() -> None:
    uow, clock = FakeUnitOfWork(), FakeClock()
    referral_id = await a_referral(uow, clock)
    await move_referral(referral_id, ReferralStatus.ACCEPTED, RECEIVER, uow, clock)
    clock.advance(timedelta(days=5))
    assert await claim_due_reminders(uow, clock) == []
