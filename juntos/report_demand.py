"""`juntos report demand`: evidence for coordinators, from anonymous counts only (registered on
the `juntos report` app in `juntos.report_cli`).

`juntos report demand`: where help is missing in one municipality over a period (the ranked
table, the share served within 10 km per need, where a new service would serve most, the
weekly trend), with the map as a PNG and the table as a CSV. Every count under 5 is "< 5".
The command line is the operator's (who holds the database and its keys): it reads any
municipality; coordinators read theirs with /demanda in Telegram.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bot.i18n import Catalogs, Translator
from bot.staff import demand_texts as dt
from bot.staff.demand_map import render_csv, render_png
from domain.errors import NotFound
from domain.indicators import Period
from domain.ports import SystemClock
from domain.services.demand_report import DemandReport, DemandRequest, demand_report
from domain.taxonomy import Category, parse_category
from juntos.commands.common import municipalities_or_exit, with_database
from juntos.database import Database
from juntos.settings import load_settings
from storage.cells import H3Grid
from storage.gazetteer import load_gazetteer

err = Console(stderr=True, soft_wrap=True, highlight=False)


def _console() -> Console:
    return Console() if sys.stdout.isatty() else Console(width=160)


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = f"{value!r} is not a date like 2026-03-31"
        raise typer.BadParameter(message, param_hint=option) from None


def _need(value: str | None) -> Category | None:
    if value is None:
        return None
    category = parse_category(value)
    if category is None:
        codes = ", ".join(c.value for c in Category)
        raise typer.BadParameter(f"{value!r} is not one of: {codes}", param_hint="--need")
    return category


def demand(
    municipality: str = typer.Option(
        ..., "--municipality", help="Name (add the state when ambiguous) or INEGI code."
    ),
    start: str | None = typer.Option(
        None, "--from", help="First day (YYYY-MM-DD; default: 1 January of this year)."
    ),
    end: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD; default: today)."),
    need: str | None = typer.Option(None, "--need", help="Only this kind of help (a code)."),
    png: Path | None = typer.Option(None, "--png", dir_okay=False, help="Write the map here."),
    csv: Path | None = typer.Option(None, "--csv", dir_okay=False, help="Write the table here."),
    language: str | None = typer.Option(
        None, "--language", help="es_MX or en (default: JUNTOS_DEFAULT_LOCALE)."
    ),
) -> None:
    """Where help is missing: searches without a service within 10 km, by need and area."""
    today = SystemClock().now().date()
    first = _date(start, "--from") if start else today.replace(month=1, day=1)
    last = _date(end, "--to") if end else today
    if last < first:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    period = Period(first, last)
    category = _need(need)
    grid, places = H3Grid(), load_gazetteer()
    [chosen] = municipalities_or_exit([municipality], places)
    code = chosen.inegi_code
    settings = load_settings()
    t = Catalogs(default=settings.juntos_default_locale).get(language)

    async def read(database: Database) -> DemandReport:
        return await demand_report(
            DemandRequest(code, period, category), None, database.uow(), grid, places, SystemClock()
        )

    try:
        report = with_database(read)
    except NotFound:
        err.print(f"[red]No municipality with INEGI code {code}.[/red]")
        raise typer.Exit(1) from None
    console = _console()
    if report.empty:
        console.print(dt.nothing_in_period(t, report.municipality.name, period.start, period.end))
        return
    _print(console, report, t)
    if png is not None:
        png.write_bytes(render_png(report, grid, t))
        console.print(f"PNG: {png}")
    if csv is not None:
        csv.write_bytes(render_csv(report, t))
        console.print(f"CSV: {csv}")


def _print(console: Console, report: DemandReport, t: Translator) -> None:
    console.print(f"[bold]{dt.map_title(t, report)}[/bold]\n{dt.period_line(t, report)}")
    need, area, _cell, _lat, _lon, searches, unmet = dt.csv_header(t)
    table = Table(need, area, unmet, searches, title=dt.unmet_title(t))
    visible = [r for r in report.unmet_rows if not r.unmet.suppressed]
    for row in visible:
        table.add_row(dt.need_name(t, row.need), row.area.label, str(row.unmet), str(row.searches))
    console.print(table)
    hidden = len(report.unmet_rows) - len(visible)
    if hidden:
        console.print(dt.hidden_groups(t, hidden))
    shares = Table(need, "%", title=dt.shares_title(t))
    for code, share in report.shares:
        shares.add_row(dt.need_name(t, code), dt.share_text(t, code, share))
    console.print(shares)
    if report.new_service_areas:
        console.print(dt.picks_title(t))
        for pick in report.new_service_areas:
            center = pick.area.center
            console.print(
                f"  {dt.pick_line(t, pick)} ({center.latitude:.4f}, {center.longitude:.4f})"
            )
    trend = Table(dt.week_header(t), searches, unmet, title=dt.legend_trend(t))
    for week in report.trend:
        trend.add_row(week.week, str(week.searches), str(week.unmet))
    console.print(trend)
    if report.crises:
        console.print(dt.crises_title(t))
        for kind, count in report.crises:
            console.print(f"  {dt.kind_name(t, kind)}: {count}")
