"""Gazetteer benchmark: load time and time per `resolve` on the packaged data.

Run: .venv/bin/python bench/gazetteer.py [--rounds N]
Prints figures; asserts nothing (the tests check behaviour).
"""

from __future__ import annotations

import argparse
import statistics
import time

from storage.gazetteer import Gazetteer, read_data

#: What members type: municipalities, typos, nicknames, postal codes, colonia + municipio,
#: whole sentences, a colonia alone, and things that are not places.
QUERIES = [
    "monterrey",
    "cd jaurez",
    "guadalajra",
    "monterey",
    "tonala jalisco",
    "guadalupe",
    "guadalupe nuevo leon",
    "gral escobedo",
    "cdmx",
    "neza",
    "tj",
    "32000",
    "cp 64000 la finca",
    "riberas del bravo juarez",
    "col. independencia monterrey",
    "estoy en la col. riberas del bravo en juarez",
    "vivo en la colonia centro de zapopan",
    "fracc. valle de las flores tijuana",
    "riberas del bravo",
    "valle verde",
    "asdfgh qwerty",
    "no se",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    data = read_data()
    loaded = time.perf_counter()
    gazetteer = Gazetteer(data)
    indexed = time.perf_counter()
    print(
        f"load: {(indexed - started) * 1000:.0f} ms "
        f"(read+decode {(loaded - started) * 1000:.0f} ms, name index "
        f"{(indexed - loaded) * 1000:.0f} ms) for {len(data.municipalities)} municipalities"
    )

    first: list[float] = []
    for query in QUERIES:  # first calls unpack the settlements they touch
        t0 = time.perf_counter()
        gazetteer.resolve(query)
        first.append(time.perf_counter() - t0)
    print(f"first pass: {sum(first) * 1000:.0f} ms for {len(QUERIES)} queries")

    timings: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(args.rounds):
        for query in QUERIES:
            t0 = time.perf_counter()
            gazetteer.resolve(query)
            timings[query].append(time.perf_counter() - t0)
    every = sorted(t for times in timings.values() for t in times)
    p95 = every[int(0.95 * (len(every) - 1))]
    print(
        f"resolve: mean {statistics.mean(every) * 1000:.2f} ms, "
        f"median {statistics.median(every) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {every[-1] * 1000:.2f} ms over {len(every)} calls"
    )
    slowest = sorted(timings.items(), key=lambda item: -statistics.median(item[1]))[:3]
    for query, times in slowest:
        print(f"  slowest: {query!r} median {statistics.median(times) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
