"""/demanda: where help is missing, for the coordinators of a municipality.

`/demanda` asks the period (this month, the last three months, this year) for the
coordinator's municipality (or which one first, when they cover several; `/demanda NAME`
names one). The answer is the map (a photo), the summary, and the ranked table as a CSV. Who
may see which municipality is decided by the domain (`demand_report`), never here: a
coordinator asking for another municipality is refused.

Buttons: `dm:m:<INEGI code>` (a municipality), `dm:<period>:<INEGI code>` (a report). Both are
untrusted: anything else parses to None and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest

from bot.context import JuntosContext, services_of
from bot.handlers.common import say, translator
from bot.i18n import Translator
from bot.staff import demand_texts as dt
from bot.staff import texts as stexts
from bot.staff.demand_map import render_csv, render_png
from bot.staff.identity import current_staff
from domain.errors import AccessDenied, NotFound
from domain.people import Role, StaffMember
from domain.services.demand import PeriodChoice, period_for
from domain.services.demand_report import DemandRequest, demand_report

log = logging.getLogger(__name__)

PATTERN = r"^dm:"
_DATA = re.compile(r"^dm:(m|month|quarter|year):(\d{5})$")


@dataclass(frozen=True)
class ChooseMunicipality:
    code: str


@dataclass(frozen=True)
class ShowReport:
    period: PeriodChoice
    code: str


def parse(data: str | None) -> ChooseMunicipality | ShowReport | None:
    match = _DATA.match(data or "")
    if match is None:
        return None
    kind, code = match.groups()
    return ChooseMunicipality(code) if kind == "m" else ShowReport(PeriodChoice(kind), code)


def _municipality_name(context: JuntosContext, code: str) -> str:
    found = services_of(context).places.municipality(code)
    return found.name if found is not None else code


def _periods(t: Translator, code: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(dt.period_label(t, c), callback_data=f"dm:{c.value}:{code}")
                for c in PeriodChoice
            ]
        ]
    )


def _named_code(context: JuntosContext, words: str) -> str | None:
    """The municipality `/demanda WORDS` names (an INEGI code, or the gazetteer's best)."""
    if re.fullmatch(r"\d{5}", words):
        return words
    for candidate in services_of(context).places.resolve(words, limit=3):
        if candidate.kind == "municipality":
            return candidate.inegi_code
    return None


async def show_demand(update: Update, context: JuntosContext) -> None:
    """/demanda [municipality]: ask which municipality (if several) and which period."""
    t = translator(update, context)
    staff = await current_staff(update, context)
    if staff is None:
        await say(update, stexts.staff_only(t))
        return
    if staff.role not in (Role.COORDINATOR, Role.ADMIN):
        await say(update, dt.demand_only_coordinators(t))
        return
    words = " ".join(context.args or []).strip()
    if words:
        code = _named_code(context, words)
        if code is None:
            await say(update, stexts.municipality_not_found(t))
            return
        await _ask_period(update, context, t, code)
        return
    codes = sorted(staff.municipality_codes)
    if len(codes) == 1:
        await _ask_period(update, context, t, codes[0])
        return
    if not codes:  # an admin covers no municipality in particular: they name one
        await say(update, dt.name_a_municipality(t))
        return
    buttons = [
        [InlineKeyboardButton(_municipality_name(context, c), callback_data=f"dm:m:{c}")]
        for c in codes
    ]
    await say(update, dt.ask_municipality(t), InlineKeyboardMarkup(buttons))


async def _ask_period(update: Update, context: JuntosContext, t: Translator, code: str) -> None:
    await say(update, dt.ask_period(t, _municipality_name(context, code)), _periods(t, code))


async def press_demand_button(update: Update, context: JuntosContext) -> None:
    """A /demanda button: parse the (untrusted) data, then the domain decides who sees what."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(BadRequest):
        await query.answer()
    t = translator(update, context)
    staff = await current_staff(update, context)
    if staff is None:
        await say(update, stexts.staff_only(t))
        return
    action = parse(query.data)
    if action is None:
        await say(update, stexts.stale(t))
        return
    if staff.role not in (Role.COORDINATOR, Role.ADMIN):  # a forged button: as /demanda says
        await say(update, dt.demand_only_coordinators(t))
        return
    match action:
        case ChooseMunicipality(code):
            if staff.role is not Role.ADMIN and code not in staff.municipality_codes:
                await say(update, dt.not_your_municipality(t))
                return
            await _ask_period(update, context, t, code)
        case ShowReport(period, code):
            await _send_report(update, context, t, staff, period, code)


async def _send_report(
    update: Update,
    context: JuntosContext,
    t: Translator,
    staff: StaffMember,
    choice: PeriodChoice,
    code: str,
) -> None:
    services = services_of(context)
    period = period_for(choice, services.clock.now().date())
    try:
        report = await demand_report(
            DemandRequest(code, period),
            staff,
            services.uow(),
            services.grid,
            services.places,
            services.clock,
        )
    except AccessDenied:
        log.info("demand report refused: %s", staff.actor)
        await say(update, dt.not_your_municipality(t))
        return
    except NotFound:
        await say(update, stexts.municipality_not_found(t))
        return
    if report.empty:
        name = report.municipality.name
        await say(update, dt.nothing_in_period(t, name, period.start, period.end))
        return
    chat = update.effective_chat
    if chat is None:
        return
    # Drawing takes a few hundred milliseconds of CPU: not on the event loop.
    png = await asyncio.to_thread(render_png, report, services.grid, t)
    await chat.send_photo(photo=png, caption=dt.map_title(t, report))
    await say(update, dt.summary(t, report))
    await chat.send_document(
        document=InputFile(render_csv(report, t), filename=dt.file_name(report, "csv")),
        caption=dt.csv_caption(t),
    )
