"""Guessing invite codes through the bot (SQLite and PostgreSQL): a chat that sends five wrong
`/start <code>` within an hour is refused for an hour after the last of them, the right code
too, with a kind message in its language; it links again after the lock; another chat is not
affected; no code ever reaches the logs.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from domain.people import MAX_WRONG_CODES
from domain.services.staff import LOCK_WINDOW
from tests.bot.test_staff_side import SENDER_ORG, invite
from tests.bot_harness import BotUnderTest, say

ATTACKER, BYSTANDER = 6001, 6002
NOT_VALID = "That invitation code is not valid."
LOCKED = "Too many wrong codes. Please try again in an hour."


async def linked_chats(bot: BotUnderTest) -> int:
    async with bot.database() as db, db.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT count(*) FROM staff_members")) or 0)


async def test_five_wrong_codes_in_an_hour_lock_the_chat_for_an_hour_and_no_other(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert MAX_WRONG_CODES == 5
    assert timedelta(hours=1) == LOCK_WINDOW
    attacker = bot.chat(user_id=ATTACKER, first_name="Mallory", language_code="en")
    wrong = [f"guess-{n}-Zq8x" for n in range(MAX_WRONG_CODES)]
    # Five guesses spread over 48 minutes: each is told apart as not valid, kindly.
    for n, guess in enumerate(wrong):
        if n:
            bot.clock.advance(timedelta(minutes=12))
        [reply] = await say(attacker, f"/start {guess}")
        assert (reply.text or "").startswith(NOT_VALID), reply.text
    right = await invite(bot, SENDER_ORG)
    # Locked now, and still 22 minutes after the first guess aged out of the hour.
    for later in (timedelta(minutes=1), timedelta(minutes=21)):
        bot.clock.advance(later)
        [refused] = await say(attacker, f"/start {right}")
        assert (refused.text or "").startswith(LOCKED), refused.text
        assert "911" in (refused.text or ""), "no dead end: the danger line is there"
    assert await linked_chats(bot) == 0, "the right code linked nobody while locked"
    # Another chat, at the same moment, is not affected (in Spanish, its language).
    bystander = bot.chat(user_id=BYSTANDER, first_name="Tere", language_code="es")
    [welcome] = await say(bystander, f"/start {await invite(bot, SENDER_ORG)}")
    assert f"vinculada a {SENDER_ORG} como personal" in (welcome.text or "")
    # An hour after the last guess the lock is over, and the right code works.
    bot.clock.advance(LOCK_WINDOW - timedelta(minutes=22) + timedelta(minutes=1))
    [linked] = await say(attacker, f"/start {right}")
    assert f"linked to {SENDER_ORG} as staff" in (linked.text or ""), linked.text
    assert await linked_chats(bot) == 2

    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for code in [*wrong, right, "Zq8x"]:
        assert code not in logged, "an invite code reached the logs"
    assert "Mallory" not in logged and str(ATTACKER) not in logged
