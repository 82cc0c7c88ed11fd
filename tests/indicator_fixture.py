"""A small municipality whose indicators are computed by hand (tests/integration and tests/bot).

Juárez (08037), March 2026, zone America/Ciudad_Juarez (UTC-7 until 8 March, UTC-6 after).
Five organisations, one per sector plus a second civil-society one; thirteen referrals on ten
cases in March, one more in Tijuana and one on the evening of 28 February (local time), which
must not count. The figures the tests expect are written next to the data (FIGURES).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.cases import (
    Case,
    FollowUp,
    Gender,
    MemberOutcome,
    Referral,
    ReferralStatus,
    RejectionReason,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from domain.directory import Directory, Organization
from domain.ports import UnitOfWork
from domain.taxonomy import Category, Sector

JUAREZ, TIJUANA = "08037", "02004"
ZONE = "America/Ciudad_Juarez"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
#: Tuesday 10 March 2026, 10:00 in Juárez: most referrals are made then.
T = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
#: Monday 16 March 2026, 09:30 in Juárez: the digest for 9-15 March is due.
DIGEST_TIME = datetime(2026, 3, 16, 15, 30, tzinfo=UTC)

CS1, CS2, GOV, PRIV, ACA = "org-cs1", "org-cs2", "org-gov", "org-priv", "org-aca"
ORGS = {
    CS1: ("Colectivo Uno (prueba)", Sector.CIVIL_SOCIETY),
    CS2: ("Colectivo Dos (prueba)", Sector.CIVIL_SOCIETY),
    GOV: ("Oficina Municipal (prueba)", Sector.GOVERNMENT),
    PRIV: ("Fundación Empresa (prueba)", Sector.PRIVATE),
    ACA: ("Clínica Universitaria (prueba)", Sector.ACADEMIC),
}

F, M, NB = Gender.FEMALE, Gender.MALE, Gender.NON_BINARY
PS, LA, YP = Category.PSYCHOLOGICAL_SUPPORT, Category.LEGAL_AID, Category.YOUTH_PROGRAMS
GV, HE = Category.GENDER_VIOLENCE, Category.HEALTH

#: name -> (municipality, age, gender, needs)
CASES = {
    "c1": (JUAREZ, 15, F, {PS}),
    "c2": (JUAREZ, 16, F, {PS, LA}),
    "c3": (JUAREZ, 14, M, {YP}),
    "c4": (JUAREZ, 17, F, {PS}),
    "c5": (JUAREZ, 13, M, {YP}),
    "c6": (JUAREZ, 22, F, {GV}),
    "c7": (JUAREZ, 25, NB, {PS}),
    "c8": (JUAREZ, 35, F, {LA}),
    "c9": (JUAREZ, None, None, {HE}),
    "c10": (JUAREZ, 16, M, {PS}),
    "c11": (TIJUANA, 20, M, {PS}),
    "c12": (JUAREZ, 19, F, {PS}),
}


@dataclass(frozen=True)
class R:
    case: str
    sender: str | None
    receiver: str
    status: ReferralStatus
    accept_h: int | None = None
    contact_h: int | None = None
    reason: RejectionReason | None = None
    outcome: MemberOutcome | None = None
    at: datetime = T


A, C, IP, RJ, RQ = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.REJECTED,
    ReferralStatus.REQUESTED,
)
U, P, NU = MemberOutcome.USEFUL, MemberOutcome.PARTLY, MemberOutcome.NOT_USEFUL
NO_CAPACITY, NOT_ELIGIBLE = RejectionReason.NO_CAPACITY, RejectionReason.NOT_ELIGIBLE
REFERRALS = [
    R("c1", CS1, GOV, C, 24, 48, outcome=U),  # r1
    R("c2", CS1, GOV, C, 48, 72, outcome=U),  # r2
    R("c3", GOV, CS2, IP, 12, 24),  # r3
    R("c4", GOV, CS2, C, 36, 36, outcome=P),  # r4
    R("c5", PRIV, ACA, RJ, reason=NO_CAPACITY),  # r5
    R("c6", None, CS2, A, 6),  # r6: a member's own request
    R("c7", CS1, CS2, C, 96, 120, outcome=NU),  # r7: same sector
    R("c8", ACA, GOV, RJ, reason=NOT_ELIGIBLE),  # r8
    R("c9", CS2, GOV, RQ),  # r9: open, with an overdue follow-up
    # r10: 31 March 23:00 in Juárez (UTC-6): inside March.
    R("c10", GOV, CS1, RQ, at=datetime(2026, 4, 1, 5, 0, tzinfo=UTC)),
    R("c1", GOV, PRIV, C, 72, 96, outcome=U),  # r11
    R("c2", CS1, GOV, RJ, reason=NO_CAPACITY),  # r12
    R("c3", CS2, GOV, RQ),  # r13
    R("c11", CS1, GOV, C, 24, 24),  # Tijuana: never in Juárez's figures
    # 28 February 23:00 in Juárez (UTC-7): outside March.
    R("c12", CS1, GOV, RQ, at=datetime(2026, 3, 1, 6, 0, tzinfo=UTC)),
]

#: What the tests expect for Juárez in March ("< 5" is None).
FIGURES: dict[str, Any] = {
    "made": 13,
    "accepted": 7,
    "completed": 5,
    "rejected": None,  # 3
    "completion_rate": 0.385,  # 5 / 13
    # hours 6, 12, 24, 36, 48, 72, 96: median 36 h, p90 the 7th of 7
    "to_acceptance": (1.5, 4.0, 7),
    # hours 24, 36, 48, 72, 96, 120: median (48 + 72) / 2 = 60 h, p90 the 6th of 6
    "to_first_contact": (2.5, 5.0, 6),
    "people": 10,
    "age": {"0-11": 0, "12-17": 6, "18-29": None, "30+": None, "unknown": None},
    "gender": {
        "female": 5,
        "male": None,
        "non_binary": None,
        "prefer_not_to_say": 0,
        "unknown": None,
    },
    "need": {"psychological_support": 5, "legal_aid": None, "youth_programs": None},
    "outcomes": {"useful": None, "partly": None, "not_useful": None},
    # sender sector -> receiver sector
    "matrix": {
        ("civil_society", "government"): 5,  # r1 r2 r9 r12 r13
        ("government", "civil_society"): None,  # r3 r4 r10
        ("private", "academic"): None,
        ("academic", "government"): None,
        ("government", "private"): None,
        ("member_request", "civil_society"): None,
        ("civil_society", "civil_society"): None,
        ("government", "government"): 0,
    },
    "cross_sector": 11,  # 13 less the member's request and civil society -> civil society
    "government_received": 6,
}


async def load(uow: UnitOfWork) -> dict[str, int]:
    """Store the fixture; returns case name -> case id."""
    async with uow:
        await uow.directory.upsert(
            Directory(
                organizations=[
                    Organization(org_id, name, sector=sector)
                    for org_id, (name, sector) in ORGS.items()
                ]
            )
        )
        ids: dict[str, int] = {}
        for name, (municipality, age, gender, needs) in CASES.items():
            case = await uow.cases.add(
                Case(
                    id=None,
                    code="",
                    alias=f"Prueba {name}",
                    municipality_code=municipality,
                    created_at=T - timedelta(days=1),
                    age=age,
                    gender=gender,
                    needs=frozenset(needs),
                )
            )
            assert case.id is not None
            ids[name] = case.id
        referral_ids = []
        for spec in REFERRALS:
            hours = timedelta(hours=1)
            closed = spec.status in (ReferralStatus.COMPLETED, ReferralStatus.REJECTED)
            referral = await uow.referrals.add(
                Referral(
                    id=None,
                    case_id=ids[spec.case],
                    to_organization_id=spec.receiver,
                    from_organization_id=spec.sender,
                    created_at=spec.at,
                    status=spec.status,
                    rejection_reason=spec.reason,
                    accepted_at=spec.at + spec.accept_h * hours if spec.accept_h else None,
                    first_contact_at=spec.at + spec.contact_h * hours if spec.contact_h else None,
                    closed_at=spec.at + 120 * hours if closed else None,
                    outcome=spec.outcome,
                    outcome_at=spec.at + 130 * hours if spec.outcome else None,
                )
            )
            assert referral.id is not None
            referral_ids.append(referral.id)
        r9, r1, tijuana = referral_ids[8], referral_ids[0], referral_ids[13]
        # r9 (open) has an overdue follow-up; r1's was never done but r1 is closed.
        for referral_id in (r9, r1):
            await uow.follow_ups.add(
                FollowUp(id=None, referral_id=referral_id, due_date=date(2026, 3, 12))
            )
        # Two reminders about Juárez failed in the week (one in Tijuana did too).
        for referral_id in (r9, r9, tijuana):
            await uow.reminders.add(
                Reminder(
                    id=None,
                    kind=ReminderKind.REFERRAL_PENDING,
                    due_at=T + timedelta(days=2),
                    target=f"organization:{GOV}",
                    referral_id=referral_id,
                    status=ReminderStatus.FAILED,
                )
            )
        await uow.commit()
    return ids
