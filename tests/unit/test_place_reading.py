"""Reading a typed place: take a clear winner, offer close ones, never guess between points."""

from __future__ import annotations

from domain.directory import Municipality
from domain.ports import PlaceCandidate
from domain.services.places import CLEAR_LEAD, place_point, read_place

JUAREZ = Municipality("08037", "Juárez", "Chihuahua", "America/Ciudad_Juarez")


def candidate(name: str, score: float, lat: float = 31.7, lon: float = -106.4) -> PlaceCandidate:
    return PlaceCandidate(
        kind="colonia",
        name=name,
        municipality="Juárez",
        state="Chihuahua",
        inegi_code="08037",
        latitude=lat,
        longitude=lon,
        score=score,
    )


class FakePlaces:
    """A gazetteer that answers what it is given (and records what it was asked)."""

    def __init__(
        self, candidates: list[PlaceCandidate], municipality: Municipality | None = JUAREZ
    ) -> None:
        self.candidates = candidates
        self.nearest = municipality
        self.asked: list[str] = []

    def resolve(self, text: str, limit: int = 5) -> list[PlaceCandidate]:
        self.asked.append(text)
        return self.candidates[:limit]

    def municipality(self, inegi_code: str) -> Municipality | None:
        return self.nearest

    def nearest_municipality(self, latitude: float, longitude: float) -> Municipality | None:
        return self.nearest


def test_a_place_well_ahead_of_the_next_is_taken_without_asking() -> None:
    first = candidate("Riberas del Bravo", 95.0, 31.63, -106.32)
    second = candidate("Bravo", 95.0 - CLEAR_LEAD, 31.70, -106.45)
    reading = read_place("riberas del bravo", FakePlaces([first, second]))
    assert reading.chosen == first and reading.choices == ()


def test_close_places_at_different_points_are_offered_as_they_were_ranked() -> None:
    options = [
        candidate("Guadalupe", 90.0, 25.67, -100.25),
        candidate("Guadalupe", 88.0, 22.75, -102.52),
        candidate("Guadalupe", 85.0, 31.38, -106.11),
    ]
    reading = read_place("guadalupe", FakePlaces(options))
    assert reading.chosen is None
    assert reading.choices == tuple(options)


def test_colonias_known_only_by_their_municipality_point_are_one_place() -> None:
    same_point = [candidate("Centro", 80.0), candidate("Centro Norte", 79.0)]
    reading = read_place("centro", FakePlaces(same_point))
    assert reading.chosen == same_point[0]


def test_nothing_found_is_nothing_chosen_and_nothing_offered() -> None:
    places = FakePlaces([])
    reading = read_place("qwzx kkkpp", places)
    assert reading.chosen is None and reading.choices == ()
    assert places.asked == ["qwzx kkkpp"]


def test_a_shared_point_is_placed_in_its_municipality() -> None:
    assert place_point(31.63, -106.32, FakePlaces([])) == JUAREZ


def test_a_point_outside_every_municipality_or_off_the_earth_is_refused() -> None:
    assert place_point(40.4168, -3.7038, FakePlaces([], municipality=None)) is None
    assert place_point(123.0, -106.32, FakePlaces([])) is None
    assert place_point(31.63, 200.0, FakePlaces([])) is None
