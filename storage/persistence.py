"""python-telegram-bot persistence in the Juntos database (no SQLAlchemy 2 one is maintained).

User data, chat data and conversation states survive a restart. Telegram ids are identities,
so rows are keyed by a keyed hash (HMAC, under a key of its own purpose: a row cannot be joined
to a member's without the key) and the ids and data are stored encrypted (Fernet).
While keys rotate, a row may still be under an older key: it is found by its hash under any
configured key, and the next save moves it to the primary key.
Rows nobody touched for JUNTOS_STATE_RETENTION_DAYS are deleted (`forget_idle_since`).
A database outage never stops the bot: reads fall back to empty state and writes are retried
at the next change, with a warning that names no person.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, delete, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import BasePersistence, PersistenceInput

from domain.ports import Clock, ForgottenState, StateScope, SystemClock
from storage import crypto
from storage.engine import create_engine
from storage.tables import bot_state

log = logging.getLogger(__name__)

USER, CHAT, CONVERSATION = (scope.value for scope in StateScope)
#: Errors that mean "the database is not there right now", not a bug.
OUTAGE = (SQLAlchemyError, OSError, ConnectionError, TimeoutError)

ConversationDict = dict[tuple[str | int, ...], object]


@dataclass
class _Batch:
    """Rows saved in one turn of the event loop, written in one transaction."""

    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: (kind, key_hash) of the same states under older keys (a rotation under way).
    older: list[tuple[str, str]] = field(default_factory=list)
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _hash_input(kind: str, key: object) -> str:
    return f"{kind}:{json.dumps(key)}"


def state_key_hash(kind: str, key: object, keyring: crypto.Keyring | None = None) -> str:
    """The key_hash of a new row (under the primary key)."""
    ring = keyring or crypto.current()
    return ring.keyed_hash(crypto.HashPurpose.BOT_STATE, _hash_input(kind, key))


def state_key_hashes(kind: str, key: object) -> list[str]:
    """The key_hash under every configured key, primary first."""
    return crypto.current().keyed_hashes(crypto.HashPurpose.BOT_STATE, _hash_input(kind, key))


def encode_payload(key: object, data: object) -> str:
    return json.dumps({"key": key, "data": data}, sort_keys=True, default=str)


def payload_key(payload: str) -> object:
    """The PTB key (user id, chat id, [name, conversation key]) inside a decrypted payload."""
    return json.loads(payload)["key"]


class SqlPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Keeps PTB's user_data, chat_data and conversations in table `bot_state`."""

    def __init__(
        self, database_url: str, update_interval: float = 5.0, clock: Clock | None = None
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._url = database_url
        self._clock = clock or SystemClock()
        self._engine: AsyncEngine | None = None
        #: The rows being collected for the next write (see `_save`), and writes under way.
        self._batch: _Batch | None = None
        self._writes: set[asyncio.Task[None]] = set()

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
                    await conn.execute(
                        select(bot_state.c.payload)
                        .where(bot_state.c.kind == kind)
                        .order_by(bot_state.c.updated_at)
                    )
                ).all()
        except OUTAGE as exc:
            log.warning(
                "persistence: cannot load %s state (%s); starting empty", kind, type(exc).__name__
            )
            return []
        # Oldest first: if a key has rows under two keys (a rotation under way), the newest wins.
        items: dict[str, tuple[Any, Any]] = {}
        for (payload,) in rows:
            decoded = json.loads(payload)
            items[json.dumps(decoded["key"])] = (decoded["key"], decoded["data"])
        return list(items.values())

    async def _save(self, kind: str, key: object, data: object) -> None:
        """Write one row; the rows PTB writes together (every changed member and chat, every
        `update_interval`) go in one transaction.

        PTB hands over each changed user's and chat's data as its own call, all at once. One
        transaction each made them queue for SQLite's single writer (every waiting transaction
        holding a pooled connection, the searches waiting behind them): 50 active chats cost
        100 transactions every 5 s. The calls made in the same turn of the event loop are
        written together: each row is the same as alone, and every caller waits until its row
        is written (or the write failed, with the same warning)."""
        primary, *older = state_key_hashes(kind, key)
        row = {
            "kind": kind,
            "key_hash": primary,
            "payload": encode_payload(key, data),
            "updated_at": self._clock.now(),
        }
        batch = self._batch
        if batch is None:
            batch = self._batch = _Batch()
            asyncio.get_running_loop().call_soon(self._write_soon, batch)
        # A second save of the same row in one batch: the later data wins.
        batch.rows[(kind, primary)] = row
        batch.older.extend((kind, hash_) for hash_ in older)
        await asyncio.shield(batch.done)

    def _write_soon(self, batch: _Batch) -> None:
        self._batch = None
        task = asyncio.get_running_loop().create_task(self._write(batch))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, batch: _Batch) -> None:
        try:
            async with self.engine.begin() as conn:
                insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
                stmt = insert(bot_state)
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["kind", "key_hash"],
                        set_={
                            "payload": stmt.excluded.payload,
                            "updated_at": stmt.excluded.updated_at,
                        },
                    ),
                    list(batch.rows.values()),
                )
                if batch.older:  # the same state under an older key is now stale
                    for kind in {kind for kind, _ in batch.older}:
                        await conn.execute(
                            delete(bot_state).where(
                                bot_state.c.kind == kind,
                                bot_state.c.key_hash.in_(
                                    [hash_ for k, hash_ in batch.older if k == kind]
                                ),
                            )
                        )
        except OUTAGE as exc:
            kinds = ",".join(sorted({kind for kind, _ in batch.rows}))
            log.warning("persistence: cannot save %s state (%s)", kinds, type(exc).__name__)
        except Exception as exc:  # a bug, not an outage: every caller sees it, as before
            batch.done.set_exception(exc)
        except asyncio.CancelledError:
            batch.done.cancel()
            raise
        finally:
            if not batch.done.done():
                batch.done.set_result(None)

    async def _drop(self, kind: str, key: object) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    delete(bot_state).where(
                        bot_state.c.kind == kind,
                        bot_state.c.key_hash.in_(state_key_hashes(kind, key)),
                    )
                )
        except OUTAGE as exc:
            log.warning("persistence: cannot drop %s state (%s)", kind, type(exc).__name__)

    # --- retention ------------------------------------------------------------------------------

    async def forget_idle_since(self, cutoff: datetime) -> list[ForgottenState]:
        """Delete the rows not written since `cutoff` and say whose they were."""
        # One statement (DELETE ... RETURNING, SQLite >= 3.35 and PostgreSQL): a row written
        # meanwhile is neither deleted nor reported.
        raw_payload = type_coerce(bot_state.c.payload, Text)
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(
                    delete(bot_state)
                    .where(bot_state.c.updated_at < cutoff)
                    .returning(bot_state.c.kind, raw_payload)
                )
            ).all()
        forgotten: list[ForgottenState] = []
        keyring = crypto.current()
        for kind, token in rows:
            try:
                key = payload_key(keyring.decrypt(token))
            except (crypto.UndecryptableError, ValueError, KeyError, TypeError):
                continue  # deleted all the same; nothing in memory can be matched to it
            state = _forgotten(kind, key)
            if state is not None:
                forgotten.append(state)
        return forgotten

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
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


def _forgotten(kind: str, key: object) -> ForgottenState | None:
    if kind in (USER, CHAT) and isinstance(key, int):
        return ForgottenState(StateScope(kind), (key,))
    if kind == CONVERSATION and isinstance(key, list) and len(key) == 2:
        name, parts = key
        if isinstance(name, str) and isinstance(parts, list):
            return ForgottenState(StateScope.CONVERSATION, tuple(parts), conversation=name)
    return None
