"""`juntos audit`: who did what to which case, when (never what anyone wrote)."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console
from rich.table import Table

from domain.cases import AuditEntry, format_case_code, parse_case_code
from domain.errors import InvalidValue
from domain.services.cases import audit_trail
from juntos.commands.common import with_database
from juntos.database import Database

app = typer.Typer(help="The audit trail of case reads and writes.", no_args_is_help=True)
console = Console()


@app.command()
def show(
    case: str | None = typer.Option(None, "--case", help="Only this case (CASO-NNNN)."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=10_000, help="Newest entries."),
) -> None:
    """Print the newest audit entries (of one case, when --case is given), oldest first."""
    subject = None
    if case is not None:
        try:
            subject = format_case_code(parse_case_code(case))
        except InvalidValue:
            console.print(f"[red]--case {case!r} is not a case code like CASO-0042[/red]")
            raise typer.Exit(1) from None

    async def work(database: Database) -> Sequence[AuditEntry]:
        return await audit_trail(database.uow(), limit, subject)

    entries = with_database(work)
    if not entries:
        console.print(
            "No audit entries." if subject is None else f"No audit entries for {subject}."
        )
        return
    table = Table("when (UTC)", "who", "what", "case", "detail")
    for entry in entries:
        detail = ", ".join(f"{k}={v}" for k, v in sorted(entry.detail.items()))
        table.add_row(
            f"{entry.at:%Y-%m-%d %H:%M:%S}", entry.actor, entry.action, entry.subject, detail
        )
    console.print(table)
