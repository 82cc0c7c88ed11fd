"""HSDS import/export against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from sqlalchemy import Table, delete, func, select

from domain.geo import Point
from domain.nearby import NearbyQuery
from domain.taxonomy import Category
from juntos.database import Database
from storage import tables
from storage.hsds import TABLES, export_directory, import_directory

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_directory"
OFFICIAL = ROOT / "tests" / "data" / "hsds-3.1-examples"


def same_files(a: Path, b: Path) -> list[str]:
    """Names of the tables whose bytes differ."""
    return [n for n in TABLES if (a / f"{n}.csv").read_bytes() != (b / f"{n}.csv").read_bytes()]


async def export(database: Database, target: Path) -> Path:
    """The full export (confidential places included), for round trips."""
    await export_directory(database.uow(), target, include_confidential=True)
    return target


async def load_demo(database: Database) -> None:
    report = await import_directory(DEMO, database.uow())
    assert report.problems == []


async def count(database: Database, table: Table) -> int:
    async with database.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def wipe_directory(database: Database) -> None:
    async with database.engine.begin() as conn:
        for table in (
            tables.service_points,
            tables.service_cards,
            tables.languages,
            tables.cost_options,
            tables.accessibility,
            tables.required_documents,
            tables.schedules,
            tables.phones,
            tables.addresses,
            tables.services_at_location,
            tables.locations,
            tables.services,
            tables.organizations,
        ):
            await conn.execute(delete(table))


def demo_row(table: str, **match: str) -> dict[str, str]:
    with (DEMO / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if all(r[k] == v for k, v in match.items()))


def write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


async def test_export_import_export_gives_identical_files(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    first = await export(database, tmp_path / "first")
    assert same_files(first, DEMO) == []
    await wipe_directory(database)
    assert await count(database, tables.services) == 0
    report = await import_directory(first, database.uow())
    assert report.ok
    second = await export(database, tmp_path / "second")
    assert same_files(first, second) == []


async def test_importing_the_same_files_twice_leaves_the_same_state(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    once = await export(database, tmp_path / "once")
    points = await count(database, tables.service_points)
    report = await import_directory(DEMO, database.uow())
    assert report.written["services"] == 100
    assert same_files(once, await export(database, tmp_path / "twice")) == []
    assert await count(database, tables.service_points) == points


async def test_the_official_examples_are_refused_and_change_nothing(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    before = await export(database, tmp_path / "before")
    report = await import_directory(OFFICIAL, database.uow())
    assert {(Path(p.file).name, p.line, p.field) for p in report.problems} >= {
        ("organizations.csv", 2, "parent_organization_id"),
        ("locations.csv", 2, "latitude"),
        ("locations.csv", 2, "organization_id"),
        ("schedules.csv", 2, "timezone"),
    }
    assert report.written == {}
    assert same_files(before, await export(database, tmp_path / "after")) == []


async def test_one_bad_row_among_many_writes_nothing(database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    path = folder / "locations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[57] = lines[57].replace(",physical,", ",building,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    report = await import_directory(folder, database.uow())
    assert [(Path(p.file).name, p.line, p.field) for p in report.problems] == [
        ("locations.csv", 58, "location_type")
    ]
    assert await count(database, tables.organizations) == 0
    assert await count(database, tables.services) == 0


async def test_an_incremental_import_may_refer_to_stored_rows(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    org = demo_row("organizations", name="Colectivo Vecinal Puentes de Paz Juárez (demo)")
    location = demo_row("locations", external_identifier="08037")
    new_service = "3c1d9a52-8c1e-4a55-9a0f-0a3f5e2d7b11"
    new_place = "3c1d9a52-8c1e-4a55-9a0f-0a3f5e2d7b12"
    folder = tmp_path / "more"
    write(
        folder,
        "services",
        [
            {
                "id": new_service,
                "organization_id": org["id"],
                "name": "Círculo de Lectura (demo)",
                "status": "active",
            }
        ],
    )
    write(
        folder,
        "service_at_location",
        [{"id": new_place, "service_id": new_service, "location_id": location["id"]}],
    )
    for name in ("taxonomies", "taxonomy_terms"):
        shutil.copy(DEMO / f"{name}.csv", folder)
    term = demo_row("taxonomy_terms", code="education_employment")
    write(
        folder,
        "attributes",
        [
            {
                "id": "3c1d9a52-8c1e-4a55-9a0f-0a3f5e2d7b13",
                "link_id": new_service,
                "taxonomy_term_id": term["id"],
                "link_type": "category",
                "link_entity": "service",
            }
        ],
    )
    report = await import_directory(folder, database.uow())
    assert report.problems == []
    async with database.uow() as uow:
        near = await uow.directory.nearest(
            NearbyQuery(
                point=Point(float(location["latitude"]), float(location["longitude"])),
                category=Category.EDUCATION_EMPLOYMENT,
                limit=5,
            )
        )
        assert "Círculo de Lectura (demo)" in [p.service.name for p in near]


async def test_an_attribute_adds_a_category_to_a_stored_service(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    service = demo_row("services", name="Centro de Mediación Vecinal Tijuana (demo)")
    term = demo_row("taxonomy_terms", code="youth_programs")
    folder = tmp_path / "attributes"
    folder.mkdir()
    for name in ("taxonomies", "taxonomy_terms"):
        shutil.copy(DEMO / f"{name}.csv", folder)
    write(
        folder,
        "attributes",
        [
            {
                "id": "3c1d9a52-8c1e-4a55-9a0f-0a3f5e2d7b21",
                "link_id": service["id"],
                "taxonomy_term_id": term["id"],
                "link_type": "category",
                "link_entity": "service",
            }
        ],
    )
    report = await import_directory(folder, database.uow())
    assert report.problems == []
    async with database.uow() as uow:
        stored = await uow.directory.get_service(service["id"])
        assert stored is not None
        assert stored.categories == {Category.MEDIATION, Category.YOUTH_PROGRAMS}
        assert stored.name == service["name"]


async def test_a_schedule_for_a_stored_place_is_checked_against_its_time_zone(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    service = demo_row("services", name="Centro de Mediación Vecinal Tijuana (demo)")
    place = demo_row("service_at_location", service_id=service["id"])
    folder = tmp_path / "hours"
    rows = [
        {
            "id": "3c1d9a52-8c1e-4a55-9a0f-0a3f5e2d7b31",
            "service_at_location_id": place["id"],
            "timezone": "-6",
            "freq": "WEEKLY",
            "byday": "SA",
            "opens_at": "10:00",
            "closes_at": "12:00",
        }
    ]
    write(folder, "schedules", rows)
    report = await import_directory(folder, database.uow())
    assert [(p.line, p.field) for p in report.problems] == [(2, "timezone")]
    assert "America/Tijuana (UTC-8 or UTC-7)" in report.problems[0].message
    rows[0]["timezone"] = "-7"
    write(folder, "schedules", rows)
    assert (await import_directory(folder, database.uow())).ok


async def test_progress_is_reported_up_to_the_total(database: Database) -> None:
    seen: list[tuple[int, int]] = []
    await import_directory(DEMO, database.uow(), on_progress=lambda d, t: seen.append((d, t)))
    total = 40 + 100 + 110 + 110 + 110 + 150 + 160 + 100 + 132 + 30 + 50
    assert seen[0] == (0, total)
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


async def test_check_only_validates_without_writing(database: Database) -> None:
    report = await import_directory(DEMO, database.uow(), check_only=True)
    assert report.ok
    assert await count(database, tables.services) == 0


async def test_export_of_an_empty_directory_writes_headers_only(
    database: Database, tmp_path: Path
) -> None:
    report = await export_directory(database.uow(), tmp_path)
    assert report.counts["services"] == 0
    assert (tmp_path / "services.csv").read_text(encoding="utf-8").count("\n") == 1


def rows_of(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


async def test_an_export_leaves_confidential_addresses_and_points_out(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    report = await export_directory(database.uow(), tmp_path / "out")
    shelters = {s["id"] for s in rows_of(DEMO, "services") if "Casa Refugio" in s["name"]}
    shelter_locations = {
        sal["location_id"]
        for sal in rows_of(DEMO, "service_at_location")
        if sal["service_id"] in shelters
    }
    assert len(shelter_locations) == 10  # one demo shelter per city
    assert report.redacted >= 10 and report.included == 0
    exported = {r["id"]: r for r in rows_of(tmp_path / "out", "locations")}
    for location_id in shelter_locations:
        row = exported[location_id]
        assert row["latitude"] == "" and row["longitude"] == ""
        assert "Sede" not in row["name"] and row["description"] == ""
    addressed = {r["location_id"] for r in rows_of(tmp_path / "out", "addresses")}
    assert not addressed & shelter_locations
    assert len(addressed) == len(exported) - report.redacted  # public places keep theirs
    # Only the owner may read what was written.
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o700
    for name in TABLES:
        assert (tmp_path / "out" / f"{name}.csv").stat().st_mode & 0o777 == 0o600


async def test_a_redacted_export_imports_with_its_places_still_hidden(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    await export_directory(database.uow(), tmp_path / "out")
    await wipe_directory(database)
    assert (await import_directory(tmp_path / "out", database.uow())).ok
    async with database.uow() as uow:
        offers = await uow.directory.confidential_offers("08037", Category.SHELTER, None)
        near = await uow.directory.nearest(
            NearbyQuery(point=Point(31.629, -106.323), category=Category.SHELTER)
        )
    assert [o.service_name for o in offers] == ["Casa Refugio Temporal Juárez (demo)"]
    assert near == []


async def test_an_import_that_would_unhide_a_shelter_needs_allow_unhide(
    database: Database, tmp_path: Path
) -> None:
    await load_demo(database)
    before = await export(database, tmp_path / "before")
    feed = tmp_path / "feed"
    shutil.copytree(DEMO, feed)
    shelter = demo_row("services", name="Casa Refugio Temporal Juárez (demo)")
    legal = demo_row("services", name="Bufete Jurídico Gratuito Juárez (demo)")
    # The feed moves the Juárez shelter to the law office: nothing confidential stays at the
    # shelter's old place (which is not marked confidential itself in this feed).
    sal = demo_row("service_at_location", service_id=shelter["id"])
    office = demo_row("service_at_location", service_id=legal["id"])["location_id"]
    rows = rows_of(DEMO, "service_at_location")
    for row in rows:
        if row["id"] == sal["id"]:
            row["location_id"] = office
    write(feed, "service_at_location", rows)
    attributes = [a for a in rows_of(DEMO, "attributes") if a["link_id"] != sal["location_id"]]
    write(feed, "attributes", attributes)
    refused = await import_directory(feed, database.uow())
    assert not refused.ok
    [problem] = [p for p in refused.problems if p.field == "confidential"]
    assert sal["location_id"] in str(problem) and "--allow-unhide" in str(problem)
    assert problem.file.endswith("locations.csv") and problem.line > 1
    assert same_files(before, await export(database, tmp_path / "after")) == []
    allowed = await import_directory(feed, database.uow(), allow_unhide=True)
    assert allowed.ok and allowed.unhidden == [sal["location_id"]]
