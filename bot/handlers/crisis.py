"""Crisis first: every text is screened before anything else, with no database and no NLU."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import keyboards, texts
from bot.context import JuntosContext
from bot.handlers.common import say, translator
from bot.staff import handlers as staff
from domain.crisis import CrisisSignal, detect_crisis, lines_for
from domain.emergency import DangerKind

log = logging.getLogger(__name__)

#: What the menu's "I'm in danger" button and Rasa's `emergencia` intent mean.
UNSPECIFIED_DANGER = CrisisSignal(kinds=frozenset({DangerKind.EMERGENCY}), uncertain=False)


async def send_crisis_reply(update: Update, context: JuntosContext, signal: CrisisSignal) -> None:
    """Send the emergency lines for `signal`, then the two ways forward."""
    t = translator(update, context)
    await say(update, texts.crisis(t, lines_for(signal), signal.uncertain), keyboards.crisis(t))


async def screen_for_crisis(update: Update, context: JuntosContext) -> None:
    """Answer a message that shows danger with the emergency lines, before any other handler.

    A clear signal stops further handling; an uncertain one ("when in doubt, show the lines")
    lets the normal flow answer too.
    """
    message = update.effective_message
    if message is None or not message.text:
        return
    signal = detect_crisis(message.text)
    if signal is None:
        return
    # Kinds only: never the text.
    log.info(
        "crisis signal: kinds=%s uncertain=%s", ",".join(sorted(signal.kinds)), signal.uncertain
    )
    if await staff.crisis_for_staff(update, context, signal):
        return  # staff describing someone else's danger: one line, and their flow goes on
    await send_crisis_reply(update, context, signal)
    if not signal.uncertain:
        raise ApplicationHandlerStop
