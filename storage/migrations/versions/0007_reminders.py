"""reminders: lease (claimed at, by), what a reminder is about, errors; unreachable staff;
service capacity check-ins

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_members") as batch_op:
        batch_op.add_column(sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("municipality_code", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f("ix_reminders_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminders_follow_up_id"), ["follow_up_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reminders_case_id_cases"), "cases", ["case_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reminders_follow_up_id_follow_ups"),
            "follow_ups",
            ["follow_up_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reminders_staff_id_staff_members"), "staff_members", ["staff_id"], ["id"]
        )
    op.create_table(
        "service_capacity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_service_capacity_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_capacity")),
    )
    op.create_index(
        "ix_service_capacity_service_id_answered_at",
        "service_capacity",
        ["service_id", "answered_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_service_capacity_service_id_answered_at", table_name="service_capacity")
    op.drop_table("service_capacity")
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_reminders_staff_id_staff_members"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_reminders_follow_up_id_follow_ups"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_reminders_case_id_cases"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_reminders_follow_up_id"))
        batch_op.drop_index(batch_op.f("ix_reminders_case_id"))
        for column in (
            "last_error",
            "claimed_by",
            "claimed_at",
            "municipality_code",
            "staff_id",
            "follow_up_id",
            "case_id",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("staff_members") as batch_op:
        batch_op.drop_column("unreachable_at")
