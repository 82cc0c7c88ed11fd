"""The send budget every bot process on one database shares (Telegram's limit is per bot
token): slots booked by any process never overlap, and a 429 holds them all."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from juntos.database import Database
from storage.engine import create_engine
from storage.send_budget import SqlSendBudget


async def test_two_processes_booking_at_once_get_one_timeline_of_distinct_slots(
    database: Database,
) -> None:
    # A second engine stands for a second process on the same database.
    other = create_engine(database.engine.url, pool=False)
    try:
        budgets = [SqlSendBudget(database.engine), SqlSendBudget(other)]
        interval = 0.1
        starts: list[float] = []

        async def book(budget: SqlSendBudget) -> None:
            for _ in range(6):
                ahead = await budget.book(1, interval)
                starts.append(time.time() + ahead)

        await asyncio.gather(*(book(b) for b in budgets))
    finally:
        for budget in budgets:
            await budget.close()
        await other.dispose()
    starts.sort()
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # 12 slots one interval apart (give or take the time between answer and reading the
    # clock here): never two in the same place, never a gap (the timeline stays full).
    assert len(starts) == 12
    assert min(gaps) > interval - 0.03
    assert max(gaps) < interval + 0.03


async def test_a_block_of_slots_is_booked_after_the_ones_already_taken(
    database: Database,
) -> None:
    budget = SqlSendBudget(database.engine)
    first = await budget.book(5, 0.1)
    second = await budget.book(5, 0.1)
    await budget.close()
    assert first < 0.05, "an idle timeline starts now"
    assert 0.4 < second - first < 0.55


async def test_a_429_holds_every_process_slots(database: Database) -> None:
    budget = SqlSendBudget(database.engine)
    await budget.hold(0.5)
    assert await budget.book(1, 0.01) > 0.4
    await budget.close()


async def test_the_budget_comes_back_after_losing_its_connection(database: Database) -> None:
    budget = SqlSendBudget(database.engine)
    await budget.book(1, 0.01)
    assert budget._connection is not None
    await budget._connection.invalidate()  # the server restarted, say
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
        await budget.book(1, 0.01)
    assert await budget.book(1, 0.01) >= 0.0, "a fresh connection next time"
    await budget.close()
