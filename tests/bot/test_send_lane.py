"""More replies than Telegram lets a bot send at once: a person in danger still gets the lines
first; the Bot API refusing (429), failing (5xx) or not answering (timeout) loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from sandbox import BotApiEmulator
from tests.bot_harness import BotUnderTest, say

#: Sends a second in the lane tests: 30 queued replies take about 6 seconds to leave.
SLOW_RATE = 5.0
WAITING_CHATS = 30


@pytest.fixture
async def slow_bot(emulator: BotApiEmulator, demo_database_url: str) -> AsyncIterator[BotUnderTest]:
    under_test = BotUnderTest(emulator, demo_database_url, send_rate=SLOW_RATE)
    await under_test.start()
    try:
        yield under_test
    finally:
        await under_test.stop()


async def test_a_crisis_reply_overtakes_the_queued_replies(slow_bot: BotUnderTest) -> None:
    waiting = [slow_bot.chat(user_id=5000 + i) for i in range(WAITING_CHATS)]
    in_danger = slow_bot.chat(user_id=4999)
    for chat in waiting:
        await chat.send_text("/cancelar")
    await in_danger.send_text("me quiero morir")
    [lines] = await in_danger.wait_for_bot_messages(count=1, timeout=10)
    assert "\n911 — " in (lines.text or "")
    answered_before = sum(1 for chat in waiting if chat.bot_messages())
    # At 5 a second, most replies to the 30 members were still waiting when the lines left.
    assert answered_before < WAITING_CHATS // 2
    # ...and none of them is lost: every member gets their reply.
    for chat in waiting:
        [reply] = await chat.wait_for_bot_messages(count=1, timeout=20)
        assert "Buscar ayuda cerca" in reply.button_texts


async def test_a_command_waiting_behind_its_chat_gets_no_lines(slow_bot: BotUnderTest) -> None:
    """/ayuda reads as a cry to the screen, but a command is no disclosure: queued behind the
    chat's earlier update it gets its own answer, as when it is not queued."""
    chat = slow_bot.chat()
    await chat.send_text("/cancelar")
    await chat.send_text("/ayuda")
    menu, help_ = await chat.wait_for_bot_messages(count=2, timeout=10)
    assert not any("\n911 — " in (m.text or "") for m in (menu, help_))
    assert "Buscar ayuda cerca" in menu.button_texts


@pytest.mark.parametrize(
    ("status", "times", "delay"),
    [
        pytest.param(429, 1, 0.0, id="429-retry-after"),
        pytest.param(500, 2, 0.0, id="500-twice"),
        pytest.param(502, 1, 0.0, id="502"),
        pytest.param(504, 1, 2.0, id="timeout"),
    ],
)
async def test_a_failing_bot_api_loses_no_reply(
    emulator: BotApiEmulator, demo_database_url: str, status: int, times: int, delay: float
) -> None:
    under_test = BotUnderTest(emulator, demo_database_url, telegram_timeout=0.5)
    await under_test.start()
    try:
        chat = under_test.chat()
        emulator.inject_failure("sendMessage", status, times=times, delay=delay)
        [lines] = await say(chat, "me quiero morir")
        assert "\n911 — " in (lines.text or "")
        [menu] = await say(chat, "/cancelar")
        assert "Buscar ayuda cerca" in menu.button_texts
        refused = [c for c in emulator.calls("sendMessage") if c.status == status]
        if delay == 0:
            assert len(refused) == times  # the failures did happen, and were retried
    finally:
        await under_test.stop()


async def test_a_429_pauses_then_every_reply_arrives(bot: BotUnderTest) -> None:
    chats = [bot.chat(user_id=7000 + i) for i in range(5)]
    bot.emulator.inject_failure("sendMessage", 429, retry_after=1, times=3)
    for chat in chats:
        await chat.send_text("/cancelar")
    replies = await asyncio.gather(
        *(chat.wait_for_bot_messages(count=1, timeout=15) for chat in chats)
    )
    assert all("Buscar ayuda cerca" in reply.button_texts for [reply] in replies)


async def test_danger_written_behind_ones_own_waiting_messages_is_answered_first(
    slow_bot: BotUnderTest,
) -> None:
    chat = slow_bot.chat(user_id=4998)
    others = [slow_bot.chat(user_id=6000 + i) for i in range(10)]
    for other in others:  # the lane is busy with other members' replies
        await other.send_text("/cancelar")
    for _ in range(6):  # and this member has six messages waiting their turn
        await chat.send_text("/cancelar")
    await chat.send_text("me quiero morir")

    def lines_arrived() -> bool:
        return any("\n911 — " in (m.text or "") for m in chat.bot_messages())

    await chat.wait_until(lines_arrived, timeout=10)
    menus_before = sum(1 for m in chat.bot_messages() if "\n911 — " not in (m.text or ""))
    assert menus_before < 6, "the lines did not wait for the six earlier replies"
    replies = await chat.wait_for_bot_messages(count=7, timeout=30)
    assert sum(1 for m in replies if "\n911 — " in (m.text or "")) == 1  # sent once
    await asyncio.sleep(1)
    assert len(chat.bot_messages()) == 7
