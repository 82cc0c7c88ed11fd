"""Which clock a municipality lives by: its IANA time zone (tzdata ships with the package).

Since the Ley de los Husos Horarios (2022) Mexico keeps no daylight saving time, except the
municipios of the northern border strip, which follow the US schedule: all of Baja California
(Tijuana), the west of Chihuahua's strip (Ciudad Juárez), the east of it (Ojinaga) and the
border of Coahuila, Nuevo León and Tamaulipas (Matamoros). `zoneinfo` does the arithmetic;
this module only says which zone.
"""

from __future__ import annotations

import unicodedata

DEFAULT_ZONE = "America/Mexico_City"

#: INEGI state code -> the zone of most of the state.
_STATE_ZONES = {
    "02": "America/Tijuana",
    "03": "America/Mazatlan",
    "04": "America/Merida",
    "05": "America/Monterrey",
    "08": "America/Chihuahua",
    "10": "America/Monterrey",
    "18": "America/Mazatlan",
    "19": "America/Monterrey",
    "23": "America/Cancun",
    "25": "America/Mazatlan",
    "26": "America/Hermosillo",
    "28": "America/Monterrey",
    "31": "America/Merida",
}

#: (state code, municipality name) -> zone, where a municipality differs from its state.
_MUNICIPALITY_ZONES: dict[tuple[str, str], str] = {
    **{
        ("08", name): "America/Ciudad_Juarez"
        for name in ("janos", "ascension", "juarez", "praxedis g. guerrero", "guadalupe")
    },
    **{
        ("08", name): "America/Ojinaga"
        for name in ("ojinaga", "coyame del sotol", "manuel benavides")
    },
    **{
        ("05", name): "America/Matamoros"
        for name in (
            "acuna",
            "allende",
            "guerrero",
            "hidalgo",
            "jimenez",
            "morelos",
            "nava",
            "ocampo",
            "piedras negras",
            "villa union",
            "zaragoza",
        )
    },
    ("19", "anahuac"): "America/Matamoros",
    **{
        ("28", name): "America/Matamoros"
        for name in (
            "camargo",
            "guerrero",
            "gustavo diaz ordaz",
            "matamoros",
            "mier",
            "miguel aleman",
            "nuevo laredo",
            "reynosa",
            "rio bravo",
            "valle hermoso",
        )
    },
    ("18", "bahia de banderas"): "America/Bahia_Banderas",
}

#: INEGI municipality code -> zone, for the ones that differ from their state.
_CODE_ZONES = {
    "08037": "America/Ciudad_Juarez",  # Juárez
    "08035": "America/Ciudad_Juarez",  # Janos
    "08005": "America/Ciudad_Juarez",  # Ascensión
    "08053": "America/Ciudad_Juarez",  # Praxedis G. Guerrero
    "08028": "America/Ciudad_Juarez",  # Guadalupe
    "08052": "America/Ojinaga",  # Ojinaga
    "08015": "America/Ojinaga",  # Coyame del Sotol
    "08042": "America/Ojinaga",  # Manuel Benavides
    "05025": "America/Matamoros",  # Piedras Negras
    "05002": "America/Matamoros",  # Acuña
    "28022": "America/Matamoros",  # Matamoros
    "28027": "America/Matamoros",  # Nuevo Laredo
    "28032": "America/Matamoros",  # Reynosa
    "18020": "America/Bahia_Banderas",  # Bahía de Banderas
}

#: State names (as people and the gazetteer write them) -> INEGI state code.
_STATE_NAMES = {
    "baja california": "02",
    "baja california sur": "03",
    "campeche": "04",
    "coahuila": "05",
    "coahuila de zaragoza": "05",
    "chihuahua": "08",
    "durango": "10",
    "nayarit": "18",
    "nuevo leon": "19",
    "quintana roo": "23",
    "sinaloa": "25",
    "sonora": "26",
    "tamaulipas": "28",
    "yucatan": "31",
}

#: Municipality names that say their state without one (the program's border cities).
_KNOWN_CITIES = {
    "tijuana": "02",
    "mexicali": "02",
    "ciudad juarez": "08",
    "cd juarez": "08",
    "chihuahua": "08",
    "monterrey": "19",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def zone_for_municipality(municipality: str, state: str | None = None) -> str:
    """The IANA zone of a municipality, given by INEGI code (`02004`) or by name and state
    (`Juárez`, `Chihuahua`); the state's zone when the municipality is not an exception,
    Mexico City's when nothing is known."""
    code = municipality.strip()
    if len(code) == 5 and code.isdigit():
        return _CODE_ZONES.get(code, _STATE_ZONES.get(code[:2], DEFAULT_ZONE))
    name = _fold(municipality)
    if name == "ciudad juarez":
        name = "juarez"
    state_code: str | None = None
    if state is not None:
        folded = _fold(state)
        state_code = folded if folded.isdigit() else _STATE_NAMES.get(folded)
    if state_code is None:
        state_code = _KNOWN_CITIES.get(_fold(municipality))
    if state_code is None:
        return DEFAULT_ZONE
    return _MUNICIPALITY_ZONES.get((state_code, name), _STATE_ZONES.get(state_code, DEFAULT_ZONE))
