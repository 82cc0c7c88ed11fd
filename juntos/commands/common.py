"""Helpers shared by the CLI command groups."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from juntos.database import Database, open_database
from juntos.settings import load_settings

T = TypeVar("T")


def with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the configured database, run `work`, and always dispose of the engine."""

    async def run() -> T:
        database = open_database(load_settings())
        try:
            return await work(database)
        finally:
            await database.close()

    return asyncio.run(run())
