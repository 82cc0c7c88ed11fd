"""Reminder sends are spaced: never two within 1/rate seconds (so never a burst that Telegram
answers with 429 and a pause)."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.notifier import Pace


async def test_sends_are_never_closer_than_the_interval_even_from_several_tasks() -> None:
    pace = Pace(200.0)  # 5 ms apart
    times: list[float] = []

    async def sender() -> None:
        for _ in range(5):
            await pace.wait()
            times.append(time.monotonic())

    await asyncio.gather(*(sender() for _ in range(4)))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 20
    assert min(gaps) >= 0.005 - 0.001  # the event loop's clock resolution
