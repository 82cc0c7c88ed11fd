"""The service directory: HSDS-shaped upsert/export and the nearest-services query."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

from rapidfuzz import fuzz, process
from sqlalchemy import String, Table, delete, func, select, type_coerce, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from domain.directory import (
    ACTIVE,
    Address,
    Directory,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    confidential_location_ids,
)
from domain.geo import Point
from domain.nearby import ConfidentialOffer, NearbyQuery, ServicePoint
from domain.schedule import Schedule
from domain.taxonomy import Category
from storage import grid, tables
from storage.batching import chunks
from storage.nearest import (
    ANY_CATEGORY,
    forget_density,
    nearest_ids,
    search_sync,
    sqlite_reader,
)

#: Ids per `IN (...)` list.
CHUNK = 500
T = TypeVar("T")


def _row(table: Table, entity: object) -> dict[str, Any]:
    return {c.name: getattr(entity, c.name) for c in table.columns}


class SqlDirectoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- writing ------------------------------------------------------------------------------

    async def _upsert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        insert = postgresql.insert if self._dialect() == "postgresql" else sqlite.insert
        stmt = insert(table)
        updates = {c.name: stmt.excluded[c.name] for c in table.columns if not c.primary_key}
        upsert = stmt.on_conflict_do_update(index_elements=["id"], set_=updates)
        # executemany: the statement is compiled once, whatever the number of rows.
        for chunk in chunks(rows, 5000):
            await self.session.execute(upsert, list(chunk))

    def _dialect(self) -> str:
        bind = self.session.bind
        assert bind is not None
        return bind.dialect.name

    async def upsert(self, directory: Directory) -> None:
        """Insert or update every entity by its HSDS id, then refresh the search points."""
        d = directory
        await self._upsert(
            tables.organizations, [_row(tables.organizations, o) for o in d.organizations]
        )
        await self._upsert(tables.services, [_row(tables.services, s) for s in d.services])
        await self._upsert(tables.locations, [_row(tables.locations, x) for x in d.locations])
        await self._upsert(
            tables.services_at_location,
            [_row(tables.services_at_location, x) for x in d.services_at_location],
        )
        await self._upsert(tables.addresses, [_row(tables.addresses, x) for x in d.addresses])
        await self._upsert(tables.phones, [_row(tables.phones, x) for x in d.phones])
        await self._upsert(tables.schedules, [_row(tables.schedules, x) for x in d.schedules])
        sal = tables.services_at_location
        # Whether a place is confidential depends on every service there: refresh every service
        # at a place this upsert touched, or a public service could keep a shelter's point.
        service_ids = {s.id for s in d.services}
        location_ids = {x.id for x in d.locations} | {x.location_id for x in d.services_at_location}
        for chunk in chunks(sorted(service_ids), CHUNK):
            rows = await self.session.execute(
                select(sal.c.location_id).where(sal.c.service_id.in_(chunk))
            )
            location_ids.update(r[0] for r in rows)
        affected = service_ids | {x.service_id for x in d.services_at_location}
        for chunk in chunks(sorted(location_ids), CHUNK):
            rows = await self.session.execute(
                select(sal.c.service_id).where(sal.c.location_id.in_(chunk))
            )
            affected.update(r[0] for r in rows)
        await self._refresh_points(sorted(affected))
        if isinstance(self.session.bind, AsyncEngine):
            forget_density(self.session.bind)
        self.session.expire_all()

    async def _refresh_points(self, service_ids: Sequence[str]) -> None:
        sal, svc, loc = tables.services_at_location, tables.services, tables.locations
        sp = tables.service_points
        for chunk in chunks(service_ids, CHUNK):
            await self.session.execute(delete(sp).where(sp.c.service_id.in_(chunk)))
            result = await self.session.execute(
                select(
                    sal.c.id,
                    sal.c.location_id,
                    svc.c.id,
                    svc.c.categories,
                    svc.c.minimum_age,
                    svc.c.maximum_age,
                    loc.c.latitude,
                    loc.c.longitude,
                )
                .join(svc, svc.c.id == sal.c.service_id)
                .join(loc, loc.c.id == sal.c.location_id)
                .where(
                    sal.c.service_id.in_(chunk),
                    svc.c.status == ACTIVE,
                    loc.c.latitude.is_not(None),
                    loc.c.longitude.is_not(None),
                )
            )
            found = result.all()
            hidden = await self.confidential_locations({r[1] for r in found})
            points: list[dict[str, Any]] = []
            for sal_id, location_id, service_id, categories, min_age, max_age, lat, lon in found:
                if location_id in hidden:
                    continue  # confidential places never enter the distance index
                row = {
                    "service_at_location_id": sal_id,
                    "service_id": service_id,
                    "latitude": lat,
                    "longitude": lon,
                    "cell_fine": grid.fine_cell(lat, lon),
                    "cell_coarse": grid.coarse_cell(lat, lon),
                    "minimum_age": min_age,
                    "maximum_age": max_age,
                }
                for category in [ANY_CATEGORY, *sorted(c.value for c in categories)]:
                    points.append({**row, "category": category})
            for part in chunks(points, 5000):
                await self.session.execute(sp.insert(), list(part))

    async def confidential_locations(self, location_ids: Collection[str]) -> set[str]:
        """Which of `location_ids` are confidential (marked, or offering a confidential service,
        active or not: a place that was a shelter stays hidden)."""
        hidden: set[str] = set()
        sal = tables.services_at_location
        for chunk in chunks(sorted(location_ids), CHUNK):
            locations = list(
                await self.session.scalars(
                    select(Location)
                    .where(tables.locations.c.id.in_(chunk))
                    .execution_options(populate_existing=True)
                )
            )
            pairs = (
                await self.session.execute(
                    select(ServiceAtLocation, Service)
                    .join(Service, tables.services.c.id == sal.c.service_id)
                    .where(sal.c.location_id.in_(chunk))
                    .execution_options(populate_existing=True)
                )
            ).all()
            hidden |= confidential_location_ids(
                locations, [p[1] for p in pairs], [p[0] for p in pairs]
            )
        return hidden

    # --- reading ------------------------------------------------------------------------------

    async def confidential_offers(
        self, municipality_code: str, category: Category | None, age: int | None
    ) -> list[ConfidentialOffer]:
        sal, loc = tables.services_at_location, tables.locations
        rows = (
            await self.session.execute(
                select(ServiceAtLocation, Service, Organization)
                .join(Service, tables.services.c.id == sal.c.service_id)
                .join(Organization, tables.organizations.c.id == tables.services.c.organization_id)
                .join(loc, loc.c.id == sal.c.location_id)
                .where(loc.c.municipality_code == municipality_code)
            )
        ).all()
        hidden = await self.confidential_locations({r[0].location_id for r in rows})
        offers: dict[str, ConfidentialOffer] = {}
        for place, service, organization in rows:
            if place.location_id not in hidden or not service.active:
                continue
            if category is not None and category not in service.categories:
                continue
            if not service.serves_age(age):
                continue
            offers[service.id] = ConfidentialOffer(
                service_id=service.id,
                service_name=service.name,
                organization_id=organization.id,
                organization_name=organization.name,
                categories=tuple(sorted(service.categories)),
                municipality_code=municipality_code,
            )
        return sorted(
            offers.values(), key=lambda o: (o.organization_name, o.service_name, o.service_id)
        )

    async def get_service(self, service_id: str) -> Service | None:
        return await self.session.get(Service, service_id)

    async def organization_name(self, organization_id: str) -> str | None:
        name: str | None = await self.session.scalar(
            select(tables.organizations.c.name).where(tables.organizations.c.id == organization_id)
        )
        return name

    async def get_organization(self, organization_id: str) -> Organization | None:
        return await self.session.get(Organization, organization_id)

    async def services_of(self, organization_id: str) -> list[Service]:
        rows = await self.session.scalars(
            select(Service)
            .where(tables.services.c.organization_id == organization_id)
            .order_by(tables.services.c.name, tables.services.c.id)
        )
        return list(rows)

    async def confidential_addresses(self) -> list[str]:
        sal, svc, loc, addr = (
            tables.services_at_location,
            tables.services,
            tables.locations,
            tables.addresses,
        )
        # Categories are stored as sorted comma-separated codes: a textual match finds the
        # shelters; `confidential_locations` then applies the domain's rule exactly.
        shelter = f"%{Category.SHELTER.value}%"
        candidates = set(
            await self.session.scalars(
                union(
                    select(loc.c.id).where(loc.c.marked_confidential.is_(True)),
                    select(sal.c.location_id)
                    .join(svc, svc.c.id == sal.c.service_id)
                    .where(
                        svc.c.marked_confidential.is_(True)
                        | type_coerce(svc.c.categories, String()).like(shelter)
                    ),
                )
            )
        )
        hidden = await self.confidential_locations(candidates)
        lines: list[str] = []
        for chunk in chunks(sorted(hidden), CHUNK):
            for a1, a2 in await self.session.execute(
                select(addr.c.address_1, addr.c.address_2).where(addr.c.location_id.in_(chunk))
            ):
                lines.append(a1)
                if a2:
                    lines.append(f"{a1} {a2}")
        return lines

    async def organization_municipalities(self, organization_id: str) -> list[str]:
        loc, sal, svc = tables.locations, tables.services_at_location, tables.services
        own = select(loc.c.municipality_code).where(loc.c.organization_id == organization_id)
        served = (
            select(loc.c.municipality_code)
            .join(sal, sal.c.location_id == loc.c.id)
            .join(svc, svc.c.id == sal.c.service_id)
            .where(svc.c.organization_id == organization_id)
        )
        rows = await self.session.execute(union(own, served))
        return sorted({r[0] for r in rows if r[0]})

    async def find_organizations(self, name: str, limit: int = 8) -> list[Organization]:
        """By folded name: an exact match alone; else every name containing all the words;
        else the closest names (rapidfuzz), best first."""
        wanted = fold_name(name)
        if not wanted:
            return []
        everyone = list(
            await self.session.scalars(select(Organization).order_by(tables.organizations.c.name))
        )
        folded = [(fold_name(o.name), o) for o in everyone]
        exact = [o for f, o in folded if f == wanted or f.removesuffix(" demo") == wanted]
        if exact:
            return exact[:limit]
        words = wanted.split()
        containing = [o for f, o in folded if all(w in f.split() or w in f for w in words)]
        if containing:
            return containing[:limit]
        ranked = process.extract(
            wanted, [f for f, _o in folded], scorer=fuzz.WRatio, limit=limit, score_cutoff=75
        )
        return [folded[index][1] for _match, _score, index in ranked]

    async def count_services(self) -> int:
        return int(
            await self.session.scalar(select(func.count()).select_from(tables.services)) or 0
        )

    async def export(self) -> Directory:
        async def all_of(entity: type[T], table: Table) -> list[T]:
            return list(await self.session.scalars(select(entity).order_by(table.c.id)))

        return Directory(
            organizations=await all_of(Organization, tables.organizations),
            services=await all_of(Service, tables.services),
            locations=await all_of(Location, tables.locations),
            services_at_location=await all_of(ServiceAtLocation, tables.services_at_location),
            addresses=await all_of(Address, tables.addresses),
            phones=await all_of(Phone, tables.phones),
            schedules=await all_of(Schedule, tables.schedules),
        )

    async def nearest_ids(self, query: NearbyQuery) -> list[tuple[str, str, float]]:
        """(service_at_location id, service id, km) of the nearest services (storage.nearest)."""
        return await nearest_ids(self.session, query)

    async def nearest(self, query: NearbyQuery) -> list[ServicePoint]:
        bind = self.session.bind
        reader = sqlite_reader(bind) if isinstance(bind, AsyncEngine) else None
        if reader is not None and isinstance(bind, AsyncEngine):
            # On SQLite the read runs on a pysqlite reader, on the loop: storage/nearest.py.
            with Session(reader) as session:
                ranked = search_sync(session.connection(), bind.sync_engine, query)
                return load_points(session, ranked)
        ranked = await nearest_ids(self.session, query)
        return await self.session.run_sync(load_points, ranked)


def load_points(session: Session, ranked: list[tuple[str, str, float]]) -> list[ServicePoint]:
    """Services, organisations, locations, addresses, phones and schedules of the ranked points."""
    if not ranked:
        return []
    sal_ids = [sal_id for sal_id, _sid, _km in ranked]
    rows = session.execute(
        select(ServiceAtLocation, Service, Organization, Location)
        .join(Service, tables.services.c.id == tables.services_at_location.c.service_id)
        .join(Organization, tables.organizations.c.id == tables.services.c.organization_id)
        .join(Location, tables.locations.c.id == tables.services_at_location.c.location_id)
        .where(tables.services_at_location.c.id.in_(sal_ids))
    )
    by_sal = {r[0].id: r for r in rows}
    location_ids = sorted({r[3].id for r in by_sal.values()})
    service_ids = sorted({r[1].id for r in by_sal.values()})
    org_ids = sorted({r[2].id for r in by_sal.values()})

    addresses: dict[str, Address] = {}
    for address in session.scalars(
        select(Address)
        .where(tables.addresses.c.location_id.in_(location_ids))
        .order_by(tables.addresses.c.id)
    ):
        addresses.setdefault(address.location_id, address)

    ph, sc = tables.phones, tables.schedules
    phones = list(
        session.scalars(
            select(Phone)
            .where(
                ph.c.id.in_(
                    _ids_by_any(
                        ph,
                        {
                            "service_at_location_id": sal_ids,
                            "service_id": service_ids,
                            "location_id": location_ids,
                            "organization_id": org_ids,
                        },
                    )
                )
            )
            .order_by(ph.c.id)
        )
    )
    schedules = list(
        session.scalars(
            select(Schedule)
            .where(
                sc.c.id.in_(
                    _ids_by_any(
                        sc,
                        {
                            "service_at_location_id": sal_ids,
                            "service_id": service_ids,
                            "location_id": location_ids,
                        },
                    )
                )
            )
            .order_by(sc.c.id)
        )
    )

    points: list[ServicePoint] = []
    for sal_id, _sid, km in ranked:
        sal, service, organization, location = by_sal[sal_id]
        points.append(
            ServicePoint(
                service_at_location_id=sal_id,
                service=service,
                organization=organization,
                location=location,
                distance_km=km,
                address=addresses.get(location.id),
                phones=_most_specific(
                    phones,
                    sal,
                    ("service_at_location_id", "service_id", "location_id", "organization_id"),
                    organization.id,
                ),
                schedules=_most_specific(
                    schedules,
                    sal,
                    ("service_at_location_id", "service_id", "location_id"),
                    organization.id,
                ),
            )
        )
    return points


def _ids_by_any(table: Table, keys: dict[str, Sequence[str]]) -> Any:
    """`SELECT id ... WHERE a IN (..) UNION SELECT id ... WHERE b IN (..)`: one indexed lookup per
    column (an OR across columns makes SQLite scan the whole table)."""
    return union(
        *(select(table.c.id).where(table.c[name].in_(values)) for name, values in keys.items())
    )


def _most_specific(
    items: list[T], sal: ServiceAtLocation, keys: Sequence[str], organization_id: str
) -> list[T]:
    """The items attached most specifically to this service at this location.

    A phone or schedule of the service-at-location wins over one of the service (at this
    location or with no location), which wins over the location's, then the organisation's.
    """
    wanted = {
        "service_at_location_id": sal.id,
        "service_id": sal.service_id,
        "location_id": sal.location_id,
        "organization_id": organization_id,
    }
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for key in keys:
            if getattr(item, key) == wanted[key]:
                if key == "service_id":
                    other_location = getattr(item, "location_id", None)
                    if other_location not in (None, sal.location_id):
                        break
                groups[key].append(item)
                break
    for key in keys:
        if groups[key]:
            return groups[key]
    return []


__all__ = ["ANY_CATEGORY", "Point", "SqlDirectoryRepository"]


def fold_name(name: str) -> str:
    """Lower case, no accents, no punctuation: "Centro Comunitario (demo)" -> "centro
    comunitario demo"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())
