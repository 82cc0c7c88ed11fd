"""The send budget shared by every bot process on one database.

Telegram's limit (about 30 messages a second) is per bot token, not per process. Processes
sharing a token share one row here: `tat` is when the next free slot starts, on one timeline
of slots `interval` apart. A process books the next `n` slots in one atomic statement (an
`UPDATE … RETURNING` of that row; the row lock is held for that statement only), and learns
how long to wait for the first of them. Time is the database's own clock, so processes on
different machines need not agree on theirs. A slot is never booked twice, so the sends of all
processes together keep to the rate whatever their number; a process that books nothing (no
reminders to send) costs the others nothing.
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

#: Per dialect: book `:span` seconds of slots (returning how far ahead the first one starts),
#: and hold every slot for `:seconds`. The clock is the database's, read once per statement
#: (PostgreSQL: one `clock_timestamp()` in a CTE; SQLite: `julianday('now')` is the same for
#: every call within one statement).
_STATEMENTS = {
    "postgresql": (
        "WITH clock AS (SELECT EXTRACT(EPOCH FROM clock_timestamp()) AS now) "
        "UPDATE send_budget SET tat = GREATEST(send_budget.tat, clock.now) + :span "
        "FROM clock WHERE send_budget.name = :name "
        "RETURNING send_budget.tat - :span - clock.now",
        "UPDATE send_budget "
        "SET tat = GREATEST(tat, EXTRACT(EPOCH FROM clock_timestamp()) + :seconds) "
        "WHERE name = :name",
    ),
    "sqlite": (
        "UPDATE send_budget "
        "SET tat = MAX(tat, (julianday('now') - 2440587.5) * 86400.0) + :span "
        "WHERE name = :name "
        "RETURNING tat - :span - (julianday('now') - 2440587.5) * 86400.0",
        "UPDATE send_budget "
        "SET tat = MAX(tat, (julianday('now') - 2440587.5) * 86400.0 + :seconds) "
        "WHERE name = :name",
    ),
}


class SqlSendBudget:
    """One row of `send_budget` (storage/tables.py), shared through the database."""

    def __init__(self, engine: AsyncEngine, name: str = "telegram") -> None:
        self._engine = engine
        self._name = name
        dialect = engine.dialect.name
        if dialect not in _STATEMENTS:
            raise ValueError(f"no shared send budget on {dialect}")
        book, hold = _STATEMENTS[dialect]
        self._book = text(book)
        self._hold = text(hold)
        self._create = text(
            "INSERT INTO send_budget (name, tat) VALUES (:name, 0) ON CONFLICT (name) DO NOTHING"
        )
        #: One connection of its own, in autocommit: a booking is one round trip (no pool
        #: check-out and ping, no BEGIN and COMMIT). Dropped on any error, opened again later.
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()

    async def _run(self, statement: TextClause, params: dict[str, object]) -> object:
        async with self._lock:
            try:
                if self._connection is None:
                    connection = await self._engine.connect()
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                    await connection.execute(self._create, {"name": self._name})
                    self._connection = connection
                result = await self._connection.execute(statement, params)
                return result.scalar() if result.returns_rows else None
            except BaseException:
                await self._drop()
                raise

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()

    async def book(self, sends: int, interval: float) -> float:
        """Book the next `sends` slots; seconds from now until the first of them starts."""
        ahead = await self._run(self._book, {"name": self._name, "span": sends * interval})
        return float(ahead) if isinstance(ahead, int | float) else 0.0

    async def hold(self, seconds: float) -> None:
        """No slot starts in the next `seconds` (Telegram answered 429)."""
        await self._run(self._hold, {"name": self._name, "seconds": seconds})

    async def close(self) -> None:
        async with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.close()
