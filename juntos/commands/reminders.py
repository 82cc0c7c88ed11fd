"""`juntos reminders`: check the rules file, list what is due, failed or unreachable."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from domain.cases import ReminderStatus
from domain.ports import SystemClock
from domain.reminder_rules import RulesError
from domain.services.reminders import ReminderLine, list_reminders
from juntos.commands.common import with_database
from juntos.database import Database
from juntos.reminder_rules import load_rule_book
from juntos.settings import load_settings

app = typer.Typer(help="Reminders: the rules file and the queue.", no_args_is_help=True)
console = Console()


@app.command()
def check() -> None:
    """Validate the rules file (JUNTOS_REMINDERS_FILE) and print the rules in force."""
    settings = load_settings()
    path = settings.juntos_reminders_file
    try:
        book = load_rule_book(path)
    except RulesError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    source = str(path) if path.exists() else f"{path} (absent: the defaults)"
    console.print(f"Rules from {source}: OK")
    table = Table("setting", "default", *book.municipalities)
    defaults = vars(book.defaults)
    for key, value in defaults.items():
        overrides = [str(vars(r)[key]) for r in book.municipalities.values()]
        table.add_row(key, str(value), *overrides)
    console.print(table)


STATUSES = {s.value: s for s in ReminderStatus}


@app.command("list")
def list_(
    status: list[str] = typer.Option(
        ["pending", "failed", "unreachable"],
        "--status",
        "-s",
        help="pending, sent, cancelled, failed or unreachable (repeat for several).",
    ),
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=10_000),
) -> None:
    """List reminders (soonest due first) and how many there are in each state."""
    unknown = [s for s in status if s not in STATUSES]
    if unknown:
        console.print(f"[red]unknown status {', '.join(unknown)} (known: {', '.join(STATUSES)})")
        raise typer.Exit(2)
    wanted = tuple(STATUSES[s] for s in status)

    async def work(database: Database) -> tuple[list[ReminderLine], dict[ReminderStatus, int]]:
        return await list_reminders(database.uow(), SystemClock(), wanted, limit)

    lines, counts = with_database(work)
    console.print(
        " · ".join(f"{s.value}: {counts.get(s, 0)}" for s in ReminderStatus) or "No reminders."
    )
    if not lines:
        console.print("Nothing in " + ", ".join(status) + ".")
        return
    table = Table("id", "due (UTC)", "kind", "to", "case", "status", "attempts", "last error")
    for line in lines:
        r = line.reminder
        table.add_row(
            str(r.id),
            f"{r.due_at:%Y-%m-%d %H:%M}",
            r.kind.value,
            r.target,
            line.case_code or "",
            r.status.value,
            str(r.attempts),
            r.last_error or "",
        )
    console.print(table)
