"""`juntos directory`: HSDS 3.1 import/export and the nearest-services query."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer
from rich.console import Console
from rich.table import Table

from domain.geo import Point
from domain.nearby import NearbyQuery, NearbyService
from domain.ports import SystemClock
from domain.services.nearest import find_nearest_services
from domain.taxonomy import Category
from juntos.commands.common import with_database
from juntos.database import Database

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
