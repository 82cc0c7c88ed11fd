"""Reminder delivery benchmark: N reminders due at once, real `juntos bot` processes, the
sandbox emulator answering 429 past Telegram's 30 msg/s broadcast limit.

    python bench/reminders.py                     # 10,000 reminders; two processes too on PG
    python bench/reminders.py --count 500         # SQLite when no PostgreSQL answers

Prints the delivery rate against the 30 msg/s limit, the 429s the emulator answered, reminders
lost and duplicated; the last line, for tools to parse:
`reminders: delivered=N rate=R msg/s share=P% 429s=Z lost=L duplicated=D`.
Targets: >= 95 % of the limit, 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reminder_run import (
    STAFF_CHAT,
    TOKEN,
    Deliveries,
    now_utc,
    postgres_admin_url,
    postgres_answers,
    reminder_statuses,
    scratch_database,
    seed,
    start_bot,
    stopping,
)
from sandbox import BotApiEmulator

TELEGRAM_LIMIT = 30.0
#: What each sweep logs (bot/jobs.py): the longest time between a send and its "sent" mark.
WINDOW = re.compile(r"longest send-to-mark ([0-9.]+) s")


@dataclass(frozen=True)
class Result:
    label: str
    delivered: int
    rate: float
    flood: int
    lost: int
    duplicated: int

    @property
    def share(self) -> float:
        return 100.0 * self.rate / TELEGRAM_LIMIT

    def line(self) -> str:
        return (
            f"reminders: delivered={self.delivered} rate={self.rate:.1f} msg/s "
            f"share={self.share:.0f}% 429s={self.flood} lost={self.lost} "
            f"duplicated={self.duplicated}"
        )


async def run(count: int, processes: int, postgres: bool, send_rate: float) -> Result:
    label = f"{processes} process(es) on {'PostgreSQL' if postgres else 'SQLite'}"
    with tempfile.TemporaryDirectory(prefix="juntos-bench-") as tmp:
        folder = Path(tmp)
        async with scratch_database(postgres, folder) as url:
            await seed(url, count, now_utc())
            async with BotApiEmulator(token=TOKEN, port=0, flood_limit=30) as emulator:
                chat = emulator.private_chat(user_id=STAFF_CHAT, first_name="Rosa")
                deliveries = Deliveries(chat)
                # Each process is told the token's whole rate, as an operator would: on
                # PostgreSQL they share it through the database (storage/send_budget.py).
                bots = [
                    start_bot(emulator, url, folder, f"bot{n}", send_rate=send_rate)
                    for n in range(processes)
                ]
                with stopping(bots):
                    timeout = 120 + 2 * count / (send_rate * 0.8)
                    await deliveries.wait(count, timeout)
                    await asyncio.sleep(2)  # anything sent twice arrives too
                    deliveries.update()
                statuses = await reminder_statuses(url)
                windows = [
                    float(found)
                    for bot in bots
                    for found in WINDOW.findall(bot.log.read_text(errors="replace"))
                ]
                if deliveries.seen < count:
                    for bot in bots:
                        tail = bot.log.read_text(errors="replace").splitlines()[-15:]
                        print(f"  {bot.log.name}:", *tail, sep="\n    ", file=sys.stderr)
                result = Result(
                    label,
                    deliveries.seen,
                    deliveries.rate(),
                    emulator.flood_answers,
                    deliveries.lost(count),
                    deliveries.duplicated(),
                )
                load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
                print(
                    f"{label} (load average {load}): {result.delivered}/{count} delivered "
                    f"at {result.rate:.1f} msg/s "
                    f"({result.share:.0f}% of Telegram's {TELEGRAM_LIMIT:.0f} msg/s), "
                    f"429s {result.flood}, lost {result.lost}, duplicated {result.duplicated}; "
                    f"rows: {dict(statuses)}; longest send-to-mark window "
                    f"{max(windows, default=0.0) * 1000:.0f} ms (a crash inside it repeats "
                    "that one reminder)"
                )
                return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--send-rate", type=float, default=29.0, help="JUNTOS_SEND_RATE of each process (msg/s)"
    )
    parser.add_argument("--sqlite", action="store_true", help="never use PostgreSQL")
    args = parser.parse_args()
    postgres = not args.sqlite and await postgres_answers(postgres_admin_url())
    results = [await run(args.count, 1, postgres, args.send_rate)]
    if postgres:
        results.append(await run(args.count, 2, postgres, args.send_rate))
    for result in results[1:]:
        print(f"{result.label}: {result.line()}")
    print(results[0].line())


if __name__ == "__main__":
    asyncio.run(main())
