"""Start, menu, help, language and cancel: the ways back to solid ground."""

from __future__ import annotations

from telegram import Update

from bot import keyboards, texts
from bot.context import JuntosContext, services_of
from bot.flows import conversation
from bot.handlers.common import say, show_menu, translator, user_data
from bot.staff import handlers as staff
from bot.state import LOCALE_KEY


async def start(update: Update, context: JuntosContext) -> None:
    """Welcome the member, say one line about privacy, and show the menu.

    `/start <code>` comes from an invitation link: it links a staff account instead.
    """
    if context.args:
        await staff.join_with_code(update, context, context.args[0])
        return
    conversation.reset(context)
    t = translator(update, context)
    await say(update, texts.welcome(t))
    await show_menu(update, t)


async def show_help(update: Update, context: JuntosContext) -> None:
    """List what the bot can do (and, for partner staff, what they can do too)."""
    t = translator(update, context)
    await say(update, texts.help_text(t), keyboards.main_menu(t))
    await staff.explain_staff_commands(update, context)


async def cancel(update: Update, context: JuntosContext) -> None:
    """Leave the current flow (keeping the language) and show the menu."""
    conversation.reset(context)
    t = translator(update, context)
    await show_menu(update, t, texts.cancelled(t))


async def about(update: Update, context: JuntosContext) -> None:
    """Explain what Juntos is."""
    t = translator(update, context)
    await show_menu(update, t, texts.about(t))


async def ask_language(update: Update, context: JuntosContext) -> None:
    """Offer Spanish and English."""
    t = translator(update, context)
    await say(update, texts.language_prompt(t), keyboards.languages())


async def set_language(update: Update, context: JuntosContext, locale: str) -> None:
    """Remember the member's language and confirm in it."""
    user_data(context)[LOCALE_KEY] = services_of(context).catalogs.get(locale).locale
    t = translator(update, context)
    await show_menu(update, t, texts.language_set(t))
