"""What one sentence asks of a search: the NLU's entities read as filters."""

from __future__ import annotations

from bot.flows.inputs import Kind, from_text
from domain.nearby import SearchFilters
from domain.taxonomy import Category, Eligibility
from nlu.client import Entity, Parse


def parse(*entities: tuple[str, str]) -> Parse:
    return Parse("buscar_servicio", 0.9, tuple(Entity(name, value) for name, value in entities))


def test_free_for_women_in_a_place_becomes_filters_and_the_place() -> None:
    given = from_text(
        parse(("filtro", "free"), ("filtro", "women"), ("lugar", "Tonalá")),
        "algo gratis para mujeres en Tonalá",
    )
    assert given.kind is Kind.NEED_WORDS
    assert given.filters == SearchFilters(free=True, eligibility=Eligibility.WOMEN)
    assert given.place == "Tonalá"


def test_every_filter_value_and_a_language_are_read() -> None:
    given = from_text(
        parse(
            ("tipo_servicio", "health"),
            ("filtro", "open_now"),
            ("filtro", "accessible"),
            ("filtro", "migrants"),
            ("idioma_servicio", "tar"),
        ),
        "clinica abierta ahorita accesible para migrantes donde hablen raramuri",
    )
    assert given.category is Category.HEALTH
    assert given.filters == SearchFilters(
        open_now=True, accessible=True, eligibility=Eligibility.MIGRANTS, language="tar"
    )


def test_unknown_values_and_spanish_ask_for_no_filter() -> None:
    given = from_text(
        parse(("filtro", "cheap-ish"), ("idioma_servicio", "es"), ("idioma_servicio", "zz")),
        "algo barato en español",
    )
    assert given.filters is None


def test_only_searches_carry_filters() -> None:
    given = from_text(Parse("informar_ubicacion", 0.9, (Entity("filtro", "free"),)), "gratis")
    assert given.filters is None
