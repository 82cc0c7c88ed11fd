"""Which messages are in a chat, so quick exit (/salir) can delete them.

Telegram lets a bot delete, in a private chat, its own and the member's messages for 48 hours.
The ids (never the text) of both sides are kept in `chat_data` while they can still be deleted.
"""

from __future__ import annotations

import time
from typing import Any

from telegram import Message
from telegram.constants import MessageLimit
from telegram.ext import Application, ExtBot

from bot import sending

LOG_KEY = "log"
DELETABLE_SECONDS = 48 * 3600
#: Keep a margin: a message 47 h 59 min old may be 48 h old when the request arrives.
SAFETY_SECONDS = 60


def _fresh(entry: object, now: float) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[1], int | float)
        and now - entry[1] < DELETABLE_SECONDS
    )


def record(chat_data: dict[Any, Any], message_id: int, sent_at: float) -> None:
    """Add a message to the chat's log, dropping the ones too old to delete.

    Entries are appended oldest first, so only the front of the log can expire: each call
    costs the same however long the log is (a staff chat can take thousands of reminders).
    """
    log = chat_data.get(LOG_KEY)
    if not isinstance(log, list):
        log = []
    stale = 0
    while stale < len(log) and not _fresh(log[stale], sent_at):
        stale += 1
    if stale:
        del log[:stale]
    log.append([message_id, sent_at])
    chat_data[LOG_KEY] = log


def deletable(chat_data: dict[Any, Any], now: float) -> list[int]:
    """Ids of the logged messages still young enough for Telegram to delete, oldest first."""
    limit = DELETABLE_SECONDS - SAFETY_SECONDS
    return sorted(
        int(entry[0])
        for entry in chat_data.get(LOG_KEY, [])
        if isinstance(entry, list) and len(entry) == 2 and now - float(entry[1]) < limit
    )


def clear(chat_data: dict[Any, Any]) -> None:
    chat_data.pop(LOG_KEY, None)


def _text_message(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """`send_message`'s arguments by name, for a plain text message (None otherwise)."""
    if len(args) > 2 or isinstance(kwargs.get("parse_mode"), str):  # not PTB's DEFAULT_NONE
        return None
    params = dict(zip(("chat_id", "text"), args, strict=False)) | kwargs
    return params if isinstance(params.get("text"), str) else None


class LoggingBot(ExtBot[int]):
    """An ExtBot that notes the id of every message it sends in that chat's chat_data."""

    _application: Application[Any, Any, Any, Any, Any, Any] | None = None

    def attach(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._application = application

    def _note(self, message: Message) -> Message:
        application = self._application
        if application is not None and message.chat.type == "private":
            chat_data = application.chat_data[message.chat.id]
            record(chat_data, message.message_id, time.time())
            application.mark_data_for_update_persistence(chat_ids=message.chat.id)
        return message

    async def send_message(self, *args: Any, **kwargs: Any) -> Message:
        """Send, headed by the uncertain-danger lines held for the chat (`sending.hold_lines`):
        the lines first, then the answer with its own buttons (the lines' when it has none)."""
        params = _text_message(args, kwargs)
        lines = sending.held_lines()
        if (
            params is None
            or lines is None
            or lines.chat_id != params.get("chat_id")
            or not lines.take()
        ):
            return self._note(await super().send_message(*args, **kwargs))
        with sending.priority(sending.Priority.CRISIS):
            combined = f"{lines.text}\n\n{params['text']}"
            if len(combined) <= MessageLimit.MAX_TEXT_LENGTH:
                markup = params.get("reply_markup") or lines.markup
                headed = params | {"text": combined, "reply_markup": markup}
                return self._note(await super().send_message(**headed))
            # Too long together: the lines alone first, then the answer.
            self._note(
                await super().send_message(lines.chat_id, lines.text, reply_markup=lines.markup)
            )
            return self._note(await super().send_message(**params))

    async def send_location(self, *args: Any, **kwargs: Any) -> Message:
        return self._note(await super().send_location(*args, **kwargs))

    async def send_venue(self, *args: Any, **kwargs: Any) -> Message:
        return self._note(await super().send_venue(*args, **kwargs))

    async def send_photo(self, *args: Any, **kwargs: Any) -> Message:
        return self._note(await super().send_photo(*args, **kwargs))

    async def send_document(self, *args: Any, **kwargs: Any) -> Message:
        return self._note(await super().send_document(*args, **kwargs))
