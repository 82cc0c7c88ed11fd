"""Exact points members shared, kept in this process's memory only, for a short while.

A shared location is the most sensitive thing a member gives the bot: it can be their home.
It is never written to the conversation state (which is persisted): the search uses it, and
"more results", the age filter and "contact me" may reuse it for RECENT_SECONDS; then it is
forgotten, as it is at /salir, /borrar and on restart. (Typed places are public gazetteer
points and stay in the conversation state.)
"""

from __future__ import annotations

import time
from collections.abc import Callable

from domain.geo import Point

#: How long a shared point stays usable after the member shared it.
RECENT_SECONDS = 30 * 60


class RecentPoints:
    def __init__(
        self, ttl_seconds: float = RECENT_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._points: dict[int, tuple[Point, float]] = {}

    def remember(self, chat_id: int, point: Point) -> None:
        now = self._clock()
        # Forget expired points as new ones arrive, so memory follows the active chats only.
        for key in [k for k, (_p, until) in self._points.items() if until <= now]:
            del self._points[key]
        self._points[chat_id] = (point, now + self._ttl)

    def recall(self, chat_id: int) -> Point | None:
        entry = self._points.get(chat_id)
        if entry is None:
            return None
        point, until = entry
        if until <= self._clock():
            del self._points[chat_id]
            return None
        return point

    def forget(self, chat_id: int) -> None:
        self._points.pop(chat_id, None)

    def __len__(self) -> int:
        return len(self._points)
