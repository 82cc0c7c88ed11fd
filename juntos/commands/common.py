"""Helpers shared by the CLI command groups."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from juntos.database import Database, open_database
from juntos.settings import Settings, load_settings
from storage import crypto

T = TypeVar("T")
errors = Console(stderr=True, highlight=False)


def install_keys(settings: Settings) -> crypto.Keyring:
    """Install the configured keys, or stop with a message naming the bad key and the fix."""
    try:
        return crypto.configure(settings.secret_keys())
    except crypto.KeyConfigError as error:
        errors.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None


def with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the configured database, run `work`, and always dispose of the engine."""

    settings = load_settings()
    install_keys(settings)

    async def run() -> T:
        database = open_database(settings)
        try:
            return await work(database)
        finally:
            await database.close()

    return asyncio.run(run())
