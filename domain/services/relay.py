"""The anonymous relay between a member and the staff of the organisation that accepted them.

Access is decided here on every message: only active staff of the receiving organisation, on
an accepted (or in progress) referral of a member who asked to be contacted, may write; only
that member may answer. Member chat ids are read here (storage decrypts them) for the message
being sent, and never leave the domain except to the messenger. Each event is audited (who,
when, which case), never its content; the content is kept encrypted and purged on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.access import can_see_case
from domain.cases import Case, Referral, ReferralStatus
from domain.errors import AccessDenied, DomainError, NotFound
from domain.people import Member, StaffMember
from domain.ports import Clock, RelayMessenger, UnitOfWork, Unreachable
from domain.relay import (
    MAX_PER_HOUR,
    RATE_WINDOW,
    Direction,
    RelayDelivery,
    RelayMessage,
    RelayRateLimited,
    RelayThread,
    Sensitive,
    ThreadClosed,
    ThreadStatus,
    check_relay_text,
    sensitive_content,
)
from domain.services.cases import record_audit

#: Referral statuses in which the receiving organisation may write to the member.
WRITABLE = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS})


@dataclass(frozen=True)
class Conversation:
    """A thread with what its two sides need to know (never each other's account)."""

    thread: RelayThread
    case: Case
    referral: Referral
    organization_name: str
    #: The member's actor string, when the member is the one asking.
    member_actor: str | None = None


async def _receiving_referral(uow: UnitOfWork, case: Case, staff: StaffMember) -> Referral:
    referrals = await uow.referrals.for_case(case.id)  # type: ignore[arg-type]
    if not can_see_case(staff, case, referrals):
        raise NotFound("case", case.code)  # another organisation's case reads as none
    for referral in reversed(referrals):
        if referral.to_organization_id == staff.organization_id and referral.status in WRITABLE:
            return referral
    raise AccessDenied(staff.actor, "write to the person of", case.code)


def _check_staff(staff: StaffMember) -> str:
    if not staff.active or staff.organization_id is None:
        raise AccessDenied(staff.actor, "write through", "the relay")
    return staff.organization_id


async def open_conversation(
    case_code: str, staff: StaffMember, uow: UnitOfWork, clock: Clock
) -> Conversation:
    """ "Escribir a la persona": the thread of the staff member's organisation with the member
    of this case (created, or reopened when it was closed; never when the member blocked it)."""
    _check_staff(staff)
    now = clock.now()
    async with uow:
        case = await uow.cases.get_by_code(case_code)
        if case is None:
            raise NotFound("case", case_code)
        try:
            referral = await _receiving_referral(uow, case, staff)
        except (AccessDenied, NotFound):
            await record_audit(uow, clock, staff.actor, "relay.denied", case.code)
            await uow.commit()
            raise
        if case.member_id is None or not case.consent_contact:
            raise NoMemberToWrite(case.code)
        assert referral.id is not None
        thread = await uow.relay.thread_for_referral(referral.id)
        if thread is None:
            thread = await uow.relay.add_thread(
                RelayThread(None, referral.id, case.id, referral.to_organization_id, now)  # type: ignore[arg-type]
            )
        elif thread.status is ThreadStatus.BLOCKED:
            raise ThreadClosed(ThreadStatus.BLOCKED)
        elif thread.status is ThreadStatus.CLOSED:
            if (thread.closed_by or "").startswith("member:"):
                # The member ended it (or left): only they can start again, by asking.
                raise ThreadClosed(ThreadStatus.CLOSED, thread.closed_by)
            thread.reopen(now)
        name = await uow.directory.organization_name(referral.to_organization_id) or ""
        await record_audit(uow, clock, staff.actor, "relay.open", case.code)
        await uow.commit()
    return Conversation(thread, case, referral, name)


class NoMemberToWrite(DomainError):
    """The case was opened by staff (or the member deleted their data): nobody to write to."""

    def __init__(self, code: str) -> None:
        super().__init__(f"{code} has no member who asked to be contacted")
        self.code = code


@dataclass(frozen=True)
class NeedsConfirmation:
    """The staff message carries a phone number or a confidential place's address."""

    sensitive: Sensitive


@dataclass(frozen=True)
class Relayed:
    conversation: Conversation
    #: How many staff received a member's message.
    delivered: int = 1


async def _count_check(
    uow: UnitOfWork, thread: RelayThread, direction: Direction, now: datetime
) -> None:
    assert thread.id is not None
    if await uow.relay.count_since(thread.id, direction, now - RATE_WINDOW) >= MAX_PER_HOUR:
        raise RelayRateLimited()


async def write_to_member(
    thread_id: int,
    staff: StaffMember,
    text: str,
    uow: UnitOfWork,
    clock: Clock,
    messenger: RelayMessenger,
    *,
    confirmed: bool = False,
) -> Relayed | NeedsConfirmation:
    """Relay a staff member's text to the member, headed by the organisation's name only.

    A phone number, or the address of a confidential place, needs `confirmed` (the staff
    member saw the warning card). A member who blocked the bot closes the thread.
    """
    org = _check_staff(staff)
    body = check_relay_text(text)
    now = clock.now()
    async with uow:
        thread = await uow.relay.get_thread(thread_id)
        if thread is None or thread.organization_id != org:
            raise NotFound("thread", thread_id)
        if not thread.is_open:
            raise ThreadClosed(thread.status)
        case = await uow.cases.get(thread.case_id)
        referral = await uow.referrals.get(thread.referral_id)
        assert case is not None
        assert referral is not None
        if referral.status not in WRITABLE:
            raise ThreadClosed(ThreadStatus.CLOSED)
        member = await uow.people.get_member(case.member_id) if case.member_id else None
        if member is None:
            raise NoMemberToWrite(case.code)
        await _count_check(uow, thread, Direction.TO_MEMBER, now)
        if not confirmed:
            found = sensitive_content(body, await uow.directory.confidential_addresses())
            if found.any:
                return NeedsConfirmation(found)
        name = await uow.directory.organization_name(org) or ""
    conversation = Conversation(thread, case, referral, name)
    try:
        message_id = await messenger.to_member(member, name, body, thread)
    except Unreachable:
        await _close(uow, clock, thread_id, "system", "unreachable", None)
        raise
    async with uow:
        thread = await uow.relay.get_thread(thread_id)
        referral = await uow.referrals.get(conversation.referral.id)  # type: ignore[arg-type]
        assert thread is not None
        assert referral is not None
        await uow.relay.add_message(
            RelayMessage(None, thread_id, Direction.TO_MEMBER, staff.actor, now, body)
        )
        await uow.relay.add_delivery(RelayDelivery(None, thread_id, member.actor, message_id))
        thread.last_staff_id = staff.id
        referral.record_contact(now)  # the person was reached: days to first contact
        await record_audit(uow, clock, staff.actor, "relay.to_member", case.code)
        await uow.commit()
    return Relayed(Conversation(thread, case, referral, name))


async def write_to_staff(
    thread_id: int,
    chat_id: int,
    text: str,
    uow: UnitOfWork,
    clock: Clock,
    messenger: RelayMessenger,
    *,
    crisis: bool = False,
) -> Relayed:
    """Relay the member's answer to the staff member who wrote last (else to every linked
    staff member of the organisation); `crisis`: they see "posible crisis"."""
    body = check_relay_text(text)
    now = clock.now()
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
        thread = await uow.relay.get_thread(thread_id)
        case = await uow.cases.get(thread.case_id) if thread is not None else None
        if member is None or thread is None or case is None or case.member_id != member.id:
            raise NotFound("thread", thread_id)
        if not thread.is_open:
            raise ThreadClosed(thread.status)
        await _count_check(uow, thread, Direction.TO_STAFF, now)
        referral = await uow.referrals.get(thread.referral_id)
        assert referral is not None
        staff = await uow.people.staff_of(thread.organization_id)
        reachable = [p for p in staff if p.active and p.chat_id is not None]
        chosen = [p for p in reachable if p.id == thread.last_staff_id] or reachable
        name = await uow.directory.organization_name(thread.organization_id) or ""
    delivered: list[tuple[StaffMember, int]] = []
    for person in chosen:
        try:
            delivered.append((person, await messenger.to_staff(person, case, body, thread, crisis)))
        except Unreachable:
            continue
    async with uow:
        await uow.relay.add_message(
            RelayMessage(None, thread_id, Direction.TO_STAFF, member.actor, now, body, crisis)
        )
        for person, message_id in delivered:
            await uow.relay.add_delivery(RelayDelivery(None, thread_id, person.actor, message_id))
        detail = {"crisis": "yes"} if crisis else {}
        await record_audit(uow, clock, member.actor, "relay.to_staff", case.code, **detail)
        await uow.commit()
    return Relayed(Conversation(thread, case, referral, name), delivered=len(delivered))


@dataclass(frozen=True)
class ReplyTarget:
    """Where a reply in a chat goes: the thread, and whether the writer is its staff side."""

    thread: RelayThread
    staff: StaffMember | None


async def reply_target(
    chat_id: int, replied_message_id: int, uow: UnitOfWork
) -> ReplyTarget | None:
    """The thread a reply to this message belongs to, for the person in this chat (None when
    the message is no relay message of theirs)."""
    async with uow:
        staff = await uow.people.staff_by_chat(chat_id)
        if staff is not None and staff.active:
            thread = await uow.relay.thread_of_delivery(staff.actor, replied_message_id)
            if thread is not None:
                return ReplyTarget(thread, staff)
        member = await uow.people.member_by_chat(chat_id)
        if member is not None:
            thread = await uow.relay.thread_of_delivery(member.actor, replied_message_id)
            if thread is not None:
                return ReplyTarget(thread, None)
    return None


async def note_prompt(thread_id: int, recipient: str, message_id: int, uow: UnitOfWork) -> None:
    """A "write your answer" prompt the bot sent: a reply to it belongs to the thread too."""
    async with uow:
        await uow.relay.add_delivery(RelayDelivery(None, thread_id, recipient, message_id))
        await uow.commit()


async def member_thread(chat_id: int, thread_id: int, uow: UnitOfWork) -> Conversation:
    """The member's own thread (NotFound for anyone else's)."""
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
        thread = await uow.relay.get_thread(thread_id)
        case = await uow.cases.get(thread.case_id) if thread is not None else None
        if member is None or thread is None or case is None or case.member_id != member.id:
            raise NotFound("thread", thread_id)
        referral = await uow.referrals.get(thread.referral_id)
        assert referral is not None
        name = await uow.directory.organization_name(thread.organization_id) or ""
    return Conversation(thread, case, referral, name, member.actor)


async def staff_thread(thread_id: int, staff: StaffMember, uow: UnitOfWork) -> Conversation:
    """A thread of the staff member's organisation (NotFound for any other)."""
    org = _check_staff(staff)
    async with uow:
        thread = await uow.relay.get_thread(thread_id)
        if thread is None or thread.organization_id != org:
            raise NotFound("thread", thread_id)
        case = await uow.cases.get(thread.case_id)
        referral = await uow.referrals.get(thread.referral_id)
        assert case is not None
        assert referral is not None
        name = await uow.directory.organization_name(org) or ""
    return Conversation(thread, case, referral, name)


async def _close(
    uow: UnitOfWork,
    clock: Clock,
    thread_id: int,
    by: str,
    reason: str,
    messenger: RelayMessenger | None,
    *,
    block: bool = False,
) -> RelayThread | None:
    """Close (or block) a thread and tell the other side, without content."""
    now = clock.now()
    async with uow:
        thread = await uow.relay.get_thread(thread_id)
        if thread is None:
            return None
        was_open = thread.is_open
        if block:
            thread.block(now, by)
        else:
            thread.close(now, by)
        case = await uow.cases.get(thread.case_id)
        assert case is not None
        await record_audit(uow, clock, by, f"relay.{reason}", case.code)
        name = await uow.directory.organization_name(thread.organization_id) or ""
        others: list[Member | StaffMember] = []
        if by.startswith("member:") or by == "system":
            others += [
                p
                for p in await uow.people.staff_of(thread.organization_id)
                if p.active and p.chat_id is not None
            ]
        else:
            member = await uow.people.get_member(case.member_id) if case.member_id else None
            others += [member] if member is not None else []
        await uow.commit()
    if messenger is not None and (was_open or block):
        for person in others:
            try:
                await messenger.thread_closed(person, case, name, reason)
            except Unreachable:
                continue
    return thread


async def close_by_staff(
    thread_id: int, staff: StaffMember, uow: UnitOfWork, clock: Clock, messenger: RelayMessenger
) -> Conversation:
    conversation = await staff_thread(thread_id, staff, uow)
    await _close(uow, clock, thread_id, staff.actor, "closed", messenger)
    return conversation


async def close_by_member(
    chat_id: int,
    thread_id: int,
    uow: UnitOfWork,
    clock: Clock,
    messenger: RelayMessenger,
    *,
    block: bool = False,
) -> Conversation:
    """The member ends the conversation, or blocks the organisation for good."""
    conversation = await member_thread(chat_id, thread_id, uow)
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
    assert member is not None
    reason = "blocked" if block else "closed"
    await _close(uow, clock, thread_id, member.actor, reason, messenger, block=block)
    return conversation


async def member_left(
    chat_id: int, uow: UnitOfWork, clock: Clock, messenger: RelayMessenger, reason: str = "left"
) -> int:
    """/salir (or /borrar): every open thread of this member closes; staff are told, without
    content. How many were closed."""
    async with uow:
        member = await uow.people.member_by_chat(chat_id)
        if member is None:
            return 0
        open_ids: list[int] = []
        for case in await uow.cases.for_member(member.id):  # type: ignore[arg-type]
            open_ids += [
                t.id
                for t in await uow.relay.threads_of_case(case.id)  # type: ignore[arg-type]
                if t.is_open and t.id is not None
            ]
        actor = member.actor
    for thread_id in open_ids:
        await _close(uow, clock, thread_id, actor, reason, messenger)
    return len(open_ids)


async def purge_relay_messages(uow: UnitOfWork, clock: Clock, retention: timedelta) -> int:
    """Delete relayed texts older than the retention period (a daily job)."""
    async with uow:
        deleted = await uow.relay.purge_messages(clock.now() - retention)
        await uow.commit()
    return deleted


__all__ = [
    "Conversation",
    "NeedsConfirmation",
    "NoMemberToWrite",
    "Relayed",
    "ReplyTarget",
    "close_by_member",
    "close_by_staff",
    "member_left",
    "member_thread",
    "note_prompt",
    "open_conversation",
    "purge_relay_messages",
    "reply_target",
    "staff_thread",
    "write_to_member",
    "write_to_staff",
]
