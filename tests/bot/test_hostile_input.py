"""Hostile and malformed input, generated (hypothesis, seeded), through the real bot.

Thousands of updates per run: text of 0 to 4,096 characters with emoji, right-to-left, zero-width
and control characters and injection strings; forged and oversized button data; unknown
commands and commands with odd arguments; locations out of range or NaN; edited messages,
captions, stickers, voice notes, photos, documents, group chats, channel posts; updates with
optional fields missing. Members in Spanish, in English and without a language, and the staff
member of an organisation that has no part in the one case, try them all.

Invariants: no handler fails (no error logged, no apology sent); every private message gets a
reply, in the writer's language; no reply is refused by the Bot API (a broken entity, a text
too long); no reply shows the case to anyone outside the two organisations; nothing is stored
from any of it (cases, referrals, members, notes, relays, reminders, invites).
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import text

from sandbox import PrivateChat
from tests.bot.test_staff_side import SENDER_ORG, guided_referral, join
from tests.bot_harness import BotUnderTest, press

LOCALES = Path(__file__).resolve().parents[2] / "locales"
#: Per database: examples of 1 to 8 updates each (about 3.8 on average): 1,100 and 450 updates.
EXAMPLES = {"sqlite": 300, "postgresql": 120}
STORED = [
    "members",
    "cases",
    "referrals",
    "follow_ups",
    "notes",
    "relay_threads",
    "relay_messages",
    "reminders",
    "invites",
    "staff_members",
    "organizations",
    "services",
]

INJECTIONS = [
    "'; DROP TABLE cases; --",
    "1 OR 1=1",
    "<b>bold</b><i>",
    "</code><script>alert(1)</script>",
    "*bold* _it_ `code` [link](tg://user?id=1) ~strike~ ||spoiler||",
    "%s %d %(name)s {0} {name} {{}}",
    "\\",
    "$(rm -rf /)",
    "CASO-0001",
    "../../etc/passwd",
    "\u202egnp.exe",
]
ODD_CHARS = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2060",
    "\ufeff",
    "\u202e",
    "\x00",
    "\x01",
    "\x07",
    "\x1b",
    "\x7f",
    "\n",
    "\t",
    "\r",
]
EMOJI = ["😀", "🆘", "👨‍👩‍👧", "🏳️‍🌈", "❤️", "🔥", "🇲🇽"]
COMMANDS = ["/start", "/caso", "/casos", "/seguimiento", "/referir", "/idioma", "/estado"]
COMMANDS += ["/mis_datos", "/privacidad", "/ayuda", "/cancelar", "/help", "/language"]
PREFIXES = ["m:", "c:", "p:", "v:", "y:", "k:", "ref:", "sr:", "sc:", "rf:", "ff:", "rt:", "x:"]

pieces = st.one_of(
    st.text(max_size=30),
    st.sampled_from(ODD_CHARS),
    st.sampled_from(EMOJI),
    st.sampled_from(INJECTIONS),
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),
)
texts = st.one_of(
    st.lists(pieces, max_size=20).map("".join),
    st.tuples(pieces, st.integers(0, 4096)).map(lambda p: p[0] * (p[1] // max(len(p[0]), 1) + 1)),
).map(lambda s: s[:4096])
button_data = st.one_of(
    st.text(max_size=80),
    st.tuples(st.sampled_from(PREFIXES), st.text(max_size=70)).map("".join),
    st.tuples(
        st.sampled_from(["sc:", "sr:a:", "sr:r:", "ff:", "rt:", "rf:do:"]),
        st.integers(-2, 5).map(str),
    ).map("".join),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
).filter(lambda d: not re.fullmatch(r"l:.*", d))  # choosing a language is not hostile
coordinates = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-200, 200), st.just(math.nan)
)


@dataclass(frozen=True)
class Action:
    actor: int
    kind: str
    payload: Any = None


def actions_for(actors: list[int]) -> st.SearchStrategy[Action]:
    who = st.sampled_from(actors)
    return st.one_of(
        st.builds(Action, who, st.just("text"), texts),
        st.builds(
            Action,
            who,
            st.just("command"),
            st.tuples(
                st.one_of(
                    st.sampled_from(COMMANDS), st.from_regex(r"/[a-zA-Z_]{1,40}", fullmatch=True)
                ),
                texts.map(lambda s: s[:200]),
            ).map(lambda c: f"{c[0]} {c[1]}".strip()),
        ),
        st.builds(Action, who, st.just("button"), button_data),
        st.builds(Action, who, st.just("location"), st.tuples(coordinates, coordinates)),
        st.builds(
            Action,
            who,
            st.sampled_from(["sticker", "voice", "photo", "document", "caption", "edited"]),
            texts.map(lambda s: s[:1024]),
        ),
        st.builds(Action, who, st.sampled_from(["group", "channel", "bare", "no_sender"]), texts),
    )


def other_language_lines() -> dict[str, set[str]]:
    """Lines of each catalog that the other language never uses (to catch a reply in the
    wrong language)."""
    catalogs = {}
    for language, folder in (("es", "es_MX"), ("en", "en")):
        with (LOCALES / folder / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalogs[language] = read_po(po)

    def lines(language: str) -> set[str]:
        found = set()
        for message in catalogs[language]:
            if not message.id or not message.string:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                for line in str(string).splitlines():
                    line = line.strip()
                    if len(line) >= 25 and "{" not in line and "%" not in line:
                        found.add(line)
        return found

    es, en = lines("es"), lines("en")
    # What a member who reads Spanish must never get, and one who reads English.
    return {"es": en - es, "en": es - en}


@dataclass
class Run:
    bot: BotUnderTest
    chats: dict[int, PrivateChat]
    languages: dict[int, str]
    secrets: list[str]
    apologies: list[str]
    wrong_language: dict[str, set[str]]
    next_id: int = 10_000_000
    updates: int = 0
    problems: list[str] = field(default_factory=list)

    async def idle(self) -> None:
        app = self.bot.application
        quiet = 0
        while quiet < 3:
            busy = (
                self.bot.emulator.pending_updates
                or app.update_queue.qsize()
                or app.update_processor.current_concurrent_updates
            )
            quiet = 0 if busy else quiet + 1
            await asyncio.sleep(0.005)

    def _raw_message(self, chat: PrivateChat, **fields: Any) -> dict[str, Any]:
        self.next_id += 1
        return {
            "message_id": self.next_id,
            "date": 1_772_600_000,
            "chat": {"id": chat.chat_id, "type": "private", "first_name": "X"},
            "from": chat.user,
            **fields,
        }

    async def play(self, action: Action) -> None:
        chat = self.chats[action.actor]
        before = len(chat.bot_messages())
        replies_expected = True
        emu = self.bot.emulator
        match action.kind:
            case "text":
                if action.payload.strip():
                    await chat.send_text(action.payload)
                else:  # Telegram never sends empty text: a malformed update
                    emu.push_update({"message": self._raw_message(chat, text=action.payload)})
            case "command":
                await chat.send_text(action.payload)
            case "button":
                await chat.forge_callback_query(action.payload)
                replies_expected = False
            case "location":
                latitude, longitude = action.payload
                await chat.send_location(latitude, longitude)
            case "sticker":
                await chat.send_message(
                    sticker={
                        "file_id": "s",
                        "file_unique_id": "s",
                        "type": "regular",
                        "width": 1,
                        "height": 1,
                        "is_animated": False,
                        "is_video": False,
                    }
                )
            case "voice":
                await chat.send_message(
                    voice={"file_id": "v", "file_unique_id": "v", "duration": 1}
                )
            case "photo":
                await chat.send_message(
                    photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
                )
            case "document":
                await chat.send_message(document={"file_id": "d", "file_unique_id": "d"})
            case "caption":
                await chat.send_message(
                    photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
                    caption=action.payload or "x",
                )
            case "edited":
                message = self._raw_message(
                    chat, text=action.payload or "x", edit_date=1_772_600_100
                )
                emu.push_update({"edited_message": message})
                replies_expected = False
            case "group":
                group = {"id": -100_555, "type": "supergroup", "title": "Grupo"}
                message = self._raw_message(chat, text=action.payload or "x")
                emu.push_update({"message": {**message, "chat": group}})
                replies_expected = False
            case "channel":
                self.next_id += 1
                emu.push_update(
                    {
                        "channel_post": {
                            "message_id": self.next_id,
                            "date": 1_772_600_000,
                            "chat": {"id": -100_777, "type": "channel", "title": "Canal"},
                            "text": action.payload or "x",
                        }
                    }
                )
                replies_expected = False
            case "bare":  # a private message with nothing in it (no text, no media)
                emu.push_update({"message": self._raw_message(chat)})
            case "no_sender":  # no "from": an anonymous or malformed message
                message = self._raw_message(chat, text=action.payload or "x")
                del message["from"]
                emu.push_update({"message": message})
                replies_expected = False
        self.updates += 1
        await self.idle()
        new = chat.bot_messages()[before:]
        label = f"{action.kind} from {action.actor}"
        if replies_expected and not new:
            self.problems.append(f"no reply to {label}")
        # Without a sender (a malformed update) the bot cannot know the language: its default.
        language = "es" if action.kind == "no_sender" else self.languages[action.actor]
        for reply in new:
            body = reply.text or reply.caption or ""
            if any(apology in body for apology in self.apologies):
                self.problems.append(f"apology after {label}")
            for secret in self.secrets:
                if secret in body and action.actor not in (3001, 3002):
                    self.problems.append(f"case data ({secret}) shown to {label}")
            for line in self.wrong_language[language]:
                if line in body:
                    self.problems.append(f"{label} ({language}) got a reply line {line!r}")
                    break


async def _counts(bot: BotUnderTest) -> dict[str, int]:
    async with bot.database() as db, db.engine.connect() as conn:
        return {t: int(await conn.scalar(text(f'SELECT count(*) FROM "{t}"')) or 0) for t in STORED}


async def test_hostile_input_changes_nothing_and_always_answers(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, demo_database_url: str
) -> None:
    # One real case between two organisations: a third organisation's staff must never see it.
    sender = await join(bot, SENDER_ORG, 3001, "Rosa")
    receiver_name, _card = await guided_referral(sender)
    await press(sender, "rf:do:confirm")
    outsider_org = "Oficina Municipal Ficticia de Prevención Monterrey (demo)"
    assert outsider_org not in (SENDER_ORG, receiver_name)
    outsider = await join(bot, outsider_org, 3003, "Lalo")
    members = {
        1001: bot.chat(user_id=1001, first_name="Ana", language_code="es"),
        1002: bot.chat(user_id=1002, first_name="Jo", language_code="en"),
        1003: bot.emulator.private_chat(user_id=1003, first_name="Sin idioma", language_code=None),
    }
    chats = {**members, 3003: outsider}
    languages = {1001: "es", 1002: "en", 1003: "es", 3003: "es"}
    for chat in members.values():  # start as members do, so every path is open
        await chat.send_text("/start")
    run = Run(
        bot,
        chats,
        languages,
        secrets=["CASO-0001", "Lupita"],
        apologies=["Perdón, algo falló", "Sorry, something went wrong"],
        wrong_language=other_language_lines(),
    )
    await run.idle()
    stored = await _counts(bot)
    caplog.set_level(logging.WARNING)
    caplog.clear()

    database = "postgresql" if demo_database_url.startswith("postgresql") else "sqlite"
    loop = asyncio.get_running_loop()

    @seed(20261201)
    @settings(
        max_examples=EXAMPLES[database],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(actions_for(list(chats)), min_size=1, max_size=8))
    def check(actions: list[Action]) -> None:
        for action in actions:
            asyncio.run_coroutine_threadsafe(run.play(action), loop).result(timeout=30)

    await loop.run_in_executor(None, check)

    assert not run.problems, run.problems[:10]
    assert run.updates >= 3 * EXAMPLES[database]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors[:5]]
    refused = [c for c in bot.emulator.calls() if c.status >= 400 and c.method != "getUpdates"]
    assert not refused, [(c.method, c.status) for c in refused[:5]]
    assert await _counts(bot) == stored
