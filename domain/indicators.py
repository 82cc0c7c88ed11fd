"""What coordinators read about their municipality's prevention network: indicators over a
period, and the weekly digest.

Storage aggregates in SQL (`IndicatorRepository`); this module turns those aggregates into what
may be shown. Small-cell suppression happens here, once: a group of fewer than SMALL_CELL
people or referrals is `None` (shown as "< 5" by every renderer), so a chart, a CSV file or a
terminal table can never print the small number itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.cases import Gender, MemberOutcome, RejectionReason
from domain.demand import UnmetNeed
from domain.errors import InvalidValue
from domain.taxonomy import Category, Sector

#: Groups smaller than this are never shown as a number: a count of 1 in a small colonia can
#: identify someone.
SMALL_CELL = 5

#: A shown count: the number, or None for "fewer than SMALL_CELL" (0 is shown: nobody to
#: identify).
Shown = int | None


def suppress(count: int) -> Shown:
    return count if count == 0 or count >= SMALL_CELL else None


class AgeGroup(StrEnum):
    UNDER_12 = "0-11"
    TEEN = "12-17"
    YOUNG = "18-29"
    ADULT = "30+"
    UNKNOWN = "unknown"


#: (group, lowest age, highest age): storage turns this into a SQL CASE.
AGE_BOUNDS: tuple[tuple[AgeGroup, int, int], ...] = (
    (AgeGroup.UNDER_12, 0, 11),
    (AgeGroup.TEEN, 12, 17),
    (AgeGroup.YOUNG, 18, 29),
    (AgeGroup.ADULT, 30, 200),
)


#: Who sent a referral, as a row of the cross-sector matrix: an organisation's sector, a
#: member's own request through the bot, or an organisation whose sector is not recorded.
MEMBER_REQUEST = "member_request"
UNKNOWN_SECTOR = "unknown"
SENDER_KEYS: tuple[str, ...] = (*(s.value for s in Sector), MEMBER_REQUEST, UNKNOWN_SECTOR)
RECEIVER_KEYS: tuple[str, ...] = (*(s.value for s in Sector), UNKNOWN_SECTOR)


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in the municipality's own time zone."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue("period", f"{self.start}..{self.end}", "ends before it starts")

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) local time, as UTC instants."""
        tz = ZoneInfo(zone)
        first = datetime.combine(self.start, time(0), tz)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tz)
        return first.astimezone(UTC), after.astimezone(UTC)

    @staticmethod
    def this_month(today: date) -> Period:
        return Period(today.replace(day=1), today)

    @staticmethod
    def last_months(today: date, months: int) -> Period:
        """The current month and the `months - 1` before it, to today."""
        year, month = today.year, today.month - (months - 1)
        while month < 1:
            year, month = year - 1, month + 12
        return Period(date(year, month, 1), today)

    @staticmethod
    def this_year(today: date) -> Period:
        return Period(date(today.year, 1, 1), today)

    @staticmethod
    def month(year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise InvalidValue("month", month, "outside 1..12")
        after = date(year + month // 12, month % 12 + 1, 1)
        return Period(date(year, month, 1), after - timedelta(days=1))


# --- what storage aggregates --------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralCounts:
    """Referrals made in a period (by when they were made) and what became of them."""

    made: int = 0
    accepted: int = 0
    completed: int = 0
    rejected: int = 0
    rejected_by_reason: Mapping[RejectionReason, int] = field(default_factory=dict)
    outcomes: Mapping[MemberOutcome, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PairCount:
    """Referrals from one organisation (None: a member's own request) to another."""

    from_organization_id: str | None
    to_organization_id: str
    made: int
    accepted: int
    completed: int
    rejected: int


@dataclass(frozen=True)
class PeopleGroup:
    """People (cases) with a referral in the period, with the same age group, gender, needs."""

    age_group: AgeGroup
    gender: Gender | None
    needs: frozenset[Category]
    count: int


@dataclass(frozen=True)
class OrganizationFacts:
    name: str
    sector: Sector | None


@dataclass(frozen=True)
class IndicatorFigures:
    """Everything the indicators are made of, aggregated in SQL (no row-level data)."""

    counts: ReferralCounts
    pairs: tuple[PairCount, ...]
    people: tuple[PeopleGroup, ...]
    #: Whole hours from a referral being made to its acceptance -> how many referrals.
    hours_to_acceptance: Mapping[int, int]
    hours_to_first_contact: Mapping[int, int]
    organizations: Mapping[str, OrganizationFacts]


# --- what may be shown --------------------------------------------------------------------------


def percentile(histogram: Mapping[int, int], fraction: float) -> float | None:
    """The value at `fraction` of a histogram {value: how many}: the median (0.5) averages the
    two middle values of an even count; other fractions are the nearest rank (ceil(p * n))."""
    total = sum(histogram.values())
    if total == 0:
        return None
    values = sorted(histogram.items())

    def at_rank(rank: int) -> int:  # 1-based
        seen = 0
        for value, count in values:
            seen += count
            if seen >= rank:
                return value
        return values[-1][0]

    if fraction == 0.5 and total % 2 == 0:
        return (at_rank(total // 2) + at_rank(total // 2 + 1)) / 2
    return float(at_rank(max(1, math.ceil(fraction * total))))


@dataclass(frozen=True)
class Duration:
    """Days from a referral being made to an event (median and 90th percentile)."""

    median_days: float | None
    p90_days: float | None
    #: How many referrals it is computed over (suppressed like any count).
    based_on: Shown

    @staticmethod
    def of(hours: Mapping[int, int]) -> Duration:
        total = sum(hours.values())
        if total < SMALL_CELL:  # a median of two people describes those two people
            return Duration(None, None, suppress(total))
        median, p90 = percentile(hours, 0.5), percentile(hours, 0.9)
        return Duration(
            None if median is None else round(median / 24, 1),
            None if p90 is None else round(p90 / 24, 1),
            total,
        )


@dataclass(frozen=True)
class OrganizationRow:
    name: str
    sector: Sector | None
    received: Shown
    accepted: Shown
    completed: Shown
    rejected: Shown


@dataclass(frozen=True)
class Indicators:
    period: Period
    municipality_codes: tuple[str, ...]
    made: Shown
    accepted: Shown
    completed: Shown
    rejected: Shown
    #: Completed / made, None when fewer than SMALL_CELL referrals were made.
    completion_rate: float | None
    rejected_by_reason: dict[RejectionReason, Shown]
    to_acceptance: Duration
    to_first_contact: Duration
    people: Shown
    by_age: dict[AgeGroup, Shown]
    #: Gender value, or "unknown" when not recorded.
    by_gender: dict[str, Shown]
    by_need: dict[Category, Shown]
    outcomes: dict[MemberOutcome, Shown]
    organizations: tuple[OrganizationRow, ...]
    #: (sender key, receiver key) -> referrals; keys from SENDER_KEYS and RECEIVER_KEYS.
    sector_matrix: dict[tuple[str, str], Shown]
    #: Referrals between organisations of two different (known) sectors.
    cross_sector: Shown
    #: Nothing was referred in the period (say so; draw no empty axes).
    empty: bool


def _sector_key(sector: Sector | None) -> str:
    return sector.value if sector is not None else UNKNOWN_SECTOR


def _fold_people(
    groups: Iterable[PeopleGroup],
) -> tuple[int, dict[AgeGroup, int], dict[str, int], dict[Category, int]]:
    total = 0
    ages = dict.fromkeys(AgeGroup, 0)
    genders = dict.fromkeys([*(g.value for g in Gender), UNKNOWN_SECTOR], 0)
    needs = dict.fromkeys(Category, 0)
    for group in groups:
        total += group.count
        ages[group.age_group] += group.count
        genders[group.gender.value if group.gender else UNKNOWN_SECTOR] += group.count
        for need in group.needs:
            needs[need] += group.count
    return total, ages, genders, needs


def build_indicators(
    figures: IndicatorFigures, period: Period, municipality_codes: Iterable[str]
) -> Indicators:
    """Shown indicators from the aggregates, every small group suppressed."""
    counts = figures.counts
    people, ages, genders, needs = _fold_people(figures.people)
    by_org: dict[str, list[int]] = {}
    matrix = {(s, r): 0 for s in SENDER_KEYS for r in RECEIVER_KEYS}
    cross = 0
    for pair in figures.pairs:
        row = by_org.setdefault(pair.to_organization_id, [0, 0, 0, 0])
        for i, value in enumerate((pair.made, pair.accepted, pair.completed, pair.rejected)):
            row[i] += value
        receiver = figures.organizations.get(pair.to_organization_id)
        to_key = _sector_key(receiver.sector if receiver else None)
        if pair.from_organization_id is None:
            from_key = MEMBER_REQUEST
        else:
            sender = figures.organizations.get(pair.from_organization_id)
            from_key = _sector_key(sender.sector if sender else None)
        matrix[(from_key, to_key)] += pair.made
        if UNKNOWN_SECTOR not in (from_key, to_key) and from_key != MEMBER_REQUEST:
            cross += pair.made if from_key != to_key else 0
    organizations = tuple(
        sorted(
            (
                OrganizationRow(
                    name=figures.organizations[org].name if org in figures.organizations else "?",
                    sector=figures.organizations[org].sector
                    if org in figures.organizations
                    else None,
                    received=suppress(values[0]),
                    accepted=suppress(values[1]),
                    completed=suppress(values[2]),
                    rejected=suppress(values[3]),
                )
                for org, values in by_org.items()
            ),
            key=lambda row: (-(row.received or 0), row.name),
        )
    )
    return Indicators(
        period=period,
        municipality_codes=tuple(sorted(municipality_codes)),
        made=suppress(counts.made),
        accepted=suppress(counts.accepted),
        completed=suppress(counts.completed),
        rejected=suppress(counts.rejected),
        completion_rate=(
            round(counts.completed / counts.made, 3) if counts.made >= SMALL_CELL else None
        ),
        rejected_by_reason={
            r: suppress(counts.rejected_by_reason.get(r, 0)) for r in RejectionReason
        },
        to_acceptance=Duration.of(figures.hours_to_acceptance),
        to_first_contact=Duration.of(figures.hours_to_first_contact),
        people=suppress(people),
        by_age={a: suppress(n) for a, n in ages.items()},
        by_gender={g: suppress(n) for g, n in genders.items()},
        by_need={c: suppress(n) for c, n in needs.items()},
        outcomes={o: suppress(counts.outcomes.get(o, 0)) for o in MemberOutcome},
        organizations=organizations,
        sector_matrix={key: suppress(n) for key, n in matrix.items()},
        cross_sector=suppress(cross),
        empty=counts.made == 0,
    )


# --- the weekly digest --------------------------------------------------------------------------

#: Digests go out from Monday 09:00 local time; one not sent by this hour waits for the next
#: morning (never at night).
DIGEST_HOUR = 9
DIGEST_LAST_HOUR = 21
#: How many overdue cases the digest names (each a button); the rest are counted.
DIGEST_OVERDUE_SHOWN = 6


@dataclass(frozen=True)
class DigestWeek:
    """An ISO week in one time zone: the digest sent in it covers the week before."""

    key: str
    #: The week reported on: Monday to Sunday, both included.
    covered: Period


def digest_week(now: datetime, zone: str) -> DigestWeek | None:
    """The digest due at `now` in `zone`, or None outside its hours (before Monday 09:00 of
    this week, or at night)."""
    local = now.astimezone(ZoneInfo(zone))
    if not DIGEST_HOUR <= local.hour < DIGEST_LAST_HOUR:
        return None
    monday = local.date() - timedelta(days=local.weekday())
    year, week, _ = monday.isocalendar()
    covered = Period(monday - timedelta(days=7), monday - timedelta(days=1))
    return DigestWeek(f"{year}-W{week:02d}", covered)


@dataclass(frozen=True)
class WeekCounts:
    """What happened to a municipality's referrals during a week, each by when it happened."""

    made: int = 0
    accepted: int = 0
    completed: int = 0
    rejected: int = 0
    rejected_by_reason: Mapping[RejectionReason, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OverdueCase:
    case_id: int
    code: str


@dataclass(frozen=True)
class WeeklyDigest:
    week: DigestWeek
    municipality_codes: tuple[str, ...]
    made: Shown
    accepted: Shown
    completed: Shown
    rejected: Shown
    rejected_by_reason: dict[RejectionReason, Shown]
    #: The oldest overdue follow-ups' cases (a coordinator may open each), and how many in all.
    overdue: tuple[OverdueCase, ...]
    overdue_total: int
    to_acceptance: Duration
    to_first_contact: Duration
    failed_reminders: Shown
    #: Organisations of these municipalities whose services nobody has said have room (or not)
    #: for two weeks: their capacity shows as unknown to members (names, alphabetical).
    silent_organizations: tuple[str, ...] = ()
    #: The covered week's need and area with most searches and no service within 10 km (None
    #: when none reached five searches).
    unmet_need: UnmetNeed | None = None


def build_digest(
    week: DigestWeek,
    codes: Iterable[str],
    counts: WeekCounts,
    overdue: tuple[list[OverdueCase], int],
    hours_to_acceptance: Mapping[int, int],
    hours_to_first_contact: Mapping[int, int],
    failed_reminders: int,
) -> WeeklyDigest:
    cases, total = overdue
    return WeeklyDigest(
        week=week,
        municipality_codes=tuple(sorted(codes)),
        made=suppress(counts.made),
        accepted=suppress(counts.accepted),
        completed=suppress(counts.completed),
        rejected=suppress(counts.rejected),
        rejected_by_reason={
            r: suppress(n) for r in RejectionReason if (n := counts.rejected_by_reason.get(r, 0))
        },
        overdue=tuple(cases[:DIGEST_OVERDUE_SHOWN]),
        overdue_total=total,
        to_acceptance=Duration.of(hours_to_acceptance),
        to_first_contact=Duration.of(hours_to_first_contact),
        failed_reminders=suppress(failed_reminders),
    )
