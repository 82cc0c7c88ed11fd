"""Due reminders: claimed and marked sent in one transaction, then delivered.

Reminders are rows in the database (the source of truth). The scheduler only wakes this sweep;
a reminder that came due while the bot was down is picked up by the next sweep. Claiming marks
it sent before delivery, so two sweeps never send it twice; a delivery that fails puts it back
once (attempts < MAX_ATTEMPTS) for the next sweep.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.cases import Case, Referral, Reminder, ReminderStatus
from domain.ports import Clock, UnitOfWork
from domain.services.cases import record_audit

MAX_ATTEMPTS = 2


@dataclass(frozen=True)
class DueReminder:
    reminder: Reminder
    referral: Referral | None
    case: Case | None


async def claim_due_reminders(uow: UnitOfWork, clock: Clock, limit: int = 100) -> list[DueReminder]:
    """Mark every pending reminder that is due as sent, and return them for delivery."""
    now = clock.now()
    claimed: list[DueReminder] = []
    async with uow:
        for reminder in (await uow.reminders.due(now))[:limit]:
            reminder.mark_sent(now)
            reminder.attempts += 1
            referral = (
                await uow.referrals.get(reminder.referral_id) if reminder.referral_id else None
            )
            case = await uow.cases.get(referral.case_id) if referral else None
            if referral is not None and not referral.is_open:
                reminder.status = ReminderStatus.CANCELLED  # closed meanwhile: nothing to say
                continue
            claimed.append(DueReminder(reminder, referral, case))
            subject = case.code if case else f"reminder:{reminder.id}"
            await record_audit(
                uow, clock, "system", "reminder.claim", subject, kind=reminder.kind.value
            )
        await uow.commit()
    return claimed


async def release_failed_reminder(reminder_id: int, uow: UnitOfWork) -> bool:
    """Put a reminder whose delivery failed back in the queue, once. True when it was."""
    async with uow:
        reminder = await uow.reminders.get(reminder_id)
        if reminder is None or reminder.status is not ReminderStatus.SENT:
            return False
        if reminder.attempts >= MAX_ATTEMPTS:
            reminder.status = ReminderStatus.FAILED
            await uow.commit()
            return False
        reminder.status = ReminderStatus.PENDING
        reminder.sent_at = None
        await uow.commit()
    return True
