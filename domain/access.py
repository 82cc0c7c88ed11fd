"""Who may see and change what. Decided here, never in handlers (ARCHITECTURE decision 6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.cases import Case, Referral, ReferralStatus
from domain.errors import AccessDenied
from domain.people import Member, Role, StaffMember

Actor = StaffMember | Member


def actor_name(actor: Actor) -> str:
    return actor.actor


@dataclass(frozen=True)
class CaseScope:
    """Which cases a list shows: the same rule as `can_see_case`, as a query."""

    #: Staff: cases their organisation opened, sent or received.
    organization_id: str | None = None
    #: Coordinators: cases of these municipalities.
    municipality_codes: frozenset[str] = frozenset()
    #: Admins: every case.
    everything: bool = False


def case_scope(actor: Actor) -> CaseScope:
    """The cases `actor` may list; members and revoked staff list none through this."""
    if isinstance(actor, Member) or not actor.active:
        raise AccessDenied(actor_name(actor), "list", "cases")
    if actor.role is Role.ADMIN:
        return CaseScope(everything=True)
    if actor.role is Role.COORDINATOR:
        return CaseScope(municipality_codes=actor.municipality_codes)
    if actor.role is Role.STAFF and actor.organization_id is not None:
        return CaseScope(organization_id=actor.organization_id)
    raise AccessDenied(actor_name(actor), "list", "cases")


def can_see_case(actor: Actor, case: Case, referrals: Iterable[Referral]) -> bool:
    if isinstance(actor, Member):
        return case.member_id is not None and case.member_id == actor.id
    if not actor.active:
        return False
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.COORDINATOR:
        return case.municipality_code in actor.municipality_codes
    if actor.role is Role.STAFF and actor.organization_id is not None:
        org = actor.organization_id
        if case.organization_id == org:
            return True
        return any(org in (r.to_organization_id, r.from_organization_id) for r in referrals)
    return False


def check_can_see_case(actor: Actor, case: Case, referrals: Iterable[Referral]) -> None:
    if not can_see_case(actor, case, referrals):
        raise AccessDenied(actor_name(actor), "see", case.code)


def can_see_demand(actor: Actor, municipality_code: str) -> bool:
    """The anonymous demand counts of a municipality: its coordinators, and admins."""
    if isinstance(actor, Member) or not actor.active:
        return False
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.COORDINATOR and municipality_code in actor.municipality_codes


#: Statuses the receiving organisation's staff may move a referral to.
RECEIVER_MOVES = frozenset(
    {
        ReferralStatus.ACCEPTED,
        ReferralStatus.REJECTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
        ReferralStatus.FAILED,
    }
)


#: Statuses a coordinator of the case's municipality may move a referral to.
COORDINATOR_MOVES = frozenset({ReferralStatus.CANCELLED, ReferralStatus.FAILED})


def check_can_move_referral(
    actor: Actor, case: Case, referral: Referral, target: ReferralStatus
) -> None:
    """Receivers run the referral; senders and the member may cancel it; coordinators may
    close it; admins may do anything."""
    allowed = False
    if isinstance(actor, Member):
        allowed = target is ReferralStatus.CANCELLED and case.member_id == actor.id
    elif actor.active and actor.role is Role.ADMIN:
        allowed = True
    elif actor.active and actor.role is Role.COORDINATOR:
        # Coordinators oversee: they may close a referral nobody runs any more, never answer
        # it for an organisation.
        allowed = case.municipality_code in actor.municipality_codes and target in COORDINATOR_MOVES
    elif actor.active and actor.role is Role.STAFF:
        org = actor.organization_id
        if org is not None and org == referral.to_organization_id:
            allowed = target in RECEIVER_MOVES or target is ReferralStatus.CANCELLED
        elif org is not None and org == referral.from_organization_id:
            allowed = target is ReferralStatus.CANCELLED
    if not allowed:
        raise AccessDenied(actor_name(actor), f"move referral {referral.id} to {target}", case.code)
