"""HSDS 3.1 tables -> a Juntos `Directory`, with every problem found on the way.

Pure: the rows already in the database that the files refer to come in as a `Directory`
(`known`), so an incremental import can point at them; nothing here reads or writes storage.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from domain.directory import (
    SERVICE_STATUSES,
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
from domain.languages import MEXICAN_LANGUAGES, normalize_code
from domain.ports import PlaceFinder
from domain.schedule import Schedule, parse_weekdays
from domain.taxonomy import (
    CATEGORY_TAXONOMY,
    ELIGIBILITY_TAXONOMY,
    SECTOR_TAXONOMY,
    Category,
    Eligibility,
    Sector,
)
from storage import tables as sql
from storage.hsds.csvio import CsvTable, Problem, sort_problems
from storage.hsds.fields import RowReader, max_length
from storage.hsds.references import (
    ENTITIES,
    defined_ids,
    rows_of,
    uuid_or_none,
)
from storage.hsds.timezones import (
    DEFAULT_TIMEZONE,
    describe_offsets,
    fallback_timezone,
    format_offset,
    utc_offsets,
)
from storage.hsds.vocabulary import Term, known_codes

LOCATION_TYPES = ("physical", "postal", "virtual")
ADDRESS_TYPES = ("physical", "postal", "virtual")
INEGI = "INEGI"
_INEGI_CODE = re.compile(r"^\d{5}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_DIGITS = re.compile(r"^\d+$")
_SINGULAR = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_location": "service_at_location",
    "phones": "phone",
}
#: Columns a file must have for Juntos to read it (HSDS required fields + what Juntos needs).
REQUIRED_COLUMNS = {
    "organizations": ("id", "name", "description"),
    "services": ("id", "organization_id", "name", "status"),
    "locations": ("id", "location_type"),
    "service_at_location": ("id", "service_id", "location_id"),
    "addresses": (
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "phones": ("id", "number"),
    "schedules": ("id", "byday", "opens_at", "closes_at"),
    "taxonomies": ("id", "name", "description"),
    "taxonomy_terms": ("id", "code", "name", "description"),
    "attributes": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity"),
    "cost_options": ("id", "service_id"),
    "languages": ("id", "code"),
    "accessibility": ("id", "location_id"),
    "required_documents": ("id", "service_id", "document"),
}
#: Recurrence fields that would change which weeks or days a WEEKLY rule covers.
_UNSUPPORTED_RECURRENCE = ("byweekno", "bymonthday", "byyearday")
_JUNTOS_TAXONOMIES = (CATEGORY_TAXONOMY, SECTOR_TAXONOMY, ELIGIBILITY_TAXONOMY)
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Service columns of free text Juntos keeps as given (HSDS 3.1 `service`).
SERVICE_TEXTS = (
    "fees_description",
    "eligibility_description",
    "interpretation_services",
    "wait_time",
    "alert",
)


def _cldr_languages() -> frozenset[str]:
    from babel import Locale

    return frozenset(str(code) for code in Locale("en").languages if "_" not in str(code))


#: ISO 639 codes a feed may use: those CLDR names, and the languages of Mexico.
KNOWN_LANGUAGES = _cldr_languages() | frozenset(MEXICAN_LANGUAGES)


@dataclass
class ImportPlan:
    directory: Directory
    problems: list[Problem]
    #: What was read but is not Juntos's to store, e.g. attributes of other taxonomies.
    ignored: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems


def _in_mexico(latitude: float, longitude: float) -> bool:
    """Roughly inside Mexico: elsewhere the nearest Mexican municipality means nothing."""
    return 14.0 <= latitude <= 33.0 and -118.5 <= longitude <= -86.5


class _Planner:
    def __init__(
        self, tables: dict[str, CsvTable], known: Directory, places: PlaceFinder | None
    ) -> None:
        self.tables = tables
        self.known = known
        self.places = places
        self.problems: list[Problem] = []
        self.ignored: Counter[str] = Counter()
        self.out = Directory()
        self.defined: dict[str, set[str]] = {}
        self.zones: dict[str, str] = {loc.id: loc.timezone for loc in known.locations}
        self.sal_location: dict[str, str] = {
            s.id: s.location_id for s in known.services_at_location
        }
        self.service_locations: dict[str, set[str]] = defaultdict(set)
        for s in known.services_at_location:
            self.service_locations[s.service_id].add(s.location_id)
        self.header_checked: set[str] = set()
        self.stored: dict[str, set[str]] = {
            "organizations": {x.id for x in known.organizations},
            "services": {x.id for x in known.services},
            "locations": {x.id for x in known.locations},
            "service_at_location": {x.id for x in known.services_at_location},
            "phones": {x.id for x in known.phones},
        }

    # --- helpers --------------------------------------------------------------------------------

    def check_header(self, name: str) -> None:
        table = self.tables.get(name)
        if table is None or name in self.header_checked:
            return
        self.header_checked.add(name)
        for column in REQUIRED_COLUMNS[name]:
            if column not in table.columns:
                self.problems.append(Problem(table.file, 1, column, "required column is missing"))

    def exists(self, kind: str, value: str) -> bool:
        return value in self.defined[kind] or value in self.stored[kind]

    def ref(self, r: RowReader, column: str, kind: str, *, required: bool = False) -> str | None:
        """A foreign key: a UUID that names a row of `kind` in the files or the database."""
        value = r.uuid(column, required=required)
        if value is not None and not self.exists(kind, value):
            r.problem(column, f"no {_SINGULAR[kind]} with id {value} in {kind}.csv or the database")
            return None
        return value

    def rows(self, name: str) -> Iterator[RowReader]:
        """Rows of table `name` with a valid, unique id (duplicates and bad ids are reported)."""
        self.check_header(name)
        seen: dict[str, int] = {}
        for table, row in rows_of(self.tables, name):
            r = RowReader(table, row, self.problems)
            row_id = r.uuid("id", required=True)
            if row_id is None:
                yield r
                continue
            if row_id in seen:
                r.problem("id", f"duplicate id {row_id} (first on line {seen[row_id]})")
            else:
                seen[row_id] = row.line
            yield r

    def collect_defined(self) -> None:
        for name in ("organizations", "services", "locations", "service_at_location", "phones"):
            self.defined[name] = defined_ids(self.tables, name)

    # --- tables ---------------------------------------------------------------------------------

    def organizations(self) -> None:
        t = sql.organizations
        for r in self.rows("organizations"):
            org_id = r.uuid("id")
            name = r.text("name", required=True, limit=max_length(t, "name"))
            description = r.text("description", required=True)
            email = r.text("email", limit=max_length(t, "email"))
            website = r.text("website", limit=max_length(t, "website"))
            parent = self.ref(r, "parent_organization_id", "organizations")
            if parent is not None and parent == org_id:
                r.problem("parent_organization_id", "an organization cannot be its own parent")
            if r.ok and org_id and name:
                self.out.organizations.append(
                    Organization(org_id, name, description or "", email, website)
                )

    def services(self) -> None:
        t = sql.services
        for r in self.rows("services"):
            service_id = r.uuid("id")
            organization_id = self.ref(r, "organization_id", "organizations", required=True)
            name = r.text("name", required=True, limit=max_length(t, "name"))
            status = r.choice("status", SERVICE_STATUSES, required=True)
            description = r.text("description")
            email = r.text("email", limit=max_length(t, "email"))
            url = r.text("url", limit=max_length(t, "url"))
            details = {column: r.text(column) for column in SERVICE_TEXTS}
            minimum_age = r.integer("minimum_age", 0, 120)
            maximum_age = r.integer("maximum_age", 0, 120)
            if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
                r.problem("maximum_age", f"{maximum_age} is below minimum_age {minimum_age}")
            if r.ok and service_id and organization_id and name and status:
                self.out.services.append(
                    Service(
                        id=service_id,
                        organization_id=organization_id,
                        name=name,
                        status=status,
                        description=description or "",
                        email=email,
                        url=url,
                        minimum_age=minimum_age,
                        maximum_age=maximum_age,
                        fees_description=details["fees_description"],
                        eligibility_description=details["eligibility_description"],
                        interpretation_services=details["interpretation_services"],
                        wait_time=details["wait_time"],
                        alert=details["alert"],
                    )
                )

    def _municipality(
        self, r: RowReader, latitude: float | None, longitude: float | None
    ) -> tuple[str | None, str]:
        """(INEGI code, time zone) from external_identifier (type INEGI) or the coordinates."""
        kind = r.text("external_identifier_type")
        code = r.text("external_identifier")
        if kind is not None and kind.casefold() == INEGI.casefold():
            if code is None:
                r.problem("external_identifier", "required when external_identifier_type is INEGI")
                return None, DEFAULT_TIMEZONE
            if not _INEGI_CODE.match(code):
                r.problem(
                    "external_identifier", f"{code!r} is not a 5-digit INEGI municipality code"
                )
                return None, DEFAULT_TIMEZONE
            if self.places is None:
                return code, fallback_timezone(code)
            municipality = self.places.municipality(code)
            if municipality is None:
                r.problem("external_identifier", f"unknown INEGI municipality code {code}")
                return None, DEFAULT_TIMEZONE
            return code, municipality.timezone
        if (
            latitude is not None
            and longitude is not None
            and self.places is not None
            and _in_mexico(latitude, longitude)
        ):
            nearest = self.places.nearest_municipality(latitude, longitude)
            if nearest is not None:
                return nearest.inegi_code, nearest.timezone
        return None, DEFAULT_TIMEZONE

    def locations(self) -> None:
        t = sql.locations
        for r in self.rows("locations"):
            location_id = r.uuid("id")
            location_type = r.choice("location_type", LOCATION_TYPES, required=True)
            organization_id = self.ref(r, "organization_id", "organizations")
            name = r.text("name", limit=max_length(t, "name"))
            description = r.text("description")
            latitude = r.number("latitude", -90, 90)
            longitude = r.number("longitude", -180, 180)
            if (r.raw("latitude") or None) is None and longitude is not None:
                r.problem("latitude", "required when longitude is given")
            if (r.raw("longitude") or None) is None and latitude is not None:
                r.problem("longitude", "required when latitude is given")
            code, zone = self._municipality(r, latitude, longitude)
            if location_id:
                self.zones[location_id] = zone
            if r.ok and location_id and location_type:
                self.out.locations.append(
                    Location(
                        id=location_id,
                        name=name or "",
                        latitude=latitude,
                        longitude=longitude,
                        organization_id=organization_id,
                        description=description or "",
                        location_type=location_type,
                        municipality_code=code,
                        timezone=zone,
                    )
                )

    def services_at_location(self) -> None:
        for r in self.rows("service_at_location"):
            sal_id = r.uuid("id")
            service_id = self.ref(r, "service_id", "services", required=True)
            location_id = self.ref(r, "location_id", "locations", required=True)
            description = r.text("description")
            if sal_id and location_id:
                self.sal_location[sal_id] = location_id
            if service_id and location_id:
                self.service_locations[service_id].add(location_id)
            if r.ok and sal_id and service_id and location_id:
                self.out.services_at_location.append(
                    ServiceAtLocation(sal_id, service_id, location_id, description or "")
                )

    def addresses(self) -> None:
        t = sql.addresses
        for r in self.rows("addresses"):
            address_id = r.uuid("id")
            location_id = self.ref(r, "location_id", "locations", required=True)
            values = {
                c: r.text(c, required=c != "address_2", limit=max_length(t, c))
                for c in ("address_1", "address_2", "city", "state_province", "postal_code")
            }
            country = r.text("country", required=True)
            if country is not None and not _COUNTRY.match(country):
                r.problem("country", f"{country!r} is not a 2-letter ISO 3166 country code")
            address_type = r.choice("address_type", ADDRESS_TYPES, required=True)
            if r.ok and address_id and location_id and country and address_type:
                self.out.addresses.append(
                    Address(
                        id=address_id,
                        location_id=location_id,
                        address_1=values["address_1"] or "",
                        address_2=values["address_2"] or "",
                        city=values["city"] or "",
                        state_province=values["state_province"] or "",
                        postal_code=values["postal_code"] or "",
                        country=country.upper(),
                        address_type=address_type,
                    )
                )

    def phones(self) -> None:
        t = sql.phones
        for r in self.rows("phones"):
            phone_id = r.uuid("id")
            number = r.text("number", required=True, limit=max_length(t, "number"))
            links = {
                "organization_id": self.ref(r, "organization_id", "organizations"),
                "service_id": self.ref(r, "service_id", "services"),
                "location_id": self.ref(r, "location_id", "locations"),
                "service_at_location_id": self.ref(
                    r, "service_at_location_id", "service_at_location"
                ),
            }
            extension = r.text("extension", limit=max_length(t, "extension"))
            if extension is not None and not _DIGITS.match(extension):
                r.problem("extension", f"{extension!r} is not a number")
            kind = r.text("type", limit=max_length(t, "type"))
            description = r.text("description")
            if not any(links.values()) and r.ok:
                # e.g. the phone of a contact: Juntos does not model contacts.
                self.ignored["phones of tables Juntos does not model"] += 1
                continue
            if r.ok and phone_id and number:
                self.out.phones.append(
                    Phone(
                        id=phone_id,
                        number=number,
                        extension=extension,
                        type=kind or "voice",
                        description=description or "",
                        **links,
                    )
                )

    def _schedule_zones(
        self, location_id: str | None, sal_id: str | None, service_id: str | None
    ) -> set[str]:
        if location_id:
            return {self.zones.get(location_id, DEFAULT_TIMEZONE)}
        if sal_id and sal_id in self.sal_location:
            return {self.zones.get(self.sal_location[sal_id], DEFAULT_TIMEZONE)}
        if service_id and self.service_locations.get(service_id):
            return {self.zones.get(x, DEFAULT_TIMEZONE) for x in self.service_locations[service_id]}
        return {DEFAULT_TIMEZONE}

    def _check_offset(self, r: RowReader, column: str, offset: float, zones: set[str]) -> None:
        for zone in sorted(zones):
            if offset not in utc_offsets(zone):
                r.problem(
                    column,
                    f"UTC offset {format_offset(offset)} does not match the location's time "
                    f"zone {zone} ({describe_offsets(zone)})",
                )

    def schedules(self) -> None:
        for r in self.rows("schedules"):
            schedule_id = r.uuid("id")
            service_id = self.ref(r, "service_id", "services")
            location_id = self.ref(r, "location_id", "locations")
            sal_id = self.ref(r, "service_at_location_id", "service_at_location")
            if not (r.raw("service_id") or r.raw("location_id") or r.raw("service_at_location_id")):
                r.problem(
                    "service_id", "a schedule needs a service, location or service_at_location"
                )
            freq = r.text("freq")
            if freq is not None and freq.upper() != "WEEKLY":
                r.problem("freq", f"{freq!r} is not supported: Juntos reads WEEKLY opening hours")
            interval = r.integer("interval", 1, 1_000)
            if interval is not None and interval != 1:
                r.problem("interval", f"every {interval} weeks is not supported (only 1)")
            for column in _UNSUPPORTED_RECURRENCE:
                if r.text(column) is not None:
                    r.problem(column, "not supported: Juntos reads plain weekly opening hours")
            weekdays: frozenset[int] | None = None
            byday = r.text("byday", required=True)
            if byday is not None:
                try:
                    weekdays = parse_weekdays(byday)
                except ValueError as exc:
                    r.problem("byday", str(exc))
            opens = r.clock_time("opens_at", required=True)
            closes = r.clock_time("closes_at", required=True, end=True)
            zones = self._schedule_zones(location_id, sal_id, service_id)
            offset = r.number("timezone", -14, 14)
            if offset is not None:
                self._check_offset(r, "timezone", offset, zones)
            for column, clock in (("opens_at", opens), ("closes_at", closes)):
                if clock is not None and clock.utc_offset is not None:
                    self._check_offset(r, column, clock.utc_offset, zones)
            description = r.text("description")
            if r.ok and schedule_id and weekdays and opens and closes:
                self.out.schedules.append(
                    Schedule(
                        id=schedule_id,
                        weekdays=weekdays,
                        opens_at=opens.value,
                        closes_at=closes.value,
                        service_id=service_id,
                        location_id=location_id,
                        service_at_location_id=sal_id,
                        description=description or "",
                    )
                )

    def cost_options(self) -> None:
        for r in self.rows("cost_options"):
            option_id = r.uuid("id")
            service_id = self.ref(r, "service_id", "services", required=True)
            option = r.text("option")
            amount = r.number("amount", 0, 1e9)
            currency = r.text("currency")
            if currency is not None and not _CURRENCY.match(currency):
                r.problem("currency", f"{currency!r} is not a 3-letter ISO 4217 currency code")
            dates = {}
            for column in ("valid_from", "valid_to"):
                dates[column] = r.text(column)
                value = dates[column]
                if value is not None and not _DATE.match(value):
                    r.problem(column, f"{value!r} is not a date (YYYY-MM-DD)")
            if r.ok and option_id and service_id:
                self.out.cost_options.append(
                    CostOption(
                        id=option_id,
                        service_id=service_id,
                        option=option,
                        amount=amount,
                        currency=currency.upper() if currency else None,
                        amount_description=r.text("amount_description"),
                        **dates,
                    )
                )

    def languages(self) -> None:
        for r in self.rows("languages"):
            language_id = r.uuid("id")
            links = {
                "service_id": self.ref(r, "service_id", "services"),
                "location_id": self.ref(r, "location_id", "locations"),
                "phone_id": self.ref(r, "phone_id", "phones"),
            }
            if not (r.raw("service_id") or r.raw("location_id") or r.raw("phone_id")):
                r.problem("service_id", "a language needs a service, location or phone")
            raw_code = r.text("code", required=True)
            code = normalize_code(raw_code) if raw_code is not None else None
            if raw_code is not None and (code is None or code not in KNOWN_LANGUAGES):
                r.problem(
                    "code",
                    f"{raw_code!r} is not a known ISO 639-1 or 639-3 language code "
                    "(e.g. es, en, nah, tar)",
                )
            name = r.text("name", limit=max_length(sql.languages, "name"))
            if r.ok and language_id and code:
                self.out.languages.append(
                    ServiceLanguage(
                        id=language_id, code=code, name=name, note=r.text("note"), **links
                    )
                )

    def accessibility(self) -> None:
        for r in self.rows("accessibility"):
            access_id = r.uuid("id")
            location_id = self.ref(r, "location_id", "locations", required=True)
            description = r.text("description")
            details = r.text("details")
            url = r.text("url", limit=max_length(sql.accessibility, "url"))
            if description is None and details is None and r.ok:
                r.problem("description", "required when details is empty")
            if r.ok and access_id and location_id:
                self.out.accessibility.append(
                    Accessibility(access_id, location_id, description, details, url)
                )

    def required_documents(self) -> None:
        for r in self.rows("required_documents"):
            document_id = r.uuid("id")
            service_id = self.ref(r, "service_id", "services", required=True)
            document = r.text("document", required=True)
            uri = r.text("uri", limit=max_length(sql.required_documents, "uri"))
            if r.ok and document_id and service_id and document:
                self.out.required_documents.append(
                    RequiredDocument(document_id, service_id, document, uri)
                )

    # --- taxonomies -----------------------------------------------------------------------------

    def juntos_terms(self) -> dict[str, Term | None]:
        """Term id -> Term for the terms of the Juntos taxonomies (None when the term is bad)."""
        taxonomy_names: dict[str, str] = {}
        for table, row in rows_of(self.tables, "taxonomies"):
            name = (row.get("name") or "").strip()
            if name not in _JUNTOS_TAXONOMIES:
                self.ignored["taxonomies other than juntos"] += 1
                continue
            self.check_header("taxonomies")
            r = RowReader(table, row, self.problems)
            taxonomy_id = r.uuid("id", required=True)
            r.text("description", required=True)
            if taxonomy_id:
                taxonomy_names[taxonomy_id] = name
        terms: dict[str, Term | None] = {}
        for table, row in rows_of(self.tables, "taxonomy_terms"):
            taxonomy_id = uuid_or_none(row.get("taxonomy_id"))
            taxonomy = taxonomy_names.get(taxonomy_id or "") or (row.get("taxonomy") or "")
            if taxonomy not in _JUNTOS_TAXONOMIES:
                self.ignored["taxonomy terms of other taxonomies"] += 1
                continue
            self.check_header("taxonomy_terms")
            r = RowReader(table, row, self.problems)
            term_id = r.uuid("id", required=True)
            code = r.text("code", required=True)
            r.text("name", required=True)
            r.text("description", required=True)
            if code is not None and code not in known_codes(taxonomy):
                r.problem(
                    "code",
                    f"unknown code {code!r} in taxonomy {taxonomy} "
                    f"(expected one of: {', '.join(known_codes(taxonomy))})",
                )
            if term_id is not None:
                if term_id in terms:
                    r.problem("id", f"duplicate taxonomy term id {term_id}")
                terms[term_id] = Term(taxonomy, code) if r.ok and code else None
        return terms

    def attributes(self) -> None:
        terms = self.juntos_terms()
        categories: dict[str, set[Category]] = defaultdict(set)
        confidential: dict[str, set[str]] = defaultdict(set)
        sectors: dict[str, tuple[Sector, int]] = {}
        eligibility: dict[str, set[Eligibility]] = defaultdict(set)
        seen: dict[str, int] = {}
        for table, row in rows_of(self.tables, "attributes"):
            term_key = uuid_or_none(row.get("taxonomy_term_id"))
            if term_key is None or term_key not in terms:
                self.ignored["attributes of other taxonomies"] += 1
                continue
            self.check_header("attributes")
            r = RowReader(table, row, self.problems)
            attribute_id = r.uuid("id", required=True)
            if attribute_id is not None:
                if attribute_id in seen:
                    r.problem(
                        "id", f"duplicate id {attribute_id} (first on line {seen[attribute_id]})"
                    )
                seen.setdefault(attribute_id, row.line)
            r.text("link_type", required=True)
            term = terms[term_key]
            raw_entity = r.text("link_entity", required=True)
            entity = ENTITIES.get((raw_entity or "").casefold())
            if raw_entity is not None and term is not None and entity not in term.entities:
                r.problem(
                    "link_entity",
                    f"term {term.code!r} of taxonomy {term.taxonomy} applies to "
                    f"{' or '.join(sorted(term.entities))}, not {raw_entity!r}",
                )
                continue
            link_id = self.ref(r, "link_id", entity + "s", required=True) if entity else None
            if not r.ok or term is None or entity is None or link_id is None:
                continue
            if term.kind == "category":
                categories[link_id].add(Category(term.code))
            elif term.kind == "confidential":
                confidential[entity].add(link_id)
            elif term.kind == "eligibility":
                eligibility[link_id].add(Eligibility(term.code))
            else:
                sector = Sector(term.code)
                if link_id in sectors and sectors[link_id][0] != sector:
                    r.problem(
                        "taxonomy_term_id",
                        f"organization {link_id} already has sector {sectors[link_id][0]} "
                        f"(line {sectors[link_id][1]})",
                    )
                sectors.setdefault(link_id, (sector, row.line))
        self.classify(
            categories, confidential, {k: v for k, (v, _l) in sectors.items()}, eligibility
        )

    def classify(
        self,
        categories: dict[str, set[Category]],
        confidential: dict[str, set[str]],
        sectors: dict[str, Sector],
        eligibility: dict[str, set[Eligibility]],
    ) -> None:
        """Put categories, flags and sectors on the rows (and on stored rows the files link)."""
        has_attributes = "attributes" in self.tables
        known_services = {s.id: s for s in self.known.services}
        known_locations = {x.id: x for x in self.known.locations}
        known_orgs = {o.id: o for o in self.known.organizations}
        for service in self.out.services:
            if has_attributes:
                service.categories = frozenset(categories.pop(service.id, ()))
                service.eligibility = frozenset(eligibility.pop(service.id, ()))
                service.marked_confidential = service.id in confidential["service"]
                confidential["service"].discard(service.id)
            elif service.id in known_services:
                service.categories = known_services[service.id].categories
                service.eligibility = known_services[service.id].eligibility
                service.marked_confidential = known_services[service.id].marked_confidential
        for location in self.out.locations:
            if has_attributes:
                location.marked_confidential = location.id in confidential["location"]
                confidential["location"].discard(location.id)
            elif location.id in known_locations:
                location.marked_confidential = known_locations[location.id].marked_confidential
        for organization in self.out.organizations:
            if has_attributes:
                organization.sector = sectors.pop(organization.id, None)
            elif organization.id in known_orgs:
                organization.sector = known_orgs[organization.id].sector
        # Attributes that classify rows stored earlier (an incremental import) add to them.
        for service_id in sorted(set(categories) | set(eligibility) | confidential["service"]):
            if service_id in known_services:
                old = known_services[service_id]
                self.out.services.append(
                    dataclasses.replace(
                        old,
                        categories=old.categories | frozenset(categories.get(service_id, ())),
                        eligibility=old.eligibility | frozenset(eligibility.get(service_id, ())),
                        marked_confidential=old.marked_confidential
                        or service_id in confidential["service"],
                    )
                )
        for location_id in sorted(confidential["location"]):
            if location_id in known_locations:
                self.out.locations.append(
                    dataclasses.replace(known_locations[location_id], marked_confidential=True)
                )
        for org_id, sector in sorted(sectors.items()):
            if org_id in known_orgs:
                self.out.organizations.append(
                    dataclasses.replace(known_orgs[org_id], sector=sector)
                )

    def plan(self) -> ImportPlan:
        self.collect_defined()
        self.organizations()
        self.services()
        self.locations()
        self.services_at_location()
        self.addresses()
        self.phones()
        self.schedules()
        self.cost_options()
        self.languages()
        self.accessibility()
        self.required_documents()
        self.attributes()
        return ImportPlan(self.out, sort_problems(self.problems), self.ignored)


def plan_import(
    tables: dict[str, CsvTable],
    known: Directory | None = None,
    places: PlaceFinder | None = None,
) -> ImportPlan:
    """Validate the tables and map them to a Directory; `problems` empty means safe to write."""
    return _Planner(tables, known or Directory(), places).plan()
