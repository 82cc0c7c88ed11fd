"""Indicators and the weekly digest, aggregated in SQL (GROUP BY, conditional sums).

Every query returns aggregates whose size does not grow with the number of cases: one row of
counts, one row per (sender, receiver) pair of organisations, one row per (age group, gender,
needs) combination, one row per whole hour of a duration histogram. Percentiles are read from
the histogram in the domain (SQLite has no percentile function; PostgreSQL's would make the two
engines disagree on ties).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    delete,
    func,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import KeyedColumnElement
from sqlalchemy.sql.expression import Join

from domain.cases import OPEN_STATUSES, MemberOutcome, ReferralStatus, RejectionReason
from domain.indicators import (
    AGE_BOUNDS,
    AgeGroup,
    IndicatorFigures,
    OrganizationFacts,
    OverdueCase,
    PairCount,
    PeopleGroup,
    ReferralCounts,
    WeekCounts,
)
from storage.tables import (
    cases,
    digest_deliveries,
    follow_ups,
    organizations,
    referrals,
    reminders,
)

r, c = referrals, cases


class _CasesThenReferrals(Join):
    """cases JOIN referrals, read in that order on SQLite (CROSS JOIN keeps SQLite's planner
    from starting at a date index and looking every case up): a municipality's cases come
    from a covering index, and each case's referrals from another (see storage/tables.py)."""

    inherit_cache = True


@compiles(_CasesThenReferrals, "sqlite")
def _cross_join(element: _CasesThenReferrals, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(element.left, **kw)
    right = compiler.process(element.right, **kw)
    on = compiler.process(element.onclause, **{k: v for k, v in kw.items() if k != "asfrom"})
    return f"{left} CROSS JOIN {right} ON {on}"


def _cases_referrals() -> Join:
    return _CasesThenReferrals(c, r, c.c.id == r.c.case_id)


def _by_date() -> Join:
    """A week of referrals: the planner starts from the date indexes and looks each case up."""
    return r.join(c, c.c.id == r.c.case_id)


#: GROUPING(sender, receiver, hours to acceptance, hours to contact) of each grouping set.
_BY_PAIR, _BY_ACCEPTANCE, _BY_CONTACT = 0b0011, 0b1101, 0b1110

EVENTS = {"acceptance": r.c.accepted_at, "first_contact": r.c.first_contact_at}


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """COUNT(*) FILTER (WHERE condition): both engines skip the other rows without evaluating
    a CASE per row (a third cheaper than SUM(CASE ...) on SQLite), and it is never NULL."""
    return func.count().filter(condition)


def _in_municipalities(codes: frozenset[str] | None) -> ColumnElement[bool]:
    return true() if codes is None else c.c.municipality_code.in_(sorted(codes))


def _between(
    column: KeyedColumnElement[Any], start: datetime, end: datetime
) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _constant(value: int | str) -> ColumnElement[Any]:
    """A constant written into the SQL, not bound: PostgreSQL matches a GROUP BY expression to
    the selected one only when their constants are literally the same."""
    return literal_column(str(value) if isinstance(value, int) else f"'{value}'")


class SqlIndicatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _hours(self, later: KeyedColumnElement[Any]) -> ColumnElement[int]:
        """Whole hours from the referral being made to `later` (truncated)."""
        if self._dialect == "postgresql":
            seconds = func.extract("epoch", later - r.c.created_at)
            return cast(func.floor(seconds / _constant(3600)), Integer)
        days = func.julianday(later) - func.julianday(r.c.created_at)
        return cast(days * _constant(24), Integer)

    async def _histogram(
        self, later: KeyedColumnElement[Any], *where: ColumnElement[bool], week: bool = False
    ) -> dict[int, int]:
        hours = self._hours(later).label("hours")
        rows = await self.session.execute(
            select(hours, func.count())
            .select_from(_by_date() if week else _cases_referrals())
            .where(later.is_not(None), *where)
            .group_by(hours)
        )
        return {max(0, int(h)): int(n) for h, n in rows.all()}

    def _referral_counts(self) -> list[ColumnElement[Any]]:
        """Per (sender, receiver): made, accepted, completed, rejected, then each rejection
        reason and each member outcome."""
        status = r.c.status
        return [
            func.count(),
            func.count(r.c.accepted_at),
            _count_if(status == ReferralStatus.COMPLETED.value),
            _count_if(status == ReferralStatus.REJECTED.value),
            *(_count_if(r.c.rejection_reason == x.value) for x in RejectionReason),
            *(_count_if(r.c.outcome == x.value) for x in MemberOutcome),
        ]

    async def _pairs_and_hours(
        self, where: tuple[ColumnElement[bool], ...]
    ) -> tuple[list[tuple[Any, ...]], dict[int, int], dict[int, int]]:
        """The counts by (sender, receiver) and the histograms of whole hours to acceptance
        and to first contact.

        On PostgreSQL in one pass over the referrals (GROUPING SETS: one hash join, three hash
        aggregates); SQLite has no grouping sets, so there they are three statements, each
        reading the municipality's cases and their referrals from covering indexes.
        """
        pair_select = select(r.c.from_organization_id, r.c.to_organization_id)
        if self._dialect != "postgresql":
            pair_rows = await self.session.execute(
                pair_select.add_columns(*self._referral_counts())
                .select_from(_cases_referrals())
                .where(*where)
                .group_by(r.c.from_organization_id, r.c.to_organization_id)
            )
            return (
                [tuple(row) for row in pair_rows],
                await self._histogram(r.c.accepted_at, *where),
                await self._histogram(r.c.first_contact_at, *where),
            )
        to_acceptance = self._hours(r.c.accepted_at)
        to_contact = self._hours(r.c.first_contact_at)
        keys = (r.c.from_organization_id, r.c.to_organization_id, to_acceptance, to_contact)
        # GROUPING(...) is a bit mask of the keys a row is NOT grouped by (first key highest).
        which = func.grouping(*keys)
        rows = await self.session.execute(
            select(which, *keys, *self._referral_counts())
            .select_from(_cases_referrals())
            .where(*where)
            .group_by(
                func.grouping_sets(
                    tuple_(r.c.from_organization_id, r.c.to_organization_id),
                    tuple_(to_acceptance),
                    tuple_(to_contact),
                )
            )
        )
        pairs: list[tuple[Any, ...]] = []
        hours: dict[int, dict[int, int]] = {_BY_ACCEPTANCE: {}, _BY_CONTACT: {}}
        for mask, sender, receiver, accepted_h, contact_h, made, *_rest in rows:
            if mask == _BY_PAIR:
                pairs.append((sender, receiver, made, *_rest))
                continue
            h = accepted_h if mask == _BY_ACCEPTANCE else contact_h
            if h is not None:  # the group of referrals without that event
                histogram = hours[mask]
                histogram[max(0, int(h))] = histogram.get(max(0, int(h)), 0) + int(made)
        return pairs, hours[_BY_ACCEPTANCE], hours[_BY_CONTACT]

    async def figures(
        self, codes: frozenset[str] | None, start: datetime, end: datetime
    ) -> IndicatorFigures:
        where = (_in_municipalities(codes), _between(r.c.created_at, start, end))
        reasons = list(RejectionReason)
        outcomes = list(MemberOutcome)
        # One pass: every count by (sender, receiver); the totals are their sums.
        pair_rows, to_acceptance, to_contact = await self._pairs_and_hours(where)
        pairs: list[PairCount] = []
        totals = [0] * (4 + len(reasons) + len(outcomes))
        for sender, receiver, *raw in pair_rows:
            values = [int(v or 0) for v in raw]
            totals = [a + b for a, b in zip(totals, values, strict=True)]
            pairs.append(PairCount(sender, receiver, *values[:4]))
        counts = ReferralCounts(
            made=totals[0],
            accepted=totals[1],
            completed=totals[2],
            rejected=totals[3],
            rejected_by_reason=dict(zip(reasons, totals[4 : 4 + len(reasons)], strict=True)),
            outcomes=dict(zip(outcomes, totals[4 + len(reasons) :], strict=True)),
        )
        # People: each case once, when any of its referrals was made in the period. Counted
        # by age in years, gender and needs first (the order of the covering index
        # ix_cases_people: no sort), then by age group, so few rows come back.
        referred = (
            select(r.c.id)
            .where(r.c.case_id == c.c.id, _between(r.c.created_at, start, end))
            .exists()
        )
        by_age = (
            select(c.c.age, c.c.gender, c.c.needs, func.count().label("people"))
            .where(_in_municipalities(codes), referred)
            .group_by(c.c.age, c.c.gender, c.c.needs)
            .subquery()
        )
        group = case(
            *(
                (by_age.c.age.between(_constant(low), _constant(high)), _constant(name.value))
                for name, low, high in AGE_BOUNDS
            ),
            else_=_constant(AgeGroup.UNKNOWN.value),
        ).label("age_group")
        people_rows = await self.session.execute(
            select(group, by_age.c.gender, by_age.c.needs, func.sum(by_age.c.people)).group_by(
                group, by_age.c.gender, by_age.c.needs
            )
        )
        people = tuple(
            PeopleGroup(AgeGroup(a), g, frozenset(n), int(k)) for a, g, n, k in people_rows
        )
        ids = {p.to_organization_id for p in pairs} | {
            p.from_organization_id for p in pairs if p.from_organization_id
        }
        orgs: dict[str, OrganizationFacts] = {}
        if ids:
            for org_id, name, sector in await self.session.execute(
                select(organizations.c.id, organizations.c.name, organizations.c.sector).where(
                    organizations.c.id.in_(sorted(ids))
                )
            ):
                orgs[org_id] = OrganizationFacts(name, sector)
        return IndicatorFigures(
            counts=counts,
            pairs=tuple(pairs),
            people=people,
            hours_to_acceptance=to_acceptance,
            hours_to_first_contact=to_contact,
            organizations=orgs,
        )

    async def week_counts(
        self, codes: frozenset[str], start: datetime, end: datetime
    ) -> WeekCounts:
        made = _between(r.c.created_at, start, end)
        accepted = _between(r.c.accepted_at, start, end)
        closed = _between(r.c.closed_at, start, end)
        rejected = and_(closed, r.c.status == ReferralStatus.REJECTED.value)
        reasons = list(RejectionReason)
        row = (
            await self.session.execute(
                select(
                    _count_if(made),
                    _count_if(accepted),
                    _count_if(and_(closed, r.c.status == ReferralStatus.COMPLETED.value)),
                    _count_if(rejected),
                    *(_count_if(and_(rejected, r.c.rejection_reason == x.value)) for x in reasons),
                )
                .select_from(_by_date())
                .where(_in_municipalities(codes), or_(made, accepted, closed))
            )
        ).one()
        values = [int(v or 0) for v in row]
        return WeekCounts(
            made=values[0],
            accepted=values[1],
            completed=values[2],
            rejected=values[3],
            rejected_by_reason=dict(zip(reasons, values[4:], strict=True)),
        )

    async def hours_to(
        self, event: str, codes: frozenset[str], start: datetime, end: datetime
    ) -> dict[int, int]:
        later = EVENTS[event]
        return await self._histogram(
            later, _in_municipalities(codes), _between(later, start, end), week=True
        )

    async def overdue_cases(
        self, codes: frozenset[str], today: date, limit: int
    ) -> tuple[list[OverdueCase], int]:
        f = follow_ups
        overdue = (
            select(c.c.id, c.c.code, func.min(f.c.due_date).label("due"))
            .select_from(f.join(r, r.c.id == f.c.referral_id).join(c, c.c.id == r.c.case_id))
            .where(
                _in_municipalities(codes),
                f.c.done_at.is_(None),
                f.c.due_date < today,
                r.c.status.in_([s.value for s in OPEN_STATUSES]),
            )
            .group_by(c.c.id, c.c.code)
            .subquery()
        )
        total = await self.session.scalar(select(func.count()).select_from(overdue))
        rows = await self.session.execute(
            select(overdue.c.id, overdue.c.code).order_by(overdue.c.due, overdue.c.id).limit(limit)
        )
        return [OverdueCase(int(i), str(code)) for i, code in rows], int(total or 0)

    async def failed_reminders(self, codes: frozenset[str], start: datetime, end: datetime) -> int:
        rem = reminders
        found = await self.session.scalar(
            select(func.count())
            .select_from(rem.join(r, r.c.id == rem.c.referral_id).join(c, c.c.id == r.c.case_id))
            .where(
                _in_municipalities(codes),
                rem.c.status == "failed",
                _between(rem.c.due_at, start, end),
            )
        )
        return int(found or 0)


class SqlDigestLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, coordinator_id: int, week: str, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        d = digest_deliveries
        values = {
            "coordinator_id": coordinator_id,
            "week": week,
            "worker": worker,
            "claimed_at": now,
        }
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(d)
        inserted = await self.session.execute(
            insert.values(**values).on_conflict_do_nothing(
                index_elements=["coordinator_id", "week"]
            )
        )
        if getattr(inserted, "rowcount", 0) == 1:
            return True
        # Claimed before: take it over only if that claim went stale and nothing was delivered.
        taken = await self.session.execute(
            update(d)
            .where(
                d.c.coordinator_id == coordinator_id,
                d.c.week == week,
                d.c.delivered_at.is_(None),
                d.c.claimed_at < stale_before,
            )
            .values(worker=worker, claimed_at=now)
        )
        return getattr(taken, "rowcount", 0) == 1

    async def delivered(self, coordinator_id: int, week: str, at: datetime) -> None:
        d = digest_deliveries
        await self.session.execute(
            update(d)
            .where(d.c.coordinator_id == coordinator_id, d.c.week == week)
            .values(delivered_at=at)
        )

    async def release(self, coordinator_id: int, week: str) -> None:
        d = digest_deliveries
        await self.session.execute(
            delete(d).where(
                d.c.coordinator_id == coordinator_id, d.c.week == week, d.c.delivered_at.is_(None)
            )
        )

    async def delivered_weeks(self, coordinator_id: int) -> list[str]:
        d = digest_deliveries
        rows = await self.session.scalars(
            select(d.c.week)
            .where(d.c.coordinator_id == coordinator_id, d.c.delivered_at.is_not(None))
            .order_by(d.c.week)
        )
        return list(rows)
