"""Coordinators see their municipality: indicators over a period, and the weekly digest.

Who may read what is decided here (coordinators: their own municipalities; admins: any;
staff and members: none), and every read is audited. The weekly digest is claimed before it
is sent and marked delivered only after Telegram took it, so two bot processes never both
send it and a failed send is tried again by the next sweep.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.access import Actor, actor_name
from domain.capacity import CapacityLevel, current_level
from domain.demand import iso_week
from domain.errors import AccessDenied
from domain.indicators import (
    DIGEST_OVERDUE_SHOWN,
    DigestWeek,
    Indicators,
    Period,
    WeeklyDigest,
    build_digest,
    build_indicators,
    digest_week,
)
from domain.municipal_time import DEFAULT_ZONE, zone_for_municipality
from domain.people import Role, StaffMember
from domain.ports import Clock, PlaceFinder, UnitOfWork
from domain.services.cases import record_audit
from domain.services.demand import largest_unmet_need

OPERATOR = "operator"
#: A digest claimed this long ago and never delivered (its process died) may be claimed again.
DIGEST_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class IndicatorRequest:
    period: Period
    #: The time zone the period's days are counted in.
    zone: str = DEFAULT_ZONE
    #: INEGI codes; None: every municipality the reader may see.
    municipality_codes: frozenset[str] | None = None


def may_read_indicators(actor: Actor) -> bool:
    return (
        isinstance(actor, StaffMember)
        and actor.active
        and actor.role in (Role.COORDINATOR, Role.ADMIN)
    )


def indicator_scope(actor: Actor, requested: frozenset[str] | None) -> frozenset[str] | None:
    """The municipalities `actor` reads (None: all); AccessDenied for anyone else's."""
    if not may_read_indicators(actor):
        raise AccessDenied(actor_name(actor), "read", "indicators")
    assert isinstance(actor, StaffMember)
    if actor.role is Role.ADMIN:
        return requested
    if requested is None:
        return actor.municipality_codes
    outside = requested - actor.municipality_codes
    if outside:
        raise AccessDenied(actor_name(actor), "read indicators of", ",".join(sorted(outside)))
    return requested


async def _read(
    who: str, codes: frozenset[str] | None, request: IndicatorRequest, uow: UnitOfWork, clock: Clock
) -> Indicators:
    start, end = request.period.bounds(request.zone)
    async with uow:
        figures = await uow.indicators.figures(codes, start, end)
        await record_audit(
            uow,
            clock,
            who,
            "indicators.read",
            "municipalities:" + (",".join(sorted(codes)) if codes is not None else "*"),
            start=request.period.start.isoformat(),
            end=request.period.end.isoformat(),
        )
        await uow.commit()
    return build_indicators(figures, request.period, codes or ())


async def read_indicators(
    actor: Actor, request: IndicatorRequest, uow: UnitOfWork, clock: Clock
) -> Indicators:
    """The indicators a coordinator or an admin asked for (audited); AccessDenied otherwise."""
    codes = indicator_scope(actor, request.municipality_codes)
    return await _read(actor_name(actor), codes, request, uow, clock)


async def operator_indicators(
    request: IndicatorRequest, uow: UnitOfWork, clock: Clock
) -> Indicators:
    """The indicators for the operator at the command line (who runs the database anyway)."""
    return await _read(OPERATOR, request.municipality_codes, request, uow, clock)


# --- the weekly digest --------------------------------------------------------------------------


def municipality_zone(code: str, places: PlaceFinder) -> str:
    found = places.municipality(code)
    return zone_for_municipality(found.name, found.state) if found else DEFAULT_ZONE


@dataclass(frozen=True)
class DigestTarget:
    coordinator: StaffMember
    week: DigestWeek
    zone: str


async def due_digests(uow: UnitOfWork, clock: Clock, places: PlaceFinder) -> list[DigestTarget]:
    """Coordinators whose digest for this week is due (Monday 09:00 in their municipality's
    time zone, or later in the week by day) and not yet delivered."""
    now = clock.now()
    due: list[DigestTarget] = []
    async with uow:
        for person in await uow.people.all_staff():
            if (
                person.role is not Role.COORDINATOR
                or not person.active
                or person.chat_id is None
                or not person.municipality_codes
                or person.id is None
            ):
                continue
            zone = municipality_zone(min(person.municipality_codes), places)
            week = digest_week(now, zone)
            if week is None or week.key in await uow.digests.delivered_weeks(person.id):
                continue
            due.append(DigestTarget(person, week, zone))
    return due


#: Digests already built in one sweep, by (municipalities, week, zone): coordinators of the
#: same municipalities read the same figures, computed once.
DigestCache = dict[tuple[frozenset[str], str, str], WeeklyDigest]


async def claim_digest(
    target: DigestTarget,
    worker: str,
    uow: UnitOfWork,
    clock: Clock,
    cache: DigestCache | None = None,
) -> WeeklyDigest | None:
    """Take this week's digest for sending and build it; None when another process has it
    (or it was delivered meanwhile)."""
    staff, now = target.coordinator, clock.now()
    assert staff.id is not None
    async with uow:
        claimed = await uow.digests.claim(
            staff.id, target.week.key, worker, now, now - DIGEST_LEASE
        )
        await uow.commit()
    if not claimed:
        return None
    return await build_weekly_digest(staff, target.week, target.zone, uow, clock, cache)


async def build_weekly_digest(
    staff: StaffMember,
    week: DigestWeek,
    zone: str,
    uow: UnitOfWork,
    clock: Clock,
    cache: DigestCache | None = None,
) -> WeeklyDigest:
    """What the coordinator's municipalities did in the covered week (the overdue follow-ups
    are those overdue now); every case named is audited as listed."""
    codes = indicator_scope(staff, None)
    assert codes is not None
    start, end = week.covered.bounds(zone)
    today = clock.now().astimezone(ZoneInfo(zone)).date()
    key = (codes, week.key, zone)
    async with uow:
        repo = uow.indicators
        digest = cache.get(key) if cache is not None else None
        if digest is None:
            digest = build_digest(
                week,
                codes,
                await repo.week_counts(codes, start, end),
                await repo.overdue_cases(codes, today, DIGEST_OVERDUE_SHOWN),
                await repo.hours_to("acceptance", codes, start, end),
                await repo.hours_to("first_contact", codes, start, end),
                await repo.failed_reminders(codes, start, end),
            )
            digest = replace(digest, silent_organizations=await _silent(uow, codes, clock.now()))
        for case in digest.overdue:
            await record_audit(uow, clock, staff.actor, "case.list", case.code, via="digest")
        await uow.commit()
    if cache is None or key not in cache:
        unmet = await largest_unmet_need(uow, codes, iso_week(week.covered.start))
        digest = replace(digest, unmet_need=unmet)
        if cache is not None:
            cache[key] = digest
    return digest


async def _silent(uow: UnitOfWork, codes: frozenset[str], now: datetime) -> tuple[str, ...]:
    """Organisations asked the weekly capacity check-in (they have staff and services) in these
    municipalities, none of whose services has an answer younger than two weeks."""
    asked = {
        s.organization_id
        for s in await uow.people.all_staff()
        if s.active and s.role is Role.STAFF and s.organization_id is not None
    }
    names = []
    for organization_id in sorted(asked):
        if not codes & set(await uow.directory.organization_municipalities(organization_id)):
            continue
        services = await uow.directory.services_of(organization_id)
        if not services:
            continue
        latest = await uow.capacity.latest([s.id for s in services])
        if all(current_level(latest.get(s.id), now) is CapacityLevel.UNKNOWN for s in services):
            names.append(await uow.directory.organization_name(organization_id) or organization_id)
    return tuple(sorted(names))


async def digest_delivered(target: DigestTarget, uow: UnitOfWork, clock: Clock) -> None:
    assert target.coordinator.id is not None
    async with uow:
        await uow.digests.delivered(target.coordinator.id, target.week.key, clock.now())
        await record_audit(
            uow, clock, "system", "digest.delivered", target.coordinator.actor, week=target.week.key
        )
        await uow.commit()


async def release_digest(target: DigestTarget, uow: UnitOfWork) -> None:
    """The send failed: free the claim so the next sweep tries again."""
    assert target.coordinator.id is not None
    async with uow:
        await uow.digests.release(target.coordinator.id, target.week.key)
        await uow.commit()
