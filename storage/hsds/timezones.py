"""Time zones of locations: their UTC offsets, and a state-level fallback without a gazetteer."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from domain.municipal_time import zone_for_municipality

DEFAULT_TIMEZONE = "America/Mexico_City"

# Mexico dropped DST in 2022 except near the US border; mid-January and mid-July of recent and
# coming years show every offset a zone uses (tzdata already knows the announced future).
_SAMPLE_YEARS = range(2023, 2031)
_STANDARD_SAMPLE = datetime(2025, 1, 15, 12, tzinfo=UTC)


@cache
def utc_offsets(zone: str) -> frozenset[float]:
    """Every UTC offset, in hours, that `zone` uses in the sampled years."""
    tz = ZoneInfo(zone)
    offsets: set[float] = set()
    for year in _SAMPLE_YEARS:
        for month in (1, 7):
            offset = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(tz).utcoffset()
            if offset is not None:
                offsets.add(offset.total_seconds() / 3600)
    return frozenset(offsets)


def standard_offset(zone: str) -> float:
    """The zone's winter (standard) UTC offset in hours: what an export writes."""
    offset = _STANDARD_SAMPLE.astimezone(ZoneInfo(zone)).utcoffset()
    return 0.0 if offset is None else offset.total_seconds() / 3600


def format_offset(hours: float) -> str:
    """`-6`, `5.5`: the HSDS `timezone` number, integral when it can be."""
    return str(int(hours)) if hours == int(hours) else str(hours)


def describe_offsets(zone: str) -> str:
    """`UTC-8 or UTC-7`: for messages."""
    return " or ".join(
        f"UTC{'+' if o >= 0 else ''}{format_offset(o)}" for o in sorted(utc_offsets(zone))
    )


def fallback_timezone(inegi_code: str) -> str:
    """The zone of a municipality from its INEGI code alone, without a gazetteer: the one
    table of zones the reminders and the digest use too (`domain.municipal_time`)."""
    return zone_for_municipality(inegi_code)
