"""Reading one CSV row field by field, recording every problem instead of stopping at the first."""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import time

from sqlalchemy import String, Table

from storage.hsds.csvio import CsvTable, Problem, Row

UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_MIDNIGHT_END = re.compile(r"^24:00(?::00)?$")
_CLOCK = re.compile(r"^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")


def max_length(table: Table, column: str) -> int | None:
    """The length limit of a column of the Juntos schema (None when unbounded)."""
    kind = table.c[column].type
    return kind.length if isinstance(kind, String) else None


@dataclass(frozen=True)
class ClockTime:
    """A parsed `opens_at`/`closes_at`: the local time and, if written, its UTC offset in hours."""

    value: time
    utc_offset: float | None


class RowReader:
    """Typed access to the fields of one row; each bad field adds a Problem and yields None."""

    def __init__(self, table: CsvTable, row: Row, problems: list[Problem]) -> None:
        self.table = table
        self.row = row
        self.problems = problems
        self.ok = True

    @property
    def line(self) -> int:
        return self.row.line

    def problem(self, field: str, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.table.file, self.row.line, field, message))

    def raw(self, field: str) -> str | None:
        return self.row.get(field)

    def text(self, field: str, *, required: bool = False, limit: int | None = None) -> str | None:
        """The stripped text; None when empty. A missing column is reported once, at the header."""
        value = self.row.get(field)
        if not value:
            if required and value is not None:
                self.problem(field, "required value is empty")
            return None
        if limit is not None and len(value) > limit:
            self.problem(field, f"{len(value)} characters, at most {limit} are allowed")
            return None
        return value

    def uuid(self, field: str, *, required: bool = False) -> str | None:
        """A UUID in canonical 8-4-4-4-12 form, returned in lower case."""
        value = self.text(field, required=required)
        if value is None:
            return None
        if not UUID_PATTERN.match(value):
            self.problem(field, f"{value!r} is not a UUID")
            return None
        return value.lower()

    def number(self, field: str, low: float, high: float) -> float | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            self.problem(field, f"{value!r} is not a number")
            return None
        if not math.isfinite(number) or not low <= number <= high:
            self.problem(field, f"{value} is outside {low:g}..{high:g}")
            return None
        return number

    def integer(self, field: str, low: int, high: int) -> int | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            self.problem(field, f"{value!r} is not a number")
            return None
        if not math.isfinite(number) or number != int(number):
            self.problem(field, f"{value} is not a whole number")
            return None
        if not low <= number <= high:
            self.problem(field, f"{value} is outside {low}..{high}")
            return None
        return int(number)

    def choice(self, field: str, allowed: Collection[str], *, required: bool = False) -> str | None:
        """One of `allowed` (compared case-insensitively, returned as listed)."""
        value = self.text(field, required=required)
        if value is None:
            return None
        for option in allowed:
            if value.casefold() == option.casefold():
                return option
        self.problem(field, f"{value!r} is not one of: {', '.join(allowed)}")
        return None

    def clock_time(
        self, field: str, *, required: bool = False, end: bool = False
    ) -> ClockTime | None:
        """`HH:MM` or `HH:MM:SS`, optionally with a UTC offset (`-06:00`, `Z`).

        `24:00` is accepted as the end of a day (for `closes_at`) and read as midnight.
        """
        value = self.text(field, required=required)
        if value is None:
            return None
        if end and _MIDNIGHT_END.match(value):
            return ClockTime(time(0, 0), None)
        try:
            if not _CLOCK.match(value):
                raise ValueError(value)
            parsed = time.fromisoformat(value)
        except ValueError:
            self.problem(field, f"{value!r} is not a time (HH:MM or HH:MM:SS)")
            return None
        offset = parsed.utcoffset()
        hours = None if offset is None else offset.total_seconds() / 3600
        return ClockTime(parsed.replace(tzinfo=None, microsecond=0), hours)
