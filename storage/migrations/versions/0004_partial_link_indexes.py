"""partial indexes on the optional links of phones and schedules

After ANALYZE, SQLite's planner judged plain indexes on these mostly-NULL columns useless and
scanned whole tables when loading the details of nearby services.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = {
    "phones": ["organization_id", "service_id", "location_id", "service_at_location_id"],
    "schedules": ["service_id", "location_id", "service_at_location_id"],
}


def upgrade() -> None:
    for table, columns in LINKS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.drop_index(f"ix_{table}_{column}")
        for column in columns:
            where = sa.text(f"{column} IS NOT NULL")
            op.create_index(
                f"ix_{table}_{column}",
                table,
                [column],
                sqlite_where=where,
                postgresql_where=where,
            )


def downgrade() -> None:
    for table, columns in LINKS.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}", table_name=table)
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.create_index(f"ix_{table}_{column}", [column])
