"""Ports: what the domain needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self

from domain.access import CaseScope
from domain.capacity import CapacityAnswer
from domain.cases import (
    AuditEntry,
    Case,
    CaseSummary,
    FollowUp,
    Note,
    Referral,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from domain.demand import CrisisCount, CrisisKey, SearchCount, SearchKey
from domain.directory import Directory, Municipality, Organization, Service
from domain.geo import Point
from domain.indicators import (
    IndicatorFigures,
    OverdueCase,
    WeekCounts,
)
from domain.nearby import CardAt, ConfidentialOffer, NearbyQuery, ServicePoint
from domain.people import Invite, Member, StaffMember
from domain.relay import Direction, RelayDelivery, RelayMessage, RelayThread
from domain.taxonomy import Category


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
    async def get_organization(self, organization_id: str) -> Organization | None: ...

    async def find_organizations(self, name: str, limit: int = 8) -> list[Organization]:
        """Organisations whose name matches `name` (accents and case ignored), best first."""
        ...

    async def services_of(self, organization_id: str) -> list[Service]: ...

    async def confidential_addresses(self) -> list[str]:
        """Street addresses of every confidential place (what a relayed message must not carry
        unless staff confirm it)."""
        ...

    async def organization_municipalities(self, organization_id: str) -> list[str]:
        """INEGI codes of the municipalities where the organisation has places."""
        ...

    async def nearest(self, query: NearbyQuery) -> list[ServicePoint]:
        """The nearest active public services (never a confidential place)."""
        ...

    async def nearest_cards(self, query: NearbyQuery) -> list[CardAt]:
        """The nearest active public services passing the query's filters, with their cards
        (never a confidential place)."""
        ...

    async def confidential_offers(
        self, municipality_code: str, category: Category | None, age: int | None
    ) -> list[ConfidentialOffer]:
        """Active services at confidential places of a municipality, ordered by name."""
        ...

    async def count_services(self) -> int: ...


class CaseRepository(Protocol):
    async def add(self, case: Case) -> Case:
        """Store a new case and give it its id and public code."""
        ...

    async def get(self, case_id: int) -> Case | None: ...

    async def get_many(self, case_ids: Sequence[int]) -> list[Case]:
        """The cases with these ids (loaded together: a claim reads a whole batch)."""
        ...

    async def get_by_code(self, code: str) -> Case | None: ...
    async def for_member(self, member_id: int) -> list[Case]: ...

    async def summaries(
        self, scope: CaseScope, today: date, offset: int, limit: int, *, open_only: bool = True
    ) -> tuple[list[CaseSummary], int]:
        """A page of the cases in `scope` (overdue first, then urgent, then newest) and the
        total, counted and ordered in SQL."""
        ...


class ReferralRepository(Protocol):
    async def add(self, referral: Referral) -> Referral: ...
    async def get(self, referral_id: int) -> Referral | None: ...
    async def get_many(self, referral_ids: Sequence[int]) -> list[Referral]: ...
    async def for_case(self, case_id: int) -> list[Referral]: ...


class FollowUpRepository(Protocol):
    async def add(self, follow_up: FollowUp) -> FollowUp: ...
    async def get(self, follow_up_id: int) -> FollowUp | None: ...
    async def for_referral(self, referral_id: int) -> list[FollowUp]: ...


class NoteRepository(Protocol):
    async def add(self, note: Note) -> Note: ...
    async def for_case(self, case_id: int) -> list[Note]: ...


class RelayRepository(Protocol):
    async def add_thread(self, thread: RelayThread) -> RelayThread: ...
    async def get_thread(self, thread_id: int) -> RelayThread | None: ...
    async def thread_for_referral(self, referral_id: int) -> RelayThread | None: ...
    async def threads_of_case(self, case_id: int) -> list[RelayThread]: ...
    async def add_message(self, message: RelayMessage) -> RelayMessage: ...
    async def count_since(self, thread_id: int, direction: Direction, since: datetime) -> int: ...
    async def add_delivery(self, delivery: RelayDelivery) -> None: ...

    async def thread_of_delivery(self, recipient: str, message_id: int) -> RelayThread | None:
        """The thread a message in this recipient's chat belongs to (a reply goes there)."""
        ...

    async def purge_messages(self, before: datetime) -> int:
        """Delete relayed messages older than `before`; how many were deleted."""
        ...

    async def delete_messages_of_case(self, case_id: int) -> int: ...


class ReminderRepository(Protocol):
    async def add(self, reminder: Reminder) -> Reminder: ...
    async def get(self, reminder_id: int) -> Reminder | None: ...
    async def pending_for_referral(self, referral_id: int) -> list[Reminder]: ...
    async def pending_for_case(self, case_id: int, kind: ReminderKind) -> list[Reminder]: ...
    async def pending_for_follow_up(self, follow_up_id: int) -> list[Reminder]: ...

    async def claimable(
        self, now: datetime, lease_taken_after: datetime, limit: int, only: int | None = None
    ) -> list[Reminder]:
        """Pending reminders due by `now` whose claim (if any) is older than
        `lease_taken_after`, oldest due first, at most `limit` (in SQL), locked for this
        transaction; rows another transaction holds are skipped, not waited for. `only`:
        just the reminder with this id (when it is claimable)."""
        ...

    async def exists(self, kind: ReminderKind, target: str, due_at: datetime) -> bool: ...

    async def listing(self, statuses: Sequence[ReminderStatus], limit: int) -> list[Reminder]:
        """The reminders in these states, soonest due first (for operators)."""
        ...

    async def count_by_status(self) -> dict[ReminderStatus, int]: ...

    async def delivered_to(self, reminder_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        """The staff each of these reminders already reached (reminders with several
        recipients: a retry sends only to the others)."""
        ...

    async def add_delivery(self, reminder_id: int, staff_id: int, at: datetime) -> None:
        """`staff_id` got reminder `reminder_id` at `at`."""
        ...


class CapacityRepository(Protocol):
    async def add(self, answer: CapacityAnswer) -> CapacityAnswer: ...

    async def latest(self, service_ids: Sequence[str]) -> dict[str, CapacityAnswer]:
        """The newest answer of each of these services that has one."""
        ...

    async def all_latest(self) -> list[CapacityAnswer]: ...


class IndicatorRepository(Protocol):
    """Aggregates over the cases of some municipalities (None: every municipality), in SQL.

    Instants are UTC, `start` included and `end` excluded. Nothing here returns a row about
    one person: counts, and histograms of whole hours.
    """

    async def figures(
        self, codes: frozenset[str] | None, start: datetime, end: datetime
    ) -> IndicatorFigures:
        """Referrals made in [start, end) and the people (cases) they were made for."""
        ...

    async def week_counts(
        self, codes: frozenset[str], start: datetime, end: datetime
    ) -> WeekCounts:
        """Referrals made, accepted, completed and rejected in [start, end), each by the time
        it happened."""
        ...

    async def hours_to(
        self, event: str, codes: frozenset[str], start: datetime, end: datetime
    ) -> dict[int, int]:
        """Histogram of whole hours from a referral being made to `event` ("acceptance" or
        "first_contact"), over the referrals whose event happened in [start, end)."""
        ...

    async def overdue_cases(
        self, codes: frozenset[str], today: date, limit: int
    ) -> tuple[list[OverdueCase], int]:
        """Cases with a follow-up not done and due before `today` on an open referral, oldest
        due first (at most `limit`), and how many there are."""
        ...

    async def failed_reminders(self, codes: frozenset[str], start: datetime, end: datetime) -> int:
        """Reminders about these municipalities' referrals, due in [start, end), that failed."""
        ...


class DigestLog(Protocol):
    """One weekly digest per coordinator and ISO week: claimed before sending, marked
    delivered after (so two bot processes never both send it, and a failed send is retried)."""

    async def claim(
        self, coordinator_id: int, week: str, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        """Take the digest for sending: True when it was free (never claimed, or claimed before
        `stale_before` and never delivered)."""
        ...

    async def delivered(self, coordinator_id: int, week: str, at: datetime) -> None: ...
    async def release(self, coordinator_id: int, week: str) -> None: ...

    async def delivered_weeks(self, coordinator_id: int) -> list[str]:
        """Weeks whose digest reached this coordinator, oldest first."""
        ...


class PeopleRepository(Protocol):
    async def add_staff(self, staff: StaffMember) -> StaffMember: ...
    async def get_staff(self, staff_id: int) -> StaffMember | None: ...
    async def staff_of(self, organization_id: str) -> list[StaffMember]: ...
    async def staff_by_chat(self, chat_id: int) -> StaffMember | None: ...
    async def all_staff(self, organization_id: str | None = None) -> list[StaffMember]: ...
    async def coordinators_of(self, municipality_code: str) -> list[StaffMember]: ...
    async def add_invite(self, invite: Invite) -> Invite: ...
    async def invite_by_hash(self, code_hash: str) -> Invite | None: ...
    async def wrong_codes_since(self, chat_id: int, since: datetime) -> list[datetime]:
        """When this chat sent a wrong invite code, since `since`, oldest first."""
        ...

    async def record_wrong_code(self, chat_id: int, at: datetime) -> None: ...
    async def add_member(self, member: Member) -> Member: ...
    async def member_by_chat(self, chat_id: int) -> Member | None: ...
    async def get_member(self, member_id: int) -> Member | None: ...
    async def delete_member(self, member: Member) -> None: ...


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None: ...
    async def for_subject(self, subject: str) -> Sequence[AuditEntry]: ...
    async def latest(self, limit: int, subject: str | None = None) -> Sequence[AuditEntry]:
        """The newest entries (of one subject, when given), oldest first."""
        ...


class DemandRepository(Protocol):
    """Anonymous counters of searches and crisis lines (domain/demand.py): keys and counts only."""

    async def add_search(self, key: SearchKey, count: int = 1) -> None:
        """Add `count` to the counter of `key` (creating it at `count`)."""
        ...

    async def add_crisis(self, key: CrisisKey, count: int = 1) -> None: ...

    async def searches(
        self, municipality_codes: frozenset[str], first_week: str, last_week: str
    ) -> list[SearchCount]:
        """The counters of these municipalities from `first_week` to `last_week` inclusive."""
        ...

    async def crises(
        self, municipality_codes: frozenset[str], first_week: str, last_week: str
    ) -> list[CrisisCount]: ...


class UnitOfWork(Protocol):
    """One transaction: rolls back on exit unless `commit()` was awaited."""

    directory: DirectoryRepository
    cases: CaseRepository
    referrals: ReferralRepository
    follow_ups: FollowUpRepository
    notes: NoteRepository
    relay: RelayRepository
    reminders: ReminderRepository
    capacity: CapacityRepository
    people: PeopleRepository
    audit: AuditLog
    indicators: IndicatorRepository
    digests: DigestLog
    demand: DemandRepository

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


class AreaGrid(Protocol):
    """The hexagonal grid demand is counted on: cells of a few km², named by a short string."""

    def cell_of(self, point: Point) -> str:
        """The cell containing `point` (the point itself is not kept)."""
        ...

    def center(self, cell: str) -> Point: ...

    def boundary(self, cell: str) -> list[Point]:
        """The cell's corners, in order (to draw it)."""
        ...


class Notifier(Protocol):
    """Tells people something happened (staff delivery is an adapter in `bot/`)."""

    async def referral_answered(self, referral: Referral, case: Case) -> None:
        """The sending organisation's staff hear that it was accepted, rejected or moved."""
        ...

    async def request_answered(self, member: Member, referral: Referral, case: Case) -> None:
        """The member who asked hears, in their language, what happened to their request."""
        ...

    async def request_withdrawn(self, referral: Referral, case: Case) -> None:
        """The receiving organisation hears that the person withdrew (deleted their data)."""
        ...

    async def remind(
        self, reminder: Reminder, recipient: StaffMember, about: ReminderSubject
    ) -> None:
        """Send a due reminder to one recipient, in their language (the sweep keeps who got
        it). Raises Unreachable when they blocked the bot, DeliveryFailed when worth a retry."""
        ...


@dataclass(frozen=True)
class ReminderSubject:
    """What a reminder is about, loaded by the sweep for the message."""

    case: Case | None = None
    referral: Referral | None = None
    follow_up: FollowUp | None = None
    #: The organisation's services (capacity check-in).
    services: tuple[Service, ...] = ()
    #: The staff member who cannot be reached (STAFF_UNREACHABLE).
    staff: StaffMember | None = None
    organization_name: str | None = None
    #: How long it waited (escalation: since the referral; inactivity: since the last activity).
    waited: timedelta | None = None
    #: Sent inside the recipients' quiet hours (a new referral is not deferred): deliver it
    #: without sound.
    quiet: bool = False


class DeliveryFailed(Exception):
    """A send failed in a way worth retrying later (5xx, network); `kind` names the error type
    (never a message text)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Unreachable(Exception):
    """The person blocked the bot (or left Telegram): messages to them cannot be delivered."""


class RelayMessenger(Protocol):
    """Sends relay messages as the bot itself (never forwarding: no account is ever shown).

    Each method returns the Telegram message id of what it sent (a reply to it belongs to the
    thread) and raises Unreachable when the recipient blocked the bot.
    """

    async def to_member(
        self, member: Member, organization_name: str, text: str, thread: RelayThread
    ) -> int: ...

    async def to_staff(
        self, staff: StaffMember, case: Case, text: str, thread: RelayThread, crisis: bool
    ) -> int: ...

    async def thread_closed(
        self, recipient: Member | StaffMember, case: Case, organization_name: str, reason: str
    ) -> None:
        """Tell the other side, without content, that the conversation ended (and why:
        "closed", "blocked", "left", "withdrew", "unreachable")."""
        ...


class StateScope(StrEnum):
    """Whose saved conversation state a row is (the bot's user, chat or conversation data)."""

    USER = "user"
    CHAT = "chat"
    CONVERSATION = "conversation"


@dataclass(frozen=True)
class ForgottenState:
    """Saved conversation state removed for inactivity, named so the running bot drops it too."""

    scope: StateScope
    #: The user id or chat id (USER, CHAT: one item), or the conversation's key.
    key: tuple[int | str, ...]
    #: The conversation's name (CONVERSATION only).
    conversation: str | None = None


class ConversationStates(Protocol):
    """Where the bot keeps conversation state between updates (and restarts)."""

    async def forget_idle_since(self, cutoff: datetime) -> list[ForgottenState]:
        """Delete the state nobody touched since `cutoff`; say whose it was."""


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
