"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.ports import (
    AuditLog,
    CapacityRepository,
    CaseRepository,
    DemandRepository,
    DigestLog,
    DirectoryRepository,
    FollowUpRepository,
    IndicatorRepository,
    NoteRepository,
    PeopleRepository,
    ReferralRepository,
    RelayRepository,
    ReminderRepository,
)
from storage.repositories.audit import SqlAuditLog
from storage.repositories.cases import (
    SqlCapacityRepository,
    SqlCaseRepository,
    SqlFollowUpRepository,
    SqlNoteRepository,
    SqlReferralRepository,
    SqlReminderRepository,
)
from storage.repositories.demand import SqlDemandRepository
from storage.repositories.directory import SqlDirectoryRepository
from storage.repositories.indicators import SqlDigestLog, SqlIndicatorRepository
from storage.repositories.people import SqlPeopleRepository
from storage.repositories.relay import SqlRelayRepository


class SqlUnitOfWork:
    # Typed as the domain's ports: services depend on these, not on the SQL classes.
    directory: DirectoryRepository
    cases: CaseRepository
    referrals: ReferralRepository
    follow_ups: FollowUpRepository
    notes: NoteRepository
    relay: RelayRepository
    reminders: ReminderRepository
    capacity: CapacityRepository
    people: PeopleRepository
    audit: AuditLog
    indicators: IndicatorRepository
    digests: DigestLog
    demand: DemandRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        session = self._sessions()
        self._session = session
        self.directory = SqlDirectoryRepository(session)
        self.cases = SqlCaseRepository(session)
        self.referrals = SqlReferralRepository(session)
        self.follow_ups = SqlFollowUpRepository(session)
        self.notes = SqlNoteRepository(session)
        self.relay = SqlRelayRepository(session)
        self.reminders = SqlReminderRepository(session)
        self.capacity = SqlCapacityRepository(session)
        self.people = SqlPeopleRepository(session)
        self.audit = SqlAuditLog(session)
        self.indicators = SqlIndicatorRepository(session)
        self.digests = SqlDigestLog(session)
        self.demand = SqlDemandRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        if not session.in_transaction():
            # Nothing was read or written through it (a search on the SQLite reader): there
            # is nothing to detach, roll back or close.
            self._session = None
            return
        try:
            # Detach first: a rollback expires every loaded object, and the domain keeps using
            # what it read after the transaction ends (no lazy loads under asyncio).
            session.expunge_all()
            await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
