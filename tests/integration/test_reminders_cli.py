"""`juntos reminders check | list`, and the bot refusing to start with a broken rules file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Juntos


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "reminders.toml"
    monkeypatch.setenv("JUNTOS_REMINDERS_FILE", str(path))
    return path


def test_check_prints_the_rules_in_force_with_the_overrides(juntos: Juntos, rules: Path) -> None:
    rules.write_text(
        '[defaults]\nquiet_start = "22:00"\n[municipality."02004"]\nmax_attempts = 3\n'
    )
    result = juntos("reminders", "check")
    assert result.exit_code == 0, result.output
    assert f"Rules from {rules}: OK" in result.stdout.replace("\n", "")
    row = next(line for line in result.stdout.splitlines() if "max_attempts" in line)
    assert "5" in row and "3" in row
    assert "22:00" in result.stdout


def test_a_mistake_in_the_rules_is_named_and_the_bot_does_not_start(
    juntos: Juntos, rules: Path
) -> None:
    rules.write_text('[municipality."Tijuana"]\nmax_attempts = 3\n')
    result = juntos("reminders", "check")
    assert result.exit_code == 1
    assert "municipality.Tijuana: expected a 5-digit INEGI code" in result.output.replace("\n", "")
    bot = juntos("bot", "--token", "123:not-used")
    assert bot.exit_code == 1
    assert "Reminder rules:" in bot.output
    rules.write_text("[defaults\n")
    assert "not valid TOML" in juntos("reminders", "check").output


def test_list_shows_the_queue_and_the_count_of_each_state(juntos: Juntos, rules: Path) -> None:
    result = juntos("reminders", "list")
    assert result.exit_code == 0, result.output
    assert "pending: 0" in result.stdout and "failed: 0" in result.stdout
    assert "Nothing in pending, failed, unreachable." in result.stdout
    wrong = juntos("reminders", "list", "--status", "lost")
    assert wrong.exit_code == 2
    assert "unknown status lost" in wrong.output
