"""`juntos run` (what `make run` starts) as a person runs it: a process, a URL, Ctrl-C.

Each test starts the real command in a subprocess on a copy of the demo database, talks to
the bot through the sandbox page's API (or, with a token, through a Bot API server of its
own), then stops it with a signal and checks that nothing it started is left running.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from nlu.process import RASA_LAUNCHER, free_port
from sandbox import BotApiEmulator
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0
STOP_SECONDS = 20.0
RASA_READY_SECONDS = 600.0
OPEN_LINE = re.compile(r"Open (http://127\.0\.0\.1:\d+/) in your browser")
#: A Bot API token (`<bot id>:<secret>`) wherever it appears, e.g. in a request URL.
TOKEN_LIKE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
OLD_CONSTANT_TOKEN = "1000000001:sandbox-local-token-not-a-secret"


# -- processes --------------------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, process group, state) for every process, from /proc."""
    table: dict[int, tuple[int, int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return table


def descendants(pid: int) -> set[int]:
    table = process_table()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {p for p, (parent, _, _) in table.items() if parent in frontier}
        frontier = children - found
        found |= children
    return found


def alive(pids: set[int], groups: set[int]) -> list[int]:
    """Processes among `pids`, or in `groups`, that still exist (zombies count as gone)."""
    return [
        p
        for p, (_, group, state) in process_table().items()
        if (p in pids or group in groups) and state != "Z"
    ]


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def environment(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "environ").read_bytes().replace(b"\0", b"\n").decode()
    except OSError:
        return ""


def rasa_processes(pids: set[int]) -> list[int]:
    """The Rasa servers among `pids` (started through nlu/rasa_server.py)."""
    return [p for p in pids if str(RASA_LAUNCHER) in command_line(p)]


# -- the command ------------------------------------------------------------------------------


@dataclass
class JuntosRun:
    """`juntos run` in a subprocess, its output read line by line."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)

    @classmethod
    async def start(cls, *args: str, env: dict[str, str], cwd: Path) -> JuntosRun:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "juntos.cli",
            "run",
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
            env=env,
            cwd=cwd,
        )
        return cls(process)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def wait_for_line(self, pattern: re.Pattern[str], within: float) -> re.Match[str]:
        """The first output line matching `pattern` (reading on until it comes)."""
        for line in self.lines:
            if match := pattern.search(line):
                return match
        assert self.process.stdout is not None
        deadline = time.monotonic() + within
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matching {pattern.pattern!r}:\n{self.output}")
            try:
                raw = await asyncio.wait_for(self.process.stdout.readline(), left)
            except TimeoutError:
                continue
            if not raw:
                raise AssertionError(f"exited before {pattern.pattern!r}:\n{self.output}")
            line = raw.decode()
            self.lines.append(line)
            if match := pattern.search(line):
                return match

    async def stop(self, signum: signal.Signals) -> int:
        """Send `signum`, read the rest of the output, and return the exit code."""
        self.process.send_signal(signum)
        return await self.finish()

    async def finish(self) -> int:
        assert self.process.stdout is not None
        rest = await asyncio.wait_for(self.process.stdout.read(), STOP_SECONDS)
        self.lines.extend(rest.decode().splitlines(keepends=True))
        return await asyncio.wait_for(self.process.wait(), STOP_SECONDS)

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()


@pytest.fixture
def run_env(demo_template: Path, tmp_path: Path) -> dict[str, str]:
    """The environment of a `juntos run` on a copy of the demo database, no token."""
    database = tmp_path / "juntos.db"
    shutil.copy(demo_template, database)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "RASA_", "DATABASE_URL", "JUNTOS_"))
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        # Nothing listens there with --no-nlu (Rasa down); the default run serves Rasa there.
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "JUNTOS_SECRET_KEY": TEST_SECRET,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
    }
    return env


@pytest.fixture
async def started() -> AsyncIterator[list[JuntosRun]]:
    """Runs started by a test; killed at the end if the test left one running."""
    runs: list[JuntosRun] = []
    yield runs
    for run in runs:
        run.kill()
        if run.process.returncode is None:
            await run.process.wait()


async def start_run(
    started: list[JuntosRun], env: dict[str, str], cwd: Path, *args: str
) -> JuntosRun:
    run = await JuntosRun.start(*args, env=env, cwd=cwd)
    started.append(run)
    return run


async def wait_for_bot_reply(
    http: httpx.AsyncClient, chat_id: int, contains: str, within: float = 30.0
) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        view = (await http.get(f"/sandbox/api/chats/{chat_id}")).json()
        for message in view["messages"]:
            if message["from_bot"] and contains in (message.get("text") or ""):
                return str(message["text"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"no bot message with {contains!r}: {view['messages']}")


async def say(http: httpx.AsyncClient, chat_id: int, text: str) -> None:
    response = await http.post(f"/sandbox/api/chats/{chat_id}/text", json={"text": text})
    assert response.status_code == 200, response.text


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


# -- without NLU: fast ------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
async def test_run_serves_the_sandbox_with_the_real_bot_and_stops_on_a_signal(
    run_env: dict[str, str],
    tmp_path: Path,
    started: list[JuntosRun],
    signum: signal.Signals,
) -> None:
    run = await start_run(started, run_env, tmp_path, "--port", "0", "--no-nlu")
    url = (await run.wait_for_line(OPEN_LINE, START_SECONDS)).group(1)
    assert f"Abre {url} en tu navegador" in run.output
    port = int(url.rsplit(":", 1)[1].strip("/"))

    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=10) as http:
        page = await http.get("/")
        assert page.status_code == 200 and "<html" in page.text
        # Not the constant token of earlier versions: a page on the web cannot guess it.
        assert (await http.get(f"/bot{OLD_CONSTANT_TOKEN}/getMe")).status_code == 401
        await say(http, 1001, "me quiero morir")
        crisis = await wait_for_bot_reply(http, 1001, "800 911 2000")
        assert "911 —" in crisis
        await say(http, 1002, "/start")
        await wait_for_bot_reply(http, 1002, "Hola, soy Juntos")

    stopping = time.monotonic()
    assert await run.stop(signum) == 0, run.output
    assert time.monotonic() - stopping < 10
    assert "Juntos stopped." in run.output
    assert "Traceback" not in run.output
    assert port_closed(port)
    # Logs: events, never what was written, nor the bot token in a URL.
    assert "quiero morir" not in run.output
    assert "crisis signal" in run.output
    assert not TOKEN_LIKE.search(run.output)


async def test_a_busy_sandbox_port_is_explained(
    run_env: dict[str, str], tmp_path: Path, started: list[JuntosRun]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = await start_run(started, run_env, tmp_path, "--port", str(port), "--no-nlu")
        assert await run.finish() == 1
    assert f"Port {port} is in use" in run.output
    assert "--port" in run.output
    assert "Traceback" not in run.output


async def test_with_a_token_the_bot_runs_on_the_bot_api_server_and_no_sandbox(
    run_env: dict[str, str], tmp_path: Path, started: list[JuntosRun]
) -> None:
    token = "777000:token-mode-secret"
    async with BotApiEmulator(token=token, port=0) as telegram:
        env = run_env | {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": telegram.base_url}
        run = await start_run(started, env, tmp_path, "--no-nlu")
        await run.wait_for_line(re.compile("Juntos is running on Telegram"), START_SECONDS)
        assert "Open http" not in run.output, "no sandbox with a token"

        chat = telegram.private_chat(user_id=4242, first_name="Mar", language_code="es")
        await chat.send_text("/start")
        welcome, _menu = await chat.wait_for_bot_messages(count=2, timeout=30)
        assert "Hola, soy Juntos" in (welcome.text or "")
        assert await run.stop(signal.SIGINT) == 0, run.output
    assert "token-mode-secret" not in run.output


# -- with Rasa: the default ---------------------------------------------------------------------


@pytest.mark.rasa
async def test_ctrl_c_while_rasa_loads_stops_its_whole_process_group(
    run_env: dict[str, str], tmp_path: Path, started: list[JuntosRun]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        env = run_env | {"RASA_URL": f"http://127.0.0.1:{taken}"}
        run = await start_run(started, env, tmp_path, "--port", "0")
        moved = re.compile(rf"Port {taken} \(RASA_URL\) is in use: Rasa will listen on .+:(\d+)")
        await run.wait_for_line(moved, START_SECONDS)
        url = (await run.wait_for_line(OPEN_LINE, START_SECONDS)).group(1)

        # The bot answers a crisis while Rasa is still loading.
        async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=10) as http:
            await say(http, 1001, "me quiero morir")
            await wait_for_bot_reply(http, 1001, "800 911 2000")
        children = descendants(run.process.pid)
        rasa = rasa_processes(children)
        assert rasa, f"no rasa child among {[command_line(p) for p in children]}"
        # Rasa inherits none of our secrets, and its token is not in the process list.
        for pid in rasa:
            rasa_env = environment(pid)
            assert "RASA_TELEMETRY_ENABLED=false" in rasa_env  # read while it runs
            assert TEST_SECRET not in rasa_env
            assert "JUNTOS_SECRET_KEY" not in rasa_env
            assert "auth-token" not in command_line(pid)

        assert await run.stop(signal.SIGINT) == 0, run.output
    assert alive(children, set(rasa)) == []
    assert "NLU stopped" in run.output


@pytest.mark.rasa
async def test_free_text_is_understood_once_rasa_is_ready_and_sigterm_stops_all(
    run_env: dict[str, str], tmp_path: Path, started: list[JuntosRun]
) -> None:
    run = await start_run(started, run_env, tmp_path, "--port", "0")
    url = (await run.wait_for_line(OPEN_LINE, START_SECONDS)).group(1)
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=10) as http:
        # While Rasa loads, free text gets the menu (and trips the NLU client's breaker)...
        for text in ("hola", "buenas", "que onda"):
            await say(http, 1002, text)
        for _ in range(100):
            view = (await http.get("/sandbox/api/chats/1002")).json()
            menus = [m for m in view["messages"] if "¿Qué te gustaría hacer?" in (m["text"] or "")]
            if len(menus) == 3:
                break
            await asyncio.sleep(0.1)
        assert len(menus) == 3
    await run.wait_for_line(re.compile(r"NLU ready on http://127\.0\.0\.1:\d+"), RASA_READY_SECONDS)
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=10) as http:
        # ...and the moment it is ready, free text is understood (no wait for the breaker).
        await say(http, 1001, "necesito un psicologo en cd juarez")
        results = await wait_for_bot_reply(http, 1001, "Apoyo psicológico")
        assert "Juárez (demo)" in results
    children = descendants(run.process.pid)
    groups = set(rasa_processes(children))
    assert groups

    assert await run.stop(signal.SIGTERM) == 0, run.output
    assert alive(children, groups) == []
    assert "psicologo" not in run.output
