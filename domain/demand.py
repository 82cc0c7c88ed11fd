"""Unmet demand: anonymous counts of searches (and crisis lines shown), never a trail.

A completed search adds one to a counter keyed by (ISO week, municipality, area cell, need, age
band, whether a suitable public service was within `WITHIN_KM`, distance band of the nearest).
The cell is a hexagon of a few km² computed from the search point (a shared location or a typed
place's point), which is then forgotten: no row holds a member, a chat, a point, a text or a
time finer than the week. What coordinators read is suppressed below `MIN_SHOWN`: a count under
it is "< 5", never a number, never shaded on a map.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

#: A service this close serves a search (and a new one would serve cells this close).
WITHIN_KM = 10.0
#: Counts below this are shown as "< 5" (small-cell suppression).
MIN_SHOWN = 5
#: The need of a search for any kind of help.
ANY_NEED = "any"
#: Needs only confidential places offer (every shelter is confidential): never measured by
#: distance, so their searches always read as unserved; no new place is suggested for them.
UNMEASURED_NEEDS = frozenset({"shelter"})


class AgeBand(StrEnum):
    UNKNOWN = "unknown"
    UNDER_12 = "under_12"
    FROM_12_TO_17 = "12_17"
    FROM_18_TO_29 = "18_29"
    FROM_30 = "30_plus"


def age_band(age: int | None) -> AgeBand:
    """The band of the age a search was filtered by (UNKNOWN when the member did not say)."""
    if age is None:
        return AgeBand.UNKNOWN
    if age < 12:
        return AgeBand.UNDER_12
    if age < 18:
        return AgeBand.FROM_12_TO_17
    if age < 30:
        return AgeBand.FROM_18_TO_29
    return AgeBand.FROM_30


class DistanceBand(StrEnum):
    """How far the nearest suitable public service was (NONE: nothing within the search's
    widest radius)."""

    UNDER_2 = "0_2"
    FROM_2_TO_5 = "2_5"
    FROM_5_TO_10 = "5_10"
    FROM_10_TO_25 = "10_25"
    FROM_25_TO_50 = "25_50"
    FROM_50 = "50_plus"
    NONE = "none"


_BAND_LIMITS = (
    (2.0, DistanceBand.UNDER_2),
    (5.0, DistanceBand.FROM_2_TO_5),
    (WITHIN_KM, DistanceBand.FROM_5_TO_10),
    (25.0, DistanceBand.FROM_10_TO_25),
    (50.0, DistanceBand.FROM_25_TO_50),
)


def distance_band(km: float | None) -> DistanceBand:
    if km is None:
        return DistanceBand.NONE
    return next((band for limit, band in _BAND_LIMITS if km <= limit), DistanceBand.FROM_50)


def iso_week(day: date) -> str:
    """`2026-W09`: sorts as text in time order, the finest time a counter keeps."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """The Monday of an `iso_week` string."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def weeks_between(start: date, end: date) -> list[str]:
    """Every ISO week touching [start, end], in order."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(iso_week(monday))
        monday += timedelta(days=7)
    return weeks


@dataclass(frozen=True, slots=True)
class SearchKey:
    """What one completed search is counted by: nothing finer exists anywhere."""

    week: str
    municipality_code: str
    cell: str
    need: str
    age_band: AgeBand
    within_10km: bool
    distance_band: DistanceBand


@dataclass(frozen=True, slots=True)
class SearchCount:
    key: SearchKey
    count: int


@dataclass(frozen=True, slots=True)
class CrisisKey:
    week: str
    municipality_code: str
    kind: str


@dataclass(frozen=True, slots=True)
class CrisisCount:
    key: CrisisKey
    count: int


@dataclass(frozen=True, slots=True)
class Shown:
    """A count as coordinators may read it: the number, or only "fewer than MIN_SHOWN"."""

    value: int

    @property
    def suppressed(self) -> bool:
        return self.value < MIN_SHOWN

    def __str__(self) -> str:
        return f"< {MIN_SHOWN}" if self.suppressed else str(self.value)


@dataclass(frozen=True, slots=True)
class Share:
    """Searches served within WITHIN_KM out of all, suppressed when the total is small."""

    served: int
    total: int

    @property
    def suppressed(self) -> bool:
        return self.total < MIN_SHOWN

    @property
    def percent(self) -> int | None:
        return None if self.suppressed else round(100 * self.served / self.total)


@dataclass(frozen=True)
class UnmetNeed:
    """The need and area with the most searches without a suitable service within WITHIN_KM."""

    need: str
    municipality_code: str
    cell: str
    searches: int
