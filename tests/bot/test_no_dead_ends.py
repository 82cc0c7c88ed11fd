"""No dead ends: every reply that cannot help carries a number to call in danger, in Spanish
and in English.

Through the real bot polling the sandbox emulator over HTTP (Rasa down unless marked), on
SQLite and PostgreSQL: not understood, a command the bot does not have, what cannot be read
(sticker, voice note, photo), stale and forged buttons (the member's, the relay's, a staff
one), a staff command or a wrong invitation code from a member, a location outside the area, a
place not found, nothing nearby, a request nobody near can take, and an error with the database
down; with Rasa up, "out of scope" and the answer to a disclosure the crisis screen did not
catch. News the notifier sends (not a handler's reply) are checked on their texts below.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.i18n import Catalogs
from bot.relay import texts as rtexts
from bot.texts import no_more_results, venue_unavailable
from sandbox import BotApiEmulator, PrivateChat, StoredMessage
from tests.bot_harness import DATABASE_DOWN, BotUnderTest, press, say

#: The line, as the member reads it (a number to dial, plain digits, in their language).
DANGER_LINE = {
    "es": "Si estás en peligro, puedes llamar al 911 o a la Línea de la Vida 800 911 2000",
    "en": "If you are in danger, you can call 911 or Línea de la Vida 800 911 2000",
}
#: Where the bot says it does not understand, it says it is a bot.
A_BOT = {"es": "Soy un bot", "en": "I'm a bot"}
LANGUAGES = ["es", "en"]
MERIDA = (20.9674, -89.5926)  # a municipality the gazetteer knows, far from every demo place
NEW_YORK = (40.7128, -74.0060)
STICKER = {
    "file_id": "s1",
    "file_unique_id": "u3",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}
VOICE = {"file_id": "v1", "file_unique_id": "u2", "duration": 4, "mime_type": "audio/ogg"}
PHOTO = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]


def carries_a_number(text: str | None, language: str) -> bool:
    """One line of the reply starts with the danger line (not buried inside a sentence)."""
    return any(line.startswith(DANGER_LINE[language]) for line in (text or "").splitlines())


async def forged(chat: PrivateChat, data: str) -> list[StoredMessage]:
    """`data` sent from the buttons of the menu (as a tampered or outdated app could)."""
    await say(chat, "/start", replies=2)
    await chat.forge_callback_query(data)
    return await chat.wait_for_bot_messages(count=1, timeout=10)


async def not_understood(chat: PrivateChat) -> list[StoredMessage]:
    await say(chat, "/start", replies=2)
    return await say(chat, "zxqv kkwp")  # Rasa down: no intent, nothing to read it as


async def unknown_command(chat: PrivateChat) -> list[StoredMessage]:
    return await say(chat, "/hackear")


async def a_sticker(chat: PrivateChat) -> list[StoredMessage]:
    await chat.send_message(sticker=STICKER)
    return await chat.wait_for_bot_messages(count=1, timeout=10)


async def a_voice_note(chat: PrivateChat) -> list[StoredMessage]:
    await chat.send_message(voice=VOICE)
    return await chat.wait_for_bot_messages(count=1, timeout=10)


async def a_photo_without_text(chat: PrivateChat) -> list[StoredMessage]:
    await chat.send_message(photo=PHOTO)
    return await chat.wait_for_bot_messages(count=1, timeout=10)


async def a_stale_button(chat: PrivateChat) -> list[StoredMessage]:
    return await forged(chat, "v:3")  # a map button of results no longer on screen


async def a_button_the_bot_never_made(chat: PrivateChat) -> list[StoredMessage]:
    return await forged(chat, "zz:top")


async def a_relay_button_for_nothing(chat: PrivateChat) -> list[StoredMessage]:
    return await forged(chat, "rl:r:999")  # "reply" in a conversation that is not theirs


async def a_staff_button(chat: PrivateChat) -> list[StoredMessage]:
    return await forged(chat, "sr:a:1")


async def a_staff_command(chat: PrivateChat) -> list[StoredMessage]:
    return await say(chat, "/casos")


async def a_wrong_invitation_link(chat: PrivateChat) -> list[StoredMessage]:
    return await say(chat, "/start not-a-real-code")


async def a_location_outside_the_area(chat: PrivateChat) -> list[StoredMessage]:
    await chat.send_location(*NEW_YORK)
    return await chat.wait_for_bot_messages(count=1, timeout=10)


async def a_place_not_found(chat: PrivateChat) -> list[StoredMessage]:
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    return await say(chat, "qqzzxx wwkk")


async def nothing_nearby(chat: PrivateChat) -> list[StoredMessage]:
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    await chat.send_location(*MERIDA)
    return await chat.wait_for_bot_messages(count=1, timeout=10)


async def contact_not_possible(chat: PrivateChat) -> list[StoredMessage]:
    await say(chat, "/start", replies=2)
    await press(chat, "m:danger")
    await press(chat, "k:-")  # "Quiero que me contacten"
    await press(chat, "cc:legal_aid")
    await chat.send_location(*MERIDA)
    return await chat.wait_for_bot_messages(count=1, timeout=10)


Walk = Callable[[PrivateChat], Awaitable[list[StoredMessage]]]
#: (what happened, how a member gets there, whether the reply must also say it is a bot)
WALKS: list[tuple[str, Walk, bool]] = [
    ("not understood", not_understood, True),
    ("unknown command", unknown_command, True),
    ("sticker", a_sticker, True),
    ("voice note", a_voice_note, True),
    ("photo without text", a_photo_without_text, True),
    ("stale button", a_stale_button, False),
    ("button the bot never made", a_button_the_bot_never_made, False),
    ("relay button for nothing", a_relay_button_for_nothing, False),
    ("staff button", a_staff_button, False),
    ("staff command", a_staff_command, False),
    ("wrong invitation link", a_wrong_invitation_link, False),
    ("location outside the area", a_location_outside_the_area, False),
    ("place not found", a_place_not_found, False),
    ("nothing nearby", nothing_nearby, False),
    ("contact not possible", contact_not_possible, False),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("what", "walk", "as_a_bot"), WALKS, ids=[w[0] for w in WALKS])
async def test_a_reply_that_cannot_help_carries_a_number_to_call(
    bot: BotUnderTest, language: str, what: str, walk: Walk, as_a_bot: bool
) -> None:
    chat = bot.chat(user_id=5005, first_name="Ana", language_code=language)
    replies = await walk(chat)
    last = replies[-1]
    assert carries_a_number(last.text, language), (what, last.text)
    if as_a_bot:
        assert (last.text or "").startswith(A_BOT[language]), (what, last.text)
    assert chat.unread_bot_messages() == [], what


@pytest.fixture
async def bot_without_database(emulator: BotApiEmulator) -> AsyncIterator[BotUnderTest]:
    """Rasa stopped and the database unreachable: requests that need it fail."""
    under_test = BotUnderTest(emulator, DATABASE_DOWN)
    await under_test.start()
    yield under_test
    await under_test.stop()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_error_carries_a_number_to_call(
    bot_without_database: BotUnderTest, language: str
) -> None:
    chat = bot_without_database.chat(user_id=5006, language_code=language)
    [apology] = await say(chat, "/estado")
    assert carries_a_number(apology.text, language), apology.text


# -- with the real Rasa model ------------------------------------------------------------------


@pytest.mark.rasa
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("what", "words"),
    [
        ("out of scope", "me muero de hambre"),
        ("a disclosure the crisis screen did not catch", "mi novio me revisa el celular"),
    ],
)
async def test_nlu_replies_that_cannot_help_carry_a_number_to_call(
    bot_with_rasa: BotUnderTest, language: str, what: str, words: str
) -> None:
    chat = bot_with_rasa.chat(user_id=5007, language_code=language)
    [reply] = await say(chat, words)
    assert carries_a_number(reply.text, language), (what, reply.text)
    assert "911 —" not in (reply.text or ""), "not the crisis reply"
    assert "novio" not in (reply.text or ""), "never echo a disclosure back"


# -- news the notifier sends, and replies hard to reach through the chat -----------------------


def _cannot_help(t: Any) -> dict[str, str]:
    return {
        "request rejected, no other organisation": rtexts.request_rejected(
            t, "Colectivo (demo)", None
        ),
        "request closed by the organisation": rtexts.request_cancelled(t, "Colectivo (demo)"),
        "conversation ended by the organisation": rtexts.member_closed_by_staff(
            t, "Colectivo (demo)"
        ),
        "conversation over": rtexts.conversation_over(t),
        "relay: only text": rtexts.only_text(t),
        "relay: too many messages": rtexts.too_many(t),
        "relay: too long": rtexts.too_long(t, 5000),
        "relay: no longer possible": rtexts.cannot_now(t),
        "no more results": no_more_results(t),
        "no map for this place": venue_unavailable(t),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_news_and_other_replies_that_cannot_help_carry_a_number_to_call(language: str) -> None:
    t = Catalogs().get(language)
    missing = [
        what for what, text in _cannot_help(t).items() if not carries_a_number(text, language)
    ]
    assert missing == []
