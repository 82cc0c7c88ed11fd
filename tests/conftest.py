"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and domain fakes.

The PostgreSQL lane uses TEST_DATABASE_URL (default: the local server on 127.0.0.1:5432,
database `test`) to create a throw-away database for the session. When the server is not
reachable the lane is skipped, unless JUNTOS_REQUIRE_POSTGRES=1 (set by .ci/run): then it fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from juntos.cli import app as juntos_cli
from juntos.database import Database
from nlu.process import LOG_DIR, RASA_VENV, RasaServer, running_server
from storage import crypto, migrate
from storage.engine import create_engine, session_factory
from storage.mapping import start_mappers
from storage.tables import metadata

pytest_plugins = ["tests.bot_harness"]

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")
#: A valid key (juntos keys generate) used by every test; never a production key.
TEST_SECRET = "SIu2tbQzBTn-tXKHHvwbLPECxoiYVDlbar01VZ4nwDA"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    crypto.configure(TEST_SECRET)
    start_mappers()


@pytest.fixture(autouse=True)
def _test_keys() -> None:
    """Every test starts with TEST_SECRET as the only key (rotation tests install others)."""
    crypto.configure(TEST_SECRET)


def _require_postgres() -> bool:
    return os.environ.get("JUNTOS_REQUIRE_POSTGRES") == "1"


def run_outside_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh loop in a worker thread.

    Session-scoped set-up may be first requested from inside a test's running loop, where
    asyncio.run() is not allowed.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def migrate_to_head(url: str) -> None:
    engine = create_engine(url, pool=False)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    run_outside_loop(migrate_to_head(f"sqlite:///{path}"))
    return path


def admin_url() -> str:
    """The PostgreSQL server's maintenance database (TEST_DATABASE_URL or the local one)."""
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


def pg_database_url(name: str) -> str:
    return make_url(admin_url()).set(database=name).render_as_string(hide_password=False)


async def pg_admin(url: str, statement: str) -> None:
    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to head."""
    admin = admin_url()
    name = f"juntos_test_{uuid.uuid4().hex[:10]}"
    try:
        run_outside_loop(pg_admin(admin, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        message = f"PostgreSQL not reachable at {make_url(admin).render_as_string()}: {exc}"
        if _require_postgres():
            pytest.fail(message + " (JUNTOS_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    url = pg_database_url(name)
    try:
        run_outside_loop(migrate_to_head(url))
        yield url
    finally:
        run_outside_loop(pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate_all(database: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in reversed(metadata.sorted_tables))
    async with database.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _open(url: str) -> Database:
    engine = create_engine(url)
    return Database(engine=engine, sessions=session_factory(engine))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> AsyncIterator[Database]:
    """A migrated, empty database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "juntos.db"
        shutil.copy(sqlite_template, path)
        db = _open(f"sqlite:///{path}")
    else:
        db = _open(request.getfixturevalue("postgres_url"))
        await _truncate_all(db)
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def sqlite_database(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """A migrated, empty SQLite database (for tests that need not run on both)."""
    path = tmp_path / "juntos.db"
    shutil.copy(sqlite_template, path)
    db = _open(f"sqlite:///{path}")
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture(scope="session")
def rasa_server() -> Iterator[RasaServer]:
    """The trained Rasa model served once per test session (free port, fresh token).

    Mark tests that use it `@pytest.mark.rasa`. Skipped only when .venv-rasa is absent;
    a missing model fails (`make nlu-model` trains it). Server log: var/rasa-test-WORKER.log.
    """
    if not (RASA_VENV / "bin" / "rasa").exists():
        message = ".venv-rasa is absent (`make nlu-model` builds it; `make test` always does)"
        if os.environ.get("JUNTOS_REQUIRE_RASA") == "1":
            pytest.fail(message + " (JUNTOS_REQUIRE_RASA=1)")
        pytest.skip(message)
    # One server per pytest worker (`make test` runs one per core), each with its own log.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with running_server(log_file=LOG_DIR / f"rasa-test-{worker}.log") as server:
        yield server


Juntos = Callable[..., Result]


@pytest.fixture
def juntos(tmp_path: Path) -> Juntos:
    """Run `juntos ARGS...` as an operator would, against a fresh, migrated SQLite database."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'juntos.db'}",
        "JUNTOS_SECRET_KEY": TEST_SECRET,
    }
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(juntos_cli, list(args), env=env)

    assert run("db", "upgrade").exit_code == 0
    return run
