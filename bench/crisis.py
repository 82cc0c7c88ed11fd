"""Benchmark: how fast a member in danger sees the emergency lines.

Runs the real bot (juntos.bootstrap.build_bot) polling the local Bot API emulator over HTTP,
with Rasa stopped and the database unreachable (the crisis reply needs neither), and measures
from the member's message to the bot's reply: sequentially, then 20 members at once. Also
times the crisis screen alone (rules + the in-process model). Target: crisis reply p95 < 100 ms
(one member at a time; 20 at once share Telegram's 30 messages/s, enforced by the rate
limiter).

    make bench            # or: .venv/bin/python bench/crisis.py [--messages N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from crisis_model import default_model
from domain.services.crisis import CrisisScreen
from juntos.bootstrap import AppResources, build_bot
from juntos.settings import Settings
from sandbox import BotApiEmulator
from sandbox.ptb import polling
from storage import crypto
from storage.gazetteer import load_gazetteer

TOKEN = "123456789:bench-token"
#: A throw-away key (its database is a temporary copy).
SECRET = "SIM1ZbAL3tTp0bBMnWtdpAeJT-0Q5Aqr6Qfrclvh64A"
MESSAGES = [
    "me quiero morir",
    "ya no aguanto mas, me quiero matar",
    "mi papa me esta pegando ahorita",
    "se oyen balazos afuera de mi casa",
    "me quieren levantar",
    "me violaron",
    "I want to kill myself",
    "me amenazo con una pistola",
]


#: A member still without the lines after this long counts as "no reply" (not as a time).
REPLY_TIMEOUT = 10.0


def pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100)[p - 1]


async def one(emu: BotApiEmulator, user_id: int, text: str) -> float | None:
    """Milliseconds from the member's message to the lines; None when none came in time."""
    chat = emu.private_chat(user_id=user_id, first_name="Persona", language_code="es")
    start = time.perf_counter()
    await chat.send_text(text)
    try:
        [reply] = await chat.wait_for_bot_messages(count=1, timeout=REPLY_TIMEOUT)
    except TimeoutError:
        return None
    elapsed = time.perf_counter() - start
    # The crisis reply (911 on a line of its own), not a reply that only carries the danger line.
    assert "\n911 — " in (reply.text or ""), "the reply must carry the emergency lines"
    return elapsed * 1000


def summary(name: str, timings: list[float | None]) -> str:
    replied = [t for t in timings if t is not None]
    line = f"  {name}: "
    if replied:
        line += (
            f"p50 {statistics.median(replied):6.1f} ms  p95 {pct(replied, 95):6.1f} ms  "
            f"max {max(replied):6.1f} ms  "
        )
    line += f"({len(timings)} messages"
    missing = len(timings) - len(replied)
    if missing:
        line += f"; {missing} got NO reply within {REPLY_TIMEOUT:.0f} s"
    return line + ")"


async def run(n: int) -> None:
    crypto.configure(SECRET)
    settings = Settings(
        database_url="postgresql://juntos@127.0.0.1:9/juntos",  # unreachable on purpose
        rasa_url="http://127.0.0.1:9",  # Rasa stopped
        rasa_token="bench",
        juntos_secret_key=SECRET,
    )
    async with BotApiEmulator(token=TOKEN, port=0) as emu:
        settings.telegram_api_url = emu.base_url
        app = build_bot(settings, TOKEN, AppResources(settings, places=load_gazetteer()))
        async with polling(app, poll_timeout=1):
            await one(emu, 1, MESSAGES[0])  # warm up the connection pool
            sequential = [await one(emu, 10 + i, MESSAGES[i % len(MESSAGES)]) for i in range(n)]
            concurrent: list[float | None] = []
            for round_ in range(max(1, n // 20)):
                concurrent += await asyncio.gather(
                    *(
                        one(emu, 10_000 + round_ * 20 + i, MESSAGES[i % len(MESSAGES)])
                        for i in range(20)
                    )
                )
    screen = CrisisScreen(default_model())
    detector: list[float] = []
    for _ in range(200):
        for text in MESSAGES:
            start = time.perf_counter()
            screen.screen(text)
            detector.append((time.perf_counter() - start) * 1000)

    print("crisis reply, message -> bot reply over HTTP (Rasa down, database down)")
    print(summary("sequential  ", sequential))
    print(summary("20 at a time", concurrent))
    print(
        f"  screen only (rules + model): p50 {statistics.median(detector):6.3f} ms  "
        f"p95 {pct(detector, 95):6.3f} ms"
    )
    replied = [t for t in sequential if t is not None]
    met = len(replied) == len(sequential) and pct(replied, 95) < 100
    print(
        f"  target (sequential p95 < 100 ms, every member answered): {'met' if met else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args.messages))


if __name__ == "__main__":
    main()
