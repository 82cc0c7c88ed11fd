"""/estado: the member's own requests and where each one stands."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import JuntosContext, services_of
from bot.handlers.common import say, show_menu, translator
from domain.services.members import member_data


async def show_status(update: Update, context: JuntosContext) -> None:
    """The member's own requests and where each one stands."""
    chat = update.effective_chat
    if chat is None:
        return
    t = translator(update, context)
    services = services_of(context)
    data = await member_data(chat.id, services.uow(), services.clock)
    if not data.cases:
        await show_menu(update, t, texts.no_requests(t))
        return
    await say(update, texts.requests_list(t, data.cases))
