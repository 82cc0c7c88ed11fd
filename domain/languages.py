"""Languages a service works in: ISO 639 codes, with the languages of Mexico named here.

Feeds give ISO 639-1 codes (`es`, `en`) or ISO 639-3 ones, which is how most indigenous
languages of Mexico are coded (`tar` rarámuri, `nah` náhuatl). The names below are the ones
people in Mexico use, in Spanish and English; other codes are named from the CLDR data.
"""

from __future__ import annotations

import re

#: ISO 639 code -> (Spanish name, English name) of languages spoken in Mexico.
MEXICAN_LANGUAGES: dict[str, tuple[str, str]] = {
    "es": ("español", "Spanish"),
    "en": ("inglés", "English"),
    "nah": ("náhuatl", "Nahuatl"),
    "yua": ("maya", "Yucatec Maya"),
    "tar": ("rarámuri", "Rarámuri"),
    "mix": ("mixteco", "Mixtec"),
    "zap": ("zapoteco", "Zapotec"),
    "otq": ("otomí", "Otomi"),
    "oto": ("otomí", "Otomi"),
    "maz": ("mazahua", "Mazahua"),
    "tzo": ("tsotsil", "Tzotzil"),
    "tzh": ("tseltal", "Tzeltal"),
    "tot": ("totonaco", "Totonac"),
    "maa": ("mazateco", "Mazatec"),
    "hch": ("wixárika", "Huichol"),
    "tsz": ("purépecha", "Purépecha"),
    "mfs": ("lengua de señas mexicana", "Mexican Sign Language"),
}

#: The languages members can filter on with one tap (the NLU's `idioma_servicio` values).
FILTER_LANGUAGES = ("en", "nah", "yua", "tar", "mix", "zap", "otq", "maz", "tzo")

_CODE = re.compile(r"^[a-z]{2,3}$")


def normalize_code(code: str) -> str | None:
    """The code in lower case when it has the shape of an ISO 639-1 or 639-3 code, else None."""
    value = code.strip().lower()
    return value if _CODE.match(value) else None
