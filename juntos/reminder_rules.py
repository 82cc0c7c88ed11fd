"""The reminder rules file (`reminders.toml`): read and validated at start, with clear errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

from domain.reminder_rules import DEFAULT_BOOK, RuleBook, RulesError, parse_rule_book


def load_rule_book(path: Path) -> RuleBook:
    """The rules in `path` (the defaults when the file does not exist).

    Raises RulesError naming the file, the setting and the value that cannot be used.
    """
    if not path.exists():
        return DEFAULT_BOOK
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: not valid TOML: {error}") from None
    try:
        return parse_rule_book(data)
    except RulesError as error:
        raise RulesError(f"{path}: {error}") from None
