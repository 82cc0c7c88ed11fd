"""The `juntos` command line: one entry point for every operator task."""

from __future__ import annotations

import sys

import typer

from juntos import report_cli
from juntos.commands import audit, db, demo, directory, keys, place, staff
from juntos.commands import bot as bot_command
from juntos.commands import crisis as crisis_command
from juntos.commands import run as run_command
from juntos.commands import sandbox as sandbox_command
from juntos.settings import SettingsError
from nlu import commands as nlu_commands

app = typer.Typer(
    name="juntos",
    help="Juntos: community violence prevention assistant and case backend.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(directory.app, name="directory")
app.add_typer(demo.app, name="demo")
app.add_typer(place.app, name="place")
app.add_typer(staff.app, name="staff")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(nlu_commands.app, name="nlu")
app.add_typer(crisis_command.app, name="crisis")
app.add_typer(report_cli.app, name="report")
app.command("sandbox")(sandbox_command.run)
app.command("bot")(bot_command.run)
app.command("run")(run_command.run)


def main() -> None:
    try:
        app()
    except SettingsError as error:
        print(f"{error}. See the configuration table in README.md.", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
