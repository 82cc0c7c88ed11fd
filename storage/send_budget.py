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

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

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
        self._created = False

    async def _ensure_row(self) -> None:
        if self._created:
            return
        async with self._engine.begin() as conn:
            await conn.execute(self._create, {"name": self._name})
        self._created = True

    async def book(self, sends: int, interval: float) -> float:
        """Book the next `sends` slots; seconds from now until the first of them starts."""
        await self._ensure_row()
        async with self._engine.begin() as conn:
            ahead = await conn.scalar(self._book, {"name": self._name, "span": sends * interval})
        if ahead is None:  # the row was deleted under us: make it again next time
            self._created = False
            return 0.0
        return float(ahead)

    async def hold(self, seconds: float) -> None:
        """No slot starts in the next `seconds` (Telegram answered 429)."""
        await self._ensure_row()
        async with self._engine.begin() as conn:
            await conn.execute(self._hold, {"name": self._name, "seconds": seconds})
