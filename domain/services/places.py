"""Where a member is: a typed place read against the gazetteer, or a shared point placed in a
municipality. Both flows that need a place (search and contact request) ask here."""

from __future__ import annotations

from dataclasses import dataclass

from domain.directory import Municipality
from domain.geo import Point
from domain.ports import PlaceCandidate, PlaceFinder

#: A gazetteer candidate this many points ahead of the next is taken without asking.
CLEAR_LEAD = 8.0
#: How many candidates a member may be asked to choose between.
MAX_CHOICES = 5


@dataclass(frozen=True)
class PlaceReading:
    """What a typed place turned out to be: one place, a choice to offer, or nothing."""

    chosen: PlaceCandidate | None
    choices: tuple[PlaceCandidate, ...] = ()


def _distinct_points(candidates: list[PlaceCandidate]) -> list[PlaceCandidate]:
    """Keep the best candidate of each point: colonias known only by their municipality's
    point lead to the same search, so there is nothing to choose between them."""
    seen: set[tuple[float, float]] = set()
    distinct = []
    for candidate in candidates:
        key = (round(candidate.latitude, 3), round(candidate.longitude, 3))
        if key not in seen:
            seen.add(key)
            distinct.append(candidate)
    return distinct


def read_place(text: str, places: PlaceFinder) -> PlaceReading:
    """The place a member typed: taken when one candidate clearly leads, else offered as a
    choice (as the gazetteer ranked them), else nothing."""
    candidates = places.resolve(text, limit=MAX_CHOICES)
    if not candidates:
        return PlaceReading(chosen=None)
    distinct = _distinct_points(candidates)
    if len(distinct) == 1 or distinct[0].score - distinct[1].score >= CLEAR_LEAD:
        return PlaceReading(chosen=distinct[0])
    return PlaceReading(chosen=None, choices=tuple(candidates))


def place_point(latitude: float, longitude: float, places: PlaceFinder) -> Municipality | None:
    """The municipality a shared point lies in; None when it is no point on Earth or lies far
    outside every municipality we know (nothing is kept then)."""
    try:
        point = Point(latitude, longitude)
    except ValueError:
        return None
    return places.nearest_municipality(point.latitude, point.longitude)
