"""Four months of fictional referral history for the demo directory (`juntos demo load`), so a
coordinator's first /indicadores in the sandbox draws a chart, not empty axes.

Seeded: the same seed gives the same people, referrals and outcomes, placed relative to the
day it is loaded. Every case is labelled: its alias says "demo", and it is created by
`demo-history` (which is also how a second load knows to add nothing).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select

from domain.cases import (
    Case,
    FollowUp,
    Gender,
    MemberOutcome,
    Referral,
    RejectionReason,
    format_case_code,
)
from domain.ports import Clock
from domain.taxonomy import Category, Sector
from juntos.database import Database
from storage.tables import cases

T = TypeVar("T")
CREATOR = "demo-history"
SEED = 2026
MONTHS = 4
PER_MONTH = 18

NEEDS = [
    (Category.PSYCHOLOGICAL_SUPPORT, 30),
    (Category.YOUTH_PROGRAMS, 18),
    (Category.GENDER_VIOLENCE, 14),
    (Category.LEGAL_AID, 10),
    (Category.ADDICTION_TREATMENT, 9),
    (Category.EDUCATION_EMPLOYMENT, 9),
    (Category.MEDIATION, 5),
    (Category.HEALTH, 5),
    (Category.CHILD_PROTECTION, 4),
    (Category.SHELTER, 2),
]
REASONS = [
    (RejectionReason.NO_CAPACITY, 5),
    (RejectionReason.NOT_ELIGIBLE, 3),
    (RejectionReason.COULD_NOT_CONTACT, 2),
    (RejectionReason.OTHER, 1),
]


@dataclass
class DemoCase:
    case: Case
    referral: Referral
    follow_ups: list[FollowUp] = field(default_factory=list)


def _pick(rng: random.Random, weighted: list[tuple[T, int]]) -> T:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _age(rng: random.Random) -> int | None:
    group = _pick(rng, [("teen", 45), ("young", 33), ("adult", 15), ("none", 7)])
    ranges = {"teen": (12, 17), "young": (18, 29), "adult": (30, 58)}
    return rng.randint(*ranges[group]) if group in ranges else None


def _gender(rng: random.Random) -> Gender | None:
    return _pick(
        rng,
        [
            (Gender.FEMALE, 50),
            (Gender.MALE, 38),
            (Gender.NON_BINARY, 4),
            (Gender.PREFER_NOT_TO_SAY, 4),
            (None, 4),
        ],
    )


def _hours(rng: random.Random, median: float, low: float, high: float) -> timedelta:
    return timedelta(hours=min(high, max(low, rng.lognormvariate(0, 0.8) * median)))


def _story(rng: random.Random, referral: Referral, now: datetime) -> list[FollowUp]:
    """Move the referral as far as its age allows; its follow-ups."""
    at = referral.created_at
    if rng.random() < 0.18:
        rejected = at + _hours(rng, 20, 1, 120)
        if rejected < now:
            referral.reject(_pick(rng, REASONS), rejected)
        return []
    accepted = at + _hours(rng, 18, 1, 200)
    if accepted >= now:
        return []
    referral.accept(accepted)
    started = accepted + _hours(rng, 30, 2, 240)
    if started >= now or rng.random() < 0.05:
        return []
    referral.start(started)
    due = (started + timedelta(days=7)).date()
    follow_up = FollowUp(id=None, referral_id=0, due_date=due, created_by=CREATOR)
    done_by = started + timedelta(days=rng.uniform(5, 12))
    if done_by < now and rng.random() < 0.8:
        follow_up.done_at = done_by
        follow_up.note = "Seguimiento de demostración (ficticio)."
    finished = started + timedelta(days=rng.uniform(8, 45))
    if finished < now:
        if rng.random() < 0.1:
            referral.fail(finished)
        else:
            referral.complete(finished)
            if referral.from_organization_id is None and rng.random() < 0.7:
                outcome = _pick(
                    rng,
                    [
                        (MemberOutcome.USEFUL, 60),
                        (MemberOutcome.PARTLY, 25),
                        (MemberOutcome.NOT_USEFUL, 15),
                    ],
                )
                referral.outcome = outcome
                referral.outcome_at = finished + timedelta(hours=rng.uniform(1, 48))
    return [follow_up]


def plan_history(
    organizations: dict[str, list[tuple[str, Sector | None]]],
    now: datetime,
    seed: int = SEED,
    months: int = MONTHS,
    per_month: int = PER_MONTH,
) -> list[DemoCase]:
    """Cases and referrals between the organisations of each municipality (INEGI code ->
    [(organisation id, sector)]), spread over the last `months` months."""
    rng = random.Random(seed)
    planned: list[DemoCase] = []
    days = months * 30
    for municipality in sorted(organizations):
        orgs = sorted(organizations[municipality])
        if len(orgs) < 2:
            continue
        for _ in range(per_month * months):
            created = now - timedelta(days=rng.uniform(0.3, days))
            needs = {_pick(rng, NEEDS)}
            if rng.random() < 0.3:
                needs.add(_pick(rng, NEEDS))
            member_request = rng.random() < 0.22
            sender = None if member_request else rng.choice(orgs)[0]
            receiver = rng.choice([o for o, _ in orgs if o != sender])
            case = Case(
                id=None,
                code="",
                alias="Demo (ficticio)",
                municipality_code=municipality,
                created_at=created,
                age=_age(rng),
                gender=_gender(rng),
                needs=frozenset(needs),
                consent_contact=True,
                consent_share=True,
                organization_id=sender,
                created_by=CREATOR,
            )
            referral = Referral(
                id=None,
                case_id=0,
                to_organization_id=receiver,
                from_organization_id=sender,
                created_at=created,
                urgent=rng.random() < 0.08,
                created_by=CREATOR,
            )
            planned.append(DemoCase(case, referral, _story(rng, referral, now)))
    return planned


async def load_demo_history(database: Database, clock: Clock, seed: int = SEED) -> int:
    """Add the history once (a second call adds nothing); how many referrals were added."""
    async with database.uow() as uow:
        session = uow.session
        if await session.scalar(select(cases.c.id).where(cases.c.created_by == CREATOR).limit(1)):
            return 0
        directory = await uow.directory.export()
        sectors = {o.id: o.sector for o in directory.organizations}
        by_municipality: dict[str, set[tuple[str, Sector | None]]] = defaultdict(set)
        for location in directory.locations:
            org = location.organization_id
            if org is not None and location.municipality_code and org in sectors:
                by_municipality[location.municipality_code].add((org, sectors[org]))
        planned = plan_history(
            {code: sorted(orgs, key=lambda o: o[0]) for code, orgs in by_municipality.items()},
            clock.now(),
            seed,
        )
        for item in planned:
            item.case.code = None  # type: ignore[assignment]  # from the id, just below
        session.add_all([p.case for p in planned])
        await session.flush()
        for item in planned:
            assert item.case.id is not None
            item.case.code = format_case_code(item.case.id)
            item.case.alias = f"Demo {item.case.id} (ficticio)"
            item.referral.case_id = item.case.id
        session.add_all([p.referral for p in planned])
        await session.flush()
        for item in planned:
            assert item.referral.id is not None
            for follow_up in item.follow_ups:
                follow_up.referral_id = item.referral.id
                session.add(follow_up)
        await uow.commit()
    return len(planned)
