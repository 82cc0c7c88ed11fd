"""The held-out parts of the blind corpus, through the real bot (the one test that reads them).

Every held-out message (all seven parts, 6,371) is sent by its own member to the bot polling the
sandbox emulator over HTTP, with Rasa down. The bot must show the emergency lines exactly where
the crisis screen does, so the figures of `juntos crisis eval --heldout` (and `make bench`) are
the bot's own; they are printed here too.
"""

from __future__ import annotations

import asyncio

import pytest

from crisis_model import corpus, default_model
from crisis_model.corpus import Half
from crisis_model.evaluation import evaluate, format_heldout
from domain.services.crisis import CrisisScreen
from sandbox import PrivateChat
from tests.bot_harness import BotUnderTest

FIRST_USER = 500_000
WAVE = 200


def shows_lines(chat: PrivateChat) -> bool:
    """The crisis reply: 911 at the start of a line of its own (every kind of danger has it; the
    one danger line of a reply that cannot help names 911 inside a sentence). The first reply
    carries it: a clear signal gets the lines alone, an uncertain one the lines heading the
    menu (Rasa is down), or alone when the menu is slow."""
    return any("\n911 — " in (m.text or "") for m in chat.bot_messages())


# The crisis screen reads no database (it answers with the database down): one lane is enough
# for thousands of messages; the PostgreSQL bot lanes run every other bot test.
@pytest.mark.parametrize("demo_database_url", ["sqlite"], indirect=True)
async def test_the_bot_shows_the_lines_exactly_where_the_screen_does_on_the_heldout_parts(
    bot: BotUnderTest,
) -> None:
    examples = corpus.load(Half.HELDOUT)
    screen = CrisisScreen(default_model())
    expected = [screen.screen(e.text).signal for e in examples]
    chats = [bot.chat(user_id=FIRST_USER + i) for i in range(len(examples))]
    # In waves, so that a busy machine is measured on the bot, not on a queue of 2,000 updates.
    for start in range(0, len(examples), WAVE):
        wave = range(start, min(start + WAVE, len(examples)))
        for i in wave:
            await chats[i].send_text(examples[i].text)
        await asyncio.gather(*(chats[i].wait_for_bot_messages(count=1, timeout=120) for i in wave))
    mismatches = [
        (example.category, example.text)
        for chat, example, signal in zip(chats, examples, expected, strict=True)
        if shows_lines(chat) != (signal is not None)
    ]
    assert mismatches == []
    print()
    print(format_heldout(evaluate(examples, screen), "held-out parts, through the bot (Rasa down)"))
