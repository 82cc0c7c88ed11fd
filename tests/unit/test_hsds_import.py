"""Reading HSDS 3.1 CSV tables: what gets imported, and every problem reported as file:line."""

from __future__ import annotations

import csv
from datetime import time
from pathlib import Path
from typing import ClassVar

import pytest

from domain.directory import Directory, Location, Municipality, Organization, Service
from domain.ports import PlaceCandidate
from domain.taxonomy import Category, Sector
from storage.hsds import ImportPlan, lookup_request, plan_import, read_tables

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "hsds-3.1-examples"

ORG = "0d2c7a5e-0000-4000-8000-000000000001"
SVC = "0d2c7a5e-0000-4000-8000-000000000002"
LOC = "0d2c7a5e-0000-4000-8000-000000000003"
SAL = "0d2c7a5e-0000-4000-8000-000000000004"
TAX = "0d2c7a5e-0000-4000-8000-000000000005"
SECTOR_TAX = "0d2c7a5e-0000-4000-8000-000000000006"
TERM_SHELTER = "0d2c7a5e-0000-4000-8000-000000000007"
TERM_LEGAL = "0d2c7a5e-0000-4000-8000-000000000008"
TERM_CONFIDENTIAL = "0d2c7a5e-0000-4000-8000-000000000009"
TERM_GOV = "0d2c7a5e-0000-4000-8000-00000000000a"
STORED_ORG = "0d2c7a5e-0000-4000-8000-0000000000aa"
MISSING = "0d2c7a5e-0000-4000-8000-0000000000ff"


class FakePlaces:
    """A place finder that knows two municipalities; nearest means the closer of the two."""

    municipalities: ClassVar[dict[str, tuple[Municipality, float]]] = {
        "08037": (Municipality("08037", "Juárez", "Chihuahua", "America/Ciudad_Juarez"), 31.7),
        "02004": (Municipality("02004", "Tijuana", "Baja California", "America/Tijuana"), 32.5),
    }

    def resolve(self, text: str, limit: int = 5) -> list[PlaceCandidate]:
        return []

    def municipality(self, inegi_code: str) -> Municipality | None:
        found = self.municipalities.get(inegi_code)
        return found[0] if found else None

    def nearest_municipality(self, latitude: float, longitude: float) -> Municipality | None:
        return min(self.municipalities.values(), key=lambda m: abs(m[1] - latitude))[0]


def base() -> dict[str, list[dict[str, str]]]:
    """A small valid directory: a shelter of a government organisation in Juárez."""
    return {
        "organizations": [
            {"id": ORG, "name": "Red Ficticia (demo)", "description": "Datos de prueba."}
        ],
        "services": [
            {
                "id": SVC,
                "organization_id": ORG,
                "name": "Refugio Ficticio (demo)",
                "status": "active",
                "minimum_age": "12",
                "maximum_age": "29",
            }
        ],
        "locations": [
            {
                "id": LOC,
                "location_type": "physical",
                "name": "Sede (demo)",
                "latitude": "31.7390",
                "longitude": "-106.4870",
                "external_identifier": "08037",
                "external_identifier_type": "INEGI",
            }
        ],
        "service_at_location": [{"id": SAL, "service_id": SVC, "location_id": LOC}],
        "addresses": [
            {
                "id": "0d2c7a5e-0000-4000-8000-000000000010",
                "location_id": LOC,
                "address_1": "Calle Ficticia 1",
                "city": "Juárez",
                "state_province": "Chihuahua",
                "postal_code": "32000",
                "country": "MX",
                "address_type": "physical",
            }
        ],
        "phones": [
            {
                "id": "0d2c7a5e-0000-4000-8000-000000000011",
                "service_id": SVC,
                "number": "+52 55 0000 0001",
            }
        ],
        "schedules": [
            {
                "id": "0d2c7a5e-0000-4000-8000-000000000012",
                "service_at_location_id": SAL,
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "09:00",
                "closes_at": "17:30:00",
            }
        ],
        "taxonomies": [
            {"id": TAX, "name": "juntos", "description": "Categorías"},
            {"id": SECTOR_TAX, "name": "juntos_sector", "description": "Sectores"},
        ],
        "taxonomy_terms": [
            _term(TERM_SHELTER, "shelter", TAX),
            _term(TERM_LEGAL, "legal_aid", TAX),
            _term(TERM_CONFIDENTIAL, "confidential", TAX),
            _term(TERM_GOV, "government", SECTOR_TAX),
        ],
        "attributes": [
            _attribute("20", SVC, TERM_SHELTER, "service"),
            _attribute("21", SVC, TERM_LEGAL, "service"),
            _attribute("22", LOC, TERM_CONFIDENTIAL, "location"),
            _attribute("23", ORG, TERM_GOV, "organization"),
        ],
    }


def _term(term_id: str, code: str, taxonomy_id: str) -> dict[str, str]:
    return {
        "id": term_id,
        "code": code,
        "name": code,
        "description": code,
        "taxonomy_id": taxonomy_id,
    }


def _attribute(suffix: str, link_id: str, term_id: str, entity: str) -> dict[str, str]:
    return {
        "id": f"0d2c7a5e-0000-4000-8000-0000000000{suffix}",
        "link_id": link_id,
        "taxonomy_term_id": term_id,
        "link_type": "category",
        "link_entity": entity,
    }


def write(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row if c not in columns]
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns or ["id"])
            writer.writeheader()
            writer.writerows(rows)
    return folder


def plan(
    folder: Path,
    tables: dict[str, list[dict[str, str]]] | None = None,
    known: Directory | None = None,
    places: FakePlaces | None = None,
) -> ImportPlan:
    if tables is not None:
        write(folder, tables)
    csv_tables, problems = read_tables(folder)
    assert problems == []
    return plan_import(csv_tables, known, places or FakePlaces())


def problems_of(result: ImportPlan) -> set[tuple[str, int, str]]:
    return {(Path(p.file).name, p.line, p.field) for p in result.problems}


def test_a_valid_directory_maps_every_table(tmp_path: Path) -> None:
    result = plan(tmp_path, base())
    assert result.problems == []
    d = result.directory
    service = d.services[0]
    assert service.categories == {Category.SHELTER, Category.LEGAL_AID}
    assert (service.minimum_age, service.maximum_age) == (12, 29)
    assert service.confidential
    assert d.organizations[0].sector is Sector.GOVERNMENT
    location = d.locations[0]
    assert location.marked_confidential
    assert (location.municipality_code, location.timezone) == ("08037", "America/Ciudad_Juarez")
    schedule = d.schedules[0]
    assert schedule.weekdays == frozenset(range(5))
    assert (schedule.opens_at, schedule.closes_at) == (time(9), time(17, 30))
    assert [len(d.addresses), len(d.phones), len(d.services_at_location)] == [1, 1, 1]


def test_the_official_example_tables_list_every_problem_and_import_nothing(
    tmp_path: Path,
) -> None:
    result = plan(OFFICIAL)
    assert problems_of(result) == {
        ("organizations.csv", 2, "parent_organization_id"),
        ("locations.csv", 2, "latitude"),
        ("locations.csv", 2, "organization_id"),
        ("schedules.csv", 2, "timezone"),
        ("schedules.csv", 2, "byweekno"),
        ("schedules.csv", 2, "bymonthday"),
        ("schedules.csv", 2, "byyearday"),
    }
    text = "\n".join(str(p) for p in result.problems)
    assert "organizations.csv:2: parent_organization_id: no organization with id cd09a387" in text
    assert "locations.csv:2: latitude: 100 is outside -90..90" in text
    assert "schedules.csv:2: timezone: UTC offset 3 does not match" in text
    # Its taxonomy (not Juntos's) and its dangling attribute are ignored, not errors.
    assert result.ignored["attributes of other taxonomies"] == 1


def test_problems_name_the_physical_line_even_after_a_multiline_field(tmp_path: Path) -> None:
    tables = base()
    tables["organizations"][0]["description"] = "Primera línea\nsegunda línea\ntercera"
    tables["organizations"].append({"id": "not-a-uuid", "name": "Otra (demo)", "description": "x"})
    result = plan(tmp_path, tables)
    assert problems_of(result) == {("organizations.csv", 5, "id")}
    assert str(result.problems[0]).endswith("organizations.csv:5: id: 'not-a-uuid' is not a UUID")


@pytest.mark.parametrize(
    ("table", "field", "value", "expected"),
    [
        ("locations", "latitude", "91", "91 is outside -90..90"),
        ("locations", "longitude", "-181", "-181 is outside -180..180"),
        ("locations", "latitude", "norte", "'norte' is not a number"),
        ("locations", "location_type", "building", "'building' is not one of"),
        ("services", "status", "open", "'open' is not one of"),
        ("services", "minimum_age", "130", "130 is outside 0..120"),
        ("services", "name", "", "required value is empty"),
        ("services", "organization_id", MISSING, f"no organization with id {MISSING}"),
        ("addresses", "id", "123", "'123' is not a UUID"),
        ("addresses", "address_type", "home", "'home' is not one of"),
        ("addresses", "country", "Mexico", "not a 2-letter ISO 3166 country code"),
        ("addresses", "location_id", MISSING, f"no location with id {MISSING}"),
        ("phones", "service_id", MISSING, f"no service with id {MISSING}"),
        ("schedules", "service_at_location_id", MISSING, "no service_at_location with id"),
        ("schedules", "freq", "MONTHLY", "Juntos reads WEEKLY opening hours"),
        ("schedules", "byday", "MO,XX", "unknown weekday 'XX'"),
        ("schedules", "opens_at", "9am", "is not a time (HH:MM or HH:MM:SS)"),
        ("schedules", "opens_at", "09:00-08:00", "UTC offset -8 does not match"),
        ("schedules", "timezone", "3", "UTC offset 3 does not match"),
        ("service_at_location", "location_id", "", "required value is empty"),
        ("taxonomy_terms", "code", "karate", "unknown code 'karate' in taxonomy juntos"),
        ("attributes", "link_id", MISSING, f"no service with id {MISSING}"),
        ("attributes", "link_entity", "program", "applies to service, not 'program'"),
    ],
)
def test_a_bad_value_is_reported_with_its_file_line_and_field(
    tmp_path: Path, table: str, field: str, value: str, expected: str
) -> None:
    tables = base()
    tables[table][0][field] = value
    result = plan(tmp_path, tables)
    assert [(Path(p.file).name, p.line, p.field) for p in result.problems] == [
        (f"{table}.csv", 2, field)
    ]
    assert expected in result.problems[0].message


def test_every_bad_row_is_reported_not_only_the_first(tmp_path: Path) -> None:
    tables = base()
    tables["locations"][0]["latitude"] = "100"
    tables["services"][0]["status"] = "abierto"
    tables["services"][0]["maximum_age"] = "10"
    tables["phones"][0]["number"] = ""
    result = plan(tmp_path, tables)
    assert problems_of(result) == {
        ("services.csv", 2, "status"),
        ("services.csv", 2, "maximum_age"),
        ("locations.csv", 2, "latitude"),
        ("phones.csv", 2, "number"),
    }
    assert [Path(p.file).name for p in result.problems] == [
        "services.csv",
        "services.csv",
        "locations.csv",
        "phones.csv",
    ]


def test_duplicate_ids_in_a_table_are_reported(tmp_path: Path) -> None:
    tables = base()
    tables["organizations"].append(dict(tables["organizations"][0]))
    result = plan(tmp_path, tables)
    assert problems_of(result) == {("organizations.csv", 3, "id")}
    assert "first on line 2" in result.problems[0].message


def test_a_missing_required_column_is_reported_once_at_the_header(tmp_path: Path) -> None:
    tables = base()
    for row in tables["services"]:
        del row["status"]
    result = plan(tmp_path, tables)
    assert problems_of(result) == {("services.csv", 1, "status")}


def test_a_name_longer_than_the_database_allows_is_reported(tmp_path: Path) -> None:
    tables = base()
    tables["services"][0]["name"] = "x" * 301
    result = plan(tmp_path, tables)
    assert problems_of(result) == {("services.csv", 2, "name")}
    assert "at most 300" in result.problems[0].message


def test_optional_files_may_be_missing_and_unknown_columns_are_ignored(tmp_path: Path) -> None:
    tables = {k: v for k, v in base().items() if k in ("organizations", "services")}
    tables["services"][0]["fees_description"] = "Gratuito"
    tables["services"][0]["wait_time"] = "1 semana"
    result = plan(tmp_path, tables)
    assert result.problems == []
    assert [s.name for s in result.directory.services] == ["Refugio Ficticio (demo)"]
    assert result.directory.services[0].categories == frozenset()


def test_utf8_with_byte_order_mark_and_crlf_line_ends_is_read(tmp_path: Path) -> None:
    write(tmp_path, {k: v for k, v in base().items() if k == "organizations"})
    path = tmp_path / "organizations.csv"
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    path.write_bytes("\ufeff".encode() + text.replace("Red", "Red Acción").encode())
    result = plan(tmp_path)
    assert result.problems == []
    assert result.directory.organizations[0].name == "Red Acción Ficticia (demo)"


def test_a_file_that_is_not_utf8_is_reported_at_the_offending_line(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_bytes(
        b"id,name,description\n" + f"{ORG},Acci\xf3n,x\n".encode("latin-1")
    )
    _tables, problems = read_tables(tmp_path)
    assert [str(p).split(tmp_path.name + "/")[1] for p in problems] == [
        "organizations.csv:2: -: not UTF-8 text"
    ]


def test_other_taxonomies_never_break_an_import_even_when_they_dangle(tmp_path: Path) -> None:
    tables = base()
    tables["taxonomies"].append({"id": "x", "name": "openeligibility"})
    tables["taxonomy_terms"].append(
        {"id": "y", "code": "whatever", "taxonomy_id": MISSING, "taxonomy": "openeligibility"}
    )
    tables["attributes"].append(
        {"id": "z", "link_id": MISSING, "taxonomy_term_id": MISSING, "link_entity": "program"}
    )
    result = plan(tmp_path, tables)
    assert result.problems == []
    assert result.directory.services[0].categories == {Category.SHELTER, Category.LEGAL_AID}
    assert result.ignored["attributes of other taxonomies"] == 1


def test_a_term_names_its_taxonomy_by_the_taxonomy_field_too(tmp_path: Path) -> None:
    tables = base()
    del tables["taxonomies"]
    for term in tables["taxonomy_terms"]:
        term["taxonomy"] = "juntos_sector" if term["code"] == "government" else "juntos"
        term["taxonomy_id"] = ""
    result = plan(tmp_path, tables)
    assert result.problems == []
    assert result.directory.services[0].categories == {Category.SHELTER, Category.LEGAL_AID}
    assert result.directory.organizations[0].sector is Sector.GOVERNMENT


def test_an_unknown_sector_code_is_an_error(tmp_path: Path) -> None:
    tables = base()
    tables["taxonomy_terms"][3]["code"] = "religious"
    result = plan(tmp_path, tables)
    assert problems_of(result) == {("taxonomy_terms.csv", 5, "code")}
    assert "taxonomy juntos_sector" in result.problems[0].message


def test_a_category_linked_to_an_organization_is_an_error(tmp_path: Path) -> None:
    tables = base()
    tables["attributes"][0].update(link_id=ORG, link_entity="organization")
    result = plan(tmp_path, tables)
    assert problems_of(result) == {("attributes.csv", 2, "link_entity")}


def test_without_an_inegi_code_the_municipality_comes_from_the_coordinates(
    tmp_path: Path,
) -> None:
    tables = base()
    tables["locations"][0].update(
        latitude="32.5332",
        longitude="-117.0382",
        external_identifier="10092008082",
        external_identifier_type="UPRN",
    )
    tables["schedules"][0]["timezone"] = "-8"
    result = plan(tmp_path, tables)
    assert result.problems == []
    location = result.directory.locations[0]
    assert (location.municipality_code, location.timezone) == ("02004", "America/Tijuana")


def test_a_place_outside_mexico_gets_no_municipality(tmp_path: Path) -> None:
    tables = base()
    tables["locations"][0].update(
        latitude="51.5", longitude="-0.12", external_identifier="", external_identifier_type=""
    )
    result = plan(tmp_path, tables)
    assert result.problems == []
    location = result.directory.locations[0]
    assert (location.municipality_code, location.timezone) == (None, "America/Mexico_City")


def test_an_unknown_inegi_code_is_an_error(tmp_path: Path) -> None:
    tables = base()
    tables["locations"][0]["external_identifier"] = "99999"
    result = plan(tmp_path, tables)
    assert problems_of(result) == {("locations.csv", 2, "external_identifier")}


def test_without_a_place_finder_the_zone_comes_from_the_state(tmp_path: Path) -> None:
    write(tmp_path, base())
    csv_tables, _ = read_tables(tmp_path)
    result = plan_import(csv_tables, None, None)
    assert result.problems == []
    assert result.directory.locations[0].timezone == "America/Ciudad_Juarez"


@pytest.mark.parametrize(("offset", "suffix"), [("-7", "-07:00"), ("-6", "-06:00")])
def test_a_border_city_schedule_may_state_either_of_its_offsets(
    tmp_path: Path, offset: str, suffix: str
) -> None:
    tables = base()
    tables["schedules"][0].update(timezone=offset, opens_at=f"09:00:00{suffix}")
    assert plan(tmp_path, tables).problems == []


def test_closing_at_24_00_means_open_until_midnight(tmp_path: Path) -> None:
    tables = base()
    tables["schedules"][0].update(opens_at="00:00", closes_at="24:00")
    result = plan(tmp_path, tables)
    assert result.problems == []
    schedule = result.directory.schedules[0]
    assert schedule.opens_at == schedule.closes_at == time(0)


def test_the_phone_of_a_contact_is_ignored_not_an_error(tmp_path: Path) -> None:
    tables = base()
    tables["phones"][0].update(service_id="", contact_id=MISSING)
    result = plan(tmp_path, tables)
    assert result.problems == []
    assert result.directory.phones == []
    assert result.ignored["phones of tables Juntos does not model"] == 1


def test_foreign_keys_may_point_to_rows_already_stored(tmp_path: Path) -> None:
    tables = base()
    tables["services"][0]["organization_id"] = STORED_ORG
    tables["attributes"].append(_attribute("24", STORED_ORG, TERM_GOV, "organization"))
    known = Directory(
        organizations=[Organization(STORED_ORG, "Guardada (demo)", "x", sector=Sector.PRIVATE)]
    )
    write(tmp_path, tables)
    result = plan(tmp_path, known=known)
    assert result.problems == []
    stored = [o for o in result.directory.organizations if o.id == STORED_ORG]
    assert [o.sector for o in stored] == [Sector.GOVERNMENT]


def test_ids_not_in_the_files_are_the_ones_looked_up_in_the_database(tmp_path: Path) -> None:
    tables = base()
    tables["services"][0]["organization_id"] = STORED_ORG
    tables["locations"][0]["organization_id"] = MISSING
    tables["phones"][0]["service_at_location_id"] = MISSING
    tables["attributes"].append(_attribute("24", MISSING, TERM_LEGAL, "service"))
    write(tmp_path, tables)
    csv_tables, _ = read_tables(tmp_path)
    request = lookup_request(csv_tables)
    assert request.organizations == {STORED_ORG, MISSING}
    assert request.services == {MISSING}
    assert request.services_at_location == {MISSING}
    assert request.locations == frozenset()


def test_an_attribute_adds_a_category_to_a_stored_service(tmp_path: Path) -> None:
    stored = Service(MISSING, ORG, "Guardado (demo)", categories=frozenset({Category.HEALTH}))
    tables = base()
    tables["attributes"] = [_attribute("30", MISSING, TERM_LEGAL, "service")]
    result = plan(tmp_path, tables, known=Directory(services=[stored]))
    assert result.problems == []
    updated = next(s for s in result.directory.services if s.id == MISSING)
    assert updated.categories == {Category.HEALTH, Category.LEGAL_AID}
    assert updated.name == "Guardado (demo)"


def test_without_attributes_file_stored_rows_keep_their_categories(tmp_path: Path) -> None:
    tables = base()
    del tables["attributes"]
    known = Directory(
        services=[Service(SVC, ORG, "x", categories=frozenset({Category.MEDIATION}))],
        locations=[Location(LOC, "x", None, None, marked_confidential=True)],
    )
    result = plan(tmp_path, tables, known=known)
    assert result.problems == []
    assert result.directory.services[0].categories == {Category.MEDIATION}
    assert result.directory.locations[0].marked_confidential


def test_reading_a_folder_without_tables_is_a_problem(tmp_path: Path) -> None:
    _tables, problems = read_tables(tmp_path)
    assert len(problems) == 1
    assert "no HSDS tables found" in problems[0].message
