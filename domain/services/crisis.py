"""The crisis screen: every text a person writes goes through `CrisisScreen.screen` first.

Two signals, both in process: the reviewed rules (`domain.crisis`) and a statistical model
behind the `DangerModel` port. The rules are the floor: what they read as clear danger is
danger whatever the model says. The model adds what the rules cannot phrase, and answers the
rules' doubts, except the ones the reviewers decided must always show the lines ("held": a
clear phrase softened only by a negation or laughter, "no me quiero morir", "me quiero morir
jaja", or a message that is nothing but a cry for help, "AYUDAAA", "urge ayuda"):

| rules read       | model probability p            | the screen says                  |
|------------------|--------------------------------|----------------------------------|
| a short answer   | any                            | nothing ("no", "ya", "ok")       |
| clear danger     | any                            | danger (the rules' kinds)        |
| uncertain        | p >= thresholds.danger         | danger (the rules' kinds)        |
| uncertain        | thresholds.keep <= p           | uncertain (the rules' kinds)     |
| uncertain, held  | any                            | uncertain (the rules' kinds)     |
| uncertain        | p < thresholds.keep            | nothing                          |
| nothing          | thresholds.show <= p           | uncertain (unspecified danger):  |
|                  |                                | the model alone never says danger|
| nothing          | p < thresholds.show            | nothing                          |

"Uncertain" means "when in doubt, show the lines": the lines, then the normal answer. Message
text, captions, edits, forwarded text and (later) the staff relay all call the same screen.

Rasa's `emergencia` intent (when Rasa is up) is one more doubt, answered like the rules' doubts:
it shows the lines when the screen already does, or when the model gives the message at least
the `keep` probability (`nlu_emergency_counts`). Alone, Rasa read violence words in films,
idioms and news as emergencies: cross-validated on the development set it added 1.7 points of
recall and 5.8 of false alarms; answered by the model, 0.7 points of recall for 0.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.crisis import CrisisSignal, DangerKind, RuleReading, read_rules
from domain.ports import DangerModel, DangerThresholds

#: The kind the model reports when the rules name none: 911 and the Línea de la Vida.
UNSPECIFIED = frozenset({DangerKind.EMERGENCY})


class Source(StrEnum):
    RULES = "rules"
    MODEL = "model"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Screening:
    """The screen's answer, with what each signal said (for evaluation and logs)."""

    signal: CrisisSignal | None
    rules: CrisisSignal | None
    probability: float

    @property
    def source(self) -> Source | None:
        """Which signal made the lines show (None when they do not)."""
        if self.signal is None:
            return None
        if self.rules is None:
            return Source.MODEL
        if not self.rules.uncertain:
            return Source.RULES
        return Source.BOTH  # the rules' doubt, confirmed (or made danger) by the model


class CrisisScreen:
    """The rules and the model together; cheap enough to run on every message."""

    def __init__(self, model: DangerModel) -> None:
        self.model = model

    def screen(self, text: str) -> Screening:
        """Read `text` with both signals; never raises, whatever the text."""
        rules = read_rules(text)
        probability = self.model.danger_probability(text, rules.evidence)
        return Screening(
            decide(rules, probability, self.model.thresholds), rules.signal, probability
        )

    def counts_nlu_emergency(self, text: str) -> bool:
        """Whether Rasa's `emergencia` reading of `text` should show the lines."""
        return nlu_emergency_counts(self.screen(text), self.model.thresholds)


def nlu_emergency_counts(screening: Screening, thresholds: DangerThresholds) -> bool:
    """Rasa's `emergencia` as one more doubt: it counts when the screen shows the lines anyway
    or the model gives the message at least the `keep` probability."""
    return screening.signal is not None or screening.probability >= thresholds.keep


def decide(
    reading: RuleReading, probability: float, thresholds: DangerThresholds
) -> CrisisSignal | None:
    """The table above: the rules' reading and the model's probability, one answer."""
    rules = reading.signal
    if reading.answer:
        return None
    if rules is not None and (not rules.uncertain or probability >= thresholds.danger):
        return CrisisSignal(rules.kinds, uncertain=False)
    if rules is not None:
        return rules if reading.held or probability >= thresholds.keep else None
    if probability >= thresholds.show:
        # The model alone shows the lines but never silences the rest of the bot: what the
        # person wrote still gets its answer (a false alarm must not swallow a "no").
        return CrisisSignal(UNSPECIFIED, uncertain=True)
    return None
