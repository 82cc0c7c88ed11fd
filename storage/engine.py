"""Engine construction: plain URLs in configuration, async drivers chosen here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str | URL) -> URL:
    """`sqlite:///x.db` -> `sqlite+aiosqlite:///x.db`; `postgresql://` -> `+asyncpg`."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ASYNC_DRIVERS:
        raise ValueError(f"unsupported database backend {backend!r} (use sqlite or postgresql)")
    return parsed.set(drivername=ASYNC_DRIVERS[backend])


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Read pages straight from the OS cache instead of one system call per page: the
    # coordinators' indicators read a municipality's whole year from covering indexes.
    cursor.execute("PRAGMA mmap_size=2147418112")
    cursor.close()


def create_engine(
    url: str | URL, *, pool: bool = True, pool_size: int | None = None
) -> AsyncEngine:
    """An engine for `url`; on PostgreSQL, `pool_size` connections kept open (and half as many
    more at peaks), each checked before use (a restarted server costs no failed update)."""
    target = async_url(url)
    # Never print bound values (chat-id hashes, encrypted notes...) in errors or logs.
    options: dict[str, Any] = {"hide_parameters": True}
    if not pool:
        options["poolclass"] = NullPool
    elif target.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
        if pool_size is not None:
            options["pool_size"] = pool_size
            options["max_overflow"] = max(1, pool_size // 2)
    engine = create_async_engine(target, **options)
    if target.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
