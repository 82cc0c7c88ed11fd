"""Free text (after the crisis screen): what the member wants, through Rasa. Small talk is
answered the same wherever the member is; the rest goes to the conversation, which reads it
by the step the member is on. Low confidence or Rasa down: never silence."""

from __future__ import annotations

import logging

from telegram import Update

from bot import keyboards, texts
from bot.context import JuntosContext, services_of
from bot.flows import conversation, inputs
from bot.handlers import requests, start
from bot.handlers.common import say, show_menu, translator
from bot.handlers.crisis import UNSPECIFIED_DANGER, send_crisis_reply
from bot.relay import handlers as relay
from bot.staff import handlers as staff
from nlu.client import Parse

log = logging.getLogger(__name__)


async def handle_text(update: Update, context: JuntosContext) -> None:
    """Answer small talk in place; hand anything else to the conversation."""
    message = update.effective_message
    if message is None or not message.text:
        return
    if await relay.relay_reply(update, context):  # an answer in a relay thread
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
    # Partner staff write referrals and follow-ups in one message (members get the rest).
    if (
        parse is not None
        and parse.intent in staff.STAFF_INTENTS
        and await staff.handle_staff_intent(update, context, parse, text)
    ):
        return
    if parse is not None and parse.intent in inputs.CHAT_INTENTS:
        await _chat(update, context, parse)
        return
    await conversation.handle(update, context, inputs.from_text(parse, text))


async def _chat(update: Update, context: JuntosContext, parse: Parse) -> None:
    t = translator(update, context)
    intent = parse.intent
    if intent == "contar_situacion":
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
    elif intent == "consultar_caso":
        await requests.show_status(update, context)
    elif intent == "saludo":
        await show_menu(update, t, texts.greeting(t))
    elif intent == "agradecer":
        await say(update, texts.thanks_reply(t))
    elif intent == "despedida":
        await say(update, texts.goodbye(t))
