"""A fake for the crisis screen's `DangerModel` port: one probability for every message."""

from __future__ import annotations

from domain.ports import DangerThresholds

THRESHOLDS = DangerThresholds(show=0.6, keep=0.4, danger=0.9)


class FixedDangerModel:
    """Reads every message with the same probability (to test the policy, not the model)."""

    thresholds = THRESHOLDS

    def __init__(self, probability: float) -> None:
        self.probability = probability

    def danger_probability(self, text: str, evidence: frozenset[str]) -> float:
        return self.probability
