"""A public service at a place as members see it, made once from the directory's rows.

Storage keeps one card per service at a public location, refreshed whenever an import touches
what it shows (storage/cards.py), so a search reads its answer instead of assembling it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

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
    is_free,
)
from domain.geo import haversine_km
from domain.nearby import CardAt, NearbyQuery, ServiceCard
from domain.schedule import Schedule, open_in_spans, weekly_spans
from domain.taxonomy import Eligibility

T = TypeVar("T")
SPANISH = "es"


def format_address(address: Address | None) -> str | None:
    if address is None:
        return None
    parts = [address.address_1, address.address_2, address.city, address.state_province]
    line = ", ".join(p for p in parts if p)
    return f"{line}, C.P. {address.postal_code}" if address.postal_code else line


def most_specific(
    items: Iterable[T], sal: ServiceAtLocation, keys: Sequence[str], organization_id: str
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
            if getattr(item, key, None) == wanted[key]:
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


PHONE_KEYS = ("service_at_location_id", "service_id", "location_id", "organization_id")
SCHEDULE_KEYS = ("service_at_location_id", "service_id", "location_id")


def spoken_languages(
    languages: Iterable[ServiceLanguage], sal: ServiceAtLocation, phone_ids: Iterable[str]
) -> tuple[tuple[str, str | None], ...]:
    """The languages of the service (here or anywhere), of the place, or of its phones shown."""
    phones = set(phone_ids)
    found: dict[str, str | None] = {}
    for language in languages:
        of_service = language.service_id == sal.service_id and language.location_id in (
            None,
            sal.location_id,
        )
        of_place = language.location_id == sal.location_id and language.service_id is None
        of_phone = language.phone_id is not None and language.phone_id in phones
        if (of_service or of_place or of_phone) and found.get(language.code) is None:
            found[language.code] = language.name
    return tuple(sorted(found.items(), key=lambda item: (item[0] != SPANISH, item[0])))


def make_card(
    sal: ServiceAtLocation,
    service: Service,
    organization: Organization,
    location: Location,
    *,
    addresses: Iterable[Address] = (),
    phones: Iterable[Phone] = (),
    schedules: Iterable[Schedule] = (),
    cost_options: Iterable[CostOption] = (),
    languages: Iterable[ServiceLanguage] = (),
    accessibility: Iterable[Accessibility] = (),
    documents: Iterable[RequiredDocument] = (),
) -> ServiceCard:
    """The card of `service` at `location`; the iterables may hold rows of other services
    and places (the card takes what applies here)."""
    address = min(
        (a for a in addresses if a.location_id == location.id), key=lambda a: a.id, default=None
    )
    shown_phones = most_specific(
        sorted(phones, key=lambda p: p.id), sal, PHONE_KEYS, organization.id
    )
    hours = most_specific(
        sorted(schedules, key=lambda s: s.id), sal, SCHEDULE_KEYS, organization.id
    )
    return ServiceCard(
        service_at_location_id=sal.id,
        service_id=service.id,
        service_name=service.name,
        organization_id=organization.id,
        organization_name=organization.name,
        categories=tuple(sorted(service.categories)),
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        description=service.description,
        location_id=location.id,
        location_name=location.name,
        timezone=location.timezone,
        latitude=location.latitude,
        longitude=location.longitude,
        address=format_address(address),
        phones=tuple(p.number for p in shown_phones),
        hours=weekly_spans(hours),
        alert=service.alert or None,
        free=is_free(c for c in cost_options if c.service_id == service.id),
        fees_description=service.fees_description or None,
        eligibility=tuple(e for e in Eligibility if e in service.eligibility),
        languages=spoken_languages(languages, sal, (p.id for p in shown_phones)),
        accessibility=tuple(
            a.description or a.details or ""
            for a in sorted(accessibility, key=lambda a: a.id)
            if a.location_id == location.id
        ),
        documents=tuple(
            d.document for d in sorted(documents, key=lambda d: d.id) if d.service_id == service.id
        ),
    )


def card_matches(card: ServiceCard, query: NearbyQuery) -> bool:
    """Whether a public card answers the query's kind of help, age and filters."""
    if query.category is not None and query.category not in card.categories:
        return False
    age = query.age
    if age is not None:
        if card.minimum_age is not None and age < card.minimum_age:
            return False
        if card.maximum_age is not None and age > card.maximum_age:
            return False
    f = query.filters
    if f.free and not card.free:
        return False
    if f.accessible and not card.accessibility:
        return False
    if f.eligibility is not None and f.eligibility not in card.eligibility:
        return False
    if f.language is not None and f.language not in {code for code, _name in card.languages}:
        return False
    if f.open_now:
        assert query.at is not None, "open_now needs the moment of the search"
        if not open_in_spans(card.hours, card.timezone, query.at):
            return False
    return True


def nearest_cards(cards: Iterable[ServiceCard], query: NearbyQuery) -> list[CardAt]:
    """The reference answer by brute force: every matching card, the nearest place of each
    service, nearest first (ties by place id), paged. Storage must give exactly this."""
    lat, lon = query.point.latitude, query.point.longitude
    best: dict[str, tuple[float, str, ServiceCard]] = {}
    for card in cards:
        if card.latitude is None or card.longitude is None or not card_matches(card, query):
            continue
        km = haversine_km(lat, lon, card.latitude, card.longitude)
        if km > query.max_radius_km:
            continue
        key = (km, card.service_at_location_id)
        if card.service_id not in best or key < best[card.service_id][:2]:
            best[card.service_id] = (km, card.service_at_location_id, card)
    ranked = sorted(best.values(), key=lambda item: (item[0], item[1], item[2].service_id))
    return [
        CardAt(card, km) for km, _sal, card in ranked[query.offset : query.offset + query.limit]
    ]


def directory_cards(directory: Directory) -> list[ServiceCard]:
    """Every card of a whole directory in memory: active services at public places with a
    point (what storage keeps; the reference for its answers)."""
    d = directory
    services = {s.id: s for s in d.services}
    organizations = {o.id: o for o in d.organizations}
    locations = {x.id: x for x in d.locations}
    hidden = confidential_location_ids(d.locations, d.services, d.services_at_location)

    def by(items: Iterable[T], key: str) -> dict[str, list[T]]:
        groups: dict[str, list[T]] = defaultdict(list)
        for item in items:
            value = getattr(item, key)
            if value is not None:
                groups[value].append(item)
        return groups

    def linked(groups: dict[str, dict[str, list[T]]], wanted: dict[str, str]) -> list[T]:
        found: dict[int, T] = {}
        for key, group in groups.items():
            for item in group.get(wanted[key], ()):
                found[id(item)] = item
        return list(found.values())

    addresses = by(d.addresses, "location_id")
    phones = {k: by(d.phones, k) for k in PHONE_KEYS}
    schedules = {k: by(d.schedules, k) for k in SCHEDULE_KEYS}
    costs = by(d.cost_options, "service_id")
    languages = {k: by(d.languages, k) for k in ("service_id", "location_id", "phone_id")}
    access = by(d.accessibility, "location_id")
    documents = by(d.required_documents, "service_id")
    cards = []
    for sal in d.services_at_location:
        service, location = services[sal.service_id], locations[sal.location_id]
        if not service.active or location.id in hidden:
            continue
        if location.latitude is None or location.longitude is None:
            continue
        organization = organizations[service.organization_id]
        wanted = {
            "service_at_location_id": sal.id,
            "service_id": service.id,
            "location_id": location.id,
            "organization_id": organization.id,
        }
        near_phones = linked(phones, wanted)
        wanted_languages = {**wanted, "phone_id": ""}
        spoken = linked({k: v for k, v in languages.items() if k != "phone_id"}, wanted_languages)
        spoken += [x for p in near_phones for x in languages["phone_id"].get(p.id, ())]
        cards.append(
            make_card(
                sal,
                service,
                organization,
                location,
                addresses=addresses.get(location.id, ()),
                phones=near_phones,
                schedules=linked(schedules, wanted),
                cost_options=costs.get(service.id, ()),
                languages=spoken,
                accessibility=access.get(location.id, ()),
                documents=documents.get(service.id, ()),
            )
        )
    return cards
