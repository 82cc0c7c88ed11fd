"""The referral status machine: every legal move works, every other one is refused by name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.cases import (
    OPEN_STATUSES,
    TRANSITIONS,
    Referral,
    ReferralStatus,
    RejectionReason,
)
from domain.errors import DomainError, IllegalTransition

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)

LEGAL = {
    ("requested", "accepted"),
    ("requested", "rejected"),
    ("requested", "cancelled"),
    ("accepted", "in_progress"),
    ("accepted", "cancelled"),
    ("in_progress", "completed"),
    ("in_progress", "failed"),
    ("in_progress", "cancelled"),
}
ALL_PAIRS = [(a, b) for a in ReferralStatus for b in ReferralStatus]


def referral_in(status: ReferralStatus) -> Referral:
    return Referral(id=7, case_id=1, to_organization_id="org", created_at=T0, status=status)


def move(referral: Referral, target: ReferralStatus) -> None:
    reason = RejectionReason.NO_CAPACITY if target is ReferralStatus.REJECTED else None
    referral.transition(target, T1, reason)


def test_the_table_is_exactly_the_documented_machine() -> None:
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == LEGAL


@pytest.mark.parametrize(("current", "target"), [p for p in ALL_PAIRS if (p[0], p[1]) in LEGAL])
def test_every_legal_transition_moves_the_referral(
    current: ReferralStatus, target: ReferralStatus
) -> None:
    referral = referral_in(current)
    move(referral, target)
    assert referral.status is target
    assert referral.status_changed_at == T1
    assert (referral.closed_at == T1) is (target not in OPEN_STATUSES)


@pytest.mark.parametrize(("current", "target"), [p for p in ALL_PAIRS if (p[0], p[1]) not in LEGAL])
def test_every_illegal_transition_is_refused_naming_both_states(
    current: ReferralStatus, target: ReferralStatus
) -> None:
    referral = referral_in(current)
    with pytest.raises(IllegalTransition) as caught:
        move(referral, target)
    assert caught.value.current == current.value
    assert caught.value.requested == target.value
    assert current.value in str(caught.value) and target.value in str(caught.value)
    assert referral.status is current, "a refused move must leave the referral unchanged"


def test_a_rejection_needs_a_reason_and_keeps_it() -> None:
    referral = referral_in(ReferralStatus.REQUESTED)
    with pytest.raises(DomainError):
        referral.transition(ReferralStatus.REJECTED, T1)
    assert referral.status is ReferralStatus.REQUESTED
    referral.reject(RejectionReason.NOT_ELIGIBLE, T1)
    assert referral.rejection_reason is RejectionReason.NOT_ELIGIBLE


def test_only_a_rejection_takes_a_reason() -> None:
    referral = referral_in(ReferralStatus.REQUESTED)
    with pytest.raises(DomainError):
        referral.transition(ReferralStatus.ACCEPTED, T1, RejectionReason.OTHER)
    assert referral.status is ReferralStatus.REQUESTED


def test_acceptance_and_first_contact_are_recorded_apart() -> None:
    referral = referral_in(ReferralStatus.REQUESTED)
    referral.accept(T0)
    assert (referral.accepted_at, referral.first_contact_at) == (T0, None)
    referral.start(T1)
    assert (referral.accepted_at, referral.first_contact_at) == (T0, T1)
    referral.record_contact(T1 + (T1 - T0))
    assert referral.first_contact_at == T1, "the first contact is recorded once"


def test_the_happy_path_ends_completed_and_closed() -> None:
    referral = referral_in(ReferralStatus.REQUESTED)
    referral.accept(T0)
    referral.start(T0)
    referral.complete(T1)
    assert referral.status is ReferralStatus.COMPLETED
    assert not referral.is_open
    assert referral.closed_at == T1
