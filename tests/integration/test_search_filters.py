"""Search filters on SQLite and PostgreSQL: the indexed answer equals the brute-force reference
for every filter combination, the cards stay in step with imports, confidential places stay
out of reach, and bad feeds are refused line by line."""

from __future__ import annotations

import csv
import itertools
import random
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from domain.cards import directory_cards, nearest_cards
from domain.directory import (
    Accessibility,
    CostOption,
    Directory,
    RequiredDocument,
    ServiceLanguage,
)
from domain.geo import Point
from domain.nearby import NearbyQuery, SearchFilters, ServiceCard
from domain.services.nearest import HelpSearch, find_help, find_nearest_services
from domain.taxonomy import Category, Eligibility
from juntos.database import Database
from storage.engine import create_engine, session_factory
from storage.hsds import import_directory
from tests.builders import add_service, uid
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_directory"
# Wednesday 2026-03-04 10:00 in Ciudad Juárez (UTC-7 in winter).
WEDNESDAY_10AM_JUAREZ = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
RIBERAS_DEL_BRAVO = Point(31.6290, -106.3230)
LANGUAGES = ("es", "en", "tar")


async def load(database: Database, directory: Directory) -> None:
    async with database.uow() as uow:
        await uow.directory.upsert(directory)
        await uow.commit()


def random_directory(rng: random.Random, n: int = 160) -> Directory:
    """Services around Ciudad Juárez with every kind of detail, some at shared places."""
    d = Directory()
    categories = list(Category)[:4]
    for i in range(n):
        name = f"svc {i}"
        shared = rng.random() < 0.1 and i > 0
        opens = time(rng.choice([0, 8, 9, 16, 20]))
        closes = time(rng.choice([0, 2, 14, 17, 22]))
        service = add_service(
            d,
            name,
            31.55 + rng.random() * 0.2,
            -106.5 + rng.random() * 0.25,
            set(rng.sample(categories, rng.randint(1, 2))),
            min_age=rng.choice([None, 12, 18]),
            max_age=rng.choice([None, 17, 99]),
            status=rng.choice(["active"] * 9 + ["inactive"]),
            confidential=rng.random() < 0.05,
            hours=(opens, closes) if rng.random() < 0.85 else None,
            weekdays=frozenset(rng.sample(range(7), rng.randint(1, 7))),
            at=f"svc {rng.randrange(i)}" if shared else None,
        )
        service.eligibility = frozenset(
            e for e in Eligibility if rng.random() < 0.25
        )  # some have several
        roll = rng.random()
        if roll < 0.4:
            d.cost_options.append(CostOption(uid(f"cost:{i}"), service.id, option="free"))
        elif roll < 0.55:
            d.cost_options.append(CostOption(uid(f"cost:{i}"), service.id, amount=0.0))
        elif roll < 0.8:
            d.cost_options.append(
                CostOption(uid(f"cost:{i}"), service.id, option="cuota", amount=80.0)
            )
        location_id = d.services_at_location[-1].location_id
        if rng.random() < 0.3 and not shared:
            d.accessibility.append(Accessibility(uid(f"acc:{i}"), location_id, description="Rampa"))
        for code in LANGUAGES:
            link = rng.random()
            if link < 0.15:
                d.languages.append(
                    ServiceLanguage(uid(f"lang:{i}:{code}"), code, service_id=service.id)
                )
            elif link < 0.22:
                d.languages.append(
                    ServiceLanguage(uid(f"lang:{i}:{code}"), code, location_id=location_id)
                )
            elif link < 0.28 and any(p.id == uid(f"phone:{name}") for p in d.phones):
                d.languages.append(
                    ServiceLanguage(uid(f"lang:{i}:{code}"), code, phone_id=uid(f"phone:{name}"))
                )
        if rng.random() < 0.2:
            d.required_documents.append(RequiredDocument(uid(f"doc:{i}"), service.id, "INE"))
    return d


async def matches_the_reference(
    database: Database, cards: Sequence[ServiceCard], query: NearbyQuery
) -> bool:
    """Assert the database's answer to `query` is the brute-force reference's over `cards`;
    whether there was anything to compare."""
    async with database.uow() as uow:
        got = await uow.directory.nearest_cards(query)
    expected = nearest_cards(cards, query)
    assert [(c.card, round(c.distance_km, 6)) for c in got] == [
        (c.card, round(c.distance_km, 6)) for c in expected
    ], (query.filters, query)
    return bool(expected)


ALL_FILTERS = [
    SearchFilters(free, open_now, eligibility, language, accessible)
    for free, open_now, eligibility, language, accessible in itertools.product(
        (False, True),
        (False, True),
        (None, Eligibility.WOMEN),
        # (Rarámuri: points kept under its own term; Spanish, spoken nearly everywhere: none.)
        (None, "tar", "es"),
        (False, True),
    )
]


async def test_every_filter_combination_equals_the_brute_force_reference(
    database: Database,
) -> None:
    rng = random.Random(14)
    directory = random_directory(rng)
    await load(database, directory)
    cards = directory_cards(directory)
    compared = 0
    for filters in ALL_FILTERS:
        for _ in range(4):
            at = WEDNESDAY_10AM_JUAREZ + timedelta(hours=rng.randrange(0, 24 * 7))
            query = NearbyQuery(
                point=Point(31.55 + rng.random() * 0.2, -106.5 + rng.random() * 0.25),
                category=rng.choice([None, *list(Category)[:4]]),
                age=rng.choice([None, 15, 30]),
                limit=5,
                offset=rng.choice([0, 0, 5]),
                max_radius_km=rng.choice([3.0, 50.0]),
                filters=filters,
                at=at,
            )
            compared += await matches_the_reference(database, cards, query)
    assert compared > len(ALL_FILTERS)  # most combinations found something to compare


async def test_a_result_says_what_applies_and_the_filters_keep_only_what_fits(
    database: Database,
) -> None:
    d = Directory()
    free = add_service(d, "Gratis mujeres", 31.63, -106.32, {Category.LEGAL_AID})
    free.eligibility = frozenset({Eligibility.WOMEN})
    free.alert = "Solo con cita esta semana (ficticio)."
    d.cost_options.append(CostOption(uid("c1"), free.id, option="free"))
    d.languages.append(ServiceLanguage(uid("l1"), "tar", name="Rarámuri", service_id=free.id))
    d.accessibility.append(Accessibility(uid("a1"), uid("loc:Gratis mujeres"), "Rampa"))
    d.required_documents.append(RequiredDocument(uid("d1"), free.id, "INE"))
    paid = add_service(d, "De pago", 31.629, -106.323, {Category.LEGAL_AID})
    d.cost_options.append(CostOption(uid("c2"), paid.id, option="Consulta", amount=300.0))
    await load(database, d)
    clock = FakeClock(WEDNESDAY_10AM_JUAREZ)
    query = NearbyQuery(point=RIBERAS_DEL_BRAVO, category=Category.LEGAL_AID)
    everything = await find_nearest_services(query, database.uow(), clock)
    assert [r.service_name for r in everything] == ["De pago", "Gratis mujeres"]
    [only_free] = await find_nearest_services(
        NearbyQuery(
            point=RIBERAS_DEL_BRAVO,
            category=Category.LEGAL_AID,
            filters=SearchFilters(free=True, language="tar", accessible=True),
        ),
        database.uow(),
        clock,
    )
    assert only_free.service_name == "Gratis mujeres"
    assert only_free.free and only_free.open_now
    assert only_free.eligibility == (Eligibility.WOMEN,)
    assert only_free.languages == (("tar", "Rarámuri"),)
    assert only_free.accessibility == ("Rampa",)
    assert only_free.documents == ("INE",)
    assert only_free.alert == "Solo con cita esta semana (ficticio)."


async def test_a_later_import_of_languages_alone_updates_the_answer(
    database: Database,
) -> None:
    d = Directory()
    service = add_service(d, "Clínica", 31.63, -106.32, {Category.HEALTH})
    await load(database, d)
    query = NearbyQuery(point=RIBERAS_DEL_BRAVO, filters=SearchFilters(language="tar"))
    clock = FakeClock(WEDNESDAY_10AM_JUAREZ)
    assert await find_nearest_services(query, database.uow(), clock) == []
    await load(
        database, Directory(languages=[ServiceLanguage(uid("x"), "tar", service_id=service.id)])
    )
    [found] = await find_nearest_services(query, database.uow(), clock)
    assert found.service_name == "Clínica"
    # ...and a phone of the organisation, written later, shows up on the result.
    from domain.directory import Phone

    await load(
        database,
        Directory(
            phones=[
                Phone(uid("org-phone"), "+52 55 0000 9999", organization_id=service.organization_id)
            ]
        ),
    )
    [found] = await find_nearest_services(query, database.uow(), clock)
    assert found.phones == ("+52 55 0000 0001",)  # the service's own phone is more specific


async def test_a_result_shows_what_the_last_import_says_not_what_an_earlier_search_read(
    database: Database,
) -> None:
    """Cards read once are kept in the process; an import that rewrites one is seen at once."""
    d = Directory()
    service = add_service(d, "Clínica", 31.63, -106.32, {Category.HEALTH})
    await load(database, d)
    query = NearbyQuery(point=RIBERAS_DEL_BRAVO)
    clock = FakeClock(WEDNESDAY_10AM_JUAREZ)
    [before] = await find_nearest_services(query, database.uow(), clock)
    assert (before.service_name, before.alert) == ("Clínica", None)
    service.name = "Clínica del Valle"
    service.alert = "Cerrado el lunes por obras."
    await load(database, Directory(organizations=d.organizations, services=[service]))
    [after] = await find_nearest_services(query, database.uow(), clock)
    assert (after.service_name, after.alert) == ("Clínica del Valle", "Cerrado el lunes por obras.")
    assert after.phones == before.phones  # the rest of the card is still read from the database


async def test_filters_never_bring_a_confidential_place_into_the_distances(
    database: Database,
) -> None:
    d = Directory()
    shelter = add_service(d, "Refugio", 31.6291, -106.3231, {Category.SHELTER})
    shelter.eligibility = frozenset({Eligibility.WOMEN})
    d.cost_options.append(CostOption(uid("c"), shelter.id, option="free"))
    d.accessibility.append(Accessibility(uid("a"), uid("loc:Refugio"), "Rampa"))
    d.languages.append(ServiceLanguage(uid("l"), "tar", service_id=shelter.id))
    public = add_service(d, "Centro", 31.70, -106.40, {Category.HEALTH})
    d.cost_options.append(CostOption(uid("c2"), public.id, option="free"))
    await load(database, d)
    clock = FakeClock(WEDNESDAY_10AM_JUAREZ)
    for filters in ALL_FILTERS:
        found = await find_help(
            HelpSearch(
                point=RIBERAS_DEL_BRAVO,
                municipality_code="08037",
                filters=filters,
            ),
            database.uow(),
            clock,
        )
        assert all(r.service_name != "Refugio" for r in found.results)
        # Named by municipality, whatever the filters: never filtered by what or where it is.
        assert [o.service_name for o in found.confidential] == ["Refugio"]


# --- bad feeds ----------------------------------------------------------------------------------


def _rewrite(folder: Path, name: str, edit: Callable[[list[dict[str, str]]], None]) -> None:
    path = folder / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


async def test_bad_costs_languages_terms_and_links_are_file_line_errors_and_nothing_is_written(
    database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "feed"
    shutil.copytree(DEMO, folder)

    def bad_costs(rows: list[dict[str, str]]) -> None:
        rows[0]["amount"] = "doscientos"
        rows[1]["currency"] = "pesos"
        rows[2]["service_id"] = "00000000-0000-4000-8000-000000000000"

    def bad_languages(rows: list[dict[str, str]]) -> None:
        rows[0]["code"] = "klingon"
        rows[1]["code"] = "xx"

    def unknown_term(rows: list[dict[str, str]]) -> None:
        row = next(r for r in rows if r["code"] == "women")
        row["code"] = "ninjas"

    _rewrite(folder, "cost_options", bad_costs)
    _rewrite(folder, "languages", bad_languages)
    _rewrite(folder, "taxonomy_terms", unknown_term)
    report = await import_directory(folder, database.uow())
    found = {(Path(p.file).name, p.line, p.field) for p in report.problems}
    assert {
        ("cost_options.csv", 2, "amount"),
        ("cost_options.csv", 3, "currency"),
        ("cost_options.csv", 4, "service_id"),
        ("languages.csv", 2, "code"),
        ("languages.csv", 3, "code"),
    } <= found
    assert any(name == "taxonomy_terms.csv" and field == "code" for name, _line, field in found)
    assert "not a number" in str(report.problems[0]) or any(
        "'doscientos' is not a number" in str(p) for p in report.problems
    )
    assert report.written == {}
    async with database.uow() as uow:
        assert await uow.directory.count_services() == 0


async def test_upgrading_a_database_with_a_directory_builds_its_search_cards(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """Migration 0009 empties the derived search rows; the upgrade rebuilds them (points and
    cards) from the directory as stored, so searches answer right after `juntos db upgrade`."""
    from storage import migrate
    from storage.engine import create_engine, session_factory

    path = tmp_path / "old.db"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        await migrate.downgrade(engine, "0008")
        org, svc, loc, sal = (uid(f"{kind}:old") for kind in ("org", "svc", "loc", "sal"))
        async with engine.begin() as conn:
            sql = conn.exec_driver_sql
            await sql(
                f"INSERT INTO organizations (id, name, description) VALUES ('{org}', 'O', '')"
            )
            await sql(
                "INSERT INTO services (id, organization_id, name, status, description, categories, "
                f"marked_confidential) VALUES ('{svc}', '{org}', 'Clínica vieja', 'active', '', "
                "'health', 0)"
            )
            await sql(
                "INSERT INTO locations (id, name, description, location_type, latitude, longitude, "
                f"timezone, marked_confidential) VALUES ('{loc}', 'Sede', '', 'physical', 31.63, "
                "-106.32, 'America/Ciudad_Juarez', 0)"
            )
            await sql(
                "INSERT INTO services_at_location (id, service_id, location_id, description) "
                f"VALUES ('{sal}', '{svc}', '{loc}', '')"
            )
        await migrate.upgrade(engine)
        database = Database(engine=engine, sessions=session_factory(engine))
        [found] = await find_nearest_services(
            NearbyQuery(point=RIBERAS_DEL_BRAVO, category=Category.HEALTH),
            database.uow(),
            FakeClock(WEDNESDAY_10AM_JUAREZ),
        )
        assert found.service_name == "Clínica vieja"
    finally:
        await engine.dispose()


async def test_a_place_that_no_longer_carries_a_term_leaves_the_searches_for_it(
    database: Database,
) -> None:
    d = Directory()
    service = add_service(d, "Casa Violeta", 31.63, -106.32, {Category.LEGAL_AID})
    service.eligibility = frozenset({Eligibility.WOMEN})
    location_id = d.services_at_location[-1].location_id
    d.accessibility.append(Accessibility(uid("ramp"), location_id, description="Rampa"))
    d.languages.append(ServiceLanguage(uid("tar"), "tar", service_id=service.id))
    await load(database, d)
    clock = FakeClock(WEDNESDAY_10AM_JUAREZ)
    each = [
        SearchFilters(eligibility=Eligibility.WOMEN),
        SearchFilters(accessible=True),
        SearchFilters(language="tar"),
        SearchFilters(eligibility=Eligibility.WOMEN, accessible=True, language="tar"),
    ]

    async def names_found(filters: SearchFilters) -> list[str]:
        query = NearbyQuery(point=RIBERAS_DEL_BRAVO, filters=filters)
        return [r.service_name for r in await find_nearest_services(query, database.uow(), clock)]

    for filters in each:
        assert await names_found(filters) == ["Casa Violeta"]
    service.eligibility = frozenset()
    await load(database, Directory(organizations=d.organizations, services=[service]))
    assert await names_found(each[0]) == []
    for filters in each[1:3]:
        assert await names_found(filters) == ["Casa Violeta"]


async def test_a_directory_imported_by_another_process_is_searched_exactly(
    database: Database,
) -> None:
    """The search keeps hints about how many places there are where (they choose how wide
    to look first and what to read); another process's import leaves them stale, which may
    cost time, never a result."""
    rng = random.Random(15)
    small = Directory()  # a few places in Mérida, far beyond any search from Juárez
    for i, category in enumerate(list(Category)[:4]):
        add_service(small, f"lejos {i}", 20.97, -89.62, {category}, timezone="America/Merida")
    await load(database, small)
    for filters in ALL_FILTERS:  # every hint taken from the small directory
        query = NearbyQuery(point=RIBERAS_DEL_BRAVO, filters=filters, at=WEDNESDAY_10AM_JUAREZ)
        async with database.uow() as uow:
            await uow.directory.nearest_cards(query)
    engine = create_engine(database.engine.url.render_as_string(hide_password=False))
    other = Database(engine=engine, sessions=session_factory(engine))  # another process's
    try:
        directory = random_directory(random.Random(14))
        await load(other, directory)
    finally:
        await other.close()
    cards = directory_cards(directory)
    for filters in ALL_FILTERS:
        for _ in range(2):
            query = NearbyQuery(
                point=Point(31.55 + rng.random() * 0.2, -106.5 + rng.random() * 0.25),
                category=rng.choice([None, *list(Category)[:4]]),
                limit=5,
                filters=filters,
                at=WEDNESDAY_10AM_JUAREZ + timedelta(hours=rng.randrange(0, 24 * 7)),
            )
            await matches_the_reference(database, cards, query)
