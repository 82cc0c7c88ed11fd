"""The audit trail: append-only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.cases import AuditEntry
from storage.tables import audit_entries


class SqlAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    async def for_subject(self, subject: str) -> Sequence[AuditEntry]:
        rows = await self.session.scalars(
            select(AuditEntry)
            .where(audit_entries.c.subject == subject)
            .order_by(audit_entries.c.id)
        )
        return list(rows)

    async def latest(self, limit: int, subject: str | None = None) -> Sequence[AuditEntry]:
        stmt = select(AuditEntry).order_by(audit_entries.c.id.desc()).limit(limit)
        if subject is not None:
            stmt = stmt.where(audit_entries.c.subject == subject)
        return list(reversed(list(await self.session.scalars(stmt))))
