"""Rotating keys on a populated database, on SQLite and PostgreSQL (storage/rotation.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Text, select, type_coerce

from domain.cases import Case, FollowUp, Note, Referral, ReferralStatus
from domain.directory import Directory
from domain.people import Member, Role, StaffMember
from domain.relay import Direction, RelayMessage, RelayThread
from domain.taxonomy import Category
from juntos.database import Database
from storage import crypto
from storage.persistence import SqlPersistence
from storage.repositories.people import SqlPeopleRepository
from storage.rotation import (
    FORGOTTEN_ON_ROTATION,
    KEYED_HASHES,
    UNKEYED_HASHES,
    RotationError,
    count_rows,
    rotate_keys,
    targets,
    verify_primary,
)
from storage.tables import bot_state, members, metadata
from storage.types import EncryptedInt, EncryptedText
from tests.builders import add_service

NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
OLD = crypto.generate_key()
NEW = crypto.generate_key()
MEMBERS = [7001 + n for n in range(7)]
STAFF_CHAT = 9001


class Interrupted(Exception):
    pass


def url_of(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


async def populate(database: Database) -> dict[int, str]:
    """Members with cases (aliases), follow-up notes, staff, persistence rows: under OLD."""
    crypto.configure([OLD])
    directory = Directory()
    service = add_service(directory, "Apoyo", 31.7, -106.4, {Category.LEGAL_AID})
    codes: dict[int, str] = {}
    async with database.uow() as uow:
        await uow.directory.upsert(directory)
        await uow.people.add_staff(
            StaffMember(
                id=None,
                display_name="Rosa (demo)",
                role=Role.STAFF,
                organization_id=service.organization_id,
                chat_id=STAFF_CHAT,
            )
        )
        await uow.people.add_staff(
            StaffMember(id=None, display_name="Coordinación (demo)", role=Role.COORDINATOR)
        )
        for chat_id in MEMBERS:
            member = await uow.people.add_member(Member(id=None, chat_id=chat_id, created_at=NOW))
            case = await uow.cases.add(
                Case(
                    id=None,
                    code="",
                    alias=f"Alias {chat_id}",
                    municipality_code="08037",
                    created_at=NOW,
                    member_id=member.id,
                )
            )
            assert case.id is not None
            referral = await uow.referrals.add(
                Referral(
                    id=None,
                    case_id=case.id,
                    to_organization_id=service.organization_id,
                    status=ReferralStatus.REQUESTED,
                    created_at=NOW,
                )
            )
            assert referral.id is not None
            await uow.follow_ups.add(
                FollowUp(
                    id=None,
                    referral_id=referral.id,
                    due_date=date(2026, 3, 11),
                    note=f"Nota de seguimiento {chat_id}",
                )
            )
            await uow.notes.add(
                Note(None, case.id, NOW, "staff:1", f"Nota del caso {chat_id}", referral.id)
            )
            thread = await uow.relay.add_thread(
                RelayThread(None, referral.id, case.id, service.organization_id, NOW)
            )
            assert thread.id is not None
            await uow.relay.add_message(
                RelayMessage(
                    None, thread.id, Direction.TO_MEMBER, "staff:1", NOW, f"Hola {chat_id}"
                )
            )
            codes[chat_id] = case.code
        await uow.commit()
    persistence = SqlPersistence(url_of(database))
    try:
        for chat_id in MEMBERS:
            await persistence.update_user_data(chat_id, {"flow": {"step": "place", "n": chat_id}})
            await persistence.update_chat_data(chat_id, {"log": [[1, 2.0]]})
        await persistence.update_conversation("probe", (MEMBERS[0], MEMBERS[0]), 1)
    finally:
        await persistence.flush()
    return codes


async def assert_everyone_is_found(database: Database, codes: dict[int, str]) -> None:
    """Every member, case, note, staff member and saved state reads with the current keys."""
    async with database.uow() as uow:
        for chat_id, code in codes.items():
            member = await uow.people.member_by_chat(chat_id)
            assert member is not None and member.chat_id == chat_id
            case = await uow.cases.get_by_code(code)
            assert case is not None and case.id is not None
            assert case.alias == f"Alias {chat_id}" and case.member_id == member.id
            [referral] = await uow.referrals.for_case(case.id)
            assert referral.id is not None
            [note] = await uow.follow_ups.for_referral(referral.id)
            assert note.note == f"Nota de seguimiento {chat_id}"
        [staff] = await uow.people.staff_of(referral.to_organization_id)
        assert staff.display_name == "Rosa (demo)" and staff.chat_id == STAFF_CHAT
        assert isinstance(uow.people, SqlPeopleRepository)  # staff are found by chat too
        assert await uow.people.staff_by_chat(STAFF_CHAT) == staff
        coordinator = await uow.people.get_staff((staff.id or 0) + 1)
        assert coordinator is not None and coordinator.display_name == "Coordinación (demo)"
    persistence = SqlPersistence(url_of(database))
    try:
        users = await persistence.get_user_data()
        assert users == {c: {"flow": {"step": "place", "n": c}} for c in MEMBERS}
        assert set(await persistence.get_chat_data()) == set(MEMBERS)
        assert await persistence.get_conversations("probe") == {(MEMBERS[0], MEMBERS[0]): 1}
    finally:
        await persistence.flush()


async def raw_tokens(database: Database) -> list[str]:
    """Every encrypted value as stored."""
    tokens: list[str] = []
    async with database.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, EncryptedText | EncryptedInt):
                    query = select(type_coerce(column, Text)).where(column.is_not(None))
                    tokens += (await conn.execute(query)).scalars().all()
    return tokens


async def test_rotation_moves_every_value_and_hash_to_the_new_key(database: Database) -> None:
    codes = await populate(database)
    counts = await count_rows(database.engine)
    assert counts == {
        "staff_members": 2,
        "members": 7,
        "cases": 7,
        "follow_ups": 7,
        "notes": 7,
        "relay_messages": 7,
        "bot_state": 15,
    }
    keyring = crypto.configure([NEW, OLD])
    batches: list[tuple[str, int, int]] = []
    report = await rotate_keys(
        database.engine, keyring, batch_size=3, after_batch=lambda *b: batches.append(b)
    )
    assert report.checked == sum(counts.values()) == report.rotated
    assert report.by_table == counts
    assert [b for b in batches if b[0] == "members"] == [
        ("members", 3, 3),
        ("members", 3, 3),
        ("members", 1, 1),
    ]
    assert await verify_primary(database.engine, keyring) == []
    # Nothing reads with the old key any more; everything with the new one alone.
    tokens = await raw_tokens(database)
    assert len(tokens) == 2 + 1 + 7 + 7 + 7 + 7 + 7 + 15  # ... + notes + relayed messages
    assert not any(crypto.Keyring([OLD]).is_primary(t) for t in tokens)
    crypto.configure([NEW])
    await assert_everyone_is_found(database, codes)
    # Running it again changes nothing.
    again = await rotate_keys(database.engine, crypto.current())
    assert (again.checked, again.rotated) == (report.checked, 0)


async def test_an_interrupted_rotation_loses_nothing_and_a_second_run_finishes(
    database: Database,
) -> None:
    codes = await populate(database)
    keyring = crypto.configure([NEW, OLD])

    def stop_after_first_batch(table: str, checked: int, rotated: int) -> None:
        raise Interrupted(table)

    with pytest.raises(Interrupted):
        await rotate_keys(
            database.engine, keyring, batch_size=2, after_batch=stop_after_first_batch
        )
    # Half done: the first batch is under the new key, the rest still under the old one...
    unfinished = await verify_primary(database.engine, keyring)
    assert len(unfinished) == sum((await count_rows(database.engine)).values()) - 2
    # ...and with both keys configured, every lookup still finds everyone.
    await assert_everyone_is_found(database, codes)

    report = await rotate_keys(database.engine, keyring, batch_size=2)
    assert report.rotated == len(unfinished)
    assert await verify_primary(database.engine, keyring) == []
    crypto.configure([NEW])
    await assert_everyone_is_found(database, codes)


async def test_a_value_under_no_configured_key_stops_the_rotation_with_its_row(
    database: Database,
) -> None:
    await populate(database)
    forgotten_key = crypto.generate_key()
    keyring = crypto.configure([forgotten_key, NEW])  # OLD, which all rows are under, missing
    with pytest.raises(RotationError) as raised:
        await rotate_keys(database.engine, keyring)
    message = str(raised.value)
    assert message.startswith("a bot_state row (chat state): payload decrypts with none of the 2")
    assert "Is an older key missing from JUNTOS_SECRET_KEY?" in message
    # Nothing was changed: every row still reads with the old key alone.
    assert await verify_primary(database.engine, crypto.Keyring([OLD])) == []


async def test_state_saved_during_a_rotation_replaces_its_old_key_copy(
    database: Database,
) -> None:
    crypto.configure([OLD])
    persistence = SqlPersistence(url_of(database))
    try:
        await persistence.update_user_data(7001, {"flow": {"step": "need"}})
        crypto.configure([NEW, OLD])  # restarted with the new key first
        assert await persistence.get_user_data() == {7001: {"flow": {"step": "need"}}}
        await persistence.update_user_data(7001, {"flow": {"step": "place"}})
        async with database.engine.connect() as conn:
            rows = (await conn.execute(select(bot_state.c.key_hash))).scalars().all()
        assert len(rows) == 1  # the copy under the old key is gone
        crypto.configure([NEW])
        assert await persistence.get_user_data() == {7001: {"flow": {"step": "place"}}}
        await persistence.drop_user_data(7001)
        assert await persistence.get_user_data() == {}
    finally:
        await persistence.flush()


async def test_a_state_row_cannot_be_joined_to_its_member_without_the_key(
    database: Database,
) -> None:
    codes = await populate(database)
    async with database.engine.connect() as conn:
        member_hashes = set((await conn.execute(select(members.c.chat_hash))).scalars())
        state_hashes = set((await conn.execute(select(bot_state.c.key_hash))).scalars())
    assert len(member_hashes) == len(codes)
    assert not member_hashes & state_hashes
    # Even the same input under the two purposes gives unrelated hashes.
    ring = crypto.current()
    assert ring.keyed_hash(crypto.HashPurpose.CHAT, "user:7001") not in state_hashes
    assert ring.keyed_hash(crypto.HashPurpose.BOT_STATE, "chat:7001") not in member_hashes


def test_the_rotation_covers_every_encrypted_column_and_every_keyed_hash() -> None:
    covered = {(t.name, c) for t in targets() for c in t.encrypted}
    encrypted = {
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText | EncryptedInt)
    }
    assert covered == encrypted
    hashed = {
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("_hash")
    }
    keyed = {(t, c) for t, rules in KEYED_HASHES.items() for c in rules}
    assert hashed == keyed | UNKEYED_HASHES | FORGOTTEN_ON_ROTATION
