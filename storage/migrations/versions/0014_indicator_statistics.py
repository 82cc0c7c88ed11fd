"""indicators: PostgreSQL statistics on the hours to acceptance and to first contact

The coordinators' indicators read the referrals once, grouped three ways at once (GROUPING
SETS: by sender and receiver, by whole hours to acceptance, by whole hours to first contact;
storage/repositories/indicators.py). Without statistics on the two hour expressions PostgreSQL
guesses one group per referral, so it sorts every referral (spilling to disk) instead of
hashing a few hundred groups. These statistics tell it how few there are; ANALYZE (and
autovacuum) fill them. The expressions must stay exactly those the query groups by.
Nothing on SQLite, which has neither grouping sets nor expression statistics.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whole hours from a referral being made to the event (as the indicators group them).
HOURS = "(floor(EXTRACT(epoch FROM {later} - created_at) / CAST(3600 AS NUMERIC)))::integer"
STATISTICS = {
    "st_referrals_hours_to_acceptance": "accepted_at",
    "st_referrals_hours_to_first_contact": "first_contact_at",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, later in STATISTICS.items():
        op.execute(f"CREATE STATISTICS {name} ON ({HOURS.format(later=later)}) FROM referrals")
    op.execute("ANALYZE referrals")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in STATISTICS:
        op.execute(f"DROP STATISTICS IF EXISTS {name}")
