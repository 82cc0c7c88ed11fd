"""Reminders through the real bot and the emulator (SQLite and PostgreSQL): the Monday
capacity check-in changes what members see; a staff member who blocked the bot is not chased,
their coordinator is told; an escalation reaches the coordinators with a button to the case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from domain.people import Role
from tests.bot.test_staff_side import SENDER_ORG, guided_referral, invite, join
from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say

#: Monday 9 March 2026, 09:01 in Ciudad Juárez (UTC-6 since the US change on the 8th).
MONDAY_MORNING = datetime(2026, 3, 9, 15, 1, tzinfo=UTC)


async def run_job(bot: BotUnderTest, name: str) -> None:
    [job] = bot.application.job_queue.get_jobs_by_name(name)
    await job.run(bot.application)


async def search_psychological_support(bot: BotUnderTest, user_id: int) -> str:
    chat = bot.chat(user_id=user_id)
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:psychological_support")
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [results] = await chat.wait_for_bot_messages(count=1, timeout=10)
    return results.text or ""


async def test_the_monday_check_in_is_answered_and_members_see_cupo_limitado(
    bot: BotUnderTest,
) -> None:
    before = await search_psychological_support(bot, 4001)
    first = before.split("\n\n")[1].split("\n")[0]  # "1. Service — Organisation (demo)"
    service, organization = first[3:].split(" — ")
    assert "cupo limitado" not in before
    staff = await join(bot, organization, 4100, "Tere")

    await run_job(bot, "capacity-checkins")  # plans Monday 09:00 local
    bot.clock.current = MONDAY_MORNING - timedelta(minutes=2)
    await run_job(bot, "reminders")
    assert staff.unread_bot_messages() == [], "not before 09:00"
    bot.clock.current = MONDAY_MORNING
    await run_job(bot, "reminders")
    async with bot.database() as db, db.engine.connect() as conn:
        offered = await conn.scalar(
            text(
                "SELECT count(*) FROM services s JOIN organizations o"
                " ON o.id = s.organization_id WHERE o.name = :n AND s.status = 'active'"
            ),
            {"n": organization},
        )
    questions = await staff.wait_for_bot_messages(count=offered, timeout=10)
    question = next(q for q in questions if service in (q.text or ""))
    assert "¿Tienen cupo esta semana?" in (question.text or "")
    assert question.button_texts == ["Sí", "Pocos lugares", "Lleno"]
    limited = next(d for d in question.callback_data if d.endswith(":l"))
    await staff.press(limited)
    await staff.wait_until(lambda: "esta semana: pocos lugares" in (question.text or ""))
    assert question.buttons == [], "answered: the buttons go"
    await run_job(bot, "reminders")
    assert staff.unread_bot_messages() == [], "asked once"

    after = await search_psychological_support(bot, 4002)
    line = after.split("\n\n")[1].split("\n")[1]
    assert line.endswith(" · cupo limitado"), after

    # A member (or anyone not of that organisation) forging the answer changes nothing.
    member = bot.chat(user_id=4003)
    await say(member, "/start", replies=2)
    await member.forge_callback_query(limited.replace(":l", ":f"))
    [refused] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert "Eso es para el personal" in (refused.text or "")


async def test_a_receiver_who_blocked_the_bot_is_not_chased_and_the_coordinator_hears(
    bot: BotUnderTest,
) -> None:
    sender = await join(bot, SENDER_ORG, 3001, "Rosa")
    receiver_name, _card = await guided_referral(sender)
    receiver = await join(bot, receiver_name, 3002, "Tere")
    coordinator = bot.chat(user_id=3005, first_name="Coordinación")
    code = await invite(bot, SENDER_ORG, Role.COORDINATOR, frozenset({"08037"}))
    await say(coordinator, f"/start {code}")
    await press(sender, "rf:do:confirm")
    await receiver.wait_for_bot_messages(count=1, timeout=10)
    receiver.block()

    bot.clock.advance(timedelta(hours=48, minutes=1))
    await run_job(bot, "reminders")  # 403: marked unreachable, the coordinators' notice queued
    await run_job(bot, "reminders")  # the next sweep (a minute later) delivers it
    [told] = await coordinator.wait_for_bot_messages(count=1, timeout=10)
    assert f"Tere ({receiver_name}) bloqueó el bot" in (told.text or "")

    bot.clock.advance(timedelta(hours=24))
    await run_job(bot, "reminders")
    [escalated] = await coordinator.wait_for_bot_messages(count=1, timeout=10)
    assert (escalated.text or "").startswith(
        f"Escalada: la referencia CASO-0001 a {receiver_name} lleva 72 horas sin respuesta."
    )
    assert "sc:o:1" in escalated.callback_data, "a button opens the case"
    async with bot.database() as db, db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT kind, status FROM reminders"))).all()
    statuses = {kind: status for kind, status in rows}
    assert statuses["referral_pending"] == "unreachable"
    assert statuses["referral_escalated"] == "sent"
    assert statuses["staff_unreachable"] == "sent"
