"""`juntos sandbox` in the foreground: prints where to go, serves the page, stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

COMMAND = [sys.executable, "-m", "juntos.cli", "sandbox"]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1,localhost"}


def start_sandbox(token_file: Path) -> tuple[subprocess.Popen[str], str, str]:
    """`juntos sandbox` on a free port: the process, its page URL and what it printed first."""
    process = subprocess.Popen(
        [*COMMAND, "--port", "0", "--token-file", str(token_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    match = re.fullmatch(r"Juntos sandbox: open (http://127\.0\.0\.1:\d+/)\n", first_line)
    assert match, first_line + (process.stderr.read() if process.stderr else "")
    printed = first_line + process.stdout.readline() + process.stdout.readline()
    return process, match.group(1), printed


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    output, errors = process.communicate(timeout=15)
    assert process.returncode == 0, errors
    return output, errors


def test_sandbox_command_serves_the_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    token_file = tmp_path / "sandbox.token"
    process, url, printed = start_sandbox(token_file)
    try:
        token = token_file.read_text().strip()
        bot_id, secret = token.split(":")
        # The token is written for its owner only and never printed in full.
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert secret not in printed
        assert f"Bot token of this run: {bot_id}:{secret[:4]}…" in printed
        assert f'TELEGRAM_API_URL={url}bot TELEGRAM_BOT_TOKEN="$(cat {token_file})"' in printed
        with httpx.Client(trust_env=False) as client:
            assert client.get(url).status_code == 200
            assert client.get(f"{url}bot{token}/getMe").json()["result"]["id"] == int(bot_id)

        started = time.monotonic()
        output, errors = stop(process)
        assert "Sandbox stopped." in output
        assert time.monotonic() - started < 5
        assert "Traceback" not in errors
        assert secret not in output + errors
        assert not token_file.exists(), "the token file is removed at stop"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_each_run_has_a_new_token_and_the_old_one_stops_working(tmp_path: Path) -> None:
    tokens: list[str] = []
    for run in ("first", "second"):
        token_file = tmp_path / f"{run}.token"
        process, url, _ = start_sandbox(token_file)
        try:
            tokens.append(token_file.read_text().strip())
            with httpx.Client(trust_env=False) as client:
                for earlier in tokens[:-1]:
                    assert client.get(f"{url}bot{earlier}/getMe").status_code == 401
                assert client.get(f"{url}bot{tokens[-1]}/getMe").status_code == 200
            stop(process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert tokens[0] != tokens[1]


def test_sandbox_command_explains_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*COMMAND, "--port", str(port)], capture_output=True, text=True, env=ENV, timeout=60
        )
    assert result.returncode == 1
    assert f"Port {port} is in use" in result.stderr
