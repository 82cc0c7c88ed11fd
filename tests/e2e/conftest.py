"""Fixtures of the end-to-end tests: the system Chromium and the sandbox page's JSON API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from sandbox import BotApiEmulator

CHROMIUM = Path("/usr/bin/chromium")
# No network beyond the page's own origin: no updates, no sync, no component downloads.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Screenshots of the browser tests (git-ignored).
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def chromium_path() -> Path:
    """Debian's Chromium (`make browser-deps`); never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (done by `make test`)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium_path: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def page(emulator: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """The sandbox page's own JSON API, as the browser uses it."""
    async with httpx.AsyncClient(base_url=emulator.origin, trust_env=False, timeout=10) as http:
        yield http
