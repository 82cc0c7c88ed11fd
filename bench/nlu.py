"""NLU benchmark: parses through `NluClient` against raw `POST /model/parse`, same server, same run.

Starts the Rasa server (trained model, free loopback port, fresh token) unless --url is given,
then measures sequential and concurrent latency of both paths, alternating them so neither
gets a warmer server, and prints p50/p95, throughput and the client's overhead ratio.

    .venv/bin/python bench/nlu.py [--requests 500] [--concurrency 8] [--model FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

# This script is bench/nlu.py: drop its own folder from the path so `import nlu` finds the
# project package, not this file.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from nlu.client import NluClient
from nlu.process import ROOT, RasaServer, free_port, trained_model_path

# Fictional messages in the style members and staff write (not taken from the test set).
TEXTS = (
    "hola buenas noches",
    "necesito un psicologo en cd juarez",
    "kiero dejar el cristal",
    "donde hay un abogado gratis en tijuana",
    "vivo en la colonia riberas del bravo",
    "mi cp es 32575",
    "mi novio me revisa el cel y no me deja salir",
    "referi a una chava de 15 al centro comunitario por bullying",
    "seguimiento CASO-0042 ya fue a su primera cita",
    "como va el CASO-0017",
    "english please",
    "borra mis datos",
    "me muero de risa jajaja",
    "gracias neta",
    "nel, ahorita no",
    "ayuda",
)

Call = Callable[[str], Awaitable[object]]


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its direct children, in MB (Linux /proc)."""
    total_kb = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if not status.exists():
            continue
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


async def timed(call: Call, text: str, into: list[float]) -> None:
    started = time.perf_counter()
    await call(text)
    into.append((time.perf_counter() - started) * 1000)


async def sequential(calls: dict[str, Call], requests: int) -> dict[str, list[float]]:
    """Alternate the paths request by request."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for i in range(requests):
        text = TEXTS[i % len(TEXTS)]
        for name, call in calls.items():
            await timed(call, text, samples[name])
    return samples


async def concurrent(
    calls: dict[str, Call], requests: int, concurrency: int
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """`requests` per path with `concurrency` in flight; paths alternate in two halves."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    elapsed: dict[str, float] = dict.fromkeys(calls, 0.0)
    half = requests // 2
    order = [*calls, *reversed(list(calls))]
    for name in order:
        queue: asyncio.Queue[str] = asyncio.Queue()
        for i in range(half):
            queue.put_nowait(TEXTS[i % len(TEXTS)])

        async def worker(call: Call, into: list[float], queue: asyncio.Queue[str]) -> None:
            while not queue.empty():
                await timed(call, queue.get_nowait(), into)

        started = time.perf_counter()
        await asyncio.gather(
            *(worker(calls[name], samples[name], queue) for _ in range(concurrency))
        )
        elapsed[name] += time.perf_counter() - started
    throughput = {name: len(samples[name]) / elapsed[name] for name in calls}
    return samples, throughput


def report(title: str, samples: dict[str, list[float]], rates: dict[str, float] | None) -> None:
    print(f"\n{title}")
    print(f"  {'path':<8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    for name, values in samples.items():
        rate = f"{rates[name]:8.1f}" if rates else f"{'-':>8}"
        print(
            f"  {name:<8} {len(values):5d} {percentile(values, 50):8.2f} "
            f"{percentile(values, 95):8.2f} {rate}"
        )
    raw, client = samples["raw"], samples["client"]
    for q in (50, 95):
        ratio = percentile(client, q) / percentile(raw, q)
        print(f"  client/raw p{q}: {ratio:.3f} (overhead {100 * (ratio - 1):+.1f}%)")


async def measure(url: str, token: str, requests: int, concurrency: int) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    raw_http = httpx.AsyncClient(base_url=url, timeout=5.0, trust_env=False, limits=limits)
    # threshold=0: the client returns every parse, so both paths do the same work.
    client = NluClient(url, token, threshold=0.0, timeout=5.0)

    async def raw(text: str) -> object:
        response = await raw_http.post("/model/parse", params={"token": token}, json={"text": text})
        response.raise_for_status()
        return response.json()

    async def via_client(text: str) -> object:
        result = await client.parse(text)
        if result is None:
            raise RuntimeError("the client returned None during the benchmark")
        return result

    calls: dict[str, Call] = {"raw": raw, "client": via_client}
    try:
        await sequential(calls, 20)  # warm up both paths and the model
        samples = await sequential(calls, requests)
        report(f"sequential, {requests} parses per path", samples, None)
        samples, rates = await concurrent(calls, requests, concurrency)
        report(f"{concurrency} concurrent, {requests} parses per path", samples, rates)
    finally:
        await client.aclose()
        await raw_http.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--model", type=Path, default=None, help="model file to serve")
    parser.add_argument("--url", default=None, help="use a running server instead")
    parser.add_argument("--token", default=None, help="its RASA_TOKEN (with --url)")
    args = parser.parse_args()
    if args.url:
        asyncio.run(measure(args.url, args.token or "", args.requests, args.concurrency))
        return
    model = args.model or trained_model_path()
    server = RasaServer(model, port=free_port(), log_file=ROOT / "var" / "rasa-bench.log")
    print(f"NLU benchmark: {model.name}")
    with server:
        assert server.pid is not None
        print(f"server start (process spawn to /status ready): {server.started_in:.1f} s")
        print(f"server RSS after start: {rss_mb(server.pid):.0f} MB")
        asyncio.run(measure(server.url, server.token, args.requests, args.concurrency))
        print(f"\nserver RSS after the run: {rss_mb(server.pid):.0f} MB")


if __name__ == "__main__":
    main()
