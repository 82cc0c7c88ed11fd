"""The relay's rules on the fakes: limits, who may write, what must be confirmed, purging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from domain.cases import ReferralStatus
from domain.directory import Organization
from domain.errors import AccessDenied, NotFound
from domain.people import Member, Role, StaffMember
from domain.ports import Unreachable
from domain.relay import (
    MAX_PER_HOUR,
    MAX_RELAY_CHARS,
    RelayRateLimited,
    RelayThread,
    RelayTooLong,
    ThreadClosed,
    sensitive_content,
)
from domain.services.members import ContactRequest, request_contact
from domain.services.referrals import answer_referral
from domain.services.relay import (
    NeedsConfirmation,
    Relayed,
    open_conversation,
    purge_relay_messages,
    write_to_member,
    write_to_staff,
)
from domain.taxonomy import Category
from tests.builders import add_service
from tests.fakes import FakeClock, FakeNotifier, FakeUnitOfWork


@dataclass
class FakeMessenger:
    sent: list[tuple[str, str]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)

    async def to_member(
        self, member: Member, organization_name: str, text: str, thread: RelayThread
    ) -> int:
        if member.actor in self.unreachable:
            raise Unreachable(member.actor)
        self.sent.append((member.actor, text))
        return len(self.sent)

    async def to_staff(self, staff: StaffMember, case, text: str, thread, crisis: bool) -> int:
        self.sent.append((staff.actor, text))
        return len(self.sent)

    async def thread_closed(self, recipient, case, organization_name, reason) -> None:
        self.sent.append((recipient.actor, f"closed:{reason}"))


MEMBER_CHAT = 555


async def accepted_request() -> tuple[FakeUnitOfWork, FakeClock, StaffMember]:
    uow, clock = FakeUnitOfWork(), FakeClock()
    add_service(
        uow.store.directory,
        "Escucha",
        31.64,
        -106.33,
        {Category.PSYCHOLOGICAL_SUPPORT},
        org="Centro",
    )
    org = uow.store.directory.organizations[0].id
    staff = StaffMember(id=1, display_name="T", role=Role.STAFF, organization_id=org, chat_id=77)
    uow.store.staff[1] = staff
    await request_contact(
        ContactRequest(
            MEMBER_CHAT,
            "es_MX",
            Category.PSYCHOLOGICAL_SUPPORT,
            "08037",
            None,
            service_id=uow.store.directory.services[0].id,
        ),
        uow,
        clock,
        FakeNotifier(),
    )
    await answer_referral(1, True, staff, uow, clock, FakeNotifier())
    return uow, clock, staff


async def test_only_the_receiving_organisation_may_write() -> None:
    uow, clock, staff = await accepted_request()
    uow.store.directory.organizations.append(Organization("other", "Otra (demo)"))
    outsider = StaffMember(id=2, display_name="O", role=Role.STAFF, organization_id="other")
    with pytest.raises(NotFound):  # another organisation's case reads as not found
        await open_conversation("CASO-0001", outsider, uow, clock)
    revoked = StaffMember(
        id=3, display_name="R", role=Role.STAFF, organization_id=staff.organization_id, active=False
    )
    with pytest.raises(AccessDenied):
        await open_conversation("CASO-0001", revoked, uow, clock)
    conversation = await open_conversation("CASO-0001", staff, uow, clock)
    assert conversation.thread.is_open and conversation.organization_name == "Centro (demo)"


async def test_twenty_messages_an_hour_each_way_and_telegrams_length() -> None:
    uow, clock, staff = await accepted_request()
    thread_id = (await open_conversation("CASO-0001", staff, uow, clock)).thread.id or 0
    messenger = FakeMessenger()
    with pytest.raises(RelayTooLong):
        await write_to_member(thread_id, staff, "x" * (MAX_RELAY_CHARS + 1), uow, clock, messenger)
    for _ in range(MAX_PER_HOUR):
        result = await write_to_member(thread_id, staff, "hola", uow, clock, messenger)
        assert isinstance(result, Relayed)
    with pytest.raises(RelayRateLimited):
        await write_to_member(thread_id, staff, "una más", uow, clock, messenger)
    # The member's side has its own budget.
    await write_to_staff(thread_id, MEMBER_CHAT, "gracias", uow, clock, messenger)
    clock.advance(timedelta(minutes=61))
    assert isinstance(
        await write_to_member(thread_id, staff, "otra", uow, clock, messenger), Relayed
    )


async def test_phone_numbers_and_confidential_addresses_need_confirmation() -> None:
    found = sensitive_content("Llámame al 656 000 1234", ["Calle Ficticia 123"])
    assert found.phone and not found.confidential_address
    found = sensitive_content("Estamos en calle ficticia 123, col. Centro", ["Calle Ficticia 123"])
    assert found.confidential_address
    assert not sensitive_content("Nos vemos el 12 de marzo a las 10", ["Calle Ficticia 123"]).any
    uow, clock, staff = await accepted_request()
    thread_id = (await open_conversation("CASO-0001", staff, uow, clock)).thread.id or 0
    messenger = FakeMessenger()
    asked = await write_to_member(
        thread_id, staff, "Mi número: 656 000 1234", uow, clock, messenger
    )
    assert isinstance(asked, NeedsConfirmation) and messenger.sent == []
    sent = await write_to_member(
        thread_id, staff, "Mi número: 656 000 1234", uow, clock, messenger, confirmed=True
    )
    assert isinstance(sent, Relayed) and len(messenger.sent) == 1


async def test_an_unreachable_member_closes_the_thread_and_purging_keeps_recent_texts() -> None:
    uow, clock, staff = await accepted_request()
    thread_id = (await open_conversation("CASO-0001", staff, uow, clock)).thread.id or 0
    messenger = FakeMessenger()
    await write_to_member(thread_id, staff, "hola", uow, clock, messenger)
    clock.advance(timedelta(days=31))
    await write_to_member(thread_id, staff, "sigo aquí", uow, clock, messenger)
    assert await purge_relay_messages(uow, clock, timedelta(days=30)) == 1
    assert [m.text for m in uow.store.relayed.values()] == ["sigo aquí"]
    messenger.unreachable.add("member:1")
    with pytest.raises(Unreachable):
        await write_to_member(thread_id, staff, "¿estás?", uow, clock, messenger)
    with pytest.raises(ThreadClosed):
        await write_to_member(thread_id, staff, "¿estás?", uow, clock, messenger)
    assert uow.store.referrals[1].status is ReferralStatus.ACCEPTED
