"""Callback data of the staff side: short typed tokens, built and parsed here, always untrusted.

Prefixes: `sr:` answering a referral, `sc:` cases (list, open, follow up; `sc:k:` the weekly
capacity answer of a service), `rf:` the guided
referral, `ff:` the follow-up card. Anything else, or any value out of its closed vocabulary,
parses to None (the handler then answers politely and changes nothing). Whether the person
pressing may do it is decided by the domain, never by the token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.cases import Gender, ReferralStatus, RejectionReason
from domain.taxonomy import Category

MAX_BYTES = 64
#: Ids come from our own database: positive and well below this.
MAX_ID = 10**12
PATTERN = r"^(sr|sc|rf|ff):"


@dataclass(frozen=True)
class Answer:
    """Accept (accept=True) or start rejecting (accept=False, asks for a reason)."""

    referral_id: int
    accept: bool


@dataclass(frozen=True)
class RejectWith:
    referral_id: int
    reason: RejectionReason


@dataclass(frozen=True)
class OpenCase:
    case_id: int


@dataclass(frozen=True)
class CasesPage:
    page: int


@dataclass(frozen=True)
class FollowCase:
    """Open the follow-up card of a case."""

    case_id: int


@dataclass(frozen=True)
class CapacityInput:
    """The weekly check-in answer for one service (`level`: o open, l limited, f full)."""

    service_id: str
    level: str


#: Capacity answers on the button (one letter each) and their CapacityLevel values.
CAPACITY_CODES = {"o": "open", "l": "limited", "f": "full"}
_SERVICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class ReferralInput:
    """A button of the guided referral: `field` is one of REFERRAL_FIELDS."""

    field: str
    value: str


@dataclass(frozen=True)
class FollowUpInput:
    """A button of the follow-up card: `field` is one of FOLLOW_UP_FIELDS."""

    field: str
    value: str


Action = (
    Answer
    | RejectWith
    | OpenCase
    | CasesPage
    | FollowCase
    | CapacityInput
    | ReferralInput
    | FollowUpInput
)

#: Guided referral buttons and the values each accepts (None: checked by the flow).
REFERRAL_FIELDS: dict[str, frozenset[str] | None] = {
    "age": frozenset({"na"}),
    "gender": frozenset(g.value for g in Gender),
    "muni": None,  # an index into the offered municipalities, or "own"
    "need": frozenset(c.value for c in Category),
    "dest": None,  # an index into the offered destinations, or "name" (search by name)
    "urgent": frozenset({"0", "1"}),
    "consent": frozenset({"0", "1"}),
    "note": frozenset({"none"}),
    "do": frozenset({"confirm", "edit", "cancel"}),
    "edit": frozenset({"alias", "age", "gender", "muni", "need", "dest", "urgent", "note"}),
}
FOLLOW_UP_FIELDS: dict[str, frozenset[str] | None] = {
    "status": frozenset(s.value for s in ReferralStatus),
    "reason": frozenset(r.value for r in RejectionReason),
    "due": frozenset({"3", "7", "14", "typed", "none"}),
    "note": frozenset({"add", "clear"}),
    "do": frozenset({"save", "cancel"}),
}


def is_staff_data(data: str | None) -> bool:
    """Whether the data carries a staff prefix (PTB matches buttons without data everywhere)."""
    return bool(data) and re.match(PATTERN, data or "") is not None


def encode(action: Action) -> str:
    match action:
        case Answer(referral_id, accept):
            data = f"sr:{'a' if accept else 'n'}:{referral_id}"
        case RejectWith(referral_id, reason):
            data = f"sr:x:{referral_id}:{reason.value}"
        case OpenCase(case_id):
            data = f"sc:o:{case_id}"
        case CasesPage(page):
            data = f"sc:p:{page}"
        case FollowCase(case_id):
            data = f"sc:f:{case_id}"
        case CapacityInput(service_id, level):
            data = f"sc:k:{service_id}:{level}"
        case ReferralInput(field, value):
            data = f"rf:{field}:{value}"
        case FollowUpInput(field, value):
            data = f"ff:{field}:{value}"
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def _id(text: str) -> int | None:
    if text.isascii() and text.isdigit() and 0 < len(text) <= 12:
        value = int(text)
        return value if 0 < value < MAX_ID else None
    return None


def _index(text: str, limit: int = 9) -> bool:
    return text.isascii() and text.isdigit() and len(text) == 1 and int(text) <= limit


def parse(data: str | None) -> Action | None:
    """Parse untrusted callback data; None for anything `encode` would not produce."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    try:
        match parts:
            case ["sr", "a" | "n" as verb, raw] if (rid := _id(raw)) is not None:
                return Answer(rid, accept=verb == "a")
            case ["sr", "x", raw, reason] if (rid := _id(raw)) is not None:
                return RejectWith(rid, RejectionReason(reason))
            case ["sc", "o", raw] if (cid := _id(raw)) is not None:
                return OpenCase(cid)
            case ["sc", "f", raw] if (cid := _id(raw)) is not None:
                return FollowCase(cid)
            case ["sc", "k", service_id, level] if (
                _SERVICE_ID.match(service_id) and level in CAPACITY_CODES
            ):
                return CapacityInput(service_id, level)
            case ["sc", "p", raw] if raw.isascii() and raw.isdigit() and len(raw) <= 4:
                return CasesPage(int(raw))
            case ["rf", field, value] if field in REFERRAL_FIELDS:
                allowed = REFERRAL_FIELDS[field]
                if allowed is not None and value not in allowed:
                    return None
                if allowed is None and not (_index(value) or value in ("own", "name")):
                    return None
                return ReferralInput(field, value)
            case ["ff", field, value] if field in FOLLOW_UP_FIELDS:
                allowed = FOLLOW_UP_FIELDS[field]
                return FollowUpInput(field, value) if allowed and value in allowed else None
    except ValueError:
        return None
    return None
