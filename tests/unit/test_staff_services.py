"""Invitations, linking and revoking staff; referring, answering, following up: on fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.cases import ReferralStatus, RejectionReason, ReminderKind, ReminderStatus
from domain.directory import Organization
from domain.errors import AccessDenied, DomainError, InvalidValue, NotFound
from domain.people import MAX_WRONG_CODES, InviteOutcome, Role, StaffMember
from domain.services.referrals import (
    FollowUpEntry,
    NewReferral,
    check_alias,
    list_cases,
    log_follow_up,
    read_case,
    refer_person,
)
from domain.services.referrals import answer_referral as answer
from domain.services.staff import (
    InviteRequest,
    issue_invite,
    lifetime_of,
    redeem_invite,
    revoke_staff,
    staff_for_chat,
)
from domain.taxonomy import Category
from tests.fakes import FakeClock, FakeNotifier, FakeUnitOfWork

SENDER = "11111111-1111-4111-8111-111111111111"
RECEIVER = "22222222-2222-4222-8222-222222222222"
JUAREZ = "08037"


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.store.directory.organizations += [
        Organization(SENDER, "Centro Emisor (demo)"),
        Organization(RECEIVER, "Centro Receptor (demo)"),
    ]
    return uow


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def linked(uow, clock, chat_id: int, org: str = SENDER, role: Role = Role.STAFF, **kw):
    issued = await issue_invite(InviteRequest(role, org, **kw), uow, clock)
    result = await redeem_invite(issued.code, chat_id, "Rosa", "es_MX", uow, clock)
    assert result.outcome is InviteOutcome.LINKED
    assert result.staff is not None
    return result.staff


# --- invitations --------------------------------------------------------------------------------


async def test_an_invite_links_once_and_names_the_organisation(uow, clock) -> None:
    issued = await issue_invite(InviteRequest(Role.STAFF, RECEIVER), uow, clock)
    assert issued.code not in str(uow.store.invites)  # only the hash is kept
    first = await redeem_invite(issued.code, 501, "Rosa", "en", uow, clock)
    assert first.outcome is InviteOutcome.LINKED
    assert first.organization_name == "Centro Receptor (demo)"
    assert first.staff is not None and first.staff.locale == "en"
    again = await redeem_invite(issued.code, 502, "Otra", "es_MX", uow, clock)
    assert again.outcome is InviteOutcome.USED and again.organization_name is None
    assert await staff_for_chat(501, uow) is not None
    assert await staff_for_chat(502, uow) is None


async def test_expired_unknown_and_used_codes_are_told_apart(uow, clock) -> None:
    issued = await issue_invite(
        InviteRequest(Role.STAFF, SENDER, lifetime=timedelta(hours=1)), uow, clock
    )
    clock.advance(timedelta(hours=2))
    expired = await redeem_invite(issued.code, 501, "Rosa", "es_MX", uow, clock)
    unknown = await redeem_invite("not-a-code", 501, "Rosa", "es_MX", uow, clock)
    assert (expired.outcome, unknown.outcome) == (InviteOutcome.EXPIRED, InviteOutcome.UNKNOWN)
    assert expired.staff is None and unknown.staff is None


async def test_five_wrong_codes_in_an_hour_lock_the_chat_for_an_hour(uow, clock) -> None:
    good = await issue_invite(InviteRequest(Role.STAFF, SENDER), uow, clock)
    for attempt in range(MAX_WRONG_CODES):
        result = await redeem_invite(f"guess-{attempt}", 501, "x", "es_MX", uow, clock)
        assert result.outcome is InviteOutcome.UNKNOWN
    locked = await redeem_invite(good.code, 501, "x", "es_MX", uow, clock)
    assert locked.outcome is InviteOutcome.LOCKED, "even the right code is refused meanwhile"
    other_chat = await redeem_invite("guess", 777, "x", "es_MX", uow, clock)
    assert other_chat.outcome is InviteOutcome.UNKNOWN, "the lock is per chat"
    clock.advance(timedelta(minutes=61))
    assert (await redeem_invite(good.code, 501, "x", "es_MX", uow, clock)).outcome is (
        InviteOutcome.LINKED
    )


async def test_a_coordinator_needs_municipalities_and_staff_none(uow, clock) -> None:
    with pytest.raises(DomainError, match="municipality"):
        await issue_invite(InviteRequest(Role.COORDINATOR, SENDER), uow, clock)
    with pytest.raises(DomainError, match="coordinators"):
        await issue_invite(InviteRequest(Role.STAFF, SENDER, frozenset({JUAREZ})), uow, clock)
    with pytest.raises(NotFound):
        await issue_invite(InviteRequest(Role.STAFF, "no-such-org"), uow, clock)


async def test_revoked_staff_lose_the_role_and_a_new_invite_links_again(uow, clock) -> None:
    person = await linked(uow, clock, 501)
    assert person.id is not None
    await revoke_staff(person.id, uow, clock)
    assert await staff_for_chat(501, uow) is None
    with pytest.raises(DomainError, match="already revoked"):
        await revoke_staff(person.id, uow, clock)
    again = await linked(uow, clock, 501, org=RECEIVER)
    assert again.id != person.id and again.organization_id == RECEIVER


async def test_a_new_invite_replaces_the_role_of_an_already_linked_account(uow, clock) -> None:
    first = await linked(uow, clock, 501, org=SENDER)
    second = await linked(uow, clock, 501, org=RECEIVER)
    now = await staff_for_chat(501, uow)
    assert now is not None and now.id == second.id
    assert not uow.store.staff[first.id].active


def test_invite_lifetimes_are_read_and_bounded() -> None:
    assert lifetime_of("7d") == timedelta(days=7)
    assert lifetime_of(" 48H ") == timedelta(hours=48)
    assert lifetime_of("2w") == timedelta(weeks=2)
    for bad in ("", "7", "d", "0d", "-1d", "100d", "7 days"):
        with pytest.raises(DomainError):
            lifetime_of(bad)


# --- referring, answering, following up ----------------------------------------------------------


def referral(**changes) -> NewReferral:
    values = {
        "alias": "Lupita",
        "need": Category.PSYCHOLOGICAL_SUPPORT,
        "to_organization_id": RECEIVER,
        "consent": True,
        "municipality_code": JUAREZ,
        "age": 16,
    }
    values.update(changes)
    return NewReferral(**values)  # type: ignore[arg-type]


def test_an_alias_is_never_a_full_name() -> None:
    assert check_alias("  Lupita  ") == "Lupita"
    assert check_alias("J. R.") == "J. R."
    for bad in ("", "   ", "María Guadalupe Pérez", "x" * 31):
        with pytest.raises(InvalidValue):
            check_alias(bad)


async def test_no_consent_no_referral_and_nothing_saved(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    with pytest.raises(DomainError, match="consent"):
        await refer_person(referral(consent=False), sender, uow, clock, FakeNotifier())
    assert uow.store.cases == {} and uow.store.referrals == {}


async def test_a_referral_goes_to_another_organisation_only(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    with pytest.raises(DomainError, match="another organisation"):
        await refer_person(referral(to_organization_id=SENDER), sender, uow, clock, FakeNotifier())
    member_like = StaffMember(id=99, display_name="x", role=Role.STAFF, active=False)
    with pytest.raises(AccessDenied):
        await refer_person(referral(), member_like, uow, clock, FakeNotifier())


async def test_a_referral_is_one_transaction_with_its_note_and_tells_the_receivers(
    uow, clock
) -> None:
    sender = await linked(uow, clock, 501)
    await linked(uow, clock, 502, org=RECEIVER)
    notifier = FakeNotifier()
    made = await refer_person(
        referral(urgent=True, note="Prefiere que la llamen por la tarde."),
        sender,
        uow,
        clock,
        notifier,
    )
    assert made.case.code == "CASO-0001" and made.organization_name == "Centro Receptor (demo)"
    assert made.referral.status is ReferralStatus.REQUESTED and made.referral.urgent
    assert [n.text for n in uow.store.notes.values()] == ["Prefiere que la llamen por la tarde."]
    assert notifier.requested == [(made.referral, made.case)]
    actions = [e.action for e in uow.store.audit if e.subject == "CASO-0001"]
    # The notice to the receivers is an outbox row of the same transaction, claimed and sent
    # right after the commit.
    assert actions == ["case.open", "referral.create", "note.add", "reminder.claim"]
    [notice] = [r for r in uow.store.reminders.values() if r.kind is ReminderKind.REFERRAL_NEW]
    assert notice.status is ReminderStatus.SENT
    with pytest.raises(InvalidValue):
        await refer_person(referral(note="x" * 1001), sender, uow, clock, notifier)
    assert len(uow.store.cases) == 1


async def test_a_notice_nobody_can_receive_ends_unreachable_not_pending(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    notifier = FakeNotifier()
    await refer_person(referral(), sender, uow, clock, notifier)
    [notice] = [r for r in uow.store.reminders.values() if r.kind is ReminderKind.REFERRAL_NEW]
    assert notice.status is ReminderStatus.UNREACHABLE, "nobody of the receiver is linked yet"
    assert notifier.requested == []


async def test_the_receiver_accepts_and_the_sender_hears_it(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    receiver = await linked(uow, clock, 502, org=RECEIVER)
    made = await refer_person(referral(), sender, uow, clock, FakeNotifier())
    notifier = FakeNotifier()
    with pytest.raises(AccessDenied):
        await answer(made.referral.id or 0, True, sender, uow, clock, notifier)
    moved, _case = await answer(made.referral.id or 0, True, receiver, uow, clock, notifier)
    assert moved.status is ReferralStatus.ACCEPTED and moved.accepted_at == clock.now()
    assert [r.status for r, _c in notifier.answered] == [ReferralStatus.ACCEPTED]
    answered = {r.kind: r.status for r in uow.store.reminders.values() if r.referral_id}
    assert answered.pop(ReminderKind.REFERRAL_NEW) is ReminderStatus.SENT  # the notice, at once
    assert set(answered.values()) == {ReminderStatus.CANCELLED}


async def test_a_rejection_needs_a_reason(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    receiver = await linked(uow, clock, 502, org=RECEIVER)
    made = await refer_person(referral(), sender, uow, clock, FakeNotifier())
    with pytest.raises(DomainError, match="reason"):
        await answer(made.referral.id or 0, False, receiver, uow, clock, FakeNotifier())
    moved, _ = await answer(
        made.referral.id or 0,
        False,
        receiver,
        uow,
        clock,
        FakeNotifier(),
        RejectionReason.NO_CAPACITY,
    )
    assert moved.rejection_reason is RejectionReason.NO_CAPACITY


async def test_a_follow_up_moves_notes_and_plans_in_one_go(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    receiver = await linked(uow, clock, 502, org=RECEIVER)
    made = await refer_person(referral(), sender, uow, clock, FakeNotifier())
    await answer(made.referral.id or 0, True, receiver, uow, clock, FakeNotifier())
    clock.advance(timedelta(days=2))
    next_week = clock.now().date() + timedelta(days=7)
    notifier = FakeNotifier()
    logged = await log_follow_up(
        FollowUpEntry(
            "caso-0001", ReferralStatus.IN_PROGRESS, note="Ya asistió.", next_due=next_week
        ),
        receiver,
        uow,
        clock,
        notifier,
    )
    assert logged.moved and logged.referral.status is ReferralStatus.IN_PROGRESS
    assert logged.referral.first_contact_at == clock.now()
    [planned] = uow.store.follow_ups.values()
    assert planned.due_date == next_week and planned.done_at is None
    assert [n.text for n in uow.store.notes.values()] == ["Ya asistió."]
    assert [r.status for r, _ in notifier.answered] == [ReferralStatus.IN_PROGRESS]
    # The next follow-up, logged on time, marks the planned one done.
    clock.advance(timedelta(days=7))
    await log_follow_up(
        FollowUpEntry("CASO-0001", ReferralStatus.COMPLETED), receiver, uow, clock, notifier
    )
    assert uow.store.follow_ups[planned.id].done_at == clock.now()
    with pytest.raises(DomainError, match="needs a status"):
        await log_follow_up(FollowUpEntry("CASO-0001"), receiver, uow, clock, notifier)


async def test_another_organisations_case_reads_as_not_found(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    await refer_person(referral(), sender, uow, clock, FakeNotifier())
    uow.store.directory.organizations.append(Organization("o3", "Otra (demo)"))
    outsider = await linked(uow, clock, 503, org="o3")
    with pytest.raises(NotFound) as denied:
        await read_case("CASO-0001", outsider, uow, clock)
    with pytest.raises(NotFound) as missing:
        await read_case("CASO-0999", outsider, uow, clock)
    assert type(denied.value) is type(missing.value)
    assert (outsider.actor, "case.read.denied") in [(e.actor, e.action) for e in uow.store.audit]


async def test_case_lists_put_overdue_then_urgent_first_and_page(uow, clock) -> None:
    sender = await linked(uow, clock, 501)
    receiver = await linked(uow, clock, 502, org=RECEIVER)
    for number in range(7):
        await refer_person(
            referral(alias=f"P{number}", urgent=number == 5), sender, uow, clock, FakeNotifier()
        )
    await answer(2, True, receiver, uow, clock, FakeNotifier())
    await log_follow_up(
        FollowUpEntry("CASO-0002", next_due=clock.now().date() + timedelta(days=1)),
        receiver,
        uow,
        clock,
        FakeNotifier(),
    )
    clock.advance(timedelta(days=3))
    first = await list_cases(receiver, 0, uow, clock)
    assert first.total == 7 and first.pages == 2
    codes = [line.summary.case.code for line in first.lines]
    assert codes[:2] == ["CASO-0002", "CASO-0006"]  # overdue, then urgent
    assert first.lines[0].overdue and first.lines[0].sent is False
    second = await list_cases(receiver, 1, uow, clock)
    assert len(second.lines) == 2
    mine = await list_cases(sender, 0, uow, clock)
    assert all(line.sent for line in mine.lines)
