"""Measure the crisis screen on a part of the blind corpus: recall per danger category, false
alarms per negative category, with Rasa down and (when its answers are given) with Rasa up,
and how long the screen takes.

"Lines shown" is what counts, whatever the reading: a danger message is caught when the screen
shows the lines (danger or uncertain); a hard negative is a false alarm when it does. With Rasa
up the bot also shows them when Rasa's intent is `emergencia` and the screen confirms it
(`domain.services.crisis.nlu_emergency_counts`), as the bot's NLU does (`ScreenedNlu`).

The held-out parts (one per batch of the corpus) are reported each on its own and together:
`format_heldout` prints them side by side.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from crisis_model.corpus import BATCHES, Example
from domain.services.crisis import CrisisScreen, Screening, Source, nlu_emergency_counts

#: Targets of the issue, on the held-out parts.
RECALL_RASA_UP = 0.97
RECALL_RASA_DOWN = 0.95
FALSE_ALARMS = 0.05
CATEGORY_RECALL = 0.90


@dataclass(frozen=True, slots=True)
class Outcome:
    example: Example
    #: The lines were shown with Rasa down (the screen alone).
    down: bool
    #: The lines were shown with Rasa up (the screen, or Rasa's `emergencia` it confirms).
    up: bool
    #: The signal that made the lines show with Rasa down ("missed" or "none" when none did).
    source: str


@dataclass(frozen=True)
class Tally:
    total: int = 0
    down: int = 0
    up: int = 0

    def rate(self, rasa: bool) -> float:
        return (self.up if rasa else self.down) / self.total if self.total else 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    with_rasa: bool = False
    latency_ms: list[float] = field(default_factory=list)
    longest_ms: float = 0.0

    def part(self, *batches: int) -> Report:
        """The outcomes of some batches of the corpus (the timings are the whole run's)."""
        return Report(
            [o for o in self.outcomes if o.example.batch in batches],
            self.with_rasa,
            self.latency_ms,
            self.longest_ms,
        )

    @property
    def batches(self) -> list[int]:
        return sorted({o.example.batch for o in self.outcomes})

    def _tallies(self, danger: bool) -> dict[str, Tally]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for outcome in self.outcomes:
            if outcome.example.danger == danger:
                count = counts[outcome.example.category]
                count[0] += 1
                count[1] += outcome.down
                count[2] += outcome.up
        return {category: Tally(*count) for category, count in sorted(counts.items())}

    @property
    def danger(self) -> dict[str, Tally]:
        return self._tallies(True)

    @property
    def negatives(self) -> dict[str, Tally]:
        return self._tallies(False)

    @property
    def sources(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for outcome in self.outcomes:
            if outcome.example.danger:
                counts[outcome.source] += 1
        return dict(sorted(counts.items()))

    @property
    def misses(self) -> list[Example]:
        return [o.example for o in self.outcomes if o.example.danger and not o.down]

    @property
    def false_alarms(self) -> list[Example]:
        return [o.example for o in self.outcomes if not o.example.danger and o.down]

    def _overall(self, danger: bool, rasa: bool) -> float:
        chosen = [o for o in self.outcomes if o.example.danger == danger]
        hits = sum((o.up if rasa else o.down) for o in chosen)
        return hits / len(chosen) if chosen else 0.0

    def recall(self, rasa: bool = False) -> float:
        return self._overall(True, rasa)

    def false_alarm_rate(self, rasa: bool = False) -> float:
        return self._overall(False, rasa)

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
        up = down or (
            rasa_emergency is not None
            and rasa_emergency[index]
            and nlu_emergency_counts(screening, screen.model.thresholds)
        )
        report.outcomes.append(Outcome(example, down, up, _source_name(screening)))
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


def _rate(value: float) -> str:
    return f"{value:.1%}"


@dataclass(frozen=True)
class _Column:
    title: str
    report: Report


def _table(columns: Sequence[_Column], rasa: bool) -> list[str]:
    """Per-category rows, one group of columns (n, Rasa down[, Rasa up]) per report."""
    cell = 7 + (8 if rasa else 0) + 5
    header_1 = " " * 28 + "".join(f"{c.title:>{cell}}" for c in columns)
    header_2 = "".join(f"{'n':>5}{'down':>7}" + (f"{'up':>8}" if rasa else "") for _ in columns)
    lines = [header_1.rstrip()] if len(columns) > 1 else []

    def cells(tally: Tally) -> str:
        if not tally.total:  # a focused part has no message of this category
            return " " * (5 + 7 + (8 if rasa else 0))
        text = f"{tally.total:>5}{_rate(tally.rate(False)):>7}"
        return text + (f"{_rate(tally.rate(True)):>8}" if rasa else "")

    for danger, label, total_label in (
        (True, "danger category", "recall, all danger"),
        (False, "false alarms (lines shown)", "false alarms, all negatives"),
    ):
        if not danger:
            lines.append("")
        lines.append(f"{label:<28}" + header_2)
        by_column = [c.report.danger if danger else c.report.negatives for c in columns]
        categories = sorted({name for tallies in by_column for name in tallies})
        for category in categories:
            lines.append(
                f"{category:<28}"
                + "".join(cells(tallies.get(category, Tally())) for tallies in by_column)
            )
        totals = []
        for column in columns:
            chosen = [o for o in column.report.outcomes if o.example.danger == danger]
            totals.append(
                Tally(len(chosen), sum(o.down for o in chosen), sum(o.up for o in chosen))
            )
        lines.append(f"{total_label:<28}" + "".join(cells(t) for t in totals))
    return lines


def _footer(report: Report, name: str) -> list[str]:
    rasa = report.with_rasa
    lines = []
    for reading in (False, True) if rasa else (False,):
        worst, rate = report.worst_category(reading)
        verdict = "met" if report.meets(reading) else "NOT met"
        recall_target = RECALL_RASA_UP if reading else RECALL_RASA_DOWN
        lines.append(
            f"targets on {name} with Rasa {'up' if reading else 'down'} "
            f"(recall >= {recall_target:.0%}, false alarms <= {FALSE_ALARMS:.0%}, every "
            f"category >= {CATEGORY_RECALL:.0%}; worst {worst} {rate:.1%}): {verdict}"
        )
    return lines


def _timings(report: Report) -> list[str]:
    caught = ", ".join(f"{name} {count}" for name, count in report.sources.items())
    latency = report.latency_ms
    return [
        f"danger messages by deciding signal (Rasa down): {caught}",
        "screen latency per message (rules + model, best of 3): "
        f"p50 {statistics.median(latency):.2f} ms, "
        f"p95 {_percentile(latency, 95):.2f} ms, max {max(latency):.2f} ms; "
        f"a 4,096-character message {report.longest_ms:.2f} ms",
    ]


def _errors(report: Report) -> list[str]:
    lines = ["", "missed (Rasa down):"]
    lines += [f"  [{e.category}] {e.text}" for e in report.misses]
    lines += ["", "false alarms (Rasa down):"]
    lines += [f"  [{e.category}] {e.text}" for e in report.false_alarms]
    return lines


def _part_columns(report: Report) -> list[_Column]:
    """One column per batch part ("part 6 (f)" for a focused batch: only some categories),
    then the general parts together when a focused one is present, then all parts."""
    focused = {batch.number for batch in BATCHES if batch.focused}
    parts = [
        _Column(f"part {batch}" + (" (f)" if batch in focused else ""), report.part(batch))
        for batch in report.batches
    ]
    if len(parts) < 2:
        return parts
    general = [batch for batch in report.batches if batch not in focused]
    together = [_Column("all parts", report)]
    if len(general) < len(report.batches):
        together.insert(0, _Column("general", report.part(*general)))
    return [*parts, *together]


def format_report(report: Report, title: str, *, errors: bool = False) -> str:
    """One part as a plain-text table (what `juntos crisis eval` prints for development)."""
    lines = [title, ""]
    lines += _table([_Column("", report)], report.with_rasa)
    lines += ["", *_timings(report), *_footer(report, "this set")]
    if errors:
        lines += _errors(report)
    return "\n".join(lines)


def format_heldout(report: Report, title: str, *, errors: bool = False) -> str:
    """Each held-out part (one per batch) and all of them together, side by side.

    What `juntos crisis eval --heldout` and `make bench` print.
    """
    columns = _part_columns(report)
    lines = [title, ""]
    lines += _table(columns, report.with_rasa)
    lines += ["", *_timings(report)]
    for column in columns:
        lines += _footer(column.report, column.title)
    if errors:
        lines += _errors(report)
    return "\n".join(lines)


def format_crossval(report: Report, title: str, *, errors: bool = False) -> str:
    """Leave-one-batch-out figures: each batch part (scored without its batch) and all of them
    together, side by side (what `juntos crisis cv` prints)."""
    columns = _part_columns(report)
    lines = [title, ""]
    lines += _table(columns, rasa=False)
    lines.append("")
    for column in columns:
        lines += _footer(column.report, column.title)
    if errors:
        lines += _errors(report)
    return "\n".join(lines)
