"""Case lists in SQL (scope, open only, overdue then urgent first, paging) agree with the
domain's access rule and ordering computed in Python, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from domain.access import can_see_case, case_scope
from domain.cases import Case, FollowUp, Referral, ReferralStatus
from domain.directory import Directory, Organization
from domain.people import Role, StaffMember
from juntos.database import Database

ORGS = ["org-a", "org-b", "org-c", "org-d"]
MUNICIPALITIES = ["08037", "02004", "19039"]
NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
TODAY = NOW.date()


async def populate(database: Database, rng: random.Random) -> None:
    async with database.uow() as uow:
        await uow.directory.upsert(
            Directory(organizations=[Organization(o, f"{o} (demo)") for o in ORGS])
        )
        for number in range(60):
            opener = rng.choice([*ORGS, None])
            case = await uow.cases.add(
                Case(
                    id=None,
                    code="",
                    alias=f"P{number}",
                    municipality_code=rng.choice(MUNICIPALITIES),
                    created_at=NOW - timedelta(days=rng.randint(0, 60)),
                    organization_id=opener,
                )
            )
            for _ in range(rng.randint(0, 2)):
                to = rng.choice(ORGS)
                referral = await uow.referrals.add(
                    Referral(
                        id=None,
                        case_id=case.id,  # type: ignore[arg-type]
                        to_organization_id=to,
                        from_organization_id=opener,
                        created_at=case.created_at,
                        status=rng.choice(list(ReferralStatus)),
                        urgent=rng.random() < 0.2,
                    )
                )
                for _ in range(rng.randint(0, 2)):
                    await uow.follow_ups.add(
                        FollowUp(
                            id=None,
                            referral_id=referral.id,  # type: ignore[arg-type]
                            due_date=TODAY + timedelta(days=rng.randint(-10, 10)),
                            done_at=NOW if rng.random() < 0.4 else None,
                        )
                    )
        await uow.commit()


async def expected_order(database: Database, actor: StaffMember) -> list[str]:
    """The list, computed the slow way from every row with the domain's own rule."""
    rows = []
    async with database.uow() as uow:
        for number in range(1, 61):
            case = await uow.cases.get(number)
            assert case is not None
            referrals = await uow.referrals.for_case(number)
            if not can_see_case(actor, case, referrals):
                continue
            if not any(r.is_open for r in referrals):
                continue
            dues: list[date] = [
                f.due_date
                for r in referrals
                for f in await uow.follow_ups.for_referral(r.id)  # type: ignore[arg-type]
                if f.done_at is None
            ]
            next_due = min(dues) if dues else None
            urgent = any(r.urgent and r.is_open for r in referrals)
            overdue = next_due is not None and next_due < TODAY
            rows.append(((not overdue, not urgent, next_due or date.max, -number), case.code))
    return [code for _key, code in sorted(rows)]


ACTORS = [
    StaffMember(id=1, display_name="a", role=Role.STAFF, organization_id="org-a"),
    StaffMember(id=2, display_name="c", role=Role.STAFF, organization_id="org-c"),
    StaffMember(
        id=3, display_name="k", role=Role.COORDINATOR, municipality_codes=frozenset({"08037"})
    ),
    StaffMember(
        id=4,
        display_name="k2",
        role=Role.COORDINATOR,
        municipality_codes=frozenset({"02004", "19039"}),
    ),
    StaffMember(id=5, display_name="admin", role=Role.ADMIN),
]


async def test_case_lists_match_the_access_rule_and_order(database: Database) -> None:
    await populate(database, random.Random(20260304))
    for actor in ACTORS:
        expected = await expected_order(database, actor)
        assert expected, f"the fixture gives {actor.actor} something to list"
        got: list[str] = []
        page = 0
        while True:
            async with database.uow() as uow:
                summaries, total = await uow.cases.summaries(case_scope(actor), TODAY, page * 7, 7)
            assert total == len(expected)
            if not summaries:
                break
            got += [s.case.code for s in summaries]
            page += 1
        assert got == expected, actor.actor
