"""The bot in its own process: killed (SIGKILL) while confirming a referral, it saves the
referral whole or not at all and the conversation goes on after a restart; and the webhook
mode (`juntos bot --webhook URL`) answers like polling."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from domain.people import Role
from domain.ports import SystemClock
from domain.services.staff import InviteRequest, issue_invite
from juntos.database import Database
from sandbox import BotApiEmulator, PrivateChat
from storage import crypto
from storage.engine import create_engine, session_factory
from tests.bot.test_staff_side import SENDER_ORG, guided_referral
from tests.bot_harness import say
from tests.bot_process import BotProcess
from tests.conftest import TEST_SECRET


async def _staff(emulator: BotApiEmulator, url: str, user_id: int) -> PrivateChat:
    crypto.configure(TEST_SECRET)
    engine = create_engine(url)
    db = Database(engine=engine, sessions=session_factory(engine))
    try:
        async with db.engine.connect() as conn:
            org = await conn.scalar(
                text("SELECT id FROM organizations WHERE name = :n"), {"n": SENDER_ORG}
            )
        issued = await issue_invite(
            InviteRequest(Role.STAFF, str(org), frozenset(), timedelta(days=1)),
            db.uow(),
            SystemClock(),
        )
    finally:
        await db.close()
    chat = emulator.private_chat(user_id=user_id, first_name="Rosa")
    [welcome] = await say(chat, f"/start {issued.code}")
    assert "como personal" in (welcome.text or "")
    return chat


async def _saved(url: str) -> tuple[int, int, int]:
    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            cases = await conn.scalar(text("SELECT count(*) FROM cases"))
            referrals = await conn.scalar(text("SELECT count(*) FROM referrals"))
            orphans = await conn.scalar(
                text(
                    "SELECT count(*) FROM cases c WHERE NOT EXISTS "
                    "(SELECT 1 FROM referrals r WHERE r.case_id = c.id)"
                )
            )
    finally:
        await engine.dispose()
    return int(cases or 0), int(referrals or 0), int(orphans or 0)


@pytest.fixture
async def bot_process(
    emulator: BotApiEmulator, demo_database_url: str, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    process = BotProcess(emulator, demo_database_url, tmp_path / "bot.log")
    await process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.mark.parametrize("moment", ["before-saving", "after-saving"])
async def test_killed_while_confirming_a_referral(
    bot_process: BotProcess, emulator: BotApiEmulator, demo_database_url: str, moment: str
) -> None:
    sender = await _staff(emulator, demo_database_url, 3001)
    await guided_referral(sender)
    # Hold the bot's first Bot API call after the press (answering the button: before the
    # referral is written) or its first message after it (the referral is written by then).
    method = "answerCallbackQuery" if moment == "before-saving" else "sendMessage"
    stalled = emulator.inject_failure(method, 500, delay=60)
    await sender.press("rf:do:confirm")
    await emulator.wait_until(lambda: stalled.hits == 1, timeout=20)
    await asyncio.sleep(0.3 if moment == "after-saving" else 0)
    bot_process.kill()
    stalled.times = 0  # the emulator answers normally again

    cases, referrals, orphans = await _saved(demo_database_url)
    assert (cases, referrals) in ((0, 0), (1, 1)), "the referral is whole or absent"
    assert orphans == 0
    if moment == "after-saving":
        assert (cases, referrals) == (1, 1)

    await bot_process.start()
    # The conversation goes on: the staff member is still linked, and sees the outcome.
    [listing] = await say(sender, "/casos")
    assert "Perdón, algo falló" not in (listing.text or "")
    if referrals == 0:  # nothing was saved: refer again, once
        await guided_referral(sender)
        await sender.press("rf:do:confirm")
        await sender.wait_for_bot_messages(count=1, timeout=15)
        assert await _saved(demo_database_url) == (1, 1, 0)
    else:  # pressing the old button again never makes a second referral
        await sender.forge_callback_query("rf:do:confirm")
        await sender.wait_for_bot_messages(count=1, timeout=15)
        assert await _saved(demo_database_url) == (1, 1, 0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_answers_like_polling(
    emulator: BotApiEmulator, demo_database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/juntos/telegram"
    process = BotProcess(
        emulator, demo_database_url, tmp_path / "bot.log", "--webhook", url, "--port", str(port)
    )
    await process.start()
    try:
        assert emulator.webhook_url == url
        chat = emulator.private_chat(user_id=1001, first_name="Ana")
        [welcome, menu] = await say(chat, "/start", replies=2)
        assert "Buscar ayuda cerca" in menu.button_texts
        [lines] = await say(chat, "me quiero morir")
        assert "\n911 — " in (lines.text or "")
    finally:
        process.stop()
