"""`juntos directory`: HSDS 3.1 import/export and the nearest-services query."""

from __future__ import annotations

import importlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import cast

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from domain.geo import Point
from domain.nearby import NearbyQuery, NearbyService
from domain.ports import PlaceFinder, SystemClock
from domain.services.nearest import find_nearest_services
from domain.taxonomy import Category
from juntos.commands.common import with_database
from juntos.database import Database
from storage.hsds.transfer import ImportReport, export_directory, import_directory

app = typer.Typer(help="Service directory (Open Referral HSDS 3.1).", no_args_is_help=True)
console = Console()


def _as_json(result: NearbyService) -> dict[str, object]:
    data = asdict(result)
    data["category"] = result.category.value if result.category else None
    data["categories"] = [c.value for c in result.categories]
    data["next_opening"] = result.next_opening.isoformat() if result.next_opening else None
    data["point"] = (
        {"latitude": result.point.latitude, "longitude": result.point.longitude}
        if result.point
        else None
    )
    data["phones"] = list(result.phones)
    return data


# Longitudes in Mexico are negative: let "-106.4" be an argument, not an unknown option.
@app.command(context_settings={"ignore_unknown_options": True})
def near(
    lat: float = typer.Argument(..., help="Latitude (WGS84)."),
    lon: float = typer.Argument(..., help="Longitude (WGS84)."),
    category: Category | None = typer.Option(None, "--category", "-c", help="Taxonomy code."),
    age: int | None = typer.Option(None, "--age", min=0, max=120, help="Age of the person."),
    limit: int = typer.Option(5, "--limit", "-k", min=1, max=100, help="How many results."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print the nearest active services from LAT LON, with distance and whether open now."""
    try:
        point = Point(lat, lon)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    query = NearbyQuery(point=point, category=category, age=age, limit=limit)

    async def work(database: Database) -> list[NearbyService]:
        return await find_nearest_services(query, database.uow(), SystemClock())

    results = with_database(work)
    if as_json:
        typer.echo(json.dumps([_as_json(r) for r in results], ensure_ascii=False, indent=2))
        return
    table = Table("km", "service", "organization", "category", "open", "confidential")
    for r in results:
        table.add_row(
            f"{r.distance_km:.1f}",
            r.service_name,
            r.organization_name,
            r.category.value if r.category else "",
            "yes" if r.open_now else "no",
            "yes" if r.confidential else "",
        )
    console.print(table)


# --- HSDS import / export ------------------------------------------------------------------------

#: Imports larger than this many rows show a progress bar.
PROGRESS_THRESHOLD = 1_000
#: CSV bytes above which reading and checking (before any row is counted) shows a spinner.
LARGE_SOURCE_BYTES = 200_000
err_console = Console(stderr=True)


def load_place_finder() -> PlaceFinder | None:
    """The offline gazetteer (`storage.gazetteer`), or None when it is not available."""
    try:
        module = importlib.import_module("storage.gazetteer")
        return cast(PlaceFinder, module.load_gazetteer())
    except (ImportError, AttributeError, OSError) as exc:
        err_console.print(
            f"[yellow]No gazetteer ({exc}): municipalities come from INEGI codes only, "
            "time zones from the state.[/yellow]",
            highlight=False,
        )
        return None


def run_import(source: Path, *, check_only: bool = False) -> ImportReport:
    """Import (or only check) an HSDS directory into the configured database; print the outcome."""
    places = load_place_finder()
    progress = Progress(console=err_console, transient=True)
    task = progress.add_task("Reading and checking", total=None)
    if sum(p.stat().st_size for p in source.glob("*.csv")) > LARGE_SOURCE_BYTES:
        progress.start()

    def on_progress(done: int, total: int) -> None:
        if total <= PROGRESS_THRESHOLD:
            return
        if not progress.live.is_started:
            progress.start()
        progress.update(task, description="Importing", completed=done, total=total)

    async def work(database: Database) -> ImportReport:
        return await import_directory(
            source, database.uow(), places, on_progress=on_progress, check_only=check_only
        )

    try:
        report = with_database(work)
    finally:
        if progress.live.is_started:
            progress.stop()
    if not report.ok:
        for problem in report.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(report.problems)} problem(s) found; nothing was imported.", err=True)
        raise typer.Exit(1)
    if check_only:
        console.print(f"[green]{source}: no problems found[/green] (nothing written)")
        return report
    table = Table("table", "rows", title=f"Imported {source}")
    for part, count in report.written.items():
        table.add_row(part, str(count))
    for reason, count in sorted(report.ignored.items()):
        table.add_row(f"ignored: {reason}", str(count))
    console.print(table)
    return report


@app.command("import")
def import_(
    source: Path = typer.Argument(
        ..., exists=True, file_okay=False, dir_okay=True, help="Folder with HSDS 3.1 CSV tables."
    ),
    check: bool = typer.Option(False, "--check", help="Only validate; write nothing."),
) -> None:
    """Import HSDS 3.1 CSV tables (idempotent upsert by id; all or nothing)."""
    run_import(source, check_only=check)


@app.command("export")
def export(
    target: Path = typer.Argument(..., file_okay=False, help="Folder to write the tables into."),
) -> None:
    """Export the directory as HSDS 3.1 CSV tables (same data, same bytes)."""

    async def work(database: Database) -> dict[str, int]:
        return await export_directory(database.uow(), target)

    counts = with_database(work)
    table = Table("table", "rows", title=f"Exported to {target}")
    for name, count in counts.items():
        table.add_row(f"{name}.csv", str(count))
    console.print(table)
