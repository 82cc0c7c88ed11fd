"""Faults with the real `juntos bot` process and the sandbox emulator: a SIGKILL in the middle
of a batch, Telegram answering 429 and 500 for a while, two processes on one PostgreSQL.
Deliveries are counted per reminder (each names its case) in the staff member's chat.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.reminder_run import (
    STAFF_CHAT,
    TOKEN,
    Deliveries,
    now_utc,
    reminder_statuses,
    scratch_database,
    seed,
    start_bot,
    stopping,
)
from sandbox import BotApiEmulator

#: Up to this many reminders are in flight at once in a process (domain drain_reminders): a
#: SIGKILL can leave at most these sent but not yet marked: the only duplicates possible.
IN_FLIGHT = 4


async def test_a_bot_killed_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(
    tmp_path: Path,
) -> None:
    count = 500
    async with scratch_database(False, tmp_path) as url:
        await seed(url, count, now_utc())
        async with BotApiEmulator(token=TOKEN, port=0) as emulator:
            deliveries = Deliveries(emulator.private_chat(user_id=STAFF_CHAT))
            first = start_bot(emulator, url, tmp_path, "first", batch=50, lease_seconds=10)
            with stopping([first]):
                assert await deliveries.wait(150, within=60) >= 150, first.log.read_text()
                first.kill()  # SIGKILL in the middle of a batch of 50
            killed_at = deliveries.update()
            assert killed_at < count
            second = start_bot(emulator, url, tmp_path, "second", batch=50, lease_seconds=10)
            with stopping([second]):
                # Each reminder, not just as many messages (a retried send may arrive twice).
                assert await deliveries.wait_for_every(count, within=90) == 0
            duplicated = deliveries.duplicated()
            print(f"SIGKILL after {killed_at} of {count}: duplicated {duplicated}")
            assert duplicated <= IN_FLIGHT
        assert await reminder_statuses(url) == {"sent": count}


async def test_telegram_answering_429_and_500_for_a_while_delays_but_delivers_each_once(
    tmp_path: Path,
) -> None:
    count = 60
    async with scratch_database(False, tmp_path) as url:
        await seed(url, count, now_utc())
        async with BotApiEmulator(token=TOKEN, port=0) as emulator:
            deliveries = Deliveries(emulator.private_chat(user_id=STAFF_CHAT))
            busy = emulator.inject_failure("sendMessage", 429, retry_after=1, times=3)
            broken = emulator.inject_failure("sendMessage", 500, times=25)
            bot = start_bot(emulator, url, tmp_path, "bot")
            with stopping([bot]):
                assert await deliveries.wait_for_every(count, within=60) == 0
            assert busy.hits == 3
            assert broken.hits == 25
            assert deliveries.lost(count) == 0
            assert deliveries.duplicated() == 0
        assert await reminder_statuses(url) == {"sent": count}


@pytest.mark.postgres
async def test_two_bot_processes_on_one_postgresql_never_send_the_same_reminder(
    tmp_path: Path, postgres_url: str
) -> None:
    count = 300
    async with scratch_database(True, tmp_path) as url:
        await seed(url, count, now_utc())
        async with BotApiEmulator(token=TOKEN, port=0, flood_limit=30) as emulator:
            deliveries = Deliveries(emulator.private_chat(user_id=STAFF_CHAT))
            # Both at the token's whole rate: they share it through the database.
            bots = [start_bot(emulator, url, tmp_path, f"bot{n}", batch=25) for n in range(2)]
            with stopping(bots):
                assert await deliveries.wait_for_every(count, within=90) == 0
                claimed_by = await _claimers(url)
            assert deliveries.duplicated() == 0
            assert len(claimed_by) == 2, "both processes took part"
        assert await reminder_statuses(url) == {"sent": count}


async def _claimers(url: str) -> set[str]:
    """The workers named in the audit trail of claims (one per process)."""
    from sqlalchemy import text

    from storage.engine import create_engine

    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT DISTINCT detail FROM audit_entries WHERE action = 'reminder.claim'")
            )
            return {str(row[0]) for row in rows}
    finally:
        await engine.dispose()
