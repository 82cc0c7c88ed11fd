"""Benchmark: a municipality's indicators over a year of 100,000 cases, and the weekly digest
for 100 coordinators, on SQLite and on PostgreSQL.

Prints the time of the indicators (the whole domain call: every aggregate query and its audit
entry; best and median of several runs), the query plan of each of its queries (which index
each one uses), and the time to find, claim and build 100 coordinators' digests.
Targets: indicators < 1 s, 100 digests < 10 s, on both engines (wall-clock time; the CPU time
of this process is printed too, as a busy machine stretches the wall clock).

    make bench      # or: .venv/bin/python bench/indicators.py [--cases N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.cases import Gender, ReferralStatus, RejectionReason, format_case_code
from domain.indicators import Period
from domain.people import Role, StaffMember
from domain.services.indicators import (
    DigestCache,
    IndicatorRequest,
    claim_digest,
    due_digests,
    operator_indicators,
)
from domain.taxonomy import Category, Sector
from storage import crypto, migrate
from storage.engine import create_engine, session_factory
from storage.gazetteer import load_gazetteer
from storage.mapping import start_mappers
from storage.tables import cases, follow_ups, organizations, referrals, reminders
from storage.uow import SqlUnitOfWork

JUAREZ = "08037"
OTHERS = ["02004", "08019", "19039", "19021", "19026", "14039", "14120", "14101", "16053"]
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
ZONE = "America/Ciudad_Juarez"
#: Monday 7 December 2026, 10:00 in Juárez: every digest is due.
MONDAY = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
CHUNK = 5_000


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def _orgs() -> list[dict[str, Any]]:
    sectors = list(Sector)
    return [
        {"id": f"bench-org-{i:02d}", "name": f"Organización {i} (bench)", "description": "",
         "sector": sectors[i % len(sectors)]}
        for i in range(16)
    ]  # fmt: skip


def _rows(n: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    start = datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
    case_rows, referral_rows = [], []
    orgs = [o["id"] for o in _orgs()]
    needs = list(Category)
    statuses = list(ReferralStatus)
    referral_id = 0
    # `n` cases in Juárez, and a fifth as many in the other municipalities.
    for number in range(1, n + n // 5 + 1):
        created = start + timedelta(minutes=rng.uniform(0, 364 * 24 * 60))
        municipality = JUAREZ if number <= n else rng.choice(OTHERS)
        case_rows.append(
            {
                "id": number,
                "code": format_case_code(number),
                "alias": "B",
                "municipality_code": municipality,
                "created_at": created,
                "age": rng.choice([None, rng.randint(12, 60)]),
                "gender": rng.choice([None, *Gender]),
                "needs": frozenset(rng.sample(needs, rng.randint(1, 2))),
                "consent_contact": True,
                "consent_share": True,
                "organization_id": None,
                "member_id": None,
                "created_by": "bench",
            }
        )
        for _ in range(2 if rng.random() < 0.1 else 1):
            referral_id += 1
            status = rng.choice(statuses)
            accepted = created + timedelta(hours=rng.uniform(1, 200))
            late = status not in (ReferralStatus.REQUESTED, ReferralStatus.REJECTED)
            referral_rows.append(
                {
                    "id": referral_id,
                    "case_id": number,
                    "to_organization_id": rng.choice(orgs),
                    "from_organization_id": rng.choice([None, *orgs]),
                    "service_id": None,
                    "status": status,
                    "rejection_reason": (
                        rng.choice(list(RejectionReason))
                        if status is ReferralStatus.REJECTED
                        else None
                    ),
                    "created_at": created,
                    "status_changed_at": accepted,
                    "accepted_at": accepted if late else None,
                    "first_contact_at": accepted + timedelta(hours=rng.uniform(1, 100))
                    if late and status is not ReferralStatus.ACCEPTED
                    else None,
                    "closed_at": accepted + timedelta(days=20) if late else None,
                    "urgent": False,
                    "created_by": "bench",
                    "outcome": None,
                    "outcome_at": None,
                }
            )
    return case_rows, referral_rows


async def populate(engine: AsyncEngine, n: int) -> None:
    rng = random.Random(11)
    case_rows, referral_rows = _rows(n, rng)
    async with engine.begin() as conn:
        await conn.execute(insert(organizations), _orgs())
        for table, rows in ((cases, case_rows), (referrals, referral_rows)):
            for i in range(0, len(rows), CHUNK):
                await conn.execute(insert(table), rows[i : i + CHUNK])
        overdue = [
            {"referral_id": r["id"], "due_date": date(2026, 11, 20), "done_at": None,
             "note": "", "created_by": "bench"}
            for r in referral_rows[-3000:]
        ]  # fmt: skip
        await conn.execute(insert(follow_ups), overdue)
        failed = [
            {"kind": "referral_pending", "due_at": MONDAY - timedelta(days=3), "target": "x",
             "referral_id": r["id"], "status": "failed", "sent_at": None, "attempts": 2}
            for r in referral_rows[-500:]
        ]  # fmt: skip
        await conn.execute(insert(reminders), failed)
        if engine.dialect.name == "sqlite":
            await conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # A database in use is vacuumed by autovacuum (index-only scans need its visibility map).
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))


async def add_coordinators(engine: AsyncEngine, count: int) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        for i in range(count):
            municipality = JUAREZ if i % 10 == 0 else OTHERS[i % len(OTHERS)]
            await uow.people.add_staff(
                StaffMember(
                    id=None,
                    display_name=f"Coordinación {i} (bench)",
                    role=Role.COORDINATOR,
                    municipality_codes=frozenset({municipality}),
                    chat_id=900_000 + i,
                )
            )
        await uow.commit()


async def plans(
    engine: AsyncEngine, statements: list[tuple[str, Any]], took: list[float]
) -> list[str]:
    """The plan of each captured query, reduced to the lines that name a scan or an index."""
    dialect = engine.dialect.name
    out = []
    async with engine.connect() as conn:
        for (statement, params), seconds in zip(statements, took, strict=True):
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            if dialect == "sqlite":
                prefix, rows = "EXPLAIN QUERY PLAN ", None
                raw = await conn.exec_driver_sql(prefix + statement, params)
                rows = [str(r[-1]) for r in raw]
            else:
                raw = await conn.exec_driver_sql("EXPLAIN " + statement, params)
                rows = [str(r[0]).strip() for r in raw]
            wanted = [
                r for r in rows if any(w in r.upper() for w in ("SCAN", "SEARCH", "INDEX", "SEQ"))
            ]
            first = " ".join(statement.split())[:70]
            head = f"  {seconds * 1000:.0f} ms  {first}…\n    "
            out.append(head + "\n    ".join(wanted or rows[:3]))
    return out


async def run(url: str, n: int, repeats: int) -> dict[str, float]:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        t0 = time.perf_counter()
        await populate(engine, n)
        load_s = time.perf_counter() - t0
        sessions = session_factory(engine)
        clock = FixedClock(MONDAY)
        request = IndicatorRequest(YEAR, ZONE, frozenset({JUAREZ}))
        captured: list[tuple[str, Any]] = []
        took: list[float] = []

        def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
            captured.append((statement, params))
            took.append(time.perf_counter())

        def done(*_a: Any) -> None:
            took[-1] = time.perf_counter() - took[-1]

        timings, cpu = [], []
        found = None
        for attempt in range(repeats):
            if attempt == repeats - 1:
                event.listen(engine.sync_engine, "before_cursor_execute", capture)
                event.listen(engine.sync_engine, "after_cursor_execute", done)
            t0, c0 = time.perf_counter(), time.process_time()
            found = await operator_indicators(request, SqlUnitOfWork(sessions), clock)
            timings.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
        event.remove(engine.sync_engine, "after_cursor_execute", done)
        assert found is not None
        plan_lines = await plans(engine, captured, took)
        await add_coordinators(engine, 100)
        places = load_gazetteer()
        t0 = time.perf_counter()
        targets = await due_digests(SqlUnitOfWork(sessions), clock, places)
        cache: DigestCache = {}  # one sweep, as bot/indicators/digest.py runs it
        built = [
            await claim_digest(target, "bench", SqlUnitOfWork(sessions), clock, cache)
            for target in targets
        ]
        digest_s = time.perf_counter() - t0
        assert len(targets) == 100, len(targets)
        assert all(built), sum(map(bool, built))
        print(
            f"  loaded {n:,} cases ({found.made:,} referrals in Juárez in 2026) in {load_s:.1f} s"
        )
        print("  query plans (the last run):")
        print("\n".join(plan_lines))
        return {
            "best": min(timings),
            "median": statistics.median(timings),
            "cpu": min(cpu),
            "digests": digest_s,
        }
    finally:
        await engine.dispose()


async def main_async(args: argparse.Namespace) -> None:
    crypto.configure([os.environ.get("JUNTOS_SECRET_KEY") or crypto.generate_key()])
    start_mappers()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite ({args.cases:,} cases):")
        results["SQLite"] = await run(f"sqlite:///{folder}/bench.db", args.cases, args.repeats)
    if not args.no_postgres:
        admin = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
        name = f"juntos_bench_{uuid.uuid4().hex[:8]}"
        admin_engine = create_engine(admin, pool=False)
        try:
            async with admin_engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(admin).set(database=name).render_as_string(hide_password=False)
            print(f"PostgreSQL ({args.cases:,} cases):")
            results["PostgreSQL"] = await run(url, args.cases, args.repeats)
        except OSError as exc:
            print(f"PostgreSQL not reachable ({exc}); skipped")
        finally:
            async with admin_engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin_engine.dispose()
    print()
    for engine_name, r in results.items():
        ok = r["best"] < 1.0 and r["digests"] < 10.0
        print(
            f"{engine_name}: indicators of one municipality over a year: best {r['best']:.3f} s, "
            f"median {r['median']:.3f} s (this process's CPU {r['cpu']:.3f} s; target < 1 s); "
            f"100 digests {r['digests']:.2f} s (target < 10 s) {'OK' if ok else 'MISSED'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
