"""What a nearest-services query returns, before and after the domain's rules apply."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from domain.capacity import CapacityLevel
from domain.directory import Address, Location, Organization, Phone, Service
from domain.geo import Point
from domain.schedule import Schedule
from domain.taxonomy import Category, Eligibility


@dataclass(frozen=True)
class SearchFilters:
    """What a place must offer besides the kind of help and the age.

    Filters choose among public places only: confidential places are named by municipality,
    never filtered by where they are, how they are reached or when they open.
    """

    #: Only services free of charge (a cost option "free" or an amount of 0).
    free: bool = False
    #: Only services open at the moment of the search.
    open_now: bool = False
    #: Only services for these people (taxonomy `juntos_eligibility`).
    eligibility: Eligibility | None = None
    #: Only services working in this language (ISO 639 code).
    language: str | None = None
    #: Only places with an accessibility provision.
    accessible: bool = False

    def active(self) -> tuple[str, ...]:
        """The names of the filters set, in the order they are shown ("Gratis · abierto
        ahora"): free, open_now, eligibility, language, accessible."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name) not in (False, None))

    def __bool__(self) -> bool:
        return bool(self.active())


NO_FILTERS = SearchFilters()


@dataclass(frozen=True)
class NearbyQuery:
    point: Point
    category: Category | None = None
    age: int | None = None
    limit: int = 5
    offset: int = 0
    #: Give up widening beyond this radius.
    max_radius_km: float = 300.0
    filters: SearchFilters = NO_FILTERS
    #: The moment "open now" refers to (required with `filters.open_now`).
    at: datetime | None = None


@dataclass(frozen=True)
class ServiceCard:
    """Everything a member sees of one public service at one place, kept ready by storage so
    the complete answer is one read (see storage/cards.py). Hours are weekly spans
    (domain/schedule.weekly_spans)."""

    service_at_location_id: str
    service_id: str
    service_name: str
    organization_id: str
    organization_name: str
    categories: tuple[Category, ...]
    minimum_age: int | None
    maximum_age: int | None
    description: str
    location_id: str
    location_name: str
    timezone: str
    latitude: float | None
    longitude: float | None
    address: str | None
    phones: tuple[str, ...]
    hours: tuple[tuple[int, int], ...]
    alert: str | None = None
    free: bool = False
    fees_description: str | None = None
    eligibility: tuple[Eligibility, ...] = ()
    #: ISO 639 code and the name the feed gives it, Spanish first then by code.
    languages: tuple[tuple[str, str | None], ...] = ()
    accessibility: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardAt:
    """A card found by the nearest query, with its distance."""

    card: ServiceCard
    distance_km: float


@dataclass
class ServicePoint:
    """A service offered at a location, with what is needed to present it (storage -> domain)."""

    service_at_location_id: str
    service: Service
    organization: Organization
    location: Location
    distance_km: float
    address: Address | None = None
    phones: list[Phone] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)


@dataclass(frozen=True)
class NearbyService:
    """A public place a member may see, with its distance, address and point.

    Confidential places are never a NearbyService: they take no part in the distance ranking
    (see `ConfidentialOffer`)."""

    service_id: str
    service_name: str
    organization_id: str
    organization_name: str
    categories: tuple[Category, ...]
    category: Category | None
    distance_km: float
    open_now: bool
    next_opening: datetime | None
    timezone: str
    has_schedule: bool
    phones: tuple[str, ...]
    location_id: str | None
    location_name: str | None
    address: str | None
    point: Point | None
    minimum_age: int | None
    maximum_age: int | None
    description: str = ""
    #: This week's answer of its organisation (unknown when none in two weeks).
    capacity: CapacityLevel = CapacityLevel.UNKNOWN
    #: A short-term notice from the service (shown first).
    alert: str | None = None
    free: bool = False
    eligibility: tuple[Eligibility, ...] = ()
    #: ISO 639 code and the feed's name for it.
    languages: tuple[tuple[str, str | None], ...] = ()
    #: What makes the place accessible (descriptions); empty when nothing is known.
    accessibility: tuple[str, ...] = ()
    #: Documents to bring.
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConfidentialOffer:
    """A confidential place (a shelter, anything marked confidential) offering some help in a
    municipality. It carries no address, no point, no distance and no order by distance: ranking
    it among public places, or bounding its distance, would pin it down from a few shared
    locations. Members reach it only by asking to be contacted."""

    service_id: str
    service_name: str
    organization_id: str
    organization_name: str
    categories: tuple[Category, ...]
    municipality_code: str
