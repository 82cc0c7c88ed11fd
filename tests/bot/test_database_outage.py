"""PostgreSQL unavailable for a few seconds (its backends terminated, new connections refused):
the update gets a kind "try again", a referral being confirmed is not half-written, a member in
danger still gets the lines, and the next update after the outage works."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sandbox import BotApiEmulator
from tests.bot.test_staff_side import SENDER_ORG, guided_referral, join
from tests.bot_harness import BotUnderTest, press, say
from tests.conftest import admin_url, pg_admin, pg_database_url

pytestmark = pytest.mark.postgres

TRY_AGAIN = "Perdón, algo falló de mi lado. Intenta de nuevo en un momento."


@pytest.fixture
async def pg_bot(
    emulator: BotApiEmulator, postgres_demo_template: str
) -> AsyncIterator[BotUnderTest]:
    name = f"juntos_outage_{uuid.uuid4().hex[:8]}"
    await pg_admin(admin_url(), f'CREATE DATABASE "{name}" TEMPLATE "{postgres_demo_template}"')
    bot = BotUnderTest(emulator, pg_database_url(name))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        await pg_admin(admin_url(), f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await pg_admin(admin_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def outage(bot: BotUnderTest, on: bool) -> None:
    name = make_url(bot.database_url).database
    await pg_admin(admin_url(), f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(not on).lower()}')
    if on:
        await pg_admin(
            admin_url(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )


async def counts(bot: BotUnderTest) -> tuple[int, int]:
    async with bot.database() as db, db.engine.connect() as conn:
        cases = await conn.scalar(text("SELECT count(*) FROM cases"))
        referrals = await conn.scalar(text("SELECT count(*) FROM referrals"))
    return int(cases or 0), int(referrals or 0)


async def test_a_short_database_outage(pg_bot: BotUnderTest) -> None:
    sender = await join(pg_bot, SENDER_ORG, 3001, "Rosa")
    await guided_referral(sender)
    member = pg_bot.chat(user_id=1001)
    await say(member, "/start", replies=2)

    await outage(pg_bot, on=True)
    [sorry] = await press(sender, "rf:do:confirm")
    assert TRY_AGAIN in (sorry.text or "")
    [status] = await say(member, "/estado")
    assert TRY_AGAIN in (status.text or "")
    [lines] = await say(member, "me quiero morir")  # needs no database
    assert "\n911 — " in (lines.text or "")
    await outage(pg_bot, on=False)

    assert await counts(pg_bot) == (0, 0), "nothing half-written"
    [status] = await say(member, "/estado")
    assert "No tienes solicitudes" in (status.text or "")
    [sent] = await press(sender, "rf:do:confirm")
    assert (sent.text or "").startswith("Listo: CASO-0001 se envió")
    assert await counts(pg_bot) == (1, 1)
