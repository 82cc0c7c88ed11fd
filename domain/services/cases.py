"""What every case use case shares: the audit trail (every case read and write leaves an
AuditEntry) and creating a referral with its reminders. The staff side's use cases are in
`domain.services.referrals`, the member's in `domain.services.members`.
"""

from __future__ import annotations

from domain.cases import AuditEntry, Case, Referral, Reminder
from domain.ports import Clock, UnitOfWork
from domain.reminder_rules import DEFAULT_BOOK, RuleBook
from domain.services.reminder_schedule import schedule_referral


async def record_audit(
    uow: UnitOfWork, clock: Clock, actor: str, action: str, subject: str, **detail: str
) -> None:
    """Append who did what to which case, now (every case read and write goes through here)."""
    await uow.audit.record(
        AuditEntry(
            id=None,
            at=clock.now(),
            actor=actor,
            action=action,
            subject=subject,
            detail=dict(detail),
        )
    )


async def create_referral(
    uow: UnitOfWork,
    clock: Clock,
    case: Case,
    to_organization_id: str,
    actor: str,
    from_organization_id: str | None,
    service_id: str | None,
    book: RuleBook = DEFAULT_BOOK,
) -> tuple[Referral, Reminder]:
    """A `requested` referral with its reminders, and the notice to its receivers (deliver it
    with `domain.services.reminders.deliver_now` after the commit; the sweep delivers it if
    this process dies first)."""
    now = clock.now()
    referral = await uow.referrals.add(
        Referral(
            id=None,
            case_id=case.id,  # type: ignore[arg-type]
            to_organization_id=to_organization_id,
            from_organization_id=from_organization_id,
            service_id=service_id,
            created_at=now,
            status_changed_at=now,
        )
    )
    notice = await schedule_referral(uow, case, referral, book)
    await record_audit(
        uow,
        clock,
        actor,
        "referral.create",
        case.code,
        referral=str(referral.id),
        to=to_organization_id,
    )
    return referral, notice


async def audit_trail(uow: UnitOfWork, limit: int, subject: str | None = None) -> list[AuditEntry]:
    """The newest audit entries (of one case when `subject` is given), oldest first: for the
    operator's `juntos audit show`."""
    async with uow:
        return list(await uow.audit.latest(limit, subject))
