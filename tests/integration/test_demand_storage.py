"""The demand counters on SQLite and PostgreSQL: keys and counts only, counts that add up."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from domain.demand import AgeBand, CrisisKey, DistanceBand, SearchKey
from domain.services.demand import largest_unmet_need
from juntos.database import Database

#: Every column the counters have. Nothing else may exist: no member or chat id, no point, no
#: text, no time finer than the ISO week.
SEARCH_COLUMNS = [
    "week",
    "municipality_code",
    "cell",
    "need",
    "age_band",
    "within_10km",
    "distance_band",
    "count",
]
CRISIS_COLUMNS = ["week", "municipality_code", "kind", "count"]
FORBIDDEN = ("id", "member", "chat", "lat", "lon", "point", "text", "at", "date", "time")


def key(need: str = "legal_aid", cell: str = "8748c6d51ffffff", within: bool = False) -> SearchKey:
    return SearchKey(
        week="2026-W10",
        municipality_code="08037",
        cell=cell,
        need=need,
        age_band=AgeBand.FROM_12_TO_17,
        within_10km=within,
        distance_band=DistanceBand.FROM_10_TO_25 if not within else DistanceBand.UNDER_2,
    )


async def test_the_counters_hold_their_keys_and_a_count_and_nothing_finer(
    database: Database,
) -> None:
    async with database.engine.connect() as conn:
        columns = await conn.run_sync(
            lambda sync: {
                table: [c["name"] for c in inspect(sync).get_columns(table)]
                for table in ("demand_searches", "demand_crises")
            }
        )
        keys = await conn.run_sync(
            lambda sync: inspect(sync).get_pk_constraint("demand_searches")["constrained_columns"]
        )
    assert columns["demand_searches"] == SEARCH_COLUMNS
    assert columns["demand_crises"] == CRISIS_COLUMNS
    assert keys == SEARCH_COLUMNS[:-1], "one row per key: a search adds to it, never a row"
    for name in SEARCH_COLUMNS + CRISIS_COLUMNS:
        if name not in ("count", "within_10km"):
            assert not any(name == f or name.endswith(f"_{f}") for f in FORBIDDEN), name


async def test_counts_add_up_even_when_written_at_once(database: Database) -> None:
    async def one(k: SearchKey) -> None:
        async with database.uow() as uow:
            await uow.demand.add_search(k)
            await uow.commit()

    # Concurrent increments of one key all land (an upsert, not read-then-write).
    await asyncio.gather(*(one(key()) for _ in range(8)))
    await one(key(need="health"))
    async with database.uow() as uow:
        await uow.demand.add_crisis(CrisisKey("2026-W10", "08037", "violence_now"), 2)
        await uow.demand.add_crisis(CrisisKey("2026-W10", "08037", "violence_now"))
        await uow.commit()
    async with database.uow() as uow:
        counts = {
            c.key.need: c.count
            for c in await uow.demand.searches(frozenset({"08037"}), "2026-W01", "2026-W52")
        }
        crises = await uow.demand.crises(frozenset({"08037"}), "2026-W10", "2026-W10")
        elsewhere = await uow.demand.searches(frozenset({"19039"}), "2026-W01", "2026-W52")
        later = await uow.demand.searches(frozenset({"08037"}), "2026-W11", "2026-W52")
    assert counts == {"legal_aid": 8, "health": 1}
    assert [(c.key.kind, c.count) for c in crises] == [("violence_now", 3)]
    assert elsewhere == [] and later == []

    largest = await largest_unmet_need(database.uow(), frozenset({"08037"}), "2026-W10")
    assert largest is not None
    assert (largest.need, largest.searches) == ("legal_aid", 8)
    assert await largest_unmet_need(database.uow(), frozenset({"08037"}), "2026-W11") is None
