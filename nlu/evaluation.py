"""Evaluate a trained model on the held-out set with `rasa test nlu`, and read its reports.

Rasa computes the figures (scikit-learn classification reports for intents and for each
entity extractor); this module reads them back, adds the confusion pairs, checks that
normalised entity values (taxonomy codes, es/en) came out right, and measures how the
client's confidence threshold trades answers for accuracy.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlu.process import ROOT, rasa_executable, run_rasa_command

EVAL_DIR = ROOT / "var" / "nlu-eval"
MIN_INTENT_F1 = 0.90
MIN_ENTITY_F1 = 0.85
#: Staff write in one message and the bot acts on it (a referral card, a follow-up card, a case):
#: each of these intents must reach this F1 on its own, not only through the macro average.
STAFF_INTENTS = ("registrar_referencia", "registrar_seguimiento", "consultar_caso")
MIN_STAFF_INTENT_F1 = 0.95
#: Entities whose values Rasa normalises (synonyms); their value must match, not only the span.
NORMALISED = ("tipo_servicio", "idioma", "edad", "filtro", "idioma_servicio")
#: Share of found NORMALISED spans whose value is right (a wrong one is a raw text, not a code).
MIN_VALUE_ACCURACY = 0.95


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Prediction:
    text: str
    intent: str
    predicted: str
    confidence: float


@dataclass
class Evaluation:
    intent_accuracy: float
    intent_macro_f1: float
    intents: dict[str, Scores]
    #: extractor name -> micro-averaged scores over its entities
    extractors: dict[str, Scores]
    entities: dict[str, Scores]
    predictions: list[Prediction]
    values_checked: int = 0
    values_wrong: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def entity_f1(self) -> float:
        """The lowest micro-F1 among entity extractors (0 when none ran)."""
        return min((s.f1 for s in self.extractors.values()), default=0.0)

    @property
    def entity_precision(self) -> float:
        return min((s.precision for s in self.extractors.values()), default=0.0)

    @property
    def entity_recall(self) -> float:
        return min((s.recall for s in self.extractors.values()), default=0.0)

    def confusions(self) -> list[tuple[str, str, int]]:
        """(expected, predicted, count) for every wrong intent, most frequent first."""
        pairs = Counter(
            (p.intent, p.predicted) for p in self.predictions if p.intent != p.predicted
        )
        return [(a, b, n) for (a, b), n in pairs.most_common()]

    def at_threshold(self, threshold: float) -> tuple[float, float]:
        """(share of messages answered, accuracy among them) when below-threshold -> None."""
        answered = [p for p in self.predictions if p.confidence >= threshold]
        if not self.predictions or not answered:
            return 0.0, 0.0
        correct = sum(p.intent == p.predicted for p in answered)
        return len(answered) / len(self.predictions), correct / len(answered)

    @property
    def value_accuracy(self) -> float:
        """Share of found NORMALISED spans whose value is right (1 when none was checked)."""
        if not self.values_checked:
            return 1.0
        return 1 - len(self.values_wrong) / self.values_checked

    def staff_below(self, min_f1: float) -> dict[str, float]:
        """Staff intents whose held-out F1 is under `min_f1` (absent ones count as 0)."""
        scores = {
            name: self.intents[name].f1 if name in self.intents else 0.0 for name in STAFF_INTENTS
        }
        return {name: f1 for name, f1 in scores.items() if f1 < min_f1}

    def failures(
        self,
        min_intent_f1: float = MIN_INTENT_F1,
        min_entity_f1: float = MIN_ENTITY_F1,
        min_staff_f1: float = MIN_STAFF_INTENT_F1,
        min_value_accuracy: float = MIN_VALUE_ACCURACY,
    ) -> list[str]:
        """Why the evaluation fails its thresholds, one sentence each (empty when it passes)."""
        found = []
        if self.intent_macro_f1 < min_intent_f1:
            found.append(f"intent macro-F1 {self.intent_macro_f1:.3f} (min {min_intent_f1:.2f})")
        if self.entity_f1 < min_entity_f1:
            found.append(f"entity F1 {self.entity_f1:.3f} (min {min_entity_f1:.2f})")
        for name, f1 in self.staff_below(min_staff_f1).items():
            found.append(f"{name} F1 {f1:.3f} (min {min_staff_f1:.2f})")
        if self.value_accuracy < min_value_accuracy:
            found.append(
                f"normalised values right {self.value_accuracy:.3f} (min {min_value_accuracy:.2f})"
            )
        return found


def run_rasa_test(model: Path, test_file: Path, out_dir: Path = EVAL_DIR) -> None:
    """Run `rasa test nlu` writing reports, errors and successes into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.json"):
        old.unlink()
    command = [
        str(rasa_executable()),
        "test",
        "nlu",
        "--model",
        str(model),
        "--nlu",
        str(test_file),
        "--out",
        str(out_dir),
        "--successes",
        "--no-plot",
        "--quiet",
    ]
    returncode = run_rasa_command(command, "rasa-test.log")
    if returncode != 0:
        raise RuntimeError(f"rasa test nlu failed with exit code {returncode}")


def read_evaluation(out_dir: Path = EVAL_DIR) -> Evaluation:
    """Read the reports `rasa test nlu` wrote into `out_dir`."""
    intent_report = _load(out_dir / "intent_report.json")
    predictions = [
        Prediction(
            text=item["text"],
            intent=item["intent"],
            predicted=(item.get("intent_prediction") or {}).get("name") or "",
            confidence=float((item.get("intent_prediction") or {}).get("confidence") or 0.0),
        )
        for name in ("intent_successes.json", "intent_errors.json")
        if (out_dir / name).exists()
        for item in _load(out_dir / name)
    ]
    extractors: dict[str, Scores] = {}
    entities: dict[str, Scores] = {}
    for report in sorted(out_dir.glob("*_report.json")):
        extractor = report.name.removesuffix("_report.json")
        if extractor == "intent":
            continue
        data = _load(report)
        average = data.get("micro avg") or data.get("weighted avg")
        if average is None:
            continue
        extractors[extractor] = _scores(average)
        for label, values in data.items():
            if isinstance(values, dict) and not label.endswith(" avg"):
                entities[label] = _scores(values)
    checked, wrong = _check_values(out_dir)
    return Evaluation(
        intent_accuracy=float(intent_report["accuracy"]),
        intent_macro_f1=float(intent_report["macro avg"]["f1-score"]),
        intents={
            label: _scores(values)
            for label, values in intent_report.items()
            if isinstance(values, dict) and not label.endswith(" avg")
        },
        extractors=extractors,
        entities=entities,
        predictions=predictions,
        values_checked=checked,
        values_wrong=wrong,
    )


def _check_values(out_dir: Path) -> tuple[int, list[tuple[str, str, str]]]:
    """Count gold entities in NORMALISED whose span was found, and list wrong values."""
    checked = 0
    wrong: list[tuple[str, str, str]] = []
    for path in sorted(out_dir.glob("*_successes.json")) + sorted(out_dir.glob("*_errors.json")):
        if path.name.startswith("intent_"):
            continue
        for item in _load(path):
            predicted = {
                (e.get("entity"), e.get("start"), e.get("end")): str(e.get("value"))
                for e in item.get("predicted_entities") or ()
            }
            for gold in item.get("entities") or ():
                if gold.get("entity") not in NORMALISED:
                    continue
                key = (gold.get("entity"), gold.get("start"), gold.get("end"))
                if key not in predicted:
                    continue
                checked += 1
                if predicted[key] != str(gold.get("value")):
                    wrong.append((str(gold["entity"]), str(gold.get("value")), predicted[key]))
    return checked, wrong


def _scores(values: dict[str, Any]) -> Scores:
    return Scores(
        precision=float(values["precision"]),
        recall=float(values["recall"]),
        f1=float(values["f1-score"]),
        support=int(values["support"]),
    )


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)
