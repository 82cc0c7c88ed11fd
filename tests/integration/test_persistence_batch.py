"""PTB saves every changed member and chat at once: one transaction, every row as alone."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, func, select

from juntos.database import Database
from storage import crypto
from storage.persistence import SqlPersistence
from storage.tables import bot_state

CHATS = [5001 + n for n in range(60)]


def url_of(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


async def save_all(persistence: SqlPersistence, step: str) -> None:
    """What Application.update_persistence does: every changed user and chat, gathered."""
    await asyncio.gather(
        *(persistence.update_user_data(c, {"flow": {"state": step, "n": c}}) for c in CHATS),
        *(persistence.update_chat_data(c, {"log": [[c, 1.5]]}) for c in CHATS),
        persistence.update_conversation("probe", (CHATS[0], CHATS[0]), step),
    )


async def test_the_states_saved_together_are_one_transaction_and_survive_a_restart(
    database: Database,
) -> None:
    persistence = SqlPersistence(url_of(database))
    transactions: list[object] = []

    def count(conn: Any) -> None:
        transactions.append(conn)

    event.listen(persistence.engine.sync_engine, "begin", count)
    try:
        await save_all(persistence, "search.place")
        assert len(transactions) == 1, "121 rows, one transaction (not one each)"
        await save_all(persistence, "search.results")  # the next interval: overwritten
        assert len(transactions) == 2
    finally:
        await persistence.flush()

    restarted = SqlPersistence(url_of(database))
    try:
        users = await restarted.get_user_data()
        assert users == {c: {"flow": {"state": "search.results", "n": c}} for c in CHATS}
        chats = await restarted.get_chat_data()
        assert chats == {c: {"log": [[c, 1.5]]} for c in CHATS}
        assert await restarted.get_conversations("probe") == {
            (CHATS[0], CHATS[0]): "search.results"
        }
    finally:
        await restarted.flush()
    async with database.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(bot_state)) == 121


async def test_a_batch_moves_rows_saved_under_an_older_key_to_the_primary(
    database: Database,
) -> None:
    old, new = crypto.generate_key(), crypto.generate_key()
    crypto.configure([old])
    persistence = SqlPersistence(url_of(database))
    try:
        await save_all(persistence, "search.need")
        crypto.configure([new, old])  # a rotation under way
        await save_all(persistence, "search.place")
    finally:
        await persistence.flush()
    crypto.configure([new])  # the old key retired: everything reads under the new one
    restarted = SqlPersistence(url_of(database))
    try:
        users = await restarted.get_user_data()
        assert users == {c: {"flow": {"state": "search.place", "n": c}} for c in CHATS}
    finally:
        await restarted.flush()
    async with database.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(bot_state)) == 121
