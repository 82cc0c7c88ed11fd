"""Partner staff: invited by an operator, linked by a one-time code, revoked when they leave.

A code is shown once (to the operator who invites), stored only as a hash, works once, and
expires. A chat that sends MAX_WRONG_CODES wrong codes within LOCK_WINDOW is refused for
LOCK_WINDOW from the last of them, whatever it sends (the right code too), so codes cannot be
guessed by trying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.directory import Organization
from domain.errors import DomainError, NotFound
from domain.people import (
    MAX_WRONG_CODES,
    Invite,
    InviteOutcome,
    Role,
    StaffMember,
    hash_invite_code,
    new_invite_code,
)
from domain.ports import Clock, UnitOfWork
from domain.services.cases import record_audit

#: How long a chat that sent too many wrong codes is refused, and the window they are counted in.
LOCK_WINDOW = timedelta(hours=1)
DEFAULT_INVITE_LIFETIME = timedelta(days=7)
OPERATOR = "operator"


@dataclass(frozen=True)
class InviteRequest:
    role: Role
    organization_id: str
    municipality_codes: frozenset[str] = frozenset()
    lifetime: timedelta = DEFAULT_INVITE_LIFETIME


@dataclass(frozen=True)
class IssuedInvite:
    #: The code itself: shown once, never stored.
    code: str
    invite: Invite
    organization_name: str


@dataclass(frozen=True)
class Redemption:
    outcome: InviteOutcome
    staff: StaffMember | None = None
    organization_name: str | None = None


async def issue_invite(request: InviteRequest, uow: UnitOfWork, clock: Clock) -> IssuedInvite:
    """Create a one-time invite; the code is returned once and only its hash is kept."""
    if request.role is Role.MEMBER:
        raise DomainError("members need no invite")
    if request.role is Role.COORDINATOR and not request.municipality_codes:
        raise DomainError("a coordinator needs at least one municipality")
    if request.role is not Role.COORDINATOR and request.municipality_codes:
        raise DomainError("only coordinators cover municipalities")
    if request.lifetime <= timedelta(0):
        raise DomainError("an invite must expire in the future")
    code = new_invite_code()
    now = clock.now()
    async with uow:
        name = await uow.directory.organization_name(request.organization_id)
        if name is None:
            raise NotFound("organization", request.organization_id)
        invite = await uow.people.add_invite(
            Invite(
                id=None,
                code_hash=hash_invite_code(code),
                role=request.role,
                organization_id=request.organization_id,
                municipality_codes=request.municipality_codes,
                created_at=now,
                expires_at=now + request.lifetime,
                created_by=OPERATOR,
            )
        )
        await record_audit(
            uow,
            clock,
            OPERATOR,
            "invite.issue",
            f"invite:{invite.id}",
            role=request.role.value,
            organization=request.organization_id,
        )
        await uow.commit()
    return IssuedInvite(code=code, invite=invite, organization_name=name)


def locked_until(wrong: list[datetime]) -> datetime | None:
    """Until when a chat is refused, given when it sent wrong codes (oldest first): an hour
    after the last of any MAX_WRONG_CODES that fell within an hour (None: not locked)."""
    until = None
    for first, last in zip(wrong, wrong[MAX_WRONG_CODES - 1 :], strict=False):
        if last - first <= LOCK_WINDOW:
            until = last + LOCK_WINDOW
    return until


async def redeem_invite(
    code: str, chat_id: int, display_name: str, locale: str, uow: UnitOfWork, clock: Clock
) -> Redemption:
    """Link this Telegram chat to the invite's role and organisation, if the code works.

    Unknown, used and expired codes are told apart (a person who was given a code deserves to
    know why it failed) without naming any organisation.
    """
    now = clock.now()
    async with uow:
        wrong = await uow.people.wrong_codes_since(chat_id, now - 2 * LOCK_WINDOW)
        until = locked_until(wrong)
        if until is not None and now < until:
            return Redemption(InviteOutcome.LOCKED)
        invite = await uow.people.invite_by_hash(hash_invite_code(code))
        outcome = invite.outcome_at(now) if invite is not None else InviteOutcome.UNKNOWN
        if invite is None or outcome is not InviteOutcome.LINKED:
            await uow.people.record_wrong_code(chat_id, now)
            await uow.commit()
            return Redemption(outcome)
        previous = await uow.people.staff_by_chat(chat_id)
        if previous is not None:
            # A new role replaces the old one (one Telegram account, one role at a time).
            previous.revoke(now)
            await record_audit(uow, clock, previous.actor, "staff.replaced", previous.actor)
        staff = await uow.people.add_staff(
            StaffMember(
                id=None,
                display_name=display_name[:200] or "?",
                role=invite.role,
                organization_id=invite.organization_id,
                municipality_codes=invite.municipality_codes,
                chat_id=chat_id,
                locale=locale,
                linked_at=now,
            )
        )
        assert staff.id is not None
        invite.redeem(staff.id, now)
        name = await uow.directory.organization_name(invite.organization_id) or ""
        await record_audit(
            uow, clock, staff.actor, "staff.link", staff.actor, invite=str(invite.id)
        )
        await uow.commit()
    return Redemption(InviteOutcome.LINKED, staff, name)


async def staff_for_chat(chat_id: int, uow: UnitOfWork) -> StaffMember | None:
    """The active staff identity of a Telegram chat, if it has one.

    Someone marked unreachable (they had blocked the bot) who writes again is reachable again:
    reminders go to them from now on.
    """
    async with uow:
        staff = await uow.people.staff_by_chat(chat_id)
        if staff is not None and staff.active and staff.unreachable_at is not None:
            staff.unreachable_at = None
            await uow.commit()
    return staff if staff is not None and staff.active else None


@dataclass(frozen=True)
class StaffListing:
    staff: StaffMember
    organization_name: str


async def list_staff(organization_id: str | None, uow: UnitOfWork) -> list[StaffListing]:
    async with uow:
        people = await uow.people.all_staff(organization_id)
        names: dict[str, str] = {}
        for person in people:
            org = person.organization_id
            if org is not None and org not in names:
                names[org] = await uow.directory.organization_name(org) or ""
    return [StaffListing(p, names.get(p.organization_id or "", "")) for p in people]


async def revoke_staff(staff_id: int, uow: UnitOfWork, clock: Clock) -> StaffMember:
    """Take a person's role away; they keep member features only."""
    async with uow:
        staff = await uow.people.get_staff(staff_id)
        if staff is None:
            raise NotFound("staff", staff_id)
        staff.revoke(clock.now())
        await record_audit(uow, clock, OPERATOR, "staff.revoke", staff.actor)
        await uow.commit()
    return staff


@dataclass(frozen=True)
class OrganizationChoice:
    """The organisation an operator meant, or the candidates to choose from."""

    found: Organization | None
    candidates: list[Organization]


async def choose_organization(text: str, uow: UnitOfWork) -> OrganizationChoice:
    """An HSDS organisation id, or a name with accents and case ignored (exactly one match)."""
    async with uow:
        by_id = await uow.directory.get_organization(text.strip())
        if by_id is not None:
            return OrganizationChoice(by_id, [by_id])
        candidates = await uow.directory.find_organizations(text, limit=8)
    return OrganizationChoice(candidates[0] if len(candidates) == 1 else None, candidates)


def lifetime_of(text: str) -> timedelta:
    """'7d', '12h', '30m' or '2w' as a duration (raises DomainError otherwise)."""
    units = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
    units["w"] = timedelta(weeks=1)
    cleaned = text.strip().lower()
    if len(cleaned) < 2 or cleaned[-1] not in units or not cleaned[:-1].isdigit():
        raise DomainError(f"expected a duration like 7d, 12h, 30m or 2w, not {text!r}")
    value = int(cleaned[:-1]) * units[cleaned[-1]]
    if value <= timedelta(0) or value > timedelta(days=90):
        raise DomainError(f"an invite lasts between 1 minute and 90 days, not {text!r}")
    return value
