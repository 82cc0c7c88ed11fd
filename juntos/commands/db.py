"""`juntos db`: migrations."""

from __future__ import annotations

import typer
from rich.console import Console

from juntos.commands.common import with_database
from juntos.database import Database
from storage import migrate

app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
console = Console()


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the database (DATABASE_URL, default var/juntos.db) to REVISION."""

    async def work(database: Database) -> None:
        await migrate.upgrade(database.engine, revision)

    with_database(work)
    console.print(f"[green]database at {revision}[/green]")


@app.command()
def check() -> None:
    """Exit non-zero when the models and the migrated database disagree."""

    async def work(database: Database) -> list[object]:
        return await migrate.schema_drift(database.engine)

    drift = with_database(work)
    for item in drift:
        console.print(f"[red]{item}[/red]")
    if drift:
        raise typer.Exit(1)
    console.print("[green]models and migrations agree[/green]")
