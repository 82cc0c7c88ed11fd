"""Words read by the real Rasa model, in every state of the member flows: one kind answer each,
and "not understood" exactly where the tables say so."""

from __future__ import annotations

import asyncio

import pytest

from bot.flows import conversation, inputs
from bot.flows.inputs import Kind
from bot.flows.machine import NOT_UNDERSTOOD
from tests.bot.flow_states import NOT_UNDERSTOOD as NOT_UNDERSTOOD_TEXT
from tests.bot.flow_states import RECIPES, answer_to, assert_one_kind_answer, is_menu
from tests.bot_harness import BotUnderTest

pytestmark = pytest.mark.rasa

#: A phrase the trained model reads as each kind of words.
WORDS = {
    Kind.PLACE_WORDS: "estoy en ciudad juarez",
    Kind.NEED_WORDS: "busco un psicologo",
    Kind.SAID_YES: "si",
    Kind.SAID_NO: "no",
    Kind.UNCLEAR: "qwzx kkkpp",
}


async def test_each_phrase_reads_as_its_kind(bot_with_rasa: BotUnderTest) -> None:
    nlu = bot_with_rasa.application.bot_data.services.nlu
    for kind, phrase in WORDS.items():
        parse = await nlu.parse(phrase)
        assert inputs.from_text(parse, phrase).kind is kind, (phrase, parse)


@pytest.mark.parametrize("state", list(RECIPES))
async def test_words_in_every_state_get_one_kind_answer(
    bot_with_rasa: BotUnderTest, state: str
) -> None:
    where = conversation.state_named(state)
    assert where is not None

    async def one(number: int, kind: Kind, phrase: str) -> None:
        chat = bot_with_rasa.chat(user_id=30_000 + number)
        await RECIPES[state](chat)
        answer = await answer_to(chat, lambda c: c.send_text(phrase))
        assert_one_kind_answer(answer, f"{state} + {phrase!r}")
        understood = not is_menu(answer[0], NOT_UNDERSTOOD_TEXT)
        assert understood == (conversation.route(where, kind) is not NOT_UNDERSTOOD), (
            state,
            phrase,
            answer[0].text,
        )

    await asyncio.gather(*(one(n, kind, phrase) for n, (kind, phrase) in enumerate(WORDS.items())))
