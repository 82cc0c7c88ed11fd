"""Import HSDS CSV files into the database and export them back, in one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.directory import Directory, Location, Organization, Service, ServiceAtLocation
from domain.ports import PlaceFinder, UnitOfWork
from storage import tables
from storage.batching import chunks
from storage.hsds.csvio import Problem, read_tables, sort_problems
from storage.hsds.exporting import directory_tables, write_tables
from storage.hsds.importing import plan_import
from storage.hsds.references import LookupRequest, lookup_request
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
)


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    #: Rows written per part of the directory (empty when there were problems).
    written: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)

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
    )


async def import_directory(
    source: Path,
    uow: SqlUnitOfWork,
    places: PlaceFinder | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    check_only: bool = False,
) -> ImportReport:
    """Validate every table in `source`, then upsert all of it in one transaction, or nothing.

    With `check_only` nothing is written even when the files are valid.
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
        await uow.commit()
    return report


async def export_directory(uow: UnitOfWork, target: Path) -> dict[str, int]:
    """Write the whole stored directory as HSDS 3.1 CSV tables into `target`."""
    async with uow:
        # Read every value while the session is open: closing it expires the loaded rows.
        rows = directory_tables(await uow.directory.export())
    return write_tables(rows, target)
