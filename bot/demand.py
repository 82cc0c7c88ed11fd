"""Counting unmet demand from the member side: one anonymous count per completed search, and
per crisis reply whose municipality is known (domain/services/demand.py).

A count never delays or breaks the answer: it is written after the member got it, and a
failure is logged (its type only) and forgotten.
"""

from __future__ import annotations

import asyncio
import logging

from bot.context import JuntosContext, services_of
from bot.handlers.common import user_data
from bot.state import FlowData, load_conversation
from domain.crisis import CrisisSignal
from domain.demand import ANY_NEED
from domain.geo import Point
from domain.services.demand import CompletedSearch
from domain.services.demand import count_crisis as count_crisis_shown
from domain.services.demand import count_search as count_completed_search
from domain.services.nearest import HelpFound

log = logging.getLogger(__name__)
#: A crisis count waits at most this long (the database may be down; the reply is sent).
CRISIS_COUNT_SECONDS = 1.0


def _search_key(data: FlowData) -> str:
    need = data.category.value if data.category is not None else ANY_NEED
    return f"{need}|{data.inegi_code}"


async def count_search(
    context: JuntosContext, data: FlowData, point: Point, found: HelpFound
) -> None:
    """Count the search whose first page was just shown, once per need and municipality in a
    flow: the next pages, an age filter or a second shared location add nothing."""
    if data.page != 0 or data.inegi_code is None or data.counted == _search_key(data):
        return
    services = services_of(context)
    nearest = found.results[0].distance_km if found.results else None
    try:
        await count_completed_search(
            CompletedSearch(point, data.inegi_code, data.category, data.age, nearest),
            services.uow(),
            services.grid,
            services.clock,
        )
    except Exception as exc:  # the member has their answer; a lost count is only a count
        log.warning("demand count failed: %s", type(exc).__name__)
        return
    data.counted = _search_key(data)


async def count_crisis(context: JuntosContext, signal: CrisisSignal) -> None:
    """Count the crisis lines just shown, by kind, in the municipality of the conversation's
    last place; nothing when no place is known yet."""
    municipality = load_conversation(user_data(context)).data.inegi_code
    if municipality is None:
        return
    services = services_of(context)
    try:
        async with asyncio.timeout(CRISIS_COUNT_SECONDS):
            await count_crisis_shown(
                municipality, (k.value for k in signal.kinds), services.uow(), services.clock
            )
    except Exception as exc:  # the reply is sent; the database may be down
        log.warning("crisis count failed: %s", type(exc).__name__)
