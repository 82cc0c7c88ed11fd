"""The chat's message log (/salir deletes what is in it): ids only, 48 hours at most."""

from __future__ import annotations

from typing import Any

from bot.messagelog import DELETABLE_SECONDS, deletable, record


def test_messages_too_old_to_delete_leave_the_log_as_new_ones_come() -> None:
    chat: dict[Any, Any] = {}
    record(chat, 1, 0.0)
    record(chat, 2, 100.0)
    record(chat, 3, DELETABLE_SECONDS + 5.0)  # the first is now past 48 hours
    assert deletable(chat, DELETABLE_SECONDS + 6.0) == [2, 3]
    assert [entry[0] for entry in chat["log"]] == [2, 3]


def test_a_chat_with_thousands_of_reminders_keeps_every_recent_one() -> None:
    chat: dict[Any, Any] = {}
    for n in range(5000):
        record(chat, n, 1000.0 + n)
    assert deletable(chat, 7000.0) == list(range(5000))


def test_a_damaged_log_is_started_again() -> None:
    chat: dict[Any, Any] = {"log": "not a list"}
    record(chat, 7, 1.0)
    assert deletable(chat, 2.0) == [7]
