"""`juntos report`: what coordinations read, from the command line.

`juntos report indicators --municipality Juárez --from 2026-03-01 --to 2026-03-31` prints the
same figures as /indicadores (small groups as "< 5"), and writes the CSV, the chart or JSON
when asked.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.i18n import SUPPORTED, Catalogs, Translator
from bot.indicators import table as itable
from bot.indicators import texts as itexts
from bot.indicators.chart import render_png
from domain.errors import InvalidValue
from domain.indicators import Indicators, Period
from domain.ports import SystemClock
from domain.services.indicators import IndicatorRequest, municipality_zone, operator_indicators
from juntos import report_demand
from juntos.commands.common import errors, municipalities_or_exit, with_database
from juntos.database import Database
from storage.gazetteer import load_gazetteer

app = typer.Typer(
    help="Reports for coordinations (indicators, unmet demand).", no_args_is_help=True
)
app.command("demand")(report_demand.demand)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _console() -> Console:
    return Console() if sys.stdout.isatty() else Console(width=160)


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
    return typer.Exit(2)


@app.command()
def indicators(
    municipality: list[str] = typer.Option(
        ...,
        "--municipality",
        "-m",
        help='A name ("Juárez", "Juárez, Chihuahua") or an INEGI code (08037); repeat for more.',
    ),
    start: datetime = typer.Option(..., "--from", formats=["%Y-%m-%d"], help="First day."),
    end: datetime = typer.Option(..., "--to", formats=["%Y-%m-%d"], help="Last day (included)."),
    csv_path: Path | None = typer.Option(None, "--csv", help="Write the figures as CSV here."),
    png_path: Path | None = typer.Option(None, "--png", help="Write the chart (PNG) here."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    language: str = typer.Option("es_MX", "--lang", help="es_MX or en."),
) -> None:
    """Referrals, times to answer, people served (age, gender, need), outcomes, organisations
    and the cross-sector matrix of some municipalities over a period. Groups of fewer than five
    are shown as "< 5"."""
    if language not in SUPPORTED:
        raise _fail(f"--lang must be one of {', '.join(SUPPORTED)}, not {language!r}")
    try:
        period = Period(start.date(), end.date())
    except InvalidValue:
        raise _fail(
            f"the period ends ({end.date()}) before it starts ({start.date()}): "
            "swap --from and --to"
        ) from None
    places = load_gazetteer()
    chosen = municipalities_or_exit(municipality, places, exit_code=2)
    codes = frozenset(m.inegi_code for m in chosen)
    request = IndicatorRequest(period, municipality_zone(min(codes), places), codes)

    async def read(database: Database) -> Indicators:
        return await operator_indicators(request, database.uow(), SystemClock())

    found = with_database(read)
    t = Catalogs().get(language)
    label = t.and_list([m.name for m in chosen])
    if csv_path is not None:
        csv_path.write_bytes(itable.csv_bytes(t, found))
    if png_path is not None:
        if found.empty:
            errors.print(itexts.empty_period(t, period).split(".")[0] + ": no chart written.")
        else:
            png_path.write_bytes(render_png(t, found, label))
    if as_json:
        typer.echo(itable.as_json(t, found))
        return
    _print_table(t, found, label, period)


def _print_table(t: Translator, found: Indicators, label: str, period: Period) -> None:
    console = _console()
    names = itexts.figure_names(t)
    table = Table(
        title=f"{itexts.chart_title(t, label)} · {itexts.period_label(t, period)}",
        show_header=False,
    )
    table.add_column("", style="dim")
    table.add_column("")
    table.add_column("", justify="right")
    previous = None
    for row in itable.rows(t, found):
        if row.section == "matrix" and row.value == "0":
            continue  # the CSV has the whole matrix; the terminal only the pairs that occur
        section = names.get(row.section, "") if row.section != previous else ""
        previous = row.section
        table.add_row(section, row.label, row.value)
    console.print(table)
    if found.empty:
        console.print(itexts.empty_period(t, period).split(".")[0] + ".")
    console.print(itexts.suppression_note(t))
