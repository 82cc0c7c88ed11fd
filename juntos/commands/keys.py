"""`juntos keys`: generate a key, rotate every encrypted value and keyed hash to the first key.

Rotating, step by step (README, "Claves"):
1. `juntos keys generate` prints a new key.
2. Put it first in JUNTOS_SECRET_KEY (or secrets/secret.key), the old one after a comma, and
   restart the bot: it encrypts with the new key and reads with both.
3. `juntos keys rotate` rewrites every row under the new key, in batches (stop it at any time;
   run it again to finish), then checks that every row reads with the new key alone.
4. Remove the old key (keep it with any backup made before the rotation).
"""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from juntos.commands.common import errors, install_keys
from juntos.database import open_database
from juntos.settings import Settings, load_settings
from storage import crypto
from storage.rotation import (
    DEFAULT_BATCH_SIZE,
    RotationError,
    RotationReport,
    count_rows,
    rotate_keys,
    verify_primary,
)

app = typer.Typer(help="Encryption keys: generate, rotate.", no_args_is_help=True)
console = Console(highlight=False)


@app.command()
def generate() -> None:
    """Print a new random key (32 bytes, URL-safe base64) for JUNTOS_SECRET_KEY."""
    typer.echo(crypto.generate_key())


@app.command()
def rotate(
    batch_size: int = typer.Option(
        DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Rows per transaction."
    ),
) -> None:
    """Re-encrypt and re-hash every row under the first key of JUNTOS_SECRET_KEY."""
    settings = load_settings()
    keyring = install_keys(settings)
    if keyring.size == 1:
        console.print(
            "Only one key is configured: every row is checked and rewritten under it.",
            soft_wrap=True,
        )
    try:
        report, problems = asyncio.run(_rotate(settings, keyring, batch_size))
    except RotationError as error:
        errors.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        errors.print(
            "[yellow]Rotation interrupted. Every finished batch is saved and the database "
            "reads as before with the keys in JUNTOS_SECRET_KEY. Run `juntos keys rotate` "
            "again to finish; keep every key until it says the old ones can go.[/yellow]",
            soft_wrap=True,
        )
        raise typer.Exit(130) from None
    if problems:
        for problem in problems[:20]:
            errors.print(f"[red]{escape(problem)}[/red]", soft_wrap=True)
        errors.print(
            f"[red]{len(problems)} row(s) do not read with key 1 alone (changed while the "
            "rotation ran?). Run `juntos keys rotate` again; keep every key meanwhile.[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    console.print(
        f"[green]Done: {report.checked} row(s) checked, {report.rotated} rewritten under "
        "key 1. Every row reads with key 1 alone.[/green]",
        soft_wrap=True,
    )
    if keyring.size > 1:
        console.print(
            "You can now remove the old key(s) from JUNTOS_SECRET_KEY, leaving only key 1. "
            "Keep them with the backups made before today: those backups need them.",
            soft_wrap=True,
        )


async def _rotate(
    settings: Settings, keyring: crypto.Keyring, batch_size: int
) -> tuple[RotationReport, list[str]]:
    """Rotate with a progress bar, then list what does not read with key 1 alone."""
    database = open_database(settings)
    try:
        total = sum((await count_rows(database.engine)).values())
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Rotating keys", total=total)

            def advance(table: str, checked: int, _rotated: int) -> None:
                progress.update(task, advance=checked, description=f"Rotating keys ({table})")

            report = await rotate_keys(
                database.engine, keyring, batch_size=batch_size, after_batch=advance
            )
            progress.update(task, completed=total, description="Checking with key 1 alone")
            problems = await verify_primary(database.engine, keyring)
        return report, problems
    finally:
        await database.close()
