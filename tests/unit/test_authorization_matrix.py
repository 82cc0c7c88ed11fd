"""Who may do what to a case, for every role and every case action, through the domain services.

The case: opened by the SENDER organisation in Juárez and referred to the RECEIVER. Each cell
runs the real service on a fresh copy of the same data; "allowed" means it succeeded, anything
else must be refused (AccessDenied, or NotFound for reads, so nothing leaks) and change nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from domain.access import Actor
from domain.cases import ReferralStatus, RejectionReason
from domain.directory import Organization
from domain.errors import AccessDenied, DomainError, NotFound
from domain.people import Member, Role, StaffMember
from domain.services.referrals import (
    FollowUpEntry,
    NewReferral,
    answer_referral,
    list_cases,
    log_follow_up,
    read_case,
    refer_person,
)
from domain.taxonomy import Category
from tests.fakes import FakeClock, FakeNotifier, FakeUnitOfWork

SENDER, RECEIVER, OTHER = "org-sender", "org-receiver", "org-other"
JUAREZ, MONTERREY = "08037", "19039"


def staff(staff_id: int, org: str, role: Role = Role.STAFF, **kw: Any) -> StaffMember:
    return StaffMember(
        id=staff_id, display_name=f"p{staff_id}", role=role, organization_id=org, **kw
    )


ACTORS: dict[str, Actor] = {
    "member": Member(id=1, chat_id=9001),
    "staff of the sender": staff(1, SENDER),
    "staff of the receiver": staff(2, RECEIVER),
    "staff of an unrelated organisation": staff(3, OTHER),
    "coordinator of the municipality": staff(
        4, OTHER, Role.COORDINATOR, municipality_codes=frozenset({JUAREZ})
    ),
    "coordinator of another municipality": staff(
        5, OTHER, Role.COORDINATOR, municipality_codes=frozenset({MONTERREY})
    ),
    "admin": staff(6, OTHER, Role.ADMIN),
    "revoked staff of the receiver": staff(7, RECEIVER, active=False),
}

Y, N = True, False
#: role -> (view, list, create, accept, reject, follow up, close)
EXPECTED: dict[str, tuple[bool, ...]] = {
    "member": (N, N, N, N, N, N, N),
    "staff of the sender": (Y, Y, Y, N, N, Y, Y),
    "staff of the receiver": (Y, Y, Y, Y, Y, Y, Y),
    "staff of an unrelated organisation": (N, N, Y, N, N, N, N),
    "coordinator of the municipality": (Y, Y, Y, N, N, Y, Y),
    "coordinator of another municipality": (N, N, Y, N, N, N, N),
    "admin": (Y, Y, Y, Y, Y, Y, Y),
    "revoked staff of the receiver": (N, N, N, N, N, N, N),
}
ACTIONS = ("view", "list", "create", "accept", "reject", "follow up", "close")


async def _world() -> tuple[FakeUnitOfWork, FakeClock]:
    uow, clock = FakeUnitOfWork(), FakeClock()
    uow.store.directory.organizations += [
        Organization(SENDER, "Emisora (demo)"),
        Organization(RECEIVER, "Receptora (demo)"),
        Organization(OTHER, "Otra (demo)"),
    ]
    sender = ACTORS["staff of the sender"]
    assert isinstance(sender, StaffMember)
    await refer_person(
        NewReferral("Lupita", Category.LEGAL_AID, RECEIVER, True, JUAREZ, age=16),
        sender,
        uow,
        clock,
        FakeNotifier(),
    )
    return uow, clock


def _action(name: str) -> Callable[[Actor, FakeUnitOfWork, FakeClock], Awaitable[object]]:
    async def view(actor, uow, clock):
        return await read_case("CASO-0001", actor, uow, clock)

    async def listing(actor, uow, clock):
        page = await list_cases(actor, 0, uow, clock)
        if "CASO-0001" not in [line.summary.case.code for line in page.lines]:
            raise NotFound("case", "CASO-0001")
        return page

    async def create(actor, uow, clock):
        if not isinstance(actor, StaffMember):
            raise AccessDenied(actor.actor, "refer", "a person")
        target = SENDER if actor.organization_id != SENDER else RECEIVER
        new = NewReferral("Otro", Category.HEALTH, target, True, JUAREZ)
        return await refer_person(new, actor, uow, clock, FakeNotifier())

    async def accept(actor, uow, clock):
        return await answer_referral(1, True, actor, uow, clock, FakeNotifier())

    async def reject(actor, uow, clock):
        return await answer_referral(
            1, False, actor, uow, clock, FakeNotifier(), RejectionReason.NO_CAPACITY
        )

    async def follow(actor, uow, clock):
        return await log_follow_up(
            FollowUpEntry("CASO-0001", note="x"), actor, uow, clock, FakeNotifier()
        )

    async def close(actor, uow, clock):
        entry = FollowUpEntry("CASO-0001", ReferralStatus.CANCELLED)
        return await log_follow_up(entry, actor, uow, clock, FakeNotifier())

    return {
        "view": view,
        "list": listing,
        "create": create,
        "accept": accept,
        "reject": reject,
        "follow up": follow,
        "close": close,
    }[name]


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
async def test_authorization_matrix(role: str, action: str) -> None:
    uow, clock = await _world()
    before = copy.deepcopy((uow.store.cases, uow.store.referrals, uow.store.notes))
    expected = EXPECTED[role][ACTIONS.index(action)]
    try:
        await _action(action)(ACTORS[role], uow, clock)
        allowed = True
    except (AccessDenied, NotFound):
        allowed = False
    except DomainError as exc:  # a rule other than access: not what this matrix is about
        pytest.fail(f"{role} / {action}: {exc}")
    assert allowed is expected, f"{role} may {'not ' if not expected else ''}{action}"
    if not allowed:
        after = (uow.store.cases, uow.store.referrals, uow.store.notes)
        assert after == before, "a refused action changed nothing"
