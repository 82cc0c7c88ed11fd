"""'I want someone to contact me': need -> place -> explicit consent, then a pseudonymous case
and referral (domain/services/members.py).

Entries: `start` (the crisis reply's "Quiero que me contacten": about the member's need),
`choose_need` (a need picked for it) and `about_offer` (a confidential place of the search
results, by its letter).
"""

from __future__ import annotations

from enum import StrEnum

from bot import keyboards, texts
from bot.flows import places
from bot.flows.inputs import Kind
from bot.flows.machine import (
    END,
    IDLE_TABLE,
    NOT_NOW,
    NOT_UNDERSTOOD,
    STAY,
    Flow,
    Transition,
    Turn,
    go,
    not_now,
)
from bot.handlers.common import say, show_menu
from bot.state import FlowData
from domain.services.members import ContactRequest, find_contact_target, request_contact


class State(StrEnum):
    NEED = "contact.need"
    PLACE = "contact.place"
    CONSENT = "contact.consent"


MEANING = {
    State.NEED: "asked which kind of help to be contacted about",
    State.PLACE: "asked where (words are read as a place)",
    State.CONSENT: "asked to agree to be contacted by a named organisation",
}


class Event(StrEnum):
    CONTACT_NEED = Kind.CONTACT_NEED
    OFFER = Kind.OFFER
    CANDIDATE = Kind.CANDIDATE
    MAP = Kind.MAP
    LOCATION = Kind.LOCATION
    PLACE_WORDS = Kind.PLACE_WORDS
    NEED_WORDS = Kind.NEED_WORDS
    UNCLEAR = Kind.UNCLEAR
    SAID_YES = Kind.SAID_YES
    SAID_NO = Kind.SAID_NO
    CONSENT_YES = Kind.CONSENT_YES
    CONSENT_NO = Kind.CONSENT_NO


# --- entries and steps ----------------------------------------------------------------------


async def start(turn: Turn) -> StrEnum:
    """Ask to be contacted about the member's need: ask whatever is missing, then consent."""
    _clear_target(turn.data)
    if turn.data.category is None:
        return await _ask_need(turn)
    return await _consent_or_place(turn)


async def choose_need(turn: Turn) -> StrEnum:
    """Take the kind of help to be contacted about, then ask where or ask consent."""
    turn.data.category = turn.input.category
    turn.data.page = 0
    turn.data.wide = False
    _clear_target(turn.data)
    if turn.data.category is None:
        return await _ask_need(turn)
    return await _consent_or_place(turn)


async def about_offer(turn: Turn) -> StrEnum:
    """Ask to be contacted by the confidential place with this letter in the results."""
    offers = turn.data.offers
    if turn.input.index >= len(offers):
        return await not_now(turn)
    offer = offers[turn.input.index]
    turn.data.contact_service_id = offer.service_id
    turn.data.contact_organization = offer.organization_name
    return await _ask_consent(turn)


async def take_location(turn: Turn) -> StrEnum:
    """A shared location: ask the need if still missing, else consent."""
    places.take_location(turn)
    return await _after_place(turn)


async def look_up_place(turn: Turn) -> StrEnum:
    """Read typed words as a place: then the need if still missing, else consent."""
    if not await places.look_up(turn, turn.input.place_words):
        return State.PLACE
    return await _after_place(turn)


async def choose_candidate(turn: Turn) -> StrEnum:
    """Take one of the places offered for a typed name."""
    if not await places.take_candidate(turn):
        return STAY
    return await _after_place(turn)


async def send_request(turn: Turn) -> StrEnum:
    """The member agreed: create the case and its referral; give them its code."""
    data, t = turn.data, turn.t
    if data.contact_service_id is None:
        await not_now(turn)
        return END
    services = turn.services
    result = await request_contact(
        _request(turn), services.uow(), services.clock, services.notifier
    )
    _clear_target(data)
    if result is None:
        await say(turn.update, texts.contact_unavailable(t), keyboards.main_menu(t))
        return END
    await say(turn.update, texts.contact_requested(t, result.case_code, result.organization_name))
    return END


async def decline(turn: Turn) -> StrEnum:
    """The member said no: nothing is shared or stored."""
    _clear_target(turn.data)
    await show_menu(turn.update, turn.t, texts.consent_declined(turn.t))
    return END


async def _ask_need(turn: Turn) -> StrEnum:
    await say(
        turn.update,
        turn.with_notes(texts.category_prompt(turn.t)),
        keyboards.categories(turn.t, for_contact=True),
    )
    return State.NEED


async def _after_place(turn: Turn) -> StrEnum:
    if turn.data.category is None and turn.data.contact_service_id is None:
        return await _ask_need(turn)
    return await _ask_consent(turn)


async def _consent_or_place(turn: Turn) -> StrEnum:
    if turn.search_point() is None:
        await places.ask_place(turn)
        return State.PLACE
    return await _ask_consent(turn)


async def _ask_consent(turn: Turn) -> StrEnum:
    """Say exactly what will be shared, with whom, and how to take it back; ask yes or no."""
    data, t = turn.data, turn.t
    if data.contact_service_id is None:
        # Choose the organisation that would receive the request, so consent can name it.
        target = await find_contact_target(_request(turn), turn.services.uow())
        if target is None:
            await say(
                turn.update, turn.with_notes(texts.contact_unavailable(t)), keyboards.main_menu(t)
            )
            return END
        data.contact_service_id = target.service_id
        data.contact_organization = target.organization_name
    await say(
        turn.update,
        turn.with_notes(texts.consent_prompt(t, data.contact_organization, data.age)),
        keyboards.confirm(t, "consent"),
    )
    return State.CONSENT


def _request(turn: Turn) -> ContactRequest:
    chat_id = turn.chat_id
    assert chat_id is not None
    data = turn.data
    return ContactRequest(
        chat_id=chat_id,
        locale=turn.t.locale,
        category=data.category,
        municipality_code=data.inegi_code,
        point=turn.search_point(),
        age=data.age,
        service_id=data.contact_service_id,
    )


def _clear_target(data: FlowData) -> None:
    data.contact_service_id = None
    data.contact_organization = None


# --- the table ------------------------------------------------------------------------------

NEED, PLACE, CONSENT = State.NEED, State.PLACE, State.CONSENT

TABLE: dict[tuple[State, Event], Transition] = {
    # Asked which kind of help (to be contacted about).
    (NEED, Event.CONTACT_NEED): go(choose_need, NEED, PLACE, CONSENT, END),
    (NEED, Event.LOCATION): go(take_location, NEED, CONSENT, END),
    (NEED, Event.PLACE_WORDS): go(look_up_place, PLACE, NEED, CONSENT, END),
    (NEED, Event.CANDIDATE): go(choose_candidate, STAY, NEED, CONSENT, END),
    (NEED, Event.OFFER): go(about_offer, STAY, CONSENT, END),
    (NEED, Event.MAP): go(places.show_venue, STAY),
    (NEED, Event.NEED_WORDS): IDLE_TABLE,
    (NEED, Event.UNCLEAR): NOT_UNDERSTOOD,
    (NEED, Event.SAID_YES): NOT_UNDERSTOOD,
    (NEED, Event.SAID_NO): NOT_UNDERSTOOD,
    (NEED, Event.CONSENT_YES): NOT_NOW,
    (NEED, Event.CONSENT_NO): NOT_NOW,
    # Asked where: any words that are not small talk are read as a place.
    (PLACE, Event.LOCATION): go(take_location, NEED, CONSENT, END),
    (PLACE, Event.PLACE_WORDS): go(look_up_place, PLACE, NEED, CONSENT, END),
    (PLACE, Event.NEED_WORDS): go(look_up_place, PLACE, NEED, CONSENT, END),
    (PLACE, Event.UNCLEAR): go(look_up_place, PLACE, NEED, CONSENT, END),
    (PLACE, Event.SAID_YES): go(look_up_place, PLACE, NEED, CONSENT, END),
    (PLACE, Event.CANDIDATE): go(choose_candidate, STAY, NEED, CONSENT, END),
    (PLACE, Event.CONTACT_NEED): go(choose_need, NEED, PLACE, CONSENT, END),
    (PLACE, Event.OFFER): go(about_offer, STAY, CONSENT, END),
    (PLACE, Event.MAP): go(places.show_venue, STAY),
    (PLACE, Event.SAID_NO): NOT_UNDERSTOOD,
    (PLACE, Event.CONSENT_YES): NOT_NOW,
    (PLACE, Event.CONSENT_NO): NOT_NOW,
    # Asked to agree.
    (CONSENT, Event.CONSENT_YES): go(send_request, END),
    (CONSENT, Event.SAID_YES): go(send_request, END),
    (CONSENT, Event.CONSENT_NO): go(decline, END),
    (CONSENT, Event.SAID_NO): go(decline, END),
    (CONSENT, Event.CONTACT_NEED): go(choose_need, NEED, PLACE, CONSENT, END),
    (CONSENT, Event.LOCATION): go(take_location, NEED, CONSENT, END),
    (CONSENT, Event.OFFER): go(about_offer, STAY, CONSENT, END),
    (CONSENT, Event.MAP): go(places.show_venue, STAY),
    (CONSENT, Event.CANDIDATE): NOT_NOW,
    (CONSENT, Event.PLACE_WORDS): IDLE_TABLE,
    (CONSENT, Event.NEED_WORDS): IDLE_TABLE,
    (CONSENT, Event.UNCLEAR): NOT_UNDERSTOOD,
}

FLOW = Flow(
    name="contact",
    summary="need → place → consent → a case and its referral",
    states=State,
    meaning=MEANING,
    events=Event,
    table=TABLE,
)
