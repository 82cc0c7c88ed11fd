"""Ports: what the domain needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, Self

from domain.cases import AuditEntry, Case, FollowUp, Referral, Reminder
from domain.directory import Directory, Municipality, Service
from domain.nearby import NearbyQuery, ServicePoint
from domain.people import Member, StaffMember


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The real clock (the only place the domain package reads the wall time)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class DirectoryRepository(Protocol):
    async def upsert(self, directory: Directory) -> None: ...
    async def export(self) -> Directory: ...
    async def get_service(self, service_id: str) -> Service | None: ...
    async def organization_name(self, organization_id: str) -> str | None: ...
    async def nearest(self, query: NearbyQuery) -> list[ServicePoint]: ...
    async def count_services(self) -> int: ...


class CaseRepository(Protocol):
    async def add(self, case: Case) -> Case:
        """Store a new case and give it its id and public code."""
        ...

    async def get(self, case_id: int) -> Case | None: ...
    async def get_by_code(self, code: str) -> Case | None: ...
    async def for_member(self, member_id: int) -> list[Case]: ...


class ReferralRepository(Protocol):
    async def add(self, referral: Referral) -> Referral: ...
    async def get(self, referral_id: int) -> Referral | None: ...
    async def for_case(self, case_id: int) -> list[Referral]: ...


class FollowUpRepository(Protocol):
    async def add(self, follow_up: FollowUp) -> FollowUp: ...
    async def get(self, follow_up_id: int) -> FollowUp | None: ...
    async def for_referral(self, referral_id: int) -> list[FollowUp]: ...


class ReminderRepository(Protocol):
    async def add(self, reminder: Reminder) -> Reminder: ...
    async def get(self, reminder_id: int) -> Reminder | None: ...
    async def pending_for_referral(self, referral_id: int) -> list[Reminder]: ...
    async def due(self, at: datetime) -> list[Reminder]: ...


class PeopleRepository(Protocol):
    async def add_staff(self, staff: StaffMember) -> StaffMember: ...
    async def get_staff(self, staff_id: int) -> StaffMember | None: ...
    async def staff_of(self, organization_id: str) -> list[StaffMember]: ...
    async def add_member(self, member: Member) -> Member: ...
    async def member_by_chat(self, chat_id: int) -> Member | None: ...
    async def get_member(self, member_id: int) -> Member | None: ...
    async def delete_member(self, member: Member) -> None: ...


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None: ...
    async def for_subject(self, subject: str) -> Sequence[AuditEntry]: ...


class UnitOfWork(Protocol):
    """One transaction: rolls back on exit unless `commit()` was awaited."""

    directory: DirectoryRepository
    cases: CaseRepository
    referrals: ReferralRepository
    follow_ups: FollowUpRepository
    reminders: ReminderRepository
    people: PeopleRepository
    audit: AuditLog

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


@dataclass(frozen=True)
class PlaceCandidate:
    """A place the gazetteer matched: a postal code, a colonia or a municipality."""

    kind: str  # "postal_code" | "colonia" | "municipality" | "state"
    name: str
    municipality: str
    state: str
    inegi_code: str
    latitude: float
    longitude: float
    score: float
    postal_code: str | None = None
    #: The point is the municipality's (most populous place), not the place itself.
    approximate: bool = True


class PlaceFinder(Protocol):
    """Turns what a member types (CP, colonia, municipio) into ranked candidates."""

    def resolve(self, text: str, limit: int = 5) -> list[PlaceCandidate]: ...
    def municipality(self, inegi_code: str) -> Municipality | None: ...
    def nearest_municipality(self, latitude: float, longitude: float) -> Municipality | None: ...


class Notifier(Protocol):
    """Tells people something happened (staff delivery is an adapter in `bot/`)."""

    async def referral_requested(self, referral: Referral, case: Case) -> None: ...

    async def reminder_due(
        self, reminder: Reminder, referral: Referral | None, case: Case | None
    ) -> bool:
        """Deliver a due reminder; False when delivery failed and is worth retrying."""
        ...


@dataclass(frozen=True, slots=True)
class DangerThresholds:
    """Where a danger model's probability starts to count (chosen when it is trained)."""

    #: A message the rules do not read: show the lines (uncertain) from this probability.
    show: float
    #: A message the rules read as uncertain: keep showing the lines from this probability;
    #: below it the model answers the rules' doubt with "no danger".
    keep: float
    #: From this probability the message is danger: the lines, and nothing else after them.
    danger: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.keep <= self.show <= self.danger <= 1.0:
            raise ValueError(f"thresholds out of order: {self}")


class DangerModel(Protocol):
    """A statistical reading of a message, in process: no server, no database, no network."""

    @property
    def thresholds(self) -> DangerThresholds: ...

    def danger_probability(self, text: str, evidence: frozenset[str]) -> float:
        """The probability that `text` speaks of danger now, given the rules' `evidence`."""
        ...
