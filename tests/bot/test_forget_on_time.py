"""Conversation state is forgotten after JUNTOS_STATE_RETENTION_DAYS without activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, ConversationHandler, filters
from telegram.ext import MessageHandler as TextHandler

from bot.context import JuntosContext
from storage.engine import create_engine
from storage.tables import bot_state
from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say

ASK_NEED = "¿Qué tipo de ayuda buscas?"


async def saved_states(bot: BotUnderTest) -> dict[str, int]:
    engine = create_engine(bot.database_url, pool=False)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(bot_state.c.kind, func.count()).group_by(bot_state.c.kind)
            )
            return {kind: count for kind, count in rows.all()}
    finally:
        await engine.dispose()


async def forget_job(bot: BotUnderTest) -> None:
    """Run the daily job now (it also runs by itself a minute after start, then daily)."""
    [job] = bot.application.job_queue.get_jobs_by_name("forget-idle-state")
    await job.run(bot.application)


async def half_way_through_a_search(bot: BotUnderTest, user_id: int = 1001):
    chat = bot.chat(user_id=user_id)
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    [where] = await press(chat, "c:legal_aid")
    assert "¿Dónde estás?" in (where.text or "")
    await bot.save_state()
    return chat


async def test_the_forget_job_runs_daily_and_soon_after_start(bot: BotUnderTest) -> None:
    [job] = bot.application.job_queue.get_jobs_by_name("forget-idle-state")
    assert job.job.trigger.interval == timedelta(days=1)
    assert 0 < (job.next_t - datetime.now(UTC)).total_seconds() <= 60


async def test_a_search_left_for_31_days_is_forgotten_saved_and_in_memory(
    bot: BotUnderTest,
) -> None:
    chat = await half_way_through_a_search(bot)
    assert await saved_states(bot) == {"user": 1, "chat": 1}

    bot.clock.advance(timedelta(days=31))
    await forget_job(bot)

    assert await saved_states(bot) == {}
    assert chat.chat_id not in bot.application.user_data
    assert chat.chat_id not in bot.application.chat_data
    # The member starts afresh: a location now asks for the kind of help first...
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [again] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert again.text == ASK_NEED
    # ...and nothing old comes back after a restart.
    await bot.restart()
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [still] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert still.text == ASK_NEED


async def test_any_activity_restarts_the_30_days(bot: BotUnderTest) -> None:
    active = await half_way_through_a_search(bot, user_id=1001)
    idle = await half_way_through_a_search(bot, user_id=1002)
    bot.clock.advance(timedelta(days=20))
    [_help] = await say(active, "/ayuda")
    await bot.save_state()
    bot.clock.advance(timedelta(days=15))  # 35 days since the search, 15 since /ayuda

    await forget_job(bot)

    assert await saved_states(bot) == {"user": 1, "chat": 1}
    await active.send_location(*RIBERAS_DEL_BRAVO)
    [results] = await active.wait_for_bot_messages(count=1, timeout=10)
    assert "más cercano" in (results.text or "")
    await idle.send_location(*RIBERAS_DEL_BRAVO)
    [asked] = await idle.wait_for_bot_messages(count=1, timeout=10)
    assert asked.text == ASK_NEED


async def test_retention_is_a_setting(emulator, demo_database_url: str) -> None:
    bot = BotUnderTest(emulator, demo_database_url, state_retention_days=7)
    await bot.start()
    try:
        chat = await half_way_through_a_search(bot)
        bot.clock.advance(timedelta(days=6))
        await forget_job(bot)
        assert await saved_states(bot) == {"user": 1, "chat": 1}
        bot.clock.advance(timedelta(days=2))
        await forget_job(bot)
        assert await saved_states(bot) == {}
        await chat.send_location(*RIBERAS_DEL_BRAVO)
        [asked] = await chat.wait_for_bot_messages(count=1, timeout=10)
        assert asked.text == ASK_NEED
    finally:
        await bot.stop()


PROBE = 1


async def start_probe(update: Update, context: JuntosContext) -> int:
    """Enter a two-step conversation (stands for any persistent flow)."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("probe: step 1")
    raise ApplicationHandlerStop(PROBE)


async def continue_probe(update: Update, context: JuntosContext) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_text("probe: still in step 1")
    raise ApplicationHandlerStop(PROBE)


# Added to the running bot (none of its flows is a ConversationHandler yet): PTB warns, and
# loads its saved conversations at once, as it would at start.
@pytest.mark.filterwarnings("ignore:A persistent `ConversationHandler` was passed")
async def test_an_idle_conversation_of_a_persistent_flow_is_ended(bot: BotUnderTest) -> None:
    bot.application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("probe", start_probe)],
            states={PROBE: [TextHandler(filters.TEXT & ~filters.COMMAND, continue_probe)]},
            fallbacks=[],
            name="probe",
            persistent=True,
        ),
        group=-3,
    )
    chat = bot.chat()
    await chat.wait_until(
        lambda: "probe" in bot.application._conversation_handler_conversations, timeout=5
    )
    [entered] = await say(chat, "/probe")
    assert entered.text == "probe: step 1"
    [inside] = await say(chat, "hola")
    assert inside.text == "probe: still in step 1"
    await bot.save_state()
    assert (await saved_states(bot)).get("conversation") == 1

    bot.clock.advance(timedelta(days=31))
    await forget_job(bot)

    assert "conversation" not in await saved_states(bot)
    [outside] = await say(chat, "hola")  # the bot's normal answer, not the flow's
    assert outside.text != "probe: still in step 1"
