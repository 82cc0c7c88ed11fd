"""Staff and members. Chat ids are encrypted on the row and found by keyed hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people import Invite, Member, Role, StaffMember
from storage import crypto
from storage.tables import invite_failures, invites, members, staff_members

#: Wrong invite codes older than this are deleted (the lock window is one hour).
FAILURE_MEMORY = timedelta(days=1)


def chat_hash(chat_id: int, keyring: crypto.Keyring | None = None) -> str:
    """The keyed hash stored on a member's or staff member's row (under the primary key)."""
    return (keyring or crypto.current()).keyed_hash(crypto.HashPurpose.CHAT, f"chat:{int(chat_id)}")


def chat_hashes(chat_id: int) -> list[str]:
    """The hash under every configured key: rows not yet rotated are found too."""
    return crypto.current().keyed_hashes(crypto.HashPurpose.CHAT, f"chat:{int(chat_id)}")


class SqlPeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_staff(self, staff: StaffMember) -> StaffMember:
        self.session.add(staff)
        await self.session.flush()
        return staff

    async def get_staff(self, staff_id: int) -> StaffMember | None:
        return await self.session.get(StaffMember, staff_id)

    async def staff_by_chat(self, chat_id: int) -> StaffMember | None:
        found: StaffMember | None = await self.session.scalar(
            select(StaffMember).where(staff_members.c.chat_hash.in_(chat_hashes(chat_id)))
        )
        return found

    async def all_staff(self, organization_id: str | None = None) -> list[StaffMember]:
        stmt = select(StaffMember).order_by(staff_members.c.id)
        if organization_id is not None:
            stmt = stmt.where(staff_members.c.organization_id == organization_id)
        return list(await self.session.scalars(stmt))

    async def coordinators_of(self, municipality_code: str) -> list[StaffMember]:
        rows = await self.session.scalars(
            select(StaffMember)
            .where(
                staff_members.c.role == Role.COORDINATOR,
                staff_members.c.active.is_(True),
            )
            .order_by(staff_members.c.id)
        )
        return [s for s in rows if municipality_code in s.municipality_codes]

    async def add_invite(self, invite: Invite) -> Invite:
        self.session.add(invite)
        await self.session.flush()
        return invite

    async def invite_by_hash(self, code_hash: str) -> Invite | None:
        found: Invite | None = await self.session.scalar(
            select(Invite).where(invites.c.code_hash == code_hash)
        )
        return found

    async def wrong_codes_since(self, chat_id: int, since: datetime) -> list[datetime]:
        rows = await self.session.scalars(
            select(invite_failures.c.at)
            .where(invite_failures.c.chat_hash == chat_hash(chat_id), invite_failures.c.at >= since)
            .order_by(invite_failures.c.at)
        )
        return list(rows)

    async def record_wrong_code(self, chat_id: int, at: datetime) -> None:
        # Older failures no longer count: forget them (of every chat) as new ones arrive.
        await self.session.execute(
            delete(invite_failures).where(invite_failures.c.at < at - FAILURE_MEMORY)
        )
        await self.session.execute(
            invite_failures.insert().values(chat_hash=chat_hash(chat_id), at=at)
        )

    async def staff_of(self, organization_id: str) -> list[StaffMember]:
        rows = await self.session.scalars(
            select(StaffMember)
            .where(staff_members.c.organization_id == organization_id)
            .order_by(staff_members.c.id)
        )
        return list(rows)

    async def add_member(self, member: Member) -> Member:
        self.session.add(member)
        await self.session.flush()
        return member

    async def member_by_chat(self, chat_id: int) -> Member | None:
        found_member: Member | None = await self.session.scalar(
            select(Member).where(members.c.chat_hash.in_(chat_hashes(chat_id)))
        )
        return found_member

    async def get_member(self, member_id: int) -> Member | None:
        return await self.session.get(Member, member_id)

    async def delete_member(self, member: Member) -> None:
        await self.session.delete(member)
        await self.session.flush()
