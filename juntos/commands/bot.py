"""`juntos bot`: run the assistant on the Bot API server given by TELEGRAM_API_URL."""

from __future__ import annotations

import typer

from crisis_model import ModelFileError, default_model
from domain.reminder_rules import RulesError
from juntos.bootstrap import Webhook, run_bot
from juntos.commands.common import install_keys
from juntos.logs import configure_logging
from juntos.reminder_rules import load_rule_book
from juntos.settings import load_settings, reveal


def run(
    token: str | None = typer.Option(
        None, "--token", envvar="TELEGRAM_BOT_TOKEN", help="Bot token (TELEGRAM_BOT_TOKEN)."
    ),
    webhook: str | None = typer.Option(
        None,
        "--webhook",
        help="Receive updates at this public https URL (a reverse proxy forwards its path to "
        "--listen:--port) instead of polling.",
    ),
    listen: str = typer.Option("127.0.0.1", "--listen", help="Webhook server address."),
    port: int = typer.Option(8443, "--port", help="Webhook server port."),
) -> None:
    """Start the Telegram bot (polling, or --webhook URL). Needs TELEGRAM_BOT_TOKEN; Ctrl-C
    stops it."""
    settings = load_settings()
    token = token or reveal(settings.telegram_bot_token)
    if not token:
        typer.echo(
            "TELEGRAM_BOT_TOKEN is not set (use `make run` for the local sandbox).", err=True
        )
        raise typer.Exit(2)
    install_keys(settings)
    try:
        # Before anything starts: without its crisis model the bot does not run at all.
        default_model()
    except ModelFileError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    try:
        load_rule_book(settings.juntos_reminders_file)
    except RulesError as error:
        typer.echo(f"Reminder rules: {error}", err=True)
        raise typer.Exit(1) from None
    configure_logging()
    run_bot(settings, token, Webhook(webhook, listen, port) if webhook else None)
