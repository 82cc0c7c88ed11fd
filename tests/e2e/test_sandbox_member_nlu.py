"""Free text through the real Rasa model, from the sandbox page's API to the real bot.

The Rasa server is the session's (`rasa_server` in tests/conftest.py): the trained model in
nlu/models, on a free port with a fresh token, as `make run` starts it.
"""

from __future__ import annotations

import httpx
import pytest

from tests.bot_harness import BotUnderTest
from tests.e2e.test_sandbox_member import ANA, LUIS, PageUser, buttons, kilometres

pytestmark = pytest.mark.rasa

MENU = ["Buscar ayuda cerca", "Estoy en peligro", "¿Qué es Juntos?", "Idioma / Language"]


async def test_hola_gets_the_greeting_and_the_menu(
    bot_with_rasa: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    ana = PageUser(page, ANA)
    [greeting] = await ana.say("hola")
    assert greeting["text"].startswith("¡Hola!")
    assert buttons(greeting) == MENU


async def test_one_sentence_finds_a_psychologist_in_juarez(
    bot_with_rasa: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    ana = PageUser(page, ANA)
    [results] = await ana.say("necesito un psicologo en cd juarez")
    text = results["text"]
    # One message: where it searches, then the results.
    assert text.splitlines()[0] == "Busco cerca del centro de Juárez."
    assert "Apoyo psicológico" in text.splitlines()[2]
    assert "Juárez (demo)" in text
    assert kilometres(text), text


async def test_a_need_then_a_place_in_two_messages(
    bot_with_rasa: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    luis = PageUser(page, LUIS)
    [where] = await luis.say("busco asesoria legal")
    assert "¿Dónde estás?" in where["text"]
    [results] = await luis.say("tijuana")
    assert "Asesoría legal" in results["text"]
    assert "Tijuana (demo)" in results["text"]


async def test_crisis_comes_before_nlu_even_when_rasa_is_up(
    bot_with_rasa: BotUnderTest,
    page: httpx.AsyncClient,
) -> None:
    ana = PageUser(page, ANA)
    [reply] = await ana.say("ya no aguanto, me quiero morir")
    assert "800 911 2000" in reply["text"] and "911" in reply["text"]
    messages = (await ana.view())["messages"]
    assert [m["from_bot"] for m in messages] == [False, True]
