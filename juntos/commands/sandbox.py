"""`juntos sandbox`: the local Bot API emulator and web chat page, in the foreground."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging

import typer

from sandbox.emulator import DEFAULT_TOKEN, BotApiEmulator
from sandbox.runner import serve


def run(
    port: int = typer.Option(8080, "--port", "-p", help="Port on 127.0.0.1 (0: any free port)."),
    token: str = typer.Option(DEFAULT_TOKEN, "--token", help="Bot token the emulator accepts."),
) -> None:
    """Serve the Telegram-compatible sandbox (Bot API + web chat) until Ctrl-C."""
    if not token.split(":", 1)[0].isdigit() or ":" not in token:
        typer.echo("A bot token looks like 123456:ABC (the bot id, a colon, a secret).", err=True)
        raise typer.Exit(2)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    def announce(emulator: BotApiEmulator) -> None:
        typer.echo(f"Juntos sandbox: open {emulator.page_url}")
        typer.echo(
            f"Point a bot at it: TELEGRAM_API_URL={emulator.base_url} "
            f"TELEGRAM_BOT_TOKEN={emulator.token}"
        )
        typer.echo("Ctrl-C stops it.")

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(port=port, token=token, ready=announce))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            typer.echo(f"Port {port} is in use; choose another with --port.", err=True)
            raise typer.Exit(1) from None
        raise
    typer.echo("Sandbox stopped.")
