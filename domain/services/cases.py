"""Case and referral use cases: open, refer, move through the status machine, follow up.

Every case read and write leaves an AuditEntry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.access import Actor, actor_name, check_can_move_referral, check_can_see_case
from domain.cases import (
    AuditEntry,
    Case,
    FollowUp,
    Gender,
    Referral,
    ReferralStatus,
    RejectionReason,
)
from domain.errors import AccessDenied, DomainError, NotFound
from domain.people import Role, StaffMember
from domain.ports import Clock, Notifier, UnitOfWork
from domain.reminder_rules import DEFAULT_BOOK, RuleBook
from domain.services.reminder_schedule import (
    cancel_follow_up_reminders,
    schedule_follow_up,
    schedule_referral,
    touch_case,
)
from domain.taxonomy import Category


@dataclass(frozen=True)
class OpenCase:
    alias: str
    municipality_code: str | None
    age: int | None = None
    gender: Gender | None = None
    needs: frozenset[Category] = frozenset()
    consent_contact: bool = False
    consent_share: bool = False


@dataclass
class CaseView:
    case: Case
    referrals: list[Referral] = field(default_factory=list)
    follow_ups: dict[int, list[FollowUp]] = field(default_factory=dict)


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


async def open_case(cmd: OpenCase, actor: StaffMember, uow: UnitOfWork, clock: Clock) -> Case:
    """Staff open a case for a person their organisation is helping."""
    if actor.role is not Role.STAFF and actor.role is not Role.ADMIN:
        raise AccessDenied(actor.actor, "open", "a case")
    async with uow:
        case = await uow.cases.add(
            Case(
                id=None,
                code="",
                alias=cmd.alias,
                municipality_code=cmd.municipality_code,
                created_at=clock.now(),
                age=cmd.age,
                gender=cmd.gender,
                needs=cmd.needs,
                consent_contact=cmd.consent_contact,
                consent_share=cmd.consent_share,
                organization_id=actor.organization_id,
                created_by=actor.actor,
            )
        )
        await record_audit(uow, clock, actor.actor, "case.open", case.code)
        await uow.commit()
    return case


async def create_referral(
    uow: UnitOfWork,
    clock: Clock,
    case: Case,
    to_organization_id: str,
    actor: str,
    from_organization_id: str | None,
    service_id: str | None,
    book: RuleBook = DEFAULT_BOOK,
) -> Referral:
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
    await schedule_referral(uow, case, referral, book)
    await record_audit(
        uow,
        clock,
        actor,
        "referral.create",
        case.code,
        referral=str(referral.id),
        to=to_organization_id,
    )
    return referral


async def refer_case(
    case_code: str,
    to_organization_id: str,
    actor: StaffMember,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    service_id: str | None = None,
    book: RuleBook = DEFAULT_BOOK,
) -> Referral:
    """Send a case the actor can see to another organisation (status `requested`)."""
    async with uow:
        case = await uow.cases.get_by_code(case_code)
        if case is None:
            raise NotFound("case", case_code)
        check_can_see_case(actor, case, await uow.referrals.for_case(case.id))  # type: ignore[arg-type]
        if not case.consent_share:
            raise DomainError(f"{case.code} has no consent to share it with another organisation")
        referral = await create_referral(
            uow,
            clock,
            case,
            to_organization_id,
            actor.actor,
            actor.organization_id,
            service_id,
            book,
        )
        await uow.commit()
    await notifier.referral_requested(referral, case)
    return referral


async def move_referral(
    referral_id: int,
    target: ReferralStatus,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    reason: RejectionReason | None = None,
    book: RuleBook = DEFAULT_BOOK,
) -> Referral:
    """Move a referral through the status machine; accepting or closing cancels its reminders."""
    async with uow:
        referral = await uow.referrals.get(referral_id)
        if referral is None:
            raise NotFound("referral", referral_id)
        case = await uow.cases.get(referral.case_id)
        if case is None:
            raise NotFound("case", referral.case_id)
        check_can_move_referral(actor, case, referral, target)
        previous = referral.status
        referral.transition(target, clock.now(), reason)
        if target is ReferralStatus.ACCEPTED or not referral.is_open:
            for reminder in await uow.reminders.pending_for_referral(referral_id):
                reminder.cancel()
        await touch_case(uow, case, clock.now(), book)
        await record_audit(
            uow,
            clock,
            actor_name(actor),
            "referral.status",
            case.code,
            referral=str(referral_id),
            before=previous.value,
            after=target.value,
        )
        await uow.commit()
    return referral


async def view_case(case_code: str, actor: Actor, uow: UnitOfWork, clock: Clock) -> CaseView:
    """Read a case with its referrals and follow-ups, if the actor may see it (audited)."""
    async with uow:
        case = await uow.cases.get_by_code(case_code)
        if case is None:
            raise NotFound("case", case_code)
        referrals = await uow.referrals.for_case(case.id)  # type: ignore[arg-type]
        try:
            check_can_see_case(actor, case, referrals)
        except AccessDenied:
            await record_audit(uow, clock, actor_name(actor), "case.read.denied", case.code)
            await uow.commit()
            raise
        view = CaseView(case=case, referrals=referrals)
        for referral in referrals:
            view.follow_ups[referral.id] = await uow.follow_ups.for_referral(referral.id)  # type: ignore[index,arg-type]
        await record_audit(uow, clock, actor_name(actor), "case.read", case.code)
        await uow.commit()
    return view


async def plan_follow_up(
    referral_id: int,
    due_date: date,
    actor: StaffMember,
    uow: UnitOfWork,
    clock: Clock,
    book: RuleBook = DEFAULT_BOOK,
) -> FollowUp:
    async with uow:
        referral = await uow.referrals.get(referral_id)
        if referral is None:
            raise NotFound("referral", referral_id)
        case = await uow.cases.get(referral.case_id)
        assert case is not None
        check_can_see_case(actor, case, [referral])
        follow_up = await uow.follow_ups.add(
            FollowUp(id=None, referral_id=referral_id, due_date=due_date, created_by=actor.actor)
        )
        await schedule_follow_up(uow, case, follow_up, book)
        await touch_case(uow, case, clock.now(), book)
        await record_audit(
            uow,
            clock,
            actor.actor,
            "follow_up.plan",
            case.code,
            referral=str(referral_id),
            due=due_date.isoformat(),
        )
        await uow.commit()
    return follow_up


async def complete_follow_up(
    follow_up_id: int, actor: StaffMember, uow: UnitOfWork, clock: Clock, note: str = ""
) -> FollowUp:
    async with uow:
        follow_up = await uow.follow_ups.get(follow_up_id)
        if follow_up is None:
            raise NotFound("follow-up", follow_up_id)
        referral = await uow.referrals.get(follow_up.referral_id)
        assert referral is not None
        case = await uow.cases.get(referral.case_id)
        assert case is not None
        check_can_see_case(actor, case, [referral])
        now = clock.now()
        follow_up.mark_done(now, note)
        referral.record_contact(now)
        await cancel_follow_up_reminders(uow, follow_up_id)
        await touch_case(uow, case, now)
        await record_audit(
            uow, clock, actor.actor, "follow_up.done", case.code, follow_up=str(follow_up_id)
        )
        await uow.commit()
    return follow_up


async def audit_trail(uow: UnitOfWork, limit: int, subject: str | None = None) -> list[AuditEntry]:
    """The newest audit entries (of one case when `subject` is given), oldest first: for the
    operator's `juntos audit show`."""
    async with uow:
        return list(await uow.audit.latest(limit, subject))
