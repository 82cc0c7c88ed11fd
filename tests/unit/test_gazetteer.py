"""What a member notices when they type where they are: the packaged gazetteer's answers."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from domain.geo import haversine_km
from domain.ports import PlaceCandidate, PlaceFinder
from juntos.cli import app
from storage.gazetteer import Gazetteer, load_gazetteer

CIUDAD_JUAREZ = (31.72, -106.46)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def top(gazetteer: Gazetteer, text: str) -> PlaceCandidate:
    candidates = gazetteer.resolve(text)
    assert candidates, f"nothing found for {text!r}"
    return candidates[0]


def test_the_gazetteer_is_a_place_finder(gazetteer: Gazetteer) -> None:
    finder: PlaceFinder = gazetteer
    assert finder.resolve("Monterrey")[0].inegi_code == "19039"


@pytest.mark.parametrize(
    ("text", "inegi_code"),
    [
        ("cd jaurez", "08037"),
        ("Cd. Juárez", "08037"),
        ("ciudad juarez", "08037"),
        ("monterey", "19039"),
        ("guadalajra", "14039"),
        ("zapopan", "14120"),
        ("tonala jalisco", "14101"),
        ("morelia", "16053"),
        ("tijuana", "02004"),
        ("gral. escobedo", "19021"),
        ("escobedo", "19021"),
        ("guadalupe nuevo leon", "19026"),
        ("guadalupe, N.L.", "19026"),
        ("chihuahua", "08019"),
        ("naucalpan", "15057"),
        ("SAN NICOLÁS DE LOS GARZA", "19046"),
        ("Juárez, Nuevo León", "19031"),
        ("benito juarez cdmx", "09014"),
        ("soy de zapopan jal", "14120"),
    ],
)
def test_a_municipality_is_found_despite_typos_accents_and_abbreviations(
    gazetteer: Gazetteer, text: str, inegi_code: str
) -> None:
    best = top(gazetteer, text)
    assert (best.kind, best.inegi_code) == ("municipality", inegi_code)


@pytest.mark.parametrize(
    ("text", "inegi_code"),
    [
        ("cdmx", "09"),
        ("DF", "09"),
        ("mty", "19039"),
        ("gdl", "14039"),
        ("neza", "15058"),
        ("tj", "02004"),
        ("edomex", "15"),
        ("cancun", "23005"),
        ("villahermosa", "27004"),
    ],
)
def test_nicknames_and_short_names_are_understood(
    gazetteer: Gazetteer, text: str, inegi_code: str
) -> None:
    assert top(gazetteer, text).inegi_code == inegi_code


def test_juarez_alone_means_ciudad_juarez_but_the_other_juarez_are_offered(
    gazetteer: Gazetteer,
) -> None:
    candidates = gazetteer.resolve("juarez")
    assert candidates[0].inegi_code == "08037"
    assert "19031" in {c.inegi_code for c in candidates}  # Juárez, Nuevo León


def test_an_ambiguous_name_returns_several_places_biggest_first(gazetteer: Gazetteer) -> None:
    candidates = gazetteer.resolve("guadalupe")
    states = [c.state for c in candidates if c.kind == "municipality" and c.name == "Guadalupe"]
    assert len(states) >= 3
    assert states[:2] == ["Nuevo León", "Zacatecas"]


def test_a_state_name_that_is_also_a_city_offers_both_city_first(gazetteer: Gazetteer) -> None:
    kinds = [(c.kind, c.inegi_code) for c in gazetteer.resolve("chihuahua")][:2]
    assert kinds == [("municipality", "08019"), ("state", "08")]


def test_a_postal_code_gives_its_colonias_at_the_municipality_point(
    gazetteer: Gazetteer,
) -> None:
    candidates = gazetteer.resolve("32000")
    assert candidates
    assert {(c.kind, c.postal_code, c.inegi_code) for c in candidates} == {
        ("postal_code", "32000", "08037")
    }
    assert candidates[0].name == "Centro"
    assert candidates[0].approximate
    assert haversine_km(candidates[0].latitude, candidates[0].longitude, *CIUDAD_JUAREZ) < 5


def test_a_postal_code_with_a_colonia_name_puts_that_colonia_first(gazetteer: Gazetteer) -> None:
    candidates = gazetteer.resolve("CP 64000, colonia La Finca")
    assert candidates[0].name == "La Finca"
    assert candidates[0].postal_code == "64000"


def test_a_cdmx_postal_code_written_without_its_leading_zero_after_cp(
    gazetteer: Gazetteer,
) -> None:
    best = top(gazetteer, "cp 1000")
    assert (best.postal_code, best.municipality) == ("01000", "Álvaro Obregón")


def test_an_unknown_postal_code_finds_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("99999") == []


@pytest.mark.parametrize(
    ("text", "colonia", "municipality"),
    [
        ("riberas del bravo juarez", "Riberas del Bravo", "08037"),
        ("col. independencia monterrey", "Independencia", "19039"),
        ("estoy en la col. riberas del bravo en juarez", "Riberas del Bravo", "08037"),
        ("vivo en la colonia centro de monterrey", "Centro", "19039"),
        ("fracc. riberas del bravo, cd. juárez", "Riberas del Bravo", "08037"),
        ("vivo en la colonia las flores en tijuana", "Las Flores", "02004"),
    ],
)
def test_a_colonia_is_searched_inside_the_municipality_named_with_it(
    gazetteer: Gazetteer, text: str, colonia: str, municipality: str
) -> None:
    best = top(gazetteer, text)
    assert (best.kind, best.name, best.inegi_code) == ("colonia", colonia, municipality)
    assert best.postal_code is not None


def test_a_colonia_point_is_approximate_unless_the_place_itself_is_known(
    gazetteer: Gazetteer,
) -> None:
    colonia = top(gazetteer, "riberas del bravo juarez")
    assert colonia.approximate
    assert (colonia.latitude, colonia.longitude) == (
        top(gazetteer, "juarez").latitude,
        top(gazetteer, "juarez").longitude,
    )
    municipality = top(gazetteer, "monterrey")
    assert not municipality.approximate


def test_a_colonia_alone_is_found_in_the_municipalities_that_have_it(
    gazetteer: Gazetteer,
) -> None:
    candidates = gazetteer.resolve("riberas del bravo")
    assert candidates[0].name == "Riberas del Bravo"
    assert {c.inegi_code for c in candidates} >= {"08037", "28027"}  # Juárez, Nuevo Laredo


def test_a_colonia_whose_name_starts_with_an_article_keeps_it(gazetteer: Gazetteer) -> None:
    candidates = gazetteer.resolve("col. del valle, benito juárez")
    assert candidates[0].name.startswith("Del Valle")
    assert {c.inegi_code for c in candidates} == {"09014"}


def test_colonia_without_a_place_lists_colonias_not_municipalities(gazetteer: Gazetteer) -> None:
    candidates = gazetteer.resolve("colonia del valle")
    assert len(candidates) == 5
    assert {c.kind for c in candidates} == {"colonia"}
    assert candidates[0].name == "Del Valle"
    assert len({c.inegi_code for c in candidates}) >= 3


def test_a_sentence_without_a_colonia_still_finds_the_municipality(gazetteer: Gazetteer) -> None:
    best = top(gazetteer, "vivo cerca del oxxo en monterrey")
    assert (best.kind, best.inegi_code) == ("municipality", "19039")


@pytest.mark.parametrize("text", ["asdfgh qwerty", "zzzz", "hola", "", "   ", "?!", "12"])
def test_gibberish_and_greetings_find_nothing(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.resolve(text) == []


def test_the_limit_is_respected(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.resolve("guadalupe", limit=2)) == 2
    assert gazetteer.resolve("guadalupe", limit=0) == []


def test_candidates_are_ranked_by_score(gazetteer: Gazetteer) -> None:
    for text in ("riberas del bravo juarez", "guadalupe", "juarez", "32000"):
        scores = [c.score for c in gazetteer.resolve(text, limit=10)]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= score <= 100 for score in scores)


def test_a_municipality_is_looked_up_by_its_inegi_code(gazetteer: Gazetteer) -> None:
    juarez = gazetteer.municipality("08037")
    assert juarez is not None
    assert (juarez.name, juarez.state, juarez.timezone) == (
        "Juárez",
        "Chihuahua",
        "America/Ciudad_Juarez",
    )
    assert gazetteer.municipality("99999") is None


def test_the_nearest_municipality_of_a_point_downtown(gazetteer: Gazetteer) -> None:
    near_juarez = gazetteer.nearest_municipality(31.74, -106.48)
    near_monterrey = gazetteer.nearest_municipality(25.67, -100.31)
    assert near_juarez is not None
    assert near_monterrey is not None
    assert near_juarez.inegi_code == "08037"
    assert near_monterrey.inegi_code == "19039"


def test_a_point_far_from_every_municipality_has_none(gazetteer: Gazetteer) -> None:
    assert gazetteer.nearest_municipality(40.4168, -3.7038) is None  # Madrid
    assert gazetteer.nearest_municipality(0.0, 0.0) is None
    assert gazetteer.nearest_municipality(20.0, -125.0) is None  # the Pacific
    # Just across the border is still near Juárez (members in El Paso get Juárez's services).
    el_paso = gazetteer.nearest_municipality(31.7619, -106.4850)
    assert el_paso is not None and el_paso.inegi_code == "08037"
    # A remote corner of a large municipality still belongs to one.
    assert gazetteer.nearest_municipality(28.5, -113.9) is not None  # Baja California desert


def test_the_cli_prints_ranked_candidates_as_json() -> None:
    result = CliRunner().invoke(app, ["place", "resolve", "cd jaurez", "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    candidates = json.loads(result.output)
    assert 1 <= len(candidates) <= 3
    assert candidates[0]["inegi_code"] == "08037"
    assert set(candidates[0]) >= {
        "kind",
        "name",
        "municipality",
        "state",
        "inegi_code",
        "latitude",
        "longitude",
        "score",
    }


def test_the_cli_table_names_the_place_and_fails_when_nothing_matches() -> None:
    runner = CliRunner()
    found = runner.invoke(app, ["place", "resolve", "col. independencia monterrey"])
    assert found.exit_code == 0, found.output
    assert "Independencia" in found.output
    assert "19039" in found.output
    missing = runner.invoke(app, ["place", "resolve", "asdfgh qwerty"])
    assert missing.exit_code == 1
