"""Small builders of directory data for tests (fictional, deterministic ids)."""

from __future__ import annotations

import uuid
from datetime import time

from domain.directory import (
    Address,
    Directory,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
)
from domain.schedule import Schedule
from domain.taxonomy import Category, Sector

NS = uuid.UUID("6f1c1d3e-0000-4000-8000-00000000a11a")


def uid(name: str) -> str:
    return str(uuid.uuid5(NS, name))


def add_service(
    directory: Directory,
    name: str,
    lat: float | None,
    lon: float | None,
    categories: set[Category],
    *,
    org: str | None = None,
    status: str = "active",
    min_age: int | None = None,
    max_age: int | None = None,
    confidential: bool = False,
    location_confidential: bool = False,
    timezone: str = "America/Ciudad_Juarez",
    hours: tuple[time, time] | None = (time(9), time(17)),
    weekdays: frozenset[int] = frozenset(range(5)),
    phone: str | None = "+52 55 0000 0001",
    municipality_code: str = "08037",
    at: str | None = None,
) -> Service:
    """Add a service at a new location, or at the location of service `at` (same address)."""
    org_name = org or f"{name} org"
    org_id = uid(f"org:{org_name}")
    if not any(o.id == org_id for o in directory.organizations):
        directory.organizations.append(
            Organization(id=org_id, name=f"{org_name} (demo)", sector=Sector.CIVIL_SOCIETY)
        )
    service = Service(
        id=uid(f"svc:{name}"),
        organization_id=org_id,
        name=name,
        status=status,
        categories=frozenset(categories),
        minimum_age=min_age,
        maximum_age=max_age,
        marked_confidential=confidential,
    )
    if at is not None:
        sal = ServiceAtLocation(
            id=uid(f"sal:{name}"), service_id=service.id, location_id=uid(f"loc:{at}")
        )
        directory.services.append(service)
        directory.services_at_location.append(sal)
        return service
    location = Location(
        id=uid(f"loc:{name}"),
        name=f"Sede {name}",
        latitude=lat,
        longitude=lon,
        organization_id=org_id,
        timezone=timezone,
        marked_confidential=location_confidential,
        municipality_code=municipality_code,
    )
    sal = ServiceAtLocation(id=uid(f"sal:{name}"), service_id=service.id, location_id=location.id)
    directory.services.append(service)
    directory.locations.append(location)
    directory.services_at_location.append(sal)
    directory.addresses.append(
        Address(
            id=uid(f"addr:{name}"),
            location_id=location.id,
            address_1="Calle Ficticia 123",
            city="Juárez",
            state_province="Chihuahua",
            postal_code="32000",
        )
    )
    if phone:
        directory.phones.append(Phone(id=uid(f"phone:{name}"), number=phone, service_id=service.id))
    if hours:
        directory.schedules.append(
            Schedule(
                id=uid(f"sched:{name}"),
                weekdays=weekdays,
                opens_at=hours[0],
                closes_at=hours[1],
                service_id=service.id,
            )
        )
    return service
