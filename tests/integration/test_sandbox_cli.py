"""`juntos sandbox` in the foreground: prints where to go, serves the page, stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx

COMMAND = [sys.executable, "-m", "juntos.cli", "sandbox"]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1,localhost"}


def test_sandbox_command_serves_the_page_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [*COMMAND, "--port", "0", "--token", "42:CLI"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        match = re.fullmatch(r"Juntos sandbox: open (http://127\.0\.0\.1:\d+/)\n", first_line)
        assert match, first_line
        url = match.group(1)
        assert f"TELEGRAM_API_URL={url}bot TELEGRAM_BOT_TOKEN=42:CLI" in process.stdout.readline()
        with httpx.Client(trust_env=False) as client:
            assert client.get(url).status_code == 200
            assert client.get(f"{url}bot42:CLI/getMe").json()["result"]["id"] == 42

        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        output, errors = process.communicate(timeout=15)
        assert process.returncode == 0, errors
        assert "Sandbox stopped." in output
        assert time.monotonic() - started < 5
        assert "Traceback" not in errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


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
