"""`juntos demo`: the fictional demo directory."""

from __future__ import annotations

from pathlib import Path

import typer

from domain.ports import SystemClock
from juntos.commands.common import with_database
from juntos.commands.directory import run_import
from juntos.database import Database
from juntos.demo_demand import load_demo_demand
from juntos.demo_history import load_demo_history
from juntos.sandbox_invites import invites_path, issue_persona_invites, save_codes
from juntos.settings import load_settings
from storage.cells import H3Grid
from storage.gazetteer import load_gazetteer

app = typer.Typer(help="Fictional demo data.", no_args_is_help=True)

#: HSDS 3.1 tables of fictional organisations in the ten municipalities of the program.
DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "demo_directory"


@app.command()
def load(
    source: Path = typer.Option(
        DEMO_DIRECTORY, "--from", file_okay=False, help="Folder of the demo HSDS tables."
    ),
) -> None:
    """Load the fictional demo directory (safe to run again: it updates in place), invite the
    sandbox's staff personas that are not linked yet, and add (once) a few months of fictional
    referral history for the coordinators' indicators and of search counts for the map of unmet
    demand."""
    if not source.is_dir():
        raise typer.BadParameter(f"{source} is not a folder", param_hint="--from")
    run_import(source)

    async def invite(database: Database) -> dict[int, str]:
        return await issue_persona_invites(database, SystemClock())

    codes = with_database(invite)

    async def history(database: Database) -> int:
        return await load_demo_history(database, SystemClock())

    added = with_database(history)
    if added:
        typer.echo(
            f"Added {added} fictional referrals (demo history of the last months) for the "
            "coordinators' indicators."
        )

    async def demand(database: Database) -> int:
        return await load_demo_demand(database.uow, H3Grid(), load_gazetteer(), SystemClock().now())

    searches = with_database(demand)
    if searches:
        typer.echo(
            f"Added {searches} fictional, seeded demo searches (and crisis counts) over the last "
            "16 weeks: `juntos report demand` and /demanda draw them, marked as fictional."
        )
    if codes:
        path = invites_path(load_settings())
        save_codes(codes, path)
        typer.echo(
            f"Invited {len(codes)} sandbox staff persona(s): open their chats on the sandbox "
            f"page to join (one-time codes in {path})."
        )
