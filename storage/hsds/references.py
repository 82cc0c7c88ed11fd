"""Which rows an import refers to without defining them: those are looked up in the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from storage.hsds.csvio import CsvTable, Row
from storage.hsds.fields import UUID_PATTERN

#: link_entity values accepted for the entities Juntos classifies (HSDS uses the table name).
ENTITIES = {
    "service": "service",
    "services": "service",
    "location": "location",
    "locations": "location",
    "organization": "organization",
    "organizations": "organization",
}


@dataclass(frozen=True)
class LookupRequest:
    """Ids the files refer to but do not define: the importer looks them up in the database."""

    organizations: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    locations: frozenset[str] = frozenset()
    services_at_location: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    #: Services whose places (service_at_location and location rows) are needed as well.
    places_of_services: frozenset[str] = frozenset()


def rows_of(tables: dict[str, CsvTable], name: str) -> Iterator[tuple[CsvTable, Row]]:
    table = tables.get(name)
    if table is not None:
        for row in table.rows:
            yield table, row


def uuid_or_none(value: str | None) -> str | None:
    if value and UUID_PATTERN.match(value):
        return value.lower()
    return None


def defined_ids(tables: dict[str, CsvTable], name: str, column: str = "id") -> set[str]:
    return {i for _t, row in rows_of(tables, name) if (i := uuid_or_none(row.get(column)))}


def lookup_request(tables: dict[str, CsvTable]) -> LookupRequest:
    """The ids to look up in the database before `plan_import` (foreign keys not in the files)."""
    defined = {
        name: defined_ids(tables, name) for name in ("organizations", "services", "locations")
    }
    defined["service_at_location"] = defined_ids(tables, "service_at_location")
    defined["phones"] = defined_ids(tables, "phones")
    wanted: dict[str, set[str]] = defaultdict(set)
    references = {
        "organizations": [("organizations", "parent_organization_id")],
        "services": [("organizations", "organization_id")],
        "locations": [("organizations", "organization_id")],
        "service_at_location": [("services", "service_id"), ("locations", "location_id")],
        "addresses": [("locations", "location_id")],
        "phones": [
            ("organizations", "organization_id"),
            ("services", "service_id"),
            ("locations", "location_id"),
            ("service_at_location", "service_at_location_id"),
        ],
        "schedules": [
            ("services", "service_id"),
            ("locations", "location_id"),
            ("service_at_location", "service_at_location_id"),
        ],
        "cost_options": [("services", "service_id")],
        "required_documents": [("services", "service_id")],
        "accessibility": [("locations", "location_id")],
        "languages": [
            ("services", "service_id"),
            ("locations", "location_id"),
            ("phones", "phone_id"),
        ],
    }
    for table_name, refs in references.items():
        for target, column in refs:
            wanted[target] |= defined_ids(tables, table_name, column)
    for _t, row in rows_of(tables, "attributes"):
        entity = ENTITIES.get((row.get("link_entity") or "").casefold())
        link = uuid_or_none(row.get("link_id"))
        if entity and link:
            wanted[entity + "s"].add(link)
    if "attributes" not in tables:
        # Without attributes.csv, rows already stored keep their categories, sector and flags.
        for name in ("organizations", "services", "locations"):
            wanted[name] |= defined[name]
    schedule_services = defined_ids(tables, "schedules", "service_id")
    return LookupRequest(
        organizations=frozenset(wanted["organizations"] - defined["organizations"]),
        services=frozenset(wanted["services"] - defined["services"]),
        locations=frozenset(wanted["locations"] - defined["locations"]),
        services_at_location=frozenset(
            wanted["service_at_location"] - defined["service_at_location"]
        ),
        phones=frozenset(wanted["phones"] - defined["phones"]),
        places_of_services=frozenset(schedule_services),
    )
