"""The committed demo directory: fictional, complete, in the right places, and reproducible."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from datetime import time
from pathlib import Path

import pytest

from domain.directory import Directory
from domain.taxonomy import Category, Sector
from storage.gazetteer import load_gazetteer
from storage.hsds import TABLES, plan_import, read_tables

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_directory"
GENERATOR = ROOT / "scripts" / "make_demo_directory.py"

#: The ten municipalities of the program: INEGI code -> (name, rough bounding box of the
#: municipality as (min lat, max lat, min lon, max lon)).
MUNICIPALITIES = {
    "02004": ("Tijuana", (32.28, 32.56, -117.13, -116.60)),
    "08019": ("Chihuahua", (28.30, 29.20, -106.75, -105.60)),
    "08037": ("Juárez", (31.20, 31.80, -106.95, -106.00)),
    "19039": ("Monterrey", (25.55, 25.81, -100.47, -100.20)),
    "19021": ("General Escobedo", (25.74, 25.92, -100.52, -100.22)),
    "19026": ("Guadalupe", (25.60, 25.74, -100.28, -100.05)),
    "14039": ("Guadalajara", (20.60, 20.76, -103.42, -103.26)),
    "14120": ("Zapopan", (20.58, 21.10, -103.72, -103.30)),
    "14101": ("Tonalá", (20.52, 20.72, -103.29, -103.05)),
    "16053": ("Morelia", (19.45, 19.95, -101.50, -100.90)),
}
FICTIONAL_PHONE = re.compile(r"^\+52 55 0000 \d{4}$")


@pytest.fixture(scope="module")
def demo() -> Directory:
    tables, problems = read_tables(DEMO)
    plan = plan_import(tables)
    assert problems == []
    assert plan.problems == []
    return plan.directory


def test_the_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    for name in TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (DEMO / f"{name}.csv").read_bytes(), (
            f"{name}.csv is stale: run scripts/make_demo_directory.py"
        )


def test_it_covers_the_ten_municipalities_and_every_category_in_each(demo: Directory) -> None:
    by_id = {loc.id: loc for loc in demo.locations}
    services = {s.id: s for s in demo.services}
    categories: dict[str, set[Category]] = defaultdict(set)
    for sal in demo.services_at_location:
        categories[by_id[sal.location_id].municipality_code or ""] |= services[
            sal.service_id
        ].categories
    assert set(categories) == set(MUNICIPALITIES)
    for code, found in categories.items():
        assert found == set(Category), MUNICIPALITIES[code][0]
    assert len(demo.services) >= 60
    assert {o.sector for o in demo.organizations} == set(Sector)


def test_every_name_is_fictional_and_says_so(demo: Directory) -> None:
    names = [
        *(o.name for o in demo.organizations),
        *(s.name for s in demo.services),
        *(loc.name for loc in demo.locations),
    ]
    assert [n for n in names if not n.endswith("(demo)")] == []
    assert all("ficticia" in o.description.lower() for o in demo.organizations)
    assert all("ficticio" in s.description.lower() for s in demo.services)


def test_no_phone_number_or_address_could_be_real(demo: Directory) -> None:
    numbers = [p.number for p in demo.phones]
    assert [n for n in numbers if not FICTIONAL_PHONE.match(n)] == []
    assert len(set(numbers)) == len(numbers)
    assert [a.address_1 for a in demo.addresses if "Ficticia" not in a.address_1] == []
    assert all(o.email is None or o.email.endswith(".example.org") for o in demo.organizations)


def test_every_location_lies_inside_its_municipality(demo: Directory) -> None:
    outside = []
    for loc in demo.locations:
        assert loc.municipality_code in MUNICIPALITIES
        assert loc.latitude is not None
        assert loc.longitude is not None
        name, (min_lat, max_lat, min_lon, max_lon) = MUNICIPALITIES[loc.municipality_code]
        if not (min_lat <= loc.latitude <= max_lat and min_lon <= loc.longitude <= max_lon):
            outside.append((name, loc.name, loc.latitude, loc.longitude))
    assert outside == []
    cities = {a.location_id: a.city for a in demo.addresses}
    assert {cities[loc.id] for loc in demo.locations} == {n for n, _ in MUNICIPALITIES.values()}


def test_the_gazetteer_knows_every_code_and_agrees_on_every_time_zone(demo: Directory) -> None:
    tables, _ = read_tables(DEMO)
    with_gazetteer = plan_import(tables, places=load_gazetteer())
    assert with_gazetteer.problems == []
    assert with_gazetteer.directory.locations == demo.locations
    for code, (name, _box) in MUNICIPALITIES.items():
        municipality = load_gazetteer().municipality(code)
        assert municipality is not None
        assert municipality.name == name


def test_border_cities_read_their_hours_in_their_own_time_zone(demo: Directory) -> None:
    zones = {loc.municipality_code: loc.timezone for loc in demo.locations}
    assert zones["02004"] == "America/Tijuana"
    assert zones["08037"] == "America/Ciudad_Juarez"
    assert zones["19039"] == "America/Monterrey"
    assert zones["16053"] == "America/Mexico_City"


def test_shelters_and_some_other_services_are_confidential(demo: Directory) -> None:
    shelters = [s for s in demo.services if Category.SHELTER in s.categories]
    assert len(shelters) == len(MUNICIPALITIES)
    assert all(s.confidential for s in shelters)
    assert any(s.marked_confidential for s in demo.services if s not in shelters)
    places = {sal.service_id: sal.location_id for sal in demo.services_at_location}
    locations = {loc.id: loc for loc in demo.locations}
    assert all(locations[places[s.id]].marked_confidential for s in shelters)


def test_hours_include_evenings_weekends_and_round_the_clock(demo: Directory) -> None:
    schedules = demo.schedules
    assert any(s.opens_at == s.closes_at for s in schedules)  # 24 h
    assert any(s.closes_at >= time(20) for s in schedules if s.closes_at != s.opens_at)
    assert any(s.weekdays & {5, 6} for s in schedules)
    with_hours = {s.service_id for s in schedules}
    assert with_hours == {s.id for s in demo.services}


def test_youth_programs_are_for_ages_12_to_29(demo: Directory) -> None:
    youth = [s for s in demo.services if s.categories == {Category.YOUTH_PROGRAMS}]
    assert youth
    assert {(s.minimum_age, s.maximum_age) for s in youth} == {(12, 29)}
    assert any(s.serves_age(10) is False for s in demo.services)
