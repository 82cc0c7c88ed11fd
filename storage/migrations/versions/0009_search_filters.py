"""search filters: HSDS cost options, languages, accessibility, required documents, service
details and who a service is for; filter columns on the search points; service cards

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_POINT_COLUMNS = [
    "latitude",
    "longitude",
    "minimum_age",
    "maximum_age",
    "service_id",
    "service_at_location_id",
]
POINT_COLUMNS = [
    *OLD_POINT_COLUMNS,
    "free",
    "accessible",
    "eligibility",
    "languages",
    "timezone",
    "hours",
]
SERVICE_TEXTS = (
    "fees_description",
    "eligibility_description",
    "interpretation_services",
    "wait_time",
    "alert",
)


def upgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        for name in SERVICE_TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("eligibility", sa.String(length=200), nullable=False, server_default="")
        )
    op.create_table(
        "cost_options",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("option", sa.Text(), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("amount_description", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.String(length=10), nullable=True),
        sa.Column("valid_to", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_cost_options_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_options")),
    )
    op.create_index(op.f("ix_cost_options_service_id"), "cost_options", ["service_id"])
    op.create_table(
        "languages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("location_id", sa.String(length=36), nullable=True),
        sa.Column("phone_id", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_languages_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_languages_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["phone_id"], ["phones.id"], name=op.f("fk_languages_phone_id_phones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_languages")),
    )
    for name in ("service_id", "location_id", "phone_id"):
        column = sa.column(name)
        op.create_index(
            f"ix_languages_{name}",
            "languages",
            [name],
            sqlite_where=column.is_not(None),
            postgresql_where=column.is_not(None),
        )
    op.create_table(
        "accessibility",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_accessibility_location_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accessibility")),
    )
    op.create_index(op.f("ix_accessibility_location_id"), "accessibility", ["location_id"])
    op.create_table(
        "required_documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("uri", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_required_documents_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_required_documents")),
    )
    op.create_index(op.f("ix_required_documents_service_id"), "required_documents", ["service_id"])
    # The search points are derived rows: emptied here, rebuilt with the cards after the
    # upgrade (storage/migrate.py), from the directory as stored.
    op.execute("DELETE FROM service_points")
    with op.batch_alter_table("service_points") as batch_op:
        batch_op.drop_index("ix_service_points_fine_cover")
        batch_op.drop_index("ix_service_points_coarse_cover")
        batch_op.add_column(
            sa.Column("free", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("accessible", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("eligibility", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("languages", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("hours", sa.String(length=1000), nullable=False, server_default="")
        )
        batch_op.create_index(
            "ix_service_points_fine_cover", ["category", "cell_fine", *POINT_COLUMNS]
        )
        batch_op.create_index(
            "ix_service_points_coarse_cover", ["category", "cell_coarse", *POINT_COLUMNS]
        )
    op.create_table(
        "service_cards",
        sa.Column("service_at_location_id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("card", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_at_location_id"],
            ["services_at_location.id"],
            name=op.f("fk_service_cards_service_at_location_id_services_at_location"),
        ),
        sa.PrimaryKeyConstraint("service_at_location_id", name=op.f("pk_service_cards")),
    )
    op.create_index(op.f("ix_service_cards_service_id"), "service_cards", ["service_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_service_cards_service_id"), table_name="service_cards")
    op.drop_table("service_cards")
    op.execute("DELETE FROM service_points")
    with op.batch_alter_table("service_points") as batch_op:
        batch_op.drop_index("ix_service_points_coarse_cover")
        batch_op.drop_index("ix_service_points_fine_cover")
        for name in ("hours", "timezone", "languages", "eligibility", "accessible", "free"):
            batch_op.drop_column(name)
        batch_op.create_index(
            "ix_service_points_fine_cover", ["category", "cell_fine", *OLD_POINT_COLUMNS]
        )
        batch_op.create_index(
            "ix_service_points_coarse_cover", ["category", "cell_coarse", *OLD_POINT_COLUMNS]
        )
    op.drop_index(op.f("ix_required_documents_service_id"), table_name="required_documents")
    op.drop_table("required_documents")
    op.drop_index(op.f("ix_accessibility_location_id"), table_name="accessibility")
    op.drop_table("accessibility")
    for name in ("phone_id", "location_id", "service_id"):
        op.drop_index(f"ix_languages_{name}", table_name="languages")
    op.drop_table("languages")
    op.drop_index(op.f("ix_cost_options_service_id"), table_name="cost_options")
    op.drop_table("cost_options")
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("eligibility")
        for name in reversed(SERVICE_TEXTS):
            batch_op.drop_column(name)
