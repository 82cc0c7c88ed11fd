"""The gazetteer build's joins, on a handful of made-up rows shaped like the real sources."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from domain.geo import haversine_km
from storage.gazetteer import Gazetteer, read_data

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_gazetteer.py"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


# (cp, settlement, type, municipality, city, state): SEPOMEX rows.
ROWS = [
    ("32000", "Centro", "Colonia", "Juárez", "Juárez", "Chihuahua"),
    ("32594", "Riberas del Bravo", "Fraccionamiento", "Juárez", "Juárez", "Chihuahua"),
    ("32594", "Riberas del Bravo IX", "Fraccionamiento", "Juárez", "Juárez", "Chihuahua"),
    ("32594", "Riberas del Bravo", "Fraccionamiento", "Juárez", "Juárez", "Chihuahua"),
    ("31000", "Centro", "Colonia", "Chihuahua", "Chihuahua", "Chihuahua"),
    ("32590", "Loma Linda", "Ejido", "Villa Fantasma", "", "Chihuahua"),
    ("57000", "Benito Juárez", "Colonia", "Nezahualcóyotl", "", "México"),
    ("55870", "Centro", "Colonia", "Acolman", "", "México"),
]
# INEGI municipality code -> GeoNames admin2 name (GeoNames' own spellings).
ADMIN2 = {
    "08037": "Juárez",
    "08019": "Chihuahua",
    "08099": "Villa Fantasma Municipality",
    "15058": "Ciudad Nezahualcóyotl",
    "15002": "Acolman de Nezahualcóyotl",
}


@pytest.fixture
def places(build: ModuleType) -> list[object]:
    place = build.Place
    return [
        # Ciudad Juárez sits in the north-east corner of its municipality: the median of its
        # places would be in the desert.
        place(
            "Ciudad Juárez", 31.72024, -106.46084, "08", "08037", 1_512_450, "America/Ciudad_Juarez"
        ),
        place("San Isidro", 31.47, -106.20, "08", "08037", 3_483, "America/Ojinaga"),
        place("Loma Blanca", 31.40, -106.30, "08", "08037", 2_169, "America/Ojinaga"),
        place("Samalayuca", 31.34, -106.48, "08", "08037", 1_500, "America/Ojinaga"),
        place("Chihuahua", 28.63528, -106.08889, "08", "08019", 925_762, "America/Chihuahua"),
        place(
            "Ciudad Nezahualcoyotl", 19.40, -99.01, "15", "15058", 1_077_208, "America/Mexico_City"
        ),
        place("Tepexpan", 19.61, -98.93, "15", "15002", 20_000, "America/Mexico_City"),
        # Named like the municipality that no place is coded to: one near its postal
        # neighbours (Juárez), a bigger one 300 km away.
        place("Villa Fantasma", 31.30, -106.40, "08", None, 700, "America/Ciudad_Juarez"),
        place("Villa Fantasma", 28.70, -106.10, "08", None, 9_000, "America/Chihuahua"),
    ]


@pytest.fixture
def assembled(build: ModuleType, places: list[object], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(build, "TIMEZONE_OVERRIDES", {})
    return build.assemble(ROWS, ADMIN2, places)


def test_geonames_state_codes_are_mapped_to_inegi_codes(build: ModuleType) -> None:
    to_inegi = build.geonames_admin1_to_inegi()
    assert to_inegi["05"] == "07"  # Chiapas
    assert to_inegi["06"] == "08"  # Chihuahua
    assert to_inegi["07"] == "05"  # Coahuila
    assert to_inegi["19"] == "19"  # Nuevo León
    assert len(to_inegi) == 32


def test_municipality_names_are_paired_with_their_own_inegi_code(build: ModuleType) -> None:
    codes = build.match_municipalities(
        {"15": ["Nezahualcóyotl", "Acolman"], "08": ["Juárez", "Villa Fantasma"]}, ADMIN2
    )
    # "Nezahualcóyotl" is a subset of both GeoNames names: it must not take Acolman's code.
    assert codes[("15", "Nezahualcóyotl")] == "15058"
    assert codes[("15", "Acolman")] == "15002"
    assert codes[("08", "Juárez")] == "08037"
    assert codes[("08", "Villa Fantasma")] == "08099"


def test_a_municipality_without_a_geonames_match_fails_the_build(build: ModuleType) -> None:
    with pytest.raises(SystemExit, match="Atlantis"):
        build.match_municipalities({"08": ["Atlantis"]}, {"08037": "Juárez"})


def test_a_municipality_sits_on_its_most_populous_place_and_keeps_its_clock(assembled) -> None:
    juarez = assembled["08037"]
    assert juarez.point == (31.72024, -106.46084)
    assert juarez.timezone == "America/Ciudad_Juarez"  # not the villages' America/Ojinaga
    assert juarez.population == 1_512_450 + 3_483 + 2_169 + 1_500
    assert "Ciudad Juárez" in juarez.aka


def test_a_municipality_no_place_is_coded_to_is_found_by_name_near_its_postal_neighbours(
    assembled,
) -> None:
    fantasma = assembled["08099"]
    assert fantasma.point is not None
    latitude, longitude = fantasma.point
    assert haversine_km(latitude, longitude, 31.30, -106.40) < 1
    assert fantasma.point_source == "name"


def test_settlements_are_deduplicated_and_localities_added(assembled) -> None:
    names = [(s.name, s.postal_code) for s in assembled["08037"].settlements]
    assert names.count(("Riberas del Bravo", "32594")) == 1
    localities = {s.name: s.point for s in assembled["08037"].settlements if s.kind == "Localidad"}
    assert localities["San Isidro"] == (31.47, -106.20)


def test_a_time_zone_override_for_a_missing_municipality_fails_the_build(
    build: ModuleType, places: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "TIMEZONE_OVERRIDES", {"America/Ojinaga": {"08": ("Ojinaga",)}})
    with pytest.raises(SystemExit, match="Ojinaga"):
        build.assemble(ROWS, ADMIN2, places)


def test_the_data_file_is_reproducible_and_readable_by_the_finder(
    build: ModuleType, assembled, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    build.write_data(build.encode(assembled), first)
    build.write_data(build.encode(assembled), second)
    assert first.read_bytes() == second.read_bytes()

    gazetteer = Gazetteer(read_data(first.read_bytes()))
    best = gazetteer.resolve("fracc riberas del bravo, cd juarez")[0]
    assert (best.kind, best.name, best.inegi_code, best.postal_code) == (
        "colonia",
        "Riberas del Bravo",
        "08037",
        "32594",
    )
    assert gazetteer.resolve("32000")[0].municipality == "Juárez"
    assert gazetteer.resolve("neza")[0].inegi_code == "15058"


def test_the_lookup_table_is_capped_and_starts_with_the_jpv_places(
    build: ModuleType, assembled, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(build, "JPV_MUNICIPALITIES", ("08037", "08019"))
    monkeypatch.setattr(build, "LOOKUP_MAX_ENTRIES", 12)
    entries = build.lookup_entries(assembled)
    assert entries[:4] == ["Juárez", "juarez", "Ciudad Juárez", "ciudad juarez"]
    assert len(entries) == 12
    lookup = tmp_path / "lookup.yml"
    build.write_lookup(entries, lookup)
    assert "- lookup: lugar\n  examples: |\n    - Juárez\n" in lookup.read_text(encoding="utf-8")
