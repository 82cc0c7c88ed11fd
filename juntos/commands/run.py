"""`juntos run` (what `make run` starts): Rasa, and the bot on the local sandbox or on Telegram.

Without TELEGRAM_BOT_TOKEN: the sandbox emulator (Bot API + web chat) on 127.0.0.1, the real
bot polling it, and the Rasa server. With the token: Rasa and the bot on TELEGRAM_API_URL.

The bot is up before Rasa has loaded its model (~40 s): crisis messages never wait for NLU,
and until Rasa answers free text gets the menu. SIGINT (Ctrl-C) and SIGTERM stop the bot,
Rasa's whole process group and the emulator, in that order.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import typer
from pydantic import SecretStr
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from telegram.error import TelegramError

from bot.app import JuntosApplication
from crisis_model import ModelFileError, default_model
from domain.reminder_rules import RulesError
from juntos.bootstrap import AppResources, build_bot
from juntos.commands.common import install_keys
from juntos.reminder_rules import load_rule_book
from juntos.sandbox_invites import invites_path, load_codes
from juntos.settings import VAR, Settings, load_settings, reveal
from nlu.process import (
    RasaServer,
    RasaUnavailableError,
    free_port,
    host_and_port,
    rasa_executable,
    trained_model_path,
)
from sandbox.emulator import BotApiEmulator
from sandbox.personas import PERSONAS, with_invites
from sandbox.ptb import polling

log = logging.getLogger("juntos.run")

RASA_LOG = VAR / "rasa.log"
#: Loading the model takes ~40 s on an idle machine; give busy ones room.
RASA_STARTUP_TIMEOUT = 600.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class StartError(Exception):
    """A part could not start; the message says what to do."""


@dataclass(frozen=True)
class Plan:
    """What to start: the sandbox (no token) or Telegram, with or without a Rasa server."""

    settings: Settings
    token: str | None
    port: int
    start_nlu: bool

    @property
    def sandbox(self) -> bool:
        return self.token is None


def run(
    port: int = typer.Option(
        8080, "--port", "-p", help="Sandbox port on 127.0.0.1 (0: any free port)."
    ),
    nlu: bool = typer.Option(
        True,
        "--nlu/--no-nlu",
        help="Start the Rasa server (default); --no-nlu uses RASA_URL as it is.",
    ),
) -> None:
    """Start Juntos: Rasa and the bot, on the local sandbox without TELEGRAM_BOT_TOKEN."""
    console = Console(highlight=False)
    _configure_logging(console)
    settings = load_settings()
    # A bad key stops here, before anything starts (the persistence encrypts with it too).
    install_keys(settings)
    plan = Plan(settings, reveal(settings.telegram_bot_token) or None, port, nlu)
    try:
        # Before anything starts: without its crisis model the bot does not run at all.
        default_model()
    except ModelFileError as error:
        console.print(f"[red]{error}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    try:
        load_rule_book(settings.juntos_reminders_file)
    except RulesError as error:
        console.print(f"[red]Reminder rules: {error}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    try:
        asyncio.run(_run(plan, console))
    except StartError as error:
        console.print(f"[red]{error}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    console.print("Juntos se detuvo. / Juntos stopped.", soft_wrap=True)


def _configure_logging(console: Console) -> None:
    handler = RichHandler(console=console, show_path=False, markup=False, rich_tracebacks=False)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", handlers=[handler])
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


async def _run(plan: Plan, console: Console) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    rasa = _rasa_server(plan, console)
    async with contextlib.AsyncExitStack() as stack:
        if plan.sandbox:
            emulator = await stack.enter_async_context(_emulator(plan.port, plan.settings))
            api_url, token = emulator.base_url, emulator.token
        else:
            assert plan.token is not None
            api_url, token = plan.settings.telegram_api_url, plan.token
        overrides: dict[str, object] = {"telegram_api_url": api_url}
        if rasa is not None:
            overrides |= {"rasa_url": rasa.url, "rasa_token": SecretStr(rasa.token)}
        settings = plan.settings.model_copy(update=overrides)
        resources = AppResources(settings)
        if rasa is not None:
            # Spawned now, loaded while the bot starts: the bot never waits for it. Once it is
            # ready, the bot's NLU client stops short-circuiting the failures of the wait.
            await stack.enter_async_context(
                _rasa_in_background(rasa, console, on_ready=resources.nlu_ready)
            )
        application = build_bot(settings, token, resources)
        await _start_bot(stack, application, api_url)
        if plan.sandbox:
            _announce_sandbox(console, emulator.page_url)
        else:
            console.print("Juntos está en Telegram. / Juntos is running on Telegram.")
        console.print("Ctrl-C para detener. / Ctrl-C to stop.")
        await stop.wait()
        console.print("Deteniendo… / Stopping…")


def _announce_sandbox(console: Console, url: str) -> None:
    console.print(f"Abre {url} en tu navegador para hablar con Juntos.", soft_wrap=True)
    console.print(f"Open {url} in your browser to talk to Juntos.", soft_wrap=True)


# -- the sandbox ------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _emulator(port: int, settings: Settings) -> AsyncIterator[BotApiEmulator]:
    # A fresh random token, handed to the bot in this process and never printed. Staff
    # personas carry the invitations `juntos demo load` issued (the page offers to open them).
    emulator = BotApiEmulator(
        port=port, personas=with_invites(PERSONAS, load_codes(invites_path(settings)))
    )
    try:
        await emulator.start()
    except OSError as error:
        await emulator.stop()
        if error.errno == errno.EADDRINUSE:
            raise StartError(
                f"Port {port} is in use (another `juntos run` or `juntos sandbox`?); "
                "choose another with `juntos run --port N` or `make run PORT=N`."
            ) from None
        raise
    try:
        yield emulator
    finally:
        await emulator.stop()


# -- the bot ----------------------------------------------------------------------------------


async def _start_bot(
    stack: contextlib.AsyncExitStack, application: JuntosApplication, api_url: str
) -> None:
    """Poll the Bot API until the stack closes (then stop the bot before what it talks to)."""
    server = api_url.split("/bot")[0]
    try:
        await stack.enter_async_context(polling(application))
    except TelegramError as error:
        # The token is part of the URL PTB failed on: name only the server and the error type.
        raise StartError(
            f"The bot could not start on {server}: {type(error).__name__}. "
            "Check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL (or unset the token for the sandbox)."
        ) from None
    log.info("bot polling %s", server)


# -- Rasa -------------------------------------------------------------------------------------


def _rasa_server(plan: Plan, console: Console) -> RasaServer | None:
    """The Rasa server to start, on RASA_URL's port if it is free; None when NLU is off."""
    if not plan.start_nlu:
        log.info("NLU: not started (--no-nlu); the bot uses RASA_URL as configured")
        return None
    try:
        rasa_executable()
        model = trained_model_path()
    except RasaUnavailableError as error:
        log.warning("NLU not started: %s; free text gets the menu", error)
        return None
    host, port = host_and_port(plan.settings.rasa_url)
    if host not in LOOPBACK:
        log.warning("RASA_URL host %s is not local: this Rasa serves on 127.0.0.1", host)
    host = "127.0.0.1"
    if _port_busy(host, port):
        wanted, port = port, free_port(host)
        console.print(
            f"Port {wanted} (RASA_URL) is in use: Rasa will listen on {host}:{port} instead.",
            soft_wrap=True,
        )
    return RasaServer(
        model,
        host=host,
        port=port,
        startup_timeout=RASA_STARTUP_TIMEOUT,
        log_file=RASA_LOG,
    )


def _port_busy(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


@contextlib.asynccontextmanager
async def _rasa_in_background(
    server: RasaServer, console: Console, on_ready: Callable[[], None]
) -> AsyncIterator[None]:
    """Load Rasa while the block runs; on exit stop its process group (whatever its state)."""
    task = asyncio.create_task(_supervise_rasa(server, console, on_ready))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if server.pid is not None:
            await asyncio.to_thread(server.stop)
            log.info("NLU stopped")


async def _supervise_rasa(
    server: RasaServer, console: Console, on_ready: Callable[[], None]
) -> None:
    """Start Rasa with a progress line, say when it is ready, warn if it goes away."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    log.info("NLU: loading the Rasa model in the background (log: %s)", _relative(RASA_LOG))
    with progress:
        progress.add_task("Cargando el modelo de lenguaje (Rasa) / Loading the NLU model")
        try:
            # Spawned from this (the main) thread: Linux stops Rasa if this process dies.
            await server.start_async()
        except RasaUnavailableError as error:
            log.warning("NLU did not start (%s); free text gets the menu", error)
            return
    log.info("NLU ready on %s in %.0f s", server.url, server.started_in or 0.0)
    on_ready()
    # A thread waits on the process; stopping Rasa at shutdown ends the wait.
    code = await asyncio.to_thread(server.wait)
    log.warning(
        "NLU exited with code %s (see %s); free text gets the menu", code, _relative(RASA_LOG)
    )


def _relative(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)
