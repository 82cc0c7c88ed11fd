"""Reminders: scheduled as rows when something happens, delivered at least once, in effect once.

Reminders are rows in the database (the source of truth); the scheduler only wakes the sweep,
so one that came due while the bot was down goes out with the first sweep after start, in due
order. A sweep:

1. *claims* a batch in one transaction (`claimed_at`, `claimed_by`; on PostgreSQL the rows are
   locked `FOR UPDATE SKIP LOCKED`, so two bot processes never claim the same one); a claim whose
   worker died is taken again once its lease is over. Rows that no longer apply are cancelled
   and rows that fall in the recipient's quiet hours are deferred to the morning, in the same
   transaction;
2. delivers each claimed reminder to each recipient still owed it, keeping each one reached
   in its own transaction right after their send (the last one with step 3), so a retry goes
   only to the others;
3. marks it sent in its own transaction right after its delivery. A crash between a send and
   that commit is the only way to send twice (Telegram cannot deduplicate): the sweep measures
   that window. A send that failed is retried with backoff up to `max_attempts` (to the
   recipients not reached yet), then `failed` (the coordinators see it); a recipient who blocked
   the bot (403) is marked unreachable and their coordinators are told, and the others still
   get it.

The sends themselves are paced by the bot's send lane only (reminders wait at its lowest
priority); `drain_reminders` keeps a few reminders waiting there at all times.
The notice of a new referral (REFERRAL_NEW) is the same kind of row, an outbox: written in the
referral's own transaction and due at once. The process that saved the referral delivers it
right after the commit (`deliver_now`: the same claim, send and mark, for that one row); if it
dies first, the next sweep delivers it. It is never deferred by the quiet hours (a person who
asked for contact should be reached promptly); inside them it is marked `quiet`, and the bot
sends it without sound.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.capacity import ANSWERS, CapacityAnswer, CapacityLevel
from domain.cases import (
    ReferralStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from domain.errors import AccessDenied, InvalidValue, NotFound
from domain.people import Role, StaffMember
from domain.ports import (
    Clock,
    DeliveryFailed,
    Notifier,
    ReminderSubject,
    UnitOfWork,
    Unreachable,
)
from domain.reminder_rules import DEFAULT_BOOK, WEEKDAYS, RuleBook
from domain.services.cases import record_audit

log = logging.getLogger(__name__)

#: A claim older than this belongs to a worker that died: the reminder is claimed again.
DEFAULT_LEASE = timedelta(minutes=5)
#: Reminders claimed per transaction.
DEFAULT_BATCH = 100


def next_checkin(now: datetime, zone: str, book: RuleBook, code: str | None) -> datetime:
    """The check-in moment (local day and time of the rules) to plan now, as UTC: this week's,
    unless it is more than a day past (a bot down on Monday still asks on Tuesday), then next
    week's."""
    rules = book.for_municipality(code)
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - WEEKDAYS.index(rules.capacity_day)) % 7)
    moment = datetime.combine(day, rules.capacity_time, tzinfo=tz)
    if moment < local - timedelta(days=1):
        moment = datetime.combine(day + timedelta(days=7), rules.capacity_time, tzinfo=tz)
    return moment.astimezone(now.tzinfo)


async def plan_capacity_checkins(uow: UnitOfWork, clock: Clock, book: RuleBook) -> int:
    """Make sure each organisation with staff has this week's check-in row (idempotent: run it
    as often as you like). Returns how many rows were added."""
    now = clock.now()
    added = 0
    async with uow:
        organizations = sorted(
            {
                s.organization_id
                for s in await uow.people.all_staff()
                if s.active and s.role is Role.STAFF and s.organization_id is not None
            }
        )
        for organization_id in organizations:
            if not await uow.directory.services_of(organization_id):
                continue
            municipalities = await uow.directory.organization_municipalities(organization_id)
            code = municipalities[0] if municipalities else None
            due = next_checkin(now, book.zone(code), book, code)
            target = f"organization:{organization_id}"
            if await uow.reminders.exists(ReminderKind.CAPACITY_CHECKIN, target, due):
                continue
            await uow.reminders.add(
                Reminder(
                    id=None,
                    kind=ReminderKind.CAPACITY_CHECKIN,
                    due_at=due,
                    target=target,
                    municipality_code=code,
                )
            )
            added += 1
        await uow.commit()
    return added


async def record_capacity(
    service_id: str, level: CapacityLevel, actor: StaffMember, uow: UnitOfWork, clock: Clock
) -> CapacityAnswer:
    """Staff answer the check-in for one of their organisation's services."""
    if level not in ANSWERS:
        raise InvalidValue("capacity", level, "not an answer")
    async with uow:
        service = await uow.directory.get_service(service_id)
        if service is None:
            raise NotFound("service", service_id)
        if not actor.active or actor.organization_id != service.organization_id:
            raise AccessDenied(actor.actor, "answer capacity of", service_id)
        answer = await uow.capacity.add(
            CapacityAnswer(None, service_id, level, clock.now(), actor.actor)
        )
        await record_audit(
            uow, clock, actor.actor, "capacity.answer", f"service:{service_id}", level=level.value
        )
        await uow.commit()
    return answer


# --- the sweep ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    reminder: Reminder
    #: Who is still to get it (those an earlier attempt reached are left out).
    recipients: tuple[StaffMember, ...]
    subject: ReminderSubject
    #: How many an earlier attempt reached.
    reached_before: int = 0


@dataclass
class SweepReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    #: Claimed but not sent: the lease ran out first (sent with a later claim).
    expired: int = 0
    deferred: int = 0
    cancelled: int = 0
    #: The longest time between a send returning and its "sent" being committed (seconds):
    #: the only window in which a crash can make a reminder go out twice.
    max_window: float = 0.0
    windows: list[float] = field(default_factory=list)

    def note_window(self, seconds: float) -> None:
        self.windows.append(seconds)
        self.max_window = max(self.max_window, seconds)

    def add(self, other: SweepReport) -> None:
        for name in (
            "claimed",
            "delivered",
            "retried",
            "failed",
            "unreachable",
            "expired",
            "deferred",
            "cancelled",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.windows.extend(other.windows)
        self.max_window = max(self.max_window, other.max_window)


class _BatchCache:
    """What a claim reads once per batch, not once per reminder (many share a recipient)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.names: dict[str, str | None] = {}
        self.people: dict[str, tuple[StaffMember, ...]] = {}

    async def organization_name(self, organization_id: str) -> str | None:
        if organization_id not in self.names:
            self.names[organization_id] = await self.uow.directory.organization_name(
                organization_id
            )
        return self.names[organization_id]

    async def recipients(self, target: str) -> tuple[StaffMember, ...]:
        if target not in self.people:
            self.people[target] = await _recipients(self.uow, target)
        return self.people[target]


async def _still_applies(
    uow: UnitOfWork, reminder: Reminder, book: RuleBook, cache: _BatchCache
) -> ReminderSubject | None:
    """What the reminder is about, or None when it no longer applies (answered, done...)."""
    referral = await uow.referrals.get(reminder.referral_id) if reminder.referral_id else None
    case_id = reminder.case_id or (referral.case_id if referral else None)
    case = await uow.cases.get(case_id) if case_id else None
    kind = reminder.kind
    rules = book.for_municipality(reminder.municipality_code)
    if kind is ReminderKind.REFERRAL_NEW:
        if referral is None or case is None or referral.status is not ReferralStatus.REQUESTED:
            return None
        sender = referral.from_organization_id
        return ReminderSubject(
            case=case,
            referral=referral,
            organization_name=await cache.organization_name(sender) if sender else None,
        )
    if kind in (ReminderKind.REFERRAL_PENDING, ReminderKind.REFERRAL_ESCALATED):
        if referral is None or case is None or referral.status is not ReferralStatus.REQUESTED:
            return None
        name = await cache.organization_name(referral.to_organization_id)
        return ReminderSubject(
            case=case,
            referral=referral,
            organization_name=name,
            waited=reminder.due_at - referral.created_at,
        )
    if kind in (ReminderKind.FOLLOW_UP_DUE, ReminderKind.FOLLOW_UP_OVERDUE):
        follow_up = (
            await uow.follow_ups.get(reminder.follow_up_id) if reminder.follow_up_id else None
        )
        if follow_up is None or follow_up.done_at is not None or case is None:
            return None
        if referral is not None and not referral.is_open:
            return None
        return ReminderSubject(case=case, referral=referral, follow_up=follow_up)
    if kind is ReminderKind.CASE_INACTIVE:
        if case is None or case.id is None:
            return None
        if not any(r.is_open for r in await uow.referrals.for_case(case.id)):
            return None
        return ReminderSubject(case=case, waited=rules.case_inactive)
    if kind is ReminderKind.CAPACITY_CHECKIN:
        organization_id = reminder.target.split(":", 1)[1]
        services = [s for s in await uow.directory.services_of(organization_id) if s.active]
        if not services:
            return None
        name = await cache.organization_name(organization_id)
        return ReminderSubject(services=tuple(services), organization_name=name)
    if kind is ReminderKind.STAFF_UNREACHABLE:
        staff = await uow.people.get_staff(reminder.staff_id) if reminder.staff_id else None
        if staff is None:
            return None
        name = (
            await uow.directory.organization_name(staff.organization_id)
            if staff.organization_id
            else None
        )
        return ReminderSubject(staff=staff, organization_name=name)
    return None


async def _recipients(uow: UnitOfWork, target: str) -> tuple[StaffMember, ...]:
    kind, _, key = target.partition(":")
    people: list[StaffMember] = []
    if kind == "organization":
        people = [p for p in await uow.people.staff_of(key) if p.role is Role.STAFF]
    elif kind in ("staff", "coordinator", "admin") and key.isdigit():
        found = await uow.people.get_staff(int(key))
        people = [found] if found is not None else []
    elif kind == "coordinators":
        people = await uow.people.coordinators_of(key)
    return tuple(
        p for p in people if p.active and p.chat_id is not None and p.unreachable_at is None
    )


async def claim_due(
    uow: UnitOfWork,
    clock: Clock,
    worker: str,
    book: RuleBook = DEFAULT_BOOK,
    limit: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
    only: int | None = None,
) -> tuple[list[Claimed], SweepReport]:
    """Claim up to `limit` due reminders for `worker` in one transaction (see the module);
    `only`: just the reminder with this id, if nobody holds it."""
    now = clock.now()
    report = SweepReport()
    claimed: list[Claimed] = []
    async with uow:
        cache = _BatchCache(uow)
        batch = await uow.reminders.claimable(now, now - lease, limit, only)
        # Read what the batch is about in two queries, not two per reminder.
        referrals = await uow.referrals.get_many([r.referral_id for r in batch if r.referral_id])
        by_referral = {r.id: r for r in referrals}
        delivered = await uow.reminders.delivered_to([r.id for r in batch if r.id is not None])
        await uow.cases.get_many(
            sorted(
                {r.case_id for r in batch if r.case_id} | {r.case_id for r in by_referral.values()}
            )
        )
        # Every read first, then every change: the changes are written at the commit only,
        # so the write lock (SQLite: the whole database) is held for a moment, not for the
        # whole batch (sends recording their "sent" would wait behind it).
        read: list[tuple[Reminder, ReminderSubject | None, tuple[StaffMember, ...]]] = []
        for reminder in batch:
            subject = await _still_applies(uow, reminder, book, cache)
            recipients = await cache.recipients(reminder.target) if subject else ()
            read.append((reminder, subject, recipients))
        for reminder, subject, everyone in read:
            if subject is None:
                reminder.cancel()
                report.cancelled += 1
                continue
            rules = book.for_municipality(reminder.municipality_code)
            until = rules.quiet_until(now, book.zone(reminder.municipality_code))
            if until is not None and reminder.kind is ReminderKind.REFERRAL_NEW:
                subject = replace(subject, quiet=True)
            elif until is not None:
                reminder.defer(until)
                report.deferred += 1
                continue
            if reminder.attempts >= rules.max_attempts:
                # Claimed that often and never settled: whatever kills the worker with it (a
                # crash loop) must not stop the others. Failed: the coordinators see it.
                reminder.retry_later(now, "lease expired", rules.max_attempts, timedelta(0))
                report.failed += 1
                continue
            reached = delivered.get(reminder.id, frozenset()) if reminder.id else frozenset()
            recipients = tuple(p for p in everyone if p.id not in reached)
            reminder.claim(worker, now)
            if subject.case is not None:
                await record_audit(
                    uow,
                    clock,
                    "system",
                    "reminder.claim",
                    subject.case.code,
                    kind=reminder.kind.value,
                    worker=worker,
                )
            claimed.append(Claimed(reminder, recipients, subject, len(reached)))
        await uow.commit()
    report.claimed = len(claimed)
    return claimed, report


@dataclass
class _Attempt:
    """How one delivery attempt of a claimed reminder went, recipient by recipient."""

    reached: list[StaffMember] = field(default_factory=list)
    unreachable: list[StaffMember] = field(default_factory=list)
    error: str | None = None


async def _record_reached(
    uow: UnitOfWork, clock: Clock, reminder_id: int, person: StaffMember
) -> bool:
    """Keep that `person` got the reminder (its own transaction, right after the send), so
    no later attempt sends it to them again. False if the reminder is no longer ours."""
    async with uow:
        reminder = await uow.reminders.get(reminder_id)
        if reminder is None or reminder.status is not ReminderStatus.PENDING:
            return False
        assert person.id is not None
        await uow.reminders.add_delivery(reminder_id, person.id, clock.now())
        await uow.commit()
    return True


async def _settle(
    uow: UnitOfWork,
    clock: Clock,
    book: RuleBook,
    claimed: Claimed,
    attempt: _Attempt,
    last: StaffMember | None,
) -> str:
    """Record how the attempt went (its own transaction; `last`, the recipient reached by the
    last send, is kept in it too). Returns what became of the reminder."""
    now = clock.now()
    async with uow:
        reminder = await uow.reminders.get(claimed.reminder.id)  # type: ignore[arg-type]
        if reminder is None or reminder.status is not ReminderStatus.PENDING:
            return "gone"
        reached = claimed.reached_before + len(attempt.reached)
        several = claimed.reached_before + len(claimed.recipients) > 1
        if last is not None and last.id is not None and reminder.id is not None and several:
            # A reminder for one person needs no row of who got it: its status says it.
            await uow.reminders.add_delivery(reminder.id, last.id, now)
        outcome: str
        if attempt.error is not None:
            # Some recipient is still owed it: a retry sends only to those not reached yet.
            rules = book.for_municipality(reminder.municipality_code)
            retried = reminder.retry_later(
                now, attempt.error, rules.max_attempts, rules.backoff(reminder.attempts)
            )
            outcome = "retried" if retried else "failed"
        elif reached > 0:
            reminder.mark_sent(now)
            outcome = "delivered"
        elif attempt.unreachable:
            reminder.mark_unreachable()
            outcome = "unreachable"
        else:
            reminder.mark_unreachable("no recipient")
            outcome = "unreachable"
        for person in attempt.unreachable:
            await _mark_staff_unreachable(uow, person, claimed, now)
        await uow.commit()
    if outcome == "failed":
        log.warning("reminder %s failed after %d attempts", reminder.id, reminder.attempts)
    return outcome


async def deliver_claimed(
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    notifier: Notifier,
    book: RuleBook,
    claimed: Claimed,
    report: SweepReport,
) -> str:
    """Send a claimed reminder to each recipient still owed it, keeping each one reached
    as soon as they are (the last one with the reminder's own settling), then settle it."""
    attempt = _Attempt()
    reminder = claimed.reminder
    last: StaffMember | None = None
    sent_at = 0.0
    for index, person in enumerate(claimed.recipients):
        try:
            await notifier.remind(reminder, person, claimed.subject)
        except Unreachable:
            attempt.unreachable.append(person)
            continue
        except DeliveryFailed as exc:
            attempt.error = exc.kind
            log.warning(
                "reminder %s to staff %s not delivered: %s", reminder.id, person.id, exc.kind
            )
            continue
        sent_at = time.monotonic()
        attempt.reached.append(person)
        if index == len(claimed.recipients) - 1:
            last = person
            break
        assert reminder.id is not None
        if not await _record_reached(uow(), clock, reminder.id, person):
            return "gone"
        report.note_window(time.monotonic() - sent_at)
    outcome = await _settle(uow(), clock, book, claimed, attempt, last)
    if last is not None and outcome != "gone":
        report.note_window(time.monotonic() - sent_at)
    return outcome


async def _mark_staff_unreachable(
    uow: UnitOfWork, person: StaffMember, claimed: Claimed, now: datetime
) -> None:
    staff = await uow.people.get_staff(person.id) if person.id is not None else None
    if staff is None or staff.unreachable_at is not None:
        return
    staff.unreachable_at = now
    code = claimed.reminder.municipality_code
    if code is None and staff.organization_id is not None:
        codes = await uow.directory.organization_municipalities(staff.organization_id)
        code = codes[0] if codes else None
    if code is None or staff.role is Role.COORDINATOR:
        return
    await uow.reminders.add(
        Reminder(
            id=None,
            kind=ReminderKind.STAFF_UNREACHABLE,
            due_at=now,
            target=f"coordinators:{code}",
            staff_id=staff.id,
            municipality_code=code,
        )
    )


async def _deliver_one(
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    notifier: Notifier,
    book: RuleBook,
    item: Claimed,
    report: SweepReport,
    lease: timedelta,
) -> None:
    claimed_at = item.reminder.claimed_at
    if claimed_at is not None and clock.now() - claimed_at >= lease * 0.9:
        # Our lease is (nearly) over: another worker may take it now; sending it here too
        # could make a duplicate. It goes out with a later claim.
        report.expired += 1
        return
    outcome = await deliver_claimed(uow, clock, notifier, book, item, report)
    if outcome == "delivered":
        report.delivered += 1
    elif outcome == "retried":
        report.retried += 1
    elif outcome == "failed":
        report.failed += 1
    elif outcome == "unreachable":
        report.unreachable += 1


async def sweep_reminders(
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    notifier: Notifier,
    worker: str,
    book: RuleBook = DEFAULT_BOOK,
    limit: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
) -> SweepReport:
    """Claim one batch, deliver each reminder and record it at once (see the module)."""
    claimed, report = await claim_due(uow(), clock, worker, book, limit, lease)
    for item in claimed:
        await _deliver_one(uow, clock, notifier, book, item, report, lease)
    return report


_DONE = None
#: The worker name of a notice delivered by the process that saved it.
INLINE_WORKER = "inline"


async def deliver_now(
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    reminder: Reminder,
    book: RuleBook = DEFAULT_BOOK,
    lease: timedelta = DEFAULT_LEASE,
) -> SweepReport:
    """Deliver one reminder that was just committed (a new referral's notice) without waiting
    for the sweep: claimed, sent and marked like any other, so a sweep running at the same
    moment never sends it too. Never raises: whatever fails here, the row stays and the
    sweep delivers it."""
    report = SweepReport()
    if reminder.id is None:
        return report
    try:
        claimed, report = await claim_due(
            uow, clock, INLINE_WORKER, book, limit=1, lease=lease, only=reminder.id
        )
        for item in claimed:
            await _deliver_one(lambda: uow, clock, notifier, book, item, report, lease)
    except Exception as exc:  # the database or the send failed: the sweep will retry
        log.warning("reminder %s left to the sweep: %s", reminder.id, type(exc).__name__)
    return report


async def drain_reminders(
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    notifier: Notifier,
    worker: str,
    book: RuleBook = DEFAULT_BOOK,
    limit: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
    concurrency: int = 4,
) -> SweepReport:
    """Deliver everything due: one task claims batch after batch into a queue while
    `concurrency` senders take from it, in due order, so the send lane always has the next
    reminders waiting (no pause at the end of a batch, none while the next one is claimed).
    At most two batches are held at a time, well within the lease."""
    total = SweepReport()
    queue: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=limit)
    failure: list[BaseException] = []

    async def claimer() -> None:
        try:
            while True:
                claimed, report = await claim_due(uow(), clock, worker, book, limit, lease)
                total.add(report)
                for item in claimed:
                    await queue.put(item)
                taken = report.claimed + report.deferred + report.cancelled + report.failed
                if taken < limit or failure:
                    break
        except Exception as exc:  # the database went away: deliver what is held, then raise
            failure.append(exc)
        # Not in a `finally`: when the sweep is cancelled (the bot stops) the senders are too,
        # and a full queue would wait for them forever.
        for _ in range(concurrency):
            await queue.put(_DONE)

    async def sender() -> None:
        while (item := await queue.get()) is not _DONE:
            if failure:
                continue  # left claimed: taken again once the lease is over, never lost
            try:
                await _deliver_one(uow, clock, notifier, book, item, total, lease)
            except Exception as exc:  # the database went away while recording
                failure.append(exc)

    await asyncio.gather(claimer(), *(sender() for _ in range(concurrency)))
    if failure:
        raise failure[0]
    return total


# --- for operators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderLine:
    reminder: Reminder
    case_code: str | None


async def list_reminders(
    uow: UnitOfWork, clock: Clock, statuses: tuple[ReminderStatus, ...], limit: int
) -> tuple[list[ReminderLine], dict[ReminderStatus, int]]:
    """The reminders in these states (soonest first) with their case codes, and the count of
    every state (operators: `juntos reminders list`; read as the system, audited per case)."""
    async with uow:
        rows = await uow.reminders.listing(statuses, limit)
        counts = await uow.reminders.count_by_status()
        lines: list[ReminderLine] = []
        for reminder in rows:
            case_id = reminder.case_id
            if case_id is None and reminder.referral_id is not None:
                referral = await uow.referrals.get(reminder.referral_id)
                case_id = referral.case_id if referral else None
            case = await uow.cases.get(case_id) if case_id is not None else None
            lines.append(ReminderLine(reminder, case.code if case else None))
            if case is not None:
                await record_audit(uow, clock, "operator", "reminder.list", case.code)
        await uow.commit()
    return lines, counts
