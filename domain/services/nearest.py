"""Find help near a member: public places by distance, confidential ones by municipality."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.capacity import CapacityAnswer, CapacityLevel, current_level
from domain.geo import Point
from domain.nearby import (
    NO_FILTERS,
    CardAt,
    ConfidentialOffer,
    NearbyQuery,
    NearbyService,
    SearchFilters,
    ServicePoint,
)
from domain.ports import Clock, UnitOfWork
from domain.schedule import WeekClock, is_open, next_opening
from domain.taxonomy import Category

#: Results per page.
PAGE_SIZE = 5
#: First look this far; when nothing is there, look up to WIDE_KM and say how far it is.
NEAR_KM = 50.0
WIDE_KM = 300.0


def _format_address(point: ServicePoint) -> str | None:
    address = point.address
    if address is None:
        return None
    parts = [address.address_1, address.address_2, address.city, address.state_province]
    line = ", ".join(p for p in parts if p)
    return f"{line}, C.P. {address.postal_code}" if address.postal_code else line


def present(point: ServicePoint, category: Category | None, now_utc: datetime) -> NearbyService:
    """One public result as a member sees it: distance, opening hours, address, point."""
    service, location = point.service, point.location
    schedules = point.schedules
    open_now = bool(schedules) and is_open(schedules, location.timezone, now_utc)
    opening = (
        None if open_now or not schedules else next_opening(schedules, location.timezone, now_utc)
    )
    shown_point = (
        Point(location.latitude, location.longitude)
        if location.latitude is not None and location.longitude is not None
        else None
    )
    return NearbyService(
        service_id=service.id,
        service_name=service.name,
        organization_id=point.organization.id,
        organization_name=point.organization.name,
        categories=tuple(sorted(service.categories)),
        category=category if category is not None else main_category(service.categories),
        distance_km=round(point.distance_km, 3),
        open_now=open_now,
        next_opening=opening,
        timezone=location.timezone,
        has_schedule=bool(schedules),
        phones=tuple(p.number for p in point.phones),
        location_id=location.id,
        location_name=location.name,
        address=_format_address(point),
        point=shown_point,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        description=service.description,
    )


def present_card(
    found: CardAt,
    category: Category | None,
    now_utc: datetime,
    clocks: dict[str, WeekClock],
) -> NearbyService:
    """One public result from its card: the same as `present` gives from the rows. `clocks`
    keeps the moment read in each time zone across the results of one answer."""
    card = found.card
    hours = card.hours
    if hours:
        clock = clocks.get(card.timezone)
        if clock is None:
            clock = clocks[card.timezone] = WeekClock.of(now_utc, card.timezone)
        open_now = clock.is_open(hours)
        opening = None if open_now else clock.next_opening(hours)
    else:
        open_now, opening = False, None
    shown_point = (
        Point(card.latitude, card.longitude)
        if card.latitude is not None and card.longitude is not None
        else None
    )
    return NearbyService(
        service_id=card.service_id,
        service_name=card.service_name,
        organization_id=card.organization_id,
        organization_name=card.organization_name,
        categories=card.categories,
        category=category if category is not None else main_category(card.categories),
        distance_km=round(found.distance_km, 3),
        open_now=open_now,
        next_opening=opening,
        timezone=card.timezone,
        has_schedule=bool(hours),
        phones=card.phones,
        location_id=card.location_id,
        location_name=card.location_name,
        address=card.address,
        point=shown_point,
        minimum_age=card.minimum_age,
        maximum_age=card.maximum_age,
        description=card.description,
        alert=card.alert,
        free=card.free,
        eligibility=card.eligibility,
        languages=card.languages,
        accessibility=card.accessibility,
        documents=card.documents,
    )


def present_cards(
    found: list[CardAt], category: Category | None, now_utc: datetime
) -> list[NearbyService]:
    """The results of one answer (each time zone read once)."""
    clocks: dict[str, WeekClock] = {}
    return [present_card(card, category, now_utc, clocks) for card in found]


def main_category(categories: frozenset[Category] | tuple[Category, ...]) -> Category | None:
    """The category to show first: the taxonomy's own order puts shelter before the rest."""
    return next((c for c in Category if c in categories), None)


def with_capacity(
    results: list[NearbyService], answers: dict[str, CapacityAnswer], now: datetime
) -> list[NearbyService]:
    """Each result with its capacity this week; services that said they are full go after the
    others of the page (otherwise still nearest first)."""
    shown = [replace(r, capacity=current_level(answers.get(r.service_id), now)) for r in results]
    return sorted(shown, key=lambda r: r.capacity is CapacityLevel.FULL)


async def find_nearest_services(
    query: NearbyQuery, uow: UnitOfWork, clock: Clock
) -> list[NearbyService]:
    """The `query.limit` nearest active public services from a point that pass the query's
    filters, nearest first, with everything a member sees of them.

    Confidential places are never among them (storage keeps them out of the distance index).
    """
    now = clock.now()
    query = replace(query, at=now)
    async with uow:
        found = await uow.directory.nearest_cards(query)
    return present_cards(found, query.category, now)


async def find_confidential_offers(
    municipality_code: str, category: Category | None, age: int | None, uow: UnitOfWork
) -> list[ConfidentialOffer]:
    """Confidential places of a municipality offering the help, by name (never by distance)."""
    async with uow:
        return await uow.directory.confidential_offers(municipality_code, category, age)


@dataclass(frozen=True)
class HelpSearch:
    """A member's search: where (a point and its municipality when known), for what, which page."""

    point: Point
    municipality_code: str | None
    category: Category | None = None
    age: int | None = None
    page: int = 0
    #: An earlier page found nothing within NEAR_KM: page on through WIDE_KM.
    wide: bool = False
    #: What the public places must offer (confidential ones are never filtered: see below).
    filters: SearchFilters = NO_FILTERS


@dataclass(frozen=True)
class HelpFound:
    #: Public places of this page, nearest first.
    results: list[NearbyService] = field(default_factory=list)
    #: There is another page.
    more: bool = False
    #: Nothing within NEAR_KM: these are the nearest up to WIDE_KM.
    widened: bool = False
    #: Confidential places of the member's municipality that offer the help, by name (page 0
    #: only). The same wherever the member stands in the municipality.
    confidential: list[ConfidentialOffer] = field(default_factory=list)


async def find_help(search: HelpSearch, uow: UnitOfWork, clock: Clock) -> HelpFound:
    """Public places by distance, and separately the municipality's confidential places.

    Nothing in the answer depends on where a confidential place is: not the distances, not the
    order, not the paging, not whether the search widened. The filters choose among public
    places only; confidential places of the municipality are named whatever the filters (what
    they offer is told by the organisation, once it contacts the member).
    """
    now = clock.now()

    def query(radius: float) -> NearbyQuery:
        return NearbyQuery(
            point=search.point,
            category=search.category,
            age=search.age,
            limit=PAGE_SIZE + 1,
            offset=search.page * PAGE_SIZE,
            max_radius_km=radius,
            filters=search.filters,
            at=now,
        )

    widened = search.wide
    async with uow:
        points = await uow.directory.nearest_cards(query(WIDE_KM if search.wide else NEAR_KM))
        if not points and search.page == 0 and not search.wide:
            points = await uow.directory.nearest_cards(query(WIDE_KM))
            widened = bool(points)
        confidential: list[ConfidentialOffer] = []
        if search.page == 0 and search.municipality_code is not None:
            confidential = await uow.directory.confidential_offers(
                search.municipality_code, search.category, search.age
            )
        page = present_cards(points[:PAGE_SIZE], search.category, now)
        answers = await uow.capacity.latest([r.service_id for r in page])
    return HelpFound(
        results=with_capacity(page, answers, now),
        more=len(points) > PAGE_SIZE,
        widened=widened,
        confidential=confidential,
    )
