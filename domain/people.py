"""Who acts in Juntos: members (anyone chatting), partner staff, coordinators, admins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


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

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.id}"


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
