"""Finding help: kind of help -> where -> the nearest places, with distance and opening hours.

Public places are listed by distance; confidential places (shelters, anything marked
confidential) are named by municipality only, never ranked, bounded or paged by distance.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot import callbacks as cb
from bot import keyboards, texts
from bot.context import JuntosContext, services_of
from bot.handlers import contact
from bot.handlers.common import (
    forget_shared_point,
    hide_reply_keyboard,
    say,
    search_point,
    translator,
    user_data,
)
from bot.state import Candidate, Flow, Offer, Purpose, Step, Venue, load_flow, save_flow
from domain.geo import Point
from domain.ports import PlaceCandidate
from domain.services.nearest import NEAR_KM, PAGE_SIZE, HelpSearch, find_help
from domain.taxonomy import Category

log = logging.getLogger(__name__)

#: A gazetteer candidate this many points ahead of the next is taken without asking.
CLEAR_LEAD = 8.0
#: Confidential places named under the results (they are chosen by name, never by distance).
MAX_OFFERS = 3


async def begin_search(update: Update, context: JuntosContext) -> None:
    """Start a new search: ask for the kind of help."""
    flow = Flow(step=Step.NEED, purpose=Purpose.SEARCH)
    save_flow(user_data(context), flow)
    t = translator(update, context)
    await say(update, texts.category_prompt(t), keyboards.categories(t))


async def pick_category(
    update: Update, context: JuntosContext, category: Category | None, for_contact: bool
) -> None:
    """Remember the kind of help, then ask where (or go on if the place is known)."""
    flow = load_flow(user_data(context))
    flow.category = category
    flow.page = 0
    flow.wide = False
    if for_contact:
        flow.purpose = Purpose.CONTACT
    elif flow.step in (Step.IDLE, Step.NEED, Step.RESULTS, Step.PLACE):
        flow.purpose = Purpose.SEARCH
    if for_contact and category is None:
        save_flow(user_data(context), flow)
        await contact.ask_contact(update, context, None)
        return
    await continue_with_place(update, context, flow)


async def continue_with_place(update: Update, context: JuntosContext, flow: Flow) -> None:
    """Go on once need and place are known; ask for whatever is missing."""
    if search_point(update, context, flow) is None:
        flow.step = Step.PLACE
        save_flow(user_data(context), flow)
        t = translator(update, context)
        await say(update, texts.place_prompt(t), keyboards.share_location(t))
        return
    if flow.purpose is Purpose.CONTACT:
        save_flow(user_data(context), flow)
        await contact.offer_consent(update, context)
        return
    await show_results(update, context, flow)


async def ask_place(update: Update, context: JuntosContext) -> None:
    flow = load_flow(user_data(context))
    flow.clear_place()
    forget_shared_point(update, context)
    await continue_with_place(update, context, flow)


async def receive_location(update: Update, context: JuntosContext) -> None:
    """A shared (or live) location: the best point there is, kept in memory only."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or message.location is None or chat is None:
        return
    location = message.location
    t = translator(update, context)
    try:
        point = Point(location.latitude, location.longitude)
    except ValueError:
        point = None
    municipality = (
        services_of(context).places.nearest_municipality(point.latitude, point.longitude)
        if point is not None
        else None
    )
    if point is None or municipality is None:
        # Far outside the municipalities we know (or not a point on Earth): say so, keep nothing.
        await say(update, texts.location_outside(t), keyboards.share_location(t))
        return
    flow = load_flow(user_data(context))
    context.bot_data.points.remember(chat.id, point)
    flow.set_shared_location()
    flow.municipality = municipality.name
    flow.inegi_code = municipality.inegi_code
    flow.place_label = None
    if flow.step in (Step.IDLE, Step.CONSENT, Step.DELETE):
        flow.step = Step.NEED
    if flow.step is Step.NEED and flow.category is None and flow.purpose is Purpose.SEARCH:
        save_flow(user_data(context), flow)
        await say(update, texts.category_prompt(t), keyboards.categories(t))
        return
    await continue_with_place(update, context, flow)


def _distinct_points(candidates: list[PlaceCandidate]) -> list[PlaceCandidate]:
    """Keep the best candidate of each point: colonias known only by their municipality's
    point lead to the same search, so there is nothing to choose between them."""
    seen: set[tuple[float, float]] = set()
    distinct = []
    for candidate in candidates:
        key = (round(candidate.latitude, 3), round(candidate.longitude, 3))
        if key not in seen:
            seen.add(key)
            distinct.append(candidate)
    return distinct


def _clear_winner(candidates: list[PlaceCandidate]) -> PlaceCandidate | None:
    candidates = _distinct_points(candidates)
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1 and candidates[0].score - candidates[1].score >= CLEAR_LEAD:
        return candidates[0]
    return None


async def receive_place_text(update: Update, context: JuntosContext, text: str) -> bool:
    """Resolve a typed place. Returns False when nothing matched (the member was told)."""
    places = services_of(context).places
    candidates = places.resolve(text, limit=5)
    t = translator(update, context)
    flow = load_flow(user_data(context))
    if not candidates:
        flow.step = Step.PLACE
        save_flow(user_data(context), flow)
        await say(update, texts.place_not_found(t), keyboards.share_location(t))
        return False
    winner = _clear_winner(candidates)
    if winner is None:
        flow.candidates = [
            Candidate(c.name, c.municipality, c.inegi_code, c.latitude, c.longitude, c.approximate)
            for c in candidates
        ]
        flow.step = Step.PLACE
        save_flow(user_data(context), flow)
        await say(update, texts.place_choices(t), keyboards.place_candidates(flow.candidates))
        return True
    chosen = Candidate(
        winner.name,
        winner.municipality,
        winner.inegi_code,
        winner.latitude,
        winner.longitude,
        winner.approximate,
    )
    await use_candidate(update, context, flow, chosen)
    return True


async def pick_place(update: Update, context: JuntosContext, index: int) -> None:
    flow = load_flow(user_data(context))
    if index >= len(flow.candidates):
        await contact.stale(update, context)
        return
    await use_candidate(update, context, flow, flow.candidates[index])


async def use_candidate(
    update: Update, context: JuntosContext, flow: Flow, chosen: Candidate
) -> None:
    # A typed place is never the member's own point: offer the exact location either way.
    forget_shared_point(update, context)
    flow.set_typed_place(chosen.latitude, chosen.longitude)
    flow.place_label = chosen.name
    flow.municipality = chosen.municipality
    flow.inegi_code = chosen.inegi_code
    flow.candidates = []
    t = translator(update, context)
    if chosen.approximate and chosen.name != chosen.municipality:
        notice = texts.approximate_place(t, chosen.name, chosen.municipality)
    else:
        notice = texts.searching_near_municipality(t, chosen.municipality or chosen.name)
    await hide_reply_keyboard(update, notice)
    if flow.step is Step.NEED or (flow.category is None and flow.purpose is Purpose.CONTACT):
        save_flow(user_data(context), flow)
        await say(
            update,
            texts.category_prompt(t),
            keyboards.categories(t, for_contact=flow.purpose is Purpose.CONTACT),
        )
        return
    await continue_with_place(update, context, flow)


async def show_results(update: Update, context: JuntosContext, flow: Flow) -> None:
    """Public places by distance for the flow's need and point, then the municipality's
    confidential places by name; widen and say so when nothing public is near."""
    t = translator(update, context)
    point = search_point(update, context, flow)
    if point is None:  # the shared location was forgotten meanwhile: ask again
        await ask_place(update, context)
        return
    services = services_of(context)
    found = await find_help(
        HelpSearch(
            point=point,
            municipality_code=flow.inegi_code,
            category=flow.category,
            age=flow.age,
            page=flow.page,
            wide=flow.wide,
        ),
        services.uow(),
        services.clock,
    )
    flow.step = Step.RESULTS
    flow.wide = found.widened
    flow.results = [
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
    flow.offers = [Offer(o.service_id, o.organization_name) for o in offers]
    save_flow(user_data(context), flow)
    parts: list[str] = []
    if found.results:
        if found.widened and flow.page == 0:
            parts.append(texts.nothing_within(t, NEAR_KM, found.results[0].distance_km))
        parts.append(texts.results_header(t, len(found.results), flow.category))
        now = services.clock.now()
        first_number = flow.page * PAGE_SIZE + 1
        parts.extend(
            texts.result_entry(t, first_number + i, result, now)
            for i, result in enumerate(found.results)
        )
    elif not offers:
        parts.append(texts.no_more_results(t) if flow.page else texts.nothing_found(t))
    if offers:
        parts.append(texts.confidential_offers(t, offers, flow.municipality or ""))
    markup = keyboards.results(t, flow.results, flow.offers, flow.approximate, found.more)
    await say(update, "\n\n".join(parts), markup)


async def show_map(update: Update, context: JuntosContext, index: int) -> None:
    """Send one public result as a venue."""
    flow = load_flow(user_data(context))
    if index >= len(flow.results):
        await contact.stale(update, context)
        return
    venue = flow.results[index]
    chat = update.effective_chat
    if venue.latitude is None or venue.longitude is None or chat is None:
        t = translator(update, context)
        await say(update, texts.venue_unavailable(t))
        return
    await chat.send_venue(
        latitude=venue.latitude,
        longitude=venue.longitude,
        title=venue.name[:100],
        address=(venue.address or venue.organization_name)[:100],
    )


async def results_action(update: Update, context: JuntosContext, action: cb.ResultAction) -> None:
    flow = load_flow(user_data(context))
    t = translator(update, context)
    if action is cb.ResultAction.CHANGE_CATEGORY:
        flow.step = Step.NEED
        flow.purpose = Purpose.SEARCH
        flow.page = 0
        flow.wide = False
        save_flow(user_data(context), flow)
        await say(update, texts.category_prompt(t), keyboards.categories(t))
    elif action is cb.ResultAction.AGE:
        await say(update, texts.age_prompt(t), keyboards.ages(t))
    elif action is cb.ResultAction.EXACT:
        flow.step = Step.PLACE
        save_flow(user_data(context), flow)
        await say(update, texts.place_prompt(t), keyboards.share_location(t))
    elif search_point(update, context, flow) is None:
        await ask_place(update, context)
    else:  # MORE
        flow.page += 1
        await show_results(update, context, flow)


async def pick_age(update: Update, context: JuntosContext, bracket: cb.AgeBracket) -> None:
    flow = load_flow(user_data(context))
    flow.age = bracket.representative_age
    flow.page = 0
    flow.wide = False
    if search_point(update, context, flow) is not None and flow.purpose is Purpose.SEARCH:
        await show_results(update, context, flow)
        return
    save_flow(user_data(context), flow)
    await continue_with_place(update, context, flow)
