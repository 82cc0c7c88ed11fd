"""The Rasa NLU training examples as (intent, text): more data for the crisis model.

`emergencia` examples are danger, every other intent is not. Read with a small line parser of
the Rasa 3 YAML layout the project writes (`- intent: NAME` / `examples: |` / `    - text`),
so the bot's environment needs no YAML library; entity annotations (`[x](entity)`,
`[x]{"entity": ...}`) are reduced to their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from crisis_model.corpus import ROOT

NLU_DATA_DIR = ROOT / "nlu" / "data" / "nlu"
DANGER_INTENT = "emergencia"

_INTENT = re.compile(r"- intent: (\S+)")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True, slots=True)
class IntentExample:
    intent: str
    text: str

    @property
    def danger(self) -> bool:
        return self.intent == DANGER_INTENT


def data_files(data_dir: Path = NLU_DATA_DIR) -> list[Path]:
    return sorted(data_dir.glob("*.yml"))


def read_examples(path: Path) -> list[IntentExample]:
    """Every intent example of one Rasa NLU file (lookup tables and synonyms are skipped)."""
    found: list[IntentExample] = []
    intent: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):
            match = _INTENT.match(line)
            intent = match.group(1) if match else None
        elif intent and line.startswith("    - "):
            text = _ANNOTATION.sub(r"\1", line[6:]).strip()
            if text:
                found.append(IntentExample(intent, text))
    return found


def load(data_dir: Path = NLU_DATA_DIR) -> list[IntentExample]:
    return [example for path in data_files(data_dir) for example in read_examples(path)]
