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


#: Seconds in a week; weekly spans are seconds from Monday 00:00, local time.
WEEK_SECONDS = 7 * 86_400


def weekly_spans(schedules: Iterable[Schedule]) -> tuple[tuple[int, int], ...]:
    """The weekly opening spans as (start, end) seconds from Monday 00:00 local time, sorted.

    An end past the week's end is a span that runs past Sunday midnight. Read the same way as
    `is_open` and `next_opening` read the schedules (wall-clock time in the location's zone).
    """
    spans: set[tuple[int, int]] = set()
    for schedule in schedules:
        opens = schedule.opens_at.hour * 3600 + schedule.opens_at.minute * 60
        opens += schedule.opens_at.second
        closes = schedule.closes_at.hour * 3600 + schedule.closes_at.minute * 60
        closes += schedule.closes_at.second
        length = closes - opens if closes > opens else 86_400 - opens + closes
        for day in schedule.weekdays:
            start = day * 86_400 + opens
            spans.add((start, start + length))
    return tuple(sorted(spans))


def _second_of_week(local: datetime) -> float:
    return (
        local.weekday() * 86_400
        + local.hour * 3600
        + local.minute * 60
        + local.second
        + local.microsecond / 1e6
    )


def second_of_week(at: datetime, tz_name: str) -> float:
    """Seconds since Monday 00:00 of the wall-clock time `at` (aware) in zone `tz_name`."""
    return _second_of_week(at.astimezone(ZoneInfo(tz_name)))


def open_at_second(spans: Iterable[tuple[int, int]], second: float) -> bool:
    """Whether a local second of the week falls inside one of the weekly spans."""
    return any(
        start <= second < end or start <= second + WEEK_SECONDS < end for start, end in spans
    )


@dataclass(frozen=True, slots=True)
class WeekClock:
    """One moment read in one time zone, for weekly spans: its local second of the week and
    the Monday it counts from. Read once per zone and search, it answers "open now" and
    "opens next" for every place in that zone (exactly as `is_open` and `next_opening`)."""

    zone: ZoneInfo
    #: Local (naive) Monday 00:00 of the moment's week.
    monday: datetime
    #: Seconds since then, with the microseconds.
    second: float

    @classmethod
    def of(cls, at: datetime, tz_name: str) -> WeekClock:
        zone = ZoneInfo(tz_name)
        local = at.astimezone(zone).replace(tzinfo=None)
        monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time())
        return cls(zone, monday, _second_of_week(local))

    def is_open(self, spans: Iterable[tuple[int, int]]) -> bool:
        return open_at_second(spans, self.second)

    def next_opening(self, spans: Iterable[tuple[int, int]]) -> datetime | None:
        """The next start after the moment (local, aware), or None without spans. A start
        earlier in the week (or at the moment itself) is next week's."""
        second = self.second
        best = min(
            (start if start > second else start + WEEK_SECONDS for start, _end in spans),
            default=None,
        )
        if best is None:
            return None
        return (self.monday + timedelta(seconds=best)).replace(tzinfo=self.zone)


def open_in_spans(spans: Iterable[tuple[int, int]], tz_name: str, at: datetime) -> bool:
    """`is_open` for weekly spans (see `weekly_spans`): True when `at` falls inside one."""
    return open_at_second(spans, second_of_week(at, tz_name))


def next_opening_in_spans(
    spans: Iterable[tuple[int, int]], tz_name: str, at: datetime
) -> datetime | None:
    """`next_opening` for weekly spans: the next start after `at` (local, aware), or None."""
    return WeekClock.of(at, tz_name).next_opening(spans)
