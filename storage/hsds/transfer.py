"""Import HSDS CSV files into the database and export them back, in one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.directory import (
    Directory,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    redact_confidential,
)
from domain.ports import PlaceFinder, UnitOfWork
from storage import tables
from storage.batching import chunks
from storage.hsds.capacity import write_capacity
from storage.hsds.csvio import CsvTable, Problem, read_tables, sort_problems
from storage.hsds.exporting import directory_tables, write_tables
from storage.hsds.importing import plan_import
from storage.hsds.references import LookupRequest, lookup_request
from storage.repositories.directory import SqlDirectoryRepository
from storage.uow import SqlUnitOfWork

#: Rows per upsert call: also the step of the progress callback.
BATCH = 500
T = TypeVar("T")
#: Called with (rows written so far, rows to write).
ProgressCallback = Callable[[int, int], None]

#: The order in which the parts of a Directory are written (referenced rows first).
PARTS = (
    "organizations",
    "services",
    "locations",
    "services_at_location",
    "addresses",
    "phones",
    "schedules",
    "cost_options",
    "languages",
    "accessibility",
    "required_documents",
)


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    #: Rows written per part of the directory (empty when there were problems).
    written: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)
    #: Places that were confidential and became public (only with allow_unhide).
    unhidden: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def _fetch(
    session: AsyncSession, entity: type[T], table: Table, column: str, ids: Collection[str]
) -> list[T]:
    """Rows of `table` whose `column` is in `ids`, as new (detached) domain objects."""
    found: list[T] = []
    values = sorted(ids)
    for chunk in chunks(values, BATCH):
        result = await session.execute(select(table).where(table.c[column].in_(chunk)))
        found.extend(entity(**dict(row._mapping)) for row in result)
    return found


async def find_stored(session: AsyncSession, request: LookupRequest) -> Directory:
    """The stored rows an import refers to (see `LookupRequest`)."""
    places = await _fetch(
        session,
        ServiceAtLocation,
        tables.services_at_location,
        "service_id",
        request.places_of_services,
    )
    sals = await _fetch(
        session,
        ServiceAtLocation,
        tables.services_at_location,
        "id",
        request.services_at_location - {s.id for s in places},
    )
    sals.extend(places)
    location_ids = set(request.locations) | {s.location_id for s in sals}
    return Directory(
        organizations=await _fetch(
            session, Organization, tables.organizations, "id", request.organizations
        ),
        services=await _fetch(session, Service, tables.services, "id", request.services),
        locations=await _fetch(session, Location, tables.locations, "id", location_ids),
        services_at_location=sals,
        phones=await _fetch(session, Phone, tables.phones, "id", request.phones),
    )


async def import_directory(
    source: Path,
    uow: SqlUnitOfWork,
    places: PlaceFinder | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    check_only: bool = False,
    allow_unhide: bool = False,
) -> ImportReport:
    """Validate every table in `source`, then upsert all of it in one transaction, or nothing.

    With `check_only` nothing is written even when the files are valid. A place that was
    confidential and would become public (its address and point shown to members) is a problem
    unless `allow_unhide` is given.
    """
    csv_tables, problems = read_tables(source)
    async with uow:
        known = await find_stored(uow.session, lookup_request(csv_tables))
        plan = plan_import(csv_tables, known, places)
        report = ImportReport(
            problems=sort_problems([*problems, *plan.problems]), ignored=dict(plan.ignored)
        )
        if not report.ok or check_only:
            return report
        directory = plan.directory
        repository = SqlDirectoryRepository(uow.session)
        touched = await _touched_locations(uow.session, directory)
        hidden_before = await repository.confidential_locations(touched)
        total = sum(len(getattr(directory, part)) for part in PARTS)
        done = 0
        if on_progress:
            on_progress(done, total)
        for part in PARTS:
            items: list[Any] = getattr(directory, part)
            for chunk in chunks(items, BATCH):
                await uow.directory.upsert(Directory(**{part: list(chunk)}))
                done += len(chunk)
                if on_progress:
                    on_progress(done, total)
            report.written[part] = len(items)
        unhidden = hidden_before - await repository.confidential_locations(touched)
        if unhidden and not allow_unhide:
            report.problems = await _unhide_problems(uow.session, csv_tables, sorted(unhidden))
            report.written = {}
            return report  # rolled back: nothing written
        report.unhidden = sorted(unhidden)
        await uow.commit()
    return report


async def _touched_locations(session: AsyncSession, directory: Directory) -> set[str]:
    """Places whose confidentiality an import may change: those it writes, and those of the
    services it writes."""
    touched = {x.id for x in directory.locations}
    touched.update(x.location_id for x in directory.services_at_location)
    sal = tables.services_at_location
    for chunk in chunks(sorted({s.id for s in directory.services}), BATCH):
        rows = await session.execute(select(sal.c.location_id).where(sal.c.service_id.in_(chunk)))
        touched.update(r[0] for r in rows)
    return touched


def _where_defined(csv_tables: dict[str, CsvTable], location_id: str) -> tuple[str, int]:
    """The file and line that best explain a change to a place: its own row, or a row that
    links a service to it, or its file when neither is in this import."""
    for name, column in (("locations", "id"), ("service_at_location", "location_id")):
        table = csv_tables.get(name)
        if table is None:
            continue
        for row in table.rows:
            if row.get(column) == location_id:
                return table.file, row.line
    attributes = csv_tables.get("attributes")
    if attributes is not None:
        return attributes.file, 1
    return "locations.csv", 1


async def _unhide_problems(
    session: AsyncSession, csv_tables: dict[str, CsvTable], location_ids: list[str]
) -> list[Problem]:
    names = {
        row[0]: row[1]
        for row in await session.execute(
            select(tables.locations.c.id, tables.locations.c.name).where(
                tables.locations.c.id.in_(location_ids)
            )
        )
    }
    return [
        Problem(
            *_where_defined(csv_tables, location_id),
            "confidential",
            f"location {location_id} ({names.get(location_id, '?')}) was confidential and would "
            "become public: nothing marked confidential and no shelter would be offered there "
            "any more, so members would see its address and point. If that is intended, run "
            "again with --allow-unhide",
        )
        for location_id in location_ids
    ]


@dataclass(frozen=True)
class ExportReport:
    #: Rows written per table.
    counts: dict[str, int]
    #: Confidential places whose address, point and name were left out (0 when included).
    redacted: int
    #: Confidential places written in full (only with include_confidential).
    included: int


async def export_directory(
    uow: UnitOfWork, target: Path, *, include_confidential: bool = False
) -> ExportReport:
    """Write the stored directory as HSDS 3.1 CSV tables (files 0600) into `target`.

    Confidential places lose their address, point, name and description unless
    `include_confidential` is given.
    """
    async with uow:
        directory = await uow.directory.export()
        redacted, hidden = redact_confidential(directory)
        # Read every value while the session is open: closing it expires the loaded rows.
        rows = directory_tables(directory if include_confidential else redacted)
        answers = await uow.capacity.all_latest()
    counts = write_tables(rows, target)
    counts["service_capacity"] = write_capacity(answers, target)
    if include_confidential:
        return ExportReport(counts, redacted=0, included=hidden)
    return ExportReport(counts, redacted=hidden, included=0)
