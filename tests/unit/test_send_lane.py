"""The send lane: when more messages wait than Telegram allows, crisis replies leave first."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.sending import Priority, PriorityLane, at_most, background, current_priority, priority


async def _leave_order(lane: PriorityLane, levels: list[Priority]) -> list[tuple[Priority, int]]:
    left: list[tuple[Priority, int]] = []

    async def send(level: Priority, index: int) -> None:
        await lane.acquire(level)
        left.append((level, index))

    await asyncio.gather(*(send(level, i) for i, level in enumerate(levels)))
    return left


async def test_a_crisis_reply_overtakes_every_queued_send() -> None:
    lane = PriorityLane(rate=200.0, burst=1)
    lane.pause(0.05)  # Telegram asked to wait: everything below queues
    levels = [
        Priority.BACKGROUND,
        Priority.REPLY,
        Priority.RELAY,
        Priority.REPLY,
        Priority.BACKGROUND,
        Priority.CRISIS,
        Priority.RELAY,
        Priority.CRISIS,
    ]
    order = await _leave_order(lane, levels)
    assert order == [
        (Priority.CRISIS, 5),
        (Priority.CRISIS, 7),
        (Priority.REPLY, 1),
        (Priority.REPLY, 3),
        (Priority.RELAY, 2),
        (Priority.RELAY, 6),
        (Priority.BACKGROUND, 0),
        (Priority.BACKGROUND, 4),
    ]
    await lane.close()


async def test_reminders_keep_an_even_pace() -> None:
    lane = PriorityLane(rate=100.0, burst=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await _leave_order(lane, [Priority.BACKGROUND] * 11)
    # 1 at once, then 10 at 100 a second: at least 0.1 s (never faster than the pace).
    assert loop.time() - started >= 0.095
    await lane.close()


async def test_replies_leave_at_once_while_the_last_second_had_room() -> None:
    # Eight people press a button at the same moment, a reminder sweep under way: their
    # replies do not wait for an even pace (at 20 a second, the last would wait 0.35 s),
    # and never more than the rate leave in any one second.
    lane = PriorityLane(rate=20.0)
    reminders = [asyncio.create_task(lane.acquire(Priority.BACKGROUND)) for _ in range(5)]
    await asyncio.sleep(0)
    times: list[float] = []

    async def reply() -> None:
        await lane.acquire(Priority.REPLY)
        times.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(reply() for _ in range(8)))
    assert times[-1] - started < 0.03
    await asyncio.gather(*(reply() for _ in range(20)), *reminders)
    times.sort()
    second = 0.999 - lane.interval / 4  # a late reply is counted when it was due
    assert max(sum(1 for t in times if start <= t < start + second) for start in times) <= 20
    await lane.close()


async def test_after_a_full_second_replies_leave_at_an_even_pace_not_in_bursts() -> None:
    # A burst that fills the window must not come back a second later (and every second
    # after) with a gap behind it where a crisis reply would wait: the lane resumes evenly.
    lane = PriorityLane(rate=20.0)
    times: list[float] = []

    async def reply() -> None:
        await lane.acquire(Priority.REPLY)
        times.append(time.monotonic())

    await asyncio.gather(*(reply() for _ in range(45)))
    times.sort()
    # A reply whose wake-up came late is counted when it was due, at most a quarter of an
    # interval back (bot/sending.py, PriorityLane._leave).
    second = 0.999 - lane.interval / 4
    assert max(sum(1 for t in times if start <= t < start + second) for start in times) <= 20
    gaps = [later - earlier for earlier, later in itertools.pairwise(times[20:])]
    assert max(gaps) < 0.15, "after the first second, one every 50 ms: never a long gap"
    await lane.close()


async def test_a_pause_after_429_holds_every_send() -> None:
    lane = PriorityLane(rate=1000.0, burst=5)
    lane.pause(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await lane.acquire(Priority.CRISIS)
    assert loop.time() - started >= 0.045
    await lane.close()


async def test_a_sender_that_gives_up_does_not_block_the_others() -> None:
    lane = PriorityLane(rate=50.0, burst=1)
    lane.pause(0.05)
    abandoned = asyncio.create_task(lane.acquire(Priority.CRISIS))
    await asyncio.sleep(0)
    abandoned.cancel()
    await asyncio.wait_for(lane.acquire(Priority.REPLY), timeout=2)
    assert lane.waiting == 0
    await lane.close()


def test_priorities_nest_and_never_rise_through_at_most() -> None:
    assert current_priority() is Priority.REPLY
    with priority(Priority.CRISIS):
        assert current_priority() is Priority.CRISIS
        with at_most(Priority.RELAY):
            assert current_priority() is Priority.RELAY
    with background(), at_most(Priority.RELAY):
        assert current_priority() is Priority.BACKGROUND
    assert current_priority() is Priority.REPLY


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="rate"):
        PriorityLane(rate=0)


async def test_a_chat_in_danger_has_its_queued_sends_put_first() -> None:
    lane = PriorityLane(rate=200.0, burst=1)
    lane.pause(0.05)
    left: list[tuple[int, int]] = []

    async def send(chat: int, index: int) -> None:
        await lane.acquire(Priority.REPLY, chat)
        left.append((chat, index))

    queued = [asyncio.create_task(send(chat, i)) for i, chat in enumerate([1, 1, 2, 1, 2])]
    await asyncio.sleep(0)  # all five are waiting now
    lane.promote(2, seconds=60)
    later = asyncio.create_task(send(2, 5))  # a send made after: first too
    await asyncio.gather(*queued, later)
    assert left[:3] == [(2, 2), (2, 4), (2, 5)]
    assert left[3:] == [(1, 0), (1, 1), (1, 3)]
    # The crisis reply went out: the chat's later sends wait their turn again.
    lane.settle(2)
    left.clear()
    lane.pause(0.05)
    await asyncio.gather(send(1, 6), send(2, 7))
    assert left == [(1, 6), (2, 7)]
    await lane.close()


async def test_crisis_replies_go_before_the_other_sends_of_chats_in_danger() -> None:
    lane = PriorityLane(rate=200.0, burst=1)
    lane.pause(0.05)
    left: list[str] = []

    async def send(name: str, level: Priority, chat: int) -> None:
        await lane.acquire(level, chat)
        left.append(name)

    earlier = [asyncio.create_task(send(f"reply {i}", Priority.REPLY, 1)) for i in range(3)]
    await asyncio.sleep(0)
    lane.promote(1, seconds=60)  # chat 1 wrote danger behind its three queued replies
    crisis = asyncio.create_task(send("lines for 2", Priority.CRISIS, 2))
    other = asyncio.create_task(send("reply to 3", Priority.REPLY, 3))
    await asyncio.gather(*earlier, crisis, other)
    assert left == ["lines for 2", "reply 0", "reply 1", "reply 2", "reply to 3"]
    await lane.close()


class Timeline:
    """A shared budget in memory (storage/send_budget.py keeps it in the database)."""

    def __init__(self) -> None:
        self.tat = 0.0
        self.down = False

    async def book(self, sends: int, interval: float) -> float:
        if self.down:
            raise ConnectionError("database unavailable")
        now = time.monotonic()
        start = max(self.tat, now)
        self.tat = start + sends * interval
        return start - now

    async def hold(self, seconds: float) -> None:
        self.tat = max(self.tat, time.monotonic() + seconds)


async def test_two_processes_sharing_a_budget_keep_to_one_rate_together() -> None:
    shared = Timeline()
    lanes = [PriorityLane(rate=100.0, budget=shared) for _ in range(2)]
    sent: list[float] = []

    async def reminders(lane: PriorityLane) -> None:
        async def one() -> None:
            await lane.acquire(Priority.BACKGROUND)
            sent.append(time.monotonic())

        await asyncio.gather(*(one() for _ in range(25)))

    started = time.monotonic()
    await asyncio.gather(*(reminders(lane) for lane in lanes))
    # 50 sends at 100 a second between them: half a second, not a quarter (each at its own
    # full rate) and not much more (the budget wastes no time).
    assert 0.48 <= time.monotonic() - started < 0.8
    sent.sort()
    in_any_tenth = max(sum(1 for t in sent if start <= t < start + 0.1) for start in sent)
    assert in_any_tenth <= 11
    for lane in lanes:
        await lane.close()


async def test_replies_never_wait_on_the_shared_budget_even_with_the_database_down() -> None:
    shared = Timeline()
    shared.down = True
    lane = PriorityLane(rate=100.0, budget=shared)
    waiting = asyncio.create_task(lane.acquire(Priority.BACKGROUND))
    await asyncio.sleep(0.05)
    assert not waiting.done(), "a reminder waits for its booked slot"
    started = time.monotonic()
    await asyncio.wait_for(lane.acquire(Priority.CRISIS), timeout=1)
    await asyncio.wait_for(lane.acquire(Priority.REPLY), timeout=1)
    assert time.monotonic() - started < 0.1
    # The database is back: the reminder goes, after the replies were written on the
    # timeline.
    shared.down = False
    await asyncio.wait_for(waiting, timeout=3)
    assert shared.tat > 0
    await lane.close()


async def test_the_lane_never_lets_more_than_the_rate_out_in_any_second() -> None:
    # Telegram counts sends per second: even a bucket that lets bursts through (here half a
    # second's worth) never adds up to more than the rate within one second.
    lane = PriorityLane(rate=20.0, burst=10)
    times: list[float] = []

    async def send() -> None:
        await lane.acquire(Priority.BACKGROUND)
        times.append(time.monotonic())

    await asyncio.gather(*(send() for _ in range(45)))
    times.sort()
    assert max(sum(1 for t in times if start <= t < start + 0.999) for start in times) <= 20
    assert times[40] - times[0] >= 1.99, "the 41st waits for the second second to end"
    assert sum(1 for t in times if t - times[0] < 0.01) >= 10, "half a second's worth at once"
    await lane.close()
