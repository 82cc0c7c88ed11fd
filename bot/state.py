"""A member's conversation state, kept in PTB `user_data` (persisted, encrypted at rest).

Only what the next step needs: the kind of help, a typed place (a public gazetteer point), the
page of results and what a button refers to. Never message text, and never a location the
member shared (that stays in memory only: bot/points.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from bot.i18n import normalize_locale
from domain.geo import Point
from domain.languages import normalize_code
from domain.nearby import NO_FILTERS, SearchFilters
from domain.taxonomy import Category, parse_category, parse_eligibility

LOCALE_KEY = "locale"
FLOW_KEY = "flow"
#: The state between flows (the menu).
IDLE = "idle"
#: ~100 m: enough to find the nearest services, not enough to pin a home.
COORD_DECIMALS = 3


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
class FlowData:
    """What the member's flows know so far (the flows' state lives in `Conversation`)."""

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
    #: The need and municipality (never a point) of the search last counted as demand.
    counted: str | None = None
    #: What the places must offer: remembered for the conversation, across searches.
    filters: SearchFilters = NO_FILTERS

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
        data["category"] = self.category.value if self.category else None
        data["filters"] = filters_to_dict(self.filters)
        return data

    @classmethod
    def from_dict(cls, data: dict[Any, Any]) -> FlowData:
        """Rebuild from persisted data (TypeError, ValueError or KeyError when unreadable)."""
        approximate = bool(data.get("approximate", False))
        return cls(
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
            counted=_str(data.get("counted")),
            filters=filters_from_dict(data.get("filters")),
        )


def filters_to_dict(filters: SearchFilters) -> dict[str, Any]:
    return {
        "free": filters.free,
        "open_now": filters.open_now,
        "eligibility": filters.eligibility.value if filters.eligibility else None,
        "language": filters.language,
        "accessible": filters.accessible,
    }


def filters_from_dict(data: Any) -> SearchFilters:
    """Filters from persisted data; anything unreadable is dropped (never an error)."""
    if not isinstance(data, dict):
        return NO_FILTERS
    eligibility = data.get("eligibility")
    language = data.get("language")
    return SearchFilters(
        free=data.get("free") is True,
        open_now=data.get("open_now") is True,
        eligibility=parse_eligibility(eligibility) if isinstance(eligibility, str) else None,
        language=normalize_code(language) if isinstance(language, str) else None,
        accessible=data.get("accessible") is True,
    )


@dataclass
class Conversation:
    """Where the member is in their conversation, and what the flows know so far.

    `state` is the value of one flow state (`search.place`, ...; "idle" between flows), read
    and written only by `bot/flows/conversation.py`. `back` is the state a flow that was
    entered from the search results returns to when it ends.
    """

    state: str = IDLE
    back: str | None = None
    data: FlowData = field(default_factory=FlowData)

    def to_dict(self) -> dict[str, Any]:
        return {**self.data.to_dict(), "state": self.state, "back": self.back}

    @classmethod
    def from_dict(cls, stored: object) -> Conversation:
        """Rebuild from persisted data; anything unreadable starts afresh.

        Reads the format written before the flows had tables (`step` and `purpose`).
        """
        if not isinstance(stored, dict):
            return cls()
        try:
            data = FlowData.from_dict(stored)
        except (TypeError, ValueError, KeyError):
            return cls()
        state = stored.get("state")
        if state is None and "step" in stored:
            state = _BEFORE_TABLES.get((stored.get("step"), stored.get("purpose", "search")))
        back = stored.get("back")
        if not isinstance(state, str):
            return cls()
        return cls(state=state, back=back if isinstance(back, str) else None, data=data)


#: Persisted (step, purpose) of the version before the flow tables -> the state it meant.
_BEFORE_TABLES: dict[tuple[object, object], str] = {
    ("idle", "search"): IDLE,
    ("idle", "contact"): IDLE,
    ("need", "search"): "search.need",
    ("place", "search"): "search.place",
    ("results", "search"): "search.results",
    ("results", "contact"): "search.results",
    ("need", "contact"): "contact.need",
    ("place", "contact"): "contact.place",
    ("consent", "search"): "contact.consent",
    ("consent", "contact"): "contact.consent",
    ("delete", "search"): "forget.confirm",
    ("delete", "contact"): "forget.confirm",
}


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def load_conversation(user_data: dict[Any, Any]) -> Conversation:
    return Conversation.from_dict(user_data.get(FLOW_KEY))


def save_conversation(user_data: dict[Any, Any], conversation: Conversation) -> None:
    user_data[FLOW_KEY] = conversation.to_dict()


def member_locale(user_data: dict[Any, Any], language_code: str | None, default: str) -> str:
    """The member's chosen language, else their Telegram app's, else the default."""
    chosen = user_data.get(LOCALE_KEY)
    if isinstance(chosen, str):
        return normalize_locale(chosen, default)
    return normalize_locale(language_code, default)
