"""Reminders scheduled where things happen: a referral sent, a case touched, a follow-up planned.

Rows only (the sweep in `domain.services.reminders` delivers them); the times come from the
rule book of the case's municipality.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.cases import Case, FollowUp, Referral, Reminder, ReminderKind
from domain.ports import UnitOfWork
from domain.reminder_rules import DEFAULT_BOOK, RuleBook


async def schedule_referral(
    uow: UnitOfWork, case: Case, referral: Referral, book: RuleBook = DEFAULT_BOOK
) -> Reminder:
    """A new referral: tell the receivers now (the returned notice, an outbox row committed
    with the referral), remind them at 48 h, the coordinators at 72 h (both cancelled when it
    is answered), and watch the case for inactivity."""
    rules = book.for_municipality(case.municipality_code)
    common = {
        "referral_id": referral.id,
        "case_id": case.id,
        "municipality_code": case.municipality_code,
    }
    notice = await uow.reminders.add(
        Reminder(
            id=None,
            kind=ReminderKind.REFERRAL_NEW,
            due_at=referral.created_at,
            target=f"organization:{referral.to_organization_id}",
            **common,  # type: ignore[arg-type]
        )
    )
    await uow.reminders.add(
        Reminder(
            id=None,
            kind=ReminderKind.REFERRAL_PENDING,
            due_at=referral.created_at + rules.referral_unanswered,
            target=f"organization:{referral.to_organization_id}",
            **common,  # type: ignore[arg-type]
        )
    )
    if case.municipality_code is not None:
        await uow.reminders.add(
            Reminder(
                id=None,
                kind=ReminderKind.REFERRAL_ESCALATED,
                due_at=referral.created_at + rules.referral_escalate,
                target=f"coordinators:{case.municipality_code}",
                **common,  # type: ignore[arg-type]
            )
        )
    await touch_case(uow, case, referral.created_at, book)
    return notice


async def touch_case(
    uow: UnitOfWork, case: Case, at: datetime, book: RuleBook = DEFAULT_BOOK
) -> None:
    """Something happened on the case: its inactivity reminder starts counting again."""
    if case.id is None:
        return
    for pending in await uow.reminders.pending_for_case(case.id, ReminderKind.CASE_INACTIVE):
        pending.cancel()
    if case.municipality_code is None:
        return
    rules = book.for_municipality(case.municipality_code)
    await uow.reminders.add(
        Reminder(
            id=None,
            kind=ReminderKind.CASE_INACTIVE,
            due_at=at + rules.case_inactive,
            target=f"coordinators:{case.municipality_code}",
            case_id=case.id,
            municipality_code=case.municipality_code,
        )
    )


async def schedule_follow_up(
    uow: UnitOfWork, case: Case, follow_up: FollowUp, book: RuleBook = DEFAULT_BOOK
) -> None:
    """A planned follow-up: its author hears on the due date, and again (overdue) the next day,
    both at the morning hour of the case's municipality."""
    rules = book.for_municipality(case.municipality_code)
    tz = ZoneInfo(book.zone(case.municipality_code))
    if not follow_up.created_by.startswith(("staff:", "coordinator:", "admin:")):
        return
    target = "staff:" + follow_up.created_by.split(":", 1)[1]
    for kind, day in (
        (ReminderKind.FOLLOW_UP_DUE, follow_up.due_date),
        (ReminderKind.FOLLOW_UP_OVERDUE, follow_up.due_date + timedelta(days=1)),
    ):
        due = datetime.combine(day, rules.follow_up_time, tzinfo=tz)
        await uow.reminders.add(
            Reminder(
                id=None,
                kind=kind,
                due_at=due.astimezone(UTC),
                target=target,
                referral_id=follow_up.referral_id,
                case_id=case.id,
                follow_up_id=follow_up.id,
                municipality_code=case.municipality_code,
            )
        )


async def cancel_follow_up_reminders(uow: UnitOfWork, follow_up_id: int) -> None:
    for pending in await uow.reminders.pending_for_follow_up(follow_up_id):
        pending.cancel()
