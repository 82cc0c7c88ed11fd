"""Every message the bot sends waits its turn in one priority lane in front of the send limit.

Telegram lets a bot send about 30 messages a second (JUNTOS_SEND_RATE; bots granted a higher
broadcast limit can raise it). When more are waiting than that, the order is decided here,
not by arrival:

1. `Priority.CRISIS`: the emergency lines (`send_crisis_reply`);
2. `Priority.REPLY`: a reply to what a person just wrote or pressed (the default);
3. `Priority.RELAY`: messages carried between a member and an organisation, notices to staff;
4. `Priority.BACKGROUND`: reminders and digests, which can wait seconds without harm.

Within one priority the order is first come, first served. The priority of a send is the one
in force in the task that sends it (a context variable: each update is handled in its own
task, so a crisis reply raises only its own sends). Reminder and digest senders wrap their
sends in `background()` (or await them through `in_background`).

Telegram's limit is per bot token: on PostgreSQL the background sends of every process of the
bot take slots on one timeline kept in the database (`SharedBudget`, storage/send_budget.py),
so processes together keep to the rate; the other priorities never wait on the database.

A send the Bot API refuses with 429 pauses the whole lane for the time Telegram asks, then is
retried; a 5xx answer or a network timeout is retried after a short pause. Only after
`max_retries` does the error reach the handler.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import heapq
import itertools
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from enum import IntEnum
from typing import Any, Protocol, TypeVar

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Awaitable[Any]])
JSONDict = dict[str, Any]

#: Telegram's documented limit for a bot: about 30 messages a second across all chats.
DEFAULT_SEND_RATE = 30.0
#: Telegram allows a group 20 messages a minute.
GROUP_RATE = 20
GROUP_PERIOD = 60.0
#: Pause before retrying a send that failed with a 5xx answer or a timeout (times the attempt).
NETWORK_RETRY_SECONDS = 0.5
#: Reminders and digests: how far they may run ahead of an even pace (see PriorityLane).
DEFAULT_BURST = 1.5
#: Replies: how much of a second's sends may leave at once (see PriorityLane).
REPLY_BURST_SECONDS = 0.5
#: Rank of the other sends to a chat in danger (`PriorityLane.promote`): after every crisis
#: reply, before every other reply.
PROMOTED_RANK = 0.5
#: Background slots booked on the shared budget at a time: this many seconds' worth.
BOOK_SECONDS = 0.5
#: Other sends are written on the shared timeline at most this long after they left.
REPORT_SECONDS = 0.5
#: The shared budget could not be reached: background sends try again this much later.
BOOK_RETRY_SECONDS = 1.0


class Priority(IntEnum):
    """Lower goes first."""

    CRISIS = 0
    REPLY = 1
    RELAY = 2
    BACKGROUND = 3


_priority: ContextVar[Priority] = ContextVar("juntos_send_priority", default=Priority.REPLY)


def current_priority() -> Priority:
    return _priority.get()


@contextlib.contextmanager
def priority(level: Priority) -> Iterator[None]:
    """Sends made inside this block (in this task) wait at `level`."""
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


@contextlib.contextmanager
def at_most(level: Priority) -> Iterator[None]:
    """Sends inside this block wait at `level`, or lower if a lower priority is already in
    force (a relay sent from a reminder sweep stays a background send)."""
    with priority(max(level, current_priority())):
        yield


def sends_at(level: Priority) -> Callable[[F], F]:
    """Decorate a coroutine function whose sends wait at `level` at most (see `at_most`)."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            with at_most(level):
                return await function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def background() -> contextlib.AbstractContextManager[None]:
    """Reminders and digests: sends inside this block go after every other kind."""
    return priority(Priority.BACKGROUND)


async def in_background(send: Awaitable[T]) -> T:
    """Await one reminder or digest send at the lowest priority:
    `await in_background(bot.send_message(chat_id, text))`."""
    with background():
        return await send


class LinesAhead:
    """Emergency lines for an uncertain danger signal, waiting to head the normal answer to
    the same message: one send instead of two ("when in doubt, show the lines", then the
    answer). They go alone if the answer is not ready in time, or never comes (`take` hands
    them out once)."""

    def __init__(self, chat_id: int, text: str, markup: Any) -> None:
        self.chat_id = chat_id
        self.text = text
        self.markup = markup
        self._pending = True

    def take(self) -> bool:
        """True once: whoever takes them sends them."""
        pending, self._pending = self._pending, False
        return pending


_lines_ahead: ContextVar[LinesAhead | None] = ContextVar("juntos_lines_ahead", default=None)


def hold_lines(lines: LinesAhead) -> None:
    """The next message this task sends to `lines.chat_id` carries `lines` first (the rest of
    the update's handling runs in this task, so its answer does)."""
    _lines_ahead.set(lines)


def held_lines() -> LinesAhead | None:
    return _lines_ahead.get()


class SharedBudget(Protocol):
    """Telegram's limit is per bot token, not per process: the processes that share a token
    (and a database) write their sends on one timeline of slots `interval` apart
    (`storage/send_budget.py`), so together they keep to the rate."""

    async def book(self, sends: int, interval: float) -> float:
        """Book the next `sends` slots of the timeline; seconds from now to the first one
        (0 or less: now)."""
        ...

    async def hold(self, seconds: float) -> None:
        """Nobody's booked slot starts in the next `seconds` (Telegram answered 429)."""
        ...


class PriorityLane:
    """Never more than the rate out in any one second (a sliding window, as Telegram counts),
    a token bucket (`rate` a second) under it, and waiters that leave by priority, then by
    arrival.

    Crisis replies, replies and relays leave as soon as the last second had room and the
    bucket holds a token: the bucket holds up to `reply_burst` (half a second's sends), so a
    reply never waits for an even pace while Telegram's count has room (at 28 messages a
    second, about 98 % of the rate, an even pace queued every reply behind the one before).

    Reminders and digests keep an even pace: they also need a token of a second bucket that
    holds `burst` (the default 1.5: a wake-up that comes a little late still catches up half a
    send), and every send takes one of those too. So they use only what replies leave, and
    an even pace keeps under
    Telegram's count even when the requests reach it a little late or early, where bursts at
    the edge of a second earn 429s (measured with `bench/reminders.py`: a half-second catch-up
    burst was no faster and drew more 429s).

    When the window was full, what the bucket filled meanwhile is not let out at once: one
    send when the window opens, then the pace. A burst followed by an even pace would
    otherwise fill the second, wait, and burst again at the same moment of every later
    second, leaving a gap each second in which a crisis reply could only wait.

    With a `SharedBudget` (`share`), background sends also need a slot booked on the timeline
    all processes share; the lane books a few at a time, ahead of need, and writes its other
    sends there afterwards (`_unbooked`). Crisis replies, replies and relays never wait on
    the database: only the local bucket paces them, with the database down too.
    """

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        budget: SharedBudget | None = None,
        reply_burst: float | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = rate
        self.interval = 1.0 / rate
        background_burst = max(1.0, burst if burst is not None else DEFAULT_BURST)
        replies = reply_burst if reply_burst is not None else rate * REPLY_BURST_SECONDS
        self._capacity = max(1.0, replies)
        self._tokens = self._capacity
        #: Background sends also need a token of their own bucket (an even pace, see above);
        #: every send takes one, so they go only in the room replies leave.
        self._background_capacity = background_burst
        self._background_tokens = background_burst
        #: At most `_per_window` sends in any `_window` seconds (the rate, counted per second).
        self._per_window = max(1, int(rate))
        self._window = self._per_window / rate
        self._sent: collections.deque[float] = collections.deque(maxlen=self._per_window)
        self._clock = clock
        self._updated = clock()
        self._paused_until = 0.0
        #: (rank, arrival, priority, future): the rank is the priority, or PROMOTED_RANK.
        self._waiting: list[tuple[float, int, Priority, asyncio.Future[None]]] = []
        #: Which chat each waiting send is for, and chats whose sends go first for a while.
        self._chat_of: dict[asyncio.Future[None], object] = {}
        self._urgent_until: dict[object, float] = {}
        self._order = itertools.count()
        self._dispatcher: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        #: The shared timeline: slots booked for background sends (local clock), sends of
        #: other priorities not yet written there, and the booking under way.
        self._budget = budget
        self._slots: collections.deque[float] = collections.deque()
        self._unbooked = 0
        self._booking: asyncio.Task[None] | None = None
        #: The booking under way only writes other sends, and has not started yet.
        self._report_waiting = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._block = max(1, round(rate * BOOK_SECONDS))

    def share(self, budget: SharedBudget | None) -> None:
        """Pace background sends on the timeline shared by every process of this bot."""
        self._budget = budget
        self._slots.clear()
        self._unbooked = 0

    @property
    def waiting(self) -> int:
        return sum(1 for *_, future in self._waiting if not future.done())

    def pause(self, seconds: float) -> None:
        """Nothing leaves for `seconds` (Telegram answered 429 with retry_after); the other
        processes sharing the budget hold their background sends too."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._tokens = self._background_tokens = 0.0
        if self._budget is not None:
            self._slots.clear()
            self._spawn(self._hold(self._budget, seconds))

    async def _hold(self, budget: SharedBudget, seconds: float) -> None:
        try:
            await budget.hold(seconds)
        except Exception as exc:  # the database is down: this process pauses anyway
            log.warning("could not share a send pause: %s", type(exc).__name__)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _refill(self) -> float:
        now = self._clock()
        self._background_tokens = min(
            self._background_capacity,
            self._background_tokens + (now - self._updated) * self.rate,
        )
        tokens = min(self._capacity, self._tokens + (now - self._updated) * self.rate)
        if len(self._sent) == self._per_window and self._sent[0] + self._window > self._updated:
            # The window was full: what filled meanwhile is not let out at once when it has
            # room again (one send, then the pace).
            opened = self._sent[0] + self._window
            tokens = min(tokens, 1.0 + max(0.0, now - opened) * self.rate)
        self._tokens = tokens
        self._updated = now
        return now

    def _delay(self, level: int) -> float:
        now = self._refill()
        wait = self._paused_until - now
        if len(self._sent) == self._per_window and self._sent[0] + self._window > now:
            # The window first (then one token at most when it opens, then the pace).
            wait = max(wait, self._sent[0] + self._window - now)
        elif self._tokens < 1:
            wait = max(wait, (1 - self._tokens) / self.rate)
        if level >= Priority.BACKGROUND and self._background_tokens < 1:
            wait = max(wait, (1 - self._background_tokens) / self.rate)
        return max(wait, 0.0)

    def _shared(self, level: int) -> bool:
        return self._budget is not None and level >= Priority.BACKGROUND

    def _slot(self) -> float | None:
        """When the next booked background slot starts (None: none booked); a slot missed by
        more than an interval is dropped (sending in it now would crowd the next one)."""
        late = self._clock() - self.interval
        while self._slots and self._slots[0] < late:
            self._slots.popleft()
        return self._slots[0] if self._slots else None

    def _book_more(self) -> None:
        """Book slots for the background sends waiting (a block at most), before the booked
        ones run out; or write this process's other sends on the timeline."""
        if self._budget is None:
            return
        background = sum(
            1 for _, _, level, f in self._waiting if level >= Priority.BACKGROUND and not f.done()
        )
        wanted = min(background - len(self._slots), self._block)
        needed = wanted > 0 and len(self._slots) <= self._block // 2
        if self._booking is not None and not self._booking.done():
            if not (needed and self._report_waiting):
                return
            self._booking.cancel()  # a report still waiting: book now, and report with it
        loop = asyncio.get_running_loop()
        if needed:
            self._booking = loop.create_task(self._book(wanted))
        elif self._unbooked:
            self._booking = loop.create_task(self._book(0, after=REPORT_SECONDS))

    async def _book(self, sends: int, after: float = 0.0) -> None:
        budget = self._budget
        assert budget is not None
        try:
            if after:
                self._report_waiting = True
                try:
                    await asyncio.sleep(after)
                finally:
                    self._report_waiting = False
            spent, self._unbooked = self._unbooked, 0
            if spent + sends == 0:
                return
            started = self._clock()
            try:
                ahead = await budget.book(spent + sends, self.interval)
            except Exception as exc:
                # The database is down or busy: background sends wait; the others never do.
                self._unbooked = min(self._unbooked + spent, round(self.rate))
                log.warning("could not book sends on the shared budget: %s", type(exc).__name__)
                await asyncio.sleep(BOOK_RETRY_SECONDS)
                return
            if budget is not self._budget:
                return
            # The database read its clock between our request and its answer.
            first = (started + self._clock()) / 2 + ahead + spent * self.interval
            self._slots.extend(first + i * self.interval for i in range(sends))
        finally:
            self._wake.set()

    def promote(self, chat: object, seconds: float) -> None:
        """Every send to `chat`, waiting or made in the next `seconds`, goes right after the
        crisis replies (`PROMOTED_RANK`): a person who writes danger while earlier replies to
        them still wait must not wait behind those (their chat's updates are handled in
        order); nor must anyone's crisis reply wait behind that chat's ordinary replies."""
        now = self._clock()
        self._urgent_until = {c: t for c, t in self._urgent_until.items() if t > now}
        self._urgent_until[chat] = now + seconds
        moved = False
        for index, (rank, order, level, future) in enumerate(self._waiting):
            if self._chat_of.get(future) == chat and rank > PROMOTED_RANK:
                self._waiting[index] = (PROMOTED_RANK, order, level, future)
                moved = True
        if moved:
            heapq.heapify(self._waiting)
            self._wake.set()

    def settle(self, chat: object) -> None:
        """The crisis reply to `chat` went out: its later sends wait their normal turn."""
        self._urgent_until.pop(chat, None)

    def _leave(self, level: int, due: float | None = None) -> None:
        """One send leaves now: it takes a token (and its booked slot, or is written on the
        shared timeline later).

        A reply the lane was `due` to let out a moment ago (its wake-up came late: the event
        loop was busy answering) is counted in the window then, up to a quarter of an
        interval back: otherwise every late wake-up pushes all later seconds back as much,
        and at 98 % of the rate those milliseconds add up to a queue. Telegram may then count
        a reply a few milliseconds early, as any network delay does. Reminders and digests
        are counted when they leave (their even pace catches up by itself)."""
        now = self._refill()
        self._tokens = max(0.0, self._tokens - 1)
        self._background_tokens = max(0.0, self._background_tokens - 1)
        at = now
        if due is not None and level < Priority.BACKGROUND:
            at = min(now, max(due, now - self.interval / 4))
        self._sent.append(max(at, self._sent[-1]) if self._sent else at)
        if self._budget is None:
            return
        if self._shared(level):
            self._slots.popleft()
        else:
            self._unbooked += 1
        self._book_more()

    async def acquire(self, level: Priority, chat: object = None) -> None:
        rank = float(level)
        if (
            chat is not None
            and level > Priority.CRISIS
            and self._urgent_until.get(chat, 0.0) > self._clock()
        ):
            rank = PROMOTED_RANK
        # Nothing of its rank or higher waits (a waiting reminder does not hold a reply).
        ahead = bool(self._waiting) and self._waiting[0][0] <= rank
        if not ahead and self._delay(level) == 0:
            slot = self._slot() if self._shared(level) else 0.0
            if slot is not None and slot <= self._clock():
                self._leave(level)
                return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (rank, next(self._order), level, future))
        if chat is not None:
            self._chat_of[future] = chat
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="juntos-send-lane")
        else:
            self._wake.set()
        try:
            await future
        finally:
            self._chat_of.pop(future, None)

    async def _sleep(self, seconds: float) -> None:
        """Sleep up to `seconds`; a new arrival (maybe a crisis reply) wakes the lane early."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _dispatch(self) -> None:
        #: When the lane was due to let the first waiting send out.
        due: float | None = None
        while self._waiting:
            _, _, level, future = self._waiting[0]
            if future.done():  # its sender gave up (cancelled)
                heapq.heappop(self._waiting)
                continue
            delay = self._delay(level)
            if self._shared(level):
                slot = self._slot()
                if slot is None:
                    self._book_more()
                    await self._sleep(BOOK_RETRY_SECONDS)
                    continue
                delay = max(delay, slot - self._clock())
            if delay > 0:
                due = self._clock() + delay
                await self._sleep(delay)
                continue
            heapq.heappop(self._waiting)
            self._leave(level, due)
            due = None
            future.set_result(None)

    async def close(self) -> None:
        for task in (self._dispatcher, self._booking, *self._tasks):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._dispatcher = None
        self._booking = None
        for *_, future in self._waiting:
            future.cancel()
        self._waiting.clear()


class PriorityRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter, with the priority lane for every request addressed to a chat.

    Like PTB's AIORateLimiter, requests without a chat (answering a button press, setting the
    commands) do not count, and a group chat also keeps to 20 messages a minute.
    """

    def __init__(self, rate: float = DEFAULT_SEND_RATE, max_retries: int = 3) -> None:
        self.lane = PriorityLane(rate)
        self._max_retries = max_retries
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.lane.close()

    def _group(self, chat_id: int | str) -> AsyncLimiter:
        if len(self._groups) > 512:
            for key, limiter in list(self._groups.items()):
                if limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        return self._groups.setdefault(chat_id, AsyncLimiter(GROUP_RATE, GROUP_PERIOD))

    async def _once(
        self,
        chat_id: object,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | JSONDict | list[JSONDict]:
        if chat_id is None:
            return await callback(*args, **kwargs)
        group: int | str | None = None
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
            group = chat_id
        await self.lane.acquire(current_priority(), chat_id)
        if group is None:
            return await callback(*args, **kwargs)
        async with self._group(group):
            return await callback(*args, **kwargs)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Send through the lane; `rate_limit_args` overrides the number of retries."""
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        chat_id = data.get("chat_id")
        for attempt in range(retries + 1):
            try:
                return await self._once(chat_id, callback, args, kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                with warnings.catch_warnings():  # int today, timedelta in PTB 23
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    seconds = exc.retry_after
                wait = seconds.total_seconds() if isinstance(seconds, timedelta) else seconds
                log.warning("Bot API asked to slow down: pausing sends for %.1f s", wait)
                self.lane.pause(float(wait) + 0.1)
            except BadRequest:
                raise  # the request itself is wrong: sending it again changes nothing
            except NetworkError as exc:
                # 5xx answers and timeouts (NetworkError's subclasses that are not the API
                # refusing the request itself).
                if attempt == retries:
                    raise
                log.warning("Bot API %s failed (%s); retrying", endpoint, type(exc).__name__)
                await asyncio.sleep(NETWORK_RETRY_SECONDS * (attempt + 1))
        raise AssertionError("unreachable")
