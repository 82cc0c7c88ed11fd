"""What a nearest-services query returns, before and after the domain's rules apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.capacity import CapacityLevel
from domain.directory import Address, Location, Organization, Phone, Service
from domain.geo import Point
from domain.schedule import Schedule
from domain.taxonomy import Category


@dataclass(frozen=True)
class NearbyQuery:
    point: Point
    category: Category | None = None
    age: int | None = None
    limit: int = 5
    offset: int = 0
    #: Give up widening beyond this radius.
    max_radius_km: float = 300.0


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
