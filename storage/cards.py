"""The search rows kept in step with the directory: points (with their filter columns) and
cards (everything a result shows, as JSON).

`refresh_search_rows` rebuilds both for some services from the stored directory; the
repository calls it after every upsert for every service whose answer the upsert may change.
A search then reads its ranked ids from the points' covering index and its cards by primary
key: no joins, no per-result loading.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.cards import SPANISH, make_card
from domain.directory import (
    ACTIVE,
    Accessibility,
    Address,
    CostOption,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    confidential_location_ids,
)
from domain.nearby import ServiceCard
from domain.schedule import Schedule
from domain.taxonomy import Category, Eligibility
from storage import grid, tables
from storage.batching import chunks

#: Category value of the service_points row that every point has (queries with no category).
ANY_CATEGORY = "*"
CHUNK = 500
T = TypeVar("T")


def eligibility_bits(terms: Iterable[Eligibility]) -> int:
    order = list(Eligibility)
    return sum(1 << order.index(term) for term in set(terms))


def eligibility_bit(term: Eligibility) -> int:
    return 1 << list(Eligibility).index(term)


def language_column(codes: Iterable[str]) -> str:
    codes = sorted(set(codes))
    return f",{','.join(codes)}," if codes else ""


def hours_column(spans: Iterable[tuple[int, int]]) -> str:
    return ",".join(f"{start}-{end}" for start, end in spans)


@lru_cache(maxsize=4096)
def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of an `hours` column (kept by text: places share a few weekly patterns)."""
    spans = []
    for part in text.split(","):
        if part:
            start, _, end = part.partition("-")
            spans.append((int(start), int(end)))
    return tuple(spans)


# --- cards as JSON --------------------------------------------------------------------------


def card_to_json(card: ServiceCard) -> str:
    data: dict[str, Any] = {
        "sal": card.service_at_location_id,
        "sid": card.service_id,
        "name": card.service_name,
        "oid": card.organization_id,
        "org": card.organization_name,
        "cat": [c.value for c in card.categories],
        "min": card.minimum_age,
        "max": card.maximum_age,
        "desc": card.description,
        "lid": card.location_id,
        "loc": card.location_name,
        "tz": card.timezone,
        "lat": card.latitude,
        "lon": card.longitude,
        "addr": card.address,
        "tel": list(card.phones),
        "hours": [list(span) for span in card.hours],
        "alert": card.alert,
        "free": card.free,
        "fees": card.fees_description,
        "for": [e.value for e in card.eligibility],
        "lang": [list(pair) for pair in card.languages],
        "acc": list(card.accessibility),
        "docs": list(card.documents),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


_CATEGORIES = {c.value: c for c in Category}
_TERMS = {e.value: e for e in Eligibility}


#: Cards kept parsed (by their stored text, so a card an import rewrote is parsed again).
READ_CARDS_KEPT = 2048


@lru_cache(maxsize=READ_CARDS_KEPT)
def card_from_json(text: str) -> ServiceCard:
    """The card stored as `text` (parsed once while kept: cards are immutable)."""
    d = json.loads(text)
    categories, terms = _CATEGORIES, _TERMS
    return ServiceCard(
        service_at_location_id=d["sal"],
        service_id=d["sid"],
        service_name=d["name"],
        organization_id=d["oid"],
        organization_name=d["org"],
        categories=tuple([categories[c] for c in d["cat"]]),
        minimum_age=d["min"],
        maximum_age=d["max"],
        description=d["desc"],
        location_id=d["lid"],
        location_name=d["loc"],
        timezone=d["tz"],
        latitude=d["lat"],
        longitude=d["lon"],
        address=d["addr"],
        phones=tuple(d["tel"]),
        hours=tuple([(start, end) for start, end in d["hours"]]),
        alert=d["alert"],
        free=d["free"],
        fees_description=d["fees"],
        eligibility=tuple([terms[e] for e in d["for"]]),
        languages=tuple([(code, name) for code, name in d["lang"]]),
        accessibility=tuple(d["acc"]),
        documents=tuple(d["docs"]),
    )


# --- keeping them in step -------------------------------------------------------------------


def _grouped(items: Iterable[T], key: str) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        value = getattr(item, key)
        if value is not None:
            groups[value].append(item)
    return groups


def _in(
    session: Session, entity: type[T], table: Table, column: str, ids: Collection[str]
) -> list[T]:
    found: list[T] = []
    for chunk in chunks(sorted(ids), CHUNK):
        found.extend(session.scalars(select(entity).where(table.c[column].in_(chunk))))
    return found


def _linked(
    session: Session, entity: type[T], table: Table, keys: dict[str, Collection[str]]
) -> list[T]:
    """Rows linked by any of the columns (one indexed lookup per column, then by id)."""
    ids: set[str] = set()
    for name, values in keys.items():
        for chunk in chunks(sorted(values), CHUNK):
            ids.update(session.scalars(select(table.c.id).where(table.c[name].in_(chunk))))
    return _in(session, entity, table, "id", ids)


def confidential_places(session: Session, location_ids: Collection[str]) -> set[str]:
    """Which of `location_ids` are confidential (marked, or offering a confidential service,
    active or not: a place that was a shelter stays hidden)."""
    sal = tables.services_at_location
    hidden: set[str] = set()
    for chunk in chunks(sorted(location_ids), CHUNK):
        locations = list(
            session.scalars(
                select(Location)
                .where(tables.locations.c.id.in_(chunk))
                .execution_options(populate_existing=True)
            )
        )
        pairs = session.execute(
            select(ServiceAtLocation, Service)
            .join(Service, tables.services.c.id == sal.c.service_id)
            .where(sal.c.location_id.in_(chunk))
            .execution_options(populate_existing=True)
        ).all()
        hidden |= confidential_location_ids(locations, [p[1] for p in pairs], [p[0] for p in pairs])
    return hidden


def build_cards(session: Session, service_ids: Sequence[str]) -> list[ServiceCard]:
    """The cards of these services at their public places with a point (active ones only)."""
    sal, svc, loc = tables.services_at_location, tables.services, tables.locations
    found = session.execute(
        select(ServiceAtLocation, Service, Organization, Location)
        .join(Service, svc.c.id == sal.c.service_id)
        .join(Organization, tables.organizations.c.id == svc.c.organization_id)
        .join(Location, loc.c.id == sal.c.location_id)
        .where(
            sal.c.service_id.in_(service_ids),
            svc.c.status == ACTIVE,
            loc.c.latitude.is_not(None),
            loc.c.longitude.is_not(None),
        )
        .execution_options(populate_existing=True)
    ).all()
    hidden = confidential_places(session, {r[3].id for r in found})
    rows = [r for r in found if r[3].id not in hidden]  # never in the distance index
    if not rows:
        return []
    sal_ids = {r[0].id for r in rows}
    sids = {r[1].id for r in rows}
    oids = {r[2].id for r in rows}
    lids = {r[3].id for r in rows}
    addresses = _grouped(
        _in(session, Address, tables.addresses, "location_id", lids), "location_id"
    )
    phones = _linked(
        session,
        Phone,
        tables.phones,
        {
            "service_at_location_id": sal_ids,
            "service_id": sids,
            "location_id": lids,
            "organization_id": oids,
        },
    )
    schedules = _linked(
        session,
        Schedule,
        tables.schedules,
        {"service_at_location_id": sal_ids, "service_id": sids, "location_id": lids},
    )
    costs = _grouped(
        _in(session, CostOption, tables.cost_options, "service_id", sids), "service_id"
    )
    languages = _linked(
        session,
        ServiceLanguage,
        tables.languages,
        {"service_id": sids, "location_id": lids, "phone_id": {p.id for p in phones}},
    )
    access = _grouped(
        _in(session, Accessibility, tables.accessibility, "location_id", lids), "location_id"
    )
    documents = _grouped(
        _in(session, RequiredDocument, tables.required_documents, "service_id", sids), "service_id"
    )
    by = {
        key: _grouped(phones, key)
        for key in ("service_at_location_id", "service_id", "location_id", "organization_id")
    }
    hours_by = {
        key: _grouped(schedules, key)
        for key in ("service_at_location_id", "service_id", "location_id")
    }
    lang_by = {key: _grouped(languages, key) for key in ("service_id", "location_id", "phone_id")}

    def around(
        groups: dict[str, dict[str, list[T]]], place: ServiceAtLocation, org: str
    ) -> list[T]:
        wanted = {
            "service_at_location_id": place.id,
            "service_id": place.service_id,
            "location_id": place.location_id,
            "organization_id": org,
        }
        seen: dict[str, T] = {}
        for key, group in groups.items():
            for item in group.get(wanted[key], ()):
                seen[getattr(item, "id")] = item  # noqa: B009
        return list(seen.values())

    cards = []
    for place, service, organization, location in rows:
        near_phones = around(by, place, organization.id)
        phone_langs = [lang for p in near_phones for lang in lang_by["phone_id"].get(p.id, ())]
        cards.append(
            make_card(
                place,
                service,
                organization,
                location,
                addresses=addresses.get(location.id, ()),
                phones=near_phones,
                schedules=around(hours_by, place, organization.id),
                cost_options=costs.get(service.id, ()),
                languages=[
                    *lang_by["service_id"].get(service.id, ()),
                    *lang_by["location_id"].get(location.id, ()),
                    *phone_langs,
                ],
                accessibility=access.get(location.id, ()),
                documents=documents.get(service.id, ()),
            )
        )
    return cards


#: Spanish is spoken nearly everywhere: a search for it reads the places of every term ("").
COMMON_LANGUAGE = SPANISH


def accessible_term() -> str:
    return "accessible"


def eligibility_term(term: Eligibility) -> str:
    return f"for:{term.value}"


def language_term(code: str) -> str | None:
    """The term of the points that speak `code`, or None where no points are kept for it
    (Spanish, or a code that is no plain code)."""
    if code == COMMON_LANGUAGE or not code.isalnum():
        return None
    return f"lang:{code}"


def point_terms(card: ServiceCard) -> list[str]:
    """The terms a card's points are kept under: "" (every place), and each minority filter
    term the place passes. A filter that most places pass (free; Spanish) has none: reading
    the places under "" costs a search for it at most about twice the entries."""
    terms = [""]
    if card.accessibility:
        terms.append(accessible_term())
    terms += [eligibility_term(e) for e in sorted(set(card.eligibility))]
    for code in sorted({code for code, _name in card.languages}):
        term = language_term(code)
        if term is not None:
            terms.append(term)
    return terms


def point_rows(card: ServiceCard) -> list[dict[str, Any]]:
    """The service_points rows of a card: one per category and one with ANY_CATEGORY, under
    each of its terms (`point_terms`)."""
    assert card.latitude is not None
    assert card.longitude is not None
    row = {
        "service_at_location_id": card.service_at_location_id,
        "service_id": card.service_id,
        "latitude": card.latitude,
        "longitude": card.longitude,
        "cell_fine": grid.fine_cell(card.latitude, card.longitude),
        "cell_coarse": grid.coarse_cell(card.latitude, card.longitude),
        "minimum_age": card.minimum_age,
        "maximum_age": card.maximum_age,
        "free": card.free,
        "accessible": bool(card.accessibility),
        "eligibility": eligibility_bits(card.eligibility),
        "languages": language_column(code for code, _name in card.languages),
        "timezone": card.timezone,
        "hours": hours_column(card.hours),
    }
    return [
        {**row, "category": c, "term": term}
        for term in point_terms(card)
        for c in [ANY_CATEGORY, *sorted(c.value for c in card.categories)]
    ]


def refresh_sync(session: Session, service_ids: Sequence[str]) -> None:
    """Rebuild the points and cards of these services from the stored directory."""
    sp, sc = tables.service_points, tables.service_cards
    for chunk in chunks(sorted(set(service_ids)), CHUNK):
        session.execute(delete(sp).where(sp.c.service_id.in_(chunk)))
        session.execute(delete(sc).where(sc.c.service_id.in_(chunk)))
        cards = build_cards(session, chunk)
        points = [row for card in cards for row in point_rows(card)]
        for part in chunks(points, 5000):
            session.execute(sp.insert(), list(part))
        rows = [
            {
                "service_at_location_id": card.service_at_location_id,
                "service_id": card.service_id,
                "card": card_to_json(card),
            }
            for card in cards
        ]
        for part in chunks(rows, 5000):
            session.execute(sc.insert(), list(part))


async def refresh_search_rows(session: AsyncSession, service_ids: Sequence[str]) -> None:
    await session.run_sync(refresh_sync, service_ids)


def rebuild_all_sync(session: Session) -> int:
    """Rebuild every point and card (after the migration that introduced the cards)."""
    ids = list(session.scalars(select(tables.services.c.id)))
    refresh_sync(session, ids)
    return len(ids)
