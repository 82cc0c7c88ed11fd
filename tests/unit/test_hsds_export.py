"""Writing HSDS 3.1 CSV tables: fixed columns, sorted rows, stable ids, lossless round trip."""

from __future__ import annotations

import csv
import random
from datetime import time
from pathlib import Path

from domain.directory import (
    Accessibility,
    Address,
    CostOption,
    Directory,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)
from domain.schedule import Schedule
from domain.taxonomy import Category, Eligibility, Sector
from storage.hsds import TABLES, plan_import, read_tables, write_directory
from storage.hsds.exporting import COLUMNS


def _id(n: int) -> str:
    return f"7e57e57e-0000-4000-8000-{n:012d}"


def sample() -> Directory:
    """Two services in Tijuana and Morelia, one confidential, with hours, phones, addresses."""
    d = Directory(
        organizations=[
            Organization(_id(1), "Red Ficticia (demo)", "Ficticia.", sector=Sector.ACADEMIC),
            Organization(_id(2), 'Otra, "con" comillas (demo)', "Línea 1\nLínea 2"),
        ],
        services=[
            Service(
                _id(11),
                _id(1),
                "Mediación (demo)",
                categories=frozenset({Category.MEDIATION, Category.YOUTH_PROGRAMS}),
                minimum_age=12,
                maximum_age=29,
                email="demo@example.org",
                fees_description="Sin costo para estudiantes.",
                eligibility_description="Adolescentes y sus familias.",
                interpretation_services="Intérprete de LSM con cita.",
                wait_time="Una semana",
                alert="Cerrado el 12 de diciembre (ficticio).",
                eligibility=frozenset({Eligibility.ADOLESCENTS, Eligibility.FAMILIES}),
            ),
            Service(
                _id(12),
                _id(2),
                "Atención (demo)",
                status="temporarily closed",
                categories=frozenset({Category.GENDER_VIOLENCE}),
                marked_confidential=True,
            ),
        ],
        locations=[
            Location(
                _id(21),
                "Sede Tijuana (demo)",
                32.5332,
                -117.0382,
                organization_id=_id(1),
                municipality_code="02004",
                timezone="America/Tijuana",
            ),
            Location(
                _id(22),
                "Sede Morelia (demo)",
                19.7027,
                -101.1923,
                municipality_code="16053",
                marked_confidential=True,
            ),
        ],
        services_at_location=[
            ServiceAtLocation(_id(31), _id(11), _id(21)),
            ServiceAtLocation(_id(32), _id(12), _id(22), "Solo con cita"),
        ],
        addresses=[
            Address(_id(41), _id(21), "Calle Ficticia 1", "Tijuana", "Baja California", "22000")
        ],
        phones=[
            Phone(_id(51), "+52 55 0000 0001", organization_id=_id(1), extension="12"),
            Phone(_id(52), "+52 55 0000 0002", service_at_location_id=_id(32), type="text"),
        ],
        schedules=[
            Schedule(
                _id(61),
                frozenset({0, 2, 4}),
                time(9),
                time(17, 30, 15),
                service_at_location_id=_id(31),
            ),
            Schedule(_id(62), frozenset(range(7)), time(0), time(0), location_id=_id(22)),
        ],
        cost_options=[
            CostOption(_id(71), _id(11), option="free", currency="MXN", amount=0.0),
            CostOption(
                _id(72),
                _id(12),
                option="Cuota",
                amount=99.5,
                currency="MXN",
                amount_description="por sesión",
                valid_from="2026-01-01",
                valid_to="2026-12-31",
            ),
        ],
        languages=[
            ServiceLanguage(_id(81), "tar", name="Rarámuri", service_id=_id(11)),
            ServiceLanguage(_id(82), "en", location_id=_id(21), note="A veces"),
            ServiceLanguage(_id(83), "mfs", phone_id=_id(52)),
        ],
        accessibility=[
            Accessibility(_id(91), _id(21), "Rampa", "Avisar antes", "https://example.org/a")
        ],
        required_documents=[RequiredDocument(_id(95), _id(11), "INE", "https://example.org/ine")],
    )
    return d


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_table_is_written_with_hsds_columns_in_a_fixed_order(tmp_path: Path) -> None:
    counts = write_directory(sample(), tmp_path)
    assert list(counts) == list(TABLES)
    for name in TABLES:
        header = (tmp_path / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(COLUMNS[name])
    assert counts["services"] == 2
    assert counts["taxonomy_terms"] == 20  # 10 categories + confidential + 4 sectors + 5 for whom


def test_the_same_directory_in_any_order_gives_the_same_bytes(tmp_path: Path) -> None:
    write_directory(sample(), tmp_path / "a")
    shuffled = sample()
    rng = random.Random(7)
    for part in vars(shuffled).values():
        rng.shuffle(part)
    write_directory(shuffled, tmp_path / "b")
    for name in TABLES:
        a = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert a == (tmp_path / "b" / f"{name}.csv").read_bytes(), name
        ids = [r["id"] for r in rows(tmp_path / "a", name)]
        assert ids == sorted(ids)


def test_what_is_written_reads_back_as_the_same_directory(tmp_path: Path) -> None:
    original = sample()
    write_directory(original, tmp_path)
    tables, problems = read_tables(tmp_path)
    result = plan_import(tables)
    assert problems == []
    assert result.problems == []
    for part, items in vars(original).items():
        back = sorted(getattr(result.directory, part), key=lambda x: x.id)
        assert back == sorted(items, key=lambda x: x.id), part


def test_locations_carry_their_inegi_code_and_schedules_their_standard_offset(
    tmp_path: Path,
) -> None:
    write_directory(sample(), tmp_path)
    tijuana = rows(tmp_path, "locations")[0]
    assert (tijuana["external_identifier"], tijuana["external_identifier_type"]) == (
        "02004",
        "INEGI",
    )
    schedules = {r["id"]: r for r in rows(tmp_path, "schedules")}
    assert schedules[_id(61)]["timezone"] == "-8"
    assert schedules[_id(61)]["byday"] == "MO,WE,FR"
    assert (schedules[_id(61)]["opens_at"], schedules[_id(61)]["closes_at"]) == (
        "09:00",
        "17:30:15",
    )
    assert schedules[_id(62)]["timezone"] == "-6"
    assert schedules[_id(62)]["freq"] == "WEEKLY"


def test_categories_sector_eligibility_and_confidentiality_become_attributes(
    tmp_path: Path,
) -> None:
    write_directory(sample(), tmp_path)
    terms = {r["id"]: (r["taxonomy"], r["code"]) for r in rows(tmp_path, "taxonomy_terms")}
    links = {
        (r["link_entity"], r["link_id"], terms[r["taxonomy_term_id"]])
        for r in rows(tmp_path, "attributes")
    }
    assert links == {
        ("service", _id(11), ("juntos", "mediation")),
        ("service", _id(11), ("juntos", "youth_programs")),
        ("service", _id(11), ("juntos_eligibility", "adolescents")),
        ("service", _id(11), ("juntos_eligibility", "families")),
        ("service", _id(12), ("juntos", "gender_violence")),
        ("service", _id(12), ("juntos", "confidential")),
        ("location", _id(22), ("juntos", "confidential")),
        ("organization", _id(1), ("juntos_sector", "academic")),
    }


def test_term_and_attribute_ids_do_not_depend_on_the_data_around_them(tmp_path: Path) -> None:
    write_directory(sample(), tmp_path / "full")
    smaller = sample()
    smaller.services = smaller.services[:1]
    write_directory(smaller, tmp_path / "small")
    assert rows(tmp_path / "full", "taxonomy_terms") == rows(tmp_path / "small", "taxonomy_terms")
    full = {r["id"] for r in rows(tmp_path / "full", "attributes")}
    small = {r["id"] for r in rows(tmp_path / "small", "attributes")}
    assert small < full
