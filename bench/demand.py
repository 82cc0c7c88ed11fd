"""Unmet demand benchmark: the cost a search pays to be counted, and a coordinator's report.

Run: .venv/bin/python bench/demand.py [--searches N]
Builds a throwaway SQLite database with the demo directory and the fictional demo counts, then
prints: milliseconds per counted search (one upsert transaction), the report's read time and
the PNG / CSV rendering time for Juárez over 16 weeks. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.i18n import Catalogs
from bot.staff.demand_map import render_csv, render_png
from domain.geo import Point
from domain.indicators import Period
from domain.ports import SystemClock
from domain.services.demand import CompletedSearch, count_search
from domain.services.demand_report import DemandRequest, demand_report
from domain.taxonomy import Category
from juntos.commands.demo import DEMO_DIRECTORY
from juntos.demo_demand import load_demo_demand
from storage import crypto
from storage.cells import H3Grid
from storage.engine import create_engine, session_factory
from storage.gazetteer import load_gazetteer
from storage.hsds.transfer import import_directory
from storage.mapping import start_mappers
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork


async def run(searches: int) -> None:
    crypto.configure(crypto.generate_key())  # a throw-away key for a throw-away database
    start_mappers()
    grid, places, clock = H3Grid(), load_gazetteer(), SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = create_engine(url)
        await upgrade(engine)
        sessions = session_factory(engine)
        try:
            await import_directory(DEMO_DIRECTORY, SqlUnitOfWork(sessions), places)
            added = await load_demo_demand(
                lambda: SqlUnitOfWork(sessions), grid, places, clock.now()
            )
            timings = []
            for n in range(searches):
                point = Point(31.60 + (n % 40) * 0.005, -106.50 + (n % 37) * 0.006)
                search = CompletedSearch(point, "08037", Category.LEGAL_AID, None, 12.0)
                started = time.perf_counter()
                await count_search(search, SqlUnitOfWork(sessions), grid, clock)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p95 = timings[int(0.95 * len(timings))]
            print(
                f"count a search (SQLite, {searches} searches): median "
                f"{statistics.median(timings):.2f} ms, p95 {p95:.2f} ms"
            )
            today = datetime.now(UTC).date()
            request = DemandRequest("08037", Period(today - timedelta(weeks=16), today))
            started = time.perf_counter()
            report = await demand_report(
                request, None, SqlUnitOfWork(sessions), grid, places, clock
            )
            read = time.perf_counter()
            t = Catalogs().get("es_MX")
            png = render_png(report, grid, t)
            drawn = time.perf_counter()
            table = render_csv(report, t)
            done = time.perf_counter()
            print(
                f"report Juárez, 16 weeks ({added} demo searches in the database, "
                f"{len(report.areas)} cells): read {(read - started) * 1000:.0f} ms, "
                f"PNG {(drawn - read) * 1000:.0f} ms ({len(png) // 1024} KiB), "
                f"CSV {(done - drawn) * 1000:.1f} ms ({len(table) // 1024} KiB)"
            )
        finally:
            await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.searches))


if __name__ == "__main__":
    main()
