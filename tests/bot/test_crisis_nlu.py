"""Rasa's `emergencia` through the bot: one more doubt, answered by the crisis screen's model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from nlu.client import NluClient
from nlu.process import RasaServer
from sandbox import BotApiEmulator
from tests.bot_harness import BotUnderTest, say
from tests.crisis_fakes import THRESHOLDS, FixedDangerModel

pytestmark = pytest.mark.rasa

#: Idioms from the development set that the trained Rasa model reads as `emergencia`; the
#: reviewed rules read nothing in them.
IDIOMS = [
    "these shoes are killing me, never wearing heels to a quince again",
    "mijo me vas a matar de un susto, avisame cuando llegues a la casa de tu amigo",
]


def shows_lines(text: str | None) -> bool:
    """The crisis reply itself: each number on its own line ("911 — ..."). Not the one danger
    line that every dead-end reply carries."""
    return "\n911 — " in (text or "")


@pytest.fixture
async def rasa_says_emergencia(rasa_server: RasaServer) -> None:
    """The premise of these tests: Rasa alone reads every idiom as an emergency."""
    async with NluClient(rasa_server.url, rasa_server.token, timeout=10) as nlu:
        for idiom in IDIOMS:
            parse = await nlu.parse(idiom)
            assert parse is not None and parse.intent == "emergencia", idiom


@pytest.fixture
async def bot_whose_model_says(
    emulator: BotApiEmulator, demo_database_url: str, rasa_server: RasaServer
) -> AsyncIterator[Callable[[float], BotUnderTest]]:
    """The bot with the real Rasa and a crisis model that gives every message one probability."""
    started: list[BotUnderTest] = []

    def build(probability: float) -> BotUnderTest:
        bot = BotUnderTest(
            emulator,
            demo_database_url,
            rasa_url=rasa_server.url,
            rasa_token=rasa_server.token,
            danger_model=FixedDangerModel(probability),
        )
        started.append(bot)
        return bot

    yield build
    for bot in started:
        await bot.stop()


@pytest.mark.parametrize("idiom", IDIOMS)
async def test_an_idiom_rasa_alone_calls_an_emergency_gets_the_menu_not_the_lines(
    bot_with_rasa: BotUnderTest, rasa_says_emergencia: None, idiom: str
) -> None:
    chat = bot_with_rasa.chat()
    [reply] = await say(chat, idiom)
    assert not shows_lines(reply.text)
    assert "Buscar ayuda cerca" in reply.button_texts


@pytest.mark.parametrize(
    ("probability", "lines"),
    [(THRESHOLDS.keep - 0.05, False), (THRESHOLDS.keep, True), (THRESHOLDS.show - 0.05, True)],
)
async def test_rasas_emergencia_shows_the_lines_when_the_model_has_doubt(
    bot_whose_model_says: Callable[[float], BotUnderTest],
    rasa_says_emergencia: None,
    probability: float,
    lines: bool,
) -> None:
    bot = bot_whose_model_says(probability)
    await bot.start()
    chat = bot.chat()
    [reply] = await say(chat, IDIOMS[0])  # below `show`: the screen alone stays silent
    assert shows_lines(reply.text) is lines
    if lines:
        assert reply.button_texts == ["Quiero que me contacten", "Buscar ayuda cerca"]
