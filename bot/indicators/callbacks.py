"""Callback data of /indicadores: `ix:p:<period>` and `ix:m:<YYYY-MM>`, built and parsed here,
always untrusted (who may read what is decided by the domain, never by the token)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidValue
from domain.indicators import Period

PATTERN = r"^ix:"
#: The period buttons: this month, the last three months, this year, another month.
PERIODS = ("month", "3m", "year", "other")
MONTHS_OFFERED = 12
_MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class ChoosePeriod:
    period: str


@dataclass(frozen=True)
class ChooseMonth:
    year: int
    month: int


Action = ChoosePeriod | ChooseMonth


def encode(action: Action) -> str:
    match action:
        case ChoosePeriod(period):
            return f"ix:p:{period}"
        case ChooseMonth(year, month):
            return f"ix:m:{year:04d}-{month:02d}"


def parse(data: str | None) -> Action | None:
    """None for anything `encode` would not produce."""
    if not data or len(data) > 64:
        return None
    match data.split(":"):
        case ["ix", "p", period] if period in PERIODS:
            return ChoosePeriod(period)
        case ["ix", "m", month] if (found := _MONTH.match(month)) is not None:
            return ChooseMonth(int(found.group(1)), int(found.group(2)))
    return None


def recent_months(today: date, count: int = MONTHS_OFFERED) -> list[tuple[int, int]]:
    """The months before this one, newest first."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append((year, month))
    return found


def period_of(action: Action, today: date) -> Period | None:
    """The period a button stands for (None: "other", which asks for a month). A month in the
    future, or more than MONTHS_OFFERED back, is refused (a forged button) with InvalidValue."""
    match action:
        case ChoosePeriod("month"):
            return Period.this_month(today)
        case ChoosePeriod("3m"):
            return Period.last_months(today, 3)
        case ChoosePeriod("year"):
            return Period.this_year(today)
        case ChoosePeriod(_):
            return None
        case ChooseMonth(year, month):
            if (year, month) not in recent_months(today):
                raise InvalidValue("month", f"{year}-{month:02d}", "not offered")
            return Period.month(year, month)
