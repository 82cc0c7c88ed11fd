"""The blind crisis corpus (data/crisis_corpus): its batches, and each batch's one fixed split.

Each batch was written by authors who never saw the rules, the model, the NLU data,
docs/crisis_phrases.md or the earlier batches. `split` divides a batch once, by its own fixed
seed and stratified by category, into a development part (training, tuning, `make test`) and a
held-out part that only `juntos crisis eval --heldout`, `make bench` and one end-to-end test
read. The development set is the development parts of all batches together; each held-out part
is reported on its own and with the others.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "data" / "crisis_corpus"
FILES = ("danger", "negatives")


class Half(StrEnum):
    DEVELOPMENT = "development"
    HELDOUT = "heldout"


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch of the corpus, by new authors, split once with its own seed."""

    number: int
    #: The seed of this batch's one split. Changing it would move held-out messages into
    #: training.
    seed: int
    #: A focused batch covers only the categories missed most, and the negatives closest to
    #: them: it teaches the model, but it is no sample of what people write, so the model's
    #: thresholds are chosen on the general batches only (its hard negatives would pull the
    #: false-alarm budget towards the hardest kinds alone), and its held-out part is reported
    #: beside the general ones, not pooled with them.
    focused: bool = False

    @property
    def name(self) -> str:
        return f"batch{self.number}"

    def directory(self, corpus_dir: Path = CORPUS_DIR) -> Path:
        return corpus_dir / self.name


#: Batch 1 (684 danger, 641 negatives, 2026), batch 2 (905 / 822, written after the first
#: detector was measured, by two other authors), batch 3 (829 / 758), batch 4 (1061 / 895),
#: batch 5 (1358 / 1122) and batch 6 (816 / 858, six danger and five negative categories:
#: the ones missed most and the negatives closest to them), batch 7 (981 / 940, seven danger
#: categories still under 90 %, every negative one; four authors), each by new authors. Add a
#: batch, never re-split one.
BATCHES = (
    Batch(1, seed=13),
    Batch(2, seed=132),
    Batch(3, seed=1203),
    Batch(4, seed=2412),
    Batch(5, seed=3105),
    Batch(6, seed=6207, focused=True),
    Batch(7, seed=7129, focused=True),
)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    category: str
    lang: str
    #: True for a danger message (the lines must be shown), False for a hard negative.
    danger: bool
    #: The batch the message comes from (its authors).
    batch: int = 1


def read_jsonl(path: Path, *, danger: bool, batch: int = 1) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or set(row) != {"text", "category", "lang"}:
            raise ValueError(f"{path}:{number}: expected text, category and lang")
        examples.append(Example(row["text"], row["category"], row["lang"], danger, batch))
    return examples


def write_jsonl(path: Path, examples: Iterable[Example]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (
        json.dumps({"text": e.text, "category": e.category, "lang": e.lang}, ensure_ascii=False)
        for e in examples
    )
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def half_path(batch: Batch, half: Half, name: str, corpus_dir: Path = CORPUS_DIR) -> Path:
    return batch.directory(corpus_dir) / half.value / f"{name}.jsonl"


def split(examples: Sequence[Example], seed: int) -> tuple[list[Example], list[Example]]:
    """(development, held-out): each category shuffled by `seed` and cut in two.

    The development part gets the smaller half of an odd category. Order within each part
    follows the source file, so the parts read like the source.
    """
    by_category: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_category[example.category].append(index)
    rng = random.Random(seed)
    development: set[int] = set()
    for category in sorted(by_category):
        indexes = by_category[category][:]
        rng.shuffle(indexes)
        development.update(indexes[: len(indexes) // 2])
    dev = [e for i, e in enumerate(examples) if i in development]
    held = [e for i, e in enumerate(examples) if i not in development]
    return dev, held


def source(batch: Batch, name: str, corpus_dir: Path = CORPUS_DIR) -> list[Example]:
    path = batch.directory(corpus_dir) / "source" / f"{name}.jsonl"
    return read_jsonl(path, danger=name == "danger", batch=batch.number)


def write_split(batch: Batch, corpus_dir: Path = CORPUS_DIR) -> None:
    """Write both parts of both files of `batch` from its source (done once; a test re-checks)."""
    for name in FILES:
        dev, held = split(source(batch, name, corpus_dir), batch.seed)
        write_jsonl(half_path(batch, Half.DEVELOPMENT, name, corpus_dir), dev)
        write_jsonl(half_path(batch, Half.HELDOUT, name, corpus_dir), held)


def general_batches(batches: Sequence[Batch] = BATCHES) -> frozenset[int]:
    """The numbers of the batches that sample every category (not focused)."""
    return frozenset(batch.number for batch in batches if not batch.focused)


def load(
    half: Half, batches: Sequence[Batch] = BATCHES, corpus_dir: Path = CORPUS_DIR
) -> list[Example]:
    """Danger messages then hard negatives of one half, batch after batch."""
    return [
        example
        for batch in batches
        for name in FILES
        for example in read_jsonl(
            half_path(batch, half, name, corpus_dir),
            danger=name == "danger",
            batch=batch.number,
        )
    ]


def half_files(
    half: Half, batches: Sequence[Batch] = BATCHES, corpus_dir: Path = CORPUS_DIR
) -> list[Path]:
    return [half_path(batch, half, name, corpus_dir) for batch in batches for name in FILES]
