"""Cases for staff: the list (/casos), a case's card (/caso), and answering a referral."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.context import JuntosContext, services_of
from bot.handlers.common import say, translator
from bot.i18n import Translator
from bot.staff import callbacks as scb
from bot.staff import keyboards as skb
from bot.staff import texts as stexts
from domain.capacity import CapacityLevel
from domain.cases import ReferralStatus, RejectionReason, format_case_code
from domain.errors import AccessDenied, IllegalTransition, NotFound
from domain.people import StaffMember
from domain.services.referrals import (
    CaseRecord,
    allowed_moves,
    answer_referral,
    list_cases,
    read_case,
)
from domain.services.relay import WRITABLE
from domain.services.reminders import record_capacity

log = logging.getLogger(__name__)


async def show_cases(
    update: Update, context: JuntosContext, staff: StaffMember, page: int = 0
) -> None:
    """The open cases the staff member may see, overdue first, five to a page."""
    t = translator(update, context)
    services = services_of(context)
    listing = await list_cases(staff, page, services.uow(), services.clock)
    if listing.total == 0:
        await say(update, stexts.no_cases(t))
        return
    lines = [stexts.cases_header(t, listing.total, listing.page + 1, listing.pages)]
    for line in listing.lines:
        case, referral = line.summary.case, line.referral
        lines.append(
            stexts.case_line(
                t,
                code=case.code,
                alias=case.alias,
                status=referral.status if referral else None,
                needs=stexts.needs_text(t, sorted(case.needs)),
                sent=line.sent,
                other=line.to_organization if line.sent else line.from_organization,
                overdue=line.overdue,
                urgent=referral is not None and referral.urgent and referral.is_open,
                next_due=line.summary.next_due,
            )
        )
    codes = [(line.summary.case.id or 0, line.summary.case.code) for line in listing.lines]
    await say(update, "\n\n".join(lines), skb.case_list(t, codes, listing.page, listing.pages))


def _card_text(context: JuntosContext, t: Translator, record: CaseRecord) -> str:
    case = record.case
    places = services_of(context).places
    municipality = places.municipality(case.municipality_code) if case.municipality_code else None
    lines = [
        stexts.referral_line(
            t,
            record.organization_names.get(r.from_organization_id or ""),
            record.organization_names.get(r.to_organization_id, ""),
            r.status,
            r.urgent and r.is_open,
        )
        for r in record.referrals
    ]
    pending = [f.due_date for f in record.follow_ups if f.done_at is None]
    return stexts.case_card(
        t,
        code=case.code,
        alias=case.alias,
        age=case.age,
        gender=case.gender,
        municipality=municipality.name if municipality else None,
        needs=stexts.needs_text(t, sorted(case.needs)),
        lines=lines,
        notes=record.notes,
        history=record.history,
        next_due=min(pending) if pending else None,
    )


async def show_case(update: Update, context: JuntosContext, staff: StaffMember, code: str) -> None:
    """A case's card and history, with what this person may do next."""
    t = translator(update, context)
    services = services_of(context)
    try:
        record = await read_case(code, staff, services.uow(), services.clock)
    except NotFound:
        await say(update, stexts.case_not_found(t, code.upper()))
        return
    current = record.current_referral(staff)
    answerable = None
    if (
        current is not None
        and current.status is ReferralStatus.REQUESTED
        and ReferralStatus.ACCEPTED in allowed_moves(staff, record.case, current)
    ):
        answerable = current.id
    can_follow = current is not None and (
        bool(allowed_moves(staff, record.case, current)) or current.is_open
    )
    can_write = (
        current is not None
        and current.to_organization_id == staff.organization_id
        and current.status in WRITABLE
        and record.case.member_id is not None
    )
    markup = skb.case_actions(t, record.case.id or 0, answerable, can_follow, can_write)
    await say(update, _card_text(context, t, record), markup)


async def show_case_by_id(
    update: Update, context: JuntosContext, staff: StaffMember, case_id: int
) -> None:
    await show_case(update, context, staff, format_case_code(case_id))


async def answer_capacity(
    update: Update, context: JuntosContext, staff: StaffMember, service_id: str, code: str
) -> None:
    """Store the weekly capacity answer of a service, and show it on the question."""
    t = translator(update, context)
    services = services_of(context)
    level = CapacityLevel(scb.CAPACITY_CODES[code])
    try:
        await record_capacity(service_id, level, staff, services.uow(), services.clock)
        async with services.uow() as uow:
            service = await uow.directory.get_service(service_id)
    except (NotFound, AccessDenied):
        await say(update, stexts.not_allowed(t))
        return
    name = service.name if service is not None else service_id
    note = stexts.capacity_saved(t, name, level)
    if not await _close_buttons(update, note):
        await say(update, note)  # the question is too old to edit: say it anew


async def _close_buttons(update: Update, note: str) -> bool:
    """Replace the buttons of the card that was pressed by what happened (on this screen).
    False when there was no card to edit (too old: Telegram no longer shows it to the bot)."""
    query = update.callback_query
    if query is None or query.message is None:
        return False
    original = getattr(query.message, "text", None) or ""
    try:
        await query.edit_message_text(f"{original}\n\n{note}" if original else note)
    except BadRequest:
        return False
    return True


async def answer(
    update: Update,
    context: JuntosContext,
    staff: StaffMember,
    referral_id: int,
    accept: bool,
    reason: RejectionReason | None = None,
) -> None:
    """Accept, ask for the reason of a rejection, or reject with it."""
    t = translator(update, context)
    services = services_of(context)
    if not accept and reason is None:
        await say(update, stexts.ask_reason(t), skb.reasons(t, referral_id))
        return
    try:
        referral, case = await answer_referral(
            referral_id, accept, staff, services.uow(), services.clock, services.notifier, reason
        )
    except (NotFound, AccessDenied):
        await say(update, stexts.not_allowed(t))
        return
    except IllegalTransition as exc:
        await say(update, stexts.already_answered(t, ReferralStatus(exc.current)))
        return
    if accept:
        note = stexts.answered_accepted(t, case.code)
    else:
        assert reason is not None
        note = stexts.answered_rejected(t, case.code, reason)
    await _close_buttons(update, note)
    await say(update, note, skb.open_case(t, case.id or 0) if accept else None)
    log.info("referral %s answered: %s", referral.id, referral.status.value)
