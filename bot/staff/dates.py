"""Dates staff type for a follow-up ("el lunes", "en 3 días", "15/12", "next Monday").

dateparser reads them; a few everyday Spanish forms it misses are rewritten first ("el
viernes" -> "viernes", "pasado mañana" -> "en 2 días", "proxima semana" -> "próxima semana").
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, time

import dateparser

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bpasado\s+ma[nñ]ana\b"), "en 2 días"),
    (re.compile(r"\b(?:la\s+)?pr[oó]xima\s+semana\b"), "en 7 días"),
    (
        re.compile(
            r"\b(?:el|este|para el|hasta el)\s+"
            r"(?=(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo)\b)"
        ),
        "",
    ),
    (re.compile(r"\bdias?\b"), "días"),
    (re.compile(r"\bmanana\b"), "mañana"),
    (re.compile(r"\bmiercoles\b"), "miércoles"),
    (re.compile(r"\bsabado\b"), "sábado"),
)


def parse_date(text: str, today: date, locale: str = "es_MX") -> date | None:
    """The first date on or after `today` that `text` means, or None."""
    cleaned = " ".join(text.casefold().split())
    if not cleaned:
        return None
    for pattern, replacement in _REWRITES:
        cleaned = pattern.sub(replacement, cleaned).strip()
    languages = ["en", "es"] if locale.startswith("en") else ["es", "en"]
    base = datetime.combine(today, time(12))
    with warnings.catch_warnings():
        # dateparser warns about a pytz/zoneinfo deprecation on every call.
        warnings.simplefilter("ignore")
        found = dateparser.parse(
            cleaned,
            languages=languages,
            settings={
                "PREFER_DATES_FROM": "future",
                "RELATIVE_BASE": base,
                "DATE_ORDER": "MDY" if locale.startswith("en") else "DMY",
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
    if found is None:
        return None
    result = found.date()
    return result if result >= today else None
