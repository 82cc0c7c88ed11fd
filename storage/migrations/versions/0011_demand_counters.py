"""demand counters: anonymous search and crisis counts by week, municipality and key

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "demand_searches",
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("municipality_code", sa.String(length=5), nullable=False),
        sa.Column("cell", sa.String(length=16), nullable=False),
        sa.Column("need", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=12), nullable=False),
        sa.Column("within_10km", sa.Boolean(), nullable=False),
        sa.Column("distance_band", sa.String(length=12), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "week",
            "municipality_code",
            "cell",
            "need",
            "age_band",
            "within_10km",
            "distance_band",
            name=op.f("pk_demand_searches"),
        ),
    )
    op.create_table(
        "demand_crises",
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("municipality_code", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "municipality_code", "kind", name=op.f("pk_demand_crises")),
    )


def downgrade() -> None:
    op.drop_table("demand_crises")
    op.drop_table("demand_searches")
