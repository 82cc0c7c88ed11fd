"""Where the member is, for the flows that need a place (search, contact request).

Not a flow: parts of steps both flows run the same way. A shared location stays in this
process's memory only (bot/points.py); a typed place is a public gazetteer point and is kept
in the flow data.
"""

from __future__ import annotations

from enum import StrEnum

from bot import keyboards, texts
from bot.flows.machine import STAY, Turn, not_now
from bot.handlers.common import say
from bot.state import Candidate
from domain.ports import PlaceCandidate
from domain.services.places import read_place


async def ask_place(turn: Turn) -> None:
    """Ask where, with the button that shares the location."""
    await say(turn.update, texts.place_prompt(turn.t), keyboards.share_location(turn.t))


def take_location(turn: Turn) -> None:
    """Remember the shared point (memory only) and its municipality (in the flow data)."""
    point, municipality = turn.input.point, turn.input.municipality
    chat_id = turn.chat_id
    assert point is not None
    assert municipality is not None
    assert chat_id is not None
    turn.context.bot_data.points.remember(chat_id, point)
    turn.data.set_shared_location()
    turn.data.municipality = municipality.name
    turn.data.inegi_code = municipality.inegi_code
    turn.data.place_label = None


async def look_up(turn: Turn, words: str) -> bool:
    """Read a typed place. True when one was taken (and the member told which); otherwise
    the member was asked again or offered the candidates to choose from."""
    reading = read_place(words, turn.services.places)
    if reading.chosen is not None:
        await _use(turn, _candidate(reading.chosen))
        return True
    if not reading.choices:
        await say(turn.update, texts.place_not_found(turn.t), keyboards.share_location(turn.t))
        return False
    turn.data.candidates = [_candidate(c) for c in reading.choices]
    markup = keyboards.place_candidates(turn.data.candidates)
    await say(turn.update, texts.place_choices(turn.t), markup)
    return False


async def take_candidate(turn: Turn) -> bool:
    """Take the place the member chose among those offered. False (and the menu) when the
    button does not match the places offered last."""
    if turn.input.index >= len(turn.data.candidates):
        await not_now(turn)
        return False
    await _use(turn, turn.data.candidates[turn.input.index])
    return True


async def show_venue(turn: Turn) -> StrEnum:
    """Send one public result as a venue (map); stay where the member is."""
    if turn.input.index >= len(turn.data.results):
        return await not_now(turn)
    venue = turn.data.results[turn.input.index]
    chat = turn.update.effective_chat
    if venue.latitude is None or venue.longitude is None or chat is None:
        await say(turn.update, texts.venue_unavailable(turn.t))
        return STAY
    await chat.send_venue(
        latitude=venue.latitude,
        longitude=venue.longitude,
        title=venue.name[:100],
        address=(venue.address or venue.organization_name)[:100],
    )
    return STAY


def _candidate(found: PlaceCandidate) -> Candidate:
    return Candidate(
        found.name,
        found.municipality,
        found.inegi_code,
        found.latitude,
        found.longitude,
        found.approximate,
    )


async def _use(turn: Turn, chosen: Candidate) -> None:
    # A typed place is never the member's own point: the exact location is offered either way.
    turn.forget_shared_point()
    data = turn.data
    data.set_typed_place(chosen.latitude, chosen.longitude)
    data.place_label = chosen.name
    data.municipality = chosen.municipality
    data.inegi_code = chosen.inegi_code
    data.candidates = []
    if chosen.approximate and chosen.name != chosen.municipality:
        notice = texts.approximate_place(turn.t, chosen.name, chosen.municipality)
    else:
        notice = texts.searching_near_municipality(turn.t, chosen.municipality or chosen.name)
    # Said in the next message (the results, or the next question): one message per reply.
    turn.notes.append(notice)
