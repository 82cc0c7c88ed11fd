"""Run Alembic migrations from the application (and from tests) on an async engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.tables import metadata

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def without_foreign_keys(connection: Connection, work: Callable[[Connection], None]) -> None:
    """Run `work` in one transaction; on SQLite with foreign key enforcement off.

    Batch mode rebuilds a SQLite table by copying it and dropping the original, and dropping a
    table with enforcement on deletes its rows first, which fires the ON DELETE actions of the
    tables that refer to it (cases.member_id would be set to NULL). The pragma only takes
    effect outside a transaction; the links are checked before the commit.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            work(connection)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration broke {len(broken)} foreign key link(s)")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.connect() as connection:
        await connection.run_sync(without_foreign_keys, lambda c: _upgrade(c, revision))
    if revision == "head":
        await _rebuild_search_rows(engine)


def _search_rows_missing(connection: Connection) -> bool:
    """The directory has places but no search card (the migration that added them ran)."""
    from sqlalchemy import select

    from storage import tables

    has_places = connection.execute(select(tables.services_at_location.c.id).limit(1)).first()
    has_cards = connection.execute(
        select(tables.service_cards.c.service_at_location_id).limit(1)
    ).first()
    has_points = connection.execute(select(tables.service_points.c.id).limit(1)).first()
    return has_places is not None and has_cards is None and has_points is None


async def _rebuild_search_rows(engine: AsyncEngine) -> None:
    """Rebuild the derived search rows (points and cards) when a migration emptied them."""
    from sqlalchemy.orm import Session

    from storage.cards import rebuild_all_sync
    from storage.mapping import start_mappers

    async with engine.connect() as connection:
        if not await connection.run_sync(_search_rows_missing):
            return
    start_mappers()

    def rebuild(connection: Connection) -> None:
        with Session(connection) as session:
            rebuild_all_sync(session)
            session.flush()

    async with engine.begin() as connection:
        await connection.run_sync(rebuild)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(without_foreign_keys, lambda c: _downgrade(c, revision))


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def schema_drift(engine: AsyncEngine) -> list[Any]:
    """Differences between the models and the migrated database (empty when they agree)."""
    async with engine.connect() as connection:
        return await connection.run_sync(_diff)
