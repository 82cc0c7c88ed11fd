"""Storage on a real SQLite and a real PostgreSQL, schema built by the migrations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from domain.cases import Case, Referral, ReferralStatus
from domain.directory import Directory
from domain.people import Member, Role, StaffMember
from domain.services.cases import record_audit
from domain.taxonomy import Category
from juntos.database import Database
from storage import migrate
from tests.builders import add_service
from tests.fakes import FakeClock

NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


async def test_models_and_migrations_agree(database: Database) -> None:
    assert await migrate.schema_drift(database.engine) == []


async def test_the_unit_of_work_rolls_back_unless_committed(database: Database) -> None:
    async with database.uow() as uow:
        await uow.people.add_member(Member(id=None, chat_id=555, created_at=NOW))
        # no commit
    async with database.uow() as uow:
        assert await uow.people.member_by_chat(555) is None
        await uow.people.add_member(Member(id=None, chat_id=555, created_at=NOW))
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.people.member_by_chat(555)
        assert found is not None and found.chat_id == 555


async def test_an_exception_inside_the_unit_of_work_loses_nothing_already_saved(
    database: Database,
) -> None:
    async with database.uow() as uow:
        await uow.people.add_member(Member(id=None, chat_id=1, created_at=NOW))
        await uow.commit()

    async def fail_midway() -> None:
        async with database.uow() as uow:
            await uow.people.add_member(Member(id=None, chat_id=2, created_at=NOW))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_midway()
    async with database.uow() as uow:
        assert await uow.people.member_by_chat(1) is not None
        assert await uow.people.member_by_chat(2) is None


async def test_chat_ids_and_aliases_are_not_stored_in_clear(database: Database) -> None:
    async with database.uow() as uow:
        await uow.people.add_member(Member(id=None, chat_id=987654321, created_at=NOW))
        await uow.people.add_staff(
            StaffMember(id=None, display_name="Rosa Ejemplo", role=Role.STAFF, chat_id=123454321)
        )
        await uow.cases.add(
            Case(
                id=None, code="", alias="Lupita Secreta", municipality_code="08037", created_at=NOW
            )
        )
        await uow.commit()
    async with database.engine.connect() as conn:
        rows = [
            row
            for table in ("members", "staff_members", "cases")
            for row in (await conn.execute(text(f"SELECT * FROM {table}"))).all()
        ]
    dump = " ".join(str(row) for row in rows)
    for secret in ("987654321", "123454321", "Rosa Ejemplo", "Lupita Secreta"):
        assert secret not in dump


async def test_cases_referrals_and_times_round_trip(database: Database) -> None:
    directory = Directory()
    service = add_service(directory, "Escucha", 31.7, -106.4, {Category.PSYCHOLOGICAL_SUPPORT})
    clock = FakeClock(NOW)
    async with database.uow() as uow:
        await uow.directory.upsert(directory)
        await uow.commit()
    staff = StaffMember(
        id=None, display_name="x", role=Role.STAFF, organization_id=service.organization_id
    )
    async with database.uow() as uow:
        staff = await uow.people.add_staff(staff)
        await uow.commit()
    async with database.uow() as uow:
        case = await uow.cases.add(
            Case(
                id=None,
                code="",
                alias="Chava",
                municipality_code="08037",
                created_at=clock.now(),
                age=15,
                needs=frozenset({Category.LEGAL_AID, Category.HEALTH}),
                consent_share=True,
                organization_id=staff.organization_id,
                created_by=staff.actor,
            )
        )
        await record_audit(uow, clock, staff.actor, "case.open", case.code)
        await uow.commit()
    assert case.code == "CASO-0001"
    assert case.id is not None
    async with database.uow() as uow:
        referral = await uow.referrals.add(
            Referral(
                id=None, case_id=case.id, to_organization_id=service.organization_id, created_at=NOW
            )
        )
        referral.accept(NOW)
        await uow.commit()
    async with database.uow() as uow:
        loaded = await uow.cases.get_by_code("caso-0001")
        assert loaded is not None
        assert loaded.id is not None
        assert loaded.needs == frozenset({Category.LEGAL_AID, Category.HEALTH})
        assert loaded.created_at == NOW and loaded.created_at.tzinfo is not None
        referrals = await uow.referrals.for_case(loaded.id)
        assert [r.status for r in referrals] == [ReferralStatus.ACCEPTED]
        assert referrals[0].accepted_at == NOW
        assert referrals[0].first_contact_at is None
        audit = await uow.audit.for_subject("CASO-0001")
        assert [e.action for e in audit] == ["case.open"]
