"""Real `juntos bot` processes delivering reminders through the sandbox emulator.

Shared by `bench/reminders.py` and the fault tests (tests/e2e/test_reminder_faults.py): a
database (a throw-away PostgreSQL database, or a SQLite file) with `count` referral reminders
due at once, all for one staff member; the emulator in this process (optionally answering 429
past Telegram's 30 msg/s, as Telegram does); bot processes started as an operator would
(`juntos bot`, settings from the environment); deliveries counted per case code in the staff
member's chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from domain.cases import ReferralStatus, ReminderKind, ReminderStatus
from domain.directory import Directory, Organization
from domain.people import Role, StaffMember
from domain.taxonomy import Category
from sandbox import BotApiEmulator, PrivateChat
from storage import crypto, migrate
from storage.engine import create_engine, session_factory
from storage.mapping import start_mappers
from storage.tables import cases, referrals, reminders
from storage.uow import SqlUnitOfWork

ROOT = Path(__file__).resolve().parents[1]
#: A valid key made for these runs only (never a production key).
SECRET = "SIu2tbQzBTn-tXKHHvwbLPECxoiYVDlbar01VZ4nwDA"
TOKEN = "424242:reminder-runs-token"
STAFF_CHAT = 5005
RECEIVER = "44444444-4444-4444-8444-444444444444"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
CODE = re.compile(r"CASO-\d+")
#: Quiet hours off (a run at night would otherwise wait for the morning), quick retries.
RULES = """[defaults]
quiet_start = "00:00"
quiet_end = "00:00"
retry_after_seconds = 1
max_attempts = 8
"""


def postgres_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


async def postgres_answers(url: str) -> bool:
    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            await asyncio.wait_for(conn.execute(text("SELECT 1")), 3)
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_database(postgres: bool, folder: Path) -> AsyncIterator[str]:
    """A migrated, empty database: a fresh PostgreSQL database (dropped after), or SQLite."""
    if not postgres:
        url = f"sqlite:///{folder / 'reminders.db'}"
        await _migrate(url)
        yield url
        return
    admin = postgres_admin_url()
    name = f"juntos_reminders_{uuid.uuid4().hex[:10]}"
    await _admin(admin, f'CREATE DATABASE "{name}"')
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        await _migrate(url)
        yield url
    finally:
        await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrate(url: str) -> None:
    engine = create_engine(url, pool=False)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def seed(url: str, count: int, due_at: datetime) -> None:
    """One receiving organisation with one linked staff member, and `count` unanswered
    referrals (CASO-0001...) whose 48 h reminders are all due at `due_at`."""
    crypto.configure(SECRET)
    start_mappers()
    engine = create_engine(url, pool=False)
    try:
        uow = SqlUnitOfWork(session_factory(engine))
        async with uow:
            await uow.directory.upsert(
                # No services: no weekly capacity check-in joins the run.
                Directory(organizations=[Organization(RECEIVER, "Centro Receptor (demo)")])
            )
            await uow.people.add_staff(
                StaffMember(None, "Rosa (demo)", Role.STAFF, RECEIVER, chat_id=STAFF_CHAT)
            )
            await uow.commit()
        created = due_at - timedelta(hours=48)
        async with engine.begin() as conn:
            for start in range(0, count, 1000):
                numbers = range(start + 1, min(start + 1000, count) + 1)
                await conn.execute(
                    insert(cases),
                    [
                        {
                            "id": n,
                            "code": f"CASO-{n:04d}",
                            "alias": "Demo",
                            "created_at": created,
                            "needs": frozenset({Category.PSYCHOLOGICAL_SUPPORT}),
                            "consent_contact": True,
                            "consent_share": True,
                            "created_by": "bench",
                        }
                        for n in numbers
                    ],
                )
                await conn.execute(
                    insert(referrals),
                    [
                        {
                            "id": n,
                            "case_id": n,
                            "to_organization_id": RECEIVER,
                            "status": ReferralStatus.REQUESTED,
                            "created_at": created,
                            "created_by": "bench",
                        }
                        for n in numbers
                    ],
                )
                await conn.execute(
                    insert(reminders),
                    [
                        {
                            "kind": ReminderKind.REFERRAL_PENDING,
                            "due_at": due_at,
                            "target": f"organization:{RECEIVER}",
                            "referral_id": n,
                            "case_id": n,
                            "status": ReminderStatus.PENDING,
                            "attempts": 0,
                        }
                        for n in numbers
                    ],
                )
            if engine.dialect.name == "postgresql":
                for table in ("cases", "referrals"):
                    await conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
    finally:
        await engine.dispose()


async def reminder_statuses(url: str) -> Counter[str]:
    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT status, count(*) FROM reminders GROUP BY 1"))
            return Counter({str(status): int(n) for status, n in rows.all()})
    finally:
        await engine.dispose()


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last commit (a crash, a power cut)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_bot(
    emulator: BotApiEmulator,
    database_url: str,
    folder: Path,
    name: str,
    *,
    send_rate: float = 29.0,
    batch: int = 100,
    lease_seconds: float = 300.0,
) -> BotProcess:
    """`juntos bot` as an operator starts it, against the emulator and `database_url`."""
    rules = folder / "reminders.toml"
    rules.write_text(RULES)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("JUNTOS_", "DATABASE"))},
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "JUNTOS_SECRET_KEY": SECRET,
        "RASA_URL": "http://127.0.0.1:9",
        "JUNTOS_REMINDERS_FILE": str(rules),
        "JUNTOS_SEND_RATE": str(send_rate),
        "JUNTOS_SWEEP_SECONDS": "1",
        "JUNTOS_REMINDER_BATCH": str(batch),
        "JUNTOS_REMINDER_LEASE_SECONDS": str(lease_seconds),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    log = folder / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-c", "from juntos.cli import main; main()", "bot"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return BotProcess(process, log)


@dataclass
class Deliveries:
    chat: PrivateChat
    first_at: float | None = None
    last_at: float | None = None
    seen: int = 0

    def update(self) -> int:
        # Every message in the chat is the bot's (the staff member writes nothing).
        seen = len(self.chat.state.messages)
        if seen != self.seen:
            now = time.monotonic()
            if self.first_at is None:
                self.first_at = now
            self.last_at = now
            self.seen = seen
        return self.seen

    def tally(self) -> Counter[str]:
        """How many times each case's reminder arrived."""
        return Counter(
            match.group(0)
            for m in self.chat.state.bot_messages()
            if (match := CODE.search(m.text or ""))
        )

    def lost(self, count: int) -> int:
        counts = self.tally()
        return sum(1 for n in range(1, count + 1) if counts[f"CASO-{n:04d}"] == 0)

    def duplicated(self) -> int:
        return sum(n - 1 for n in self.tally().values() if n > 1)

    def rate(self) -> float:
        if self.first_at is None or self.last_at is None or self.seen < 2:
            return 0.0
        return (self.seen - 1) / max(self.last_at - self.first_at, 1e-6)

    async def wait(self, at_least: int, within: float, poll: float = 0.05) -> int:
        """Wait until `at_least` messages arrived or `within` seconds passed; how many came."""
        deadline = time.monotonic() + within
        # Polling the chat's message count: it times the arrivals too (first and last).
        while self.update() < at_least and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(poll)
        return self.seen

    async def wait_for_every(self, count: int, within: float, poll: float = 0.2) -> int:
        """Wait until each of `count` reminders arrived at least once (a duplicate does not stand
        in for a missing one) or `within` seconds passed; how many are still missing."""
        deadline = time.monotonic() + within
        while (missing := self.lost(count)) and time.monotonic() < deadline:
            self.update()
            await asyncio.sleep(poll)
        self.update()
        return missing


@contextlib.contextmanager
def stopping(processes: list[BotProcess]) -> Iterator[list[BotProcess]]:
    try:
        yield processes
    finally:
        for p in processes:
            p.stop()


def now_utc() -> datetime:
    return datetime.now(UTC)
