"""The follow-up card (`/seguimiento CASO-NNNN`, a case's "Follow-up" button, or one message):
an explicit state machine.

The card shows the case's current status and what will be logged; buttons choose a status
move (only those the domain allows this person), a reason (for a rejection), the next date
(+3 d, +7 d, +14 d or typed) and a note. Nothing is saved until "Save".

    CARD ─status=rejected→ REASON → CARD
    CARD ─due=typed→ DATE → CARD        CARD ─note=add→ NOTE → CARD
    CARD ─do=save→ saved                CARD ─do=cancel→ discarded
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import JuntosContext, services_of
from bot.handlers.common import say, translator, user_data
from bot.i18n import Translator
from bot.staff import keyboards as skb
from bot.staff import texts as stexts
from bot.staff.dates import parse_date
from domain.cases import MAX_NOTE_CHARS, ReferralStatus, RejectionReason
from domain.errors import AccessDenied, DomainError, IllegalTransition, NotFound
from domain.people import StaffMember
from domain.services.referrals import FollowUpEntry, follow_up_options, log_follow_up

log = logging.getLogger(__name__)

DRAFT_KEY = "staff_follow_up"
TEXT = "text"


class Step(StrEnum):
    CARD = "card"
    REASON = "reason"
    DATE = "date"
    NOTE = "note"


@dataclass
class Draft:
    case_code: str
    current: ReferralStatus
    moves: list[ReferralStatus] = field(default_factory=list)
    step: Step = Step.CARD
    status: ReferralStatus | None = None
    reason: RejectionReason | None = None
    note: str | None = None
    next_due: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_code": self.case_code,
            "current": self.current.value,
            "moves": [m.value for m in self.moves],
            "step": self.step.value,
            "status": self.status.value if self.status else None,
            "reason": self.reason.value if self.reason else None,
            "note": self.note,
            "next_due": self.next_due.isoformat() if self.next_due else None,
        }

    @classmethod
    def from_dict(cls, data: object) -> Draft | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                case_code=str(data["case_code"]),
                current=ReferralStatus(data["current"]),
                moves=[ReferralStatus(m) for m in data.get("moves", [])],
                step=Step(data.get("step", "card")),
                status=ReferralStatus(data["status"]) if data.get("status") else None,
                reason=RejectionReason(data["reason"]) if data.get("reason") else None,
                note=data.get("note") if isinstance(data.get("note"), str) else None,
                next_due=date.fromisoformat(data["next_due"]) if data.get("next_due") else None,
            )
        except (TypeError, ValueError, KeyError):
            return None


def load(context: JuntosContext) -> Draft | None:
    return Draft.from_dict(user_data(context).get(DRAFT_KEY))


def save(context: JuntosContext, draft: Draft) -> None:
    user_data(context)[DRAFT_KEY] = draft.to_dict()


def drop(context: JuntosContext) -> None:
    user_data(context).pop(DRAFT_KEY, None)


def active(context: JuntosContext) -> bool:
    return load(context) is not None


@dataclass
class Turn:
    update: Update
    context: JuntosContext
    staff: StaffMember
    draft: Draft
    t: Translator


#: A step function returns the step to wait in next (None: the card, shown again).
StepFunction = Callable[[Turn, str], Awaitable[Step | None]]


async def pick_status(turn: Turn, value: str) -> Step | None:
    status = ReferralStatus(value)
    if status not in turn.draft.moves:
        await say(turn.update, stexts.not_allowed(turn.t))
        return None
    turn.draft.status = status
    turn.draft.reason = None
    if status is ReferralStatus.REJECTED:
        await say(turn.update, stexts.ask_reason(turn.t), skb.follow_up_reasons(turn.t))
        return Step.REASON
    return None


async def pick_reason(turn: Turn, value: str) -> Step | None:
    turn.draft.reason = RejectionReason(value)
    return None


async def pick_due(turn: Turn, value: str) -> Step | None:
    if value == "typed":
        await say(turn.update, stexts.ask_follow_up_date(turn.t))
        return Step.DATE
    if value == "none":
        turn.draft.next_due = None
        return None
    today = services_of(turn.context).clock.now().date()
    turn.draft.next_due = today + timedelta(days=int(value))
    return None


async def take_date(turn: Turn, text: str) -> Step | None:
    today = services_of(turn.context).clock.now().date()
    found = parse_date(text, today, turn.t.locale)
    if found is None:
        await say(turn.update, stexts.bad_date(turn.t))
        return Step.DATE
    turn.draft.next_due = found
    return None


async def pick_note(turn: Turn, value: str) -> Step | None:
    if value == "clear":
        turn.draft.note = None
        return None
    await say(turn.update, stexts.ask_follow_up_note(turn.t))
    return Step.NOTE


async def take_note(turn: Turn, text: str) -> Step | None:
    if len(text) > MAX_NOTE_CHARS:
        await say(turn.update, stexts.note_too_long(turn.t, len(text)))
        return Step.NOTE
    turn.draft.note = text.strip() or None
    return None


async def finish(turn: Turn, value: str) -> Step | None:
    draft = turn.draft
    if value == "cancel":
        drop(turn.context)
        await say(turn.update, stexts.follow_up_cancelled(turn.t))
        return None
    if draft.status is None and not draft.note and draft.next_due is None:
        await say(turn.update, stexts.nothing_to_save(turn.t))
        return None
    if draft.status is ReferralStatus.REJECTED and draft.reason is None:
        await say(turn.update, stexts.ask_reason(turn.t), skb.follow_up_reasons(turn.t))
        return Step.REASON
    services = services_of(turn.context)
    await log_follow_up(
        FollowUpEntry(
            case_code=draft.case_code,
            status=draft.status,
            reason=draft.reason,
            note=draft.note or "",
            next_due=draft.next_due,
        ),
        turn.staff,
        services.uow(),
        services.clock,
        services.notifier,
    )
    drop(turn.context)
    await say(turn.update, stexts.follow_up_saved(turn.t, draft.case_code))
    return None


TABLE: dict[tuple[Step, str], StepFunction] = {
    (Step.CARD, "status"): pick_status,
    (Step.REASON, "reason"): pick_reason,
    (Step.CARD, "due"): pick_due,
    (Step.DATE, TEXT): take_date,
    (Step.DATE, "due"): pick_due,
    (Step.CARD, "note"): pick_note,
    (Step.NOTE, TEXT): take_note,
    (Step.CARD, "do"): finish,
    (Step.REASON, "do"): finish,
}


def _card(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    text = stexts.follow_up_card(
        t,
        code=draft.case_code,
        current=draft.current,
        new_status=draft.status,
        reason=draft.reason,
        note=draft.note,
        next_due=draft.next_due,
    )
    return text, skb.follow_up(t, draft.moves)


async def _show(update: Update, t: Translator, draft: Draft) -> None:
    """The card: edited in place when a button of it was pressed, else sent anew."""
    text, markup = _card(t, draft)
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # unchanged, or too old to edit
            await query.edit_message_text(text, reply_markup=markup)
            return
    await say(update, text, markup)


async def open_card(
    update: Update,
    context: JuntosContext,
    staff: StaffMember,
    code: str,
    *,
    note: str | None = None,
    next_due: date | None = None,
) -> None:
    """Show the follow-up card of a case the staff member may see (pre-filled, maybe)."""
    t = translator(update, context)
    services = services_of(context)
    try:
        options = await follow_up_options(code, staff, services.uow(), services.clock)
    except (NotFound, AccessDenied):
        await say(update, stexts.case_not_found(t, code.upper()))
        return
    draft = Draft(
        case_code=options.case.code,
        current=options.referral.status,
        moves=list(options.moves),
        note=note[:MAX_NOTE_CHARS] if note else None,
        next_due=next_due,
    )
    save(context, draft)
    text, markup = _card(t, draft)
    await say(update, text, markup)


async def advance(
    update: Update, context: JuntosContext, staff: StaffMember, event: str, value: str
) -> None:
    t = translator(update, context)
    draft = load(context)
    if draft is None:
        await say(update, stexts.stale(t))
        return
    step_function = TABLE.get((draft.step, event))
    if step_function is None:
        await _show(update, t, draft)
        return
    turn = Turn(update, context, staff, draft, t)
    try:
        next_step = await step_function(turn, value)
    except (IllegalTransition, AccessDenied, NotFound):
        drop(context)
        await say(update, stexts.stale(t))
        return
    except DomainError as exc:
        log.info("follow-up refused: %s", type(exc).__name__)
        await say(update, stexts.try_again(t))
        return
    if load(context) is None:  # saved or discarded
        return
    draft.step = next_step or Step.CARD
    save(context, draft)
    if next_step is None:
        await _show(update, t, draft)
