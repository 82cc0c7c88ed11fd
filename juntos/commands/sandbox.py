"""`juntos sandbox`: the local Bot API emulator and web chat page, in the foreground.

Each run has a fresh random bot token. It is never printed in full: it goes to a file only
its owner can read (mode 0600, removed at stop), from which a bot started by hand reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import shlex
import signal
from collections.abc import Callable
from pathlib import Path

import typer

from juntos.settings import VAR
from sandbox.emulator import BotApiEmulator, masked_token
from sandbox.runner import serve


async def _serve_until_signalled(port: int, announce: Callable[[BotApiEmulator], None]) -> None:
    """Serve until SIGINT (Ctrl-C) or SIGTERM.

    The handlers are installed explicitly: a shell starts background jobs with SIGINT ignored,
    and Python then never turns Ctrl-C into KeyboardInterrupt.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = asyncio.create_task(serve(port=port, ready=announce))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({server, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (stopping, server):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # re-raises a start-up error of the server (e.g. the port is taken)


def run(
    port: int = typer.Option(8080, "--port", "-p", help="Port on 127.0.0.1 (0: any free port)."),
    token_file: Path | None = typer.Option(
        None,
        "--token-file",
        help="Where to write this run's bot token (mode 0600) [default: var/sandbox-PORT.token].",
    ),
) -> None:
    """Serve the Telegram-compatible sandbox (Bot API + web chat) until Ctrl-C."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    written: list[tuple[Path, str]] = []

    def announce(emulator: BotApiEmulator) -> None:
        path = token_file or VAR / f"sandbox-{emulator.port}.token"
        _write_private(path, emulator.token)
        written.append((path, emulator.token))
        typer.echo(f"Juntos sandbox: open {emulator.page_url}")
        typer.echo(
            f"Bot token of this run: {masked_token(emulator.token)} "
            f"(in full in {path}, readable only by you)"
        )
        typer.echo(
            f"Point a bot at it: TELEGRAM_API_URL={emulator.base_url} "
            f'TELEGRAM_BOT_TOKEN="$(cat {shlex.quote(str(path))})" juntos bot'
        )
        typer.echo("Ctrl-C stops it.")

    try:
        asyncio.run(_serve_until_signalled(port, announce))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            typer.echo(f"Port {port} is in use; choose another with --port.", err=True)
            raise typer.Exit(1) from None
        raise
    finally:
        for path, token in written:
            _remove_if_ours(path, token)
    typer.echo("Sandbox stopped.")


def _write_private(path: Path, secret: str) -> None:
    """Write `secret` to a new file only its owner can read (any old file is replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")


def _remove_if_ours(path: Path, secret: str) -> None:
    """Remove the token file at stop, unless another run has written its own there since."""
    with contextlib.suppress(OSError):
        if path.read_text().strip() == secret:
            path.unlink()
