"""docs/crisis_phrases.md is the reviewed list: every example in it is read as it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.crisis import DangerKind, detect_crisis, read_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "crisis_phrases.md"
KIND_HEADING = re.compile(r"^## .*`(\w+)`\s*$")
EXAMPLE = re.compile(r"`([^`]+)`")


def table_rows(lines: list[str]) -> list[list[str]]:
    rows = [line.strip().strip("|").split("|") for line in lines if line.startswith("|")]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # skip header and separator


def sections() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            match = KIND_HEADING.match(line)
            current = match.group(1) if match else line[3:].strip()
            found[current] = []
        elif current:
            found[current].append(line)
    return found


#: How a row may say its examples are read: (uncertain, always shown whatever the model says).
READINGS = {
    "danger": (False, False),
    "uncertain": (True, False),
    "uncertain, always shown": (True, True),
}


def documented_readings() -> list[tuple[DangerKind, str, bool, bool]]:
    cases = []
    for title, lines in sections().items():
        if title not in set(DangerKind):
            continue
        for family, spanish, english, reading in table_rows(lines):
            assert reading in READINGS, (title, family, reading)
            for example in EXAMPLE.findall(spanish) + EXAMPLE.findall(english):
                cases.append((DangerKind(title), example, *READINGS[reading]))
    return cases


def documented_signals() -> list[tuple[DangerKind, str, bool]]:
    return [(kind, text, uncertain) for kind, text, uncertain, _ in documented_readings()]


def documented_non_triggers() -> list[str]:
    rows = table_rows(sections()["Must not trigger"])
    return [example for _, examples in rows for example in EXAMPLE.findall(examples)]


@pytest.mark.parametrize(("kind", "text", "uncertain"), documented_signals())
def test_every_documented_phrase_is_read_as_the_review_says(
    kind: DangerKind, text: str, uncertain: bool
) -> None:
    signal = detect_crisis(text)
    assert signal is not None, text
    assert kind in signal.kinds, (text, signal)
    assert signal.uncertain is uncertain, (text, signal)


@pytest.mark.parametrize(
    ("text", "always"),
    [(text, always) for _, text, uncertain, always in documented_readings() if uncertain],
)
def test_the_doubts_the_model_may_not_silence_are_the_documented_ones(
    text: str, always: bool
) -> None:
    assert read_rules(text).held is always, text


@pytest.mark.parametrize("text", documented_non_triggers())
def test_every_documented_colloquial_phrase_stays_silent(text: str) -> None:
    assert detect_crisis(text) is None


def test_the_reviewed_list_covers_every_kind_in_both_readings_where_it_applies() -> None:
    cases = documented_signals()
    assert {kind for kind, _, _ in cases} == set(DangerKind)
    assert all(any(k == kind and not u for k, _, u in cases) for kind in DangerKind)
    assert len(documented_non_triggers()) >= 40
