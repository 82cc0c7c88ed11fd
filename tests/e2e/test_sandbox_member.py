"""A member uses the sandbox page's API (what the browser calls) and the real bot answers.

Everything between the page and the bot is real: the page's JSON API, the emulator's Bot API
over HTTP, python-telegram-bot's HTTP stack, the bot as `juntos.bootstrap.build_bot` builds
it, the demo directory and the gazetteer. Rasa is stopped (a closed port), as in the first
seconds of `make run` while it loads.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from sandbox import PERSONAS, PRESET_PLACES, Persona, Place
from tests.bot_harness import BotUnderTest

JSON = dict[str, Any]
WAIT_SECONDS = 15.0
ANA = next(p for p in PERSONAS if p.first_name == "Ana")
LUIS = next(p for p in PERSONAS if p.first_name == "Luis")
JUAREZ = next(p for p in PRESET_PLACES if p.municipality == "Juárez")


class PageUser:
    """One persona's chat, driven through the page's JSON API like the web page does."""

    def __init__(self, http: httpx.AsyncClient, persona: Persona) -> None:
        self.http = http
        self.persona = persona
        self._seen = 0  # highest message id already returned

    async def view(self) -> JSON:
        response = await self.http.get(f"/sandbox/api/chats/{self.persona.user_id}")
        response.raise_for_status()
        view: JSON = response.json()
        return view

    async def _act(self, action: str, body: JSON) -> JSON:
        response = await self.http.post(
            f"/sandbox/api/chats/{self.persona.user_id}/{action}", json=body
        )
        assert response.status_code == 200, response.text
        answer: JSON = response.json()
        return answer

    async def say(self, text: str, replies: int = 1) -> list[JSON]:
        await self._act("text", {"text": text})
        return await self.replies(replies)

    async def press(self, label: str, replies: int = 1) -> list[JSON]:
        """Press the inline button with this label on the newest message that shows it."""
        for message in reversed((await self.view())["messages"]):
            for r, row in enumerate(message.get("inline_keyboard") or []):
                for c, button in enumerate(row):
                    if button["text"] == label:
                        body = {"message_id": message["id"], "row": r, "column": c}
                        await self._act("press", body)
                        return await self.replies(replies)
        raise AssertionError(f"no button {label!r} on screen")

    async def share_place(self, place: Place, replies: int = 1) -> list[JSON]:
        """Share a preset place with the keyboard's location button, as the page's picker does."""
        keyboard = (await self.view())["reply_keyboard"] or []
        button = next(b for row in keyboard for b in row if b.get("request_location"))
        body = {"text": button["text"], "latitude": place.latitude, "longitude": place.longitude}
        await self._act("reply-button", body)
        return await self.replies(replies)

    async def replies(self, count: int) -> list[JSON]:
        """The bot's next `count` messages (waits for them; generous timeout)."""
        found = await self.wait_for(lambda messages: len(self._new(messages)) >= count)
        new = self._new(found)[:count]
        self._seen = max(m["id"] for m in new)
        return new

    def _new(self, messages: list[JSON]) -> list[JSON]:
        return [m for m in messages if m["from_bot"] and m["id"] > self._seen]

    async def wait_for(self, condition: Callable[[list[JSON]], bool]) -> list[JSON]:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            messages: list[JSON] = (await self.view())["messages"]
            if condition(messages):
                return messages
            if time.monotonic() > deadline:
                shown = [(m["from_bot"], (m.get("text") or "")[:60]) for m in messages]
                raise AssertionError(f"timed out; the chat shows {shown}")
            await asyncio.sleep(0.05)


def buttons(message: JSON) -> list[str]:
    return [b["text"] for row in message.get("inline_keyboard") or [] for b in row]


def kilometres(text: str) -> list[float]:
    """Exact distances shown (confidential places only say "a menos de N km")."""
    return [float(km.replace(",", "")) for km in re.findall(r"· ([\d.,]+) km ·", text)]


async def test_ana_finds_psychological_support_near_a_shared_place(
    bot: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    ana = PageUser(page, ANA)
    welcome, menu = await ana.say("/start", replies=2)
    assert "Hola, soy Juntos" in welcome["text"]
    assert "Buscar ayuda cerca" in buttons(menu)

    [categories] = await ana.press("Buscar ayuda cerca")
    assert "Apoyo psicológico" in buttons(categories)
    [where] = await ana.press("Apoyo psicológico")
    assert "¿Dónde estás?" in where["text"]

    [results] = await ana.share_place(JUAREZ)
    text = results["text"]
    assert "Apoyo psicológico" in text.splitlines()[0]
    names = re.findall(r"^\d\. (.+?) — ", text, flags=re.MULTILINE)
    assert len(names) >= 1 and all(name.endswith("(demo)") for name in names)
    assert any("Juárez" in name for name in names)
    km = kilometres(text)
    assert len(km) == len(names)
    assert km == sorted(km)
    assert km[0] < 15
    # The location button went away with the question it answered.
    assert (await ana.view())["reply_keyboard"] is None

    [venue] = await ana.press(next(b for b in buttons(results) if b.startswith("Mapa")))
    assert venue["venue"]["title"] in names
    assert abs(venue["venue"]["location"]["latitude"] - JUAREZ.latitude) < 0.2


async def test_luis_finds_legal_aid_by_typing_his_city(
    bot: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    luis = PageUser(page, LUIS)
    await luis.say("/start", replies=2)
    await luis.press("Buscar ayuda cerca")
    await luis.press("Asesoría legal")
    [results] = await luis.say("tijuana")
    assert results["text"].startswith("Busco cerca del centro de Tijuana.")
    assert "Asesoría legal" in results["text"]
    assert "Tijuana (demo)" in results["text"]
    assert " km · " in results["text"]


async def test_a_typed_postal_code_finds_help_in_its_city(
    bot: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    ana = PageUser(page, ANA)
    await ana.say("/start", replies=2)
    await ana.press("Buscar ayuda cerca")
    await ana.press("Salud")
    [results] = await ana.say("32000")
    assert "Salud" in results["text"]
    assert "Juárez (demo)" in results["text"]
    # A postal code is only known approximately: the bot says so and offers the exact location.
    assert "centro de Juárez" in results["text"].split("\n\n")[0]
    assert "📍 Usar mi ubicación exacta" in buttons(results)


async def test_crisis_comes_first_with_rasa_stopped(
    bot: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    ana = PageUser(page, ANA)
    [reply] = await ana.say("me quiero morir")
    text = reply["text"]
    assert "800 911 2000" in text and "911 —" in text
    assert text.index("800 911 2000") < text.index("911 —"), "Línea de la Vida first"
    assert buttons(reply) == ["Quiero que me contacten", "Buscar ayuda cerca"]
    messages = (await ana.view())["messages"]
    assert [m["from_bot"] for m in messages] == [False, True], "nothing before or after it"


async def test_crisis_interrupts_a_search_and_puts_911_first(
    bot: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    luis = PageUser(page, LUIS)
    await luis.say("/start", replies=2)
    await luis.press("Buscar ayuda cerca")
    await luis.press("Mediación")
    # Waiting for a place, but this is danger now: the lines come first, not a place search.
    [reply] = await luis.say("me quieren matar")
    text = reply["text"]
    assert "911" in text and "800 911 2000" in text
    assert text.index("911 —") < text.index("800 911 2000"), "911 first for threats"
    assert "No encontré ese lugar" not in text
