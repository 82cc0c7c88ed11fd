"""The real bot, polling a fake Bot API server over real HTTP (the sandbox emulator).

A pytest plugin (registered in tests/conftest.py): its fixtures serve tests/bot and tests/e2e.

Exactly as production except TELEGRAM_API_URL: same builder (juntos.bootstrap.build_bot), same
persistence (in the same SQLite file), the demo directory imported through the HSDS importer,
the real gazetteer. NLU is Rasa down (a closed port) unless a test brings the real server.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from juntos.bootstrap import AppResources, build_bot
from juntos.commands.demo import DEMO_DIRECTORY
from juntos.settings import Settings
from nlu.process import RasaServer
from sandbox import BotApiEmulator, PrivateChat, StoredMessage
from sandbox.ptb import polling
from storage.engine import create_engine, session_factory
from storage.gazetteer import load_gazetteer
from storage.hsds.transfer import import_directory
from storage.tables import metadata
from storage.uow import SqlUnitOfWork
from tests.conftest import TEST_SECRET, run_outside_loop
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


@dataclass
class BotUnderTest:
    emulator: BotApiEmulator
    database_url: str
    rasa_url: str = RASA_DOWN
    rasa_token: str | None = "not-used"
    clock: FakeClock = field(default_factory=lambda: FakeClock(WEDNESDAY_MORNING))
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    application: Any = None

    def settings(self) -> Settings:
        return Settings(
            database_url=self.database_url,
            telegram_api_url=self.emulator.base_url,
            rasa_url=self.rasa_url,
            rasa_token=self.rasa_token,
            juntos_secret_key=TEST_SECRET,
        )

    async def start(self) -> None:
        settings = self.settings()
        resources = AppResources(settings, clock=self.clock, places=load_gazetteer())
        self.application = build_bot(settings, TOKEN, resources)
        await self._stack.enter_async_context(polling(self.application, poll_timeout=1))

    async def stop(self) -> None:
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        self.application = None

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


@pytest.fixture
def demo_database_url(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "juntos.db"
    shutil.copy(demo_template, path)
    return f"sqlite:///{path}"


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
