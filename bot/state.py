"""A member's conversation state, kept in PTB `user_data` (persisted, encrypted at rest).

Only what the next step needs: the kind of help, a typed place (a public gazetteer point), the
page of results and what a button refers to. Never message text, and never a location the
member shared (that stays in memory only: bot/points.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from bot.i18n import normalize_locale
from domain.geo import Point
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
    """What a 'map' button on a (public) result refers to."""

    service_id: str
    organization_name: str
    name: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None


@dataclass
class Offer:
    """What a 'contact me' button on a confidential place refers to (no address, no point)."""

    service_id: str
    organization_name: str


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
    #: A typed place's point (the gazetteer's, public). A shared location is never kept here.
    latitude: float | None = None
    longitude: float | None = None
    #: The search point is a typed place (True) or the member's shared location (False).
    approximate: bool = False
    place_label: str | None = None
    municipality: str | None = None
    inegi_code: str | None = None
    age: int | None = None
    page: int = 0
    #: Nothing was within the first radius: later pages look as far as the first did.
    wide: bool = False
    results: list[Venue] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    #: The result a consent request is about (a service id), if any.
    contact_service_id: str | None = None
    contact_organization: str | None = None

    @property
    def typed_point(self) -> Point | None:
        if self.approximate and self.latitude is not None and self.longitude is not None:
            return Point(self.latitude, self.longitude)
        return None

    def set_typed_place(self, latitude: float, longitude: float) -> None:
        self.latitude = round(latitude, COORD_DECIMALS)
        self.longitude = round(longitude, COORD_DECIMALS)
        self.approximate = True
        self.page = 0
        self.wide = False

    def set_shared_location(self) -> None:
        """The member shared their location: its point lives in memory only (bot/points.py)."""
        self.latitude = self.longitude = None
        self.approximate = False
        self.page = 0
        self.wide = False

    def clear_place(self) -> None:
        self.latitude = self.longitude = None
        self.approximate = False
        self.page = 0
        self.wide = False

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
            approximate = bool(data.get("approximate", False))
            return cls(
                step=Step(data.get("step", "idle")),
                purpose=Purpose(data.get("purpose", "search")),
                category=parse_category(data["category"]) if data.get("category") else None,
                # Only a typed place's point is ever kept (older states may hold a shared one).
                latitude=_float(data.get("latitude")) if approximate else None,
                longitude=_float(data.get("longitude")) if approximate else None,
                approximate=approximate,
                place_label=_str(data.get("place_label")),
                municipality=_str(data.get("municipality")),
                inegi_code=_str(data.get("inegi_code")),
                age=int(data["age"]) if data.get("age") is not None else None,
                page=int(data.get("page", 0)),
                wide=bool(data.get("wide", False)),
                results=[Venue(**v) for v in data.get("results", [])],
                offers=[Offer(**o) for o in data.get("offers", [])],
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
