"""Where help is missing: count searches anonymously, and name the week's largest gap.

Writing: `count_search` when a member's search shows its first page, `count_crisis` when the
crisis lines are shown to a member whose municipality is known from their conversation. Both
add one to a counter (domain/demand.py); nothing else about the member is written.

Reading: `largest_unmet_need` for the weekly digest; the coordinators' report is
`domain/services/demand_report.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.demand import (
    ANY_NEED,
    MIN_SHOWN,
    WITHIN_KM,
    CrisisKey,
    SearchKey,
    UnmetNeed,
    age_band,
    distance_band,
    iso_week,
)
from domain.geo import Point
from domain.indicators import Period
from domain.ports import AreaGrid, Clock, UnitOfWork
from domain.taxonomy import Category

# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedSearch:
    """A search whose first page was shown: where (forgotten once the cell is known), for
    what, for which age, and how far the nearest suitable public service was (None: none)."""

    point: Point
    municipality_code: str | None
    category: Category | None
    age: int | None
    nearest_km: float | None


async def count_search(
    search: CompletedSearch, uow: UnitOfWork, grid: AreaGrid, clock: Clock
) -> bool:
    """Add the search to its counter; False (nothing written) outside any municipality.

    Only public places are measured: a confidential place is never located, not even here.
    """
    if search.municipality_code is None:
        return False
    key = SearchKey(
        week=iso_week(clock.now().date()),
        municipality_code=search.municipality_code,
        cell=grid.cell_of(search.point),
        need=search.category.value if search.category is not None else ANY_NEED,
        age_band=age_band(search.age),
        within_10km=search.nearest_km is not None and search.nearest_km <= WITHIN_KM,
        distance_band=distance_band(search.nearest_km),
    )
    async with uow:
        await uow.demand.add_search(key)
        await uow.commit()
    return True


async def count_crisis(
    municipality_code: str | None, kinds: Iterable[str], uow: UnitOfWork, clock: Clock
) -> bool:
    """Count the crisis lines shown, once per kind, in the member's municipality and week.

    Without a municipality (no place in the conversation yet) nothing is counted: a count with
    no place would say nothing a coordinator can act on.
    """
    if municipality_code is None:
        return False
    week = iso_week(clock.now().date())
    async with uow:
        for kind in sorted(set(kinds)):
            await uow.demand.add_crisis(CrisisKey(week, municipality_code, kind))
        await uow.commit()
    return True


# --- periods ---------------------------------------------------------------------------------


class PeriodChoice(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def period_for(choice: PeriodChoice, today: date) -> Period:
    """This month, the last three months (this one and the two before), or this year: the
    periods the indicators offer too."""
    if choice is PeriodChoice.MONTH:
        return Period.this_month(today)
    if choice is PeriodChoice.QUARTER:
        return Period.last_months(today, 3)
    return Period.this_year(today)


# --- the weekly digest -------------------------------------------------------------------------


async def largest_unmet_need(
    uow: UnitOfWork, municipalities: frozenset[str], week: str
) -> UnmetNeed | None:
    """The week's largest unmet need in these municipalities (one digest line), or None when
    there is none of at least MIN_SHOWN searches (a smaller one is never shown). Opens its own
    transaction; ties go to the need, municipality and cell first in order."""
    if not municipalities:
        return None
    async with uow:
        counts = await uow.demand.searches(municipalities, week, week)
    groups: dict[tuple[str, str, str], int] = defaultdict(int)
    for c in counts:
        if not c.key.within_10km:
            groups[(c.key.need, c.key.municipality_code, c.key.cell)] += c.count
    if not groups:
        return None
    (need, code, cell), n = min(groups.items(), key=lambda item: (-item[1], item[0]))
    return UnmetNeed(need, code, cell, n) if n >= MIN_SHOWN else None
