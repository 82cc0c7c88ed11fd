"""Every way a person can write goes through the crisis screen, and the reply policy holds.

Through the real bot polling the sandbox emulator over HTTP, Rasa down. Messages for the reply
policy come from the development half of the blind corpus, chosen by how the screen reads them.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from crisis_model import corpus, default_model
from crisis_model.corpus import Half
from domain.services.crisis import CrisisScreen
from sandbox import BotApiEmulator, PrivateChat
from tests.bot_harness import AFTER_LINES, BotUnderTest, answer_after_lines, say
from tests.crisis_fakes import FixedDangerModel

PHOTO = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
VOICE = {"file_id": "v1", "file_unique_id": "u2", "duration": 4, "mime_type": "audio/ogg"}
STICKER = {
    "file_id": "s1",
    "file_unique_id": "u3",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}
DOCUMENT = {"file_id": "d1", "file_unique_id": "u4", "file_name": "nota.txt"}
DANGER = "ya no quiero vivir, hoy me voy a matar"


def shows_lines(text: str | None) -> bool:
    """The crisis reply: each number on its own line ("911 — Emergencias: ..."). Not the one
    danger line every reply that cannot help carries ("... llamar al 911 o a la Línea ...")."""
    return "\n911 — " in (text or "")


def danger_line_in_one_line(text: str | None, lead: str) -> bool:
    return any(
        line.startswith(lead) and "911" in line and "800 911 2000" in line
        for line in (text or "").splitlines()
    )


def reading_of(screen: CrisisScreen, text: str) -> str:
    signal = screen.screen(text).signal
    return "none" if signal is None else "uncertain" if signal.uncertain else "danger"


def pick(reading: str) -> str:
    """A message the screen reads as `reading` (danger, uncertain, none), from the corpus.

    The model was trained on the development half and reads its danger messages as clear
    danger, so an uncertain reading comes from the documented doubts ("me quiero morir jaja":
    a clear phrase said laughing always shows the lines, then the normal answer).
    """
    screen = CrisisScreen(default_model())
    candidates = [e.text for e in corpus.load(Half.DEVELOPMENT) if e.danger == (reading != "none")]
    if reading == "uncertain":
        candidates = ["me quiero morir jaja", "me corté", "quiero desaparecer", *candidates]
    for text in candidates:
        if reading_of(screen, text) == reading:
            return text
    raise AssertionError(f"no message reads as {reading}")


async def edit(bot: BotUnderTest, chat: PrivateChat, message: Any, text: str) -> None:
    """The person edits `message` to `text`: an `edited_message` update, as Telegram sends."""
    raw = copy.deepcopy(message.raw)
    raw["text"] = text
    raw["edit_date"] = int(time.time())
    bot.emulator.push_update({"edited_message": raw})


# -- the reply policy ------------------------------------------------------------------------


async def test_a_danger_message_gets_the_lines_and_nothing_else(bot: BotUnderTest) -> None:
    chat = bot.chat()
    [reply] = await say(chat, pick("danger"))
    assert shows_lines(reply.text)
    assert reply.button_texts == ["Quiero que me contacten", "Buscar ayuda cerca"]
    assert chat.unread_bot_messages() == []


async def test_an_uncertain_message_gets_the_lines_then_the_normal_answer_in_one_message(
    bot: BotUnderTest,
) -> None:
    bot.application.bot_data.lines_wait_seconds = 30.0  # the menu is never that slow
    chat = bot.chat()
    [reply] = await say(chat, pick("uncertain"))
    lines, _, normal = (reply.text or "").partition(AFTER_LINES)
    assert shows_lines(lines)
    assert "¿Qué te gustaría hacer?" in normal  # the menu: Rasa is down here
    assert not shows_lines(normal)
    assert "Buscar ayuda cerca" in reply.button_texts
    assert chat.unread_bot_messages() == []


async def test_uncertain_lines_do_not_wait_for_a_slow_answer(
    emulator: BotApiEmulator, demo_database_url: str
) -> None:
    """Rasa takes its time: the lines go alone when their wait is over, the answer after."""
    release = asyncio.Event()
    async with slow_rasa(release) as rasa_url:
        bot = BotUnderTest(emulator, demo_database_url, rasa_url=rasa_url)
        await bot.start()
        try:
            bot.application.bot_data.lines_wait_seconds = 0.2
            chat = bot.chat()
            [lines] = await say(chat, pick("uncertain"))
            release.set()
            [normal] = await chat.wait_for_bot_messages(count=1, timeout=10.0)
        finally:
            await bot.stop()
    assert shows_lines(lines.text)
    assert AFTER_LINES not in (lines.text or "")
    assert lines.button_texts == ["Quiero que me contacten", "Buscar ayuda cerca"]
    assert not shows_lines(normal.text)


@contextlib.asynccontextmanager
async def slow_rasa(release: asyncio.Event) -> AsyncIterator[str]:
    """A Rasa server (over real HTTP) that answers "saludo" only once `release` is set."""

    async def parse(request: web.Request) -> web.Response:
        body = await request.json()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(release.wait(), timeout=5.0)
        intent = {"name": "saludo", "confidence": 0.99}
        return web.json_response({"text": body.get("text", ""), "intent": intent, "entities": []})

    app = web.Application()
    app.router.add_post("/model/parse", parse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_hard_negative_gets_no_lines(bot: BotUnderTest) -> None:
    chat = bot.chat()
    [reply] = await say(chat, pick("none"))
    assert not shows_lines(reply.text)


# -- every way to write ------------------------------------------------------------------------


@pytest.mark.parametrize("media", ["photo", "video", "document"])
async def test_a_caption_is_screened_like_a_message(bot: BotUnderTest, media: str) -> None:
    chat = bot.chat()
    contents: dict[str, dict[str, Any]] = {
        "photo": {"photo": PHOTO},
        "video": {"video": {**DOCUMENT, "width": 1, "height": 1, "duration": 1}},
        "document": {"document": DOCUMENT},
    }
    await chat.send_message(**contents[media], caption=DANGER)
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert shows_lines(reply.text)
    assert reply.button_texts == ["Quiero que me contacten", "Buscar ayuda cerca"]


async def test_an_edit_that_adds_danger_gets_the_reply(bot: BotUnderTest) -> None:
    chat = bot.chat()
    sent = await chat.send_text("hola")
    [menu] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert not shows_lines(menu.text)
    await edit(bot, chat, sent, "hola, " + DANGER)
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert shows_lines(reply.text)


async def test_an_edit_without_danger_gets_no_reply(bot: BotUnderTest) -> None:
    chat = bot.chat()
    sent = await chat.send_text("hola")
    await chat.wait_for_bot_messages(count=1, timeout=10)
    await edit(bot, chat, sent, "hola buenas tardes")
    with pytest.raises(TimeoutError):
        await chat.wait_for_bot_messages(count=1, timeout=1.5)


async def test_forwarded_text_is_screened(bot: BotUnderTest) -> None:
    chat = bot.chat()
    origin = {"type": "hidden_user", "sender_user_name": "Mi prima", "date": 1}
    await chat.send_message(text=DANGER, forward_origin=origin)
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert shows_lines(reply.text)


@pytest.mark.parametrize(
    ("content", "language", "lead"),
    [
        ({"voice": VOICE}, "es", "Si estás en peligro,"),
        ({"sticker": STICKER}, "es", "Si estás en peligro,"),
        ({"photo": PHOTO}, "es", "Si estás en peligro,"),
        ({"voice": VOICE}, "en", "If you are in danger,"),
        ({"photo": PHOTO}, "en", "If you are in danger,"),
    ],
)
async def test_what_cannot_be_read_gets_911_and_the_linea_de_la_vida_in_one_line(
    bot: BotUnderTest, content: dict[str, Any], language: str, lead: str
) -> None:
    chat = bot.chat(user_id=4004, language_code=language)
    await chat.send_message(**content)
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert danger_line_in_one_line(reply.text, lead), reply.text
    assert reply.button_texts  # and the menu


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "😭😭😭🙏🙏",
        "x" * 4096,
        ("me quiero morir " * 300)[:4096],
        "\x07\x1b[31m hola \u202e\u200b",
        "Я хочу умереть 死にたい me kiero morir",
    ],
)
async def test_odd_messages_are_answered_quickly(bot: BotUnderTest, text: str) -> None:
    chat = bot.chat()
    started = time.perf_counter()
    await chat.send_text(text)
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert reply.text
    assert time.perf_counter() - started < 5.0
    if "morir" in text:
        assert shows_lines(reply.text)


async def test_a_message_that_is_nothing_but_a_cry_gets_the_lines_even_if_the_model_says_no(
    emulator: BotApiEmulator, demo_database_url: str
) -> None:
    bot = BotUnderTest(emulator, demo_database_url, danger_model=FixedDangerModel(0.0))
    await bot.start()
    try:
        chat = bot.chat()
        [first] = await say(chat, "AYUDAAAA")
        assert shows_lines(first.text)
        normal = await answer_after_lines(chat, first)
        assert not shows_lines(normal)
        assert "¿Qué te gustaría hacer?" in normal  # then the menu: Rasa is down here
    finally:
        await bot.stop()
