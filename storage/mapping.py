"""Imperative mapping: the domain's dataclasses are mapped here, so the domain never knows."""

from __future__ import annotations

from sqlalchemy.orm import registry

from domain.cases import AuditEntry, Case, FollowUp, Referral, Reminder
from domain.directory import Address, Location, Organization, Phone, Service, ServiceAtLocation
from domain.people import Member, StaffMember
from domain.schedule import Schedule
from storage import tables

mapper_registry = registry(metadata=tables.metadata)
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
    # The keyed hash is a storage concern: it lives on the row, not on the domain object.
    m(
        StaffMember,
        tables.staff_members,
        properties={"_chat_hash": tables.staff_members.c.chat_hash},
    )
    m(Member, tables.members, properties={"_chat_hash": tables.members.c.chat_hash})
    m(Case, tables.cases)
    m(Referral, tables.referrals)
    m(FollowUp, tables.follow_ups)
    m(Reminder, tables.reminders)
    m(AuditEntry, tables.audit_entries)
