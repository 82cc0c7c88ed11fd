"""`juntos sandbox`: the local Bot API emulator and web chat page, in the foreground."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
from collections.abc import Callable

import typer

from sandbox.emulator import DEFAULT_TOKEN, BotApiEmulator
from sandbox.runner import serve


async def _serve_until_signalled(
    port: int, token: str, announce: Callable[[BotApiEmulator], None]
) -> None:
    """Serve until SIGINT (Ctrl-C) or SIGTERM.

    The handlers are installed explicitly: a shell starts background jobs with SIGINT ignored,
    and Python then never turns Ctrl-C into KeyboardInterrupt.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = asyncio.create_task(serve(port=port, token=token, ready=announce))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({server, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (stopping, server):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # re-raises a start-up error of the server (e.g. the port is taken)


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
        asyncio.run(_serve_until_signalled(port, token, announce))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            typer.echo(f"Port {port} is in use; choose another with --port.", err=True)
            raise typer.Exit(1) from None
        raise
    typer.echo("Sandbox stopped.")
