"""Run the Rasa server from `.venv-rasa` as a child process, and find the trained model.

`RasaServer` starts Rasa's HTTP API (`rasa run --enable-api`) through `nlu/rasa_server.py`,
bound to loopback, with no input channel (no `/webhooks/...` route: Rasa's REST channel checks
no token) and the auth token handed over a pipe (never on the command line, where every local
user can read it). It waits until `GET /status` answers with the token, and stops it without
leaving orphans (its own process group, terminate then kill; on Linux the child also gets
SIGTERM if the thread that started it dies).

Every Rasa command runs with a minimal environment (`rasa_environment`): none of our secrets
(JUNTOS_SECRET_KEY, TELEGRAM_BOT_TOKEN, RASA_TOKEN...), a private HOME, and a private temporary
folder per run, removed afterwards (each model load leaves `model*.crfsuite` files there).

Use it as a context manager, sync or async:

    with RasaServer(trained_model_path(), port=free_port()) as server:
        client = NluClient(server.url, server.token)

For tests, `running_server()` starts one on a free port with a fresh token; a session-scoped
pytest fixture is three lines:

    @pytest.fixture(scope="session")
    def rasa_server() -> Iterator[RasaServer]:
        with running_server() as server:
            yield server

Starting takes ~10-40 s (model load), so share one server per test session.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = ROOT / "nlu"
MODELS_DIR = NLU_DIR / "models"
MODEL_NAME = "juntos-nlu"
RASA_VENV = ROOT / ".venv-rasa"
LOG_DIR = ROOT / "var"

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

#: Where Rasa keeps its training cache (default would be ./.rasa in the working directory).
RASA_CACHE_DIR = ROOT / "var" / "rasa-cache"
#: Rasa's HOME (its global config, matplotlib's cache...): none of the user's files.
RASA_HOME = ROOT / "var" / "rasa-home"
#: Parent of the private temporary folder of each Rasa run.
RASA_TMP = ROOT / "var" / "rasa-tmp"
#: Starts Rasa's server with no input channel, reading the auth token from stdin.
RASA_LAUNCHER = NLU_DIR / "rasa_server.py"

#: Variables passed on to Rasa as they are: the command search path, locale (and `LC_*`),
#: time zone, terminal type, and TensorFlow's tuning. Nothing else of ours reaches Rasa (not a
#: `TF_*` prefix: Terraform keeps its tokens in `TF_TOKEN_*`).
PASSED_ON = frozenset(
    {
        "PATH",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TERM",
        "PYTHONDONTWRITEBYTECODE",
        "TF_CPP_MIN_LOG_LEVEL",
        "TF_ENABLE_ONEDNN_OPTS",
        "TF_INTER_OP_PARALLELISM_THREADS",
        "TF_INTRA_OP_PARALLELISM_THREADS",
    }
)
PASSED_ON_PREFIXES = ("LC_",)
LOOPBACK_NO_PROXY = "127.0.0.1,localhost"


class RasaUnavailableError(RuntimeError):
    """The Rasa venv, the model or the server is not there."""


def rasa_executable() -> Path:
    """The `rasa` command of `.venv-rasa` (raises when the venv has not been built)."""
    path = RASA_VENV / "bin" / "rasa"
    if not path.exists():
        raise RasaUnavailableError(f"{path} not found: run `make nlu-model` to build .venv-rasa")
    return path


def model_path(models_dir: Path = MODELS_DIR, name: str = MODEL_NAME) -> Path:
    """Path of the model file `juntos nlu train` writes (it may not exist yet)."""
    return models_dir / f"{name}.tar.gz"


def trained_model_path(models_dir: Path = MODELS_DIR, name: str = MODEL_NAME) -> Path:
    """The trained model file, or RasaUnavailableError telling how to train it."""
    path = model_path(models_dir, name)
    if not path.is_file():
        raise RasaUnavailableError(f"no trained model at {path}: run `make nlu-model`")
    return path


def rasa_environment(tmpdir: Path) -> dict[str, str]:
    """The whole environment of a Rasa command: what it needs, none of our secrets.

    `tmpdir` becomes its TMPDIR (see `rasa_temp_dir`). No proxy at all: Rasa only talks to
    loopback (telemetry is off).
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name in PASSED_ON or name.startswith(PASSED_ON_PREFIXES)
    }
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    RASA_HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
    env |= {
        "HOME": str(RASA_HOME),
        "TMPDIR": str(tmpdir),
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(RASA_CACHE_DIR),
        "NO_PROXY": LOOPBACK_NO_PROXY,
        "no_proxy": LOOPBACK_NO_PROXY,
        # Rasa's dependencies emit pages of DeprecationWarnings; Rasa's own UserWarnings (data
        # problems) stay visible.
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    # Silence TensorFlow's C++ start-up chatter. Rasa's own logs stay at their default level
    # (INFO), which never includes message text: LOG_LEVEL is deliberately not passed on.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def new_rasa_temp_dir() -> Path:
    """A fresh private temporary folder for one Rasa process (remove it with `shutil.rmtree`).

    Named after this process's id: folders left by processes that no longer exist (killed
    before they could clean up) are removed here.
    """
    RASA_TMP.mkdir(parents=True, exist_ok=True)
    for old in RASA_TMP.iterdir():
        owner = old.name.split("-", 1)[0]
        if owner.isdigit() and not _process_exists(int(owner)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=RASA_TMP))


@contextlib.contextmanager
def rasa_temp_dir() -> Iterator[Path]:
    """A private temporary folder for one Rasa command, removed afterwards."""
    path = new_rasa_temp_dir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_rasa_command(command: list[str], log_name: str) -> int:
    """Run one Rasa CLI command (train, test) with its output in `var/<log_name>` instead of
    the terminal: Rasa and its dependencies print pages of progress bars and deprecation
    warnings that an operator cannot act on. On failure the end of that output (without the
    warnings) goes to stderr, with where the whole of it is. Returns the exit code."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_file = LOG_DIR / log_name
    with rasa_temp_dir() as tmpdir:
        descriptor = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="utf-8") as out:
            completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
                command,
                cwd=ROOT,
                env=rasa_environment(tmpdir),
                check=False,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
    if completed.returncode != 0:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in list(without_warnings(lines))[-FAILURE_LINES:]:
            print(line, file=sys.stderr)
        print(f"(the whole output of Rasa is in {log_file})", file=sys.stderr)
    return completed.returncode


#: Lines of a failed Rasa command's output shown in the terminal.
FAILURE_LINES = 40


def without_warnings(lines: Iterable[str], noise: Iterable[str] = ()) -> Iterator[str]:
    """Drop the dependencies' deprecation and future warnings (with their source lines) and
    the lines containing any of `noise`."""
    noise = tuple(noise)
    skipping = False
    for line in lines:
        bare = line.replace("\x1b[0m", "").replace("\x1b[93m", "").strip()
        if (
            "DeprecationWarning" in line
            or "FutureWarning" in line
            or any(part in line for part in noise)
        ):
            skipping = True
            continue
        if skipping and (line.startswith(" ") or line.startswith("Implementing implicit")):
            continue
        skipping = False
        if bare:
            yield line.removeprefix("\x1b[0m")


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def host_and_port(url: str) -> tuple[str, int]:
    """Host and port of a RASA_URL such as http://127.0.0.1:5005 (of its first server when it
    lists several)."""
    parts = urlsplit(url.split(",")[0].strip())
    return parts.hostname or "127.0.0.1", parts.port or 5005


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


_PR_SET_PDEATHSIG = 1


def _death_signal_setter() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to SIGTERM the child when its parent thread exits.

    libc is loaded here, in the parent, so the hook itself only makes one system call
    between fork and exec.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def set_death_signal() -> None:  # pragma: no cover - runs in the child
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_death_signal


class RasaServer:
    """One `rasa run` child process serving a model over HTTP on loopback.

    Start it from a thread that outlives it (normally the main thread): on Linux the
    server is terminated when that thread exits, so an interrupted test run leaves no
    orphan.
    """

    def __init__(
        self,
        model: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 5005,
        token: str | None = None,
        startup_timeout: float = 180.0,
        log_file: Path | None = None,
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the Rasa API is served on loopback only, not on {host!r}")
        self.model = model if model is not None else trained_model_path()
        self.host = host
        self.port = port
        #: Never run the API without a token: it would expose model replacement and training.
        self.token = token or secrets.token_urlsafe(32)
        self.startup_timeout = startup_timeout
        self.log_file = log_file
        self.started_in: float | None = None
        self._started_at = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None
        self._tmpdir: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        """The command line (no secret in it: the token goes through stdin)."""
        python = rasa_executable().with_name("python")
        return [
            str(python),
            str(RASA_LAUNCHER),
            "--model",
            str(self.model),
            "--interface",
            self.host,
            "--port",
            str(self.port),
        ]

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the server and block until it answers `GET /status` (or raise)."""
        self._spawn()
        deadline = time.monotonic() + self.startup_timeout
        with httpx.Client(trust_env=False, timeout=2.0) as http:
            while True:
                if self._ready(http):
                    break
                self._check_alive_or_raise(deadline)
                time.sleep(0.25)
        self._mark_started()

    async def start_async(self) -> None:
        """Like `start`, without blocking the event loop while the model loads."""
        self._spawn()
        deadline = time.monotonic() + self.startup_timeout
        async with httpx.AsyncClient(trust_env=False, timeout=2.0) as http:
            while True:
                if await self._ready_async(http):
                    break
                self._check_alive_or_raise(deadline)
                await asyncio.sleep(0.25)
        self._mark_started()

    def stop(self, grace: float = 10.0) -> None:
        """Terminate the server's process group, then kill it if it lingers."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            self._signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._signal_group(process, signal.SIGKILL)
                process.wait(timeout=grace)
        if process is not None:
            # Children of rasa (if any) share its process group: make sure none survive.
            self._signal_group(process, signal.SIGKILL)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def wait(self) -> int:
        """Block until the server exits (foreground `juntos nlu serve`)."""
        if self._process is None:
            raise RasaUnavailableError("the server was not started")
        return self._process.wait()

    def __enter__(self) -> RasaServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> RasaServer:
        await self.start_async()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self.stop)

    # -- internals ------------------------------------------------------------------------

    def _spawn(self) -> None:
        if self.running:
            raise RasaUnavailableError(f"the Rasa server is already running (pid {self.pid})")
        if not self.model.is_file():
            raise RasaUnavailableError(f"no model file at {self.model}: run `make nlu-model`")
        if _port_in_use(self.host, self.port):
            raise RasaUnavailableError(f"{self.host}:{self.port} is already in use")
        stdout: IO[bytes] | None = None
        if self.log_file is not None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._log_handle = self.log_file.open("ab")
            stdout = self._log_handle
        self._tmpdir = new_rasa_temp_dir()
        self._started_at = time.monotonic()
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            self.command(),
            cwd=ROOT,
            env=rasa_environment(self._tmpdir),
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=subprocess.STDOUT if stdout is not None else None,
            start_new_session=True,
            preexec_fn=_death_signal_setter(),
        )
        self._hand_over_token(self._process)

    def _hand_over_token(self, process: subprocess.Popen[bytes]) -> None:
        """Write the token to the launcher's stdin (one line) and close the pipe."""
        assert process.stdin is not None
        # A launcher that died at once is reported by the readiness wait.
        with contextlib.suppress(BrokenPipeError), process.stdin:
            process.stdin.write(self.token.encode() + b"\n")

    def _status_params(self) -> dict[str, str]:
        return {"token": self.token}

    def _ready(self, http: httpx.Client) -> bool:
        try:
            response = http.get(f"{self.url}/status", params=self._status_params())
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))

    async def _ready_async(self, http: httpx.AsyncClient) -> bool:
        try:
            response = await http.get(f"{self.url}/status", params=self._status_params())
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))

    def _check_alive_or_raise(self, deadline: float) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            code = process.returncode if process else None
            self.stop()
            raise RasaUnavailableError(
                f"rasa run exited with code {code} while starting{self._log_hint()}"
            )
        if time.monotonic() > deadline:
            self.stop()
            raise RasaUnavailableError(
                f"rasa run did not answer on {self.url}/status within "
                f"{self.startup_timeout:.0f} s{self._log_hint()}"
            )

    def _log_hint(self) -> str:
        return f" (see {self.log_file})" if self.log_file else ""

    def _mark_started(self) -> None:
        self.started_in = time.monotonic() - self._started_at

    @staticmethod
    def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)


@contextlib.contextmanager
def running_server(
    model: Path | None = None, *, log_file: Path | None = None
) -> Iterator[RasaServer]:
    """A server on a free loopback port with a fresh token, stopped on exit (for tests)."""
    server = RasaServer(
        model,
        port=free_port(),
        log_file=log_file if log_file is not None else LOG_DIR / "rasa-test.log",
    )
    with server:
        yield server
