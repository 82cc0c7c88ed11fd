"""The anonymous demand counters: one upsert per count, never a row per search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.demand import (
    AgeBand,
    CrisisCount,
    CrisisKey,
    DistanceBand,
    SearchCount,
    SearchKey,
)
from storage.tables import demand_crises, demand_searches


class SqlDemandRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _add(self, table: Table, key: dict[str, Any], count: int) -> None:
        # INSERT ... ON CONFLICT DO UPDATE: two processes counting the same key at once both
        # land (a read-then-write would lose one of them on PostgreSQL).
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(**key, count=count)
        statement = statement.on_conflict_do_update(
            index_elements=list(key), set_={"count": table.c.count + statement.excluded.count}
        )
        await self.session.execute(statement)

    async def add_search(self, key: SearchKey, count: int = 1) -> None:
        await self._add(
            demand_searches,
            {
                "week": key.week,
                "municipality_code": key.municipality_code,
                "cell": key.cell,
                "need": key.need,
                "age_band": key.age_band.value,
                "within_10km": key.within_10km,
                "distance_band": key.distance_band.value,
            },
            count,
        )

    async def add_crisis(self, key: CrisisKey, count: int = 1) -> None:
        await self._add(
            demand_crises,
            {"week": key.week, "municipality_code": key.municipality_code, "kind": key.kind},
            count,
        )

    async def searches(
        self, municipality_codes: frozenset[str], first_week: str, last_week: str
    ) -> list[SearchCount]:
        t = demand_searches
        rows = await self.session.execute(
            select(t)
            .where(
                t.c.municipality_code.in_(sorted(municipality_codes)),
                t.c.week >= first_week,
                t.c.week <= last_week,
            )
            .order_by(*t.primary_key.columns)
        )
        return [
            SearchCount(
                SearchKey(
                    week=r["week"],
                    municipality_code=r["municipality_code"],
                    cell=r["cell"],
                    need=r["need"],
                    age_band=AgeBand(r["age_band"]),
                    within_10km=bool(r["within_10km"]),
                    distance_band=DistanceBand(r["distance_band"]),
                ),
                r["count"],
            )
            for r in rows.mappings()
        ]

    async def crises(
        self, municipality_codes: frozenset[str], first_week: str, last_week: str
    ) -> list[CrisisCount]:
        t = demand_crises
        rows = await self.session.execute(
            select(t)
            .where(
                t.c.municipality_code.in_(sorted(municipality_codes)),
                t.c.week >= first_week,
                t.c.week <= last_week,
            )
            .order_by(*t.primary_key.columns)
        )
        return [
            CrisisCount(CrisisKey(r["week"], r["municipality_code"], r["kind"]), r["count"])
            for r in rows.mappings()
        ]
