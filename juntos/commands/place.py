"""`juntos place`: the offline gazetteer."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import typer
from rich.console import Console
from rich.table import Table

from storage.gazetteer import load_gazetteer

app = typer.Typer(
    help="Offline place finder (código postal, colonia, municipio).", no_args_is_help=True
)


def _console() -> Console:
    # Piped output keeps whole rows (a terminal gets its own width).
    return Console() if sys.stdout.isatty() else Console(width=200)


@app.command()
def resolve(
    text: str = typer.Argument(..., help='What a member typed, e.g. "col. centro, cd juárez".'),
    limit: int = typer.Option(5, "--limit", "-n", min=1, max=50, help="How many candidates."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print the ranked places TEXT may mean (kind, name, municipality, state, INEGI code,
    point, score). Exits 1 when nothing is close enough."""
    candidates = load_gazetteer().resolve(text, limit=limit)
    if as_json:
        typer.echo(json.dumps([asdict(c) for c in candidates], ensure_ascii=False, indent=2))
    else:
        console = _console()
        table = Table("kind", "name", "municipality", "state", "INEGI", "CP", "lat", "lon", "score")
        for c in candidates:
            table.add_row(
                c.kind,
                c.name,
                c.municipality,
                c.state,
                c.inegi_code,
                c.postal_code or "",
                f"{c.latitude:.5f}" + ("~" if c.approximate else ""),
                f"{c.longitude:.5f}",
                f"{c.score:.1f}",
            )
        console.print(table if candidates else "[yellow]No place matches.[/yellow]")
        if any(c.approximate for c in candidates):
            console.print("~ the point is the municipality's (or state's) main place")
    if not candidates:
        raise typer.Exit(1)


@app.command()
def municipality(
    inegi_code: str = typer.Argument(..., help="Five digits: state (2) + municipio (3)."),
) -> None:
    """Print a municipality by its INEGI code (name, state, time zone)."""
    found = load_gazetteer().municipality(inegi_code)
    if found is None:
        typer.echo(f"no municipality with INEGI code {inegi_code!r}", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(asdict(found), ensure_ascii=False))
