"""Imperative mapping: the domain's dataclasses are mapped here, so the domain never knows."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.orm import registry

from domain.capacity import CapacityAnswer
from domain.cases import AuditEntry, Case, FollowUp, Note, Referral, Reminder
from domain.directory import (
    Accessibility,
    Address,
    CostOption,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)
from domain.people import Invite, Member, StaffMember
from domain.relay import RelayDelivery, RelayMessage, RelayThread
from domain.schedule import Schedule
from storage import tables
from storage.repositories.people import chat_hash

mapper_registry = registry(metadata=tables.metadata)


def _sync_chat_hash(target: object, value: int | None, _old: object, _initiator: object) -> None:
    setattr(target, "_chat_hash", None if value is None else chat_hash(value))  # noqa: B010


_started = False


def start_mappers() -> None:
    """Map every entity once per process (idempotent)."""
    global _started
    if _started:
        return
    _started = True
    m = mapper_registry.map_imperatively
    m(Organization, tables.organizations)
    m(Service, tables.services)
    m(Location, tables.locations)
    m(ServiceAtLocation, tables.services_at_location)
    m(Address, tables.addresses)
    m(Phone, tables.phones)
    m(Schedule, tables.schedules)
    m(CostOption, tables.cost_options)
    m(ServiceLanguage, tables.languages)
    m(Accessibility, tables.accessibility)
    m(RequiredDocument, tables.required_documents)
    # The keyed hash is a storage concern: it lives on the row, not on the domain object.
    m(
        StaffMember,
        tables.staff_members,
        properties={"_chat_hash": tables.staff_members.c.chat_hash},
    )
    m(Member, tables.members, properties={"_chat_hash": tables.members.c.chat_hash})
    # The keyed hash follows the chat id it is computed from (set, changed or cleared).
    for entity in (StaffMember, Member):
        event.listen(cast(Any, entity).chat_id, "set", _sync_chat_hash)
    m(Case, tables.cases)
    m(Referral, tables.referrals)
    m(FollowUp, tables.follow_ups)
    m(Note, tables.notes)
    m(RelayThread, tables.relay_threads)
    m(RelayMessage, tables.relay_messages)
    m(RelayDelivery, tables.relay_deliveries)
    m(Invite, tables.invites)
    m(Reminder, tables.reminders)
    m(CapacityAnswer, tables.service_capacity)
    m(AuditEntry, tables.audit_entries)
