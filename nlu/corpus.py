"""Split a blind NLU corpus once, by a fixed seed, into a development half and a held-out half.

The development half may be read, studied and trained on; the held-out half goes into
`nlu/tests/test_nlu.yml` and is only ever evaluated. Annotated lines are kept byte for byte,
except for the mechanical adaptations in `adapt()` (the same rule on both halves).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_INTENT = re.compile(r"^- intent: (\S+)\s*$")
_EXAMPLE = re.compile(r"^    - (.+)$")
#: `#[CASO-0007](caso_id)`: Rasa's WhitespaceTokenizer keeps `#` inside the token, so a span
#: that leaves it out is misaligned; our convention (`[caso #23](caso_id)`) keeps it inside.
_HASH_OUTSIDE_CASE = re.compile(r"#\[([^\]]+)\]\(caso_id\)")
#: Our `edad` convention maps number words to digits (synonyms in data/nlu/casos.yml).
_NUMBER_WORDS = {
    "ocho": "8",
    "nueve": "9",
    "diez": "10",
    "once": "11",
    "doce": "12",
    "trece": "13",
    "catorce": "14",
    "quince": "15",
    "dieciseis": "16",
    "dieciséis": "16",
    "diecisiete": "17",
    "dieciocho": "18",
    "diecinueve": "19",
}
_AGE_WORD = re.compile(r"\[([^\]]+)\]\(edad\)")
#: Rasa's synonyms ignore the entity name: a `tipo_servicio` value on "centro comunitario" would
#: also turn every `organizacion` "centro comunitario" into that code: ours stays an organisation.
_COMMUNITY_CENTRE_AS_SERVICE = re.compile(
    r'\[(centro comunitario)\]\{"entity": "tipo_servicio", "value": "[a-z_]+"\}', re.IGNORECASE
)


@dataclass(frozen=True)
class Split:
    dev: dict[str, list[str]]
    heldout: dict[str, list[str]]


def read_examples(text: str) -> dict[str, list[str]]:
    """Intent -> annotated example lines (without the leading `- `), in file order."""
    examples: dict[str, list[str]] = {}
    intent: str | None = None
    for line in text.splitlines():
        if line.startswith("- "):
            match = _INTENT.match(line)
            intent = match.group(1) if match else None
            if intent is not None:
                examples.setdefault(intent, [])
        elif intent is not None and (example := _EXAMPLE.match(line)):
            examples[intent].append(example.group(1))
    return examples


def adapt(example: str) -> str:
    """Apply the mechanical annotation adaptations to one example line."""
    example = _HASH_OUTSIDE_CASE.sub(r"[#\1](caso_id)", example)
    example = _COMMUNITY_CENTRE_AS_SERVICE.sub(r"[\1](organizacion)", example)
    return _AGE_WORD.sub(_age_value, example)


def _age_value(match: re.Match[str]) -> str:
    digits = _NUMBER_WORDS.get(match.group(1).lower())
    if digits is None:
        return match.group(0)
    return f'[{match.group(1)}]{{"entity": "edad", "value": "{digits}"}}'


def split(examples: dict[str, list[str]], seed: int) -> Split:
    """Shuffle each intent with one `random.Random(seed)`; the first floor(n/2) are dev."""
    rng = random.Random(seed)
    dev: dict[str, list[str]] = {}
    heldout: dict[str, list[str]] = {}
    for intent in sorted(examples):
        lines = [adapt(line) for line in examples[intent]]
        rng.shuffle(lines)
        half = len(lines) // 2
        dev[intent], heldout[intent] = lines[:half], lines[half:]
    return Split(dev=dev, heldout=heldout)


def render(examples: dict[str, list[str]], comment: str) -> str:
    """A Rasa 3.1 NLU YAML document with one block per intent."""
    out = [f"# {line}".rstrip() for line in comment.splitlines()]
    out += ['version: "3.1"', "nlu:"]
    for intent, lines in examples.items():
        out += [f"- intent: {intent}", "  examples: |", *(f"    - {line}" for line in lines), ""]
    return "\n".join(out).rstrip("\n") + "\n"
