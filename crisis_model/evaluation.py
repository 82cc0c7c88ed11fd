"""Measure the crisis screen on one half of the blind corpus: recall per danger category, false
alarms per negative category, with Rasa down and (when its answers are given) with Rasa up,
and how long the screen takes.

"Lines shown" is what counts, whatever the reading: a danger message is caught when the screen
shows the lines (danger or uncertain); a hard negative is a false alarm when it does. With Rasa
up the bot also shows them when Rasa's intent is `emergencia`.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from crisis_model.corpus import Example
from domain.services.crisis import CrisisScreen, Screening, Source

#: Targets of the issue, on the held-out half.
RECALL_RASA_UP = 0.97
RECALL_RASA_DOWN = 0.95
FALSE_ALARMS = 0.05
CATEGORY_RECALL = 0.90


@dataclass
class Tally:
    total: int = 0
    down: int = 0
    up: int = 0

    def rate(self, rasa: bool) -> float:
        return (self.up if rasa else self.down) / self.total if self.total else 0.0


@dataclass
class Report:
    danger: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    negatives: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    sources: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[Example] = field(default_factory=list)
    false_alarms: list[Example] = field(default_factory=list)
    with_rasa: bool = False
    latency_ms: list[float] = field(default_factory=list)
    longest_ms: float = 0.0

    @staticmethod
    def _overall(tallies: dict[str, Tally], rasa: bool) -> float:
        total = sum(t.total for t in tallies.values())
        hits = sum((t.up if rasa else t.down) for t in tallies.values())
        return hits / total if total else 0.0

    def recall(self, rasa: bool = False) -> float:
        return self._overall(self.danger, rasa)

    def false_alarm_rate(self, rasa: bool = False) -> float:
        return self._overall(self.negatives, rasa)

    def worst_category(self, rasa: bool = False) -> tuple[str, float]:
        return min(((c, t.rate(rasa)) for c, t in self.danger.items()), key=lambda x: x[1])

    def meets(self, rasa: bool = False) -> bool:
        """The issue's targets (recall, false alarms, every category) for this reading."""
        recall_target = RECALL_RASA_UP if rasa else RECALL_RASA_DOWN
        return (
            self.recall(rasa) >= recall_target
            and self.false_alarm_rate(rasa) <= FALSE_ALARMS
            and self.worst_category(rasa)[1] >= CATEGORY_RECALL
        )


def evaluate(
    examples: Sequence[Example],
    screen: CrisisScreen,
    rasa_emergency: Sequence[bool] | None = None,
) -> Report:
    """Screen every example; `rasa_emergency[i]`: whether Rasa read example i as `emergencia`."""
    report = Report(with_rasa=rasa_emergency is not None)
    screenings = [screen.screen(example.text) for example in examples]
    # Timed in a second pass, warm (the first pays for caches), best of three per message so
    # that another process taking the CPU on a shared machine is not counted as our cost.
    for example in examples:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            screen.screen(example.text)
            best = min(best, time.perf_counter() - start)
        report.latency_ms.append(best * 1000)
    for index, (example, screening) in enumerate(zip(examples, screenings, strict=True)):
        down = screening.signal is not None
        up = down or (rasa_emergency is not None and rasa_emergency[index])
        tally = (report.danger if example.danger else report.negatives)[example.category]
        tally.total += 1
        tally.down += down
        tally.up += up
        if example.danger:
            report.sources[_source_name(screening)] += 1
            if not down:
                report.misses.append(example)
        elif down:
            report.false_alarms.append(example)
    longest = ("me quiero morir " * 256)[:4096]  # the most Telegram sends in one message
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        screen.screen(longest)
        timings.append((time.perf_counter() - start) * 1000)
    report.longest_ms = min(timings)
    return report


def _source_name(screening: Screening) -> str:
    source = screening.source
    return source.value if isinstance(source, Source) else "missed"


def _percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]


def format_report(report: Report, title: str, *, errors: bool = False) -> str:
    """The report as a plain-text table (what `juntos crisis eval` and `make bench` print)."""
    rasa = report.with_rasa
    lines = [title, ""]
    header = f"{'danger category':<28}{'n':>4}{'Rasa down':>11}"
    lines.append(header + (f"{'Rasa up':>10}" if rasa else ""))
    for category, tally in sorted(report.danger.items()):
        row = f"{category:<28}{tally.total:>4}{tally.rate(False):>11.1%}"
        lines.append(row + (f"{tally.rate(True):>10.1%}" if rasa else ""))
    total = sum(t.total for t in report.danger.values())
    row = f"{'recall, all danger':<28}{total:>4}{report.recall(False):>11.1%}"
    lines.append(row + (f"{report.recall(True):>10.1%}" if rasa else ""))
    lines += ["", f"{'false alarms (lines shown)':<28}{'n':>4}{'Rasa down':>11}"]
    if rasa:
        lines[-1] += f"{'Rasa up':>10}"
    for category, tally in sorted(report.negatives.items()):
        row = f"{category:<28}{tally.total:>4}{tally.rate(False):>11.1%}"
        lines.append(row + (f"{tally.rate(True):>10.1%}" if rasa else ""))
    total = sum(t.total for t in report.negatives.values())
    row = f"{'false alarms, all negatives':<28}{total:>4}{report.false_alarm_rate(False):>11.1%}"
    lines.append(row + (f"{report.false_alarm_rate(True):>10.1%}" if rasa else ""))
    caught = ", ".join(f"{name} {count}" for name, count in sorted(report.sources.items()))
    lines += ["", f"danger messages by deciding signal (Rasa down): {caught}"]
    latency = report.latency_ms
    lines.append(
        "screen latency per message (rules + model, best of 3): "
        f"p50 {statistics.median(latency):.2f} ms, "
        f"p95 {_percentile(latency, 95):.2f} ms, max {max(latency):.2f} ms; "
        f"a 4,096-character message {report.longest_ms:.2f} ms"
    )
    for reading in (False, True) if rasa else (False,):
        worst, rate = report.worst_category(reading)
        verdict = "met" if report.meets(reading) else "NOT met"
        recall_target = RECALL_RASA_UP if reading else RECALL_RASA_DOWN
        lines.append(
            f"targets with Rasa {'up' if reading else 'down'} (recall >= {recall_target:.0%}, "
            f"false alarms <= {FALSE_ALARMS:.0%}, every category >= {CATEGORY_RECALL:.0%}; "
            f"worst {worst} {rate:.1%}): {verdict}"
        )
    if errors:
        lines += ["", "missed (Rasa down):"]
        lines += [f"  [{e.category}] {e.text}" for e in report.misses]
        lines += ["", "false alarms (Rasa down):"]
        lines += [f"  [{e.category}] {e.text}" for e in report.false_alarms]
    return "\n".join(lines)
