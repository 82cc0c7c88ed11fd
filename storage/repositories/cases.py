"""Cases, referrals, follow-ups and reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, insert, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import CaseScope
from domain.capacity import CapacityAnswer
from domain.cases import (
    OPEN_STATUSES,
    Case,
    CaseSummary,
    FollowUp,
    Note,
    Referral,
    Reminder,
    ReminderKind,
    ReminderStatus,
    format_case_code,
    parse_case_code,
)
from domain.errors import InvalidValue
from storage.tables import (
    cases,
    follow_ups,
    notes,
    referrals,
    reminder_deliveries,
    reminders,
    service_capacity,
)


class SqlCaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, case: Case) -> Case:
        case.code = None  # type: ignore[assignment]  # assigned from the id just below
        self.session.add(case)
        await self.session.flush()
        assert case.id is not None
        case.code = format_case_code(case.id)
        await self.session.flush()
        return case

    async def get(self, case_id: int) -> Case | None:
        return await self.session.get(Case, case_id)

    async def get_many(self, case_ids: Sequence[int]) -> list[Case]:
        if not case_ids:
            return []
        return list(await self.session.scalars(select(Case).where(cases.c.id.in_(case_ids))))

    async def get_by_code(self, code: str) -> Case | None:
        try:
            number = parse_case_code(code)
        except InvalidValue:
            return None
        return await self.session.get(Case, number)

    async def for_member(self, member_id: int) -> list[Case]:
        rows = await self.session.scalars(
            select(Case).where(cases.c.member_id == member_id).order_by(cases.c.id)
        )
        return list(rows)

    async def summaries(
        self, scope: CaseScope, today: date, offset: int, limit: int, *, open_only: bool = True
    ) -> tuple[list[CaseSummary], int]:
        r, f = referrals, follow_ups
        where: list[ColumnElement[bool]] = [_in_scope(scope)]
        if open_only:
            where.append(
                exists(
                    select(r.c.id).where(r.c.case_id == cases.c.id, r.c.status.in_(OPEN_STATUSES))
                )
            )
        next_due = (
            select(func.min(f.c.due_date))
            .join(r, r.c.id == f.c.referral_id)
            .where(r.c.case_id == cases.c.id, f.c.done_at.is_(None))
            .scalar_subquery()
        )
        urgent = exists(
            select(r.c.id).where(
                r.c.case_id == cases.c.id, r.c.urgent.is_(True), r.c.status.in_(OPEN_STATUSES)
            )
        )
        total = await self.session.scalar(
            select(func.count()).select_from(select(cases.c.id).where(*where).subquery())
        )
        rows = (
            await self.session.execute(
                select(Case, next_due.label("next_due"))
                .where(*where)
                .order_by(
                    case((next_due < today, 0), else_=1),  # overdue first
                    case((urgent, 0), else_=1),
                    next_due.asc().nulls_last(),
                    cases.c.id.desc(),
                )
                .offset(offset)
                .limit(limit)
            )
        ).all()
        ids = [row[0].id for row in rows]
        by_case: dict[int, list[Referral]] = defaultdict(list)
        if ids:
            for referral in await self.session.scalars(
                select(Referral).where(r.c.case_id.in_(ids)).order_by(r.c.id)
            ):
                by_case[referral.case_id].append(referral)
        return (
            [CaseSummary(row[0], tuple(by_case[row[0].id]), row[1]) for row in rows],
            int(total or 0),
        )


def _in_scope(scope: CaseScope) -> ColumnElement[bool]:
    """The access rule of domain/access.py, as SQL (a test checks they agree)."""
    if scope.everything:
        return true()
    if scope.municipality_codes:
        return cases.c.municipality_code.in_(sorted(scope.municipality_codes))
    if scope.organization_id is not None:
        org = scope.organization_id
        r = referrals
        return or_(
            cases.c.organization_id == org,
            exists(
                select(r.c.id).where(
                    and_(
                        r.c.case_id == cases.c.id,
                        or_(r.c.to_organization_id == org, r.c.from_organization_id == org),
                    )
                )
            ),
        )
    return cases.c.id.is_(None)  # nothing


class SqlNoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, note: Note) -> Note:
        self.session.add(note)
        await self.session.flush()
        return note

    async def for_case(self, case_id: int) -> list[Note]:
        rows = await self.session.scalars(
            select(Note).where(notes.c.case_id == case_id).order_by(notes.c.at, notes.c.id)
        )
        return list(rows)


class SqlReferralRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, referral: Referral) -> Referral:
        self.session.add(referral)
        await self.session.flush()
        return referral

    async def get(self, referral_id: int) -> Referral | None:
        return await self.session.get(Referral, referral_id)

    async def get_many(self, referral_ids: Sequence[int]) -> list[Referral]:
        if not referral_ids:
            return []
        rows = await self.session.scalars(select(Referral).where(referrals.c.id.in_(referral_ids)))
        return list(rows)

    async def for_case(self, case_id: int) -> list[Referral]:
        rows = await self.session.scalars(
            select(Referral).where(referrals.c.case_id == case_id).order_by(referrals.c.id)
        )
        return list(rows)


class SqlFollowUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, follow_up: FollowUp) -> FollowUp:
        self.session.add(follow_up)
        await self.session.flush()
        return follow_up

    async def get(self, follow_up_id: int) -> FollowUp | None:
        return await self.session.get(FollowUp, follow_up_id)

    async def for_referral(self, referral_id: int) -> list[FollowUp]:
        rows = await self.session.scalars(
            select(FollowUp)
            .where(follow_ups.c.referral_id == referral_id)
            .order_by(follow_ups.c.due_date, follow_ups.c.id)
        )
        return list(rows)


class SqlReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, reminder: Reminder) -> Reminder:
        self.session.add(reminder)
        await self.session.flush()
        return reminder

    async def get(self, reminder_id: int) -> Reminder | None:
        return await self.session.get(Reminder, reminder_id)

    async def _pending(self, *where: ColumnElement[bool]) -> list[Reminder]:
        rows = await self.session.scalars(
            select(Reminder)
            .where(reminders.c.status == ReminderStatus.PENDING, *where)
            .order_by(reminders.c.id)
        )
        return list(rows)

    async def pending_for_referral(self, referral_id: int) -> list[Reminder]:
        return await self._pending(reminders.c.referral_id == referral_id)

    async def pending_for_case(self, case_id: int, kind: ReminderKind) -> list[Reminder]:
        return await self._pending(reminders.c.case_id == case_id, reminders.c.kind == kind)

    async def pending_for_follow_up(self, follow_up_id: int) -> list[Reminder]:
        return await self._pending(reminders.c.follow_up_id == follow_up_id)

    async def claimable(
        self, now: datetime, lease_taken_after: datetime, limit: int, only: int | None = None
    ) -> list[Reminder]:
        stmt = (
            select(Reminder)
            .where(
                reminders.c.id == only if only is not None else true(),
                reminders.c.status == ReminderStatus.PENDING,
                reminders.c.due_at <= now,
                or_(
                    reminders.c.claimed_at.is_(None),
                    reminders.c.claimed_at <= lease_taken_after,
                ),
            )
            .order_by(reminders.c.due_at, reminders.c.id)
            .limit(limit)
        )
        # PostgreSQL: rows another sweep holds are skipped, not waited for (two bot processes
        # never claim the same reminder). SQLite has one writer at a time and no row locks;
        # the FOR UPDATE is not rendered there.
        bind = self.session.bind
        if bind is not None and bind.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        return list(await self.session.scalars(stmt))

    async def exists(self, kind: ReminderKind, target: str, due_at: datetime) -> bool:
        found = await self.session.scalar(
            select(reminders.c.id)
            .where(
                reminders.c.kind == kind,
                reminders.c.target == target,
                reminders.c.due_at == due_at,
            )
            .limit(1)
        )
        return found is not None

    async def listing(self, statuses: Sequence[ReminderStatus], limit: int) -> list[Reminder]:
        rows = await self.session.scalars(
            select(Reminder)
            .where(reminders.c.status.in_(list(statuses)))
            .order_by(reminders.c.due_at, reminders.c.id)
            .limit(limit)
        )
        return list(rows)

    async def count_by_status(self) -> dict[ReminderStatus, int]:
        rows = await self.session.execute(
            select(reminders.c.status, func.count()).group_by(reminders.c.status)
        )
        return {ReminderStatus(status): count for status, count in rows.all()}

    async def delivered_to(self, reminder_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        if not reminder_ids:
            return {}
        rows = await self.session.execute(
            select(reminder_deliveries.c.reminder_id, reminder_deliveries.c.staff_id).where(
                reminder_deliveries.c.reminder_id.in_(list(reminder_ids))
            )
        )
        found: dict[int, set[int]] = defaultdict(set)
        for reminder_id, staff_id in rows.all():
            found[reminder_id].add(staff_id)
        return {k: frozenset(v) for k, v in found.items()}

    async def add_delivery(self, reminder_id: int, staff_id: int, at: datetime) -> None:
        await self.session.execute(
            insert(reminder_deliveries).values(
                reminder_id=reminder_id, staff_id=staff_id, delivered_at=at
            )
        )


class SqlCapacityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, answer: CapacityAnswer) -> CapacityAnswer:
        self.session.add(answer)
        await self.session.flush()
        return answer

    async def latest(self, service_ids: Sequence[str]) -> dict[str, CapacityAnswer]:
        if not service_ids:
            return {}
        rows = await self.session.scalars(
            select(CapacityAnswer)
            .where(service_capacity.c.service_id.in_(list(service_ids)))
            .order_by(service_capacity.c.answered_at, service_capacity.c.id)
        )
        return {answer.service_id: answer for answer in rows}

    async def all_latest(self) -> list[CapacityAnswer]:
        rows = await self.session.scalars(
            select(CapacityAnswer).order_by(service_capacity.c.answered_at, service_capacity.c.id)
        )
        latest = {answer.service_id: answer for answer in rows}
        return sorted(latest.values(), key=lambda a: a.service_id)
