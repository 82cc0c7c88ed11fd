"""Crisis first: the lines come before anything else, with Rasa and the database down."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from sandbox import BotApiEmulator
from tests.bot_harness import DATABASE_DOWN, BotUnderTest, press, say


@pytest.fixture
async def bot_with_nothing(emulator: BotApiEmulator) -> AsyncIterator[BotUnderTest]:
    """Rasa stopped and the database unreachable (a closed port)."""
    under_test = BotUnderTest(emulator, DATABASE_DOWN)
    await under_test.start()
    yield under_test
    await under_test.stop()


def line_order(text: str) -> list[str]:
    found = [(text.find(n), n) for n in ("800 911 2000", "911 —", "089")]
    return [n for pos, n in sorted(found) if pos >= 0]


async def test_suicide_puts_linea_de_la_vida_first_with_rasa_and_database_down(
    bot_with_nothing: BotUnderTest,
) -> None:
    chat = bot_with_nothing.chat()
    [reply] = await say(chat, "ya no quiero vivir, me quiero matar")
    text = reply.text or ""
    assert line_order(text)[:2] == ["800 911 2000", "911 —"]
    assert "Línea de la Vida" in text and "(gratis y a cualquier hora)" in text
    assert text.startswith("Gracias por decírmelo. No estás sola ni solo.\n")
    assert "Soy un bot, pero sigo aquí" in text
    assert "Llama ahora" not in text  # an invitation, never an order
    assert len(text.splitlines()) <= 8  # fits a phone screen before the buttons
    assert reply.button_texts == ["Quiero que me contacten", "Buscar ayuda cerca"]
    # Nothing else follows a clear signal (no menu, no "didn't understand").
    assert chat.unread_bot_messages() == []


async def test_violence_now_puts_911_first(bot_with_nothing: BotUnderTest) -> None:
    chat = bot_with_nothing.chat()
    [reply] = await say(chat, "mi padrastro me esta golpeando ahorita")
    text = reply.text or ""
    assert line_order(text)[0] == "911 —"
    assert text.startswith("Gracias por decírmelo. Lo que te pasa no es tu culpa.\n")
    assert "Soy un bot, pero sigo aquí" in text and len(text.splitlines()) <= 8


async def test_kidnapping_threat_also_offers_the_anonymous_report_line(
    bot_with_nothing: BotUnderTest,
) -> None:
    chat = bot_with_nothing.chat()
    [reply] = await say(chat, "me quieren levantar unos weyes")
    order = line_order(reply.text or "")
    assert order[0] == "911 —"
    assert "089" in order


async def test_the_danger_button_answers_without_database_or_nlu(
    bot_with_nothing: BotUnderTest,
) -> None:
    chat = bot_with_nothing.chat()
    welcome, menu = await say(chat, "/start", replies=2)
    [reply] = await press(chat, "m:danger")
    assert "911" in (reply.text or "") and "800 911 2000" in (reply.text or "")


async def test_a_colloquial_death_word_gets_the_normal_flow_not_the_lines(
    bot: BotUnderTest,
) -> None:
    chat = bot.chat()
    [reply] = await say(chat, "jajaja me muero de risa")
    assert "911 —" not in (reply.text or "")  # no crisis reply (the danger line is not one)
    assert "Buscar ayuda cerca" in reply.button_texts  # the menu (Rasa is down here)


async def test_crisis_replies_in_english_to_english_speakers(
    bot_with_nothing: BotUnderTest,
) -> None:
    chat = bot_with_nothing.chat(user_id=3003, first_name="Sam", language_code="en")
    [reply] = await say(chat, "I want to kill myself")
    assert (reply.text or "").startswith("Thank you for telling me. You are not alone.")
    assert "(free and open 24 h)" in (reply.text or "")
    assert "I'm a bot, but I'm still here" in (reply.text or "")


async def test_other_requests_get_a_kind_apology_when_the_database_is_down(
    bot_with_nothing: BotUnderTest,
) -> None:
    chat = bot_with_nothing.chat()
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    [apology] = await say(chat, "32000")
    assert "Perdón, algo falló de mi lado" in (apology.text or "")
    assert "911" in (apology.text or "")


async def test_message_text_never_reaches_the_logs(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = bot.chat()
    secret = "me quiero morir porque mi tio Ernesto Zamudio me pega"
    await say(chat, secret)
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:health")
    await say(chat, "colonia zaragoza juarez")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "crisis signal" in logged  # the event is logged...
    for fragment in ("Ernesto", "Zamudio", "morir", "zaragoza", "Ana"):
        assert fragment not in logged  # ...never what was written, nor who wrote it


async def test_twenty_members_at_once_all_get_the_lines_with_the_database_down(
    bot_with_nothing: BotUnderTest,
) -> None:
    # Each reply first asks whether the writer is staff; with the database down those lookups
    # queue for the connection pool, and the lines must not wait for them.
    chats = [bot_with_nothing.chat(user_id=7000 + i) for i in range(20)]
    for chat in chats:
        await chat.send_text("me quiero morir")
    replies = await asyncio.gather(
        *(chat.wait_for_bot_messages(count=1, timeout=5) for chat in chats)
    )
    assert all("800 911 2000" in (reply.text or "") for [reply] in replies)
