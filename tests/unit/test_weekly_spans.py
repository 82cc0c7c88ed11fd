"""Weekly spans (what the search cards keep) answer "open now" and "opens next" exactly as the
schedules they are made from, in every time zone of Mexico, across midnight and DST."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from domain.schedule import (
    Schedule,
    WeekClock,
    is_open,
    next_opening,
    next_opening_in_spans,
    open_in_spans,
    weekly_spans,
)

ZONES = ("America/Mexico_City", "America/Tijuana", "America/Ciudad_Juarez", "America/Cancun")


def random_schedules(rng: random.Random) -> list[Schedule]:
    schedules = []
    for i in range(rng.randint(1, 3)):
        opens = time(rng.randrange(24), rng.choice([0, 30]))
        closes = rng.choice([time(rng.randrange(24), rng.choice([0, 30])), opens])
        days = frozenset(rng.sample(range(7), rng.randint(1, 7)))
        schedules.append(Schedule(f"s{i}", days, opens, closes))
    return schedules


def test_spans_agree_with_the_schedules_at_any_moment() -> None:
    rng = random.Random(14)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    checked = 0
    for _ in range(300):
        schedules = random_schedules(rng)
        spans = weekly_spans(schedules)
        zone = rng.choice(ZONES)
        for i in range(20):
            at = start + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            if i % 2:  # a moment between whole minutes, down to the microsecond
                at += timedelta(seconds=rng.randrange(60), microseconds=rng.randrange(10**6))
            opens = is_open(schedules, zone, at)
            assert open_in_spans(spans, zone, at) == opens
            assert WeekClock.of(at, zone).is_open(spans) == opens
            following = next_opening(schedules, zone, at)
            assert next_opening_in_spans(spans, zone, at) == following
            assert WeekClock.of(at, zone).next_opening(spans) == following
            checked += 1
    assert checked == 6000


def test_a_night_shift_is_open_after_midnight_and_a_24_hour_day_all_day() -> None:
    night = weekly_spans([Schedule("n", frozenset({4}), time(22), time(6))])  # Friday night
    saturday_3am = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # 03:00 in Mexico City
    assert open_in_spans(night, "America/Mexico_City", saturday_3am)
    sunday_round = weekly_spans([Schedule("d", frozenset({6}), time(0), time(0))])
    monday_0001 = datetime(2026, 3, 9, 6, 1, tzinfo=UTC)  # 00:01 Monday in Mexico City
    assert not open_in_spans(sunday_round, "America/Mexico_City", monday_0001)
    assert open_in_spans(sunday_round, "America/Mexico_City", monday_0001 - timedelta(minutes=2))
