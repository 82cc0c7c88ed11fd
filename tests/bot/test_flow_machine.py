"""The member flow tables, through the real bot: every input in every state gets one kind
answer; forged and stale buttons change nothing; a restart in any state resumes it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.flows import conversation
from bot.flows.inputs import Kind
from bot.flows.machine import NOT_NOW, NOT_UNDERSTOOD
from sandbox import PrivateChat
from storage.persistence import SqlPersistence
from tests.bot.flow_states import (
    ANYWHERE_BUTTONS,
    BUTTONS,
    RECIPES,
    STALE,
    answer_to,
    assert_one_kind_answer,
    is_menu,
    send_location,
)
from tests.bot.flow_states import (
    NOT_UNDERSTOOD as NOT_UNDERSTOOD_TEXT,
)
from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say

STATES = list(RECIPES)


Act = Callable[[PrivateChat], Awaitable[object]]


def _press(data: str) -> Act:
    async def act(chat: PrivateChat) -> object:
        return await chat.forge_callback_query(data)

    return act


def _send(text: str) -> Act:
    async def act(chat: PrivateChat) -> object:
        return await chat.send_text(text)

    return act


def _inputs() -> list[tuple[str, Kind | None, Act]]:
    """(label, kind, what the member does) for every input kind Rasa-down text can reach."""
    cases: list[tuple[str, Kind | None, Act]] = [
        (data, kind, _press(data)) for kind, data in BUTTONS.items()
    ]
    cases += [
        ("location", Kind.LOCATION, send_location),
        # Rasa is down: any text reads as unclear (a postal code, to also be read as a place).
        ("text 32000", Kind.UNCLEAR, _send("32000")),
        ("/borrar", Kind.DELETE_ME, _send("/borrar")),
    ]
    cases += [(data, None, _press(data)) for data in ANYWHERE_BUTTONS]
    return cases


@pytest.mark.parametrize("state", STATES)
async def test_every_input_in_every_state_gets_one_kind_answer(
    bot: BotUnderTest, state: str
) -> None:
    where = conversation.state_named(state)
    assert where is not None
    cases = _inputs()
    covered = {kind for _, kind, _ in cases if kind is not None}
    # Every kind but the words only Rasa gives (tests/bot/test_flow_machine_nlu.py).
    assert covered == set(Kind) - {Kind.PLACE_WORDS, Kind.NEED_WORDS, Kind.SAID_YES, Kind.SAID_NO}

    async def one(number: int, label: str, kind: Kind | None, act: Act) -> None:
        chat = bot.chat(user_id=20_000 + number)
        await RECIPES[state](chat)
        answer = await answer_to(chat, act)
        assert_one_kind_answer(answer, f"{state} + {label}")
        if kind is None:
            return
        row = conversation.route(where, kind)
        if row is NOT_NOW:
            assert is_menu(answer[0], STALE), (state, label, answer[0].text)
        elif row is NOT_UNDERSTOOD:
            assert is_menu(answer[0], NOT_UNDERSTOOD_TEXT), (state, label, answer[0].text)
        else:
            assert not is_menu(answer[-1], NOT_UNDERSTOOD_TEXT), (state, label)

    await asyncio.gather(*(one(n, *case) for n, case in enumerate(cases)))


# --- what shows that a state is intact ------------------------------------------------------


async def _asks_the_need_for_a_location(bot: BotUnderTest, chat: PrivateChat) -> None:
    await send_location(chat)
    [need] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert need.text == "¿Qué tipo de ayuda buscas?"


async def _asks_where_for_a_need(bot: BotUnderTest, chat: PrivateChat) -> None:
    [where] = await press(chat, "c:legal_aid")
    assert "¿Dónde estás?" in (where.text or "")


async def _reads_words_as_the_place(bot: BotUnderTest, chat: PrivateChat) -> None:
    [results] = await say(chat, "32000")
    assert "centro de Juárez" in (results.text or "").split("\n\n")[0]
    assert "(demo)" in (results.text or "") and "v:0" in results.callback_data


async def _pages_the_results(bot: BotUnderTest, chat: PrivateChat) -> None:
    [more] = await press(chat, "r:more")
    assert "\n\n6. " in (more.text or ""), more.text


async def _asks_where_for_a_contact_need(bot: BotUnderTest, chat: PrivateChat) -> None:
    [where] = await press(chat, "cc:legal_aid")
    assert "¿Dónde estás?" in (where.text or "")


async def _asks_consent_for_the_place(bot: BotUnderTest, chat: PrivateChat) -> None:
    [consent] = await say(chat, "32000")
    assert "centro de Juárez" in (consent.text or "").split("\n\n")[0]
    assert consent.button_texts == ["Sí, acepto", "No, gracias"]


async def _takes_consent(bot: BotUnderTest, chat: PrivateChat) -> None:
    [done] = await press(chat, "y:consent:1")
    assert "Tu clave es CASO-0001" in (done.text or "")
    [status] = await say(chat, "/estado")
    assert "CASO-0001" in (status.text or "")


async def _keeps_data_when_told_no(bot: BotUnderTest, chat: PrivateChat) -> None:
    [kept] = await press(chat, "y:delete:0")
    assert (kept.text or "").startswith("Va, no borré nada.")


#: The next step of each state, as the member would take it.
CONTINUE = {
    "idle": _asks_the_need_for_a_location,
    "search.need": _asks_where_for_a_need,
    "search.place": _reads_words_as_the_place,
    "search.results": _pages_the_results,
    "contact.need": _asks_where_for_a_contact_need,
    "contact.place": _asks_consent_for_the_place,
    "contact.consent": _takes_consent,
    "forget.confirm": _keeps_data_when_told_no,
}

FORGED = [
    "ref:accept:999",
    "v:9",
    "k:7",
    "p:12",
    "a:99",
    "r:teleport",
    "y:consent:2",
    "y:maybe:1",
    "l:fr",
    "c:not_a_category",
    "m:" + "x" * 61,
    "k:ü",
    "",
]


def _stale_here(state: str) -> list[str]:
    """The real buttons the tables answer 'not now' in this state (another question's)."""
    where = conversation.state_named(state)
    assert where is not None
    return [data for kind, data in BUTTONS.items() if conversation.route(where, kind) is NOT_NOW]


def test_every_state_has_a_continuation() -> None:
    assert set(CONTINUE) == set(RECIPES) == {s.value for f in conversation.FLOWS for s in f.states}


@pytest.mark.parametrize("state", STATES)
async def test_forged_and_stale_buttons_change_nothing_in_any_state(
    bot: BotUnderTest, state: str
) -> None:
    chat = bot.chat()
    await RECIPES[state](chat)
    stale = _stale_here(state)
    assert stale, "every state has buttons of other questions"
    for data in FORGED + stale:
        answer = await answer_to(chat, _press(data))
        assert len(answer) == 1 and is_menu(answer[0], STALE), (state, data, answer)
    await CONTINUE[state](bot, chat)


@pytest.mark.parametrize("state", STATES)
async def test_a_restart_in_any_state_resumes_it(
    bot_on_each_database: BotUnderTest, state: str
) -> None:
    bot = bot_on_each_database
    chat = bot.chat()
    await RECIPES[state](chat)
    await bot.restart()
    await CONTINUE[state](bot, chat)


async def test_a_step_persisted_by_the_previous_version_resumes(bot: BotUnderTest) -> None:
    """A member asked where they are before an upgrade: after it, their place is read."""
    chat = bot.chat()
    await bot.stop()
    persistence = SqlPersistence(bot.database_url)
    try:
        await persistence.update_user_data(
            chat.chat_id,
            {"flow": {"step": "place", "purpose": "search", "category": "legal_aid", "page": 0}},
        )
    finally:
        await persistence.flush()
    await bot.start()
    [results] = await say(chat, "32000")
    assert "Asesoría legal" in (results.text or "")


async def test_a_state_this_version_does_not_know_starts_afresh(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await bot.stop()
    persistence = SqlPersistence(bot.database_url)
    try:
        await persistence.update_user_data(
            chat.chat_id, {"flow": {"state": "referral.teleport", "category": "legal_aid"}}
        )
    finally:
        await persistence.flush()
    await bot.start()
    # Idle, with nothing kept: a location asks for the need.
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [need] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert need.text == "¿Qué tipo de ayuda buscas?"
