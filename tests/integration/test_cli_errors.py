"""An operator's mistake gets one line saying what is wrong and what to run, not a traceback;
`juntos --debug` shows the traceback."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from juntos.cli import run
from tests.conftest import TEST_SECRET, admin_url


@pytest.fixture
def operator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("JUNTOS_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("JUNTOS_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's

    def juntos(capsys: pytest.CaptureFixture[str], database_url: str, *args: str):
        monkeypatch.setenv("DATABASE_URL", database_url)
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.err

    return juntos


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_a_database_without_tables_says_to_upgrade(operator, capsys, tmp_path: Path) -> None:
    code, err = operator(
        capsys, f"sqlite:///{tmp_path / 'empty.db'}", "directory", "near", "31.7", "-106.4"
    )
    assert code == 1
    assert "juntos db upgrade" in _one_line(err)


def test_a_missing_migration_says_to_upgrade(operator, capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    assert operator(capsys, url, "db", "upgrade", "0005")[0] == 0
    code, err = operator(capsys, url, "staff", "list")
    assert code == 1
    assert "run `juntos db upgrade`" in _one_line(err)


def test_debug_shows_the_traceback_too(operator, capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code, err = operator(capsys, url, "--debug", "staff", "list")
    assert code == 1
    assert "Traceback" in err and "no such table" in err
    assert err.rstrip().endswith("run `juntos db upgrade`.")


def test_a_database_url_that_is_not_one(operator, capsys) -> None:
    code, err = operator(capsys, "mysql+nothing://x", "staff", "list")
    assert code == 1
    assert "DATABASE_URL is not a database URL" in _one_line(err)


def test_postgresql_not_answering(operator, capsys) -> None:
    code, err = operator(capsys, "postgresql://juntos:s3cret@127.0.0.1:9/juntos", "staff", "list")
    line = _one_line(err)
    assert code == 1
    assert "Cannot reach the database at 127.0.0.1:9/juntos" in line
    assert "s3cret" not in line


@pytest.mark.postgres
def test_a_postgresql_database_that_does_not_exist(operator, capsys, postgres_url: str) -> None:
    missing = make_url(admin_url()).set(database=f"nope_{uuid.uuid4().hex[:8]}")
    code, err = operator(capsys, missing.render_as_string(hide_password=False), "staff", "list")
    assert code == 1
    assert "does not exist: create it" in _one_line(err)


def test_the_bot_api_not_answering(operator, capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9/bot")
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    assert operator(capsys, url, "db", "upgrade")[0] == 0
    code, err = operator(capsys, url, "bot")
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert "The Bot API does not answer at http://127.0.0.1:9" in last
    assert "Traceback" not in err
    assert "123:abc" not in err


def test_a_usage_error_is_still_typers(operator, capsys, tmp_path: Path) -> None:
    code, err = operator(capsys, f"sqlite:///{tmp_path / 'x.db'}", "no-such-command")
    assert code == 2
    assert "No such command" in err
