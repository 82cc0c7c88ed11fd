"""Run the sandbox (emulator + page) inside an asyncio program until it is cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sandbox.emulator import BotApiEmulator


async def serve(
    *,
    port: int = 8080,
    token: str | None = None,
    host: str = "127.0.0.1",
    ready: Callable[[BotApiEmulator], None] | None = None,
) -> None:
    """Serve until cancelled (Ctrl-C under `asyncio.run`); pending polls are released at stop.

    `ready(emulator)` is called once the port is bound (e.g. to print `emulator.page_url`).
    Without `token`, the emulator makes a fresh random one (`emulator.token`).
    """
    async with BotApiEmulator(token=token, host=host, port=port) as emulator:
        if ready is not None:
            ready(emulator)
        await asyncio.Event().wait()
