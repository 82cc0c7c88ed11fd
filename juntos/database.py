"""Build the database side of the application from settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from juntos import files
from juntos.settings import VAR, Settings
from storage import crypto
from storage.engine import create_engine, session_factory
from storage.mapping import start_mappers
from storage.nearest import dispose_reader
from storage.uow import SqlUnitOfWork


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    async def close(self) -> None:
        await dispose_reader(self.engine)
        await self.engine.dispose()


def open_database(settings: Settings, url: str | None = None) -> Database:
    """The configured database, its keys installed (crypto.KeyConfigError if one is bad)."""
    crypto.configure(settings.secret_keys())
    start_mappers()
    target = make_url(url or settings.database_url)
    if target.get_backend_name() == "sqlite" and target.database not in (None, "", ":memory:"):
        path = Path(target.database).resolve()
        files.prepare_sqlite_file(path, own_folder=path.parent == VAR.resolve())
    engine = create_engine(target, pool_size=settings.juntos_db_pool_size)
    return Database(engine=engine, sessions=session_factory(engine))
