"""The anonymous relay: a member and the staff of the organisation that accepted their request
write to each other through the bot, neither seeing the other's Telegram account.

A thread belongs to one referral. Its status machine:

    OPEN ──close (either side, /salir, /borrar, 403)──▶ CLOSED
    OPEN ──block (the member)──────────────────────────▶ BLOCKED

A BLOCKED organisation never writes to that member again; a CLOSED thread reopens when staff
write again (unless blocked). Messages are kept encrypted for the case history and purged after
a retention period; the audit trail records each event, never the content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError

#: Telegram's own limit for a message.
MAX_RELAY_CHARS = 4096
#: Relayed messages per thread per hour, each way.
MAX_PER_HOUR = 20
RATE_WINDOW = timedelta(hours=1)
DEFAULT_RETENTION = timedelta(days=30)


class ThreadStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    BLOCKED = "blocked"


class Direction(StrEnum):
    TO_MEMBER = "to_member"
    TO_STAFF = "to_staff"


@dataclass
class RelayThread:
    id: int | None
    referral_id: int
    case_id: int
    organization_id: str
    opened_at: datetime
    status: ThreadStatus = ThreadStatus.OPEN
    #: The staff member who wrote last: the member's answers go to them.
    last_staff_id: int | None = None
    closed_at: datetime | None = None
    #: Who closed or blocked it (an actor string, or "system").
    closed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is ThreadStatus.OPEN

    def close(self, at: datetime, by: str) -> None:
        if self.status is ThreadStatus.OPEN:
            self.status = ThreadStatus.CLOSED
            self.closed_at = at
            self.closed_by = by

    def block(self, at: datetime, by: str) -> None:
        self.status = ThreadStatus.BLOCKED
        self.closed_at = at
        self.closed_by = by

    def reopen(self, at: datetime) -> None:
        if self.status is ThreadStatus.BLOCKED:
            raise DomainError(f"thread {self.id} is blocked by the member")
        self.status = ThreadStatus.OPEN
        self.closed_at = None
        self.closed_by = None
        self.opened_at = at


@dataclass
class RelayMessage:
    """One message through the relay (its text encrypted at rest, never logged)."""

    id: int | None
    thread_id: int
    direction: Direction
    sender: str
    at: datetime
    text: str
    #: The member's message carried signs of danger (staff saw "posible crisis").
    crisis: bool = False


@dataclass
class RelayDelivery:
    """Which Telegram message, in whose chat, belongs to a thread: a reply to it goes there.

    The chat is named by its actor (`member:7`, `staff:3`), never by its Telegram id."""

    id: int | None
    thread_id: int
    recipient: str
    message_id: int


def check_relay_text(text: str) -> str:
    """The text to relay, trimmed; DomainError when empty or longer than Telegram allows."""
    cleaned = text.strip()
    if not cleaned:
        raise DomainError("nothing to relay")
    if len(cleaned) > MAX_RELAY_CHARS:
        raise RelayTooLong(len(cleaned))
    return cleaned


class RelayTooLong(DomainError):
    def __init__(self, length: int) -> None:
        super().__init__(
            f"a relayed message has {length} characters; the limit is {MAX_RELAY_CHARS}"
        )
        self.length = length


class RelayRateLimited(DomainError):
    def __init__(self) -> None:
        super().__init__(f"more than {MAX_PER_HOUR} relayed messages this hour")


class ThreadClosed(DomainError):
    def __init__(self, status: ThreadStatus, closed_by: str | None = None) -> None:
        super().__init__(f"the conversation is {status.value}")
        self.status = status
        self.closed_by = closed_by


# --- what staff must confirm before a member receives it ---------------------------------------

_PHONE = re.compile(r"(?:\+?\d[\s().-]*){7,}")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


@dataclass(frozen=True)
class Sensitive:
    phone: bool = False
    confidential_address: bool = False

    @property
    def any(self) -> bool:
        return self.phone or self.confidential_address


def sensitive_content(text: str, confidential_addresses: list[str]) -> Sensitive:
    """Whether a staff message carries a phone number, or the street address of a
    confidential place (which a member may receive only when staff confirm it)."""
    folded = _fold(text)
    address = any(
        (line := _fold(a)) and len(line) >= 6 and line in folded for a in confidential_addresses
    )
    return Sensitive(phone=bool(_PHONE.search(text)), confidential_address=address)
