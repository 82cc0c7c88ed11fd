"""Cases, referrals, follow-ups and reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.cases import (
    Case,
    FollowUp,
    Referral,
    Reminder,
    ReminderStatus,
    format_case_code,
    parse_case_code,
)
from domain.errors import InvalidValue
from storage.tables import cases, follow_ups, referrals, reminders


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


class SqlReferralRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, referral: Referral) -> Referral:
        self.session.add(referral)
        await self.session.flush()
        return referral

    async def get(self, referral_id: int) -> Referral | None:
        return await self.session.get(Referral, referral_id)

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

    async def pending_for_referral(self, referral_id: int) -> list[Reminder]:
        rows = await self.session.scalars(
            select(Reminder).where(
                reminders.c.referral_id == referral_id,
                reminders.c.status == ReminderStatus.PENDING,
            )
        )
        return list(rows)

    async def due(self, at: datetime) -> list[Reminder]:
        rows = await self.session.scalars(
            select(Reminder)
            .where(
                reminders.c.status == ReminderStatus.PENDING,
                reminders.c.due_at <= at,
            )
            .order_by(reminders.c.due_at, reminders.c.id)
        )
        return list(rows)
