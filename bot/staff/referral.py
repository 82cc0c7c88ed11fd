"""The guided referral (`/referir`, or one message through Rasa): an explicit state machine.

States are `Step`; events are free text or a button field (bot/staff/callbacks.py). `TABLE`
maps (step, event) to the function that takes the input; each returns the next step, or None
to go to the next step whose answer is still missing (so a referral pre-filled from one
message asks only for the rest, and an edit goes back to the confirmation card). Nothing is
saved until the staff member confirms the card; consent is a required step.

    ALIAS → AGE → GENDER → MUNICIPALITY → NEED → DESTINATION (→ DEST_NAME) → URGENCY
      → CONSENT → NOTE → CONFIRM (→ EDIT → the field → CONFIRM) → saved
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.context import JuntosContext, services_of
from bot.handlers.common import say, translator, user_data
from bot.i18n import Translator
from bot.staff import keyboards as skb
from bot.staff import texts as stexts
from domain.cases import MAX_NOTE_CHARS, Gender
from domain.errors import DomainError, InvalidValue
from domain.people import StaffMember
from domain.services.referrals import (
    Destination,
    NewReferral,
    check_alias,
    destinations_named,
    home_municipalities,
    refer_person,
    suggest_destinations,
)
from domain.taxonomy import Category, parse_category

log = logging.getLogger(__name__)

DRAFT_KEY = "staff_referral"
TEXT = "text"


class Step(StrEnum):
    ALIAS = "alias"
    AGE = "age"
    GENDER = "gender"
    MUNICIPALITY = "muni"
    NEED = "need"
    DESTINATION = "dest"
    DEST_NAME = "dest_name"
    URGENCY = "urgent"
    CONSENT = "consent"
    NOTE = "note"
    CONFIRM = "confirm"
    EDIT = "edit"


@dataclass
class Option:
    """Something offered on a numbered button: a municipality or a destination."""

    key: str
    label: str
    organization_id: str = ""


@dataclass
class Draft:
    step: Step = Step.ALIAS
    alias: str | None = None
    age: int | None = None
    age_asked: bool = False
    gender: Gender | None = None
    municipality_code: str | None = None
    municipality_name: str | None = None
    need: Category | None = None
    service_id: str | None = None
    organization_id: str | None = None
    organization_name: str | None = None
    urgent: bool | None = None
    consent: bool | None = None
    note: str | None = None
    editing: bool = False
    options: list[Option] = field(default_factory=list)
    #: An organisation named in a one-line referral, searched for at the destination step.
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["step"] = self.step.value
        data["gender"] = self.gender.value if self.gender else None
        data["need"] = self.need.value if self.need else None
        return data

    @classmethod
    def from_dict(cls, data: object) -> Draft | None:
        if not isinstance(data, dict):
            return None
        try:
            values = dict(data)
            values["step"] = Step(values.get("step", "alias"))
            values["gender"] = Gender(values["gender"]) if values.get("gender") else None
            values["need"] = parse_category(values["need"]) if values.get("need") else None
            values["options"] = [Option(**o) for o in values.get("options", [])]
            return cls(**values)
        except (TypeError, ValueError, KeyError):
            return None


def load(context: JuntosContext) -> Draft | None:
    return Draft.from_dict(user_data(context).get(DRAFT_KEY))


def save(context: JuntosContext, draft: Draft) -> None:
    user_data(context)[DRAFT_KEY] = draft.to_dict()


def drop(context: JuntosContext) -> None:
    user_data(context).pop(DRAFT_KEY, None)


def missing(draft: Draft) -> Step:
    """The first step whose answer is still missing (CONFIRM when none is)."""
    checks = (
        (Step.ALIAS, draft.alias is None),
        (Step.AGE, not draft.age_asked),
        (Step.GENDER, draft.gender is None),
        (Step.MUNICIPALITY, draft.municipality_code is None),
        (Step.NEED, draft.need is None),
        (Step.DESTINATION, draft.organization_id is None),
        (Step.URGENCY, draft.urgent is None),
        (Step.CONSENT, draft.consent is None),
        (Step.NOTE, draft.note is None),
    )
    return next((step for step, empty in checks if empty), Step.CONFIRM)


@dataclass
class Turn:
    """One input to the flow: who, in which language, with which draft."""

    update: Update
    context: JuntosContext
    staff: StaffMember
    draft: Draft
    t: Translator


@dataclass(frozen=True)
class Asked:
    """The step function already said what it needed: the flow waits in `step`."""

    step: Step


#: What a step function returns: a step to ask, Asked (it replied itself), or None (ask the
#: next missing answer).
Outcome = Step | Asked | None
StepFunction = Callable[[Turn, str], Awaitable[Outcome]]


# --- taking input ------------------------------------------------------------------------------


async def take_alias(turn: Turn, text: str) -> Outcome:
    try:
        turn.draft.alias = check_alias(text)
    except InvalidValue:
        await say(turn.update, stexts.bad_alias(turn.t), skb.cancel_only(turn.t))
        return Asked(Step.ALIAS)
    return None


_NUMBER = re.compile(r"\d{1,3}")


async def take_age(turn: Turn, text: str) -> Outcome:
    found = _NUMBER.search(text)
    if found is None or not 0 <= int(found.group()) <= 120:
        await say(turn.update, stexts.bad_age(turn.t), skb.unknown_age(turn.t))
        return Asked(Step.AGE)
    turn.draft.age = int(found.group())
    turn.draft.age_asked = True
    return None


async def take_unknown_age(turn: Turn, _value: str) -> Outcome:
    turn.draft.age = None
    turn.draft.age_asked = True
    return None


async def take_gender(turn: Turn, value: str) -> Outcome:
    turn.draft.gender = Gender(value)
    return None


async def take_municipality(turn: Turn, value: str) -> Outcome:
    index = int(value) if value.isdigit() else -1
    if not 0 <= index < len(turn.draft.options):
        await say(turn.update, stexts.stale(turn.t))
        return Asked(Step.MUNICIPALITY)
    chosen = turn.draft.options[index]
    turn.draft.municipality_code, turn.draft.municipality_name = chosen.key, chosen.label
    turn.draft.options = []
    return None


async def find_municipality(turn: Turn, text: str) -> Outcome:
    places = services_of(turn.context).places
    seen: dict[str, str] = {}
    for candidate in places.resolve(text, limit=8):
        seen.setdefault(candidate.inegi_code, candidate.municipality or candidate.name)
    if not seen:
        await say(turn.update, stexts.municipality_not_found(turn.t), skb.cancel_only(turn.t))
        return Asked(Step.MUNICIPALITY)
    if len(seen) == 1:
        [(code, name)] = seen.items()
        turn.draft.municipality_code, turn.draft.municipality_name = code, name
        return None
    turn.draft.options = [Option(code, name) for code, name in list(seen.items())[:6]]
    await say(
        turn.update,
        stexts.ask_municipality(turn.t),
        skb.options(turn.t, "muni", [o.label for o in turn.draft.options]),
    )
    return Asked(Step.MUNICIPALITY)


async def take_need(turn: Turn, value: str) -> Outcome:
    turn.draft.need = Category(value)
    if turn.draft.editing:  # another need may mean another destination
        turn.draft.organization_id = None
        turn.draft.service_id = None
        turn.draft.organization_name = None
    return None


def _use_destinations(draft: Draft, found: list[Destination]) -> None:
    draft.options = [
        Option(d.service_id, f"{d.organization_name} · {d.service_name}", d.organization_id)
        for d in found
    ]


async def take_destination(turn: Turn, value: str) -> Outcome:
    if value == "name":
        await say(turn.update, stexts.ask_destination_name(turn.t), skb.cancel_only(turn.t))
        return Asked(Step.DEST_NAME)
    index = int(value) if value.isdigit() else -1
    if not 0 <= index < len(turn.draft.options):
        await say(turn.update, stexts.stale(turn.t))
        return Asked(turn.draft.step)
    chosen = turn.draft.options[index]
    turn.draft.service_id = chosen.key
    turn.draft.organization_id = chosen.organization_id
    turn.draft.organization_name = chosen.label.split(" · ")[0]
    turn.draft.options = []
    return None


async def search_destination(turn: Turn, text: str) -> Outcome:
    services = services_of(turn.context)
    found = await destinations_named(text, turn.draft.need, turn.staff, services.uow())
    if not found:
        await say(turn.update, stexts.destination_not_found(turn.t), skb.cancel_only(turn.t))
        return Asked(Step.DEST_NAME)
    _use_destinations(turn.draft, found)
    await say(
        turn.update,
        stexts.ask_destination(turn.t, len(found)),
        skb.destinations(turn.t, [o.label for o in turn.draft.options]),
    )
    return Asked(Step.DESTINATION)


async def take_urgency(turn: Turn, value: str) -> Outcome:
    turn.draft.urgent = value == "1"
    return None


async def take_consent(turn: Turn, value: str) -> Outcome:
    if value != "1":
        drop(turn.context)
        await say(turn.update, stexts.no_consent(turn.t))
        return None
    turn.draft.consent = True
    return None


async def take_note(turn: Turn, text: str) -> Outcome:
    if len(text) > MAX_NOTE_CHARS:
        await say(turn.update, stexts.note_too_long(turn.t, len(text)), skb.no_note(turn.t))
        return Asked(Step.NOTE)
    turn.draft.note = text.strip()
    return None


async def take_no_note(turn: Turn, _value: str) -> Outcome:
    turn.draft.note = ""
    return None


async def decide(turn: Turn, value: str) -> Outcome:
    if value == "cancel":
        drop(turn.context)
        await say(turn.update, stexts.referral_cancelled(turn.t))
        return None
    if value == "edit":
        await say(turn.update, stexts.ask_edit(turn.t), skb.edit_fields(turn.t))
        return Asked(Step.EDIT)
    if missing(turn.draft) is not Step.CONFIRM:  # a stale "confirm" on an unfinished draft
        return None
    await _submit(turn)
    return None


async def choose_field(turn: Turn, value: str) -> Outcome:
    draft = turn.draft
    draft.editing = True
    if value == "alias":
        draft.alias = None
    elif value == "age":
        draft.age_asked = False
    elif value == "gender":
        draft.gender = None
    elif value == "muni":
        draft.municipality_code = draft.municipality_name = None
    elif value == "need":
        draft.need = None
    elif value == "dest":
        draft.organization_id = draft.service_id = draft.organization_name = None
    elif value == "urgent":
        draft.urgent = None
    elif value == "note":
        draft.note = None
    return None


TABLE: dict[tuple[Step, str], StepFunction] = {
    (Step.ALIAS, TEXT): take_alias,
    (Step.AGE, TEXT): take_age,
    (Step.AGE, "age"): take_unknown_age,
    (Step.GENDER, "gender"): take_gender,
    (Step.MUNICIPALITY, TEXT): find_municipality,
    (Step.MUNICIPALITY, "muni"): take_municipality,
    (Step.NEED, "need"): take_need,
    (Step.DESTINATION, "dest"): take_destination,
    (Step.DESTINATION, TEXT): search_destination,
    (Step.DEST_NAME, TEXT): search_destination,
    (Step.DEST_NAME, "dest"): take_destination,
    (Step.URGENCY, "urgent"): take_urgency,
    (Step.CONSENT, "consent"): take_consent,
    (Step.NOTE, TEXT): take_note,
    (Step.NOTE, "note"): take_no_note,
    (Step.CONFIRM, "do"): decide,
    (Step.EDIT, "edit"): choose_field,
}


# --- asking -----------------------------------------------------------------------------------


async def _prompt(turn: Turn, step: Step) -> tuple[str, InlineKeyboardMarkup | None]:
    t, draft = turn.t, turn.draft
    if step is Step.ALIAS:
        return stexts.ask_alias(t), skb.cancel_only(t)
    if step is Step.AGE:
        return stexts.ask_age(t), skb.unknown_age(t)
    if step is Step.GENDER:
        return stexts.ask_gender(t), skb.genders(t)
    if step is Step.MUNICIPALITY:
        services = services_of(turn.context)
        codes = await home_municipalities(turn.staff, services.uow())
        draft.options = [
            Option(code, m.name) for code in codes if (m := services.places.municipality(code))
        ][:6]
        return stexts.ask_municipality(t), skb.options(t, "muni", [o.label for o in draft.options])
    if step is Step.NEED:
        return stexts.ask_need(t), skb.needs(t)
    if step is Step.DESTINATION:
        return await _destination_prompt(turn)
    if step is Step.URGENCY:
        return stexts.ask_urgency(t), skb.urgency(t)
    if step is Step.CONSENT:
        return stexts.ask_consent(t), skb.consent(t)
    if step is Step.NOTE:
        return stexts.ask_note(t), skb.no_note(t)
    return (
        stexts.referral_card(
            t,
            alias=draft.alias or "",
            age=draft.age,
            gender=draft.gender,
            municipality=draft.municipality_name,
            need=draft.need,
            destination=draft.organization_name,
            urgent=bool(draft.urgent),
            note=draft.note,
        ),
        skb.confirm(t),
    )


async def _destination_prompt(turn: Turn) -> tuple[str, InlineKeyboardMarkup | None]:
    services = services_of(turn.context)
    draft = turn.draft
    assert draft.need is not None
    found: list[Destination] = []
    if draft.hint:
        found = await destinations_named(draft.hint, draft.need, turn.staff, services.uow())
        draft.hint = None
    if not found:
        municipality = (
            services.places.municipality(draft.municipality_code)
            if draft.municipality_code
            else None
        )
        found = await suggest_destinations(draft.need, municipality, turn.staff, services.uow())
    _use_destinations(draft, found)
    return (
        stexts.ask_destination(turn.t, len(found)),
        skb.destinations(turn.t, [o.label for o in draft.options]),
    )


async def _ask(turn: Turn, step: Step) -> None:
    turn.draft.step = step
    text, markup = await _prompt(turn, step)
    save(turn.context, turn.draft)
    await say(turn.update, text, markup)


async def _submit(turn: Turn) -> None:
    draft = turn.draft
    assert draft.alias is not None
    assert draft.need is not None
    assert draft.organization_id is not None
    services = services_of(turn.context)
    made = await refer_person(
        NewReferral(
            alias=draft.alias,
            need=draft.need,
            to_organization_id=draft.organization_id,
            consent=bool(draft.consent),
            municipality_code=draft.municipality_code,
            age=draft.age,
            gender=draft.gender,
            service_id=draft.service_id,
            urgent=bool(draft.urgent),
            note=draft.note or "",
        ),
        turn.staff,
        services.uow(),
        services.clock,
        services.notifier,
    )
    drop(turn.context)
    await say(turn.update, stexts.referral_sent(turn.t, made.case.code, made.organization_name))


# --- entry points -----------------------------------------------------------------------------


async def begin(update: Update, context: JuntosContext, staff: StaffMember, draft: Draft) -> None:
    """Start (or restart) a referral, asking for the first missing answer."""
    turn = Turn(update, context, staff, draft, translator(update, context))
    await _ask(turn, missing(draft))


async def advance(
    update: Update, context: JuntosContext, staff: StaffMember, event: str, value: str
) -> None:
    """Feed one input (text, or a button's field and value) to the staff member's draft."""
    t = translator(update, context)
    draft = load(context)
    if draft is None:
        await say(update, stexts.stale(t))
        return
    turn = Turn(update, context, staff, draft, t)
    if event == "do" and value == "cancel":
        await decide(turn, "cancel")
        return
    step_function = TABLE.get((draft.step, event))
    if step_function is None:
        # Not an answer to this question (an old button, or text where a button is expected):
        # ask the current question again.
        await _ask(turn, draft.step)
        return
    try:
        outcome = await step_function(turn, value)
    except DomainError as exc:
        log.info("referral flow refused: %s", type(exc).__name__)
        await say(update, stexts.try_again(t))
        return
    if load(context) is None:  # finished or cancelled
        return
    if isinstance(outcome, Asked):
        draft.step = outcome.step
        save(context, draft)
        return
    step = outcome or missing(draft)
    if step is Step.CONFIRM:
        draft.editing = False
    await _ask(turn, step)


def mark_urgent(context: JuntosContext) -> bool:
    """A crisis signal from the staff member: the referral being written becomes urgent."""
    draft = load(context)
    if draft is None:
        return False
    draft.urgent = True
    save(context, draft)
    return True


def active(context: JuntosContext) -> bool:
    return load(context) is not None
