"""The blind crisis corpus (data/crisis_corpus): reading it, and its one fixed split.

The source files were written by two authors who never saw the rules, the NLU data or
docs/crisis_phrases.md. `split` divides them once, by a fixed seed and stratified by category,
into a development half (training, tuning, `make test`) and a held-out half that only
`juntos crisis eval --heldout`, `make bench` and one end-to-end test read.
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
SOURCE_DIR = CORPUS_DIR / "source"
#: The seed of the one split. Changing it would let held-out messages leak into training.
SEED = 13
FILES = ("danger", "negatives")


class Half(StrEnum):
    DEVELOPMENT = "development"
    HELDOUT = "heldout"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    category: str
    lang: str
    #: True for a danger message (the lines must be shown), False for a hard negative.
    danger: bool


def read_jsonl(path: Path, *, danger: bool) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or set(row) != {"text", "category", "lang"}:
            raise ValueError(f"{path}:{number}: expected text, category and lang")
        examples.append(Example(row["text"], row["category"], row["lang"], danger))
    return examples


def write_jsonl(path: Path, examples: Iterable[Example]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (
        json.dumps({"text": e.text, "category": e.category, "lang": e.lang}, ensure_ascii=False)
        for e in examples
    )
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def half_path(half: Half, name: str, corpus_dir: Path = CORPUS_DIR) -> Path:
    return corpus_dir / half.value / f"{name}.jsonl"


def split(examples: Sequence[Example], seed: int = SEED) -> tuple[list[Example], list[Example]]:
    """(development, held-out): each category shuffled by `seed` and cut in two.

    The development half gets the smaller half of an odd category. Order within each half
    follows the source file, so the halves read like the source.
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


def source(name: str, corpus_dir: Path = CORPUS_DIR) -> list[Example]:
    return read_jsonl(corpus_dir / "source" / f"{name}.jsonl", danger=name == "danger")


def write_split(corpus_dir: Path = CORPUS_DIR, seed: int = SEED) -> None:
    """Write both halves of both files from the source files (done once; a test re-checks)."""
    for name in FILES:
        dev, held = split(source(name, corpus_dir), seed)
        write_jsonl(half_path(Half.DEVELOPMENT, name, corpus_dir), dev)
        write_jsonl(half_path(Half.HELDOUT, name, corpus_dir), held)


def load(half: Half, corpus_dir: Path = CORPUS_DIR) -> list[Example]:
    """Danger messages then hard negatives of one half."""
    return [
        example
        for name in FILES
        for example in read_jsonl(half_path(half, name, corpus_dir), danger=name == "danger")
    ]


def half_files(half: Half, corpus_dir: Path = CORPUS_DIR) -> list[Path]:
    return [half_path(half, name, corpus_dir) for name in FILES]
