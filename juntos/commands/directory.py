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
from domain.languages import normalize_code
from domain.nearby import ConfidentialOffer, NearbyQuery, NearbyService, SearchFilters
from domain.ports import PlaceFinder, SystemClock
from domain.services.nearest import find_confidential_offers, find_nearest_services
from domain.taxonomy import Category, Eligibility
from juntos.commands.common import with_database
from juntos.database import Database
from storage.hsds.importing import KNOWN_LANGUAGES
from storage.hsds.transfer import ExportReport, ImportReport, export_directory, import_directory

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
    data["eligibility"] = [e.value for e in result.eligibility]
    data["languages"] = [code for code, _name in result.languages]
    data["accessibility"] = list(result.accessibility)
    data["documents"] = list(result.documents)
    return data


def _applies(result: NearbyService) -> str:
    """What applies, in short codes for the table (the bot says it in words)."""
    parts = ["free"] if result.free else []
    parts += [e.value for e in result.eligibility]
    parts += [f"lang:{code}" for code, _name in result.languages if code != "es"]
    if result.accessibility:
        parts.append("accessible")
    if result.alert:
        parts.append("alert")
    return ", ".join(parts)


# Longitudes in Mexico are negative: let "-106.4" be an argument, not an unknown option.
@app.command(context_settings={"ignore_unknown_options": True})
def near(
    lat: float = typer.Argument(..., help="Latitude (WGS84)."),
    lon: float = typer.Argument(..., help="Longitude (WGS84)."),
    category: Category | None = typer.Option(None, "--category", "-c", help="Taxonomy code."),
    age: int | None = typer.Option(None, "--age", min=0, max=120, help="Age of the person."),
    free: bool = typer.Option(False, "--free", help="Only services free of charge."),
    open_now: bool = typer.Option(False, "--open-now", help="Only services open right now."),
    term: Eligibility | None = typer.Option(
        None, "--for", help="Only services for these people (taxonomy juntos_eligibility)."
    ),
    language: str | None = typer.Option(
        None, "--language", help="Only services in this language (ISO 639: es, en, tar...)."
    ),
    accessible: bool = typer.Option(
        False, "--accessible", help="Only places with an accessibility provision."
    ),
    limit: int = typer.Option(5, "--limit", "-k", min=1, max=100, help="How many results."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print the nearest active services from LAT LON that pass the filters, with distance,
    whether open now and what applies (confidential places: by municipality, unfiltered)."""
    try:
        point = Point(lat, lon)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    code = None
    if language is not None:
        code = normalize_code(language)
        if code is None or code not in KNOWN_LANGUAGES:
            raise typer.BadParameter(
                f"{language!r} is not an ISO 639 language code (e.g. es, en, nah, tar)",
                param_hint="--language",
            )
    filters = SearchFilters(
        free=free, open_now=open_now, eligibility=term, language=code, accessible=accessible
    )
    query = NearbyQuery(point=point, category=category, age=age, limit=limit, filters=filters)
    places = load_place_finder()
    municipality = places.nearest_municipality(lat, lon) if places else None

    async def work(
        database: Database,
    ) -> tuple[list[NearbyService], list[ConfidentialOffer]]:
        results = await find_nearest_services(query, database.uow(), SystemClock())
        offers = (
            await find_confidential_offers(municipality.inegi_code, category, age, database.uow())
            if municipality
            else []
        )
        return results, offers

    results, offers = with_database(work)
    if as_json:
        data = {
            "results": [_as_json(r) for r in results],
            "municipality": municipality.name if municipality else None,
            "confidential": [
                {
                    "service_id": o.service_id,
                    "service_name": o.service_name,
                    "organization_name": o.organization_name,
                    "categories": [c.value for c in o.categories],
                }
                for o in offers
            ],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("km", "service", "organization", "category", "open", "applies")
    for r in results:
        table.add_row(
            f"{r.distance_km:.1f}",
            r.service_name,
            r.organization_name,
            r.category.value if r.category else "",
            "yes" if r.open_now else "no",
            _applies(r),
        )
    console.print(table)
    if offers and municipality is not None:
        hidden = Table(
            "service",
            "organization",
            "categories",
            title=f"Confidential places in {municipality.name} (no address, no distance)",
        )
        for o in offers:
            hidden.add_row(
                o.service_name, o.organization_name, ", ".join(c.value for c in o.categories)
            )
        console.print(hidden)


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


def run_import(
    source: Path, *, check_only: bool = False, allow_unhide: bool = False
) -> ImportReport:
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
            source,
            database.uow(),
            places,
            on_progress=on_progress,
            check_only=check_only,
            allow_unhide=allow_unhide,
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
    for location_id in report.unhidden:
        err_console.print(
            f"[yellow]Location {location_id} is no longer confidential (--allow-unhide): "
            "members now see its address and point.[/yellow]",
            highlight=False,
        )
    return report


@app.command("import")
def import_(
    source: Path = typer.Argument(
        ..., exists=True, file_okay=False, dir_okay=True, help="Folder with HSDS 3.1 CSV tables."
    ),
    check: bool = typer.Option(False, "--check", help="Only validate; write nothing."),
    allow_unhide: bool = typer.Option(
        False,
        "--allow-unhide",
        help="Let a confidential place become public (its address and point shown to members).",
    ),
) -> None:
    """Import HSDS 3.1 CSV tables (idempotent upsert by id; all or nothing)."""
    run_import(source, check_only=check, allow_unhide=allow_unhide)


@app.command("export")
def export(
    target: Path = typer.Argument(..., file_okay=False, help="Folder to write the tables into."),
    include_confidential: bool = typer.Option(
        False,
        "--include-confidential",
        help="Also write the address, point and name of confidential places (shelters).",
    ),
) -> None:
    """Export the directory as HSDS 3.1 CSV tables (files readable by you only).

    Confidential places (shelters, anything marked confidential) are written without address,
    point or name unless --include-confidential is given.
    """

    async def work(database: Database) -> ExportReport:
        return await export_directory(
            database.uow(), target, include_confidential=include_confidential
        )

    report = with_database(work)
    table = Table("table", "rows", title=f"Exported to {target}")
    for name, count in report.counts.items():
        table.add_row(f"{name}.csv", str(count))
    console.print(table)
    if report.included:
        err_console.print(
            f"[bold yellow]Warning: {report.included} confidential place(s) were exported WITH "
            "their address and point. Keep these files as safe as the database, and delete "
            "them when done.[/bold yellow]",
            highlight=False,
        )
    elif report.redacted:
        console.print(
            f"{report.redacted} confidential place(s) exported without address, point or name "
            "(--include-confidential to include them)."
        )
