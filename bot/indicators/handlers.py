"""/indicadores: period buttons, then the chart as a photo and the same numbers as a CSV file.

Thin: who may read what is decided by domain/services/indicators.py. A member or partner
staff gets a kind refusal; an empty period says so instead of drawing empty axes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot.context import JuntosContext, services_of
from bot.handlers.common import say, translator
from bot.i18n import Translator
from bot.indicators import callbacks as icb
from bot.indicators import texts as itexts
from bot.indicators.chart import render_png
from bot.indicators.table import csv_bytes
from bot.staff.identity import current_staff
from domain.errors import AccessDenied, InvalidValue
from domain.indicators import Period
from domain.municipal_time import DEFAULT_ZONE
from domain.people import Role, StaffMember
from domain.ports import PlaceFinder
from domain.services.indicators import (
    IndicatorRequest,
    may_read_indicators,
    municipality_zone,
    read_indicators,
)

log = logging.getLogger(__name__)


def places_label(
    t: Translator, codes: frozenset[str] | tuple[str, ...], places: PlaceFinder
) -> str:
    """'Juárez' / 'Juárez y Tijuana'; every municipality for an admin (no codes)."""
    if not codes:
        return itexts.all_municipalities(t)
    names = []
    for code in sorted(codes):
        found = places.municipality(code)
        names.append(found.name if found else code)
    return t.and_list(names)


def period_keyboard(t: Translator) -> InlineKeyboardMarkup:
    labels = itexts.period_buttons(t)
    buttons = [
        InlineKeyboardButton(labels[p], callback_data=icb.encode(icb.ChoosePeriod(p)))
        for p in icb.PERIODS
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def month_keyboard(t: Translator, months: list[tuple[int, int]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            itexts.month_label(t, y, m), callback_data=icb.encode(icb.ChooseMonth(y, m))
        )
        for y, m in months
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


async def _reader(update: Update, context: JuntosContext) -> StaffMember | None:
    """The coordinator or admin writing; anyone else hears why not (members with the lines)."""
    staff = await current_staff(update, context)
    if staff is not None and may_read_indicators(staff):
        return staff
    await say(update, itexts.coordinators_only(translator(update, context), member=staff is None))
    return None


async def ask_period(update: Update, context: JuntosContext) -> None:
    """/indicadores: which period?"""
    staff = await _reader(update, context)
    if staff is None:
        return
    t = translator(update, context)
    places = places_label(t, staff.municipality_codes, services_of(context).places)
    await say(update, itexts.ask_period(t, places), period_keyboard(t))


async def press_indicator_button(update: Update, context: JuntosContext) -> None:
    """A period or month button: parse the (untrusted) data, check the reader, send."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(BadRequest):
        await query.answer()
    staff = await _reader(update, context)
    if staff is None:
        return
    t = translator(update, context)
    services = services_of(context)
    action = icb.parse(query.data)
    today = services.clock.now().date()
    try:
        period = icb.period_of(action, today) if action is not None else None
    except InvalidValue:
        action = None
        period = None
    if action is None:
        await say(update, itexts.stale(t))
        return
    if period is None:
        await say(update, itexts.ask_month(t), month_keyboard(t, icb.recent_months(today)))
        return
    await send_indicators(update, context, staff, period)


async def send_indicators(
    update: Update, context: JuntosContext, staff: StaffMember, period: Period
) -> None:
    t = translator(update, context)
    services = services_of(context)
    codes = staff.municipality_codes if staff.role is Role.COORDINATOR else frozenset()
    zone = municipality_zone(min(codes), services.places) if codes else DEFAULT_ZONE
    try:
        found = await read_indicators(
            staff, IndicatorRequest(period, zone), services.uow(), services.clock
        )
    except AccessDenied:
        await say(update, itexts.not_theirs(t))
        return
    if found.empty:
        await say(update, itexts.empty_period(t, period), period_keyboard(t))
        return
    chat = update.effective_chat
    if chat is None:
        return
    places = places_label(t, codes, services.places)
    with contextlib.suppress(TelegramError):
        await chat.send_action(ChatAction.UPLOAD_PHOTO)
    png = await asyncio.to_thread(render_png, t, found, places)
    caption = itexts.photo_caption(
        t, places, period, itexts.count(t, found.made), itexts.percent(t, found.completion_rate)
    )
    await chat.send_photo(InputFile(png, filename="indicadores.png"), caption=caption)
    await chat.send_document(
        InputFile(csv_bytes(t, found), filename=itexts.csv_name(t, period)),
    )
    log.info("indicators sent to %s", staff.actor)
