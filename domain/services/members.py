"""What a member can do about themselves: ask to be contacted, see their requests, be forgotten.

Members are pseudonymous: a case made from a member's request carries a generated alias, the
need, the municipality and an optional age; the chat id lives only on the member row (stored
encrypted) so the receiving organisation can answer through the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.cases import Case, MemberOutcome, Referral, ReferralStatus
from domain.errors import DomainError, NotFound
from domain.geo import Point
from domain.nearby import NearbyQuery
from domain.people import Member
from domain.ports import Clock, Notifier, RelayMessenger, UnitOfWork
from domain.reminder_rules import DEFAULT_BOOK, RuleBook
from domain.services.cases import create_referral, record_audit
from domain.services.relay import member_left
from domain.services.reminders import deliver_now
from domain.taxonomy import Category

#: How far an organisation may be from the member to be asked to contact them.
CONTACT_RADIUS_KM = 150.0
CONSENT_CONTACT = "contact"
MEMBER_ALIAS = "Telegram"


@dataclass(frozen=True)
class ContactRequest:
    chat_id: int
    locale: str
    #: None when the member picked a listed service: its categories are the need then.
    category: Category | None
    municipality_code: str | None
    point: Point | None
    age: int | None = None
    #: When the member picked a service from the results (e.g. a confidential shelter).
    service_id: str | None = None


@dataclass(frozen=True)
class ContactResult:
    case_code: str
    referral_id: int
    organization_id: str
    organization_name: str


@dataclass(frozen=True)
class CaseStatus:
    code: str
    status: ReferralStatus | None
    organization_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class MemberData:
    """Everything Juntos keeps about a member in its database (for /mis_datos)."""

    known: bool
    locale: str | None
    consents: dict[str, datetime]
    cases: list[CaseStatus]


@dataclass(frozen=True)
class ContactTarget:
    """The organisation (and its service) that would receive a member's request."""

    organization_id: str
    organization_name: str
    service_id: str
    needs: frozenset[Category]


async def _choose_target(uow: UnitOfWork, request: ContactRequest) -> ContactTarget | None:
    """Who should receive the request. A confidential place is chosen by municipality and by
    name, never by nearness: which organisation is named must not depend on where it is."""
    wanted = frozenset({request.category}) if request.category else None
    if request.service_id is not None:
        service = await uow.directory.get_service(request.service_id)
        if service is None or not service.active:
            return None
        name = await uow.directory.organization_name(service.organization_id)
        return ContactTarget(
            service.organization_id, name or "", service.id, wanted or service.categories
        )
    if request.category is None:
        return None
    needs = frozenset({request.category})
    nearby = []
    if request.point is not None:
        nearby = await uow.directory.nearest(
            NearbyQuery(
                point=request.point,
                category=request.category,
                age=request.age,
                limit=10,
                max_radius_km=CONTACT_RADIUS_KM,
            )
        )
    # 1. A public place of the member's own municipality, the nearest.
    for point in nearby:
        if request.municipality_code and point.location.municipality_code == (
            request.municipality_code
        ):
            return ContactTarget(
                point.organization.id, point.organization.name, point.service.id, needs
            )
    # 2. A confidential place of the municipality (the first by name).
    if request.municipality_code is not None:
        offers = await uow.directory.confidential_offers(
            request.municipality_code, request.category, request.age
        )
        if offers:
            offer = offers[0]
            return ContactTarget(
                offer.organization_id, offer.organization_name, offer.service_id, needs
            )
    # 3. The nearest public place within CONTACT_RADIUS_KM, in a neighbouring municipality.
    if nearby:
        point = nearby[0]
        return ContactTarget(
            point.organization.id, point.organization.name, point.service.id, needs
        )
    return None


async def find_contact_target(request: ContactRequest, uow: UnitOfWork) -> ContactTarget | None:
    """The organisation the consent prompt names (None: nobody can take the request here)."""
    async with uow:
        return await _choose_target(uow, request)


async def request_contact(
    request: ContactRequest,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    book: RuleBook = DEFAULT_BOOK,
) -> ContactResult | None:
    """Turn a member's consented request into a pseudonymous case with a `requested` referral.

    Returns None when no suitable organisation is near enough (nothing is stored then).
    """
    now = clock.now()
    async with uow:
        target = await _choose_target(uow, request)
        if target is None:
            return None
        member = await uow.people.member_by_chat(request.chat_id)
        if member is None:
            member = await uow.people.add_member(
                Member(id=None, chat_id=request.chat_id, locale=request.locale, created_at=now)
            )
        member.consents = {**member.consents, CONSENT_CONTACT: now}
        member.locale = request.locale
        case = await uow.cases.add(
            Case(
                id=None,
                code="",
                alias=MEMBER_ALIAS,
                municipality_code=request.municipality_code,
                created_at=now,
                age=request.age,
                needs=target.needs,
                consent_contact=True,
                consent_share=True,
                member_id=member.id,
                created_by=member.actor,
            )
        )
        await record_audit(uow, clock, member.actor, "case.open", case.code)
        referral, notice = await create_referral(
            uow, clock, case, target.organization_id, member.actor, None, target.service_id, book
        )
        await uow.commit()
    await deliver_now(uow, clock, notifier, notice, book)
    assert referral.id is not None
    return ContactResult(case.code, referral.id, target.organization_id, target.organization_name)


async def _statuses(uow: UnitOfWork, member: Member, clock: Clock) -> list[CaseStatus]:
    statuses: list[CaseStatus] = []
    for case in await uow.cases.for_member(member.id):  # type: ignore[arg-type]
        referrals: list[Referral] = await uow.referrals.for_case(case.id)  # type: ignore[arg-type]
        latest = referrals[-1] if referrals else None
        name = await uow.directory.organization_name(latest.to_organization_id) if latest else None
        statuses.append(
            CaseStatus(case.code, latest.status if latest else None, name, case.created_at)
        )
        await record_audit(uow, clock, member.actor, "case.read", case.code)
    return statuses


async def member_data(chat_id: int, uow: UnitOfWork, clock: Clock) -> MemberData:
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
        if member is None:
            return MemberData(known=False, locale=None, consents={}, cases=[])
        cases = await _statuses(uow, member, clock)
        await uow.commit()
        return MemberData(
            known=True, locale=member.locale, consents=dict(member.consents), cases=cases
        )


async def forget_member(
    chat_id: int,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier | None = None,
    messenger: RelayMessenger | None = None,
) -> bool:
    """/borrar: the member row (and so their chat id) is deleted; their open requests are
    cancelled (the organisations are told the person withdrew), their conversations closed and
    their messages deleted, reminders about them cancelled. Cases keep only pseudonymous data.
    """
    if messenger is not None:
        await member_left(chat_id, uow, clock, messenger, reason="withdrew")
    now = clock.now()
    withdrawn: list[tuple[Referral, Case]] = []
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
        if member is None:
            return False
        actor = member.actor
        for case in await uow.cases.for_member(member.id):  # type: ignore[arg-type]
            for referral in await uow.referrals.for_case(case.id):  # type: ignore[arg-type]
                if referral.is_open:
                    referral.cancel(now)
                    for reminder in await uow.reminders.pending_for_referral(referral.id):  # type: ignore[arg-type]
                        reminder.cancel()
                    await record_audit(
                        uow,
                        clock,
                        actor,
                        "referral.status",
                        case.code,
                        referral=str(referral.id),
                        after=ReferralStatus.CANCELLED.value,
                    )
                    withdrawn.append((referral, case))
            await uow.relay.delete_messages_of_case(case.id)  # type: ignore[arg-type]
            case.member_id = None
            await record_audit(uow, clock, actor, "member.forget", case.code)
        await uow.people.delete_member(member)
        await uow.commit()
    if notifier is not None:
        for referral, case in withdrawn:
            await notifier.request_withdrawn(referral, case)
    return True


async def record_outcome(
    chat_id: int, referral_id: int, outcome: MemberOutcome, uow: UnitOfWork, clock: Clock
) -> Referral:
    """The member's "¿te sirvió?" on their completed request (for the indicators)."""
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
        referral = await uow.referrals.get(referral_id)
        case = await uow.cases.get(referral.case_id) if referral is not None else None
        if member is None or referral is None or case is None or case.member_id != member.id:
            raise NotFound("referral", referral_id)
        if referral.status is not ReferralStatus.COMPLETED:
            raise DomainError(f"referral {referral_id} is {referral.status.value}, not completed")
        referral.outcome = outcome
        referral.outcome_at = clock.now()
        await record_audit(
            uow, clock, member.actor, "referral.outcome", case.code, outcome=outcome.value
        )
        await uow.commit()
    return referral


async def next_option(
    case: Case, point: Point | None, uow: UnitOfWork, limit: int = 10
) -> ContactTarget | None:
    """After a rejection: the next suitable organisation for the same need, near the
    municipality's main place (the member's own point is never kept), that was not asked yet."""
    async with uow:
        tried = {r.to_organization_id for r in await uow.referrals.for_case(case.id)}  # type: ignore[arg-type]
        for category in sorted(case.needs):
            request = ContactRequest(0, "es_MX", category, case.municipality_code, point, case.age)
            if point is not None:
                nearby = await uow.directory.nearest(
                    NearbyQuery(point, category, case.age, limit, max_radius_km=CONTACT_RADIUS_KM)
                )
                for found in nearby:
                    if found.organization.id not in tried:
                        return ContactTarget(
                            found.organization.id,
                            found.organization.name,
                            found.service.id,
                            frozenset({category}),
                        )
            if request.municipality_code is not None:
                for offer in await uow.directory.confidential_offers(
                    request.municipality_code, category, case.age
                ):
                    if offer.organization_id not in tried:
                        return ContactTarget(
                            offer.organization_id,
                            offer.organization_name,
                            offer.service_id,
                            frozenset({category}),
                        )
    return None


async def ask_next_option(
    chat_id: int,
    case_code: str,
    service_id: str,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    book: RuleBook = DEFAULT_BOOK,
) -> ContactResult:
    """One tap after a rejection: the same request, to the option the member was offered."""
    now = clock.now()
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
        case = await uow.cases.get_by_code(case_code)
        if member is None or case is None or case.member_id != member.id:
            raise NotFound("case", case_code)
        referrals = await uow.referrals.for_case(case.id)  # type: ignore[arg-type]
        if any(r.is_open for r in referrals):
            raise DomainError(f"{case.code} already has an open request")
        service = await uow.directory.get_service(service_id)
        if service is None or not service.active or not (service.categories & case.needs):
            raise NotFound("service", service_id)
        if service.organization_id in {r.to_organization_id for r in referrals}:
            raise DomainError(f"{case.code} was already sent to that organisation")
        name = await uow.directory.organization_name(service.organization_id) or ""
        referral, notice = await create_referral(
            uow, clock, case, service.organization_id, member.actor, None, service.id, book
        )
        member.consents = {**member.consents, CONSENT_CONTACT: now}
        await uow.commit()
    await deliver_now(uow, clock, notifier, notice, book)
    assert referral.id is not None
    return ContactResult(case.code, referral.id, service.organization_id, name)
