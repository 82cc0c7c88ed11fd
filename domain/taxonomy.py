"""The shared vocabulary: service categories (taxonomy `juntos`) and organisation sectors."""

from __future__ import annotations

from enum import StrEnum

#: Name of the HSDS taxonomy whose term codes are service categories (and `confidential`).
CATEGORY_TAXONOMY = "juntos"
#: Name of the HSDS taxonomy whose term codes are organisation sectors.
SECTOR_TAXONOMY = "juntos_sector"
#: Term code of taxonomy `juntos` that marks a service or a location as confidential.
CONFIDENTIAL_CODE = "confidential"
#: Name of the HSDS taxonomy whose term codes say who a service is for, beyond age.
ELIGIBILITY_TAXONOMY = "juntos_eligibility"


class Category(StrEnum):
    PSYCHOLOGICAL_SUPPORT = "psychological_support"
    LEGAL_AID = "legal_aid"
    SHELTER = "shelter"
    ADDICTION_TREATMENT = "addiction_treatment"
    YOUTH_PROGRAMS = "youth_programs"
    EDUCATION_EMPLOYMENT = "education_employment"
    MEDIATION = "mediation"
    HEALTH = "health"
    GENDER_VIOLENCE = "gender_violence"
    CHILD_PROTECTION = "child_protection"


class Sector(StrEnum):
    """Juntos is a partnership across sectors: who runs a service matters to coordinators."""

    CIVIL_SOCIETY = "civil_society"
    GOVERNMENT = "government"
    PRIVATE = "private"
    ACADEMIC = "academic"


class Eligibility(StrEnum):
    """Who a service is for beyond age (taxonomy `juntos_eligibility`): a service carrying a
    term is only, or especially, for those people."""

    WOMEN = "women"
    ADOLESCENTS = "adolescents"
    FAMILIES = "families"
    LGBTQ = "lgbtq"
    MIGRANTS = "migrants"


def parse_eligibility(code: str) -> Eligibility | None:
    try:
        return Eligibility(code.strip())
    except ValueError:
        return None


def parse_category(code: str) -> Category | None:
    """Return the category for a taxonomy code, or None when the code is not one."""
    try:
        return Category(code.strip())
    except ValueError:
        return None
