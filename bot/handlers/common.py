"""Small helpers every feature module uses."""

from __future__ import annotations

from typing import Any

from telegram import (
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot import keyboards, texts
from bot.context import JuntosContext, services_of
from bot.i18n import DEFAULT_LOCALE, Translator
from bot.state import FlowData, member_locale
from domain.geo import Point

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


def user_data(context: JuntosContext) -> dict[Any, Any]:
    data = context.user_data
    return data if data is not None else {}


def chat_data(context: JuntosContext) -> dict[Any, Any]:
    data = context.chat_data
    return data if data is not None else {}


def translator(update: Update, context: JuntosContext) -> Translator:
    """The member's language: their choice, else their Telegram app's, else Spanish."""
    catalogs = services_of(context).catalogs
    user = update.effective_user
    locale = member_locale(
        user_data(context), user.language_code if user else None, catalogs.default
    )
    return catalogs.get(locale or DEFAULT_LOCALE)


async def say(update: Update, text: str, markup: Markup | None = None) -> Message | None:
    """Send `text` to the chat of `update` (a new message; buttons stay in the history)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, reply_markup=markup)


async def show_menu(update: Update, t: Translator, lead: str | None = None) -> None:
    text = f"{lead}\n{texts.menu_prompt(t)}" if lead else texts.menu_prompt(t)
    await say(update, text, keyboards.main_menu(t))


async def hide_reply_keyboard(update: Update, text: str) -> None:
    await say(update, text, ReplyKeyboardRemove())


def search_point(update: Update, context: JuntosContext, flow: FlowData) -> Point | None:
    """Where to search from: the typed place, or the location the member shared recently."""
    typed = flow.typed_point
    if typed is not None:
        return typed
    chat = update.effective_chat
    return context.bot_data.points.recall(chat.id) if chat is not None else None


def forget_shared_point(update: Update, context: JuntosContext) -> None:
    chat = update.effective_chat
    if chat is not None:
        context.bot_data.points.forget(chat.id)
