"""Privacy: what is kept (/privacidad, /mis_datos), forgetting (/borrar), quick exit (/salir)."""

from __future__ import annotations

import logging
import time

from telegram import ReplyKeyboardRemove, Update
from telegram.error import TelegramError

from bot import messagelog, texts
from bot.context import JuntosContext, services_of
from bot.flows import conversation, inputs
from bot.handlers.common import (
    chat_data,
    forget_shared_point,
    say,
    search_point,
    translator,
    user_data,
)
from bot.state import LOCALE_KEY
from domain.services.members import CONSENT_CONTACT, member_data
from domain.services.relay import member_left

log = logging.getLogger(__name__)
#: Telegram's deleteMessages takes at most 100 ids per call.
DELETE_BATCH = 100


async def explain_privacy(update: Update, context: JuntosContext) -> None:
    t = translator(update, context)
    await say(update, texts.privacy(t))


async def show_my_data(update: Update, context: JuntosContext) -> None:
    """Everything kept about this member: in the conversation state and in the database."""
    chat = update.effective_chat
    if chat is None:
        return
    t = translator(update, context)
    services = services_of(context)
    data = await member_data(chat.id, services.uow(), services.clock)
    _state, flow = conversation.current(context)
    consent = data.consents.get(CONSENT_CONTACT)
    lines = [
        texts.my_data(
            t,
            texts.language_name(t, t.locale),
            search_point(update, context, flow) is not None,
            t.date(consent) if consent else None,
        )
    ]
    if data.cases:
        lines.append(texts.requests_list(t, data.cases))
    await say(update, "\n".join(lines))


async def ask_delete(update: Update, context: JuntosContext) -> None:
    """Start the forget-me flow (it asks to confirm)."""
    await conversation.handle(update, context, inputs.Input(inputs.Kind.DELETE_ME))


async def quick_exit(update: Update, context: JuntosContext) -> None:
    """Delete this chat's messages (both sides, under 48 h), forget the step, leave one line."""
    chat = update.effective_chat
    if chat is None:
        return
    t = translator(update, context)
    data = chat_data(context)
    ids = messagelog.deletable(data, time.time())
    message = update.effective_message
    if message is not None and message.message_id not in ids:
        ids.append(message.message_id)
    for start in range(0, len(ids), DELETE_BATCH):
        batch = ids[start : start + DELETE_BATCH]
        try:
            await context.bot.delete_messages(chat.id, batch)
        except TelegramError as exc:
            # Some may be gone already; try one by one so the rest still disappear.
            log.warning(
                "quick exit: batch delete failed (%s); deleting one by one", type(exc).__name__
            )
            for message_id in batch:
                try:
                    await context.bot.delete_message(chat.id, message_id)
                except TelegramError:
                    continue
    messagelog.clear(data)
    forget_shared_point(update, context)
    locale = user_data(context).get(LOCALE_KEY)
    user_data(context).clear()
    if locale:
        user_data(context)[LOCALE_KEY] = locale
    conversation.reset(context)
    # Also takes away a "share my location" keyboard left on screen.
    await say(update, texts.quick_exit_line(t), ReplyKeyboardRemove())
    # Then, not before: conversations with organisations close, and they are told (without
    # content) that the person left. The messages are already gone whatever happens here.
    services = services_of(context)
    try:
        await member_left(chat.id, services.uow(), services.clock, services.relay)
    except Exception:
        log.exception("quick exit: could not close the member's conversations")
