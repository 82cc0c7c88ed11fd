"""`juntos demo`: the fictional demo directory."""

from __future__ import annotations

from pathlib import Path

import typer

from juntos.commands.directory import run_import

app = typer.Typer(help="Fictional demo data.", no_args_is_help=True)

#: HSDS 3.1 tables of fictional organisations in the ten municipalities of the program.
DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "demo_directory"


@app.command()
def load(
    source: Path = typer.Option(
        DEMO_DIRECTORY, "--from", file_okay=False, help="Folder of the demo HSDS tables."
    ),
) -> None:
    """Load the fictional demo directory (safe to run again: it updates in place)."""
    if not source.is_dir():
        raise typer.BadParameter(f"{source} is not a folder", param_hint="--from")
    run_import(source)
