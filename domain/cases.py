"""Cases, referrals and follow-ups: pseudonymous by design."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError, IllegalTransition, InvalidValue
from domain.taxonomy import Category

CASE_CODE_RE = re.compile(r"^CASO-(\d{1,9})$")


def format_case_code(number: int) -> str:
    return f"CASO-{number:04d}"


def parse_case_code(text: str) -> int:
    """Return the number in `CASO-0042` (case-insensitive, spaces and `#` tolerated)."""
    cleaned = text.strip().upper().replace(" ", "").replace("#", "")
    if cleaned.startswith("CASO") and not cleaned.startswith("CASO-"):
        cleaned = "CASO-" + cleaned[4:]
    match = CASE_CODE_RE.match(cleaned)
    if not match:
        raise InvalidValue("case_code", text, "expected CASO-NNNN")
    return int(match.group(1))


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class ReferralStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MemberOutcome(StrEnum):
    """The member's answer to "¿te sirvió?" once a referral is completed."""

    USEFUL = "useful"
    PARTLY = "partly"
    NOT_USEFUL = "not_useful"


class RejectionReason(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    NO_CAPACITY = "no_capacity"
    COULD_NOT_CONTACT = "could_not_contact"
    OTHER = "other"


#: The referral status machine (aligned with Primero, findhelp and FHIR ServiceRequest).
TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.REQUESTED: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.REJECTED, ReferralStatus.CANCELLED}
    ),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.IN_PROGRESS, ReferralStatus.CANCELLED}),
    ReferralStatus.IN_PROGRESS: frozenset(
        {ReferralStatus.COMPLETED, ReferralStatus.FAILED, ReferralStatus.CANCELLED}
    ),
    ReferralStatus.REJECTED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
    ReferralStatus.FAILED: frozenset(),
    ReferralStatus.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset(
    {ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}
)


@dataclass
class Case:
    """A person being helped, known by a public code and an alias, never by name."""

    id: int | None
    code: str
    alias: str
    municipality_code: str | None
    created_at: datetime
    age: int | None = None
    gender: Gender | None = None
    needs: frozenset[Category] = frozenset()
    #: The person agreed to be contacted by the receiving organisation.
    consent_contact: bool = False
    #: The person agreed that their case data is shared with the receiving organisation.
    consent_share: bool = False
    #: Organisation of the staff member who opened it (None when a member asked for contact).
    organization_id: str | None = None
    #: Member who asked for contact through the bot (None when opened by staff).
    member_id: int | None = None
    created_by: str = "system"

    def __post_init__(self) -> None:
        if self.age is not None and not 0 <= self.age <= 120:
            raise InvalidValue("age", self.age, "outside 0..120")


@dataclass
class Referral:
    id: int | None
    case_id: int
    to_organization_id: str
    created_at: datetime
    status: ReferralStatus = ReferralStatus.REQUESTED
    from_organization_id: str | None = None
    service_id: str | None = None
    rejection_reason: RejectionReason | None = None
    status_changed_at: datetime | None = None
    #: When the receiving organisation accepted it ("days to acceptance").
    accepted_at: datetime | None = None
    #: When the person was first reached ("days to first contact"): work started, a follow-up
    #: was logged, or a message went through.
    first_contact_at: datetime | None = None
    closed_at: datetime | None = None
    #: The sender saw signs of danger (or said so): shown first, everywhere.
    urgent: bool = False
    created_by: str = "system"
    #: What the member said of it once completed (member requests only).
    outcome: MemberOutcome | None = None
    outcome_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def _move(self, target: ReferralStatus, at: datetime) -> None:
        if target not in TRANSITIONS[self.status]:
            raise IllegalTransition(self.status.value, target.value)
        self.status = target
        self.status_changed_at = at
        if not self.is_open:
            self.closed_at = at

    def transition(
        self, target: ReferralStatus, at: datetime, reason: RejectionReason | None = None
    ) -> None:
        """Move to `target`; raise IllegalTransition (naming both states) if not allowed."""
        if target is ReferralStatus.REJECTED and reason is None:
            raise DomainError("a rejection needs a reason")
        if target is not ReferralStatus.REJECTED and reason is not None:
            raise DomainError(f"only a rejection takes a reason, not {target.value}")
        self._move(target, at)
        if target is ReferralStatus.REJECTED:
            self.rejection_reason = reason
        # Accepting is not contact: the person is first reached when work starts (or when a
        # follow-up or a message says so). The two are separate indicators.
        if target is ReferralStatus.ACCEPTED and self.accepted_at is None:
            self.accepted_at = at
        if target is ReferralStatus.IN_PROGRESS:
            self.record_contact(at)

    def accept(self, at: datetime) -> None:
        self.transition(ReferralStatus.ACCEPTED, at)

    def reject(self, reason: RejectionReason, at: datetime) -> None:
        self.transition(ReferralStatus.REJECTED, at, reason)

    def start(self, at: datetime) -> None:
        self.transition(ReferralStatus.IN_PROGRESS, at)

    def complete(self, at: datetime) -> None:
        self.transition(ReferralStatus.COMPLETED, at)

    def fail(self, at: datetime) -> None:
        self.transition(ReferralStatus.FAILED, at)

    def cancel(self, at: datetime) -> None:
        self.transition(ReferralStatus.CANCELLED, at)

    def record_contact(self, at: datetime) -> None:
        """First contact with the person (the 'days to first contact' indicator)."""
        if self.first_contact_at is None:
            self.first_contact_at = at


#: A staff note on a case is at most this long (Telegram messages are 4,096).
MAX_NOTE_CHARS = 1000


@dataclass
class Note:
    """A staff member's note on a case (encrypted at rest; never shown to the member)."""

    id: int | None
    case_id: int
    at: datetime
    author: str
    text: str
    referral_id: int | None = None

    def __post_init__(self) -> None:
        if len(self.text) > MAX_NOTE_CHARS:
            raise InvalidValue("note", len(self.text), f"longer than {MAX_NOTE_CHARS} characters")


class FollowUpStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    OVERDUE = "overdue"


@dataclass
class FollowUp:
    id: int | None
    referral_id: int
    due_date: date
    done_at: datetime | None = None
    note: str = ""
    created_by: str = "system"

    def status_on(self, today: date) -> FollowUpStatus:
        if self.done_at is not None:
            return FollowUpStatus.DONE
        return FollowUpStatus.OVERDUE if today > self.due_date else FollowUpStatus.PLANNED

    def mark_done(self, at: datetime, note: str = "") -> None:
        if self.done_at is not None:
            raise DomainError(f"follow-up {self.id} is already done")
        self.done_at = at
        self.note = note


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    #: Every attempt failed: the coordinators see it (and the weekly digest counts it).
    FAILED = "failed"
    #: Nobody it was for can be reached (they blocked the bot): not retried.
    UNREACHABLE = "unreachable"


class ReminderKind(StrEnum):
    #: A new referral: the receiving organisation's staff, at once (the outbox row written in
    #: the referral's own transaction, so a crash before the send cannot lose it).
    REFERRAL_NEW = "referral_new"
    #: A referral still `requested` (48 h): the receiving organisation's staff.
    REFERRAL_PENDING = "referral_pending"
    #: Still `requested` later (72 h): the municipality's coordinators.
    REFERRAL_ESCALATED = "referral_escalated"
    #: A follow-up's due date: the staff member who set it.
    FOLLOW_UP_DUE = "follow_up_due"
    #: The day after, still not done: the same person, marked overdue.
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    #: An open case with no activity for 14 days: the coordinators.
    CASE_INACTIVE = "case_inactive"
    #: Monday: "¿tienen cupo esta semana?", per service, to an organisation's staff.
    CAPACITY_CHECKIN = "capacity_checkin"
    #: A staff member blocked the bot: their coordinators are told.
    STAFF_UNREACHABLE = "staff_unreachable"
    DIGEST = "digest"


@dataclass
class Reminder:
    """A message owed to someone at `due_at`, delivered at least once with a lease.

    The sweep *claims* it (claimed_at, claimed_by) in one transaction, delivers it, and marks
    it sent in another; a claim older than the lease belongs to a worker that died and is taken
    again. Every state change goes through these methods.
    """

    id: int | None
    kind: ReminderKind
    due_at: datetime
    #: Who receives it, as an actor string (`organization:<id>`, `staff:12`,
    #: `coordinators:<INEGI code>`).
    target: str
    referral_id: int | None = None
    status: ReminderStatus = ReminderStatus.PENDING
    sent_at: datetime | None = None
    attempts: int = 0
    case_id: int | None = None
    follow_up_id: int | None = None
    #: The staff member a STAFF_UNREACHABLE reminder is about.
    staff_id: int | None = None
    #: Whose clock the quiet hours follow (and which rules apply).
    municipality_code: str | None = None
    claimed_at: datetime | None = None
    claimed_by: str | None = None
    #: The kind of the last delivery error (never a message text).
    last_error: str | None = None

    def _check_pending(self) -> None:
        if self.status is not ReminderStatus.PENDING:
            raise DomainError(f"reminder {self.id} is {self.status.value}, not pending")

    def claimable(self, now: datetime, lease: timedelta) -> bool:
        """Due, pending, and not held by a live worker (a lease older than `lease` is dead)."""
        if self.status is not ReminderStatus.PENDING or self.due_at > now:
            return False
        return self.claimed_at is None or self.claimed_at <= now - lease

    def claim(self, worker: str, at: datetime) -> None:
        self._check_pending()
        self.claimed_at = at
        self.claimed_by = worker
        self.attempts += 1

    def mark_sent(self, at: datetime) -> None:
        self._check_pending()
        self.status = ReminderStatus.SENT
        self.sent_at = at
        self.claimed_at = None
        self.claimed_by = None

    def retry_later(self, at: datetime, error: str, max_attempts: int, wait: timedelta) -> bool:
        """A delivery failed: due again after `wait`, or failed for good. True when retried."""
        self._check_pending()
        self.last_error = error[:80]
        self.claimed_at = None
        self.claimed_by = None
        if self.attempts >= max_attempts:
            self.status = ReminderStatus.FAILED
            return False
        self.due_at = at + wait
        return True

    def mark_unreachable(self, error: str = "Forbidden") -> None:
        self._check_pending()
        self.status = ReminderStatus.UNREACHABLE
        self.last_error = error[:80]
        self.claimed_at = None
        self.claimed_by = None

    def defer(self, until: datetime) -> None:
        """Quiet hours: due again at `until`, unclaimed (the attempt does not count)."""
        self._check_pending()
        self.due_at = until
        if self.claimed_at is not None:
            self.attempts = max(self.attempts - 1, 0)
        self.claimed_at = None
        self.claimed_by = None

    def cancel(self) -> None:
        if self.status is ReminderStatus.PENDING:
            self.status = ReminderStatus.CANCELLED
            self.claimed_at = None
            self.claimed_by = None


@dataclass(frozen=True)
class CaseSummary:
    """One line of a case list: the case, its referrals, and the next follow-up still to do."""

    case: Case
    referrals: tuple[Referral, ...]
    next_due: date | None = None

    def overdue_on(self, today: date) -> bool:
        return self.next_due is not None and self.next_due < today


@dataclass
class AuditEntry:
    id: int | None
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, str] = field(default_factory=dict)
