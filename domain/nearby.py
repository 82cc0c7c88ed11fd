"""What a nearest-services query returns, before and after the domain's rules apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
    """A result a member may see. Confidential places carry no address and no point, and
    their distance is only an upper bound (`distance_is_bound`): exact distances from a few
    shared points would pin the place down."""

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
    confidential: bool
    has_schedule: bool
    phones: tuple[str, ...]
    location_id: str | None
    location_name: str | None
    address: str | None
    point: Point | None
    minimum_age: int | None
    maximum_age: int | None
    description: str = ""
    distance_is_bound: bool = False
