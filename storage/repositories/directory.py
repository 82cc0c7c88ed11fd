"""The service directory: HSDS-shaped upsert/export and the nearest-services query."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

from rapidfuzz import fuzz, process
from sqlalchemy import String, Table, func, select, type_coerce, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from domain.cards import most_specific
from domain.directory import (
    Accessibility,
    Address,
    CostOption,
    Directory,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    confidential_location_ids,
)
from domain.geo import Point
from domain.nearby import CardAt, ConfidentialOffer, NearbyQuery, ServicePoint
from domain.schedule import Schedule
from domain.taxonomy import Category
from storage import tables
from storage.batching import chunks
from storage.cards import (
    ANY_CATEGORY,
    card_from_json,
    refresh_search_rows,
)
from storage.nearest import (
    cards_sync,
    forget_density,
    nearest_ids,
    nearest_with_cards,
    raw_reader,
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
        """Insert or update every entity by its HSDS id, then refresh the search rows of every
        service whose answer it may change."""
        d = directory
        parts: list[tuple[Table, list[Any]]] = [
            (tables.organizations, d.organizations),
            (tables.services, d.services),
            (tables.locations, d.locations),
            (tables.services_at_location, d.services_at_location),
            (tables.addresses, d.addresses),
            (tables.phones, d.phones),
            (tables.schedules, d.schedules),
            (tables.cost_options, d.cost_options),
            (tables.languages, d.languages),
            (tables.accessibility, d.accessibility),
            (tables.required_documents, d.required_documents),
        ]
        for table, items in parts:
            await self._upsert(table, [_row(table, x) for x in items])
        affected = await self.session.run_sync(affected_services, d)
        await refresh_search_rows(self.session, sorted(affected))
        if isinstance(self.session.bind, AsyncEngine):
            forget_density(self.session.bind)
        self.session.expire_all()

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
            cost_options=await all_of(CostOption, tables.cost_options),
            languages=await all_of(ServiceLanguage, tables.languages),
            accessibility=await all_of(Accessibility, tables.accessibility),
            required_documents=await all_of(RequiredDocument, tables.required_documents),
        )

    async def nearest_ids(self, query: NearbyQuery) -> list[tuple[str, str, float]]:
        """(service_at_location id, service id, km) of the nearest services (storage.nearest)."""
        return await nearest_ids(self.session, query)

    async def nearest_cards(self, query: NearbyQuery) -> list[CardAt]:
        """The nearest public services with their cards: ranked in the covering index, then
        their cards by primary key (storage/cards.py); on PostgreSQL in the same statement."""
        bind = self.session.bind
        reader = raw_reader(bind) if isinstance(bind, AsyncEngine) else None
        if reader is not None and isinstance(bind, AsyncEngine):
            connection = reader.connection()
            ranked = search_sync(connection, bind.sync_engine, query)
            cards = cards_sync(connection, [r[0] for r in ranked]) if ranked else {}
        else:
            ranked, cards = await nearest_with_cards(self.session, query)
        return [CardAt(card_from_json(cards[sal_id]), km) for sal_id, _sid, km in ranked]

    async def nearest(self, query: NearbyQuery) -> list[ServicePoint]:
        bind = self.session.bind
        reader = sqlite_reader(bind) if isinstance(bind, AsyncEngine) else None
        if reader is not None and isinstance(bind, AsyncEngine):
            # On SQLite the read runs on a pysqlite reader, on the loop: storage/nearest.py.
            with Session(reader) as session:
                raw = session.connection().connection.driver_connection
                assert isinstance(raw, sqlite3.Connection)
                ranked = search_sync(raw, bind.sync_engine, query)
                return load_points(session, ranked)
        ranked = await nearest_ids(self.session, query)
        return await self.session.run_sync(load_points, ranked)


def affected_services(session: Session, d: Directory) -> set[str]:
    """Every service whose search rows an upsert of `d` may change.

    A place's confidentiality depends on every service there, and a card shows the rows of
    its organisation, place and phones: follow each written row to the services it shows in.
    """
    sal, svc, ph = tables.services_at_location, tables.services, tables.phones
    services: set[str | None] = {s.id for s in d.services}
    services |= {x.service_id for x in d.services_at_location}
    services |= {x.service_id for x in d.cost_options}
    services |= {x.service_id for x in d.required_documents}
    locations: set[str | None] = {x.id for x in d.locations}
    locations |= {x.location_id for x in d.services_at_location}
    locations |= {x.location_id for x in d.addresses}
    locations |= {x.location_id for x in d.accessibility}
    places: set[str | None] = set()
    organizations: set[str | None] = {o.id for o in d.organizations}
    links: list[Phone | Schedule | ServiceLanguage] = [*d.phones, *d.schedules, *d.languages]
    for item in links:
        services.add(item.service_id)
        locations.add(item.location_id)
    places |= {x.service_at_location_id for x in d.phones}
    places |= {x.service_at_location_id for x in d.schedules}
    organizations |= {p.organization_id for p in d.phones}
    phone_ids = sorted({x.phone_id for x in d.languages if x.phone_id})
    for chunk in chunks(phone_ids, CHUNK):
        query = select(
            ph.c.organization_id, ph.c.service_id, ph.c.location_id, ph.c.service_at_location_id
        ).where(ph.c.id.in_(chunk))
        for p_org, p_svc, p_loc, p_sal in session.execute(query):
            organizations.add(p_org)
            services.add(p_svc)
            locations.add(p_loc)
            places.add(p_sal)

    def known(values: set[str | None]) -> list[str]:
        return sorted(v for v in values if v is not None)

    for chunk in chunks(known(organizations), CHUNK):
        services.update(session.scalars(select(svc.c.id).where(svc.c.organization_id.in_(chunk))))
    for chunk in chunks(known(places), CHUNK):
        services.update(session.scalars(select(sal.c.service_id).where(sal.c.id.in_(chunk))))
    for chunk in chunks(known(services), CHUNK):
        locations.update(
            session.scalars(select(sal.c.location_id).where(sal.c.service_id.in_(chunk)))
        )
    for chunk in chunks(known(locations), CHUNK):
        services.update(
            session.scalars(select(sal.c.service_id).where(sal.c.location_id.in_(chunk)))
        )
    return set(known(services))


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
                phones=most_specific(
                    phones,
                    sal,
                    ("service_at_location_id", "service_id", "location_id", "organization_id"),
                    organization.id,
                ),
                schedules=most_specific(
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


__all__ = ["ANY_CATEGORY", "Point", "SqlDirectoryRepository"]


def fold_name(name: str) -> str:
    """Lower case, no accents, no punctuation: "Centro Comunitario (demo)" -> "centro
    comunitario demo"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())
