"""Key rotation: every encrypted value and every keyed hash moved to the primary key.

`rotate_keys` walks each table with an encrypted column in primary-key order, in batches;
each batch is one transaction, and each row is rewritten whole (its values and its hash
together) or not at all. Rows already under the primary key are left alone, so a rotation that
stopped (Ctrl-C, a lost connection) is finished by running it again. Meanwhile everything
stays readable: every configured key decrypts, and lookups try the hash under every key.

`verify_primary` then reads every row with the primary key alone: when it finds nothing, the
older keys can be removed from JUNTOS_SECRET_KEY.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, column, exists, func, select, table, tuple_
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.expression import TableClause

from storage import crypto
from storage.persistence import payload_key, state_key_hash
from storage.repositories.people import chat_hash
from storage.tables import metadata
from storage.types import EncryptedInt, EncryptedText

DEFAULT_BATCH_SIZE = 500

#: A keyed hash, recomputed from the row's decrypted values (and plain columns).
HashRule = Callable[[crypto.Keyring, Mapping[str, str | None], Row[Any]], str | None]


def _chat(keyring: crypto.Keyring, plain: Mapping[str, str | None], _row: Row[Any]) -> str | None:
    value = plain["chat_id"]
    return None if value is None else chat_hash(int(value), keyring)


def _state(keyring: crypto.Keyring, plain: Mapping[str, str | None], row: Row[Any]) -> str | None:
    payload = plain["payload"]
    return None if payload is None else state_key_hash(row.kind, payload_key(payload), keyring)


#: Every keyed-hash column, by table: how to recompute it under the primary key.
KEYED_HASHES: dict[str, dict[str, HashRule]] = {
    "members": {"chat_hash": _chat},
    "staff_members": {"chat_hash": _chat},
    "bot_state": {"key_hash": _state},
}
#: Hashes that need no key: invitation codes carry 120 random bits (sha256 alone suffices).
UNKEYED_HASHES = frozenset({("invites", "code_hash")})
#: Short-lived rows keyed by a hash that cannot be recomputed (no chat id is kept): deleted
#: by a rotation. Wrong invite codes only count for an hour.
FORGOTTEN_ON_ROTATION = frozenset({("invite_failures", "chat_hash")})


@dataclass(frozen=True)
class Target:
    """A table with encrypted columns, seen raw (no TypeDecorator: tokens in, tokens out)."""

    name: str
    keys: tuple[str, ...]
    encrypted: tuple[str, ...]
    hashes: Mapping[str, HashRule]
    plain: tuple[str, ...]

    @property
    def raw(self) -> TableClause:
        names = dict.fromkeys((*self.keys, *self.plain, *self.encrypted, *self.hashes))
        return table(self.name, *(column(name) for name in names))


def targets() -> list[Target]:
    """Every table holding an encrypted column, found from the schema (a new one is covered)."""
    found = []
    for source in metadata.sorted_tables:
        encrypted = tuple(
            c.name for c in source.columns if isinstance(c.type, EncryptedText | EncryptedInt)
        )
        if not encrypted:
            continue
        hashes = KEYED_HASHES.get(source.name, {})
        keys = tuple(c.name for c in source.primary_key.columns)
        plain = ("kind",) if source.name == "bot_state" else ()
        found.append(Target(source.name, keys, encrypted, hashes, plain))
    return found


class RotationError(Exception):
    """A row cannot be rotated; the message says which and what to do."""


@dataclass
class RotationReport:
    checked: int = 0
    rotated: int = 0
    by_table: dict[str, int] = field(default_factory=dict)


#: Called after each committed batch: (table, rows checked, rows rewritten).
BatchHook = Callable[[str, int, int], None]


async def count_rows(engine: AsyncEngine) -> dict[str, int]:
    """How many rows a rotation will look at, per table."""
    counts: dict[str, int] = {}
    async with engine.connect() as conn:
        for target in targets():
            counts[target.name] = (
                await conn.scalar(select(func.count()).select_from(table(target.name)))
            ) or 0
    return counts


async def rotate_keys(
    engine: AsyncEngine,
    keyring: crypto.Keyring,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    after_batch: BatchHook | None = None,
) -> RotationReport:
    """Re-encrypt and re-hash every row not yet under the primary key, batch by batch."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    report = RotationReport()
    async with engine.begin() as conn:
        for name, _column in sorted(FORGOTTEN_ON_ROTATION):
            await conn.execute(metadata.tables[name].delete())
    for target in targets():
        report.by_table[target.name] = 0
        cursor: tuple[Any, ...] | None = None
        # Rows whose primary key is a hash move forward in key order when re-hashed: seen
        # again later in this walk, they are not counted twice.
        moved: set[tuple[Any, ...]] = set()
        while True:
            async with engine.begin() as conn:
                rows = await _batch(conn, target, cursor, batch_size)
                if not rows:
                    break
                checked = rotated = 0
                for row in rows:
                    key = tuple(row._mapping[name] for name in target.keys)
                    if key in moved:
                        continue
                    checked += 1
                    new_key = await _rotate_row(conn, target, keyring, row)
                    if new_key is not None:
                        rotated += 1
                        if new_key != key:
                            moved.add(new_key)
                cursor = tuple(rows[-1]._mapping[name] for name in target.keys)
            report.checked += checked
            report.rotated += rotated
            report.by_table[target.name] += rotated
            if after_batch is not None:
                after_batch(target.name, checked, rotated)
    return report


async def _batch(
    conn: AsyncConnection, target: Target, cursor: tuple[Any, ...] | None, size: int
) -> list[Row[Any]]:
    raw = target.raw
    key_columns = [raw.c[name] for name in target.keys]
    query = select(raw).order_by(*key_columns).limit(size)
    if cursor is not None:
        query = query.where(tuple_(*key_columns) > tuple_(*cursor))
    return list((await conn.execute(query)).all())


def _open_row(target: Target, keyring: crypto.Keyring, row: Row[Any]) -> dict[str, Any]:
    """The changes that put `row` under the primary key (none: it already is)."""
    plain: dict[str, str | None] = {}
    changes: dict[str, Any] = {}
    for name in target.encrypted:
        token = row._mapping[name]
        if token is None:
            plain[name] = None
            continue
        try:
            text, current = keyring.open(token)
        except crypto.UndecryptableError:
            raise RotationError(
                f"{_where(target, row)}: {name} decrypts with none of the {keyring.size} "
                "configured key(s). Is an older key missing from JUNTOS_SECRET_KEY? Add it "
                "after the new one and run `juntos keys rotate` again (rows already rotated "
                "stay rotated)."
            ) from None
        plain[name] = text
        if not current:
            changes[name] = keyring.encrypt(text)
    for name, rule in target.hashes.items():
        expected = rule(keyring, plain, row)
        if row._mapping[name] != expected:
            changes[name] = expected
    return changes


async def _rotate_row(
    conn: AsyncConnection, target: Target, keyring: crypto.Keyring, row: Row[Any]
) -> tuple[Any, ...] | None:
    """Rewrite one row under the primary key; its (new) primary key, or None if unchanged."""
    changes = _open_row(target, keyring, row)
    if not changes:
        return None
    raw = target.raw
    key = {name: row._mapping[name] for name in target.keys}
    new_key = {name: changes.get(name, value) for name, value in key.items()}
    this_row = and_(*(raw.c[name] == value for name, value in key.items()))
    if new_key != key:
        # The re-hashed key may already be taken: the running bot saved this state again
        # under the primary key meanwhile. That copy is the newer one; drop this one.
        taken = and_(*(raw.c[name] == value for name, value in new_key.items()))
        if await conn.scalar(select(exists().where(taken))):
            await conn.execute(raw.delete().where(this_row))
            return tuple(new_key.values())
    await conn.execute(raw.update().where(this_row).values(**changes))
    return tuple(new_key.values())


def _where(target: Target, row: Row[Any]) -> str:
    if target.keys == ("id",):
        return f"{target.name} row {row._mapping['id']}"
    if target.name == "bot_state":
        return f"a bot_state row ({row._mapping['kind']} state)"
    return f"a {target.name} row"


async def verify_primary(engine: AsyncEngine, keyring: crypto.Keyring) -> list[str]:
    """What does not read with the primary key alone (empty: the older keys can go)."""
    primary = keyring.primary_only()
    problems: list[str] = []
    for target in targets():
        cursor: tuple[Any, ...] | None = None
        while True:
            async with engine.connect() as conn:
                rows = await _batch(conn, target, cursor, DEFAULT_BATCH_SIZE)
            if not rows:
                break
            for row in rows:
                try:
                    changes = _open_row(target, primary, row)
                except RotationError:
                    changes = {"all": True}
                if changes:
                    problems.append(f"{_where(target, row)}: {', '.join(sorted(changes))}")
            cursor = tuple(rows[-1]._mapping[name] for name in target.keys)
    return problems
