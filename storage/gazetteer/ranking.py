"""Ranking the gazetteer's candidates: one score from match quality and population."""

from __future__ import annotations

import math
from dataclasses import replace

from rapidfuzz import fuzz

from domain.ports import PlaceCandidate

MATCH_WEIGHT = 0.93
#: Among colonias equally similar by WRatio, the one closest in length comes first.
RATIO_TIEBREAK = 0.03


def combined_score(match: float, population: int, bonus: float) -> float:
    """0-100: 93 % match quality plus log10 of the population (up to ~7 points)."""
    value = MATCH_WEIGHT * match + math.log10(1 + max(population, 0)) + bonus
    return round(min(100.0, max(0.0, value)), 1)


def tie_broken(query: str, name_key: str, similarity: float) -> float:
    return min(100.0, similarity + RATIO_TIEBREAK * fuzz.ratio(query, name_key))


def lowered(candidate: PlaceCandidate, penalty: float) -> PlaceCandidate:
    if not penalty:
        return candidate
    return replace(candidate, score=round(max(0.0, candidate.score - penalty), 1))


class Candidates:
    """Candidates by identity, keeping each one's best score."""

    def __init__(self) -> None:
        self._best: dict[tuple[str, str, str], PlaceCandidate] = {}

    def add(self, candidate: PlaceCandidate) -> None:
        # One entry per colonia name and municipality: its other postal codes are the same
        # place to a member choosing where they are.
        identity = (candidate.kind, candidate.inegi_code, candidate.name)
        known = self._best.get(identity)
        if known is None or candidate.score > known.score:
            self._best[identity] = candidate

    def __bool__(self) -> bool:
        return bool(self._best)

    def best(self) -> float:
        return max((c.score for c in self._best.values()), default=0.0)

    def top(self, limit: int) -> list[PlaceCandidate]:
        ranked = sorted(
            self._best.values(),
            key=lambda c: (-c.score, c.name, c.inegi_code, c.kind, c.postal_code or ""),
        )
        return ranked[:limit]
