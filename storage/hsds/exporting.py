"""A Juntos `Directory` -> HSDS 3.1 tables, written so that the same data gives the same bytes.

Only the columns Juntos models are written, always in the same order (that of the official
HSDS example tables); rows are sorted by id; taxonomy, term and attribute rows get uuid5 ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import time
from pathlib import Path

from domain.directory import Directory
from domain.schedule import format_weekdays
from domain.taxonomy import (
    CATEGORY_TAXONOMY,
    CONFIDENTIAL_CODE,
    ELIGIBILITY_TAXONOMY,
    SECTOR_TAXONOMY,
)
from storage.hsds.csvio import TABLES, write_table
from storage.hsds.importing import INEGI
from storage.hsds.timezones import format_offset, standard_offset
from storage.hsds.vocabulary import (
    LINK_TYPES,
    TAXONOMIES,
    Term,
    attribute_id,
    taxonomy_id,
    term_id,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "organizations": ("id", "name", "description", "email", "website"),
    "services": (
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "fees_description",
        "wait_time",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "alert",
    ),
    "locations": (
        "id",
        "location_type",
        "organization_id",
        "name",
        "description",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ),
    "service_at_location": ("id", "service_id", "location_id", "description"),
    "addresses": (
        "id",
        "location_id",
        "address_1",
        "address_2",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "phones": (
        "id",
        "location_id",
        "service_id",
        "organization_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
    ),
    "schedules": (
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "timezone",
        "freq",
        "byday",
        "description",
        "opens_at",
        "closes_at",
    ),
    "cost_options": (
        "id",
        "service_id",
        "valid_from",
        "valid_to",
        "option",
        "currency",
        "amount",
        "amount_description",
    ),
    "languages": ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    "accessibility": ("id", "location_id", "description", "details", "url"),
    "required_documents": ("id", "service_id", "document", "uri"),
    "taxonomies": ("id", "name", "description"),
    "taxonomy_terms": ("id", "code", "name", "description", "taxonomy", "language", "taxonomy_id"),
    "attributes": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity"),
}
#: Language of the term names and descriptions Juntos writes.
TERM_LANGUAGE = "es"

Rows = list[list[str]]


def _cell(value: object) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    return str(value)


def _sorted_rows(
    items: Iterable[object], columns: Sequence[str], extra: Callable[[object], dict[str, object]]
) -> Rows:
    rows = []
    for item in items:
        computed = extra(item)
        rows.append(
            [_cell(computed[c] if c in computed else getattr(item, c, None)) for c in columns]
        )
    return sorted(rows)


def _none(_item: object) -> dict[str, object]:
    return {}


def cost_extra(item: object) -> dict[str, object]:
    """Amounts as written by people: `0`, `150`, `99.5`."""
    amount = getattr(item, "amount", None)
    if isinstance(amount, float) and amount.is_integer():
        return {"amount": int(amount)}
    return {}


def directory_tables(directory: Directory) -> dict[str, Rows]:
    """Every HSDS table as rows of text cells, in the order of `COLUMNS[name]`."""
    d = directory
    zones = {loc.id: loc.timezone for loc in d.locations}
    sal_location = {s.id: s.location_id for s in d.services_at_location}

    def location_extra(item: object) -> dict[str, object]:
        code = getattr(item, "municipality_code", None)
        return {
            "external_identifier": code,
            "external_identifier_type": INEGI if code else None,
        }

    def schedule_extra(item: object) -> dict[str, object]:
        location_id = getattr(item, "location_id", None) or sal_location.get(
            getattr(item, "service_at_location_id", None) or ""
        )
        zone = zones.get(location_id or "")
        return {
            "timezone": format_offset(standard_offset(zone)) if zone else None,
            "freq": "WEEKLY",
            "byday": format_weekdays(getattr(item, "weekdays", ())),
        }

    tables: dict[str, Rows] = {
        "organizations": _sorted_rows(d.organizations, COLUMNS["organizations"], _none),
        "services": _sorted_rows(d.services, COLUMNS["services"], _none),
        "locations": _sorted_rows(d.locations, COLUMNS["locations"], location_extra),
        "service_at_location": _sorted_rows(
            d.services_at_location, COLUMNS["service_at_location"], _none
        ),
        "addresses": _sorted_rows(d.addresses, COLUMNS["addresses"], _none),
        "phones": _sorted_rows(d.phones, COLUMNS["phones"], _none),
        "schedules": _sorted_rows(d.schedules, COLUMNS["schedules"], schedule_extra),
        "cost_options": _sorted_rows(d.cost_options, COLUMNS["cost_options"], cost_extra),
        "languages": _sorted_rows(d.languages, COLUMNS["languages"], _none),
        "accessibility": _sorted_rows(d.accessibility, COLUMNS["accessibility"], _none),
        "required_documents": _sorted_rows(
            d.required_documents, COLUMNS["required_documents"], _none
        ),
    }
    tables.update(_taxonomy_tables(d))
    return tables


def _taxonomy_tables(d: Directory) -> dict[str, Rows]:
    taxonomies: Rows = []
    terms: Rows = []
    for name, (description, codes) in TAXONOMIES.items():
        taxonomies.append([taxonomy_id(name), name, description])
        for code, (term_name, term_description) in codes.items():
            term = Term(name, str(code))
            terms.append(
                [
                    term_id(term),
                    str(code),
                    term_name,
                    term_description,
                    name,
                    TERM_LANGUAGE,
                    taxonomy_id(name),
                ]
            )
    links: list[tuple[str, str, Term]] = []
    for service in d.services:
        links.extend(
            ("service", service.id, Term(CATEGORY_TAXONOMY, c)) for c in service.categories
        )
        links.extend(
            ("service", service.id, Term(ELIGIBILITY_TAXONOMY, e)) for e in service.eligibility
        )
        if service.marked_confidential:
            links.append(("service", service.id, Term(CATEGORY_TAXONOMY, CONFIDENTIAL_CODE)))
    for location in d.locations:
        if location.marked_confidential:
            links.append(("location", location.id, Term(CATEGORY_TAXONOMY, CONFIDENTIAL_CODE)))
    for organization in d.organizations:
        if organization.sector is not None:
            links.append(
                ("organization", organization.id, Term(SECTOR_TAXONOMY, organization.sector))
            )
    attributes = [
        [
            attribute_id(entity, link_id, term),
            link_id,
            term_id(term),
            LINK_TYPES[term.kind],
            entity,
        ]
        for entity, link_id, term in links
    ]
    return {
        "taxonomies": sorted(taxonomies),
        "taxonomy_terms": sorted(terms),
        "attributes": sorted(attributes),
    }


def write_tables(tables: dict[str, Rows], target: Path) -> dict[str, int]:
    """Write tables made by `directory_tables` into `target` (created 0700 if needed)."""
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in TABLES:
        write_table(target / f"{name}.csv", COLUMNS[name], tables[name])
    return {name: len(tables[name]) for name in TABLES}


def write_directory(directory: Directory, target: Path) -> dict[str, int]:
    """Write the HSDS tables into `target` (created if needed); return rows per table."""
    return write_tables(directory_tables(directory), target)
