"""The schema. Alembic migrations build it; a test checks the two agree."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
)

from domain.capacity import CapacityLevel
from domain.cases import (
    Gender,
    MemberOutcome,
    ReferralStatus,
    RejectionReason,
    ReminderKind,
    ReminderStatus,
)
from domain.people import Role
from domain.relay import Direction, ThreadStatus
from domain.taxonomy import Sector
from storage.types import (
    CategorySet,
    CodeSet,
    EligibilitySet,
    EncryptedInt,
    EncryptedText,
    EnumText,
    JSONText,
    TimestampMap,
    UTCDateTime,
    WeekdaySet,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

UUID_LEN = 36

# --- service directory (HSDS 3.1 shaped) -------------------------------------------------------

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("email", String(300)),
    Column("website", String(500)),
    Column("sector", EnumText(Sector)),
)

services = Table(
    "services",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column(
        "organization_id",
        String(UUID_LEN),
        ForeignKey("organizations.id"),
        nullable=False,
        index=True,
    ),
    Column("name", String(300), nullable=False),
    Column("status", String(30), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("email", String(300)),
    Column("url", String(500)),
    Column("minimum_age", Integer),
    Column("maximum_age", Integer),
    Column("categories", CategorySet, nullable=False, default=frozenset()),
    Column("marked_confidential", Boolean, nullable=False, default=False),
    Column("fees_description", Text),
    Column("eligibility_description", Text),
    Column("interpretation_services", Text),
    Column("wait_time", Text),
    Column("alert", Text),
    Column("eligibility", EligibilitySet, nullable=False, default=frozenset(), server_default=""),
)

locations = Table(
    "locations",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("organization_id", String(UUID_LEN), ForeignKey("organizations.id"), index=True),
    Column("name", String(300), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("location_type", String(20), nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("municipality_code", String(5)),
    Column("timezone", String(64), nullable=False),
    Column("marked_confidential", Boolean, nullable=False, default=False),
)

services_at_location = Table(
    "services_at_location",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id"), nullable=False, index=True),
    Column("location_id", String(UUID_LEN), ForeignKey("locations.id"), nullable=False, index=True),
    Column("description", Text, nullable=False, default=""),
)

addresses = Table(
    "addresses",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("location_id", String(UUID_LEN), ForeignKey("locations.id"), nullable=False, index=True),
    Column("address_1", String(300), nullable=False),
    Column("address_2", String(300), nullable=False, default=""),
    Column("city", String(200), nullable=False),
    Column("state_province", String(200), nullable=False),
    Column("postal_code", String(20), nullable=False),
    Column("country", String(2), nullable=False),
    Column("address_type", String(20), nullable=False),
)

phones = Table(
    "phones",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("number", String(100), nullable=False),
    Column("organization_id", String(UUID_LEN), ForeignKey("organizations.id")),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id")),
    Column("location_id", String(UUID_LEN), ForeignKey("locations.id")),
    Column("service_at_location_id", String(UUID_LEN), ForeignKey("services_at_location.id")),
    Column("extension", String(20)),
    Column("type", String(20), nullable=False),
    Column("description", Text, nullable=False, default=""),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id")),
    Column("location_id", String(UUID_LEN), ForeignKey("locations.id")),
    Column("service_at_location_id", String(UUID_LEN), ForeignKey("services_at_location.id")),
    Column("weekdays", WeekdaySet, nullable=False),
    Column("opens_at", Time, nullable=False),
    Column("closes_at", Time, nullable=False),
    Column("description", Text, nullable=False, default=""),
)

cost_options = Table(
    "cost_options",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id"), nullable=False, index=True),
    Column("option", Text),
    Column("amount", Float),
    Column("currency", String(3)),
    Column("amount_description", Text),
    Column("valid_from", String(10)),
    Column("valid_to", String(10)),
)

languages = Table(
    "languages",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id")),
    Column("location_id", String(UUID_LEN), ForeignKey("locations.id")),
    Column("phone_id", String(UUID_LEN), ForeignKey("phones.id")),
    Column("code", String(3), nullable=False),
    Column("name", String(100)),
    Column("note", Text),
)

accessibility = Table(
    "accessibility",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("location_id", String(UUID_LEN), ForeignKey("locations.id"), nullable=False, index=True),
    Column("description", Text),
    Column("details", Text),
    Column("url", String(500)),
)

required_documents = Table(
    "required_documents",
    metadata,
    Column("id", String(UUID_LEN), primary_key=True),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id"), nullable=False, index=True),
    Column("document", Text, nullable=False),
    Column("uri", String(500)),
)


def _link_indexes(table: Table, columns: list[str]) -> None:
    """Partial indexes on the optional links of phones and schedules (`WHERE col IS NOT NULL`).

    Most rows leave most links empty; after ANALYZE a plain index on a mostly-NULL column
    looks useless to SQLite's planner, which then scans the whole table.
    """
    for name in columns:
        column = table.c[name]
        Index(
            f"ix_{table.name}_{name}",
            column,
            sqlite_where=column.is_not(None),
            postgresql_where=column.is_not(None),
        )


_link_indexes(phones, ["organization_id", "service_id", "location_id", "service_at_location_id"])
_link_indexes(schedules, ["service_id", "location_id", "service_at_location_id"])
_link_indexes(languages, ["service_id", "location_id", "phone_id"])

# One row per (service at location, category) of every active service with a point, plus one
# row with category "*": the nearest query reads only this table. Grid cells (storage/grid.py)
# turn its widening bounding box into indexed equality lookups on (category, term, cell). The
# filters (free, accessible, who it is for, languages, weekly hours) ride along in the covering
# index. Those rows have the term ""; each minority filter term a place carries (accessible,
# who it is for, a language other than Spanish) repeats them under that term, so a search
# with a rare filter reads only the places that pass it (storage/cards.py `point_terms`).
_POINT_COLUMNS = [
    "latitude",
    "longitude",
    "minimum_age",
    "maximum_age",
    "service_id",
    "service_at_location_id",
    "free",
    "accessible",
    "eligibility",
    "languages",
    "timezone",
    "hours",
]
service_points = Table(
    "service_points",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "service_at_location_id",
        String(UUID_LEN),
        ForeignKey("services_at_location.id"),
        nullable=False,
        index=True,
    ),
    Column("service_id", String(UUID_LEN), nullable=False, index=True),
    Column("category", String(30), nullable=False),
    # "" for every place; else the filter term the place passes (storage/cards.py).
    Column("term", String(40), nullable=False, default="", server_default=""),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("cell_fine", Integer, nullable=False),
    Column("cell_coarse", Integer, nullable=False),
    Column("minimum_age", Integer),
    Column("maximum_age", Integer),
    Column("free", Boolean, nullable=False, default=False, server_default=false()),
    Column("accessible", Boolean, nullable=False, default=False, server_default=false()),
    # Bit i set: the service carries the i-th term of domain.taxonomy.Eligibility.
    Column("eligibility", Integer, nullable=False, default=0, server_default="0"),
    # ISO 639 codes between commas (",en,tar,"), so one LIKE finds a language.
    Column("languages", String(200), nullable=False, default="", server_default=""),
    Column("timezone", String(64), nullable=False, default="", server_default=""),
    # Weekly opening spans, "start-end" seconds from Monday 00:00 local, comma separated.
    Column("hours", String(1000), nullable=False, default="", server_default=""),
    # Covering indexes: the nearest query reads every column it needs from the index alone.
    Index("ix_service_points_fine_cover", "category", "term", "cell_fine", *_POINT_COLUMNS),
    Index("ix_service_points_coarse_cover", "category", "term", "cell_coarse", *_POINT_COLUMNS),
    Index("ix_service_points_category_latitude", "category", "term", "latitude"),
)

# The card of each service at a public place: everything a result shows, as JSON kept in step
# with every import (storage/cards.py), so the complete answer reads one row per result.
service_cards = Table(
    "service_cards",
    metadata,
    Column(
        "service_at_location_id",
        String(UUID_LEN),
        ForeignKey("services_at_location.id"),
        primary_key=True,
    ),
    Column("service_id", String(UUID_LEN), nullable=False, index=True),
    Column("card", Text, nullable=False),
)

# --- people -------------------------------------------------------------------------------------

staff_members = Table(
    "staff_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("display_name", EncryptedText, nullable=False),
    Column("role", EnumText(Role, 20), nullable=False),
    Column("organization_id", String(UUID_LEN), ForeignKey("organizations.id"), index=True),
    Column("municipality_codes", CodeSet, nullable=False, default=frozenset()),
    Column("chat_id", EncryptedInt),
    Column("chat_hash", String(64), unique=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("locale", String(10), nullable=False, default="es_MX", server_default="es_MX"),
    Column("linked_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Column("unreachable_at", UTCDateTime),
    # Ids are never reused (SQLite would reuse the highest after a delete): audit rows name
    # people by id, and must never point at someone new (migration 0005).
    sqlite_autoincrement=True,
)

invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Only the hash of the one-time code is kept.
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("role", EnumText(Role, 20), nullable=False),
    Column("organization_id", String(UUID_LEN), ForeignKey("organizations.id"), nullable=False),
    Column("municipality_codes", CodeSet, nullable=False, default=frozenset()),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_by", String(40), nullable=False),
    Column("used_at", UTCDateTime),
    Column("staff_id", Integer, ForeignKey("staff_members.id")),
)

# Wrong invite codes by chat (keyed hash), to refuse guessing: kept an hour, then purged.
invite_failures = Table(
    "invite_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat_hash", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_invite_failures_chat_hash_at", "chat_hash", "at"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat_hash", String(64), nullable=False, unique=True),
    Column("chat_id", EncryptedInt, nullable=False),
    Column("locale", String(10), nullable=False),
    Column("created_at", UTCDateTime),
    Column("consents", TimestampMap, nullable=False, default=dict),
    sqlite_autoincrement=True,
)

# --- cases --------------------------------------------------------------------------------------

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(20), unique=True),
    Column("alias", EncryptedText, nullable=False),
    Column("municipality_code", String(5), index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("age", Integer),
    Column("gender", EnumText(Gender, 20)),
    Column("needs", CategorySet, nullable=False, default=frozenset()),
    Column("consent_contact", Boolean, nullable=False, default=False),
    Column("consent_share", Boolean, nullable=False, default=False),
    Column("organization_id", String(UUID_LEN), ForeignKey("organizations.id"), index=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="SET NULL"), index=True),
    Column("created_by", String(40), nullable=False),
    # The people a municipality's referrals served, by age, gender and needs, read in this
    # order from the index alone (storage/repositories/indicators.py).
    Index("ix_cases_people", "municipality_code", "age", "gender", "needs"),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column(
        "to_organization_id",
        String(UUID_LEN),
        ForeignKey("organizations.id"),
        nullable=False,
        index=True,
    ),
    Column("from_organization_id", String(UUID_LEN), ForeignKey("organizations.id"), index=True),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id")),
    Column("status", EnumText(ReferralStatus, 20), nullable=False, index=True),
    Column("rejection_reason", EnumText(RejectionReason)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status_changed_at", UTCDateTime),
    Column("accepted_at", UTCDateTime),
    Column("first_contact_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("urgent", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_by", String(40), nullable=False, default="system", server_default="system"),
    Column("outcome", EnumText(MemberOutcome, 20)),
    Column("outcome_at", UTCDateTime),
    # The coordinators' indicators (storage/repositories/indicators.py) read each case's
    # referrals from this index alone.
    Index(
        "ix_referrals_indicators_cover",
        "case_id",
        "created_at",
        "status",
        "accepted_at",
        "first_contact_at",
        "from_organization_id",
        "to_organization_id",
        "rejection_reason",
        "outcome",
        "closed_at",
    ),
    # The weekly digest reads one week of referrals by when each thing happened.
    Index("ix_referrals_created_at", "created_at"),
    Index("ix_referrals_accepted_at", "accepted_at"),
    Index("ix_referrals_first_contact_at", "first_contact_at"),
    Index("ix_referrals_closed_at", "closed_at"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("referral_id", Integer, ForeignKey("referrals.id"), nullable=False, index=True),
    Column("due_date", Date, nullable=False, index=True),
    Column("done_at", UTCDateTime),
    Column("note", EncryptedText, nullable=False),
    Column("created_by", String(40), nullable=False),
)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("referral_id", Integer, ForeignKey("referrals.id")),
    Column("at", UTCDateTime, nullable=False),
    Column("author", String(80), nullable=False),
    Column("text", EncryptedText, nullable=False),
)

# --- the anonymous relay (domain/relay.py) ------------------------------------------------------

relay_threads = Table(
    "relay_threads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("referral_id", Integer, ForeignKey("referrals.id"), nullable=False, unique=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("organization_id", String(UUID_LEN), ForeignKey("organizations.id"), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("status", EnumText(ThreadStatus, 20), nullable=False),
    Column("last_staff_id", Integer, ForeignKey("staff_members.id")),
    Column("closed_at", UTCDateTime),
    Column("closed_by", String(40)),
)

relay_messages = Table(
    "relay_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_id", Integer, ForeignKey("relay_threads.id"), nullable=False),
    Column("direction", EnumText(Direction, 20), nullable=False),
    Column("sender", String(40), nullable=False),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("text", EncryptedText, nullable=False),
    Column("crisis", Boolean, nullable=False, default=False),
    Index("ix_relay_messages_thread_direction_at", "thread_id", "direction", "at"),
)

# Which Telegram message in whose chat (an actor string, never a chat id) belongs to a thread.
relay_deliveries = Table(
    "relay_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_id", Integer, ForeignKey("relay_threads.id"), nullable=False, index=True),
    Column("recipient", String(40), nullable=False),
    Column("message_id", Integer, nullable=False),
    Index("ix_relay_deliveries_recipient_message", "recipient", "message_id"),
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", EnumText(ReminderKind), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("target", String(80), nullable=False),
    Column("referral_id", Integer, ForeignKey("referrals.id"), index=True),
    Column("status", EnumText(ReminderStatus, 20), nullable=False),
    Column("sent_at", UTCDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("case_id", Integer, ForeignKey("cases.id"), index=True),
    Column("follow_up_id", Integer, ForeignKey("follow_ups.id"), index=True),
    Column("staff_id", Integer, ForeignKey("staff_members.id")),
    Column("municipality_code", String(5)),
    # The lease: who claimed it, when (a claim older than the lease is taken again).
    Column("claimed_at", UTCDateTime),
    Column("claimed_by", String(80)),
    Column("last_error", String(80)),
    Index("ix_reminders_status_due_at", "status", "due_at"),
)

#: Who got a reminder with several recipients (a retry sends only to the others).
reminder_deliveries = Table(
    "reminder_deliveries",
    metadata,
    Column("reminder_id", Integer, ForeignKey("reminders.id"), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff_members.id"), primary_key=True),
    Column("delivered_at", UTCDateTime, nullable=False),
)

#: The send budget shared by every bot process on this database (Telegram's limit is per bot
#: token): `tat` is the start of the next free slot, seconds since the epoch in the
#: database's clock (storage/send_budget.py).
send_budget = Table(
    "send_budget",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("tat", Float, nullable=False),
)

#: Capacity check-in answers (HSDS 3.1 `service_capacity`): the newest one counts, for two weeks.
service_capacity = Table(
    "service_capacity",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("service_id", String(UUID_LEN), ForeignKey("services.id"), nullable=False),
    Column("level", EnumText(CapacityLevel, 20), nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
    Column("answered_by", String(80), nullable=False),
    Index("ix_service_capacity_service_id_answered_at", "service_id", "answered_at"),
)

# One weekly digest per coordinator and ISO week: claimed by one bot process, marked delivered
# only once Telegram took it (domain/services/indicators.py).
digest_deliveries = Table(
    "digest_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("coordinator_id", Integer, ForeignKey("staff_members.id"), nullable=False),
    Column("week", String(10), nullable=False),
    Column("worker", String(80), nullable=False),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    UniqueConstraint("coordinator_id", "week", name="uq_digest_deliveries_coordinator_week"),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("action", String(60), nullable=False),
    Column("subject", String(80), nullable=False, index=True),
    Column("detail", JSONText, nullable=False, default=dict),
)

# --- bot conversation state (python-telegram-bot persistence, storage/persistence.py) ---------

bot_state = Table(
    "bot_state",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("key_hash", String(64), primary_key=True),
    Column("payload", EncryptedText, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- unmet demand: anonymous counters (domain/demand.py) ----------------------------------------
# Keys and counts only: no member, chat, point, text or time finer than the ISO week (a test
# lists every column). Each completed search adds one to its row; crisis lines shown, per kind.

demand_searches = Table(
    "demand_searches",
    metadata,
    Column("week", String(8), primary_key=True),
    Column("municipality_code", String(5), primary_key=True),
    Column("cell", String(16), primary_key=True),
    Column("need", String(32), primary_key=True),
    Column("age_band", String(12), primary_key=True),
    Column("within_10km", Boolean, primary_key=True),
    Column("distance_band", String(12), primary_key=True),
    Column("count", Integer, nullable=False),
)

demand_crises = Table(
    "demand_crises",
    metadata,
    Column("week", String(8), primary_key=True),
    Column("municipality_code", String(5), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("count", Integer, nullable=False),
)
