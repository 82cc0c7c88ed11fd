"""A member's conversation state, kept in PTB `user_data` (persisted, encrypted at rest).

Only what the next step needs: the kind of help, an approximate point (rounded to ~100 m),
the page of results and what a button refers to. Never message text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from bot.i18n import normalize_locale
from domain.taxonomy import Category, parse_category

LOCALE_KEY = "locale"
FLOW_KEY = "flow"
#: ~100 m: enough to find the nearest services, not enough to pin a home.
COORD_DECIMALS = 3


class Step(StrEnum):
    IDLE = "idle"
    NEED = "need"  # choosing the kind of help
    PLACE = "place"  # asked where they are
    RESULTS = "results"
    CONSENT = "consent"  # asked to agree to be contacted
    DELETE = "delete"  # asked to confirm /borrar


class Purpose(StrEnum):
    SEARCH = "search"
    CONTACT = "contact"


@dataclass
class Venue:
    """What a 'map' or 'contact me' button on a result refers to."""

    service_id: str
    organization_name: str
    name: str
    confidential: bool
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None


@dataclass
class Candidate:
    name: str
    municipality: str
    inegi_code: str
    latitude: float
    longitude: float
    approximate: bool


@dataclass
class Flow:
    step: Step = Step.IDLE
    purpose: Purpose = Purpose.SEARCH
    category: Category | None = None
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False
    place_label: str | None = None
    municipality: str | None = None
    inegi_code: str | None = None
    age: int | None = None
    page: int = 0
    results: list[Venue] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    #: The result a consent request is about (a service id), if any.
    contact_service_id: str | None = None
    contact_organization: str | None = None

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def set_point(self, latitude: float, longitude: float, approximate: bool) -> None:
        self.latitude = round(latitude, COORD_DECIMALS)
        self.longitude = round(longitude, COORD_DECIMALS)
        self.approximate = approximate
        self.page = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["step"] = self.step.value
        data["purpose"] = self.purpose.value
        data["category"] = self.category.value if self.category else None
        return data

    @classmethod
    def from_dict(cls, data: object) -> Flow:
        """Rebuild from persisted data; anything unreadable starts a fresh flow."""
        if not isinstance(data, dict):
            return cls()
        try:
            return cls(
                step=Step(data.get("step", "idle")),
                purpose=Purpose(data.get("purpose", "search")),
                category=parse_category(data["category"]) if data.get("category") else None,
                latitude=_float(data.get("latitude")),
                longitude=_float(data.get("longitude")),
                approximate=bool(data.get("approximate", False)),
                place_label=_str(data.get("place_label")),
                municipality=_str(data.get("municipality")),
                inegi_code=_str(data.get("inegi_code")),
                age=int(data["age"]) if data.get("age") is not None else None,
                page=int(data.get("page", 0)),
                results=[Venue(**v) for v in data.get("results", [])],
                candidates=[Candidate(**c) for c in data.get("candidates", [])],
                contact_service_id=_str(data.get("contact_service_id")),
                contact_organization=_str(data.get("contact_organization")),
            )
        except (TypeError, ValueError, KeyError):
            return cls()


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def load_flow(user_data: dict[Any, Any]) -> Flow:
    return Flow.from_dict(user_data.get(FLOW_KEY))


def save_flow(user_data: dict[Any, Any], flow: Flow) -> None:
    user_data[FLOW_KEY] = flow.to_dict()


def member_locale(user_data: dict[Any, Any], language_code: str | None, default: str) -> str:
    """The member's chosen language, else their Telegram app's, else the default."""
    chosen = user_data.get(LOCALE_KEY)
    if isinstance(chosen, str):
        return normalize_locale(chosen, default)
    return normalize_locale(language_code, default)
