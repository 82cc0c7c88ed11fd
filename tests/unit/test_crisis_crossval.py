"""Leave-one-batch-out cross-validation never lets a batch's authors reach the model that
scores them: not its training, not its calibration, not its thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from crisis_model import crossval, training
from crisis_model.corpus import BATCHES
from crisis_model.evaluation import format_crossval
from domain.ports import DangerThresholds

Array = np.ndarray[Any, Any]


@dataclass
class RecordingDetector:
    """Stands in for the trained detector: shows the lines exactly for the danger rows."""

    trained_on: Array
    thresholds: DangerThresholds = field(default_factory=lambda: DangerThresholds(0.5, 0.5, 0.9))

    def probabilities(self, data: training.TrainingSet, rows: Array) -> Array:
        p: Array = np.where(data.danger[rows], 0.95, 0.05)
        return p


@pytest.fixture(scope="module")
def data() -> training.TrainingSet:
    return training.training_set()


def test_each_batch_is_scored_by_a_detector_that_never_saw_it(
    data: training.TrainingSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    fitted: list[RecordingDetector] = []

    def fit(data: training.TrainingSet, rows: Array) -> RecordingDetector:
        fitted.append(RecordingDetector(rows))
        return fitted[-1]

    monkeypatch.setattr(training, "fit_detector", fit)
    rounds = crossval.by_batch(data)

    corpus_batches = sorted(set(data.batches[data.from_corpus].tolist()))
    assert [r.batch for r in rounds] == corpus_batches  # a new batch is a new round
    scored = np.zeros(len(data.texts), dtype=int)
    for round_, detector in zip(rounds, fitted, strict=True):
        train = detector.trained_on
        assert not (data.batches[train] == round_.batch).any()
        # NLU examples that reword a tested message stay out of that round's training
        nlu_in_training = train[~data.from_corpus[train]]
        assert not set(data.groups[nlu_in_training]) & set(data.groups[round_.rows])
        assert (data.batches[round_.rows] == round_.batch).all()
        scored[round_.rows] += 1
    assert (scored[data.from_corpus] == 1).all()  # every development message, exactly once
    assert (scored[~data.from_corpus] == 0).all()  # NLU examples are never measured

    # The screen is the rules and the detector together: the false alarms left are the
    # negatives the rules themselves read as clear danger.
    report = crossval.report(rounds, data)
    negatives = np.flatnonzero(data.from_corpus & ~data.danger)
    rules_alone = training.lines_shown(
        np.zeros(len(negatives)), [data.rules[i] for i in negatives], fitted[0].thresholds
    )
    assert report.recall() == 1.0
    assert report.false_alarm_rate() == pytest.approx(rules_alone.mean())
    printed = format_crossval(report, "cv")
    for batch in corpus_batches:
        assert f"part {batch}" in printed
    assert "suicide_farewell" in printed and "past_calm" in printed


def test_juntos_crisis_cv_prints_every_part_and_the_targets(
    data: training.TrainingSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from juntos.cli import app

    monkeypatch.setattr(training, "training_set", lambda: data)
    monkeypatch.setattr(training, "fit_detector", lambda data, rows: RecordingDetector(rows))
    result = CliRunner().invoke(app, ["crisis", "cv"])
    assert result.exit_code == 0, result.output
    assert "leave-one-batch-out" in result.output
    for batch in sorted(set(data.batches[data.from_corpus].tolist())):
        assert f"without batch {batch}" in result.output
        focused = " (f)" if any(b.number == batch and b.focused for b in BATCHES) else ""
        assert f"targets on part {batch}{focused} with Rasa down" in result.output
    assert "targets on general with Rasa down" in result.output
    assert "recall, all danger" in result.output
