"""An operator's `--municipality`: one resolver for every command, read against the real
gazetteer (codes, names with or without the state, typos, postal codes; ambiguity listed)."""

from __future__ import annotations

import pytest

from domain.ports import PlaceFinder
from domain.services.places import AmbiguousMunicipality, UnknownMunicipality, find_municipality
from storage.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def places() -> PlaceFinder:
    return load_gazetteer()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("08037", "08037"),
        ("Juárez, Chihuahua", "08037"),
        ("juarez chihuahua", "08037"),
        ("juarez nl", "19031"),
        ("monterey", "19039"),
        ("32000", "08037"),
        ("  Morelia ", "16053"),
    ],
)
def test_a_clear_name_code_or_postal_code_is_one_municipality(
    places: PlaceFinder, typed: str, code: str
) -> None:
    assert find_municipality(typed, places).inegi_code == code


def test_a_name_several_states_share_lists_them_with_their_codes(places: PlaceFinder) -> None:
    with pytest.raises(AmbiguousMunicipality) as raised:
        find_municipality("Juárez", places)
    codes = {m.inegi_code for m in raised.value.candidates}
    assert {"08037", "19031"} <= codes


@pytest.mark.parametrize("typed", ["Narnia", "99999", ""])
def test_nothing_is_unknown_never_a_guess(places: PlaceFinder, typed: str) -> None:
    with pytest.raises(UnknownMunicipality):
        find_municipality(typed, places)
