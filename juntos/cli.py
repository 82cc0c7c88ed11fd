"""The `juntos` command line: one entry point for every operator task."""

from __future__ import annotations

import os
import sys
import traceback

import typer

from juntos import report_cli
from juntos.commands import audit, db, demo, directory, keys, place, reminders, staff
from juntos.commands import bot as bot_command
from juntos.commands import crisis as crisis_command
from juntos.commands import run as run_command
from juntos.commands import sandbox as sandbox_command
from juntos.errors import explain
from juntos.settings import DEFAULT_DATABASE_URL, SettingsError
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
app.add_typer(reminders.app, name="reminders")
app.add_typer(keys.app, name="keys")
app.add_typer(nlu_commands.app, name="nlu")
app.add_typer(crisis_command.app, name="crisis")
app.add_typer(report_cli.app, name="report")
app.command("sandbox")(sandbox_command.run)
app.command("bot")(bot_command.run)
app.command("run")(run_command.run)

DEBUG_FLAG = "--debug"


@app.callback()
def options(
    debug: bool = typer.Option(
        False, DEBUG_FLAG, help="Show the traceback when a command fails (or JUNTOS_DEBUG=1)."
    ),
) -> None:
    # Read (and removed from the arguments) by `run`, before Typer sees them.
    del debug


def _explain(error: BaseException) -> str | None:
    """One line for an operator (juntos.errors), with the URLs as configured."""
    from juntos.settings import load_settings

    try:
        settings = load_settings()
    except SettingsError:
        return explain(error, os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), "RASA_URL")
    return explain(error, settings.database_url, settings.rasa_url, settings.telegram_api_url)


def run(argv: list[str]) -> int:
    """Run `juntos ARGV...`; the exit status. A failure outside the code (database, Rasa, a
    file) is one line on stderr saying what to run; `--debug` shows the traceback."""
    debug = DEBUG_FLAG in argv or os.environ.get("JUNTOS_DEBUG") == "1"
    args = [arg for arg in argv if arg != DEBUG_FLAG]
    if debug:  # juntos.logs keeps third-party tracebacks in the log
        os.environ["JUNTOS_DEBUG"] = "1"
    try:
        app(args=args, prog_name="juntos")
    except SystemExit as done:  # Typer ends every run (usage errors included) this way
        code = done.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except SettingsError as error:
        print(f"{error}. See the configuration table in README.md.", file=sys.stderr)
        return 2
    except Exception as error:
        message = _explain(error)
        if message is None or debug:
            traceback.print_exception(error)
            if message is None:
                return 1
        print(message + ("" if debug else " (--debug shows the traceback)"), file=sys.stderr)
        return 1
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
