"""The Juntos taxonomies as HSDS rows, with stable ids so every export writes the same bytes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

from domain.taxonomy import (
    CATEGORY_TAXONOMY,
    CONFIDENTIAL_CODE,
    ELIGIBILITY_TAXONOMY,
    SECTOR_TAXONOMY,
    Category,
    Eligibility,
    Sector,
)

#: Namespace of every id Juntos derives (uuid5) for rows it writes on its own behalf.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:juntos:hsds")

#: Taxonomy name -> (description, {code: (name, description)}); names are what people read.
TAXONOMIES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    CATEGORY_TAXONOMY: (
        "Categorías de servicio de Juntos (y la marca de confidencialidad).",
        {
            Category.PSYCHOLOGICAL_SUPPORT: (
                "Apoyo psicológico",
                "Atención psicológica, contención emocional y acompañamiento.",
            ),
            Category.LEGAL_AID: ("Asesoría jurídica", "Orientación y representación legal."),
            Category.SHELTER: ("Refugio", "Alojamiento seguro y temporal; dirección confidencial."),
            Category.ADDICTION_TREATMENT: (
                "Tratamiento de adicciones",
                "Prevención, tratamiento y rehabilitación de adicciones.",
            ),
            Category.YOUTH_PROGRAMS: (
                "Programas para jóvenes",
                "Actividades, mentoría y prevención para adolescentes y jóvenes.",
            ),
            Category.EDUCATION_EMPLOYMENT: (
                "Educación y empleo",
                "Escuela, capacitación y búsqueda de empleo.",
            ),
            Category.MEDIATION: (
                "Mediación",
                "Mediación comunitaria y resolución pacífica de conflictos.",
            ),
            Category.HEALTH: ("Salud", "Atención médica y salud sexual y reproductiva."),
            Category.GENDER_VIOLENCE: (
                "Violencia de género",
                "Atención a mujeres y personas en situación de violencia de género.",
            ),
            Category.CHILD_PROTECTION: (
                "Protección de niñas, niños y adolescentes",
                "Protección y restitución de derechos de la infancia.",
            ),
            CONFIDENTIAL_CODE: (
                "Confidencial",
                "Servicio o ubicación cuya dirección nunca se muestra a las personas usuarias.",
            ),
        },
    ),
    SECTOR_TAXONOMY: (
        "Sector de la organización que presta el servicio.",
        {
            Sector.CIVIL_SOCIETY: ("Sociedad civil", "Organización de la sociedad civil."),
            Sector.GOVERNMENT: ("Gobierno", "Dependencia o institución pública."),
            Sector.PRIVATE: ("Sector privado", "Empresa o fundación empresarial."),
            Sector.ACADEMIC: ("Academia", "Universidad o centro de investigación."),
        },
    ),
    ELIGIBILITY_TAXONOMY: (
        "A quién está dirigido un servicio, además de la edad.",
        {
            Eligibility.WOMEN: ("Mujeres", "Solo para mujeres."),
            Eligibility.ADOLESCENTS: ("Adolescentes", "Solo para adolescentes."),
            Eligibility.FAMILIES: ("Familias", "Para familias completas."),
            Eligibility.LGBTQ: ("Personas LGBTQ+", "Para personas de la diversidad sexual."),
            Eligibility.MIGRANTS: ("Personas migrantes", "Para personas migrantes."),
        },
    ),
}

#: The HSDS entity each Juntos term may be linked to by an attribute.
CATEGORY_ENTITIES = frozenset({"service"})
CONFIDENTIAL_ENTITIES = frozenset({"service", "location"})
SECTOR_ENTITIES = frozenset({"organization"})
ELIGIBILITY_ENTITIES = frozenset({"service"})

#: link_type written on export (HSDS: what the term describes).
LINK_TYPES = {
    "category": "category",
    "confidential": "confidentiality",
    "sector": "sector",
    "eligibility": "eligibility",
}


@dataclass(frozen=True)
class Term:
    taxonomy: str
    code: str

    @property
    def kind(self) -> str:
        """`category`, `confidential`, `sector` or `eligibility`."""
        if self.taxonomy == SECTOR_TAXONOMY:
            return "sector"
        if self.taxonomy == ELIGIBILITY_TAXONOMY:
            return "eligibility"
        return "confidential" if self.code == CONFIDENTIAL_CODE else "category"

    @property
    def entities(self) -> frozenset[str]:
        return {
            "category": CATEGORY_ENTITIES,
            "confidential": CONFIDENTIAL_ENTITIES,
            "sector": SECTOR_ENTITIES,
            "eligibility": ELIGIBILITY_ENTITIES,
        }[self.kind]


def known_codes(taxonomy: str) -> tuple[str, ...]:
    return tuple(str(code) for code in TAXONOMIES[taxonomy][1])


@cache
def taxonomy_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{name}"))


@cache
def term_id(term: Term) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy_term:{term.taxonomy}:{term.code}"))


def attribute_id(entity: str, link_id: str, term: Term) -> str:
    return str(uuid.uuid5(NAMESPACE, f"attribute:{entity}:{link_id}:{term.taxonomy}:{term.code}"))
