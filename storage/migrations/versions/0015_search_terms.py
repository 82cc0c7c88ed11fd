"""search points repeated per minority filter term: a `term` column leading the grid indexes

A search with a rare filter (a language other than Spanish, who a place is for, accessible)
read every place of the category in its box and kept the few that pass: thousands of index
entries for rarámuri in a city. Each such term a place carries now repeats its point rows
under that term (storage/cards.py `point_terms`), and the covering indexes lead with
(category, term), so such a search reads only the places that pass its rarest filter.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POINT_COLUMNS = [
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
INDEXES = {
    "ix_service_points_fine_cover": ["cell_fine", *POINT_COLUMNS],
    "ix_service_points_coarse_cover": ["cell_coarse", *POINT_COLUMNS],
    "ix_service_points_category_latitude": ["latitude"],
}


def _rebuild_indexes(with_term: bool) -> None:
    # The search rows are derived: emptied here (cards too), both rebuilt after the upgrade
    # (storage/migrate.py) from the directory as stored.
    op.execute("DELETE FROM service_points")
    op.execute("DELETE FROM service_cards")
    with op.batch_alter_table("service_points") as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        if with_term:
            batch_op.add_column(
                sa.Column("term", sa.String(length=40), nullable=False, server_default="")
            )
        else:
            batch_op.drop_column("term")
        lead = ["category", "term"] if with_term else ["category"]
        for name, columns in INDEXES.items():
            batch_op.create_index(name, [*lead, *columns])


def upgrade() -> None:
    _rebuild_indexes(with_term=True)


def downgrade() -> None:
    _rebuild_indexes(with_term=False)
