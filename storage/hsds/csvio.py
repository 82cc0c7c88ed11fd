"""HSDS CSV files: read them with physical line numbers, write them byte-for-byte repeatably."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storage.private import overwrite_private

#: The HSDS 3.1 tables Juntos reads and writes, in dependency order (referenced before referrers).
TABLES = (
    "organizations",
    "services",
    "locations",
    "service_at_location",
    "addresses",
    "phones",
    "schedules",
    "cost_options",
    "languages",
    "accessibility",
    "required_documents",
    "taxonomies",
    "taxonomy_terms",
    "attributes",
)


@dataclass(frozen=True)
class Problem:
    """One reason not to import: shown as `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in table order, then by line, so the report reads like the files."""

    def key(p: Problem) -> tuple[int, str, int, str, str]:
        name = Path(p.file).stem
        order = TABLES.index(name) if name in TABLES else len(TABLES)
        return (order, p.file, p.line, p.field, p.message)

    return sorted(set(problems), key=key)


@dataclass(frozen=True)
class Row:
    """One CSV record: `line` is the physical line where it starts (the header is line 1)."""

    line: int
    values: dict[str, str]

    def get(self, name: str) -> str | None:
        """The stripped value, `""` when empty, None when the file has no such column."""
        value = self.values.get(name)
        return None if value is None else value.strip()


@dataclass
class CsvTable:
    name: str
    file: str
    columns: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)


def read_table(path: Path, name: str) -> tuple[CsvTable, list[Problem]]:
    """Read one CSV file (UTF-8, with or without BOM); unknown columns are kept but unused."""
    display = str(path)
    table = CsvTable(name=name, file=display)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return table, [Problem(display, line, "-", "not UTF-8 text")]
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return table, [Problem(display, 1, "-", "empty file (no header row)")]
        table.columns = tuple(h.strip() for h in header)
        previous_end = reader.line_num
        for values in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) > len(table.columns):
                problems.append(
                    Problem(
                        display,
                        start,
                        "-",
                        f"{len(values)} fields but the header has {len(table.columns)}",
                    )
                )
                continue
            table.rows.append(Row(start, dict(zip(table.columns, values, strict=False))))
    except csv.Error as exc:
        problems.append(Problem(display, reader.line_num, "-", f"malformed CSV: {exc}"))
    return table, problems


def read_tables(directory: Path) -> tuple[dict[str, CsvTable], list[Problem]]:
    """Read every HSDS table Juntos models that exists in `directory` (missing files are fine)."""
    found: dict[str, CsvTable] = {}
    problems: list[Problem] = []
    for name in TABLES:
        path = directory / f"{name}.csv"
        if path.is_file():
            found[name], table_problems = read_table(path, name)
            problems.extend(table_problems)
    if not found:
        problems.append(
            Problem(str(directory), 0, "-", f"no HSDS tables found (expected e.g. {TABLES[0]}.csv)")
        )
    return found, problems


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write a CSV table: UTF-8 without BOM, `\\n` line ends, minimal quoting."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    overwrite_private(path, buffer.getvalue().encode("utf-8"))
