"""The committed gazetteer data: complete, located where the places really are, on the right
clocks, and consistent with the text rules the finder reads it with."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.geo import haversine_km
from storage.gazetteer import read_data
from storage.gazetteer.data import GazetteerData, MunicipalityRecord
from storage.gazetteer.text import ALIASES, FILLERS, key

ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = ROOT / "storage" / "gazetteer" / "gazetteer.json.gz"
LOOKUP_FILE = ROOT / "nlu" / "data" / "nlu" / "lookup_lugar.yml"

#: The JPV municipalities with the centre of their main city (rounded public coordinates).
JPV = {
    "02004": ("Tijuana", "Baja California", (32.53, -117.04)),
    "08019": ("Chihuahua", "Chihuahua", (28.64, -106.09)),
    "08037": ("Juárez", "Chihuahua", (31.69, -106.42)),
    "19039": ("Monterrey", "Nuevo León", (25.67, -100.31)),
    "19021": ("General Escobedo", "Nuevo León", (25.79, -100.32)),
    "19026": ("Guadalupe", "Nuevo León", (25.68, -100.26)),
    "14039": ("Guadalajara", "Jalisco", (20.67, -103.35)),
    "14120": ("Zapopan", "Jalisco", (20.72, -103.39)),
    "14101": ("Tonalá", "Jalisco", (20.62, -103.23)),
    "16053": ("Morelia", "Michoacán", (19.70, -101.19)),
}

# Mexico's clocks since the 2022 time law (the rules the data must follow).
STATE_ZONES = {
    "02": "America/Tijuana",
    "03": "America/Mazatlan",
    "04": "America/Merida",
    "08": "America/Chihuahua",
    "18": "America/Mazatlan",
    "19": "America/Monterrey",
    "23": "America/Cancun",
    "25": "America/Mazatlan",
    "26": "America/Hermosillo",
    "31": "America/Merida",
}
# The northern border strip keeps a seasonal (US) schedule (Ley de los Husos Horarios, 2022).
BORDER_ZONES = {
    "America/Ciudad_Juarez": {
        "08": {"Juárez", "Janos", "Ascensión", "Guadalupe", "Praxedis G. Guerrero"}
    },
    "America/Ojinaga": {"08": {"Ojinaga", "Coyame del Sotol", "Manuel Benavides"}},
    "America/Matamoros": {
        "05": {
            "Acuña",
            "Allende",
            "Guerrero",
            "Hidalgo",
            "Jiménez",
            "Morelos",
            "Nava",
            "Ocampo",
            "Piedras Negras",
            "Villa Unión",
            "Zaragoza",
        },
        "19": {"Anáhuac"},
        "28": {
            "Nuevo Laredo",
            "Guerrero",
            "Mier",
            "Miguel Alemán",
            "Camargo",
            "Gustavo Díaz Ordaz",
            "Reynosa",
            "Río Bravo",
            "Valle Hermoso",
            "Matamoros",
        },
    },
    "America/Bahia_Banderas": {"18": {"Bahía de Banderas"}},
}
CLOCK_DAYS = [datetime(2026, month, 15, 12) for month in range(1, 13)]


@pytest.fixture(scope="module")
def data() -> GazetteerData:
    return read_data()


def by_name(data: GazetteerData, state: str, name: str) -> MunicipalityRecord:
    matches = [m for m in data.municipalities.values() if m.state.code == state and m.name == name]
    assert len(matches) == 1, (state, name, matches)
    return matches[0]


def offsets(zone: str) -> list[float | None]:
    return [
        (
            offset.total_seconds()
            if (offset := day.replace(tzinfo=ZoneInfo(zone)).utcoffset()) is not None
            else None
        )
        for day in CLOCK_DAYS
    ]


def expected_zone(record: MunicipalityRecord) -> str:
    for zone, by_state in BORDER_ZONES.items():
        if record.name in by_state.get(record.state.code, set()):
            return zone
    return STATE_ZONES.get(record.state.code, "America/Mexico_City")


def test_every_municipality_of_mexico_is_there_with_an_inegi_code(data: GazetteerData) -> None:
    assert 2_460 <= len(data.municipalities) <= 2_480
    assert len(data.states) == 32
    for code, record in data.municipalities.items():
        assert len(code) == 5
        assert code.isdigit()
        assert record.state.code == code[:2]
        assert 1 <= int(code[:2]) <= 32


@pytest.mark.parametrize("code", sorted(JPV))
def test_jpv_municipalities_sit_on_their_main_city(data: GazetteerData, code: str) -> None:
    name, state, centre = JPV[code]
    record = data.municipalities[code]
    assert (record.name, record.state.name) == (name, state)
    # The most populous place, not the middle of the municipality (the median put Ciudad
    # Juárez ~20 km off).
    assert haversine_km(record.latitude, record.longitude, *centre) < 8
    assert len(record.settlements) > 100


def test_points_are_inside_mexico(data: GazetteerData) -> None:
    for record in data.municipalities.values():
        assert 14.3 <= record.latitude <= 32.8, record
        assert -118.5 <= record.longitude <= -86.6, record


def test_every_municipality_keeps_the_clock_of_mexicos_time_rules(data: GazetteerData) -> None:
    wrong = [
        (record.code, record.name, record.timezone, expected_zone(record))
        for record in data.municipalities.values()
        if offsets(record.timezone) != offsets(expected_zone(record))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("state", "name", "zone"),
    [
        ("02", "Tijuana", "America/Tijuana"),
        ("08", "Juárez", "America/Ciudad_Juarez"),
        ("08", "Ojinaga", "America/Ojinaga"),
        ("08", "Chihuahua", "America/Chihuahua"),
        ("28", "Matamoros", "America/Matamoros"),
        ("19", "Monterrey", "America/Monterrey"),
        ("18", "Bahía de Banderas", "America/Bahia_Banderas"),
        ("26", "Hermosillo", "America/Hermosillo"),
        ("23", "Benito Juárez", "America/Cancun"),
        ("31", "Mérida", "America/Merida"),
        ("25", "Mazatlán", "America/Mazatlan"),
        ("09", "Iztapalapa", "America/Mexico_City"),
    ],
)
def test_special_time_zones_are_named_exactly(
    data: GazetteerData, state: str, name: str, zone: str
) -> None:
    assert by_name(data, state, name).timezone == zone


def test_border_and_inland_municipalities_differ_in_summer(data: GazetteerData) -> None:
    july = datetime(2026, 7, 15, 12)
    reynosa = july.replace(tzinfo=ZoneInfo(by_name(data, "28", "Reynosa").timezone))
    monterrey = july.replace(tzinfo=ZoneInfo(by_name(data, "19", "Monterrey").timezone))
    assert reynosa.utcoffset() != monterrey.utcoffset()


def test_every_alias_names_a_place_in_the_data(data: GazetteerData) -> None:
    missing = {
        alias: code
        for alias, code in ALIASES.items()
        if code not in data.municipalities and code not in data.states
    }
    assert missing == {}
    assert data.municipalities[ALIASES["mty"]].name == "Monterrey"
    assert data.municipalities[ALIASES["neza"]].name == "Nezahualcóyotl"
    assert data.states[ALIASES["cdmx"]].name == "Ciudad de México"


def test_no_filler_word_is_part_of_a_municipality_or_state_name(data: GazetteerData) -> None:
    name_words = {
        word
        for record in data.municipalities.values()
        for name_key in record.name_keys
        for word in name_key.split()
    } | {word for state in data.states.values() for word in key(state.name).split()}
    assert FILLERS & name_words == set()


def test_stored_search_keys_follow_the_current_text_rules(data: GazetteerData) -> None:
    """Changing text.py (abbreviations, folding) needs a rebuild: this fails until then."""
    for record in data.municipalities.values():
        assert record.name_keys[0] == key(record.name)
        settlements = record.settlements
        for position in range(0, len(settlements), 37):
            assert settlements.keys[position] == key(settlements.names[position]), record.code


def test_postal_codes_are_five_digits(data: GazetteerData) -> None:
    for record in data.municipalities.values():
        for code in record.settlements.postal_codes:
            assert code is None or (len(code) == 5 and code.isdigit())


def test_the_data_file_stays_small() -> None:
    assert DATA_FILE.stat().st_size < 4_000_000


def test_the_nlu_lookup_table_lists_the_jpv_places_in_rasa_format() -> None:
    lines = LOOKUP_FILE.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if not line.startswith("#")][:4]
    assert header == ['version: "3.1"', "nlu:", "- lookup: lugar", "  examples: |"]
    entries = [line.removeprefix("    - ") for line in lines if line.startswith("    - ")]
    assert 500 <= len(entries) <= 2_000
    assert len(entries) == len(set(entries))
    for name, _, _ in JPV.values():
        assert name in entries
    assert {"cd juarez", "mty", "gdl", "tijuana", "ciudad juarez"} <= set(entries)
