"""/indicadores and the weekly digest through the real bot and the emulator (SQLite and
PostgreSQL), on the hand-computed municipality of tests/indicator_fixture.py."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

from bot.indicators.digest import send_due_digests
from domain.demand import AgeBand, DistanceBand, SearchKey, iso_week
from domain.people import Role
from juntos.demo_history import load_demo_history
from sandbox import BotApiEmulator, PrivateChat, StoredMessage
from tests import indicator_fixture as fx
from tests.bot.test_staff_side import SENDER_ORG, invite, join
from tests.bot_harness import BotUnderTest, press, say

#: 2 April 2026: March is over, and offered as a month button.
APRIL = datetime(2026, 4, 2, 17, 0, tzinfo=UTC)


async def coordinator(bot: BotUnderTest, user_id: int = 3001) -> PrivateChat:
    chat = bot.chat(user_id=user_id, first_name="Marco")
    code = await invite(bot, SENDER_ORG, Role.COORDINATOR, frozenset({fx.JUAREZ}))
    [welcome] = await say(chat, f"/start {code}")
    assert "coordinación" in (welcome.text or "")
    return chat


def file_bytes(emulator: BotApiEmulator, message: StoredMessage) -> bytes:
    if message.photo:
        file_id = message.photo[-1]["file_id"]
    else:
        assert message.document is not None
        file_id = message.document["file_id"]
    data = emulator.store.files[file_id].data
    assert data is not None
    return data


async def test_a_coordinator_gets_the_chart_and_the_csv_of_a_past_month(
    bot: BotUnderTest, emulator: BotApiEmulator
) -> None:
    async with bot.database() as db:
        await fx.load(db.uow())
    bot.clock.current = APRIL
    chat = await coordinator(bot)
    [question] = await say(chat, "/indicadores")
    assert "Juárez" in (question.text or "") and "ix:p:month" in question.callback_data
    [months] = await press(chat, "ix:p:other")
    assert "ix:m:2026-03" in months.callback_data and "mar 2026" in months.button_texts[0]
    photo, document = await press(chat, "ix:m:2026-03", replies=2)
    png = file_bytes(emulator, photo)
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    assert "13 referencias" in (photo.caption or "")
    assert document.document is not None and document.document["file_name"].endswith(".csv")
    text = file_bytes(emulator, document).decode("utf-8-sig")
    rows = {(r["section"], r["key"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[("referrals", "made")]["value"] == "13"
    assert rows[("referrals", "made")]["label"] == "Referencias hechas"
    assert rows[("referrals", "rejected")]["value"] == "< 5"
    assert rows[("times", "acceptance_median")]["value"] == "1.5"
    assert rows[("matrix", "civil_society>government")]["value"] == "5"
    assert rows[("age", "18-29")]["value"] == "< 5"
    # Nothing about one person: no case code, alias or chat id.
    assert "CASO-" not in text and "Prueba c" not in text and str(chat.chat_id) not in text


async def test_an_empty_period_says_so_instead_of_drawing_empty_axes(
    bot: BotUnderTest,
) -> None:
    chat = await coordinator(bot)
    await say(chat, "/indicadores")
    [empty] = await press(chat, "ix:p:month")
    assert "No se hicieron referencias" in (empty.text or "") and not empty.photo
    assert "ix:p:year" in empty.callback_data  # another period, one tap away


async def test_members_and_partner_staff_are_refused_kindly(bot: BotUnderTest) -> None:
    member = bot.chat(user_id=1001, first_name="Ana")
    [refusal] = await say(member, "/indicadores")
    assert "coordinación" in (refusal.text or "") and "911" in (refusal.text or "")
    staff = await join(bot, SENDER_ORG, 2001, "Rosa")
    [refused] = await say(staff, "/indicadores")
    assert "coordinación" in (refused.text or "") and not refused.photo
    await staff.forge_callback_query("ix:m:2026-02")
    [forged] = await staff.wait_for_bot_messages(count=1, timeout=10.0)
    assert "coordinación" in (forged.text or "")


async def test_forged_period_buttons_change_nothing(bot: BotUnderTest) -> None:
    chat = await coordinator(bot)
    for data in ("ix:m:2031-01", "ix:p:decade", "ix:m:2026-13"):
        await chat.forge_callback_query(data)
        [answer] = await chat.wait_for_bot_messages(count=1, timeout=10.0)
        assert "ya no es válido" in (answer.text or ""), data


async def test_the_weekly_digest_arrives_on_monday_morning_once_with_case_buttons(
    bot: BotUnderTest,
) -> None:
    async with bot.database() as db:
        ids = await fx.load(db.uow())
    chat = await coordinator(bot)
    app = bot.application
    assert app.job_queue.get_jobs_by_name("weekly-digests"), "the sweep is scheduled"
    # What the scheduled sweep runs, called at chosen times.
    bot.clock.current = fx.DIGEST_TIME - timedelta(hours=1)  # Monday 08:30 in Juárez
    assert await send_due_digests(app.bot, app.bot_data.services, "bot-a") == 0
    bot.clock.current = fx.DIGEST_TIME
    assert await send_due_digests(app.bot, app.bot_data.services, "bot-a") == 1
    [digest] = await chat.wait_for_bot_messages(count=1, timeout=10.0)
    text = digest.text or ""
    assert "Resumen semanal · Juárez" in text
    assert "12 nuevas" in text and "7 aceptadas" in text and "< 5 rechazadas" in text
    assert "1 caso tiene un seguimiento vencido" in text
    assert "Recordatorios que no se pudieron entregar: < 5" in text
    code = f"CASO-{ids['c9']:04d}"
    assert digest.button_texts[0] == code
    [card] = await press(chat, digest.callback_data[0])
    assert code in (card.text or "")
    # Another process (or a later sweep) sends nothing more this week.
    assert await send_due_digests(app.bot, app.bot_data.services, "bot-b") == 0
    [indicators] = await press(chat, "ix:p:month")
    assert indicators.photo is not None


async def test_a_digest_that_could_not_be_delivered_is_sent_by_the_next_sweep(
    bot: BotUnderTest, emulator: BotApiEmulator
) -> None:
    async with bot.database() as db:
        await fx.load(db.uow())
    chat = await coordinator(bot)
    app = bot.application
    bot.clock.current = fx.DIGEST_TIME
    # More 502s than the send lane retries: this sweep gives up and frees the claim.
    emulator.inject_failure("sendMessage", 502, times=4)
    assert await send_due_digests(app.bot, app.bot_data.services, "bot-a") == 0
    assert await send_due_digests(app.bot, app.bot_data.services, "bot-a") == 1
    [digest] = await chat.wait_for_bot_messages(count=1, timeout=10.0)
    assert "Resumen semanal" in (digest.text or "")


async def test_only_coordinators_see_indicadores_in_their_command_menu(
    bot: BotUnderTest, emulator: BotApiEmulator
) -> None:
    async def menu(chat: PrivateChat) -> set[str]:
        for _ in range(100):  # the menu is set just after the welcome is sent
            calls = [
                c
                for c in emulator.calls("setMyCommands")
                if (c.params.get("scope") or {}).get("chat_id") == chat.chat_id
            ]
            if calls:
                return {c["command"] for c in calls[-1].params["commands"]}
            await asyncio.sleep(0.05)
        raise AssertionError(f"no command menu for chat {chat.chat_id}")

    marco = await coordinator(bot)
    rosa = await join(bot, SENDER_ORG, 2001, "Rosa")
    assert "indicadores" in await menu(marco)
    rosas = await menu(rosa)
    assert "indicadores" not in rosas and "casos" in rosas


async def test_the_demo_history_gives_a_first_chart_with_a_story(
    bot: BotUnderTest, emulator: BotApiEmulator
) -> None:
    async with bot.database() as db:
        added = await load_demo_history(db, bot.clock)  # what `juntos demo load` adds
    assert added > 0
    chat = await coordinator(bot)
    await say(chat, "/indicadores")
    photo, document = await press(chat, "ix:p:3m", replies=2)
    assert photo.photo is not None and "Juárez" in (photo.caption or "")
    rows = list(csv.DictReader(io.StringIO(file_bytes(emulator, document).decode("utf-8-sig"))))
    made = next(r["value"] for r in rows if (r["section"], r["key"]) == ("referrals", "made"))
    assert int(made) >= 20
    crossing = [r for r in rows if r["section"] == "matrix" and r["value"] not in ("0", "< 5")]
    assert crossing, "referrals between sectors show up as numbers"


async def test_the_digest_names_who_did_not_say_if_they_have_room_and_the_largest_unmet_need(
    bot: BotUnderTest,
) -> None:
    covered_week = iso_week((fx.DIGEST_TIME - timedelta(days=7)).date())
    async with bot.database() as db:
        await fx.load(db.uow())
        uow = db.uow()
        async with uow:
            for searches, need in ((7, "legal_aid"), (3, "mediation")):
                key = SearchKey(
                    covered_week,
                    fx.JUAREZ,
                    "87489e3a9ffffff",
                    need,
                    AgeBand.FROM_12_TO_17,
                    within_10km=False,
                    distance_band=DistanceBand.FROM_10_TO_25,
                )
                await uow.demand.add_search(key, searches)
            await uow.commit()
    chat = await coordinator(bot)
    await join(bot, SENDER_ORG, 2001, "Rosa")  # staff: asked every Monday if they have room
    bot.clock.current = fx.DIGEST_TIME
    app = bot.application
    assert await send_due_digests(app.bot, app.bot_data.services, "bot-a") == 1
    [digest] = await chat.wait_for_bot_messages(count=1, timeout=10.0)
    text = digest.text or ""
    assert f"Sin respuesta sobre cupo desde hace dos semanas: {SENDER_ORG}" in text
    # Seven searches for legal aid with nothing within 10 km; mediation's three stay unsaid.
    assert "Lo más buscado sin servicio a menos de 10 km: Asesoría legal en Juárez (7" in text
    assert "Mediación" not in text
