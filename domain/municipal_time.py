"""The time zone a municipality lives in (IANA), from its name and state.

Mexico dropped daylight saving time in 2022 except along the US border: Baja California
(Tijuana) and Ciudad Juárez follow the US clock change. Everything else in the program's
states keeps one offset all year.
"""

from __future__ import annotations

import unicodedata

DEFAULT_ZONE = "America/Mexico_City"

#: Municipalities whose clock differs from the rest of their state.
_BY_MUNICIPALITY = {
    ("juarez", "chihuahua"): "America/Ciudad_Juarez",
    ("ojinaga", "chihuahua"): "America/Ojinaga",
    ("matamoros", "tamaulipas"): "America/Matamoros",
}
#: Municipalities known well enough by name alone (when no state is given).
_BY_NAME = {
    "tijuana": "America/Tijuana",
    "mexicali": "America/Tijuana",
    "ciudad juarez": "America/Ciudad_Juarez",
    "chihuahua": "America/Chihuahua",
    "monterrey": "America/Monterrey",
}
_BY_STATE = {
    "baja california": "America/Tijuana",
    "baja california sur": "America/Mazatlan",
    "sonora": "America/Hermosillo",
    "sinaloa": "America/Mazatlan",
    "nayarit": "America/Mazatlan",
    "chihuahua": "America/Chihuahua",
    "nuevo leon": "America/Monterrey",
    "coahuila": "America/Monterrey",
    "coahuila de zaragoza": "America/Monterrey",
    "tamaulipas": "America/Monterrey",
    "quintana roo": "America/Cancun",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def zone_for_municipality(municipality: str, state: str | None = None) -> str:
    """IANA zone of a municipality: 'Tijuana' -> America/Tijuana, ('Juárez', 'Chihuahua') ->
    America/Ciudad_Juarez, ('Guadalupe', 'Nuevo León') -> America/Monterrey; Mexico City's
    zone when nothing more specific is known."""
    name = _fold(municipality)
    if state is None:
        return _BY_NAME.get(name, DEFAULT_ZONE)
    region = _fold(state)
    return _BY_MUNICIPALITY.get((name, region)) or _BY_STATE.get(region, DEFAULT_ZONE)
