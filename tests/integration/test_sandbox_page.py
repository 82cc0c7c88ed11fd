"""The web chat page's own HTTP API: what a person does there reaches the bot as Telegram would."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from sandbox import BotApiEmulator

# PTB's objects are Optional almost everywhere; a None here fails the test with AttributeError.
# mypy: disable-error-code="union-attr"

TOKEN = "777000:PAGE-TEST"
STATIC = Path(__file__).resolve().parents[2] / "sandbox" / "static"
JPV_MUNICIPALITIES = {
    "Tijuana",
    "Chihuahua",
    "Juárez",
    "Monterrey",
    "General Escobedo",
    "Guadalupe",
    "Guadalajara",
    "Zapopan",
    "Tonalá",
    "Morelia",
}


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, port=0) as emu:
        yield emu


@pytest.fixture
async def page(emulator: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emulator.origin, trust_env=False) as http:
        yield http


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as b:
        yield b


async def test_page_is_served_with_a_policy_that_forbids_outside_resources(
    page: httpx.AsyncClient,
) -> None:
    index = await page.get("/")
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("text/html")
    policy = index.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    for name in ("app.js", "style.css"):
        assert (await page.get(f"/static/{name}")).status_code == 200
    assert (await page.get("/static/emulator.py")).status_code == 404


def test_static_files_reference_nothing_outside_the_sandbox() -> None:
    svg_namespace = "http://www.w3.org/2000/svg"
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8").replace(svg_namespace, "")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE), path.name
        assert "@import" not in text, path.name


async def test_setup_lists_the_personas_and_a_place_in_every_jpv_municipality(
    page: httpx.AsyncClient,
) -> None:
    setup = (await page.get("/sandbox/api/setup")).json()
    labels = [p["label"] for p in setup["personas"]]
    assert labels[:2] == ["Ana, 16, Juárez", "Luis, 22, Tijuana"]
    assert {p["municipality"] for p in setup["places"]} == JPV_MUNICIPALITIES
    assert setup["bot_connected"] is False


async def test_a_message_typed_in_the_page_reaches_the_bot_from_the_persona(
    page: httpx.AsyncClient, bot: Bot
) -> None:
    response = await page.post("/sandbox/api/chats/1001/text", json={"text": "  hola  "})
    assert response.json() == {"ok": True}
    [update] = await bot.get_updates(timeout=0)
    assert update.message.text == "hola"
    assert update.message.from_user.first_name == "Ana"
    assert update.message.from_user.language_code == "es"
    assert update.message.chat.id == 1001


async def test_the_page_shows_what_the_bot_sent_and_hides_what_it_deleted(
    page: httpx.AsyncClient, bot: Bot
) -> None:
    await page.get("/sandbox/api/chats/1002")  # Luis opens the chat
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="yes")]])
    kept = await bot.send_message(1002, "<b>Hola</b>", parse_mode="HTML", reply_markup=keyboard)
    gone = await bot.send_message(1002, "temporal")
    await bot.send_venue(1002, 32.52, -117.03, "Centro", "Calle 1")
    await bot.delete_message(1002, gone.message_id)
    asks = ReplyKeyboardMarkup(
        [[KeyboardButton("Mi ubicación", request_location=True)]],
        input_field_placeholder="Toca el botón",
    )
    await bot.send_message(1002, "¿Dónde estás?", reply_markup=asks)

    view = (await page.get("/sandbox/api/chats/1002")).json()
    messages = view["messages"]
    assert [m["id"] for m in messages] == [kept.message_id, 3, 4]
    assert messages[0]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert messages[0]["inline_keyboard"] == [[{"text": "Sí", "callback_data": "yes"}]]
    assert messages[1]["venue"]["title"] == "Centro"
    assert view["reply_keyboard"] == [[{"text": "Mi ubicación", "request_location": True}]]
    assert view["keyboard_placeholder"] == "Toca el botón"


async def test_pressing_a_button_in_the_page_sends_a_callback_query(
    page: httpx.AsyncClient, bot: Bot
) -> None:
    await page.get("/sandbox/api/chats/1001")
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("A", callback_data="a")],
            [InlineKeyboardButton("B", callback_data="b")],
        ]
    )
    sent = await bot.send_message(1001, "Elige", reply_markup=keyboard)
    pressed = await page.post(
        "/sandbox/api/chats/1001/press", json={"message_id": sent.message_id, "row": 1, "column": 0}
    )
    [update] = await bot.get_updates(timeout=0)
    assert update.callback_query.data == "b"
    assert update.callback_query.id == pressed.json()["query_id"]
    assert update.callback_query.message.message_id == sent.message_id
    missing = await page.post(
        "/sandbox/api/chats/1001/press", json={"message_id": sent.message_id, "row": 5, "column": 0}
    )
    assert missing.status_code == 400


async def test_a_location_button_in_the_page_sends_the_chosen_point(
    page: httpx.AsyncClient, bot: Bot
) -> None:
    await page.get("/sandbox/api/chats/1001")
    asks = ReplyKeyboardMarkup([[KeyboardButton("Mi ubicación", request_location=True)]])
    await bot.send_message(1001, "¿Dónde estás?", reply_markup=asks)
    without = await page.post("/sandbox/api/chats/1001/reply-button", json={"text": "Mi ubicación"})
    assert without.status_code == 400
    tapped = await page.post(
        "/sandbox/api/chats/1001/reply-button",
        json={"text": "Mi ubicación", "latitude": 31.7383, "longitude": -106.487},
    )
    assert tapped.status_code == 200
    out_of_range = await page.post(
        "/sandbox/api/chats/1001/location", json={"latitude": 123, "longitude": 0}
    )
    assert out_of_range.status_code == 400
    [update] = await bot.get_updates(timeout=0)
    assert (update.message.location.latitude, update.message.location.longitude) == (
        31.7383,
        -106.487,
    )
    assert update.message.text is None


async def test_resetting_a_chat_clears_the_screen(page: httpx.AsyncClient, bot: Bot) -> None:
    await page.post("/sandbox/api/chats/1001/text", json={"text": "hola"})
    await bot.send_message(1001, "Hola, Ana")
    await page.post("/sandbox/api/chats/1001/reset", json={})
    assert (await page.get("/sandbox/api/chats/1001")).json()["messages"] == []


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://evil.example"}, 403),
        ({"Host": "evil.example"}, 421),
    ],
)
async def test_the_page_api_refuses_other_sites(
    page: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    response = await page.post("/sandbox/api/chats/1001/text", json={"text": "x"}, headers=headers)
    assert response.status_code == status


async def test_the_page_api_refuses_form_posts(page: httpx.AsyncClient) -> None:
    response = await page.post("/sandbox/api/chats/1001/text", data={"text": "x"})
    assert response.status_code == 415


async def test_unknown_chats_are_not_found(page: httpx.AsyncClient) -> None:
    assert (await page.get("/sandbox/api/chats/31337")).status_code == 404


async def test_uploaded_files_download_and_never_render_as_pages(
    emulator: BotApiEmulator, page: httpx.AsyncClient, bot: Bot
) -> None:
    emulator.private_chat(1001, "Ana")
    html = b"<script>alert(1)</script>"
    document = await bot.send_document(1001, document=html, filename="x.html")
    response = await page.get(f"/sandbox/api/files/{document.document.file_id}")
    assert response.content == html
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"


async def read_event(lines: AsyncIterator[str]) -> tuple[str, dict[str, object]]:
    event = ""
    async for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            return event, json.loads(line.removeprefix("data: "))
    raise AssertionError("the event stream ended")


async def rest_of_stream(lines: AsyncIterator[str]) -> list[str]:
    """Everything until the server closes the stream."""
    return [line async for line in lines]


async def test_the_event_stream_announces_changed_chats_and_ends_at_stop(
    emulator: BotApiEmulator, page: httpx.AsyncClient, bot: Bot
) -> None:
    emulator.private_chat(1001, "Ana")
    async with page.stream("GET", "/sandbox/api/events", timeout=10) as stream:
        lines = stream.aiter_lines()
        assert await asyncio.wait_for(read_event(lines), 5) == (
            "status",
            {"bot_connected": False, "version": emulator.version},
        )
        await bot.send_message(1001, "Hola")
        event, data = await asyncio.wait_for(read_event(lines), 5)
        assert (event, data["chats"]) == ("change", [1001])

        loop = asyncio.get_running_loop()
        started = loop.time()
        await emulator.stop()
        await asyncio.wait_for(rest_of_stream(lines), 5)
        assert loop.time() - started < 3
