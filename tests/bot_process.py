"""The bot as operators run it: `juntos bot` in its own process, against the test's emulator.

For what only a real process shows: SIGKILL at the worst moment, the webhook server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sandbox import BotApiEmulator
from tests.bot_harness import RASA_DOWN, TOKEN
from tests.conftest import TEST_SECRET

JUNTOS = Path(sys.executable).with_name("juntos")


class BotProcess:
    def __init__(self, emulator: BotApiEmulator, database_url: str, log: Path, *args: str) -> None:
        self.emulator = emulator
        self.database_url = database_url
        self.log = log
        self.args = args
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "JUNTOS_SECRET_KEY": TEST_SECRET,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.emulator.base_url,
            "RASA_URL": RASA_DOWN,
            "RASA_TOKEN": "not-used",
            "NO_PROXY": "127.0.0.1,localhost",
        }

    async def start(self, ready: object = None) -> None:
        """Start and wait until it is polling (or, for a webhook, has set its webhook)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 - returns at once
                [str(JUNTOS), "bot", *self.args],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        emu = self.emulator
        webhook = "--webhook" in self.args

        def up() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the bot stopped: {self.log.read_text()[-2000:]}")
            return emu.webhook_url is not None if webhook else emu.poll_pending

        await emu.wait_until(up, timeout=60)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last write of the conversation state."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
