"""Keys rotate under a live deployment: the bot finds every member, case and conversation
before, during (an interrupted rotation) and after (old key removed)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import Text, select, text, type_coerce
from typer.testing import CliRunner

from domain.cases import FollowUp
from domain.people import Role, StaffMember
from juntos.cli import app
from juntos.database import Database
from sandbox import PrivateChat
from storage import crypto
from storage.engine import create_engine, session_factory
from storage.rotation import rotate_keys, targets
from storage.tables import metadata
from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say
from tests.conftest import TEST_SECRET

NEW = crypto.generate_key()


class Interrupted(Exception):
    """Stands for Ctrl-C or a lost connection in the middle of a rotation."""


def open_db(bot: BotUnderTest) -> Database:
    engine = create_engine(bot.database_url)
    return Database(engine=engine, sessions=session_factory(engine))


async def ask_to_be_contacted(bot: BotUnderTest, chat: PrivateChat) -> PrivateChat:
    """Ana asks a shelter to contact her; its staff member hears of it. Returns staff's chat."""
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:shelter")
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    await chat.wait_for_bot_messages(count=1, timeout=10)
    [consent] = await press(chat, "k:0")
    staff_chat = bot.emulator.private_chat(user_id=5005, first_name="Staff")
    db = open_db(bot)
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, name FROM organizations"))).all()
        organization_id = next(oid for oid, name in rows if name in (consent.text or ""))
        async with db.uow() as uow:
            await uow.people.add_staff(
                StaffMember(
                    id=None,
                    display_name="Rosa (demo)",
                    role=Role.STAFF,
                    organization_id=organization_id,
                    chat_id=staff_chat.chat_id,
                )
            )
            await uow.commit()
    finally:
        await db.close()
    [done] = await press(chat, "y:consent:1")
    assert "CASO-0001" in (done.text or "")
    await staff_chat.wait_for_bot_messages(count=1, timeout=10)
    return staff_chat


async def add_follow_up_note(bot: BotUnderTest) -> None:
    db = open_db(bot)
    try:
        async with db.uow() as uow:
            case = await uow.cases.get_by_code("CASO-0001")
            assert case is not None and case.id is not None
            [referral] = await uow.referrals.for_case(case.id)
            assert referral.id is not None
            await uow.follow_ups.add(
                FollowUp(
                    id=None,
                    referral_id=referral.id,
                    due_date=date(2026, 3, 11),
                    note="Primera llamada hecha (demo)",
                )
            )
            await uow.commit()
    finally:
        await db.close()


async def half_way_through_a_search(bot: BotUnderTest, user_id: int) -> PrivateChat:
    chat = bot.chat(user_id=user_id)
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    return chat


async def finishes_the_search(chat: PrivateChat) -> None:
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [results] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert "más cercano" in (results.text or ""), results.text


async def stored_tokens(bot: BotUnderTest) -> list[str]:
    engine = create_engine(bot.database_url, pool=False)
    tokens: list[str] = []
    try:
        async with engine.connect() as conn:
            for target in targets():
                table = metadata.tables[target.name]
                for name in target.encrypted:
                    column = table.c[name]
                    query = select(type_coerce(column, Text)).where(column.is_not(None))
                    tokens += (await conn.execute(query)).scalars().all()
    finally:
        await engine.dispose()
    return tokens


async def test_after_a_rotation_the_bot_still_finds_every_member_and_case(
    bot: BotUnderTest,
) -> None:
    ana = bot.chat(user_id=1001)
    staff_chat = await ask_to_be_contacted(bot, ana)
    await add_follow_up_note(bot)
    luis = await half_way_through_a_search(bot, 1002)
    maria = await half_way_through_a_search(bot, 1003)
    await bot.stop()  # writes the conversation state

    # The new key goes first, the old one after it; a rotation stops after its first batch.
    both = f"{NEW},{TEST_SECRET}"
    engine = create_engine(bot.database_url, pool=False)
    try:

        def interrupt(table: str, checked: int, rotated: int) -> None:
            raise Interrupted(table)

        with pytest.raises(Interrupted):
            await rotate_keys(engine, crypto.configure(both), batch_size=2, after_batch=interrupt)
    finally:
        await engine.dispose()
    tokens = await stored_tokens(bot)
    assert 0 < sum(crypto.Keyring([NEW]).is_primary(t) for t in tokens) < len(tokens)

    # Half rotated, with both keys: everyone is found.
    bot.secret_keys = both
    await bot.start()
    [status] = await say(ana, "/estado")
    assert "CASO-0001" in (status.text or "") and "esperando respuesta" in (status.text or "")
    await finishes_the_search(luis)
    await bot.stop()

    # The operator finishes the rotation.
    env = {"DATABASE_URL": bot.database_url, "JUNTOS_SECRET_KEY": both}
    result = await asyncio.to_thread(
        CliRunner().invoke, app, ["keys", "rotate", "--batch-size", "2"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "You can now remove the old key(s)" in result.stdout

    # The old key is removed: nothing needs it any more.
    assert not any(crypto.Keyring([TEST_SECRET]).is_primary(t) for t in await stored_tokens(bot))
    bot.secret_keys = NEW
    await bot.start()
    [mine] = await say(ana, "/mis_datos")
    assert "CASO-0001" in (mine.text or "")
    assert "Permiso para que te contacten: dado el" in (mine.text or "")
    await finishes_the_search(maria)
    # Staff are still reached: the unanswered request reminds them.
    bot.clock.advance(timedelta(hours=49))
    [job] = bot.application.job_queue.get_jobs_by_name("reminders")
    await job.run(bot.application)
    [reminder] = await staff_chat.wait_for_bot_messages(count=1, timeout=10)
    assert (reminder.text or "").startswith("Recordatorio: la solicitud CASO-0001")
    db = open_db(bot)
    try:
        async with db.uow() as uow:
            case = await uow.cases.get_by_code("CASO-0001")
            assert case is not None and case.id is not None
            [referral] = await uow.referrals.for_case(case.id)
            assert referral.id is not None
            [note] = await uow.follow_ups.for_referral(referral.id)
        assert note.note == "Primera llamada hecha (demo)"
    finally:
        await db.close()
