"""Privacy: what is kept (/privacidad, /mis_datos), forgetting (/borrar), quick exit (/salir)."""

from __future__ import annotations

import logging
import time

from telegram import ReplyKeyboardRemove, Update
from telegram.error import TelegramError

from bot import keyboards, messagelog, texts
from bot.context import JuntosContext, services_of
from bot.handlers.common import (
    chat_data,
    forget_shared_point,
    say,
    search_point,
    show_menu,
    translator,
    user_data,
)
from bot.state import LOCALE_KEY, Flow, Step, load_flow, save_flow
from domain.services.members import CONSENT_CONTACT, forget_member, member_data

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
    flow = load_flow(user_data(context))
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
    flow = load_flow(user_data(context))
    flow.step = Step.DELETE
    save_flow(user_data(context), flow)
    t = translator(update, context)
    await say(update, texts.delete_prompt(t), keyboards.confirm(t, "delete"))


async def answer_delete(update: Update, context: JuntosContext, yes: bool) -> None:
    flow = load_flow(user_data(context))
    t = translator(update, context)
    if flow.step is not Step.DELETE:
        await show_menu(update, t, texts.stale_button(t))
        return
    if not yes:
        flow.step = Step.IDLE
        save_flow(user_data(context), flow)
        await show_menu(update, t, texts.delete_kept(t))
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    services = services_of(context)
    await forget_member(chat.id, services.uow(), services.clock)
    forget_shared_point(update, context)
    user_data(context).clear()
    chat_data(context).clear()
    if user is not None:
        context.application.drop_user_data(user.id)
    context.application.drop_chat_data(chat.id)
    await say(update, texts.deleted(t))


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
    save_flow(user_data(context), Flow())
    # Also takes away a "share my location" keyboard left on screen.
    await say(update, texts.quick_exit_line(t), ReplyKeyboardRemove())
