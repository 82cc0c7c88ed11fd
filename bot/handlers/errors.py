"""The one error handler: log what broke (never who or what they wrote), apologise kindly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.context import JuntosContext
from bot.handlers.common import say, translator

log = logging.getLogger(__name__)


async def apologise(update: object, context: JuntosContext) -> None:
    """Log the error's type and the update id; tell the member, in their language."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "handler failed on update %s: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        t = translator(update, context)
        await say(update, texts.error_apology(t))
    except (TelegramError, RuntimeError):
        log.warning("could not send the apology for update %s", update_id)
