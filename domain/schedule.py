"""Weekly opening hours, read in the location's IANA time zone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass
class Schedule:
    """One HSDS `schedules` row of weekly hours: on `weekdays` (0 = Monday) from opens to closes.

    `closes_at <= opens_at` means the span runs past midnight; equal times mean 24 hours.
    """

    id: str
    weekdays: frozenset[int]
    opens_at: time
    closes_at: time
    service_id: str | None = None
    location_id: str | None = None
    service_at_location_id: str | None = None
    description: str = ""

    def spans_on(self, day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
        """The opening spans that start on local `day`, as aware datetimes."""
        if day.weekday() not in self.weekdays:
            return []
        start = datetime.combine(day, self.opens_at, tzinfo=tz)
        end_day = day if self.closes_at > self.opens_at else day + timedelta(days=1)
        end = datetime.combine(end_day, self.closes_at, tzinfo=tz)
        return [(start, end)]


def parse_weekdays(byday: str) -> frozenset[int]:
    """Parse an iCal BYDAY list (`MO,TU,WE`) into weekday numbers; raise ValueError if unknown."""
    days: set[int] = set()
    for part in byday.split(","):
        code = part.strip().upper()
        if not code:
            continue
        if code not in WEEKDAY_CODES:
            raise ValueError(
                f"unknown weekday {code!r} (expected one of {','.join(WEEKDAY_CODES)})"
            )
        days.add(WEEKDAY_CODES.index(code))
    return frozenset(days)


def format_weekdays(days: Iterable[int]) -> str:
    return ",".join(WEEKDAY_CODES[d] for d in sorted(days))


def _spans_around(
    schedules: Iterable[Schedule], tz: ZoneInfo, local_day: date, days: int
) -> list[tuple[datetime, datetime]]:
    spans: list[tuple[datetime, datetime]] = []
    for schedule in schedules:
        for offset in range(-1, days):
            spans.extend(schedule.spans_on(local_day + timedelta(days=offset), tz))
    return sorted(spans)


def is_open(schedules: Iterable[Schedule], tz_name: str, at: datetime) -> bool:
    """True when `at` (aware) falls inside one of the weekly spans in time zone `tz_name`."""
    tz = ZoneInfo(tz_name)
    local = at.astimezone(tz)
    return any(start <= local < end for start, end in _spans_around(schedules, tz, local.date(), 1))


def next_opening(schedules: Iterable[Schedule], tz_name: str, at: datetime) -> datetime | None:
    """The next time (local, aware) a closed place opens within a week, or None if never."""
    tz = ZoneInfo(tz_name)
    local = at.astimezone(tz)
    for start, _end in _spans_around(schedules, tz, local.date(), 8):
        if start > local:
            return start
    return None
