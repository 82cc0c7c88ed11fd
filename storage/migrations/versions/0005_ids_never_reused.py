"""member and staff ids are never reused on SQLite (AUTOINCREMENT)

Without AUTOINCREMENT, SQLite gives a new row the highest id plus one: after the newest member
used /borrar, the next member would get that id, and old audit rows ("member:7") would point at
a stranger. AUTOINCREMENT cannot be added in place, so both tables are rebuilt (batch mode,
foreign keys off: storage/migrate.py), and the counter starts past the highest id that any
audit entry or reminder still names. PostgreSQL's serial ids never go back: nothing to do.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Actor prefixes (domain/people.py `actor`) naming a row of each table.
PREFIXES = {
    "members": ("member",),
    "staff_members": ("staff", "coordinator", "admin"),
}
MENTIONS = (("audit_entries", "actor"), ("audit_entries", "subject"), ("reminders", "target"))


def _highest_mentioned(bind: sa.Connection, prefixes: Sequence[str]) -> int:
    pattern = re.compile(rf"^(?:{'|'.join(prefixes)}):(\d+)$")
    highest = 0
    for table, column in MENTIONS:
        for prefix in prefixes:
            values = bind.execute(
                sa.text(f"SELECT DISTINCT {column} FROM {table} WHERE {column} LIKE :p"),  # noqa: S608
                {"p": f"{prefix}:%"},
            ).scalars()
            for value in values:
                if match := pattern.match(value):
                    highest = max(highest, int(match.group(1)))
    return highest


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table, prefixes in PREFIXES.items():
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
        floor = _highest_mentioned(bind, prefixes)
        current = bind.execute(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
        ).scalar()
        if current is None:
            bind.execute(
                sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"),
                {"t": table, "s": floor},
            )
        elif current < floor:
            bind.execute(
                sa.text("UPDATE sqlite_sequence SET seq = :s WHERE name = :t"),
                {"t": table, "s": floor},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in PREFIXES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
