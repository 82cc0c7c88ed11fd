"""relay: threads, messages (encrypted), deliveries; the member's outcome on a referral

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "relay_threads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_staff_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_relay_threads_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_relay_threads_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_relay_threads_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["last_staff_id"],
            ["staff_members.id"],
            name=op.f("fk_relay_threads_last_staff_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_threads")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_relay_threads_referral_id")),
    )
    op.create_index(op.f("ix_relay_threads_case_id"), "relay_threads", ["case_id"], unique=False)
    op.create_table(
        "relay_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["relay_threads.id"],
            name=op.f("fk_relay_messages_thread_id_relay_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_messages")),
    )
    op.create_index(op.f("ix_relay_messages_at"), "relay_messages", ["at"], unique=False)
    op.create_index(
        "ix_relay_messages_thread_direction_at",
        "relay_messages",
        ["thread_id", "direction", "at"],
        unique=False,
    )
    op.create_table(
        "relay_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["relay_threads.id"],
            name=op.f("fk_relay_deliveries_thread_id_relay_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_deliveries")),
    )
    op.create_index(
        op.f("ix_relay_deliveries_thread_id"), "relay_deliveries", ["thread_id"], unique=False
    )
    op.create_index(
        "ix_relay_deliveries_recipient_message",
        "relay_deliveries",
        ["recipient", "message_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_relay_deliveries_recipient_message", table_name="relay_deliveries")
    op.drop_index(op.f("ix_relay_deliveries_thread_id"), table_name="relay_deliveries")
    op.drop_table("relay_deliveries")
    op.drop_index("ix_relay_messages_thread_direction_at", table_name="relay_messages")
    op.drop_index(op.f("ix_relay_messages_at"), table_name="relay_messages")
    op.drop_table("relay_messages")
    op.drop_index(op.f("ix_relay_threads_case_id"), table_name="relay_threads")
    op.drop_table("relay_threads")
    with op.batch_alter_table("referrals") as batch_op:
        batch_op.drop_column("outcome_at")
        batch_op.drop_column("outcome")
