"""The logs of a whole session carry no message text, names, chat ids or tokens, and no line
per scheduler tick: captured at DEBUG across member, crisis, staff and failure scenarios."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from crisis_model import default_model
from domain.services.crisis import CrisisScreen
from tests.bot.test_staff_side import SENDER_ORG, guided_referral, join
from tests.bot_harness import RIBERAS_DEL_BRAVO, TOKEN, BotUnderTest, press, say
from tests.conftest import TEST_SECRET

MEMBER_ID = 4_815_162
STAFF_ID = 3001  # join() names the staff member in Spanish: "Rosa"
PRIVATE_TEXT = "me llamo Xochiquetzal Ibarra y vivo en la calle Zaragoza 123"
CRISIS_TEXT = "mi esposo me esta golpeando ahorita, se llama Fulgencio"


async def test_a_whole_session_logs_nothing_personal(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    member = bot.chat(user_id=MEMBER_ID, first_name="Yatziri", language_code="es")
    await say(member, "/start", replies=2)
    # Rasa down: the nlu client warns, the member gets a menu (after the emergency lines when
    # the crisis screen reads possible danger in it: the model decides, not this test).
    lines_first = CrisisScreen(default_model()).screen(PRIVATE_TEXT).signal is not None
    await say(member, PRIVATE_TEXT, replies=2 if lines_first else 1)
    await member.send_text(CRISIS_TEXT)
    await member.wait_for_bot_messages(count=1, timeout=10)
    await press(member, "m:search")
    await press(member, "c:legal_aid")
    await member.send_location(*RIBERAS_DEL_BRAVO)
    await member.wait_for_bot_messages(count=1, timeout=10)
    await member.forge_callback_query("sc:1'; DROP TABLE cases; --")
    await member.wait_for_bot_messages(count=1, timeout=10)
    bot.emulator.inject_failure("sendMessage", 429, retry_after=1)
    await say(member, "/ayuda")
    sender = await join(bot, SENDER_ORG, STAFF_ID, "Rosa")
    await guided_referral(sender)  # alias "Lupita", a note, a full name refused
    await press(sender, "rf:do:confirm")
    await asyncio.sleep(1.2)  # the reminder sweep runs 1 s after start, then every minute

    records = caplog.records
    assert any(r.name.startswith("nlu") for r in records), "the scenarios did log"
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {getattr(r, 'stack_info', '') or ''}"
        for r in records
    )
    for private in (
        "Xochiquetzal",
        "Zaragoza",
        "Fulgencio",
        "golpeando",
        "Yatziri",
        "Lupita",
        "Guadalupe",  # the full name the referral flow refuses
        "Prefiere que la busquen",
        "DROP TABLE",
        TOKEN,
        TOKEN.split(":")[1],
        TEST_SECRET,
        "not-used",  # the Rasa token of the harness
    ):
        assert private not in logged, private
    for chat_id in (MEMBER_ID, STAFF_ID):
        assert not re.search(rf"\b{chat_id}\b", logged), chat_id
    # No line per scheduler tick, no line per HTTP request.
    assert "Running job" not in logged
    assert "executed successfully" not in logged
    assert not [r for r in records if r.name.startswith(("httpx", "httpcore", "apscheduler"))]
