"""Who acts in Juntos: members (anyone chatting), partner staff, coordinators, admins."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError


class Role(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


@dataclass
class StaffMember:
    """A person with a role beyond `member`: staff of one organisation, or a coordinator."""

    id: int | None
    display_name: str
    role: Role
    organization_id: str | None = None
    #: INEGI codes a coordinator covers (empty for staff).
    municipality_codes: frozenset[str] = frozenset()
    #: Telegram chat id to reach them; stored encrypted by the storage layer.
    chat_id: int | None = None
    active: bool = True
    #: The language their notices are written in (es_MX or en).
    locale: str = "es_MX"
    linked_at: datetime | None = None
    revoked_at: datetime | None = None
    #: They blocked the bot (a send got 403): reminders skip them until they write again.
    unreachable_at: datetime | None = None

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.id}"

    def revoke(self, at: datetime) -> None:
        """Take the role away: the person keeps member features only (the chat link goes)."""
        if not self.active:
            raise DomainError(f"staff {self.id} is already revoked")
        self.active = False
        self.revoked_at = at
        self.chat_id = None


class InviteOutcome(StrEnum):
    LINKED = "linked"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    #: Too many wrong codes from this chat lately: refused for a while, whatever the code.
    LOCKED = "locked"


#: Wrong codes a chat may send in LOCK_WINDOW before it is refused for LOCK_WINDOW.
MAX_WRONG_CODES = 5


def new_invite_code() -> str:
    """A one-time code that fits a Telegram deep link (`?start=`: letters, digits, _ and -)."""
    return secrets.token_urlsafe(15)


def hash_invite_code(code: str) -> str:
    """Codes are stored hashed: 120 random bits need no key to resist guessing."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


@dataclass
class Invite:
    """A one-time, expiring invitation to take a role in an organisation."""

    id: int | None
    code_hash: str
    role: Role
    organization_id: str
    created_at: datetime
    expires_at: datetime
    created_by: str = "operator"
    municipality_codes: frozenset[str] = frozenset()
    used_at: datetime | None = None
    staff_id: int | None = None

    def outcome_at(self, now: datetime) -> InviteOutcome:
        """What redeeming it now would give (LINKED when it still works)."""
        if self.used_at is not None:
            return InviteOutcome.USED
        if now >= self.expires_at:
            return InviteOutcome.EXPIRED
        return InviteOutcome.LINKED

    def redeem(self, staff_id: int, at: datetime) -> None:
        outcome = self.outcome_at(at)
        if outcome is not InviteOutcome.LINKED:
            raise DomainError(f"invite {self.id} cannot be redeemed: {outcome.value}")
        self.used_at = at
        self.staff_id = staff_id


@dataclass
class Member:
    """A person chatting with the bot. Only what is needed to answer them back is kept.

    `chat_id` is stored encrypted and looked up through a keyed hash, never in clear.
    """

    id: int | None
    chat_id: int
    locale: str = "es_MX"
    created_at: datetime | None = None
    consents: dict[str, datetime] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        return f"member:{self.id}"
