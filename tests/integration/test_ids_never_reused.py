"""Member and staff ids are never given twice: audit rows never point at someone new."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete

from domain.people import Member, Role, StaffMember
from juntos.database import Database
from storage import migrate
from storage.engine import create_engine
from storage.tables import staff_members

NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


async def test_the_newest_member_deleted_then_a_new_one_gets_a_new_id(
    database: Database,
) -> None:
    async with database.uow() as uow:
        for chat_id in (101, 102, 103):
            await uow.people.add_member(Member(id=None, chat_id=chat_id, created_at=NOW))
        await uow.commit()
    async with database.uow() as uow:
        newest = await uow.people.member_by_chat(103)
        assert newest is not None
        gone = newest.id
        await uow.people.delete_member(newest)  # /borrar
        await uow.commit()
    async with database.uow() as uow:
        someone_new = await uow.people.add_member(Member(id=None, chat_id=104, created_at=NOW))
        await uow.commit()
    assert gone is not None and someone_new.id is not None
    assert someone_new.id > gone


async def test_the_newest_staff_member_deleted_then_a_new_one_gets_a_new_id(
    database: Database,
) -> None:
    async with database.uow() as uow:
        first = await uow.people.add_staff(StaffMember(id=None, display_name="A", role=Role.ADMIN))
        second = await uow.people.add_staff(StaffMember(id=None, display_name="B", role=Role.ADMIN))
        await uow.commit()
    async with database.engine.begin() as conn:
        await conn.execute(delete(staff_members).where(staff_members.c.id == second.id))
    async with database.uow() as uow:
        third = await uow.people.add_staff(StaffMember(id=None, display_name="C", role=Role.ADMIN))
        await uow.commit()
    assert first.id is not None and second.id is not None and third.id is not None
    assert third.id > second.id > first.id


async def test_migrating_an_existing_sqlite_database_keeps_links_and_skips_named_ids(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """0005 rebuilds the tables without touching the cases that point at them, and starts
    counting past the highest id that audit entries or reminders still name."""
    path = tmp_path / "old.db"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        await migrate.downgrade(engine, "0004")
        async with engine.begin() as conn:
            sql = conn.exec_driver_sql
            # Members 1..3 existed; 3 used /borrar (its audit rows remain), 2 has a case.
            for n in (1, 2):
                await sql(
                    "INSERT INTO members (id, chat_hash, chat_id, locale, consents) "
                    f"VALUES ({n}, 'h{n}', 'x', 'es_MX', '{{}}')"
                )
            await sql(
                "INSERT INTO cases (id, code, alias, created_at, needs, consent_contact, "
                "consent_share, member_id, created_by) "
                "VALUES (1, 'CASO-0001', 'x', '2026-03-04', '', 1, 1, 2, 'member:2')"
            )
            await sql(
                "INSERT INTO audit_entries (at, actor, action, subject, detail) "
                "VALUES ('2026-03-04', 'member:3', 'case.read', 'case:1', '{}')"
            )
            await sql(
                "INSERT INTO staff_members (id, display_name, role, municipality_codes, active) "
                "VALUES (1, 'x', 'staff', '', 1)"
            )
            await sql(
                "INSERT INTO reminders (kind, due_at, target, status, attempts) "
                "VALUES ('referral_pending', '2026-03-06', 'staff:4', 'pending', 0)"
            )
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            sql = conn.exec_driver_sql
            assert (await sql("SELECT member_id FROM cases")).scalar() == 2
            await sql(
                "INSERT INTO members (chat_hash, chat_id, locale, consents) "
                "VALUES ('h9', 'x', 'es_MX', '{}')"
            )
            await sql(
                "INSERT INTO staff_members (display_name, role, municipality_codes, active) "
                "VALUES ('y', 'staff', '', 1)"
            )
            assert (await sql("SELECT max(id) FROM members")).scalar() == 4
            assert (await sql("SELECT max(id) FROM staff_members")).scalar() == 5
            schema = await sql("SELECT sql FROM sqlite_master WHERE name = 'members'")
            assert "AUTOINCREMENT" in str(schema.scalar())
            assert (await sql("PRAGMA foreign_keys")).scalar() == 1  # enforcement is back on
        assert await migrate.schema_drift(engine) == []
    finally:
        await engine.dispose()
