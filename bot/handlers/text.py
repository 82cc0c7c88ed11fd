"""Free text (after the crisis screen): what the member wants, through Rasa, with the current
step in mind. Low confidence or Rasa down: the menu, never silence."""

from __future__ import annotations

import logging

from telegram import Update

from bot import keyboards, texts
from bot.context import JuntosContext, services_of
from bot.handlers import contact, privacy, search, start
from bot.handlers.common import say, show_menu, translator, user_data
from bot.handlers.crisis import UNSPECIFIED_DANGER, send_crisis_reply
from bot.staff import handlers as staff
from bot.state import Purpose, Step, load_flow, save_flow
from domain.taxonomy import parse_category
from nlu.client import Parse

log = logging.getLogger(__name__)

#: Intents that mean something other than a place, even while we wait for one.
NOT_A_PLACE = frozenset(
    {
        "saludo",
        "despedida",
        "agradecer",
        "pedir_ayuda",
        "contar_situacion",
        "cambiar_idioma",
        "borrar_datos",
        "fuera_de_alcance",
        "consultar_caso",
        "negar",
    }
)


def _place_words(parse: Parse | None, text: str) -> str:
    """What to look up in the gazetteer: the CP or place Rasa found, else the whole text."""
    if parse is not None:
        for name in ("codigo_postal", "lugar"):
            value = parse.entity(name)
            if value:
                return value
    return text


async def handle_text(update: Update, context: JuntosContext) -> None:
    """Route a free-text message by intent and by the step the member is on."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text.strip()
    services = services_of(context)
    parse = await services.nlu.parse(text) if services.nlu is not None else None
    intent = parse.intent if parse is not None else None
    # Intent only: never the text.
    log.info("text message: intent=%s", intent or "none")
    if intent == "emergencia":
        await send_crisis_reply(update, context, UNSPECIFIED_DANGER)
        return
    flow = load_flow(user_data(context))
    if flow.step is Step.PLACE and intent not in NOT_A_PLACE:
        await search.receive_place_text(update, context, _place_words(parse, text))
        return
    if flow.step is Step.CONSENT and intent in ("afirmar", "negar"):
        await contact.answer_consent(update, context, intent == "afirmar")
        return
    if flow.step is Step.DELETE and intent in ("afirmar", "negar"):
        await privacy.answer_delete(update, context, intent == "afirmar")
        return
    if parse is None:
        t = translator(update, context)
        await show_menu(update, t, texts.not_understood(t))
        return
    await _route_intent(update, context, parse, text)


async def _route_intent(update: Update, context: JuntosContext, parse: Parse, text: str) -> None:
    t = translator(update, context)
    intent = parse.intent
    if intent in ("buscar_servicio", "informar_ubicacion"):
        await _search_from_text(update, context, parse, text)
    elif intent == "contar_situacion":
        await say(update, texts.situation_reply(t), keyboards.situation(t))
    elif intent == "pedir_ayuda":
        await show_menu(update, t)
    elif intent == "fuera_de_alcance":
        await show_menu(update, t, texts.out_of_scope(t))
    elif intent == "cambiar_idioma":
        language = parse.entity("idioma")
        if language in ("es", "en"):
            await start.set_language(update, context, "en" if language == "en" else "es_MX")
        else:
            await start.ask_language(update, context)
    elif intent == "borrar_datos":
        await privacy.ask_delete(update, context)
    elif intent in staff.STAFF_INTENTS and await staff.handle_staff_intent(
        update, context, parse, text
    ):
        return
    elif intent == "consultar_caso":  # a member asking about their own request
        await contact.show_status(update, context)
    elif intent == "saludo":
        await show_menu(update, t, texts.greeting(t))
    elif intent == "agradecer":
        await say(update, texts.thanks_reply(t))
    elif intent == "despedida":
        await say(update, texts.goodbye(t))
    else:  # afirmar/negar out of context, staff intents from a member, anything new
        await show_menu(update, t, texts.not_understood(t))


async def _search_from_text(
    update: Update, context: JuntosContext, parse: Parse, text: str
) -> None:
    """`buscar_servicio` pre-fills the need and the place; ask only for what is missing."""
    flow = load_flow(user_data(context))
    category = parse_category(parse.entity("tipo_servicio") or "")
    place = parse.entity("codigo_postal") or parse.entity("lugar")
    if parse.intent == "buscar_servicio":
        flow.purpose = Purpose.SEARCH
        flow.page = 0
        if category is not None:
            flow.category = category
            flow.step = Step.PLACE
        elif flow.step is not Step.RESULTS:
            flow.step = Step.NEED
    elif flow.step in (Step.IDLE, Step.CONSENT, Step.DELETE):
        # "estoy en la col. X" out of the blue: keep the place, then ask for the need.
        flow.step = Step.NEED
        flow.purpose = Purpose.SEARCH
    save_flow(user_data(context), flow)
    if place:
        await search.receive_place_text(update, context, place)
        return
    if parse.intent == "informar_ubicacion":
        await search.receive_place_text(update, context, text)
        return
    if category is None:
        t = translator(update, context)
        await say(update, texts.category_prompt(t), keyboards.categories(t))
        return
    await search.continue_with_place(update, context, flow)
