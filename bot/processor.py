"""Updates of different chats run concurrently; updates of one chat run in order.

With PTB's default (one update at a time) a slow search in one chat would delay a crisis
reply in another; with plain concurrency two quick messages of one member could race on their
conversation state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: Updates in progress at once. An update waiting for its chat's turn, or for the send lane
#: (bot/sending.py), holds a slot: with few slots, a member in danger would wait behind every
#: queued reply before the crisis screen even saw the message. Waiting updates cost little.
MAX_CONCURRENT_UPDATES = 1024


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        #: Called for an update that must wait behind earlier ones of its chat (set by the
        #: application: the crisis screen, which then puts that chat's sends first).
        self.on_queued: Callable[[Update], None] | None = None
        #: Awaited when an update's handling is over, still in its task and holding its
        #: chat's turn (set by the application: uncertain-danger lines no answer carried go
        #: out now, before the chat's next update).
        self.on_done: Callable[[], Awaitable[None]] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        if lock.locked() and self.on_queued is not None and isinstance(update, Update):
            self.on_queued(update)
        try:
            async with lock:
                try:
                    await coroutine
                finally:
                    if self.on_done is not None:
                        await self.on_done()
        finally:
            self._waiting[chat.id] -= 1
            if self._waiting[chat.id] == 0:
                # Forget idle chats so the table does not grow with every member ever seen.
                del self._waiting[chat.id]
                self._locks.pop(chat.id, None)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
