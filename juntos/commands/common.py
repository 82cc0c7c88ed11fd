"""Helpers shared by the CLI command groups."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from domain.directory import Municipality
from domain.ports import PlaceFinder
from domain.services.places import (
    AmbiguousMunicipality,
    UnknownMunicipality,
    find_municipality,
)
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


def municipalities_or_exit(
    names: list[str], places: PlaceFinder, *, exit_code: int = 1
) -> list[Municipality]:
    """The municipality each `--municipality` value names (every command asks here), or one
    line saying which value is unknown or ambiguous and how to say it better."""
    found: list[Municipality] = []
    for name in names:
        try:
            municipality = find_municipality(name, places)
        except AmbiguousMunicipality as problem:
            example = problem.candidates[0]
            message = (
                f"--municipality {name!r} is ambiguous: {problem.listed}. Add the state, e.g. "
                f'"{example.name}, {example.state}", or give its INEGI code.'
            )
        except UnknownMunicipality:
            what = "has INEGI code" if name.strip().isdigit() else "is called"
            message = (
                f"no municipality {what} {name.strip()!r}; try `juntos place resolve {name!r}`"
            )
        else:
            if municipality not in found:
                found.append(municipality)
            continue
        errors.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
        raise typer.Exit(exit_code)
    return found
