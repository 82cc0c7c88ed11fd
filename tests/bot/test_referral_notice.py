"""The notice of a new referral is durable (an outbox row of the referral's own transaction),
through the real bot and the emulator, on SQLite and PostgreSQL.

Normal case: the process that saved the referral delivers the notice right away (no sweep
tick). Crash cases: the referral is committed and the process dies before the send (before the
claim, or between the claim and the send); after the restart the notice reaches the receiving
organisation's staff exactly once. Quiet hours: a new referral is not deferred to the
morning, it arrives without sound.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import text

from domain.cases import Reminder
from domain.people import StaffMember
from domain.ports import ReminderSubject, UnitOfWork
from domain.services.referrals import NewReferral, refer_person
from domain.services.staff import staff_for_chat
from domain.taxonomy import Category
from sandbox import PrivateChat
from tests.bot.test_staff_side import SENDER_ORG, guided_referral, join, org_id
from tests.bot_harness import BotUnderTest, press
from tests.fakes import FakeNotifier

RECEIVER_ORG = "Colectivo Vecinal Puentes de Paz Juárez (demo)"
SENDER_CHAT, RECEIVER_CHAT = 5001, 5002
#: 03:00 in Ciudad Juárez (UTC-7 on 4 March 2026): inside the quiet hours (21:00-08:00).
WEDNESDAY_3AM = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


class Killed(BaseException):
    """The process dies here: nothing after it runs (not even `except Exception`)."""


class DiesAtTransaction:
    """A unit of work whose process dies when transaction number `fatal` (1-based) begins."""

    def __init__(self, inner: UnitOfWork, fatal: int) -> None:
        self._inner = inner
        self._fatal = fatal
        self._begun = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> DiesAtTransaction:
        self._begun += 1
        if self._begun == self._fatal:
            raise Killed
        await self._inner.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._inner.__aexit__(kind, exc, tb)


class DiesBeforeSending(FakeNotifier):
    async def remind(
        self, reminder: Reminder, recipient: StaffMember, about: ReminderSubject
    ) -> None:
        raise Killed


async def notices(bot: BotUnderTest) -> list[tuple[str, str | None]]:
    async with bot.database() as db, db.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT status, claimed_by FROM reminders WHERE kind = 'referral_new'")
        )
        return [(status, by) for status, by in rows.all()]


async def sent_to(bot: BotUnderTest, chat: PrivateChat, within: float = 1.5) -> list[str]:
    """Every notice of a new referral the chat has received, after giving stragglers time."""
    await asyncio.sleep(within)
    return [m.text or "" for m in chat.bot_messages() if (m.text or "").startswith("Nueva ref")]


async def refer_and_die(bot: BotUnderTest, sender: StaffMember, how: str) -> None:
    """Save a referral as the bot would, in this process, and die before the notice is sent."""
    async with bot.database() as db:
        receiver = await org_id(bot, RECEIVER_ORG)
        new = NewReferral("Lupita", Category.SHELTER, receiver, True, "08037", age=16)
        try:
            if how == "before the claim":  # transaction 1 saves the referral, 2 would claim
                dying: Any = DiesAtTransaction(db.uow(), 2)
                await refer_person(new, sender, dying, bot.clock, FakeNotifier())
            else:
                await refer_person(new, sender, db.uow(), bot.clock, DiesBeforeSending())
        except Killed:
            return
    raise AssertionError("the process was meant to die")


async def linked_pair(bot: BotUnderTest) -> tuple[PrivateChat, PrivateChat, StaffMember]:
    sender_chat = await join(bot, SENDER_ORG, SENDER_CHAT, "Rosa")
    receiver_chat = await join(bot, RECEIVER_ORG, RECEIVER_CHAT, "Tere")
    async with bot.database() as db:
        sender = await staff_for_chat(SENDER_CHAT, db.uow())
    assert sender is not None
    return sender_chat, receiver_chat, sender


async def test_the_notice_is_delivered_at_once_by_the_process_that_saved_it(
    bot: BotUnderTest,
) -> None:
    sender = await join(bot, SENDER_ORG, SENDER_CHAT, "Rosa")
    receiver_name, _card = await guided_referral(sender)
    receiver = await join(bot, receiver_name, RECEIVER_CHAT, "Tere")
    [done] = await press(sender, "rf:do:confirm")
    assert (done.text or "").startswith("Listo: CASO-0001")
    [notice] = await receiver.wait_for_bot_messages(count=1, timeout=10)
    assert (notice.text or "").startswith("Nueva referencia CASO-0001")
    # Delivered by the saving process itself (not by a sweep tick), and marked sent.
    assert await notices(bot) == [("sent", None)]
    async with bot.database() as db, db.engine.connect() as conn:
        worker = await conn.scalar(
            text("SELECT detail FROM audit_entries WHERE action = 'reminder.claim'")
        )
    assert "inline" in str(worker)
    [call] = [
        c
        for c in bot.emulator.calls("sendMessage")
        if str(c.params.get("chat_id")) == str(RECEIVER_CHAT)
        and str(c.params.get("text", "")).startswith("Nueva")
    ]
    assert not call.params.get("disable_notification"), "daytime: with sound"


async def test_killed_after_the_commit_before_the_claim_the_notice_arrives_once_after_restart(
    bot: BotUnderTest,
) -> None:
    _sender_chat, receiver, sender = await linked_pair(bot)
    await bot.stop()
    await refer_and_die(bot, sender, "before the claim")
    assert await notices(bot) == [("pending", None)]
    assert await sent_to(bot, receiver, within=0) == []
    await bot.start()  # the first sweep runs a second after the start
    [notice] = await receiver.wait_for_bot_messages(count=1, timeout=10)
    assert (notice.text or "").startswith("Nueva referencia CASO-0001")
    assert "sr:a:1" in notice.callback_data
    assert len(await sent_to(bot, receiver)) == 1
    assert await notices(bot) == [("sent", None)]


async def test_killed_between_the_claim_and_the_send_the_notice_arrives_once_after_the_lease(
    bot: BotUnderTest,
) -> None:
    _sender_chat, receiver, sender = await linked_pair(bot)
    await bot.stop()
    await refer_and_die(bot, sender, "between the claim and the send")
    assert await notices(bot) == [("pending", "inline")]
    await bot.start()
    # The claim of the dead process holds it until its lease is over (nothing twice)...
    assert await sent_to(bot, receiver, within=2.0) == []
    # ...then the sweep takes it again.
    bot.clock.advance(timedelta(minutes=6))
    await bot.restart()
    [notice] = await receiver.wait_for_bot_messages(count=1, timeout=10)
    assert (notice.text or "").startswith("Nueva referencia CASO-0001")
    assert len(await sent_to(bot, receiver)) == 1
    assert await notices(bot) == [("sent", None)]


async def test_a_referral_at_3_am_reaches_the_receivers_at_once_without_sound(
    bot: BotUnderTest,
) -> None:
    bot.clock.current = WEDNESDAY_3AM
    sender = await join(bot, SENDER_ORG, SENDER_CHAT, "Rosa")
    receiver_name, _card = await guided_referral(sender)
    receiver = await join(bot, receiver_name, RECEIVER_CHAT, "Tere")
    await press(sender, "rf:do:confirm")
    [notice] = await receiver.wait_for_bot_messages(count=1, timeout=10)
    assert (notice.text or "").startswith("Nueva referencia CASO-0001")
    [call] = [
        c
        for c in bot.emulator.calls("sendMessage")
        if str(c.params.get("chat_id")) == str(RECEIVER_CHAT)
        and str(c.params.get("text", "")).startswith("Nueva")
    ]
    assert str(call.params.get("disable_notification")).lower() == "true"
    assert await notices(bot) == [("sent", None)]
