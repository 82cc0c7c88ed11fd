"""Search filters through the real bot in the sandbox, on the demo directory: buttons after the
results, remembered for the conversation, said in the header, one line of what applies on each
result, one tap to drop a filter that leaves nothing, and old buttons refused politely."""

from __future__ import annotations

import re

from sandbox.chat import PrivateChat
from tests.bot_harness import BotUnderTest, press, say

STALE = "Ese botón ya no está activo."


async def legal_aid_in(chat: PrivateChat, postal_code: str = "32000") -> str:
    """Legal aid near a postal code (Juárez by default; 31000 is Chihuahua)."""
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    [results] = await say(chat, postal_code)
    return results.text or ""


async def forge(chat: PrivateChat, data: str) -> str:
    """Press a button no message of the bot carries (forged callback data)."""
    await chat.forge_callback_query(data)
    [answer] = await chat.wait_for_bot_messages(count=1, timeout=10)
    return answer.text or ""


def entries(text: str) -> list[str]:
    """The numbered results of a results message."""
    return [part for part in text.split("\n\n") if re.match(r"\d+\. ", part)]


async def test_free_and_for_women_from_the_buttons_are_remembered_and_said(
    bot: BotUnderTest,
) -> None:
    chat = bot.chat()
    before = await legal_aid_in(chat, "31000")
    assert "🔎" not in before  # no filter yet
    [menu] = await press(chat, "r:filt")
    assert "Solo gratis" in menu.button_texts and "Para mujeres" in menu.button_texts
    assert "🗣 rarámuri" in menu.button_texts
    [free] = await press(chat, "f:+free")
    text = free.text or ""
    assert "🔎 Gratis\n" in text
    assert entries(text), text
    assert all("\nGratis" in entry for entry in entries(text))
    [menu] = await press(chat, "r:filt")
    assert "✓ Solo gratis" in menu.button_texts
    [women] = await press(chat, "f:+for:women")
    text = women.text or ""
    assert "🔎 Gratis · para mujeres\n" in text
    assert entries(text), text
    assert all("Gratis · Solo mujeres" in entry for entry in entries(text)), text
    assert "Atención a Mujeres en Situación de Violencia Chihuahua" in text
    # Remembered for the conversation: a new search keeps them.
    await press(chat, "m:search")
    await press(chat, "c:psychological_support")
    [again] = await say(chat, "31000")
    assert "🔎 Gratis · para mujeres\n" in (again.text or "")


async def test_each_result_says_in_one_line_what_applies(bot: BotUnderTest) -> None:
    chat = bot.chat()
    text = await legal_aid_in(chat)
    bufete = next(e for e in entries(text) if "Bufete Jurídico" in e)
    assert "Gratis · Lleva tu comprobante de domicilio y INE" in bufete
    await press(chat, "r:chcat")
    [health] = await press(chat, "c:health")
    clinic = next(e for e in entries(health.text or "") if "Consultorio Comunitario" in e)
    # Juárez's clinic: a fee, migrants, rarámuri and English, a ramp, documents to bring.
    assert (
        "Para personas migrantes · Se habla inglés y rarámuri · Acceso para silla de ruedas · "
        "Lleva tu INE o CURP"
    ) in clinic
    assert "Gratis" not in clinic


async def test_a_filter_that_leaves_nothing_says_which_to_drop_with_one_tap(
    bot: BotUnderTest,
) -> None:
    chat = bot.chat()
    await legal_aid_in(chat)
    await press(chat, "r:filt")
    # No place of the demo directory speaks Maya.
    [nothing] = await press(chat, "f:+lang:yua")
    text = nothing.text or ""
    assert "No encontré un lugar cerca con todo esto: En maya. Quita uno para ver más:" in text
    assert "911" in text  # never a dead end
    assert "Quitar: en maya" in nothing.button_texts
    # The municipality's confidential place can still be asked to make contact.
    assert "Que me contacten: A" in nothing.button_texts
    [back] = await press(chat, "f:-lang:yua")
    assert entries(back.text or "") and "🔎" not in (back.text or "")


async def test_an_old_filter_button_is_refused_politely_and_changes_nothing(
    bot: BotUnderTest,
) -> None:
    chat = bot.chat()
    await legal_aid_in(chat)
    await press(chat, "r:filt")
    [free] = await press(chat, "f:+free")
    assert "🔎 Gratis\n" in (free.text or "")
    [menu] = await press(chat, "r:filt")
    assert "✓ Solo gratis" in menu.button_texts
    [unfiltered] = await press(chat, "f:-free")
    assert "🔎" not in (unfiltered.text or "")
    # That "✓ Solo gratis" (remove) button again, now that free is off: it no longer fits.
    [refused] = await press(chat, "f:-free")
    assert (refused.text or "").startswith("Ese botón es de un mensaje anterior.")
    assert "Solo gratis" in refused.button_texts  # the filters as they are now
    # Forged filters are not buttons the bot makes: the menu, never a crash.
    for forged in ("f:+nope", "f:+for:aliens", "f:+lang:xx", "f:free", "f:+free:1", "f:"):
        assert (await forge(chat, forged)).startswith(STALE), forged
        assert chat.bot_messages()[-1].button_texts[0] == "Buscar ayuda cerca", forged


async def test_a_filter_button_outside_a_search_is_not_now(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    assert (await forge(chat, "f:+open")).startswith(STALE)
    assert chat.bot_messages()[-1].button_texts[0] == "Buscar ayuda cerca"
