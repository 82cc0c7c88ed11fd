"""The service directory, shaped like Open Referral HSDS 3.1 so import/export is a mapping."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from domain.schedule import Schedule
from domain.taxonomy import Category, Eligibility, Sector

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
    fees_description: str | None = None
    eligibility_description: str | None = None
    interpretation_services: str | None = None
    wait_time: str | None = None
    #: A short-term notice (HSDS `alert`): members see it first.
    alert: str | None = None
    #: Who the service is for beyond age (terms of taxonomy `juntos_eligibility`).
    eligibility: frozenset[Eligibility] = frozenset()

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
class CostOption:
    """HSDS `cost_options`: what using a service costs (`option` "free", or an amount)."""

    id: str
    service_id: str
    option: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_description: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None

    @property
    def free(self) -> bool:
        return (self.option or "").strip().casefold() == FREE_OPTION or self.amount == 0


#: The `cost_options.option` that says a service costs nothing.
FREE_OPTION = "free"


def is_free(options: Iterable[CostOption]) -> bool:
    """A service is free when one of its cost options says so (option "free" or amount 0)."""
    return any(option.free for option in options)


@dataclass
class ServiceLanguage:
    """HSDS `languages`: a language (ISO 639 code) a service, location or phone works in."""

    id: str
    code: str
    name: str | None = None
    service_id: str | None = None
    location_id: str | None = None
    phone_id: str | None = None
    note: str | None = None


@dataclass
class Accessibility:
    """HSDS `accessibility`: what makes a location reachable for people with disabilities."""

    id: str
    location_id: str
    description: str | None = None
    details: str | None = None
    url: str | None = None


@dataclass
class RequiredDocument:
    """HSDS `required_documents`: a document to bring ("INE", "acta de nacimiento")."""

    id: str
    service_id: str
    document: str
    uri: str | None = None


@dataclass
class Municipality:
    inegi_code: str
    name: str
    state: str
    timezone: str
    #: Its most populous place (None when unknown).
    latitude: float | None = None
    longitude: float | None = None


def confidential_location_ids(
    locations: Iterable[Location],
    services: Iterable[Service],
    services_at_location: Iterable[ServiceAtLocation],
) -> set[str]:
    """Locations whose address and point must never reach a member.

    Confidential is a property of the place: a location is confidential when it is marked so,
    or when any service offered there is (every shelter, anything marked confidential). A
    public service sharing a shelter's address must not show that address.
    """
    confidential_services = {s.id for s in services if s.confidential}
    hidden = {x.id for x in locations if x.marked_confidential}
    hidden.update(
        sal.location_id for sal in services_at_location if sal.service_id in confidential_services
    )
    return hidden


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
    cost_options: list[CostOption] = field(default_factory=list)
    languages: list[ServiceLanguage] = field(default_factory=list)
    accessibility: list[Accessibility] = field(default_factory=list)
    required_documents: list[RequiredDocument] = field(default_factory=list)


#: What an export shows instead of a confidential place's name.
CONFIDENTIAL_NAME = "Confidential location"


def redact_confidential(directory: Directory) -> tuple[Directory, int]:
    """The directory without the address, point, name or description of confidential places.

    Returns the redacted copy and how many places were redacted. Everything else (services,
    phones, schedules, the municipality) stays, so members can still be referred there.
    """
    hidden = confidential_location_ids(
        directory.locations, directory.services, directory.services_at_location
    )
    locations = [
        replace(x, latitude=None, longitude=None, name=CONFIDENTIAL_NAME, description="")
        if x.id in hidden
        else x
        for x in directory.locations
    ]
    redacted = replace(
        directory,
        locations=locations,
        addresses=[a for a in directory.addresses if a.location_id not in hidden],
        accessibility=[a for a in directory.accessibility if a.location_id not in hidden],
    )
    return redacted, len(hidden)
