"""Finding help: kind of help -> where -> the nearest places, with paging, an age filter,
filters (free, open now, who it is for, language, accessible), a map of each public place and
the member's exact location instead of a typed one.

Public places are listed by distance; confidential places (shelters, anything marked
confidential) are named by municipality only, never ranked, bounded or paged by distance
(domain/services/nearest.py). A confidential place's "contact me" hands over to the contact
flow through its entry `contact.about_offer`.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from bot import demand, keyboards, texts
from bot.callbacks import FilterName, SetFilter
from bot.flows import contact, places
from bot.flows.inputs import Kind
from bot.flows.machine import (
    NOT_UNDERSTOOD,
    STAY,
    Flow,
    Transition,
    Turn,
    go,
)
from bot.handlers.common import say
from bot.state import FlowData, Offer, Venue
from domain.nearby import SearchFilters
from domain.services.nearest import NEAR_KM, PAGE_SIZE, HelpSearch, find_help
from domain.taxonomy import Eligibility

#: Confidential places named under the results (they are chosen by name, never by distance).
MAX_OFFERS = 3


class State(StrEnum):
    NEED = "search.need"
    PLACE = "search.place"
    RESULTS = "search.results"


MEANING = {
    State.NEED: "asked which kind of help",
    State.PLACE: "asked where (words are read as a place)",
    State.RESULTS: "showing places; their buttons act on them",
}


class Event(StrEnum):
    NEED = Kind.NEED
    CANDIDATE = Kind.CANDIDATE
    MAP = Kind.MAP
    OFFER = Kind.OFFER
    MORE = Kind.MORE
    OTHER_NEED = Kind.OTHER_NEED
    AGE_FILTER = Kind.AGE_FILTER
    AGE = Kind.AGE
    EXACT_PLACE = Kind.EXACT_PLACE
    FILTERS = Kind.FILTERS
    FILTER = Kind.FILTER
    LOCATION = Kind.LOCATION
    PLACE_WORDS = Kind.PLACE_WORDS
    NEED_WORDS = Kind.NEED_WORDS
    SAID_YES = Kind.SAID_YES
    UNCLEAR = Kind.UNCLEAR


# --- steps ----------------------------------------------------------------------------------


async def start(turn: Turn) -> StrEnum:
    """Start a new search: forget the last one (not its filters), ask for the kind of help."""
    turn.data = FlowData(filters=turn.data.filters)
    return await ask_need(turn)


async def enter(turn: Turn) -> StrEnum:
    """Start a search with this input (a need, a place, a location), as if just asked the need.

    Keeps what the flows already know (a place typed before, say).
    """
    turn.state = State.NEED
    step = TABLE[(State.NEED, Event(turn.input.kind))].step
    where = await step(turn)
    return State.NEED if where is STAY else where


async def ask_need(turn: Turn) -> StrEnum:
    """Ask which kind of help (a need chosen before is kept until another is)."""
    turn.data.page = 0
    turn.data.wide = False
    await say(
        turn.update, turn.with_notes(texts.category_prompt(turn.t)), keyboards.categories(turn.t)
    )
    return State.NEED


async def choose_need(turn: Turn) -> StrEnum:
    """Take the kind of help (None: any), then the results, or ask where."""
    turn.data.category = turn.input.category
    turn.data.page = 0
    turn.data.wide = False
    return await _results_or_place(turn)


async def take_location(turn: Turn) -> StrEnum:
    """A shared location: the results, or ask the need if it was not chosen yet."""
    places.take_location(turn)
    if turn.state is State.NEED and turn.data.category is None:
        return await ask_need(turn)
    return await _results_or_place(turn)


async def look_up_place(turn: Turn) -> StrEnum:
    """Read typed words as a place: then the results (or the need, if still to choose)."""
    if not await places.look_up(turn, turn.input.place_words):
        return State.PLACE
    return await _after_place(turn, need_known=turn.state is not State.NEED)


async def choose_candidate(turn: Turn) -> StrEnum:
    """Take one of the places offered for a typed name."""
    if not await places.take_candidate(turn):
        return STAY
    return await _after_place(turn, need_known=turn.state is not State.NEED)


async def search_from_words(turn: Turn) -> StrEnum:
    """'busco un psicólogo en Juárez': take the need and the place given, ask for the rest."""
    given = turn.input
    turn.data.page = 0
    turn.data.wide = False
    if given.category is not None:
        turn.data.category = given.category
    if given.filters is not None:
        turn.data.filters = _merged(turn.data.filters, given.filters)
    need_known = given.category is not None or turn.state is State.RESULTS
    if given.place:
        if not await places.look_up(turn, given.place):
            return State.PLACE
        return await _after_place(turn, need_known)
    if given.category is None:
        return await ask_need(turn)
    return await _results_or_place(turn)


async def more_results(turn: Turn) -> StrEnum:
    """The next page (the place is asked again if the shared location was forgotten)."""
    if turn.search_point() is None:
        turn.data.clear_place()
        turn.forget_shared_point()
        await places.ask_place(turn)
        return State.PLACE
    turn.data.page += 1
    return await _show_results(turn)


async def ask_age(turn: Turn) -> StrEnum:
    """Offer the age brackets (and "rather not say")."""
    await say(turn.update, texts.age_prompt(turn.t), keyboards.ages(turn.t))
    return STAY


async def choose_age(turn: Turn) -> StrEnum:
    """Filter by the chosen age, from the first page."""
    turn.data.age = turn.input.age
    turn.data.page = 0
    turn.data.wide = False
    return await _results_or_place(turn)


async def ask_filters(turn: Turn) -> StrEnum:
    """Offer every filter, those on with ✓."""
    t, current = turn.t, turn.data.filters
    await say(turn.update, texts.filters_prompt(t, current), keyboards.filters(t, current))
    return STAY


async def set_filter(turn: Turn) -> StrEnum:
    """Turn one filter on or off, then the results from the first page. A button that does
    not fit the filters now (from an older message) is refused, with the filters as they are."""
    change = turn.input.change
    assert change is not None
    current = turn.data.filters
    updated = _apply(current, change)
    if updated is None:
        t = turn.t
        text = f"{texts.filter_outdated(t)}\n{texts.filters_prompt(t, current)}"
        await say(turn.update, text, keyboards.filters(t, current))
        return STAY
    turn.data.filters = updated
    turn.data.page = 0
    turn.data.wide = False
    return await _results_or_place(turn)


def _apply(current: SearchFilters, change: SetFilter) -> SearchFilters | None:
    """The filters after the change, or None when the change does not fit them: turning on
    what is on, or off what is not."""
    name = change.name
    if name is FilterName.FOR:
        term = Eligibility(change.value or "")
        if (current.eligibility is term) == change.on:
            return None
        return replace(current, eligibility=term if change.on else None)
    if name is FilterName.LANGUAGE:
        if (current.language == change.value) == change.on:
            return None
        return replace(current, language=change.value if change.on else None)
    if name is FilterName.FREE:
        return None if current.free == change.on else replace(current, free=change.on)
    if name is FilterName.OPEN_NOW:
        return None if current.open_now == change.on else replace(current, open_now=change.on)
    if current.accessible == change.on:
        return None
    return replace(current, accessible=change.on)


def _merged(current: SearchFilters, asked: SearchFilters) -> SearchFilters:
    """The filters a sentence asks for, added to those already on."""
    return SearchFilters(
        free=current.free or asked.free,
        open_now=current.open_now or asked.open_now,
        eligibility=asked.eligibility or current.eligibility,
        language=asked.language or current.language,
        accessible=current.accessible or asked.accessible,
    )


async def ask_exact_place(turn: Turn) -> StrEnum:
    """Ask for the member's shared location instead of the typed place."""
    await places.ask_place(turn)
    return State.PLACE


async def _after_place(turn: Turn, need_known: bool) -> StrEnum:
    if not need_known:
        return await ask_need(turn)
    return await _results_or_place(turn)


async def _results_or_place(turn: Turn) -> StrEnum:
    if turn.search_point() is None:
        await places.ask_place(turn)
        return State.PLACE
    return await _show_results(turn)


async def _show_results(turn: Turn) -> StrEnum:
    """Public places by distance for the need and point, then the municipality's confidential
    places by name; widen and say so when nothing public is near."""
    data, t = turn.data, turn.t
    point = turn.search_point()
    assert point is not None
    services = turn.services
    found = await find_help(
        HelpSearch(
            point=point,
            municipality_code=data.inegi_code,
            category=data.category,
            age=data.age,
            page=data.page,
            wide=data.wide,
            filters=data.filters,
        ),
        services.uow(),
        services.clock,
    )
    data.wide = found.widened
    data.results = [
        Venue(
            service_id=r.service_id,
            organization_name=r.organization_name,
            name=r.service_name,
            latitude=r.point.latitude if r.point else None,
            longitude=r.point.longitude if r.point else None,
            address=r.address,
        )
        for r in found.results
    ]
    offers = found.confidential[:MAX_OFFERS]
    data.offers = [Offer(o.service_id, o.organization_name) for o in offers]
    parts: list[str] = []
    if found.results:
        if found.widened and data.page == 0:
            parts.append(texts.nothing_within(t, NEAR_KM, found.results[0].distance_km))
        parts.append(texts.results_header(t, len(found.results), data.category, data.filters))
        now = services.clock.now()
        first_number = data.page * PAGE_SIZE + 1
        parts.extend(
            texts.result_entry(t, first_number + i, result, now)
            for i, result in enumerate(found.results)
        )
    elif data.filters and data.page == 0:
        # Nothing passes every filter: say which to drop, one tap each (with the offers below).
        parts.append(texts.nothing_with_filters(t, data.filters))
    elif not offers:
        parts.append(texts.no_more_results(t) if data.page else texts.nothing_found(t))
    if offers:
        parts.append(texts.confidential_offers(t, offers, data.municipality or ""))
    if not found.results and data.filters and data.page == 0:
        markup = keyboards.drop_filters(t, data.filters, data.offers)
    else:
        markup = keyboards.results(t, data.results, data.offers, data.approximate, found.more)
    await say(turn.update, turn.with_notes("\n\n".join(parts)), markup)
    await demand.count_search(turn.context, data, point, found)
    return State.RESULTS


# --- the table ------------------------------------------------------------------------------

NEED, PLACE, RESULTS = State.NEED, State.PLACE, State.RESULTS
CONSENT = contact.State.CONSENT

TABLE: dict[tuple[State, Event], Transition] = {
    # Asked which kind of help.
    (NEED, Event.NEED): go(choose_need, PLACE, RESULTS),
    (NEED, Event.LOCATION): go(take_location, NEED, RESULTS),
    (NEED, Event.PLACE_WORDS): go(look_up_place, PLACE, NEED),
    (NEED, Event.NEED_WORDS): go(search_from_words, NEED, PLACE, RESULTS),
    (NEED, Event.CANDIDATE): go(choose_candidate, STAY, NEED),
    (NEED, Event.SAID_YES): NOT_UNDERSTOOD,
    (NEED, Event.UNCLEAR): NOT_UNDERSTOOD,
    # ...the buttons of results shown before still act on them.
    (NEED, Event.MAP): go(places.show_venue, STAY),
    (NEED, Event.OFFER): go(contact.about_offer, STAY, CONSENT),
    (NEED, Event.MORE): go(more_results, PLACE, RESULTS),
    (NEED, Event.OTHER_NEED): go(ask_need, NEED),
    (NEED, Event.AGE_FILTER): go(ask_age, STAY),
    (NEED, Event.AGE): go(choose_age, PLACE, RESULTS),
    (NEED, Event.EXACT_PLACE): go(ask_exact_place, PLACE),
    (NEED, Event.FILTERS): go(ask_filters, STAY),
    (NEED, Event.FILTER): go(set_filter, STAY, PLACE, RESULTS),
    # Asked where: any words that are not small talk are read as a place.
    (PLACE, Event.LOCATION): go(take_location, RESULTS),
    (PLACE, Event.PLACE_WORDS): go(look_up_place, PLACE, RESULTS),
    (PLACE, Event.NEED_WORDS): go(look_up_place, PLACE, RESULTS),
    (PLACE, Event.SAID_YES): go(look_up_place, PLACE, RESULTS),
    (PLACE, Event.UNCLEAR): go(look_up_place, PLACE, RESULTS),
    (PLACE, Event.CANDIDATE): go(choose_candidate, STAY, RESULTS),
    (PLACE, Event.NEED): go(choose_need, PLACE, RESULTS),
    (PLACE, Event.MAP): go(places.show_venue, STAY),
    (PLACE, Event.OFFER): go(contact.about_offer, STAY, CONSENT),
    (PLACE, Event.MORE): go(more_results, PLACE, RESULTS),
    (PLACE, Event.OTHER_NEED): go(ask_need, NEED),
    (PLACE, Event.AGE_FILTER): go(ask_age, STAY),
    (PLACE, Event.AGE): go(choose_age, PLACE, RESULTS),
    (PLACE, Event.EXACT_PLACE): go(ask_exact_place, PLACE),
    (PLACE, Event.FILTERS): go(ask_filters, STAY),
    (PLACE, Event.FILTER): go(set_filter, STAY, PLACE, RESULTS),
    # Showing places.
    (RESULTS, Event.MAP): go(places.show_venue, STAY),
    (RESULTS, Event.OFFER): go(contact.about_offer, STAY, CONSENT),
    (RESULTS, Event.MORE): go(more_results, PLACE, RESULTS),
    (RESULTS, Event.OTHER_NEED): go(ask_need, NEED),
    (RESULTS, Event.AGE_FILTER): go(ask_age, STAY),
    (RESULTS, Event.AGE): go(choose_age, PLACE, RESULTS),
    (RESULTS, Event.EXACT_PLACE): go(ask_exact_place, PLACE),
    (RESULTS, Event.FILTERS): go(ask_filters, STAY),
    (RESULTS, Event.FILTER): go(set_filter, STAY, PLACE, RESULTS),
    (RESULTS, Event.NEED): go(choose_need, PLACE, RESULTS),
    (RESULTS, Event.LOCATION): go(take_location, RESULTS),
    (RESULTS, Event.PLACE_WORDS): go(look_up_place, PLACE, RESULTS),
    (RESULTS, Event.NEED_WORDS): go(search_from_words, NEED, PLACE, RESULTS),
    (RESULTS, Event.CANDIDATE): go(choose_candidate, STAY, RESULTS),
    (RESULTS, Event.SAID_YES): NOT_UNDERSTOOD,
    (RESULTS, Event.UNCLEAR): NOT_UNDERSTOOD,
}

FLOW = Flow(
    name="search",
    summary=(
        "need → place → results, with paging, an age filter, filters (free, open now, who it "
        "is for, language, accessible), maps and the exact location"
    ),
    states=State,
    meaning=MEANING,
    events=Event,
    table=TABLE,
)
