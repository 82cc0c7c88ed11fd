"""Staff and members. Chat ids are encrypted on the row and found by keyed hash."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people import Member, StaffMember
from storage import crypto
from storage.tables import members, staff_members


def chat_hash(chat_id: int, keyring: crypto.Keyring | None = None) -> str:
    """The keyed hash stored on a member's or staff member's row (under the primary key)."""
    return (keyring or crypto.current()).keyed_hash(crypto.HashPurpose.CHAT, f"chat:{int(chat_id)}")


def chat_hashes(chat_id: int) -> list[str]:
    """The hash under every configured key: rows not yet rotated are found too."""
    return crypto.current().keyed_hashes(crypto.HashPurpose.CHAT, f"chat:{int(chat_id)}")


def _store_hash(entity: StaffMember | Member, chat_id: int | None) -> None:
    # The keyed hash is mapped on the row only (storage.mapping), not on the domain class.
    setattr(entity, "_chat_hash", None if chat_id is None else chat_hash(chat_id))  # noqa: B010


class SqlPeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_staff(self, staff: StaffMember) -> StaffMember:
        _store_hash(staff, staff.chat_id)
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

    async def staff_of(self, organization_id: str) -> list[StaffMember]:
        rows = await self.session.scalars(
            select(StaffMember)
            .where(staff_members.c.organization_id == organization_id)
            .order_by(staff_members.c.id)
        )
        return list(rows)

    async def add_member(self, member: Member) -> Member:
        _store_hash(member, member.chat_id)
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
