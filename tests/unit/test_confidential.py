"""The rules that keep confidential places hidden, on the domain's fakes."""

from __future__ import annotations

from domain.directory import (
    CONFIDENTIAL_NAME,
    Directory,
    confidential_location_ids,
    redact_confidential,
)
from domain.geo import Point
from domain.services.members import ContactRequest, find_contact_target
from domain.services.nearest import HelpSearch, find_help
from domain.taxonomy import Category
from tests.builders import add_service, uid
from tests.fakes import FakeClock, FakeUnitOfWork

JUAREZ = "08037"
HERE = Point(31.63, -106.33)


def test_a_place_is_confidential_when_marked_or_when_any_service_there_is() -> None:
    d = Directory()
    add_service(d, "Refugio", 31.6, -106.3, {Category.SHELTER})
    add_service(d, "Marcado", 31.6, -106.4, {Category.HEALTH}, confidential=True)
    add_service(d, "Sede", 31.6, -106.5, {Category.HEALTH}, location_confidential=True)
    add_service(d, "Vecino", None, None, {Category.LEGAL_AID}, at="Refugio")
    add_service(d, "Abierto", 31.7, -106.3, {Category.HEALTH})
    hidden = confidential_location_ids(d.locations, d.services, d.services_at_location)
    assert hidden == {uid("loc:Refugio"), uid("loc:Marcado"), uid("loc:Sede")}


def test_redaction_drops_address_point_and_name_of_confidential_places_only() -> None:
    d = Directory()
    add_service(d, "Refugio", 31.6, -106.3, {Category.SHELTER})
    add_service(d, "Abierto", 31.7, -106.3, {Category.HEALTH})
    redacted, count = redact_confidential(d)
    assert count == 1
    by_id = {x.id: x for x in redacted.locations}
    shelter, public = by_id[uid("loc:Refugio")], by_id[uid("loc:Abierto")]
    assert (shelter.latitude, shelter.longitude, shelter.name) == (None, None, CONFIDENTIAL_NAME)
    assert shelter.municipality_code == JUAREZ  # still offered by municipality
    assert (public.latitude, public.name) == (31.7, "Sede Abierto")
    assert [a.location_id for a in redacted.addresses] == [public.id]
    assert len(d.addresses) == 2, "the original is left as it was"


async def test_confidential_places_are_the_same_wherever_the_member_stands() -> None:
    uow = FakeUnitOfWork()
    add_service(uow.store.directory, "Refugio", 31.63, -106.33, {Category.SHELTER})
    add_service(uow.store.directory, "Salud", 31.70, -106.40, {Category.HEALTH})
    answers = [
        await find_help(HelpSearch(point, JUAREZ), uow, FakeClock())
        for point in (Point(31.630, -106.330), Point(31.631, -106.331), Point(31.80, -106.50))
    ]
    for found in answers:
        assert [r.service_name for r in found.results] == ["Salud"]
        assert [o.service_name for o in found.confidential] == ["Refugio"]
    assert {tuple(found.confidential) for found in answers} == {tuple(answers[0].confidential)}


async def test_no_municipality_no_confidential_places_and_later_pages_name_none() -> None:
    uow = FakeUnitOfWork()
    add_service(uow.store.directory, "Refugio", 31.63, -106.33, {Category.SHELTER})
    assert (await find_help(HelpSearch(HERE, None), uow, FakeClock())).confidential == []
    page_two = await find_help(HelpSearch(HERE, JUAREZ, page=1), uow, FakeClock())
    assert page_two.confidential == []


async def test_a_search_widens_only_on_public_places() -> None:
    uow = FakeUnitOfWork()
    add_service(uow.store.directory, "Refugio", 31.63, -106.33, {Category.SHELTER})
    add_service(uow.store.directory, "Lejos", 30.40, -106.33, {Category.SHELTER, Category.HEALTH})
    found = await find_help(HelpSearch(HERE, JUAREZ, Category.SHELTER), uow, FakeClock())
    # Both are shelters, so both are confidential: nothing is listed by distance, nothing
    # widens, and both (same municipality code here) are named by organisation name.
    assert found.results == [] and not found.widened
    names = [o.service_name for o in found.confidential]
    assert names == ["Lejos", "Refugio"]  # by organisation name, not by distance


def contact(category: Category, point: Point | None = HERE) -> ContactRequest:
    return ContactRequest(
        chat_id=1, locale="es_MX", category=category, municipality_code=JUAREZ, point=point
    )


async def test_contact_prefers_a_public_place_of_the_municipality_then_a_confidential_one() -> None:
    uow = FakeUnitOfWork()
    d = uow.store.directory
    add_service(
        d, "Refugio B", 31.631, -106.331, {Category.GENDER_VIOLENCE, Category.SHELTER}, org="Beta"
    )
    add_service(
        d, "Refugio A", 31.9, -106.9, {Category.GENDER_VIOLENCE, Category.SHELTER}, org="Alfa"
    )
    add_service(d, "Vecina", 31.64, -106.34, {Category.GENDER_VIOLENCE}, municipality_code="08999")
    # Confidential places of the municipality are chosen by name, never by nearness...
    shelter = await find_contact_target(contact(Category.SHELTER), uow)
    assert shelter is not None and shelter.organization_name == "Alfa (demo)"
    # ...and one of them wins over a public place of another municipality, however near.
    women = await find_contact_target(contact(Category.GENDER_VIOLENCE), uow)
    assert women is not None and women.organization_name == "Alfa (demo)"
    # (The fake unit of work rolls back to a copy: add to the store as it is now.)
    add_service(uow.store.directory, "Centro", 31.7, -106.4, {Category.GENDER_VIOLENCE})
    public = await find_contact_target(contact(Category.GENDER_VIOLENCE), uow)
    assert public is not None and public.organization_name == "Centro org (demo)"


async def test_contact_falls_back_to_the_nearest_public_place_nearby() -> None:
    uow = FakeUnitOfWork()
    add_service(
        uow.store.directory, "Vecina", 31.64, -106.34, {Category.HEALTH}, municipality_code="08999"
    )
    target = await find_contact_target(contact(Category.HEALTH), uow)
    assert target is not None and target.organization_name == "Vecina org (demo)"
    assert await find_contact_target(contact(Category.LEGAL_AID), uow) is None
