"""indicators: one weekly digest per coordinator and ISO week; an index for period queries

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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


def downgrade() -> None:
    op.drop_table("digest_deliveries")
