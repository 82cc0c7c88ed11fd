"""Load benchmark: many members at once against the real bot, Rasa and database.

The bot runs as operators run it (`juntos bot`, its own process, polling) against the local Bot
API emulator, with the trained Rasa model and a SQLite copy of the demo directory (or
`--database-url` for PostgreSQL). `--chats` private chats send messages at `--rate` a second in
total (open loop: arrivals do not wait for replies), 70 % commands, buttons and locations and
30 % free text, for `--seconds`; a share of the free text (`--crisis-share`) is a message in
danger. A second phase calls Rasa's `/model/parse` alone at the same rate and concurrency.

Prints throughput, reply latency (message -> first bot message) per kind, the raw parse times,
the ratio free-text p95 / raw parse p95, unanswered messages and the peak RSS of the bot and of
Rasa. Targets: free-text p95 <= 1.10 x raw Rasa p95 + 15 ms, button/command p95 < 20 ms,
crisis p95 < 100 ms, nothing unanswered, bot RSS < 250 MB. The last line is for tools:

    load: chats=N rate=R text_p95=T ms rasa_p95=P ms button_p95=B ms unanswered=U bot_rss=M MB

    make bench    # or: .venv/bin/python bench/load.py --chats 50 --rate 20 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

import httpx

from nlu.process import RasaServer, free_port
from sandbox import BotApiEmulator, PrivateChat

ROOT = Path(__file__).resolve().parents[1]
JUNTOS = ROOT / ".venv" / "bin" / "juntos"
TOKEN = "123456789:load-bench-token"
#: A throw-away key (the database is a temporary copy).
SECRET = "SIM1ZbAL3tTp0bBMnWtdpAeJT-0Q5Aqr6Qfrclvh64A"
#: Ciudad Juárez, where the (fictional) demo directory is.
POINTS = [(31.6290, -106.3230), (31.7200, -106.4600), (31.6900, -106.4200)]
COMMANDS = ["/cancelar", "/ayuda", "/privacidad", "/estado"]
CATEGORIES = ["c:legal_aid", "c:health", "c:psychological", "c:shelter"]
FREE_TEXT = [
    "necesito un abogado",
    "donde hay un centro de salud",
    "quiero hablar con una psicologa",
    "hola",
    "busco un refugio para mi y mis hijos",
    "necesito ayuda legal por una demanda de pension",
    "gracias",
    "que puedes hacer",
    "tengo problemas con mi pareja y no se a quien acudir",
    "busco apoyo para dejar de tomar",
]
CRISIS_TEXT = ["me quiero morir", "mi esposo me esta golpeando ahorita", "me quieren levantar"]
#: What only the crisis reply carries (911 on a line of its own).
LINES = "\n911 — "
#: A message still without a reply this long after the run ends counts as unanswered (a run
#: above Telegram's rate leaves a queue of sends: they take this long to leave at 30/s).
GRACE_SECONDS = 15.0


@dataclass
class Probe:
    kind: str
    sent_at: float
    baseline: int
    replied_at: float | None = None
    chat_id: int = 0
    #: Answered when the chat has more bot messages than this.
    threshold: int = 0


@dataclass
class Member:
    chat: PrivateChat
    #: The next step of this member's scripted path (command -> button -> category -> place).
    step: int = 0
    #: Messages sent and not yet answered, oldest first (above Telegram's rate, several).
    pending: list[Probe] = field(default_factory=list)
    idle_since: float = 0.0


@dataclass
class Results:
    probes: list[Probe] = field(default_factory=list)

    def latencies(self, kind: str) -> list[float]:
        return [
            (p.replied_at - p.sent_at) * 1000
            for p in self.probes
            if p.kind == kind and p.replied_at is not None
        ]

    def sends_per_message(self, final: dict[int, int]) -> dict[str, float]:
        """Bot messages per member message, by kind (what each reply costs of the 30/s)."""
        per_chat: dict[int, list[Probe]] = {}
        for probe in self.probes:
            per_chat.setdefault(probe.chat_id, []).append(probe)
        sends: dict[str, list[int]] = {}
        for chat_id, probes in per_chat.items():
            ends = [p.baseline for p in probes[1:]] + [final[chat_id]]
            for probe, end in zip(probes, ends, strict=True):
                sends.setdefault(probe.kind, []).append(end - probe.baseline)
        return {kind: sum(v) / len(v) for kind, v in sends.items()}

    @property
    def unanswered(self) -> int:
        return sum(1 for p in self.probes if p.replied_at is None)


def pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of `pid`, in MB (0 when unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and its children so far, in seconds."""
    total = 0.0
    for one in _tree(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _tree(pid: int) -> list[int]:
    pids = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    return pids


def process_tree_peak_mb(pid: int) -> float:
    """The largest peak RSS among `pid` and its children (Rasa runs under a launcher)."""
    return max(peak_rss_mb(p) for p in _tree(pid))


def juntos(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(JUNTOS), *args], env=env, check=True, capture_output=True)


@contextlib.contextmanager
def bot_process(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(JUNTOS), "bot"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Load:
    def __init__(self, emu: BotApiEmulator, chats: int, rate: float, crisis_share: float) -> None:
        self.emu = emu
        self.rate = rate
        self.crisis_share = crisis_share
        self.random = random.Random(12)
        self.members = [
            Member(emu.private_chat(user_id=900_000 + i, first_name="Persona", language_code="es"))
            for i in range(chats)
        ]
        self.by_chat = {m.chat.chat_id: m for m in self.members}
        self.results = Results()
        self._version = emu.version
        self.sending_done = False
        self.all_answered = asyncio.Event()

    def _check_all_answered(self) -> None:
        if self.sending_done and all(p.replied_at is not None for p in self.results.probes):
            self.all_answered.set()

    def _count(self, member: Member) -> int:
        return len(member.chat.bot_messages())

    async def watch(self) -> None:
        """Stamp each pending message's reply as soon as the chat shows a new bot message."""
        while True:
            await self.emu.wait_for_change(self._version, within=1.0)
            now = time.perf_counter()
            changed = self.emu.changes_since(self._version)
            self._version = self.emu.version
            chats = (
                [self.by_chat[c] for c in changed[1] if c in self.by_chat]
                if changed is not None
                else self.members
            )
            for member in chats:
                messages = member.chat.bot_messages()
                count = len(messages)
                # The chat's updates are handled in order: the k-th waiting message is
                # answered once k more bot messages came after the first one was sent. The
                # lines for danger may overtake (they are sent as soon as danger is seen).
                for probe in list(member.pending):
                    if probe.kind == "crisis":
                        answered = any(LINES in (m.text or "") for m in messages[probe.baseline :])
                    else:
                        answered = count > probe.threshold
                    if answered:
                        probe.replied_at = now
                        member.pending.remove(probe)
                        member.idle_since = now
            self._check_all_answered()

    def _free_member(self, now: float) -> Member:
        # A member whose last reply came (and whose follow-up messages settled) a moment ago.
        free = [m for m in self.members if not m.pending and now - m.idle_since > 0.3]
        return self.random.choice(free or self.members)

    async def _send(self, member: Member) -> None:
        chat = member.chat
        roll = self.random.random()
        baseline = self._count(member)
        if roll < 0.30:
            if self.random.random() < self.crisis_share / 0.30:
                kind, text = "crisis", self.random.choice(CRISIS_TEXT)
            else:
                kind, text = "text", self.random.choice(FREE_TEXT)
            probe = Probe(kind, time.perf_counter(), baseline)
            await chat.send_text(text)
        else:
            step = member.step % 4
            member.step += 1
            has_menu = any("m:search" in (m.callback_data or []) for m in chat.bot_messages()[-2:])
            if step == 1 and has_menu:
                kind = "button"
                probe = Probe(kind, time.perf_counter(), baseline)
                await chat.press("m:search")
            elif step == 2 and has_menu:
                kind = "button"
                probe = Probe(kind, time.perf_counter(), baseline)
                await chat.forge_callback_query(self.random.choice(CATEGORIES))
            elif step == 3:
                kind = "location"
                probe = Probe(kind, time.perf_counter(), baseline)
                await chat.send_location(*self.random.choice(POINTS))
            else:
                kind = "command"
                probe = Probe(kind, time.perf_counter(), baseline)
                await chat.send_text("/cancelar" if step == 0 else self.random.choice(COMMANDS))
        probe.chat_id = chat.chat_id
        probe.threshold = baseline + len(member.pending)
        member.pending.append(probe)
        self.results.probes.append(probe)

    async def run(self, seconds: float) -> None:
        watcher = asyncio.create_task(self.watch())
        loop = asyncio.get_running_loop()
        start = loop.time()
        sent = 0
        # Open loop: the i-th message leaves at start + i / rate, whatever the replies do.
        while (due := start + sent / self.rate) < start + seconds:
            await asyncio.sleep(max(0.0, due - loop.time()))
            await self._send(self._free_member(time.perf_counter()))
            sent += 1
        self.sending_done = True
        self._check_all_answered()
        with contextlib.suppress(TimeoutError):
            backlog = max(0.0, self.rate * 1.25 - 30) * seconds / 30
            await asyncio.wait_for(self.all_answered.wait(), GRACE_SECONDS + backlog)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def raw_parse(server: RasaServer, rate: float, seconds: float) -> list[float]:
    """Rasa's /model/parse alone, at `rate` a second (open loop), in milliseconds."""
    rng = random.Random(13)
    timings: list[float] = []
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(
        base_url=server.url, trust_env=False, timeout=30, limits=limits
    ) as http:

        async def one(text: str) -> None:
            started = time.perf_counter()
            response = await http.post(
                "/model/parse", params={"token": server.token}, json={"text": text}
            )
            response.raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)

        for text in FREE_TEXT:  # warm up
            await one(text)
        timings.clear()
        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        i = 0
        while (due := start + i / rate) < start + seconds:
            await asyncio.sleep(max(0.0, due - loop.time()))
            tasks.append(asyncio.create_task(one(rng.choice(FREE_TEXT))))
            i += 1
        await asyncio.gather(*tasks)
    return timings


def line(name: str, values: list[float]) -> str:
    if not values:
        return f"  {name:<9} (none)"
    return (
        f"  {name:<9} n={len(values):5d}  p50 {pct(values, 50):7.1f} ms  "
        f"p95 {pct(values, 95):7.1f} ms  p99 {pct(values, 99):7.1f} ms"
    )


async def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="juntos-load-") as tmp:
        tmpdir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{tmpdir / 'juntos.db'}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "JUNTOS_SECRET_KEY": SECRET,
            "NO_PROXY": "127.0.0.1,localhost",
        }
        juntos(env, "db", "upgrade")
        juntos(env, "demo", "load")
        server = RasaServer(port=free_port(), log_file=tmpdir / "rasa.log")
        await server.start_async()
        try:
            async with BotApiEmulator(token=TOKEN, port=0) as emu:
                env |= {
                    "TELEGRAM_BOT_TOKEN": TOKEN,
                    "TELEGRAM_API_URL": emu.base_url,
                    "RASA_URL": server.url,
                    "RASA_TOKEN": server.token,
                }
                if args.send_rate:
                    env["JUNTOS_SEND_RATE"] = str(args.send_rate)
                bot_log = Path(args.bot_log) if args.bot_log else tmpdir / "bot.log"
                with bot_process(env, bot_log) as bot:
                    await emu.wait_until(lambda: emu.bot_connected, timeout=60)
                    load = Load(emu, args.chats, args.rate, args.crisis_share)
                    # Every member starts with /start (not measured), then the open-loop run.
                    for member in load.members:
                        await member.chat.send_text("/start")
                    # ...and its two replies have left the send lane (500 chats: 1,000 sends,
                    # over 30 s at Telegram's rate), so the run starts with an empty queue.
                    await emu.wait_until(
                        lambda: all(len(m.chat.bot_messages()) >= 2 for m in load.members),
                        timeout=180,
                    )
                    await asyncio.sleep(1.0)
                    assert server.pid is not None
                    wall = time.perf_counter()
                    bot_cpu, rasa_cpu = cpu_seconds(bot.pid), cpu_seconds(server.pid)
                    own_cpu = time.process_time()
                    await load.run(args.seconds)
                    wall = time.perf_counter() - wall
                    own_cpu = time.process_time() - own_cpu
                    bot_cpu = cpu_seconds(bot.pid) - bot_cpu
                    rasa_cpu = cpu_seconds(server.pid) - rasa_cpu
                    bot_rss = peak_rss_mb(bot.pid)
                    final = {m.chat.chat_id: len(m.chat.bot_messages()) for m in load.members}
                    if bot.poll() is not None:
                        print(bot_log.read_text()[-3000:], file=sys.stderr)
                        return 1
            raw_cpu = cpu_seconds(server.pid)
            raw = await raw_parse(server, args.rate * 0.3, args.seconds)
            raw_cpu = cpu_seconds(server.pid) - raw_cpu
            rasa_rss = process_tree_peak_mb(server.pid)
        finally:
            server.stop()

    results = load.results
    text = results.latencies("text")
    buttons = results.latencies("button") + results.latencies("command")
    crisis = results.latencies("crisis")
    answered = len(results.probes) - results.unanswered
    text_p95, raw_p95, button_p95 = pct(text, 95), pct(raw, 95), pct(buttons, 95)
    print(
        f"load: {args.chats} chats, {args.rate:g} msg/s for {args.seconds:g} s "
        f"(open loop; Rasa, {database_url.split(':')[0]}; {os.cpu_count()} cores)"
    )
    print(f"  throughput {answered / wall:.1f} replies/s ({len(results.probes)} messages sent)")
    sent = len(results.probes)
    print(
        f"  CPU: bot {bot_cpu / wall * 100:.0f} % of a core ({bot_cpu * 1000 / sent:.1f} ms a "
        f"message), Rasa {rasa_cpu / wall * 100:.0f} % of a core during the run; Rasa alone "
        f"{raw_cpu * 1000 / max(len(raw), 1):.1f} ms CPU a parse "
        f"(about {len(raw) / max(raw_cpu, 1e-9):.0f} parses/s per core); emulator and members "
        f"{own_cpu / wall * 100:.0f} % of a core; machine load "
        f"{os.getloadavg()[0]:.1f}"
    )

    sends = results.sends_per_message(final)
    for kind in ("text", "crisis", "button", "command", "location"):
        print(line(kind, results.latencies(kind)) + f"  {sends.get(kind, 0):.2f} sends each")
    print(line("raw parse", raw) + f"  (Rasa alone at {args.rate * 0.3:g}/s)")
    print(
        f"  free text p95 / raw parse p95 = {text_p95 / raw_p95:.2f} "
        f"(target <= 1.10 x raw + 15 ms = {1.10 * raw_p95 + 15:.1f} ms: "
        f"{'met' if text_p95 <= 1.10 * raw_p95 + 15 else 'NOT met'})"
    )
    print(f"  button/command p95 {button_p95:.1f} ms (target < 20 ms)")
    if crisis:
        print(f"  crisis p95 {pct(crisis, 95):.1f} ms (target < 100 ms)")
    print(
        f"  unanswered {results.unanswered}; peak RSS bot {bot_rss:.0f} MB, Rasa {rasa_rss:.0f} MB"
    )
    print(
        f"load: chats={args.chats} rate={args.rate:g} text_p95={text_p95:.1f} ms "
        f"rasa_p95={raw_p95:.1f} ms button_p95={button_p95:.1f} ms "
        f"unanswered={results.unanswered} bot_rss={bot_rss:.0f} MB"
    )
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="messages a second, in total")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--crisis-share", type=float, default=0.02, help="share of all messages in danger"
    )
    parser.add_argument("--send-rate", type=float, default=None, help="JUNTOS_SEND_RATE")
    parser.add_argument("--database-url", default=None, help="default: a SQLite copy")
    parser.add_argument("--bot-log", default=None, help="keep the bot's log in this file")
    args = parser.parse_args()
    if not 1 <= args.chats <= 500:
        parser.error("--chats is 1 to 500")
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
