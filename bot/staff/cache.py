"""Chats seen lately, in this process's memory (never persisted): who is not staff.

bot/staff/identity.py keeps only "not staff" here (a link made by another process is seen
within CACHE_SECONDS); staff are read again on every update, so a revocation is immediate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from domain.people import StaffMember

CACHE_SECONDS = 30.0


class StaffCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._known: dict[int, tuple[StaffMember | None, float]] = {}

    def get(self, chat_id: int) -> tuple[bool, StaffMember | None]:
        entry = self._known.get(chat_id)
        if entry is None or entry[1] <= self._clock():
            return False, None
        return True, entry[0]

    def put(self, chat_id: int, staff: StaffMember | None) -> None:
        now = self._clock()
        if len(self._known) > 10_000:
            self._known = {k: v for k, v in self._known.items() if v[1] > now}
        self._known[chat_id] = (staff, now + CACHE_SECONDS)

    def forget(self, chat_id: int) -> None:
        self._known.pop(chat_id, None)
