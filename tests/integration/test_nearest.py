"""The nearest-services query on SQLite and PostgreSQL agrees with a brute-force scan."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import text

from domain.directory import Directory
from domain.geo import Point, haversine_km
from domain.nearby import NearbyQuery
from domain.services.nearest import find_nearest_services
from domain.taxonomy import Category
from juntos.database import Database
from tests.builders import add_service
from tests.fakes import FakeClock

# Wednesday 2026-03-04 10:00 in Ciudad Juárez (UTC-7 in winter).
WEDNESDAY_10AM_JUAREZ = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
RIBERAS_DEL_BRAVO = Point(31.6290, -106.3230)


async def load(database: Database, directory: Directory) -> None:
    async with database.uow() as uow:
        await uow.directory.upsert(directory)
        await uow.commit()


async def nearest(database: Database, query: NearbyQuery):
    return await find_nearest_services(query, database.uow(), FakeClock(WEDNESDAY_10AM_JUAREZ))


async def test_results_match_a_brute_force_scan_with_category_and_age(database: Database) -> None:
    rng = random.Random(20260304)
    directory = Directory()
    categories = list(Category)
    for i in range(400):
        add_service(
            directory,
            f"svc {i}",
            31.5 + rng.random() * 0.4,
            -106.6 + rng.random() * 0.4,
            set(rng.sample(categories, rng.randint(1, 2))),
            min_age=rng.choice([None, 12, 18]),
            max_age=rng.choice([None, 17, 29, 99]),
            status=rng.choice(["active"] * 9 + ["inactive"]),
        )
    await load(database, directory)
    services = {s.id: s for s in directory.services}
    locations = {loc.id: loc for loc in directory.locations}
    for _ in range(25):
        point = Point(31.5 + rng.random() * 0.4, -106.6 + rng.random() * 0.4)
        category = rng.choice([None, *categories])
        age = rng.choice([None, 15, 25])
        got = await nearest(database, NearbyQuery(point=point, category=category, age=age, limit=5))
        expected = sorted(
            (haversine_km(point.latitude, point.longitude, loc.latitude, loc.longitude), s.id)
            for sal in directory.services_at_location
            for s in [services[sal.service_id]]
            for loc in [locations[sal.location_id]]
            if s.active
            and not s.confidential
            and not loc.marked_confidential
            and (category is None or category in s.categories)
            and s.serves_age(age)
            and loc.latitude is not None
            and loc.longitude is not None
        )[:5]
        assert [r.service_id for r in got] == [sid for _km, sid in expected]
        for result, (km, _sid) in zip(got, expected, strict=True):
            assert result.distance_km == pytest.approx(km, abs=1e-3)


async def test_the_box_widens_until_it_finds_far_services(database: Database) -> None:
    directory = Directory()
    add_service(directory, "Chihuahua legal", 28.6353, -106.0889, {Category.LEGAL_AID})
    await load(database, directory)
    query = NearbyQuery(point=RIBERAS_DEL_BRAVO, category=Category.LEGAL_AID, max_radius_km=600)
    got = await nearest(database, query)
    assert [r.service_name for r in got] == ["Chihuahua legal"]
    assert 330 < got[0].distance_km < 350


async def test_nothing_beyond_the_maximum_radius(database: Database) -> None:
    directory = Directory()
    add_service(directory, "Mérida", 20.97, -89.62, {Category.HEALTH})
    await load(database, directory)
    got = await nearest(database, NearbyQuery(point=RIBERAS_DEL_BRAVO, max_radius_km=100))
    assert got == []


async def test_a_search_after_the_server_dropped_its_connections_still_answers(
    database: Database,
) -> None:
    """On PostgreSQL the search reads on connections that are not pinged before use: one the
    server dropped (a restart, an idle timeout) fails once and the search runs again."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("a database server's connections")
    directory = Directory()
    add_service(directory, "Cerca", 31.63, -106.32, {Category.LEGAL_AID})
    await load(database, directory)
    query = NearbyQuery(point=RIBERAS_DEL_BRAVO, category=Category.LEGAL_AID)
    assert [r.service_name for r in await nearest(database, query)] == ["Cerca"]
    async with database.engine.connect() as conn:
        dropped = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    assert dropped >= 1
    assert [r.service_name for r in await nearest(database, query)] == ["Cerca"]


async def test_confidential_places_never_enter_the_distance_ranking(database: Database) -> None:
    directory = Directory()
    add_service(directory, "Refugio", 31.63, -106.33, {Category.SHELTER})
    add_service(directory, "Marcado", 31.64, -106.33, {Category.GENDER_VIOLENCE}, confidential=True)
    add_service(
        directory, "Sede oculta", 31.65, -106.33, {Category.LEGAL_AID}, location_confidential=True
    )
    # A public service at the shelter's address must not show that address either.
    add_service(directory, "Vecino", None, None, {Category.LEGAL_AID}, at="Refugio")
    add_service(directory, "Abierto", 31.66, -106.33, {Category.YOUTH_PROGRAMS})
    await load(database, directory)
    got = await nearest(database, NearbyQuery(point=RIBERAS_DEL_BRAVO, limit=10))
    assert [r.service_name for r in got] == ["Abierto"]
    assert got[0].address == "Calle Ficticia 123, Juárez, Chihuahua, C.P. 32000"
    assert got[0].point == Point(31.66, -106.33)
    legal = await nearest(
        database, NearbyQuery(point=RIBERAS_DEL_BRAVO, category=Category.LEGAL_AID)
    )
    assert legal == []


async def test_confidential_places_are_offered_by_municipality_and_by_name(
    database: Database,
) -> None:
    directory = Directory()
    add_service(directory, "Zeta refugio", 31.63, -106.33, {Category.SHELTER}, org="Zeta")
    add_service(directory, "Alfa refugio", 31.70, -106.40, {Category.SHELTER}, org="Alfa")
    add_service(directory, "Menores", 31.64, -106.33, {Category.SHELTER}, org="Beta", max_age=17)
    add_service(
        directory, "Cerrado", 31.65, -106.33, {Category.SHELTER}, org="Gama", status="inactive"
    )
    add_service(
        directory, "Otro municipio", 32.5, -117.0, {Category.SHELTER}, municipality_code="02004"
    )
    add_service(
        directory, "Vecino", None, None, {Category.LEGAL_AID}, at="Zeta refugio", org="Zeta"
    )
    await load(database, directory)
    async with database.uow() as uow:
        shelters = await uow.directory.confidential_offers("08037", Category.SHELTER, None)
        adults = await uow.directory.confidential_offers("08037", Category.SHELTER, 30)
        legal = await uow.directory.confidential_offers("08037", Category.LEGAL_AID, None)
        tijuana = await uow.directory.confidential_offers("02004", None, None)
    assert [o.organization_name for o in shelters] == ["Alfa (demo)", "Beta (demo)", "Zeta (demo)"]
    assert [o.service_name for o in adults] == ["Alfa refugio", "Zeta refugio"]
    assert [o.service_name for o in legal] == ["Vecino"]
    assert [o.service_name for o in tijuana] == ["Otro municipio"]


async def test_a_shelter_moving_in_hides_the_place_for_every_service_there(
    database: Database,
) -> None:
    directory = Directory()
    add_service(directory, "Salud", 31.63, -106.33, {Category.HEALTH})
    await load(database, directory)
    assert [r.service_name for r in await nearest(database, NearbyQuery(RIBERAS_DEL_BRAVO))] == [
        "Salud"
    ]
    later = Directory()
    add_service(later, "Refugio", None, None, {Category.SHELTER}, at="Salud")
    await load(database, later)
    assert await nearest(database, NearbyQuery(RIBERAS_DEL_BRAVO)) == []


async def test_open_now_and_next_opening_use_the_local_time_zone(database: Database) -> None:
    directory = Directory()
    add_service(directory, "Mañanas", 31.63, -106.33, {Category.HEALTH}, hours=(time(9), time(13)))
    add_service(directory, "Tardes", 31.64, -106.33, {Category.HEALTH}, hours=(time(15), time(20)))
    add_service(directory, "Sin horario", 31.65, -106.33, {Category.HEALTH}, hours=None)
    await load(database, directory)
    got = {r.service_name: r for r in await nearest(database, NearbyQuery(point=RIBERAS_DEL_BRAVO))}
    assert got["Mañanas"].open_now and got["Mañanas"].next_opening is None
    assert not got["Tardes"].open_now
    assert got["Tardes"].next_opening is not None
    assert got["Tardes"].next_opening.hour == 15
    assert got["Tardes"].next_opening.astimezone(UTC).hour == 22
    assert not got["Sin horario"].open_now and not got["Sin horario"].has_schedule


async def test_paging_returns_the_next_nearest(database: Database) -> None:
    directory = Directory()
    for i in range(8):
        add_service(directory, f"s{i}", 31.63 + i * 0.01, -106.33, {Category.MEDIATION})
    await load(database, directory)
    first = await nearest(database, NearbyQuery(point=RIBERAS_DEL_BRAVO, limit=5))
    more = await nearest(database, NearbyQuery(point=RIBERAS_DEL_BRAVO, limit=5, offset=5))
    assert [r.service_name for r in first] == ["s0", "s1", "s2", "s3", "s4"]
    assert [r.service_name for r in more] == ["s5", "s6", "s7"]


async def test_reimporting_a_service_with_new_categories_updates_the_search(
    database: Database,
) -> None:
    directory = Directory()
    service = add_service(directory, "Cambia", 31.63, -106.33, {Category.HEALTH})
    await load(database, directory)
    service.categories = frozenset({Category.LEGAL_AID})
    await load(database, directory)
    health = await nearest(database, NearbyQuery(point=RIBERAS_DEL_BRAVO, category=Category.HEALTH))
    legal = await nearest(
        database, NearbyQuery(point=RIBERAS_DEL_BRAVO, category=Category.LEGAL_AID)
    )
    assert health == [] and [r.service_name for r in legal] == ["Cambia"]
