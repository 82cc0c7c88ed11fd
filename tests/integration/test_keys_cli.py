"""`juntos keys generate | rotate` and bad keys, as an operator meets them (SQLite)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from domain.people import Member
from juntos.cli import app
from juntos.database import open_database
from juntos.settings import Settings
from storage import crypto

OLD = crypto.generate_key()
NEW = crypto.generate_key()
SHORT = "c2hvcnQta2V5LTEy"  # 12 bytes
BAD_KEY = (
    "JUNTOS_SECRET_KEY: key 2 is 12 bytes; need at least 32 random bytes (43 characters of "
    "URL-safe base64). Generate one with `juntos keys generate`."
)


def juntos(database: Path, keys: str, *args: str) -> Result:
    env = {"DATABASE_URL": f"sqlite:///{database}", "JUNTOS_SECRET_KEY": keys}
    return CliRunner().invoke(app, list(args), env=env)


async def add_members(database: Path, keys: str, chat_ids: range) -> None:
    db = open_database(Settings(database_url=f"sqlite:///{database}", juntos_secret_key=keys))
    try:
        async with db.uow() as uow:
            for chat_id in chat_ids:
                await uow.people.add_member(
                    Member(id=None, chat_id=chat_id, created_at=datetime.now(UTC))
                )
            await uow.commit()
    finally:
        await db.close()


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_generate_prints_a_new_valid_key_each_time(tmp_path: Path) -> None:
    first = CliRunner().invoke(app, ["keys", "generate"])
    second = CliRunner().invoke(app, ["keys", "generate"])
    assert first.exit_code == second.exit_code == 0
    key = first.stdout.strip()
    assert crypto.parse_keys(key) == [key]
    assert key != second.stdout.strip()


@pytest.mark.parametrize(
    "command",
    [
        ("db", "upgrade"),
        ("keys", "rotate"),
        ("demo", "load"),
        ("bot", "--token", "1:x"),
        ("run", "--no-nlu", "--port", "0"),
    ],
)
def test_a_short_key_stops_every_command_that_opens_the_database(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    database = tmp_path / "var" / "juntos.db"
    result = juntos(database, f"{NEW},{SHORT}", *command)
    assert result.exit_code == 2
    assert one_line(result.stderr) == BAD_KEY
    assert SHORT not in result.output
    assert not database.exists()  # nothing was created or opened


def test_rotate_moves_everything_to_the_first_key_and_says_the_old_one_can_go(
    tmp_path: Path,
) -> None:
    database = tmp_path / "juntos.db"
    assert juntos(database, OLD, "db", "upgrade").exit_code == 0
    asyncio.run(add_members(database, OLD, range(1, 8)))

    result = juntos(database, f"{NEW},{OLD}", "keys", "rotate", "--batch-size", "3")
    assert result.exit_code == 0, result.output
    out = one_line(result.stdout)
    assert "Checking with key 1 alone" in out
    assert (
        "Done: 7 row(s) checked, 7 rewritten under key 1. Every row reads with key 1 alone." in out
    )
    assert "You can now remove the old key(s) from JUNTOS_SECRET_KEY, leaving only key 1." in out
    # With the old key removed, everything reads; a second run has nothing to do.
    again = juntos(database, NEW, "keys", "rotate")
    assert again.exit_code == 0, again.output
    assert "Done: 7 row(s) checked, 0 rewritten under key 1." in one_line(again.stdout)
    assert "remove the old key" not in again.stdout


def test_rotate_without_the_old_key_stops_and_names_the_row(tmp_path: Path) -> None:
    database = tmp_path / "juntos.db"
    assert juntos(database, OLD, "db", "upgrade").exit_code == 0
    asyncio.run(add_members(database, OLD, range(1, 3)))
    result = juntos(database, NEW, "keys", "rotate")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith(
        "members row 1: chat_id decrypts with none of the 1 configured key(s). "
        "Is an older key missing from JUNTOS_SECRET_KEY?"
    )
    # Nothing changed: the old key still reads everything.
    assert juntos(database, OLD, "keys", "rotate").exit_code == 0


def test_a_retention_that_is_not_a_positive_number_of_days_is_named(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'juntos.db'}",
        "JUNTOS_SECRET_KEY": NEW,
        "JUNTOS_STATE_RETENTION_DAYS": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "juntos.cli", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "JUNTOS_STATE_RETENTION_DAYS: Input should be greater than or equal to 1. "
        "See the configuration table in README.md."
    )
    assert not (tmp_path / "juntos.db").exists()
