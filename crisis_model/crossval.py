"""Leave-one-batch-out cross-validation: the honest forecast of a new batch's held-out figures.

Each batch of the corpus was written by its own authors. A model tested on messages by authors
it was trained on measures how well it learnt those authors; the held-out parts and the next
batch are written by people it never saw. So each batch's development part is scored, in turn,
by the whole training procedure (features, classifier, calibration and thresholds, exactly as
`crisis_model.training.train` does them) run on the other batches only: nothing of the test
batch reaches the model, its calibration or its thresholds. NLU examples that are
near-paraphrases of a test message are left out of that round's training too.

The rules are the same in every round (they are code): they were reviewed on the development
parts, so on a part they were reviewed on, their share of the figures is in-sample.

`juntos crisis cv` prints the figures (overall, per batch part, per category).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from crisis_model import training
from crisis_model.corpus import Example
from crisis_model.evaluation import Outcome, Report
from crisis_model.training import TrainingSet
from domain.ports import DangerThresholds

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Round:
    """One round: the batch left out and the thresholds chosen without it."""

    batch: int
    thresholds: DangerThresholds
    #: Row indexes (in the training set) of the batch's development part.
    rows: Array
    #: Calibrated model probability of each of those rows.
    probability: Array
    #: Whether the screen (rules and model, Rasa down) shows the lines for each of those rows.
    shown: Array


def by_batch(data: TrainingSet | None = None) -> list[Round]:
    """Every batch's development part, screened by a detector trained without that batch."""
    data = data if data is not None else training.training_set()
    corpus_batches = sorted(set(data.batches[data.from_corpus].tolist()))
    rounds = []
    for batch in corpus_batches:
        test = np.flatnonzero(data.from_corpus & (data.batches == batch))
        linked = np.isin(data.groups, data.groups[test])
        train = np.flatnonzero((data.batches != batch) & ~(~data.from_corpus & linked))
        detector = training.fit_detector(data, train)
        p = detector.probabilities(data, test)
        shown = training.lines_shown(p, [data.rules[i] for i in test], detector.thresholds)
        rounds.append(Round(batch, detector.thresholds, test, p, shown))
    return rounds


def report(rounds: list[Round], data: TrainingSet) -> Report:
    """The rounds as an evaluation report (Rasa down), for `format_heldout`."""
    outcomes = []
    for round_ in rounds:
        for row, shown in zip(round_.rows, round_.shown, strict=True):
            example = Example(
                data.texts[row],
                data.labels[row].split(":", 1)[1],
                "",
                bool(data.danger[row]),
                int(data.batches[row]),
            )
            outcomes.append(Outcome(example, bool(shown), bool(shown), "cv"))
    return Report(outcomes)
