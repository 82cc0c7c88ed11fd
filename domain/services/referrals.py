"""What partner staff do with cases: refer a person, answer a referral, follow up, list, read.

Access is decided here on every call (domain/access.py); every read and write of a case is
audited; a referral never exists without the person's consent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from domain.access import (
    Actor,
    actor_name,
    case_scope,
    check_can_move_referral,
    check_can_see_case,
)
from domain.cases import (
    OPEN_STATUSES,
    TRANSITIONS,
    AuditEntry,
    Case,
    CaseSummary,
    FollowUp,
    Gender,
    Note,
    Referral,
    ReferralStatus,
    RejectionReason,
)
from domain.directory import Municipality
from domain.errors import AccessDenied, DomainError, InvalidValue, NotFound
from domain.geo import Point
from domain.nearby import NearbyQuery
from domain.people import Role, StaffMember
from domain.ports import Clock, Notifier, UnitOfWork
from domain.reminder_rules import DEFAULT_BOOK, RuleBook
from domain.services.cases import create_referral, record_audit
from domain.services.reminder_schedule import (
    cancel_follow_up_reminders,
    schedule_follow_up,
    touch_case,
)
from domain.services.reminders import deliver_now
from domain.taxonomy import Category

#: An alias is a first name, a nickname or initials: never a full name.
MAX_ALIAS_CHARS = 30
MAX_ALIAS_WORDS = 2
CASES_PER_PAGE = 5
#: How far from the municipality's main place a destination may be suggested.
DESTINATION_RADIUS_KM = 150.0


def check_alias(alias: str) -> str:
    """The alias, trimmed; raises InvalidValue when it looks like a full name or is empty."""
    cleaned = " ".join(alias.split())
    if not cleaned:
        raise InvalidValue("alias", alias, "empty")
    if len(cleaned) > MAX_ALIAS_CHARS or len(cleaned.split()) > MAX_ALIAS_WORDS:
        raise InvalidValue("alias", alias, "looks like a full name; use a nickname or initials")
    return cleaned


def _sender(actor: StaffMember) -> str:
    if not actor.active or actor.organization_id is None or actor.role is Role.MEMBER:
        raise AccessDenied(actor.actor, "refer", "a person")
    return actor.organization_id


@dataclass(frozen=True)
class NewReferral:
    alias: str
    need: Category
    to_organization_id: str
    consent: bool
    municipality_code: str | None = None
    age: int | None = None
    gender: Gender | None = None
    service_id: str | None = None
    urgent: bool = False
    note: str = ""


@dataclass(frozen=True)
class ReferralMade:
    case: Case
    referral: Referral
    organization_name: str


async def refer_person(
    cmd: NewReferral,
    actor: StaffMember,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    book: RuleBook = DEFAULT_BOOK,
) -> ReferralMade:
    """Open a case and its referral (`requested`) in one transaction; tell the receivers."""
    sender = _sender(actor)
    if not cmd.consent:
        raise DomainError("a referral needs the person's consent")
    alias = check_alias(cmd.alias)
    if cmd.to_organization_id == sender:
        raise DomainError("a referral goes to another organisation")
    now = clock.now()
    async with uow:
        name = await uow.directory.organization_name(cmd.to_organization_id)
        if name is None:
            raise NotFound("organization", cmd.to_organization_id)
        if cmd.service_id is not None:
            service = await uow.directory.get_service(cmd.service_id)
            if service is None or service.organization_id != cmd.to_organization_id:
                raise NotFound("service", cmd.service_id)
        case = await uow.cases.add(
            Case(
                id=None,
                code="",
                alias=alias,
                municipality_code=cmd.municipality_code,
                created_at=now,
                age=cmd.age,
                gender=cmd.gender,
                needs=frozenset({cmd.need}),
                consent_contact=True,
                consent_share=True,
                organization_id=sender,
                created_by=actor.actor,
            )
        )
        await record_audit(uow, clock, actor.actor, "case.open", case.code)
        referral, notice = await create_referral(
            uow, clock, case, cmd.to_organization_id, actor.actor, sender, cmd.service_id, book
        )
        referral.urgent = cmd.urgent
        referral.created_by = actor.actor
        if cmd.note.strip():
            await uow.notes.add(
                Note(
                    id=None,
                    case_id=case.id,  # type: ignore[arg-type]
                    at=now,
                    author=actor.actor,
                    text=cmd.note.strip(),
                    referral_id=referral.id,
                )
            )
            await record_audit(uow, clock, actor.actor, "note.add", case.code)
        await uow.commit()
    await deliver_now(uow, clock, notifier, notice, book)
    return ReferralMade(case, referral, name)


@dataclass(frozen=True)
class Destination:
    """Where staff may refer someone: a service of another organisation."""

    service_id: str
    service_name: str
    organization_id: str
    organization_name: str
    confidential: bool = False


async def suggest_destinations(
    need: Category,
    municipality: Municipality | None,
    actor: StaffMember,
    uow: UnitOfWork,
    limit: int = 5,
) -> list[Destination]:
    """Services of OTHER organisations offering `need`: the nearest public ones to the
    municipality's main place, then its confidential ones (shelters) by name."""
    own = _sender(actor)
    found: list[Destination] = []
    seen: set[str] = set()
    async with uow:
        if municipality is not None and municipality.latitude is not None:
            assert municipality.longitude is not None
            points = await uow.directory.nearest(
                NearbyQuery(
                    point=Point(municipality.latitude, municipality.longitude),
                    category=need,
                    limit=limit * 3,
                    max_radius_km=DESTINATION_RADIUS_KM,
                )
            )
            for p in points:
                if p.organization.id == own or p.organization.id in seen:
                    continue
                seen.add(p.organization.id)
                found.append(
                    Destination(
                        p.service.id, p.service.name, p.organization.id, p.organization.name
                    )
                )
        if municipality is not None:
            for offer in await uow.directory.confidential_offers(
                municipality.inegi_code, need, None
            ):
                if offer.organization_id == own or offer.organization_id in seen:
                    continue
                seen.add(offer.organization_id)
                found.append(
                    Destination(
                        offer.service_id,
                        offer.service_name,
                        offer.organization_id,
                        offer.organization_name,
                        confidential=True,
                    )
                )
    return found[:limit]


async def destinations_named(
    name: str, need: Category | None, actor: StaffMember, uow: UnitOfWork, limit: int = 5
) -> list[Destination]:
    """Services of other organisations whose name matches `name` (the need's first)."""
    own = _sender(actor)
    found: list[Destination] = []
    async with uow:
        for organization in await uow.directory.find_organizations(name, limit=limit):
            if organization.id == own:
                continue
            services = [s for s in await uow.directory.services_of(organization.id) if s.active]
            services.sort(key=lambda s: (need is not None and need not in s.categories, s.name))
            if services:
                best = services[0]
                found.append(
                    Destination(
                        best.id, best.name, organization.id, organization.name, best.confidential
                    )
                )
    return found[:limit]


async def home_municipalities(actor: StaffMember, uow: UnitOfWork) -> list[str]:
    """Where the actor usually works: a coordinator's municipalities, else those where their
    organisation has places (the first choices offered for a referral)."""
    if actor.municipality_codes:
        return sorted(actor.municipality_codes)
    if actor.organization_id is None:
        return []
    async with uow:
        return await uow.directory.organization_municipalities(actor.organization_id)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseLine:
    summary: CaseSummary
    #: The referral this reader acts on.
    referral: Referral | None
    #: This reader's organisation sent it (True), received it (False), or neither (None).
    sent: bool | None
    to_organization: str | None
    from_organization: str | None
    overdue: bool


@dataclass(frozen=True)
class CasePage:
    lines: list[CaseLine]
    page: int
    pages: int
    total: int


async def list_cases(
    actor: Actor, page: int, uow: UnitOfWork, clock: Clock, *, open_only: bool = True
) -> CasePage:
    """The open cases the actor may see, overdue first, a page at a time (audited)."""
    scope = case_scope(actor)
    today = clock.now().date()
    page = max(page, 0)
    async with uow:
        summaries, total = await uow.cases.summaries(
            scope, today, page * CASES_PER_PAGE, CASES_PER_PAGE, open_only=open_only
        )
        names: dict[str, str] = {}

        async def name(org: str | None) -> str | None:
            if org is None:
                return None
            if org not in names:
                names[org] = await uow.directory.organization_name(org) or ""
            return names[org]

        lines = []
        for summary in summaries:
            referral = current_referral(list(summary.referrals), actor)
            sent = None
            if scope.organization_id is not None and referral is not None:
                sent = referral.to_organization_id != scope.organization_id
            lines.append(
                CaseLine(
                    summary=summary,
                    referral=referral,
                    sent=sent,
                    to_organization=await name(referral.to_organization_id if referral else None),
                    from_organization=await name(
                        referral.from_organization_id if referral else None
                    ),
                    overdue=summary.overdue_on(today),
                )
            )
            await record_audit(uow, clock, actor_name(actor), "case.list", summary.case.code)
        await uow.commit()
    return CasePage(lines, page, max(1, math.ceil(total / CASES_PER_PAGE)), total)


@dataclass
class CaseRecord:
    """A case with everything its reader may see: referrals, follow-ups, notes, history."""

    case: Case
    referrals: list[Referral] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    history: list[AuditEntry] = field(default_factory=list)
    organization_names: dict[str, str] = field(default_factory=dict)

    def current_referral(self, actor: Actor) -> Referral | None:
        return current_referral(self.referrals, actor)


def current_referral(referrals: list[Referral], actor: Actor) -> Referral | None:
    """The referral an action on the case applies to, for this reader: the newest open one
    their organisation receives, else the newest open one it sent, else the newest."""
    org = getattr(actor, "organization_id", None)
    newest_first = list(reversed(referrals))
    for wanted in ("to", "from"):
        for referral in newest_first:
            side = referral.to_organization_id if wanted == "to" else referral.from_organization_id
            if referral.is_open and org is not None and side == org:
                return referral
    open_ones = [r for r in newest_first if r.is_open]
    return open_ones[0] if open_ones else (newest_first[0] if newest_first else None)


async def _load_visible(uow: UnitOfWork, clock: Clock, code: str, actor: Actor) -> Case:
    """The case with this code if the actor may see it; otherwise NotFound (no existence leak:
    another organisation's case reads exactly like a case that does not exist)."""
    case = await uow.cases.get_by_code(code)
    if case is None:
        raise NotFound("case", code)
    referrals = await uow.referrals.for_case(case.id)  # type: ignore[arg-type]
    try:
        check_can_see_case(actor, case, referrals)
    except AccessDenied:
        await record_audit(uow, clock, actor_name(actor), "case.read.denied", case.code)
        await uow.commit()
        raise NotFound("case", code) from None
    return case


async def read_case(code: str, actor: Actor, uow: UnitOfWork, clock: Clock) -> CaseRecord:
    """A case's card and history, if the actor may see it (audited either way)."""
    async with uow:
        case = await _load_visible(uow, clock, code, actor)
        assert case.id is not None
        record = CaseRecord(case=case, referrals=await uow.referrals.for_case(case.id))
        for referral in record.referrals:
            assert referral.id is not None
            record.follow_ups += await uow.follow_ups.for_referral(referral.id)
            for org in (referral.to_organization_id, referral.from_organization_id):
                if org and org not in record.organization_names:
                    record.organization_names[org] = (
                        await uow.directory.organization_name(org) or ""
                    )
        record.notes = await uow.notes.for_case(case.id)
        record.history = [
            e for e in await uow.audit.for_subject(case.code) if e.action in HISTORY_ACTIONS
        ]
        await record_audit(uow, clock, actor_name(actor), "case.read", case.code)
        await uow.commit()
    return record


#: Audit actions that make up a case's history (reads are audited but not history).
HISTORY_ACTIONS = frozenset(
    {
        "case.open",
        "referral.create",
        "referral.status",
        "follow_up.plan",
        "follow_up.done",
        "note.add",
    }
)


# --- answering and following up -----------------------------------------------------------------


async def answer_referral(
    referral_id: int,
    accept: bool,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    reason: RejectionReason | None = None,
) -> tuple[Referral, Case]:
    """The receiving organisation accepts or rejects (with a reason); the sender is told."""
    target = ReferralStatus.ACCEPTED if accept else ReferralStatus.REJECTED
    if not accept and reason is None:
        raise DomainError("a rejection needs a reason")
    referral, case = await _move(referral_id, target, actor, uow, clock, reason)
    await announce(uow, notifier, referral, case)
    return referral, case


async def announce(uow: UnitOfWork, notifier: Notifier, referral: Referral, case: Case) -> None:
    """A referral changed status: the sending organisation hears it, and so does the member
    whose own request it is (their chat id is read here, for this message only)."""
    await notifier.referral_answered(referral, case)
    if case.member_id is None:
        return
    async with uow:
        member = await uow.people.get_member(case.member_id)
    if member is not None:
        await notifier.request_answered(member, referral, case)


async def _move(
    referral_id: int,
    target: ReferralStatus,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    reason: RejectionReason | None = None,
) -> tuple[Referral, Case]:
    async with uow:
        referral = await uow.referrals.get(referral_id)
        case = await uow.cases.get(referral.case_id) if referral is not None else None
        if referral is None or case is None:
            raise NotFound("referral", referral_id)
        try:
            check_can_see_case(actor, case, [referral])
            check_can_move_referral(actor, case, referral, target)
        except AccessDenied:
            await record_audit(uow, clock, actor_name(actor), "referral.denied", case.code)
            await uow.commit()
            raise
        await _transition(uow, clock, actor, case, referral, target, reason)
        await uow.commit()
    return referral, case


async def _transition(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    case: Case,
    referral: Referral,
    target: ReferralStatus,
    reason: RejectionReason | None,
    book: RuleBook = DEFAULT_BOOK,
) -> None:
    previous = referral.status
    referral.transition(target, clock.now(), reason)
    if target is ReferralStatus.ACCEPTED or not referral.is_open:
        for reminder in await uow.reminders.pending_for_referral(referral.id):  # type: ignore[arg-type]
            reminder.cancel()
    await touch_case(uow, case, clock.now(), book)
    detail = {"referral": str(referral.id), "before": previous.value, "after": target.value}
    if reason is not None:
        detail["reason"] = reason.value
    await record_audit(uow, clock, actor_name(actor), "referral.status", case.code, **detail)


@dataclass(frozen=True)
class FollowUpOptions:
    """What the actor may log on a case: the referral it applies to and the moves allowed."""

    case: Case
    referral: Referral
    moves: tuple[ReferralStatus, ...]


def allowed_moves(actor: Actor, case: Case, referral: Referral) -> tuple[ReferralStatus, ...]:
    """The status moves the actor may make on this referral now (in the machine's order)."""
    moves = []
    for target in ReferralStatus:
        if target not in TRANSITIONS[referral.status]:
            continue
        try:
            check_can_move_referral(actor, case, referral, target)
        except AccessDenied:
            continue
        moves.append(target)
    return tuple(moves)


async def follow_up_options(
    code: str, actor: Actor, uow: UnitOfWork, clock: Clock
) -> FollowUpOptions:
    """Open a case for a follow-up (audited as a read; NotFound for cases the actor may not
    see)."""
    if not isinstance(actor, StaffMember):
        raise AccessDenied(actor_name(actor), "follow up", code)
    async with uow:
        case = await _load_visible(uow, clock, code, actor)
        referral = current_referral(await uow.referrals.for_case(case.id), actor)  # type: ignore[arg-type]
        if referral is None:
            raise NotFound("referral", code)
        await record_audit(uow, clock, actor_name(actor), "case.read", case.code)
        await uow.commit()
    return FollowUpOptions(case, referral, allowed_moves(actor, case, referral))


@dataclass(frozen=True)
class FollowUpEntry:
    """What staff log about a case: any of a status move, a note, the next follow-up date."""

    case_code: str
    status: ReferralStatus | None = None
    reason: RejectionReason | None = None
    note: str = ""
    next_due: date | None = None

    @property
    def empty(self) -> bool:
        return self.status is None and not self.note.strip() and self.next_due is None


@dataclass(frozen=True)
class FollowUpLogged:
    case: Case
    referral: Referral
    moved: bool


async def log_follow_up(
    entry: FollowUpEntry,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    book: RuleBook = DEFAULT_BOOK,
) -> FollowUpLogged:
    """Record a follow-up in one transaction: the status move, the note, the follow-up that
    was due (done), the next date; the other organisation hears of a status move."""
    if entry.empty:
        raise DomainError("a follow-up needs a status, a note or a next date")
    if not isinstance(actor, StaffMember):
        raise AccessDenied(actor_name(actor), "follow up", entry.case_code)
    now = clock.now()
    if entry.next_due is not None and entry.next_due < now.date():
        raise InvalidValue("next_due", entry.next_due, "in the past")
    async with uow:
        case = await _load_visible(uow, clock, entry.case_code, actor)
        referrals = await uow.referrals.for_case(case.id)  # type: ignore[arg-type]
        referral = current_referral(referrals, actor)
        if referral is None or referral.id is None:
            raise NotFound("referral", entry.case_code)
        if entry.status is not None and entry.status is not referral.status:
            try:
                check_can_move_referral(actor, case, referral, entry.status)
            except AccessDenied:
                await record_audit(uow, clock, actor_name(actor), "referral.denied", case.code)
                await uow.commit()
                raise
            await _transition(uow, clock, actor, case, referral, entry.status, entry.reason, book)
        moved = entry.status is not None and entry.status is referral.status
        note = entry.note.strip()
        for due in await uow.follow_ups.for_referral(referral.id):
            if due.done_at is None and due.due_date <= (entry.next_due or date.max):
                due.mark_done(now, note[:200])
                if due.id is not None:
                    await cancel_follow_up_reminders(uow, due.id)
                await record_audit(
                    uow,
                    clock,
                    actor_name(actor),
                    "follow_up.done",
                    case.code,
                    follow_up=str(due.id),
                )
                break
        if note:
            await uow.notes.add(
                Note(None, case.id, now, actor_name(actor), note, referral.id)  # type: ignore[arg-type]
            )
            await record_audit(uow, clock, actor_name(actor), "note.add", case.code)
        if referral.status in OPEN_STATUSES and referral.status is not ReferralStatus.REQUESTED:
            referral.record_contact(now)
        if entry.next_due is not None:
            follow_up = await uow.follow_ups.add(
                FollowUp(None, referral.id, entry.next_due, created_by=actor_name(actor))
            )
            await record_audit(
                uow,
                clock,
                actor_name(actor),
                "follow_up.plan",
                case.code,
                referral=str(referral.id),
                due=entry.next_due.isoformat(),
                follow_up=str(follow_up.id),
            )
            await schedule_follow_up(uow, case, follow_up, book)
        await touch_case(uow, case, now, book)
        await uow.commit()
    if moved:
        await announce(uow, notifier, referral, case)
    return FollowUpLogged(case, referral, moved)
