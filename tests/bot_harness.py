"""The real bot, polling a fake Bot API server over real HTTP (the sandbox emulator).

A pytest plugin (registered in tests/conftest.py): its fixtures serve tests/bot and tests/e2e.

Exactly as production except TELEGRAM_API_URL: same builder (juntos.bootstrap.build_bot), same
persistence (in the same database), the demo directory imported through the HSDS importer,
the real gazetteer. NLU is Rasa down (a closed port) unless a test brings the real server.
Every bot test runs twice: on a SQLite file and on a PostgreSQL database (each a copy of a
demo database built once per session).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from domain.ports import DangerModel
from juntos.bootstrap import AppResources, build_bot
from juntos.commands.demo import DEMO_DIRECTORY
from juntos.database import Database
from juntos.settings import Settings
from nlu.process import RasaServer
from sandbox import BotApiEmulator, PrivateChat, StoredMessage
from sandbox.ptb import polling
from storage.engine import create_engine, session_factory
from storage.gazetteer import load_gazetteer
from storage.hsds.transfer import import_directory
from storage.tables import metadata
from storage.uow import SqlUnitOfWork
from tests.conftest import (
    TEST_SECRET,
    admin_url,
    migrate_to_head,
    pg_admin,
    pg_database_url,
    run_outside_loop,
)
from tests.fakes import FakeClock

TOKEN = "123456789:bot-tests-token"
#: Wednesday 4 March 2026, 10:00 in Ciudad Juárez (UTC-7): most demo services are open.
WEDNESDAY_MORNING = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
RIBERAS_DEL_BRAVO = (31.6290, -106.3230)
#: Nothing listens here: NLU calls fail at once, as with Rasa stopped.
RASA_DOWN = "http://127.0.0.1:9"
#: Nothing listens here either: the database is unreachable.
DATABASE_DOWN = "postgresql://juntos@127.0.0.1:9/juntos"


async def _load_demo(url: str) -> None:
    engine = create_engine(url, pool=False)
    try:
        report = await import_directory(
            DEMO_DIRECTORY, SqlUnitOfWork(session_factory(engine)), load_gazetteer()
        )
        assert report.ok, report.problems[:5]
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the fictional demo directory, built once per session."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    run_outside_loop(_load_demo(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_demo_template(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL database with the demo directory, built once; tests get copies of it.

    Needs the PostgreSQL lane (`postgres_url` skips, or fails under JUNTOS_REQUIRE_POSTGRES=1,
    when no server answers).
    """
    name = f"juntos_demo_{uuid.uuid4().hex[:10]}"
    run_outside_loop(pg_admin(admin_url(), f'CREATE DATABASE "{name}"'))
    try:
        run_outside_loop(migrate_to_head(pg_database_url(name)))
        run_outside_loop(_load_demo(pg_database_url(name)))
        yield name
    finally:
        run_outside_loop(pg_admin(admin_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class BotUnderTest:
    emulator: BotApiEmulator
    database_url: str
    rasa_url: str = RASA_DOWN
    rasa_token: str | None = "not-used"
    #: JUNTOS_SECRET_KEY (one key, or several separated by commas).
    secret_keys: str = TEST_SECRET
    state_retention_days: int = 30
    #: JUNTOS_SEND_RATE and TELEGRAM_TIMEOUT.
    send_rate: float = 30.0
    telegram_timeout: float = 10.0
    #: RASA_RETRY_SECONDS: how long a failing Rasa server is left alone.
    rasa_retry_seconds: float = 30.0
    clock: FakeClock = field(default_factory=lambda: FakeClock(WEDNESDAY_MORNING))
    #: The crisis screen's model (None: the trained one).
    danger_model: DangerModel | None = None
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    application: Any = None

    def settings(self) -> Settings:
        return Settings(
            database_url=self.database_url,
            telegram_api_url=self.emulator.base_url,
            rasa_url=self.rasa_url,
            rasa_token=self.rasa_token,
            juntos_secret_key=self.secret_keys,
            juntos_state_retention_days=self.state_retention_days,
            juntos_send_rate=self.send_rate,
            telegram_timeout=self.telegram_timeout,
            rasa_retry_seconds=self.rasa_retry_seconds,
        )

    @contextlib.asynccontextmanager
    async def database(self) -> AsyncIterator[Database]:
        """The bot's own database, opened beside it (to set up or check what the bot stored)."""
        engine = create_engine(self.database_url)
        db = Database(engine=engine, sessions=session_factory(engine))
        try:
            yield db
        finally:
            await db.close()

    async def start(self) -> None:
        settings = self.settings()
        resources = AppResources(
            settings, clock=self.clock, places=load_gazetteer(), danger_model=self.danger_model
        )
        self.application = build_bot(settings, TOKEN, resources)
        await self._stack.enter_async_context(polling(self.application, poll_timeout=1))

    async def stop(self) -> None:
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        self.application = None

    async def save_state(self) -> None:
        """Wait until no update is being handled, then write the conversation state as PTB does
        every few seconds (stamped with the bot's clock)."""
        app = self.application
        idle_checks = 0
        while idle_checks < 2:
            busy = app.update_queue.qsize() or app.update_processor.current_concurrent_updates
            idle_checks = 0 if busy else idle_checks + 1
            await asyncio.sleep(0.01)
        await app.update_persistence()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def chat(
        self, user_id: int = 1001, first_name: str = "Ana", language_code: str = "es"
    ) -> PrivateChat:
        return self.emulator.private_chat(
            user_id=user_id, first_name=first_name, language_code=language_code
        )


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, port=0) as emu:
        yield emu


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def demo_database_url(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path
) -> AsyncIterator[str]:
    """A fresh copy of the demo database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "juntos.db"
        shutil.copy(demo_template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_demo_template")
    name = f"juntos_bot_{uuid.uuid4().hex[:10]}"
    await pg_admin(admin_url(), f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield pg_database_url(name)
    finally:
        await pg_admin(admin_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def bot(emulator: BotApiEmulator, demo_database_url: str) -> AsyncIterator[BotUnderTest]:
    """The bot started on the demo directory, with Rasa down."""
    under_test = BotUnderTest(emulator, demo_database_url)
    await under_test.start()
    try:
        yield under_test
    finally:
        await under_test.stop()


@pytest.fixture
async def bot_with_rasa(
    emulator: BotApiEmulator, demo_database_url: str, rasa_server: RasaServer
) -> AsyncIterator[BotUnderTest]:
    """The bot started on the demo directory, with the real trained Rasa model."""
    under_test = BotUnderTest(
        emulator, demo_database_url, rasa_url=rasa_server.url, rasa_token=rasa_server.token
    )
    await under_test.start()
    try:
        yield under_test
    finally:
        await under_test.stop()


async def say(chat: PrivateChat, text: str, replies: int = 1) -> list[StoredMessage]:
    await chat.send_text(text)
    return await chat.wait_for_bot_messages(count=replies, timeout=10.0)


#: Where the emergency lines end in a message they head (bot/messagelog.py joins them so).
AFTER_LINES = "\n\n"


async def answer_after_lines(chat: PrivateChat, first: StoredMessage) -> str:
    """The normal answer to an uncertain-danger message whose first reply, `first`, shows the
    lines: the rest of that message (they usually come together), or the next message (when
    the answer took longer than the lines may wait)."""
    _lines, _, answer = (first.text or "").partition(AFTER_LINES)
    if answer:
        return answer
    [later] = await chat.wait_for_bot_messages(count=1, timeout=10.0)
    return later.text or ""


async def press(chat: PrivateChat, data: str, replies: int = 1) -> list[StoredMessage]:
    await chat.press(data)
    return await chat.wait_for_bot_messages(count=replies, timeout=10.0)


async def _empty_postgres(url: str) -> None:
    engine = create_engine(url, pool=False)
    try:
        names = ", ".join(f'"{t.name}"' for t in reversed(metadata.sorted_tables))
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def bot_on_each_database(
    request: pytest.FixtureRequest, emulator: BotApiEmulator, demo_template: Path, tmp_path: Path
) -> AsyncIterator[BotUnderTest]:
    """The bot started on the demo directory (Rasa down), once on SQLite, once on PostgreSQL:
    its persistence, the directory and the cases all in that database."""
    if request.param == "sqlite":
        path = tmp_path / "juntos.db"
        shutil.copy(demo_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        await _empty_postgres(url)
        await _load_demo(url)
    under_test = BotUnderTest(emulator, url)
    await under_test.start()
    try:
        yield under_test
    finally:
        await under_test.stop()
