"""Opening hours are read in the location's own time zone, including past midnight and DST."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.schedule import Schedule, format_weekdays, is_open, next_opening, parse_weekdays

WEEKDAYS_9_TO_5 = Schedule(
    id="s1", weekdays=frozenset(range(5)), opens_at=time(9), closes_at=time(17)
)
NIGHT_LINE = Schedule(id="s2", weekdays=frozenset({4, 5}), opens_at=time(20), closes_at=time(2))
ALWAYS = Schedule(id="s3", weekdays=frozenset(range(7)), opens_at=time(0), closes_at=time(0))


def local(tz: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def test_open_during_weekday_office_hours_in_guadalajara() -> None:
    # Wednesday 2026-03-04 10:00 in Guadalajara (UTC-6, no DST since 2022).
    at = local("America/Mexico_City", 2026, 3, 4, 10, 0)
    assert is_open([WEEKDAYS_9_TO_5], "America/Mexico_City", at)


def test_closed_at_closing_time_and_on_sunday() -> None:
    assert not is_open(
        [WEEKDAYS_9_TO_5], "America/Mexico_City", local("America/Mexico_City", 2026, 3, 4, 17, 0)
    )
    assert not is_open(
        [WEEKDAYS_9_TO_5], "America/Mexico_City", local("America/Mexico_City", 2026, 3, 8, 11, 0)
    )


def test_a_span_past_midnight_is_open_early_the_next_day() -> None:
    # Friday 20:00 -> Saturday 02:00: Saturday 01:30 is inside Friday's span.
    assert is_open([NIGHT_LINE], "America/Monterrey", local("America/Monterrey", 2026, 3, 7, 1, 30))
    assert not is_open(
        [NIGHT_LINE], "America/Monterrey", local("America/Monterrey", 2026, 3, 7, 2, 30)
    )


def test_equal_open_and_close_means_twenty_four_hours() -> None:
    assert is_open([ALWAYS], "America/Tijuana", local("America/Tijuana", 2026, 7, 1, 3, 33))


def test_the_same_utc_instant_is_open_in_juarez_but_not_in_chihuahua_under_us_dst() -> None:
    # In January Ciudad Juárez is on UTC-7 (it follows US DST: 15:30 UTC is 08:30, closed)
    # while the city of Chihuahua stays on UTC-6 all year (09:30, open).
    instant = datetime(2026, 1, 14, 15, 30, tzinfo=UTC)
    assert not is_open([WEEKDAYS_9_TO_5], "America/Ciudad_Juarez", instant)
    assert is_open([WEEKDAYS_9_TO_5], "America/Chihuahua", instant)


def test_next_opening_after_friday_evening_is_monday_morning_local() -> None:
    at = local("America/Mexico_City", 2026, 3, 6, 18, 0)  # Friday
    nxt = next_opening([WEEKDAYS_9_TO_5], "America/Mexico_City", at)
    assert nxt == local("America/Mexico_City", 2026, 3, 9, 9, 0)


def test_next_opening_is_none_without_any_schedule() -> None:
    assert next_opening([], "America/Mexico_City", datetime(2026, 3, 6, tzinfo=UTC)) is None


def test_byday_round_trips_and_rejects_unknown_days() -> None:
    days = parse_weekdays("MO, we,FR")
    assert days == frozenset({0, 2, 4})
    assert format_weekdays(days) == "MO,WE,FR"
    with pytest.raises(ValueError, match="XX"):
        parse_weekdays("MO,XX")
