"""The service directory, shaped like Open Referral HSDS 3.1 so import/export is a mapping."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.schedule import Schedule
from domain.taxonomy import Category, Sector

ACTIVE = "active"
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")


@dataclass
class Organization:
    id: str
    name: str
    description: str = ""
    email: str | None = None
    website: str | None = None
    sector: Sector | None = None


@dataclass
class Service:
    id: str
    organization_id: str
    name: str
    status: str = ACTIVE
    description: str = ""
    email: str | None = None
    url: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    categories: frozenset[Category] = frozenset()
    #: Marked with the `confidential` term of taxonomy `juntos`.
    marked_confidential: bool = False

    @property
    def confidential(self) -> bool:
        """Shelters and services marked confidential never show an address to members."""
        return self.marked_confidential or Category.SHELTER in self.categories

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def serves_age(self, age: int | None) -> bool:
        if age is None:
            return True
        if self.minimum_age is not None and age < self.minimum_age:
            return False
        return not (self.maximum_age is not None and age > self.maximum_age)


@dataclass
class Address:
    id: str
    location_id: str
    address_1: str
    city: str
    state_province: str
    postal_code: str
    country: str = "MX"
    address_2: str = ""
    address_type: str = "physical"


@dataclass
class Location:
    id: str
    name: str
    latitude: float | None
    longitude: float | None
    organization_id: str | None = None
    description: str = ""
    location_type: str = "physical"
    #: INEGI municipality code (5 digits), carried in HSDS as external_identifier (type INEGI).
    municipality_code: str | None = None
    #: IANA time zone in which the location's schedules are read.
    timezone: str = "America/Mexico_City"
    marked_confidential: bool = False


@dataclass
class ServiceAtLocation:
    id: str
    service_id: str
    location_id: str
    description: str = ""


@dataclass
class Phone:
    id: str
    number: str
    organization_id: str | None = None
    service_id: str | None = None
    location_id: str | None = None
    service_at_location_id: str | None = None
    extension: str | None = None
    type: str = "voice"
    description: str = ""


@dataclass
class Municipality:
    inegi_code: str
    name: str
    state: str
    timezone: str


@dataclass
class Directory:
    """A whole directory in memory: what an import reads and an export writes."""

    organizations: list[Organization] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    services_at_location: list[ServiceAtLocation] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
