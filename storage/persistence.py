"""python-telegram-bot persistence in the Juntos database (no SQLAlchemy 2 one is maintained).

User data, chat data and conversation states survive a restart. Telegram ids are identities,
so rows are keyed by a keyed hash (HMAC) and the ids and data are stored encrypted (Fernet).
A database outage never stops the bot: reads fall back to empty state and writes are retried
at the next change, with a warning that names no person.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import BasePersistence, PersistenceInput

from storage import crypto
from storage.engine import create_engine
from storage.tables import bot_state

log = logging.getLogger(__name__)

USER, CHAT, CONVERSATION = "user", "chat", "conversation"
#: Errors that mean "the database is not there right now", not a bug.
OUTAGE = (SQLAlchemyError, OSError, ConnectionError, TimeoutError)

ConversationDict = dict[tuple[str | int, ...], object]


def _key_hash(kind: str, key: object) -> str:
    return crypto.current().keyed_hash(f"{kind}:{json.dumps(key)}")


class SqlPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Keeps PTB's user_data, chat_data and conversations in table `bot_state`."""

    def __init__(self, database_url: str, update_interval: float = 5.0) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._url = database_url
        self._engine: AsyncEngine | None = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = create_engine(self._url)
        return self._engine

    # --- rows -----------------------------------------------------------------------------------

    async def _load(self, kind: str) -> list[tuple[Any, Any]]:
        try:
            async with self.engine.connect() as conn:
                rows = (
                    await conn.execute(select(bot_state.c.payload).where(bot_state.c.kind == kind))
                ).all()
        except OUTAGE as exc:
            log.warning(
                "persistence: cannot load %s state (%s); starting empty", kind, type(exc).__name__
            )
            return []
        items: list[tuple[Any, Any]] = []
        for (payload,) in rows:
            decoded = json.loads(payload)
            items.append((decoded["key"], decoded["data"]))
        return items

    async def _save(self, kind: str, key: object, data: object) -> None:
        row = {
            "kind": kind,
            "key_hash": _key_hash(kind, key),
            "payload": json.dumps({"key": key, "data": data}, sort_keys=True, default=str),
            "updated_at": datetime.now(UTC),
        }
        try:
            async with self.engine.begin() as conn:
                insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
                stmt = insert(bot_state).values(**row)
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["kind", "key_hash"],
                        set_={
                            "payload": stmt.excluded.payload,
                            "updated_at": stmt.excluded.updated_at,
                        },
                    )
                )
        except OUTAGE as exc:
            log.warning("persistence: cannot save %s state (%s)", kind, type(exc).__name__)

    async def _drop(self, kind: str, key: object) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    delete(bot_state).where(
                        bot_state.c.kind == kind, bot_state.c.key_hash == _key_hash(kind, key)
                    )
                )
        except OUTAGE as exc:
            log.warning("persistence: cannot drop %s state (%s)", kind, type(exc).__name__)

    # --- BasePersistence ------------------------------------------------------------------------

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {int(key): data for key, data in await self._load(USER)}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {int(key): data for key, data in await self._load(CHAT)}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        return {
            tuple(key[1]): state for key, state in await self._load(CONVERSATION) if key[0] == name
        }

    async def update_conversation(
        self, name: str, key: tuple[int | str, ...], new_state: object | None
    ) -> None:
        storage_key: Sequence[object] = [name, list(key)]
        if new_state is None:
            await self._drop(CONVERSATION, storage_key)
        else:
            await self._save(CONVERSATION, storage_key, new_state)

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        await self._save(USER, user_id, data)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        await self._save(CHAT, chat_id, data)

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: object) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop(CHAT, chat_id)

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop(USER, user_id)

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
