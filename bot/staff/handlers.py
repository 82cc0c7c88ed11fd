"""Telegram handlers of the staff side: thin, each one resolves who is writing and hands over
to a flow or a service. Registered in bot/app.py.

Staff are members too: crisis screening and search work for them unchanged. Everything here
first checks that the chat is linked to an active staff member; anyone else gets a kind
explanation (in their language) and nothing changes.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import filters

from bot import texts
from bot.context import JuntosContext, services_of
from bot.handlers.common import say, show_menu, translator
from bot.i18n import Translator
from bot.relay import handlers as relay
from bot.staff import callbacks as scb
from bot.staff import cases, follow_up, referral
from bot.staff import texts as stexts
from bot.staff.dates import parse_date
from bot.staff.identity import current_staff
from domain.cases import format_case_code, parse_case_code
from domain.crisis import CrisisSignal, lines_for
from domain.errors import InvalidValue
from domain.people import InviteOutcome, Role, StaffMember
from domain.services.staff import redeem_invite
from domain.taxonomy import parse_category
from nlu.client import Parse

log = logging.getLogger(__name__)

#: Rasa intents that only staff use.
STAFF_INTENTS = frozenset({"registrar_referencia", "registrar_seguimiento", "consultar_caso"})


async def _staff_or_explain(update: Update, context: JuntosContext) -> StaffMember | None:
    staff = await current_staff(update, context)
    if staff is None:
        await say(update, stexts.staff_only(translator(update, context)))
    return staff


# --- joining -------------------------------------------------------------------------------------


async def join_with_code(update: Update, context: JuntosContext, code: str) -> None:
    """`/start <code>` (a deep link from an invitation): link this account, or say why not."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != "private":
        return
    t = translator(update, context)
    services = services_of(context)
    name = " ".join(p for p in (user.first_name, user.last_name) if p) if user else ""
    result = await redeem_invite(code, chat.id, name, t.locale, services.uow(), services.clock)
    context.bot_data.staff.forget(chat.id)
    if result.outcome is InviteOutcome.LINKED and result.staff is not None:
        log.info("staff linked: %s", result.staff.actor)
        await say(update, stexts.linked(t, result.organization_name or "", result.staff.role))
        await _show_staff_commands(context, chat.id, t, result.staff.role)
        return
    messages = {
        InviteOutcome.UNKNOWN: stexts.invite_unknown,
        InviteOutcome.USED: stexts.invite_used,
        InviteOutcome.EXPIRED: stexts.invite_expired,
        InviteOutcome.LOCKED: stexts.invite_locked,
    }
    log.info("invite refused: %s", result.outcome.value)
    # Whoever opened a link with a wrong code may be a member, not staff: no dead end.
    await say(update, texts.with_danger_line(t, messages[result.outcome](t)))


async def _show_staff_commands(
    context: JuntosContext, chat_id: int, t: Translator, role: Role
) -> None:
    """This chat's command menu gains the staff commands (members keep the default menu)."""
    commands = [
        BotCommand(name, description)
        for name, description in [
            *texts.command_descriptions(t),
            *stexts.command_descriptions(t, role),
        ]
    ]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("setMyCommands for a staff chat failed: %s", type(exc).__name__)


async def explain_staff_commands(update: Update, context: JuntosContext) -> None:
    """/ayuda from a linked staff member: the staff commands too."""
    if await current_staff(update, context) is not None:
        await say(update, stexts.staff_help(translator(update, context)))


# --- commands ------------------------------------------------------------------------------------


async def start_referral(update: Update, context: JuntosContext) -> None:
    """/referir: the guided referral, step by step."""
    staff = await _staff_or_explain(update, context)
    if staff is None:
        return
    follow_up.drop(context)
    await referral.begin(update, context, staff, referral.Draft())


async def show_cases(update: Update, context: JuntosContext) -> None:
    """/casos: the organisation's open cases, overdue first."""
    staff = await _staff_or_explain(update, context)
    if staff is not None:
        await cases.show_cases(update, context, staff)


def _code_argument(context: JuntosContext) -> str | None:
    joined = "".join(context.args or [])
    try:
        return format_case_code(parse_case_code(joined)) if joined else None
    except InvalidValue:
        return joined or None


async def show_case(update: Update, context: JuntosContext) -> None:
    """/caso CASO-NNNN: one case and its history."""
    staff = await _staff_or_explain(update, context)
    if staff is None:
        return
    code = _code_argument(context)
    if code is None:
        await say(update, stexts.case_code_needed(translator(update, context)))
        return
    await cases.show_case(update, context, staff, code)


async def start_follow_up(update: Update, context: JuntosContext) -> None:
    """/seguimiento CASO-NNNN: the follow-up card."""
    staff = await _staff_or_explain(update, context)
    if staff is None:
        return
    code = _code_argument(context)
    if code is None:
        await say(update, stexts.case_code_needed(translator(update, context)))
        return
    referral.drop(context)
    await follow_up.open_card(update, context, staff, code)


async def cancel_staff_flow(update: Update, context: JuntosContext) -> None:
    """/cancelar while a referral or follow-up is being written: discard it."""
    t = translator(update, context)
    had_referral = referral.active(context)
    referral.drop(context)
    follow_up.drop(context)
    await say(
        update,
        stexts.referral_cancelled(t) if had_referral else stexts.follow_up_cancelled(t),
    )


# --- buttons and text inside a flow --------------------------------------------------------------


async def press_staff_button(update: Update, context: JuntosContext) -> None:
    """Every staff button: parse the (untrusted) data, check who pressed it, dispatch."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(BadRequest):
        await query.answer()
    t = translator(update, context)
    if not scb.is_staff_data(query.data):
        # PTB hands a button with no data to every pattern: treat it as the member side does.
        await show_menu(update, t, texts.stale_button(t))
        return
    staff = await current_staff(update, context)
    if staff is None:
        # A member (or revoked staff) pressing an old or forged staff button.
        await say(update, stexts.staff_only(t))
        return
    action = scb.parse(query.data)
    if action is None:
        await say(update, stexts.stale(t))
        return
    match action:
        case scb.Answer(referral_id, accept):
            await cases.answer(update, context, staff, referral_id, accept)
        case scb.RejectWith(referral_id, reason):
            await cases.answer(update, context, staff, referral_id, False, reason)
        case scb.OpenCase(case_id):
            await cases.show_case_by_id(update, context, staff, case_id)
        case scb.CasesPage(page):
            await cases.show_cases(update, context, staff, page)
        case scb.CapacityInput(service_id, level):
            await cases.answer_capacity(update, context, staff, service_id, level)
        case scb.FollowCase(case_id):
            referral.drop(context)
            await follow_up.open_card(update, context, staff, format_case_code(case_id))
        case scb.ReferralInput(field, value):
            await referral.advance(update, context, staff, field, value)
        case scb.FollowUpInput(field, value):
            await follow_up.advance(update, context, staff, field, value)


class InStaffFlow(filters.MessageFilter):
    """Text from someone who is writing a referral or a follow-up (their flow takes it)."""

    def __init__(self, user_data: object) -> None:
        super().__init__(name="InStaffFlow")
        self._user_data = user_data

    def filter(self, message: object) -> bool:
        user = getattr(message, "from_user", None)
        if user is None:
            return False
        data = self._user_data.get(user.id)  # type: ignore[attr-defined]
        return isinstance(data, dict) and (
            referral.DRAFT_KEY in data or follow_up.DRAFT_KEY in data
        )


async def flow_text(update: Update, context: JuntosContext) -> None:
    """Text while a staff flow waits for an answer: it goes to that flow."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if await relay.relay_reply(update, context):  # a reply in a relay thread, not the flow
        return
    staff = await current_staff(update, context)
    if staff is None:  # revoked meanwhile
        referral.drop(context)
        follow_up.drop(context)
        await say(update, stexts.staff_only(translator(update, context)))
        return
    if referral.active(context):
        await referral.advance(update, context, staff, referral.TEXT, message.text)
    else:
        await follow_up.advance(update, context, staff, follow_up.TEXT, message.text)


# --- one message is enough -----------------------------------------------------------------------


def _case_code(parse: Parse, text: str) -> str | None:
    raw = parse.entity("caso_id")
    for candidate in (raw, text):
        if not candidate:
            continue
        for word in candidate.replace(":", " ").replace(",", " ").split():
            try:
                return format_case_code(parse_case_code(word))
            except InvalidValue:
                continue
        try:
            return format_case_code(parse_case_code(candidate))
        except InvalidValue:
            continue
    return None


def _without_code(text: str, code: str) -> str:
    """The follow-up note: the message without its case code and the word "seguimiento"."""
    number = code.split("-")[1].lstrip("0")
    words = []
    for word in text.split():
        bare = word.strip(":,.;#").casefold()
        if bare in ("seguimiento", "caso", "case", "follow-up", "followup"):
            continue
        if bare.replace("caso-", "").replace("caso", "").lstrip("0") == number and bare:
            continue
        words.append(word)
    return " ".join(words).strip(" :-,")


async def handle_staff_intent(
    update: Update, context: JuntosContext, parse: Parse, text: str
) -> bool:
    """A staff intent from Rasa. True when handled (the writer is staff); False: a member."""
    staff = await current_staff(update, context)
    if staff is None:
        return False
    services = services_of(context)
    if parse.intent == "registrar_referencia":
        draft = referral.Draft()
        age = parse.entity("edad") or ""
        if age.isdigit() and 0 <= int(age) <= 120:
            draft.age, draft.age_asked = int(age), True
        need = parse_category(parse.entity("tipo_servicio") or "")
        draft.need = need
        place = parse.entity("lugar")
        if place:
            found = services.places.resolve(place, limit=3)
            codes = {c.inegi_code: c.municipality or c.name for c in found}
            if len(codes) == 1:
                [(inegi, name)] = codes.items()
                draft.municipality_code, draft.municipality_name = inegi, name
        draft.hint = parse.span("organizacion", text)
        follow_up.drop(context)
        await referral.begin(update, context, staff, draft)
        return True
    code = _case_code(parse, text)
    if code is None:
        await say(update, stexts.case_code_needed(translator(update, context)))
        return True
    if parse.intent == "consultar_caso":
        await cases.show_case(update, context, staff, code)
        return True
    today = services.clock.now().date()
    when = parse.span("fecha", text)
    next_due = parse_date(when, today, translator(update, context).locale) if when else None
    note = _without_code(text, code)
    if when:
        note = note.replace(when, "").strip(" ,.")
    referral.drop(context)
    await follow_up.open_card(update, context, staff, code, note=note or None, next_due=next_due)
    return True


# --- crisis --------------------------------------------------------------------------------------


async def crisis_for_staff(update: Update, context: JuntosContext, signal: CrisisSignal) -> bool:
    """Staff often describe someone else's danger: for them the crisis reply is one line with
    the numbers to pass on, the referral being written becomes urgent, and their flow goes on.
    True when the writer is staff (the caller then sends nothing else)."""
    try:
        staff = await current_staff(update, context)
    except Exception:  # the database is down: the full reply is the safe one
        log.warning("crisis: could not tell whether the writer is staff")
        return False
    if staff is None:
        return False
    t = translator(update, context)
    numbers = " · ".join(f"{line.number}" for line in lines_for(signal))
    lines = [stexts.crisis_line(t, numbers)]
    if referral.mark_urgent(context):
        lines.append(stexts.marked_urgent(t))
    await say(update, "\n".join(lines))
    return True
