"""Drive a member's chat into each state of the member flows, and probe what the bot answered.

Shared by tests/bot/test_flow_machine.py and its Rasa and restart variants. Every recipe uses
only what a member can do (buttons on screen, a location, a typed postal code, commands).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.flows.inputs import Kind
from sandbox import PrivateChat, StoredMessage
from tests.bot_harness import RIBERAS_DEL_BRAVO, press, say

MENU = ["Buscar ayuda cerca", "Estoy en peligro", "¿Qué es Juntos?", "Idioma / Language"]
STALE = "Ese botón ya no está activo."
NOT_UNDERSTOOD = "Soy un bot y no entendí eso."
APOLOGY = ("Perdón, algo falló", "Sorry, something went wrong")
PROBE = "/privacidad"
PROBE_REPLIES = ("No guardo lo que escribes. Guardo", "I don't keep what you write. I keep")


async def to_idle(chat: PrivateChat) -> None:
    await say(chat, "/start", replies=2)


async def to_search_need(chat: PrivateChat) -> None:
    await to_idle(chat)
    [need] = await press(chat, "m:search")
    assert need.text == "¿Qué tipo de ayuda buscas?"


async def to_search_place(chat: PrivateChat) -> None:
    await to_search_need(chat)
    [where] = await press(chat, "c:*")
    assert "¿Dónde estás?" in (where.text or "")


async def to_search_results(chat: PrivateChat) -> None:
    """Results for a typed place (it survives a restart, unlike a shared location)."""
    await to_search_place(chat)
    [results] = await say(chat, "32000")
    # Public places with a map, and a confidential one to ask about: every button applies.
    assert "v:0" in results.callback_data and "k:0" in results.callback_data, results.text


async def to_contact_need(chat: PrivateChat) -> None:
    await to_idle(chat)
    await press(chat, "m:danger")  # the crisis lines, with "Quiero que me contacten"
    [need] = await press(chat, "k:-")
    assert all(d.startswith("cc:") for d in need.callback_data)


async def to_contact_place(chat: PrivateChat) -> None:
    await to_contact_need(chat)
    [where] = await press(chat, "cc:legal_aid")
    assert "¿Dónde estás?" in (where.text or "")


async def to_contact_consent(chat: PrivateChat) -> None:
    await to_search_results(chat)
    [consent] = await press(chat, "k:0")
    assert consent.button_texts == ["Sí, acepto", "No, gracias"]


async def to_forget_confirm(chat: PrivateChat) -> None:
    await to_idle(chat)
    [confirm] = await say(chat, "/borrar")
    assert confirm.button_texts == ["Sí, borrar", "No, conservar"]


#: Every state of the member flows, and how a member gets there.
RECIPES: dict[str, Callable[[PrivateChat], Awaitable[None]]] = {
    "idle": to_idle,
    "search.need": to_search_need,
    "search.place": to_search_place,
    "search.results": to_search_results,
    "contact.need": to_contact_need,
    "contact.place": to_contact_place,
    "contact.consent": to_contact_consent,
    "forget.confirm": to_forget_confirm,
}

#: One button per input kind a button carries (indexes 0: they exist where results do).
BUTTONS: dict[Kind, str] = {
    Kind.SEARCH: "m:search",
    Kind.NEED: "c:legal_aid",
    Kind.CONTACT_NEED: "cc:legal_aid",
    Kind.CONTACT_ME: "k:-",
    Kind.OFFER: "k:0",
    Kind.CANDIDATE: "p:0",
    Kind.MAP: "v:0",
    Kind.MORE: "r:more",
    Kind.OTHER_NEED: "r:chcat",
    Kind.AGE_FILTER: "r:age",
    Kind.AGE: "a:12_17",
    Kind.EXACT_PLACE: "r:exact",
    Kind.FILTERS: "r:filt",
    Kind.FILTER: "f:+free",
    Kind.CONSENT_YES: "y:consent:1",
    Kind.CONSENT_NO: "y:consent:0",
    Kind.DELETE_YES: "y:delete:1",
    Kind.DELETE_NO: "y:delete:0",
}
#: Buttons that change no state (answered by their handler in every state).
ANYWHERE_BUTTONS = ["m:danger", "m:about", "m:lang", "m:home", "l:en"]


async def answer_to(
    chat: PrivateChat, act: Callable[[PrivateChat], Awaitable[object]]
) -> list[StoredMessage]:
    """Everything the bot sent in answer to `act`: the messages before the probe's reply.

    Updates of one chat are handled in order, so once the probe (/privacidad, which changes
    nothing) is answered, the answer to `act` is complete.
    """
    await chat.wait_for_bot_messages(count=len(chat.unread_bot_messages()), timeout=1)
    await act(chat)
    await chat.send_text(PROBE)

    def probed() -> bool:
        return any((m.text or "").startswith(PROBE_REPLIES) for m in chat.unread_bot_messages())

    await chat.wait_until(probed, timeout=15)
    unread = chat.unread_bot_messages()
    await chat.wait_for_bot_messages(count=len(unread), timeout=1)
    assert (unread[-1].text or "").startswith(PROBE_REPLIES), "nothing after the probe's reply"
    return unread[:-1]


def assert_one_kind_answer(answer: list[StoredMessage], where: str) -> None:
    """One answer: a single message (a place notice goes inside it). Never an apology, never
    silence."""
    assert answer, f"{where}: no answer"
    assert not any((m.text or "").startswith(APOLOGY) for m in answer), f"{where}: {answer}"
    assert len(answer) == 1, f"{where}: {[m.text for m in answer]}"


def is_menu(message: StoredMessage, lead: str) -> bool:
    return (message.text or "").startswith(lead) and message.button_texts == MENU


async def send_location(chat: PrivateChat) -> None:
    await chat.send_location(*RIBERAS_DEL_BRAVO)
