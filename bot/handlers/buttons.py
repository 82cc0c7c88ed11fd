"""Every inline button lands here: its data is parsed once, validated, and dispatched."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import BadRequest

from bot import callbacks as cb
from bot import texts
from bot.context import JuntosContext
from bot.flows import conversation, inputs
from bot.handlers import crisis, start
from bot.handlers.common import show_menu, translator


async def press_button(update: Update, context: JuntosContext) -> None:
    """Answer the button press, then act on what the (untrusted) data says."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(BadRequest):  # too old to answer: still act on it
        await query.answer()
    if update.effective_chat is None:  # a button of an inline message: no chat to answer in
        return
    action = cb.parse(query.data)
    match action:
        case None:  # not data this bot makes (forged, or from an older version)
            t = translator(update, context)
            await show_menu(update, t, texts.stale_button(t))
        case cb.MenuChoice(cb.Menu.DANGER):
            await crisis.send_crisis_reply(update, context, crisis.UNSPECIFIED_DANGER)
        case cb.MenuChoice(cb.Menu.ABOUT):
            await start.about(update, context)
        case cb.MenuChoice(cb.Menu.LANGUAGE):
            await start.ask_language(update, context)
        case cb.MenuChoice(cb.Menu.HOME):
            await start.cancel(update, context)
        case cb.PickLanguage(locale):
            await start.set_language(update, context, locale)
        case _:
            given = inputs.from_button(action)
            if given is None:  # a typed action no flow takes (none today)
                t = translator(update, context)
                await show_menu(update, t, texts.stale_button(t))
                return
            await conversation.handle(update, context, given)
