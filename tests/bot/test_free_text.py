"""Free text through the real Rasa model: one sentence is enough to find help."""

from __future__ import annotations

import pytest

from tests.bot_harness import BotUnderTest, answer_after_lines, press, say

pytestmark = pytest.mark.rasa


async def test_one_sentence_with_need_and_place_gives_results(bot_with_rasa: BotUnderTest) -> None:
    chat = bot_with_rasa.chat()
    [results] = await say(chat, "necesito un psicologo en cd juarez")
    assert "centro de Juárez" in (results.text or "").split("\n\n")[0]
    assert "Apoyo psicológico" in (results.text or "")
    assert "Juárez (demo)" in (results.text or "")


async def test_a_need_without_place_asks_where(bot_with_rasa: BotUnderTest) -> None:
    chat = bot_with_rasa.chat()
    [where] = await say(chat, "kiero dejar el cristal, donde me ayudan")
    assert "¿Dónde estás?" in (where.text or "")
    [results] = await say(chat, "tijuana")
    assert "Atención a adicciones" in (results.text or "")
    assert "Tijuana (demo)" in (results.text or "")


async def test_a_place_alone_keeps_it_and_asks_for_the_need(bot_with_rasa: BotUnderTest) -> None:
    chat = bot_with_rasa.chat()
    [need] = await say(chat, "estoy en monterrey")
    assert "Monterrey" in (need.text or "")
    assert (need.text or "").endswith("¿Qué tipo de ayuda buscas?")


async def test_a_disclosure_is_met_without_judging_and_with_options(
    bot_with_rasa: BotUnderTest,
) -> None:
    chat = bot_with_rasa.chat()
    # Control by a partner is possible danger: where the crisis screen (or Rasa) reads it so,
    # the lines come first, then the answer to what she told; the answer itself carries the
    # numbers either way.
    [first] = await say(chat, "mi novio me revisa el cel y no me deja salir con mis amigas")
    if (first.text or "").startswith("Gracias por contarme"):
        text = first.text or ""
    else:
        assert "800 911 2000" in (first.text or "")
        text = await answer_after_lines(chat, first)
    reply = chat.bot_messages()[-1]
    assert "911" in text and "800 911 2000" in text
    assert text.startswith("Gracias por contarme")
    assert "no es tu culpa" in text
    assert "novio" not in text  # never echo the disclosure back
    assert "Apoyo psicológico" in reply.button_texts


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("holaa", "¡Hola!"),
        ("muchas gracias", "De nada"),
        ("quiero borrar mis datos", "¿Quieres que borre tus datos?"),
    ],
)
async def test_small_talk_and_requests(
    bot_with_rasa: BotUnderTest, message: str, expected: str
) -> None:
    chat = bot_with_rasa.chat()
    [reply] = await say(chat, message)
    assert (reply.text or "").startswith(expected)


async def test_asking_for_english_switches_language(bot_with_rasa: BotUnderTest) -> None:
    chat = bot_with_rasa.chat()
    [reply] = await say(chat, "can you speak english please")
    assert (reply.text or "").startswith("Done, I'll write to you in English.")


async def test_one_sentence_with_filters_sets_them_and_says_so(bot_with_rasa: BotUnderTest) -> None:
    chat = bot_with_rasa.chat()
    [choices] = await say(chat, "algo gratis para mujeres en Tonalá")
    # Tonalá is in Jalisco and in Chiapas: the larger, Jalisco's, comes first.
    assert choices.text == "¿Cuál de estos lugares es?", choices.button_texts
    [results] = await press(chat, choices.callback_data[0])
    text = results.text or ""
    assert "🔎 Gratis · para mujeres\n" in text, text
    assert "Atención a Mujeres en Situación de Violencia Zapopan (demo)" in text
    [menu] = await press(chat, "r:filt")
    assert "✓ Solo gratis" in menu.button_texts and "✓ Para mujeres" in menu.button_texts
