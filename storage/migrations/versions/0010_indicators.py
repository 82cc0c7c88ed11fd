"""indicators: one weekly digest per coordinator and ISO week; an index for period queries

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The weekly digest reads one week of referrals by when each thing happened.
DIGEST_COLUMNS = ("created_at", "accepted_at", "first_contact_at", "closed_at")


def upgrade() -> None:
    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["staff_members.id"],
            name=op.f("fk_digest_deliveries_coordinator_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_deliveries")),
        sa.UniqueConstraint("coordinator_id", "week", name="uq_digest_deliveries_coordinator_week"),
    )
    op.create_index(
        "ix_referrals_indicators_cover",
        "referrals",
        [
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
        ],
    )
    op.create_index("ix_cases_people", "cases", ["municipality_code", "age", "gender", "needs"])
    for column in DIGEST_COLUMNS:
        op.create_index(f"ix_referrals_{column}", "referrals", [column])


def downgrade() -> None:
    for column in DIGEST_COLUMNS:
        op.drop_index(f"ix_referrals_{column}", table_name="referrals")
    op.drop_index("ix_cases_people", table_name="cases")
    op.drop_index("ix_referrals_indicators_cover", table_name="referrals")
    op.drop_table("digest_deliveries")
