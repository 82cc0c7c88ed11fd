"""Fakes for the domain's ports: in-memory repositories, a settable clock, a recording notifier."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Self

from domain.access import CaseScope
from domain.capacity import CapacityAnswer
from domain.cards import directory_cards, nearest_cards
from domain.cases import (
    AuditEntry,
    Case,
    CaseSummary,
    FollowUp,
    Note,
    Referral,
    ReferralStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
    format_case_code,
    parse_case_code,
)
from domain.demand import CrisisCount, CrisisKey, SearchCount, SearchKey
from domain.directory import Directory, Organization, Service, confidential_location_ids
from domain.errors import InvalidValue
from domain.geo import haversine_km
from domain.indicators import IndicatorFigures, OverdueCase, ReferralCounts, WeekCounts
from domain.nearby import CardAt, ConfidentialOffer, NearbyQuery, ServicePoint
from domain.people import Invite, Member, Role, StaffMember
from domain.ports import (
    AuditLog,
    CapacityRepository,
    CaseRepository,
    DeliveryFailed,
    DemandRepository,
    DigestLog,
    DirectoryRepository,
    FollowUpRepository,
    IndicatorRepository,
    NoteRepository,
    PeopleRepository,
    ReferralRepository,
    RelayRepository,
    ReminderRepository,
    ReminderSubject,
    Unreachable,
)
from domain.relay import Direction, RelayDelivery, RelayMessage, RelayThread
from domain.taxonomy import Category


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 3, 4, 17, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@dataclass
class FakeNotifier:
    requested: list[tuple[Referral, Case]] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    fail_reminders: bool = False

    answered: list[tuple[Referral, Case]] = field(default_factory=list)

    told_members: list[tuple[int | None, ReferralStatus]] = field(default_factory=list)
    withdrawn: list[tuple[Referral, Case]] = field(default_factory=list)

    async def referral_answered(self, referral: Referral, case: Case) -> None:
        self.answered.append((copy.copy(referral), case))

    async def request_answered(self, member: Member, referral: Referral, case: Case) -> None:
        self.told_members.append((member.id, referral.status))

    async def request_withdrawn(self, referral: Referral, case: Case) -> None:
        self.withdrawn.append((referral, case))

    #: (reminder kind, recipient staff id, case code or None) per message delivered.
    reminded: list[tuple[ReminderKind, int | None, str | None]] = field(default_factory=list)
    #: Staff ids whose sends answer 403 (blocked the bot).
    blocked: set[int] = field(default_factory=set)

    #: Staff ids whose sends fail (a 5xx) while they are in this set.
    failing: set[int] = field(default_factory=set)

    async def remind(
        self, reminder: Reminder, recipient: StaffMember, about: ReminderSubject
    ) -> None:
        if self.fail_reminders or recipient.id in self.failing:
            raise DeliveryFailed("NetworkError")
        if recipient.id in self.blocked:
            raise Unreachable(recipient.actor)
        if reminder.kind is ReminderKind.REFERRAL_NEW:
            # The new referral's notice (an outbox row), kept apart from the reminders proper:
            # one entry per referral, however many of its staff it reached.
            assert about.referral is not None and about.case is not None
            if all(seen.id != about.referral.id for seen, _case in self.requested):
                self.requested.append((about.referral, about.case))
            return
        self.reminders.append(copy.copy(reminder))
        self.reminded.append((reminder.kind, recipient.id, about.case.code if about.case else None))


class _Store:
    """The 'database' behind the fake unit of work: survives across transactions."""

    def __init__(self) -> None:
        self.directory = Directory()
        self.cases: dict[int, Case] = {}
        self.referrals: dict[int, Referral] = {}
        self.follow_ups: dict[int, FollowUp] = {}
        self.reminders: dict[int, Reminder] = {}
        #: (reminder id, staff id) -> when it was delivered
        self.reminder_deliveries: dict[tuple[int, int], datetime] = {}
        self.capacity: list[CapacityAnswer] = []
        self.staff: dict[int, StaffMember] = {}
        self.members: dict[int, Member] = {}
        self.audit: list[AuditEntry] = []
        self.notes: dict[int, Note] = {}
        self.threads: dict[int, RelayThread] = {}
        self.relayed: dict[int, RelayMessage] = {}
        self.deliveries: list[RelayDelivery] = []
        self.invites: dict[int, Invite] = {}
        self.wrong_codes: list[tuple[int, datetime]] = []
        #: (coordinator id, ISO week) -> [worker, claimed_at, delivered_at]
        self.digests: dict[tuple[int, str], list[object]] = {}
        self.searches: dict[SearchKey, int] = {}
        self.crises: dict[CrisisKey, int] = {}


class _Ids:
    def __init__(self, existing: dict[int, object]) -> None:
        self.existing = existing

    def next(self) -> int:
        return max(self.existing, default=0) + 1


class FakeDirectory:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def upsert(self, directory: Directory) -> None:
        mine = self.store.directory
        for name in vars(directory):
            current = {x.id: x for x in getattr(mine, name)}
            current.update({x.id: x for x in getattr(directory, name)})
            setattr(mine, name, list(current.values()))

    async def export(self) -> Directory:
        return copy.deepcopy(self.store.directory)

    async def get_service(self, service_id: str) -> Service | None:
        return next((s for s in self.store.directory.services if s.id == service_id), None)

    async def organization_name(self, organization_id: str) -> str | None:
        return next(
            (o.name for o in self.store.directory.organizations if o.id == organization_id), None
        )

    async def confidential_addresses(self) -> list[str]:
        d = self.store.directory
        hidden = confidential_location_ids(d.locations, d.services, d.services_at_location)
        return [a.address_1 for a in d.addresses if a.location_id in hidden]

    async def get_organization(self, organization_id: str) -> Organization | None:
        return next(
            (o for o in self.store.directory.organizations if o.id == organization_id), None
        )

    async def services_of(self, organization_id: str) -> list[Service]:
        return sorted(
            (s for s in self.store.directory.services if s.organization_id == organization_id),
            key=lambda s: (s.name, s.id),
        )

    async def organization_municipalities(self, organization_id: str) -> list[str]:
        d = self.store.directory
        services = {s.id for s in d.services if s.organization_id == organization_id}
        at = {x.location_id for x in d.services_at_location if x.service_id in services}
        return sorted(
            {
                x.municipality_code
                for x in d.locations
                if x.municipality_code and (x.organization_id == organization_id or x.id in at)
            }
        )

    async def find_organizations(self, name: str, limit: int = 8) -> list[Organization]:
        wanted = name.casefold().strip()
        return [o for o in self.store.directory.organizations if wanted in o.name.casefold()][
            :limit
        ]

    async def count_services(self) -> int:
        return len(self.store.directory.services)

    async def nearest(self, query: NearbyQuery) -> list[ServicePoint]:
        d = self.store.directory
        services = {s.id: s for s in d.services}
        orgs = {o.id: o for o in d.organizations}
        locations = {loc.id: loc for loc in d.locations}
        hidden = confidential_location_ids(d.locations, d.services, d.services_at_location)
        best: dict[str, ServicePoint] = {}
        for sal in d.services_at_location:
            service, location = services[sal.service_id], locations[sal.location_id]
            if not service.active or location.latitude is None or location.longitude is None:
                continue
            if location.id in hidden:
                continue
            if query.category is not None and query.category not in service.categories:
                continue
            if not service.serves_age(query.age):
                continue
            km = haversine_km(
                query.point.latitude, query.point.longitude, location.latitude, location.longitude
            )
            if km > query.max_radius_km:
                continue
            if service.id in best and best[service.id].distance_km <= km:
                continue
            best[service.id] = ServicePoint(
                service_at_location_id=sal.id,
                service=service,
                organization=orgs[service.organization_id],
                location=location,
                distance_km=km,
                address=next((a for a in d.addresses if a.location_id == location.id), None),
                phones=[p for p in d.phones if p.service_id == service.id],
                schedules=[s for s in d.schedules if s.service_id == service.id],
            )
        ranked = sorted(best.values(), key=lambda p: p.distance_km)
        return ranked[query.offset : query.offset + query.limit]

    async def nearest_cards(self, query: NearbyQuery) -> list[CardAt]:
        return nearest_cards(directory_cards(self.store.directory), query)

    async def confidential_offers(
        self, municipality_code: str, category: Category | None, age: int | None
    ) -> list[ConfidentialOffer]:
        d = self.store.directory
        services = {s.id: s for s in d.services}
        orgs = {o.id: o for o in d.organizations}
        locations = {loc.id: loc for loc in d.locations}
        hidden = confidential_location_ids(d.locations, d.services, d.services_at_location)
        found: dict[str, ConfidentialOffer] = {}
        for sal in d.services_at_location:
            service, location = services[sal.service_id], locations[sal.location_id]
            if location.id not in hidden or location.municipality_code != municipality_code:
                continue
            if not service.active or not service.serves_age(age):
                continue
            if category is not None and category not in service.categories:
                continue
            organization = orgs[service.organization_id]
            found[service.id] = ConfidentialOffer(
                service_id=service.id,
                service_name=service.name,
                organization_id=organization.id,
                organization_name=organization.name,
                categories=tuple(sorted(service.categories)),
                municipality_code=municipality_code,
            )
        return sorted(
            found.values(), key=lambda o: (o.organization_name, o.service_name, o.service_id)
        )


class FakeCases:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add(self, case: Case) -> Case:
        case.id = _Ids(self.store.cases).next()  # type: ignore[arg-type]
        case.code = format_case_code(case.id)
        self.store.cases[case.id] = case
        return case

    async def get(self, case_id: int) -> Case | None:
        return self.store.cases.get(case_id)

    async def get_many(self, case_ids: Sequence[int]) -> list[Case]:
        return [self.store.cases[i] for i in case_ids if i in self.store.cases]

    async def get_by_code(self, code: str) -> Case | None:
        try:
            return self.store.cases.get(parse_case_code(code))
        except InvalidValue:
            return None

    async def for_member(self, member_id: int) -> list[Case]:
        return [c for c in self.store.cases.values() if c.member_id == member_id]

    async def summaries(
        self, scope: CaseScope, today: date, offset: int, limit: int, *, open_only: bool = True
    ) -> tuple[list[CaseSummary], int]:
        found = []
        for case in self.store.cases.values():
            referrals = tuple(r for r in self.store.referrals.values() if r.case_id == case.id)
            org = scope.organization_id
            visible = (
                scope.everything
                or case.municipality_code in scope.municipality_codes
                or (
                    org is not None
                    and (
                        case.organization_id == org
                        or any(
                            org in (r.to_organization_id, r.from_organization_id) for r in referrals
                        )
                    )
                )
            )
            if not visible or (open_only and not any(r.is_open for r in referrals)):
                continue
            ids = {r.id for r in referrals}
            dues = [
                f.due_date
                for f in self.store.follow_ups.values()
                if f.referral_id in ids and f.done_at is None
            ]
            found.append(CaseSummary(case, referrals, min(dues) if dues else None))

        def order(s: CaseSummary) -> tuple[int, int, date, int]:
            urgent = any(r.urgent and r.is_open for r in s.referrals)
            return (
                0 if s.overdue_on(today) else 1,
                0 if urgent else 1,
                s.next_due or date.max,
                -(s.case.id or 0),
            )

        found.sort(key=order)
        return found[offset : offset + limit], len(found)


class FakeReferrals:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add(self, referral: Referral) -> Referral:
        referral.id = _Ids(self.store.referrals).next()  # type: ignore[arg-type]
        self.store.referrals[referral.id] = referral
        return referral

    async def get(self, referral_id: int) -> Referral | None:
        return self.store.referrals.get(referral_id)

    async def get_many(self, referral_ids: Sequence[int]) -> list[Referral]:
        return [self.store.referrals[i] for i in referral_ids if i in self.store.referrals]

    async def for_case(self, case_id: int) -> list[Referral]:
        return [r for r in self.store.referrals.values() if r.case_id == case_id]


class FakeFollowUps:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add(self, follow_up: FollowUp) -> FollowUp:
        follow_up.id = _Ids(self.store.follow_ups).next()  # type: ignore[arg-type]
        self.store.follow_ups[follow_up.id] = follow_up
        return follow_up

    async def get(self, follow_up_id: int) -> FollowUp | None:
        return self.store.follow_ups.get(follow_up_id)

    async def for_referral(self, referral_id: int) -> list[FollowUp]:
        return [f for f in self.store.follow_ups.values() if f.referral_id == referral_id]


class FakeNotes:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add(self, note: Note) -> Note:
        note.id = _Ids(self.store.notes).next()  # type: ignore[arg-type]
        self.store.notes[note.id] = note
        return note

    async def for_case(self, case_id: int) -> list[Note]:
        return [n for n in self.store.notes.values() if n.case_id == case_id]


class FakeRelay:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add_thread(self, thread: RelayThread) -> RelayThread:
        thread.id = _Ids(self.store.threads).next()  # type: ignore[arg-type]
        self.store.threads[thread.id] = thread
        return thread

    async def get_thread(self, thread_id: int) -> RelayThread | None:
        return self.store.threads.get(thread_id)

    async def thread_for_referral(self, referral_id: int) -> RelayThread | None:
        return next((t for t in self.store.threads.values() if t.referral_id == referral_id), None)

    async def threads_of_case(self, case_id: int) -> list[RelayThread]:
        return [t for t in self.store.threads.values() if t.case_id == case_id]

    async def add_message(self, message: RelayMessage) -> RelayMessage:
        message.id = _Ids(self.store.relayed).next()  # type: ignore[arg-type]
        self.store.relayed[message.id] = message
        return message

    async def count_since(self, thread_id: int, direction: Direction, since: datetime) -> int:
        return sum(
            1
            for m in self.store.relayed.values()
            if m.thread_id == thread_id and m.direction is direction and m.at >= since
        )

    async def add_delivery(self, delivery: RelayDelivery) -> None:
        self.store.deliveries.append(delivery)

    async def thread_of_delivery(self, recipient: str, message_id: int) -> RelayThread | None:
        for delivery in reversed(self.store.deliveries):
            if delivery.recipient == recipient and delivery.message_id == message_id:
                return self.store.threads.get(delivery.thread_id)
        return None

    async def purge_messages(self, before: datetime) -> int:
        old = [k for k, m in self.store.relayed.items() if m.at < before]
        for key in old:
            del self.store.relayed[key]
        return len(old)

    async def delete_messages_of_case(self, case_id: int) -> int:
        threads = {t.id for t in self.store.threads.values() if t.case_id == case_id}
        old = [k for k, m in self.store.relayed.items() if m.thread_id in threads]
        for key in old:
            del self.store.relayed[key]
        self.store.deliveries = [d for d in self.store.deliveries if d.thread_id not in threads]
        return len(old)


class FakeReminders:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add(self, reminder: Reminder) -> Reminder:
        reminder.id = _Ids(self.store.reminders).next()  # type: ignore[arg-type]
        self.store.reminders[reminder.id] = reminder
        return reminder

    async def get(self, reminder_id: int) -> Reminder | None:
        return self.store.reminders.get(reminder_id)

    async def pending_for_referral(self, referral_id: int) -> list[Reminder]:
        return [
            r
            for r in self.store.reminders.values()
            if r.referral_id == referral_id and r.status is ReminderStatus.PENDING
        ]

    def _pending(self) -> list[Reminder]:
        return [r for r in self.store.reminders.values() if r.status is ReminderStatus.PENDING]

    async def pending_for_case(self, case_id: int, kind: ReminderKind) -> list[Reminder]:
        return [r for r in self._pending() if r.case_id == case_id and r.kind is kind]

    async def pending_for_follow_up(self, follow_up_id: int) -> list[Reminder]:
        return [r for r in self._pending() if r.follow_up_id == follow_up_id]

    async def claimable(
        self, now: datetime, lease_taken_after: datetime, limit: int, only: int | None = None
    ) -> list[Reminder]:
        lease = now - lease_taken_after
        found = [
            r for r in self._pending() if r.claimable(now, lease) and (only is None or r.id == only)
        ]
        return sorted(found, key=lambda r: (r.due_at, r.id or 0))[:limit]

    async def exists(self, kind: ReminderKind, target: str, due_at: datetime) -> bool:
        return any(
            r.kind is kind and r.target == target and r.due_at == due_at
            for r in self.store.reminders.values()
        )

    async def listing(self, statuses: Sequence[ReminderStatus], limit: int) -> list[Reminder]:
        found = [r for r in self.store.reminders.values() if r.status in statuses]
        return sorted(found, key=lambda r: (r.due_at, r.id or 0))[:limit]

    async def count_by_status(self) -> dict[ReminderStatus, int]:
        counts: dict[ReminderStatus, int] = {}
        for r in self.store.reminders.values():
            counts[r.status] = counts.get(r.status, 0) + 1
        return counts

    async def delivered_to(self, reminder_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        found: dict[int, set[int]] = {}
        for reminder_id, staff_id in self.store.reminder_deliveries:
            if reminder_id in reminder_ids:
                found.setdefault(reminder_id, set()).add(staff_id)
        return {k: frozenset(v) for k, v in found.items()}

    async def add_delivery(self, reminder_id: int, staff_id: int, at: datetime) -> None:
        self.store.reminder_deliveries.setdefault((reminder_id, staff_id), at)


class FakeCapacity:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add(self, answer: CapacityAnswer) -> CapacityAnswer:
        answer.id = len(self.store.capacity) + 1
        self.store.capacity.append(answer)
        return answer

    async def latest(self, service_ids: Sequence[str]) -> dict[str, CapacityAnswer]:
        return {a.service_id: a for a in self.store.capacity if a.service_id in service_ids}

    async def all_latest(self) -> list[CapacityAnswer]:
        latest = {a.service_id: a for a in self.store.capacity}
        return sorted(latest.values(), key=lambda a: a.service_id)


class FakePeople:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add_staff(self, staff: StaffMember) -> StaffMember:
        staff.id = _Ids(self.store.staff).next()  # type: ignore[arg-type]
        self.store.staff[staff.id] = staff
        return staff

    async def get_staff(self, staff_id: int) -> StaffMember | None:
        return self.store.staff.get(staff_id)

    async def staff_of(self, organization_id: str) -> list[StaffMember]:
        return [s for s in self.store.staff.values() if s.organization_id == organization_id]

    async def staff_by_chat(self, chat_id: int) -> StaffMember | None:
        return next((s for s in self.store.staff.values() if s.chat_id == chat_id), None)

    async def all_staff(self, organization_id: str | None = None) -> list[StaffMember]:
        return [
            s
            for s in self.store.staff.values()
            if organization_id is None or s.organization_id == organization_id
        ]

    async def coordinators_of(self, municipality_code: str) -> list[StaffMember]:
        return [
            s
            for s in self.store.staff.values()
            if s.active and s.role is Role.COORDINATOR and municipality_code in s.municipality_codes
        ]

    async def add_invite(self, invite: Invite) -> Invite:
        invite.id = _Ids(self.store.invites).next()  # type: ignore[arg-type]
        self.store.invites[invite.id] = invite
        return invite

    async def invite_by_hash(self, code_hash: str) -> Invite | None:
        return next((i for i in self.store.invites.values() if i.code_hash == code_hash), None)

    async def wrong_codes_since(self, chat_id: int, since: datetime) -> list[datetime]:
        return sorted(at for chat, at in self.store.wrong_codes if chat == chat_id and at >= since)

    async def record_wrong_code(self, chat_id: int, at: datetime) -> None:
        self.store.wrong_codes.append((chat_id, at))

    async def add_member(self, member: Member) -> Member:
        member.id = _Ids(self.store.members).next()  # type: ignore[arg-type]
        self.store.members[member.id] = member
        return member

    async def member_by_chat(self, chat_id: int) -> Member | None:
        return next((m for m in self.store.members.values() if m.chat_id == chat_id), None)

    async def get_member(self, member_id: int) -> Member | None:
        return self.store.members.get(member_id)

    async def delete_member(self, member: Member) -> None:
        self.store.members.pop(member.id, None)  # type: ignore[arg-type]


class FakeAudit:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def record(self, entry: AuditEntry) -> None:
        self.store.audit.append(entry)

    async def for_subject(self, subject: str) -> Sequence[AuditEntry]:
        return [e for e in self.store.audit if e.subject == subject]

    async def latest(self, limit: int, subject: str | None = None) -> Sequence[AuditEntry]:
        return [e for e in self.store.audit if subject is None or e.subject == subject][-limit:]


class FakeIndicators:
    """Aggregates are SQL (tests/integration/test_indicators.py checks them on both
    databases); service tests over fakes see an empty municipality."""

    async def figures(
        self, codes: frozenset[str] | None, start: datetime, end: datetime
    ) -> IndicatorFigures:
        return IndicatorFigures(ReferralCounts(), (), (), {}, {}, {})

    async def week_counts(
        self, codes: frozenset[str], start: datetime, end: datetime
    ) -> WeekCounts:
        return WeekCounts()

    async def hours_to(
        self, event: str, codes: frozenset[str], start: datetime, end: datetime
    ) -> dict[int, int]:
        return {}

    async def overdue_cases(
        self, codes: frozenset[str], today: date, limit: int
    ) -> tuple[list[OverdueCase], int]:
        return [], 0

    async def failed_reminders(self, codes: frozenset[str], start: datetime, end: datetime) -> int:
        return 0


class FakeDigestLog:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def claim(
        self, coordinator_id: int, week: str, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        row = self.store.digests.get((coordinator_id, week))
        if row is not None and (row[2] is not None or row[1] >= stale_before):  # type: ignore[operator]
            return False
        self.store.digests[(coordinator_id, week)] = [worker, now, None]
        return True

    async def delivered(self, coordinator_id: int, week: str, at: datetime) -> None:
        self.store.digests[(coordinator_id, week)][2] = at

    async def release(self, coordinator_id: int, week: str) -> None:
        row = self.store.digests.get((coordinator_id, week))
        if row is not None and row[2] is None:
            del self.store.digests[(coordinator_id, week)]

    async def delivered_weeks(self, coordinator_id: int) -> list[str]:
        return sorted(
            w for (i, w), row in self.store.digests.items() if i == coordinator_id and row[2]
        )


class FakeDemand:
    def __init__(self, store: _Store) -> None:
        self.store = store

    async def add_search(self, key: SearchKey, count: int = 1) -> None:
        self.store.searches[key] = self.store.searches.get(key, 0) + count

    async def add_crisis(self, key: CrisisKey, count: int = 1) -> None:
        self.store.crises[key] = self.store.crises.get(key, 0) + count

    async def searches(
        self, municipality_codes: frozenset[str], first_week: str, last_week: str
    ) -> list[SearchCount]:
        return [
            SearchCount(k, n)
            for k, n in self.store.searches.items()
            if k.municipality_code in municipality_codes and first_week <= k.week <= last_week
        ]

    async def crises(
        self, municipality_codes: frozenset[str], first_week: str, last_week: str
    ) -> list[CrisisCount]:
        return [
            CrisisCount(k, n)
            for k, n in self.store.crises.items()
            if k.municipality_code in municipality_codes and first_week <= k.week <= last_week
        ]


class FakeUnitOfWork:
    """Commits are counted; a transaction that is not committed is rolled back (snapshot)."""

    directory: DirectoryRepository
    cases: CaseRepository
    referrals: ReferralRepository
    follow_ups: FollowUpRepository
    notes: NoteRepository
    relay: RelayRepository
    reminders: ReminderRepository
    capacity: CapacityRepository
    people: PeopleRepository
    audit: AuditLog
    indicators: IndicatorRepository
    digests: DigestLog
    demand: DemandRepository

    def __init__(self) -> None:
        self.store = _Store()
        self.commits = 0
        self._snapshot: _Store | None = None

    async def __aenter__(self) -> Self:
        self._snapshot = copy.deepcopy(self.store)
        self.directory = FakeDirectory(self.store)
        self.cases = FakeCases(self.store)
        self.referrals = FakeReferrals(self.store)
        self.follow_ups = FakeFollowUps(self.store)
        self.notes = FakeNotes(self.store)
        self.relay = FakeRelay(self.store)
        self.reminders = FakeReminders(self.store)
        self.capacity = FakeCapacity(self.store)
        self.people = FakePeople(self.store)
        self.audit = FakeAudit(self.store)
        self.indicators = FakeIndicators()
        self.digests = FakeDigestLog(self.store)
        self.demand = FakeDemand(self.store)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.commits += 1
        self._snapshot = copy.deepcopy(self.store)

    async def rollback(self) -> None:
        if self._snapshot is not None:
            self.store.__dict__.update(copy.deepcopy(self._snapshot).__dict__)
