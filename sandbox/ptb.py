"""Run a python-telegram-bot `Application` against the emulator the way `run_polling` does.

`run_polling()` blocks and installs signal handlers, so tests and `juntos run` use this
instead; it keeps the same order, hooks included (PITFALLS: a bare `async with app:` skips
post_init/post_stop/post_shutdown):
initialize -> post_init -> start_polling -> start ... stop polling -> stop -> post_stop ->
shutdown -> post_shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application


@asynccontextmanager
async def polling(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    poll_timeout: int = 10,
    drop_pending_updates: bool = False,
    allowed_updates: Sequence[str] | None = Update.ALL_TYPES,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Poll for updates while the block runs; stop and shut down cleanly on exit."""
    updater = application.updater
    if updater is None:
        raise ValueError("the application has no updater: build it with .updater(...) left on")
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await updater.start_polling(
            poll_interval=0,
            timeout=poll_timeout,
            drop_pending_updates=drop_pending_updates,
            allowed_updates=allowed_updates,
        )
        await application.start()
        yield application
    finally:
        if updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
