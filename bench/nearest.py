"""Benchmark: nearest-5 services with a category filter among 100,000 over Mexico, on SQLite.

Prints ms/query for the project's query (the indexed, widening bounding box in
storage/repositories/directory.py, plus the full domain call that also loads details and
computes open-now) and for a plain full scan in Python, and their ratio.
Target: < 1 ms per query and >= 100x faster than the scan.

    make bench            # or: .venv/bin/python bench/nearest.py [--services N] [--queries Q]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import heapq
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.directory import Directory, Location, Organization, Service, ServiceAtLocation
from domain.geo import Point, haversine_km
from domain.nearby import NearbyQuery
from domain.schedule import Schedule
from domain.services.nearest import find_nearest_services
from domain.taxonomy import Category
from storage import crypto, migrate
from storage.engine import create_engine, session_factory
from storage.mapping import start_mappers
from storage.nearest import dispose_reader
from storage.repositories.directory import SqlDirectoryRepository
from storage.uow import SqlUnitOfWork

# Rough population centres (lat, lon, weight) so the synthetic directory looks like Mexico's.
CITIES = [
    (19.43, -99.13, 20),
    (20.67, -103.35, 8),
    (25.69, -100.32, 8),
    (19.04, -98.20, 5),
    (32.51, -117.04, 5),
    (31.69, -106.42, 4),
    (21.12, -101.68, 4),
    (28.63, -106.09, 2),
    (19.70, -101.19, 2),
    (25.54, -103.41, 2),
    (22.15, -100.98, 2),
    (21.16, -86.85, 2),
    (20.97, -89.62, 2),
    (16.75, -93.12, 2),
    (17.06, -96.73, 1),
    (24.80, -107.39, 1),
    (29.07, -110.96, 2),
    (18.92, -99.23, 2),
    (22.25, -97.86, 1),
    (27.48, -99.51, 1),
]
MEXICO = (14.5, 32.7, -118.4, -86.7)


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


def synthetic_point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.15:
        return rng.uniform(MEXICO[0], MEXICO[1]), rng.uniform(MEXICO[2], MEXICO[3])
    lat, lon, _w = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
    return lat + rng.gauss(0, 0.15), lon + rng.gauss(0, 0.15)


def build_directory(n: int, rng: random.Random) -> Directory:
    d = Directory()
    ns = uuid.UUID("0b3e4c1a-0000-4000-8000-00000000be0c")
    orgs = [str(uuid.uuid5(ns, f"org{i}")) for i in range(max(1, n // 100))]
    d.organizations = [Organization(id=o, name=f"Org {i} (bench)") for i, o in enumerate(orgs)]
    categories = list(Category)
    for i in range(n):
        sid, lid = str(uuid.uuid5(ns, f"s{i}")), str(uuid.uuid5(ns, f"l{i}"))
        lat, lon = synthetic_point(rng)
        d.services.append(
            Service(
                id=sid,
                organization_id=orgs[i % len(orgs)],
                name=f"Servicio {i}",
                categories=frozenset(rng.sample(categories, rng.choice([1, 1, 2, 3]))),
            )
        )
        d.locations.append(Location(id=lid, name=f"Sede {i}", latitude=lat, longitude=lon))
        d.services_at_location.append(
            ServiceAtLocation(id=str(uuid.uuid5(ns, f"sal{i}")), service_id=sid, location_id=lid)
        )
        d.schedules.append(
            Schedule(
                id=str(uuid.uuid5(ns, f"h{i}")),
                weekdays=frozenset(range(5)),
                opens_at=dtime(9),
                closes_at=dtime(17),
                service_id=sid,
            )
        )
    return d


def full_scan(
    rows: list[tuple[str, float, float, frozenset[Category]]], query: NearbyQuery
) -> list[str]:
    lat, lon = query.point.latitude, query.point.longitude
    best = heapq.nsmallest(
        query.limit,
        ((haversine_km(lat, lon, r[1], r[2]), r[0]) for r in rows if query.category in r[3]),
    )
    return [sid for _km, sid in best]


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


async def run(n_services: int, n_queries: int, seed: int, keep: Path | None) -> None:
    crypto.configure(crypto.generate_key())  # a throw-away key for a throw-away database
    start_mappers()
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = keep or Path(tmp) / "bench.db"
        reuse = path.exists()
        engine = create_engine(f"sqlite:///{path}")
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        t0 = time.perf_counter()
        directory = build_directory(n_services, rng)
        if not reuse:
            print(f"building {n_services:,} synthetic services ...", flush=True)
            async with SqlUnitOfWork(sessions) as uow:
                await uow.directory.upsert(directory)
                await uow.commit()
            async with engine.begin() as conn:
                await conn.exec_driver_sql("ANALYZE")
            print(f"  loaded in {time.perf_counter() - t0:.1f} s")

        rows = [
            (s.id, loc.latitude, loc.longitude, s.categories)
            for s, loc in zip(directory.services, directory.locations, strict=True)
            if loc.latitude is not None and loc.longitude is not None
        ]
        queries = [
            NearbyQuery(
                point=Point(*synthetic_point(rng)), category=rng.choice(list(Category)), limit=5
            )
            for _ in range(n_queries)
        ]
        query_ms: list[float] = []
        full_ms: list[float] = []
        # The synthetic directory is a million Python objects: freeze them so the cyclic
        # garbage collector does not walk them in the middle of the timings (a server does
        # not hold such a heap).
        gc.collect()
        gc.freeze()
        async with sessions() as session:
            repo = SqlDirectoryRepository(session)
            await repo.nearest_ids(queries[0])  # warm the statement cache
            # Timed back to back, as a server answers them; checked against the scan after.
            answers = []
            for q in queries:
                t = time.perf_counter()
                answers.append(await repo.nearest_ids(q))
                query_ms.append((time.perf_counter() - t) * 1000)
            mismatches = sum(
                [sid for _sal, sid, _km in ids] != full_scan(rows, q)
                for q, ids in zip(queries, answers, strict=True)
            )
        clock = FixedClock()
        for q in queries[:200]:
            t = time.perf_counter()
            await find_nearest_services(q, SqlUnitOfWork(sessions), clock)
            full_ms.append((time.perf_counter() - t) * 1000)
        scan_ms: list[float] = []
        for q in queries[:100]:
            t = time.perf_counter()
            full_scan(rows, q)
            scan_ms.append((time.perf_counter() - t) * 1000)
        dispose_reader(engine)
        await engine.dispose()

    q_mean, s_mean = statistics.fmean(query_ms), statistics.fmean(scan_ms)
    print(f"\nnearest-5 with a category filter, {n_services:,} services, SQLite (aiosqlite)")
    print(
        f"  project query (indexed widening box) : {q_mean:7.3f} ms/query mean, "
        f"p50 {statistics.median(query_ms):.3f}, p95 {pct(query_ms, 95):.3f} "
        f"({len(query_ms)} queries)"
    )
    print(
        f"  + details and open-now (domain call) : {statistics.fmean(full_ms):7.3f} ms/query mean, "
        f"p95 {pct(full_ms, 95):.3f} ({len(full_ms)} queries)"
    )
    print(
        f"  full scan in Python                  : {s_mean:7.3f} ms/query mean "
        f"({len(scan_ms)} queries)"
    )
    print(f"  speed-up (scan / project query)      : {s_mean / q_mean:7.1f}x")
    print(f"  results identical to the scan       : {len(queries) - mismatches}/{len(queries)}")
    ok = q_mean < 1.0 and s_mean / q_mean >= 100 and mismatches == 0
    print(f"  target (< 1 ms, >= 100x, exact)      : {'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the database in this file and reuse it"
    )
    args = parser.parse_args()
    asyncio.run(run(args.services, args.queries, args.seed, args.keep))


if __name__ == "__main__":
    main()
