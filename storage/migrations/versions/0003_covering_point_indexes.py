"""covering indexes for the nearest-services query

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POINT_COLUMNS = [
    "latitude",
    "longitude",
    "minimum_age",
    "maximum_age",
    "service_id",
    "service_at_location_id",
]


def upgrade() -> None:
    with op.batch_alter_table("service_points") as batch_op:
        batch_op.drop_index("ix_service_points_category_fine")
        batch_op.drop_index("ix_service_points_category_coarse")
        batch_op.create_index(
            "ix_service_points_fine_cover", ["category", "cell_fine", *POINT_COLUMNS]
        )
        batch_op.create_index(
            "ix_service_points_coarse_cover", ["category", "cell_coarse", *POINT_COLUMNS]
        )


def downgrade() -> None:
    with op.batch_alter_table("service_points") as batch_op:
        batch_op.drop_index("ix_service_points_coarse_cover")
        batch_op.drop_index("ix_service_points_fine_cover")
        batch_op.create_index("ix_service_points_category_coarse", ["category", "cell_coarse"])
        batch_op.create_index("ix_service_points_category_fine", ["category", "cell_fine"])
