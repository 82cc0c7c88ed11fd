"""Where a member is: a typed place read against the gazetteer, or a shared point placed in a
municipality. Both flows that need a place (search and contact request) ask here."""

from __future__ import annotations

from dataclasses import dataclass

from domain.directory import Municipality
from domain.errors import InvalidValue
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


#: An operator naming a municipality (`--municipality`): this many points ahead of the next
#: municipality is the one meant ("juárez chihuahua" is Juárez, not Chihuahua). Lower than
#: CLEAR_LEAD: an operator gets an error listing the candidates rather than a choice.
OPERATOR_CLEAR_LEAD = 3.0
#: How many gazetteer candidates an operator's name is read against.
OPERATOR_CANDIDATES = 8


class UnknownMunicipality(InvalidValue):
    """No municipality answers to what the operator typed."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__("municipality", text, problem)


class AmbiguousMunicipality(InvalidValue):
    """Several municipalities answer to what the operator typed, none clearly ahead."""

    def __init__(self, text: str, candidates: tuple[Municipality, ...]) -> None:
        #: "Juárez, Chihuahua (08037); Juárez, Nuevo León (19031)...": what to choose from.
        self.listed = "; ".join(f"{m.name}, {m.state} ({m.inegi_code})" for m in candidates)
        super().__init__("municipality", text, f"ambiguous: {self.listed}")
        self.candidates = candidates


def find_municipality(text: str, places: PlaceFinder) -> Municipality:
    """The one municipality an operator means by `text` (every command with `--municipality`
    asks here): an INEGI code (read before a postal code of the same digits), a name with or
    without its state, or a postal code or colonia of it; typos tolerated. UnknownMunicipality
    or AmbiguousMunicipality (listing the candidates with their codes) otherwise."""
    cleaned = text.strip()
    if cleaned.isdigit() and len(cleaned) == 5:
        by_code = places.municipality(cleaned)
        if by_code is not None:
            return by_code  # an INEGI code first; otherwise perhaps a postal code
    best: dict[str, float] = {}
    for candidate in places.resolve(cleaned, limit=OPERATOR_CANDIDATES):
        if candidate.kind in ("municipality", "postal_code", "colonia"):
            best.setdefault(candidate.inegi_code, candidate.score)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] >= OPERATOR_CLEAR_LEAD:
        ranked = ranked[:1]
    found = tuple(m for code, _score in ranked if (m := places.municipality(code)) is not None)
    if not found:
        raise UnknownMunicipality(cleaned, "no municipality is called so")
    if len(found) > 1:
        raise AmbiguousMunicipality(cleaned, found[:6])
    return found[0]
