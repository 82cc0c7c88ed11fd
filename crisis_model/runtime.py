"""Scoring one message with the trained model, in the bot's process, without scikit-learn.

Training fits scikit-learn's `TfidfVectorizer`s and a logistic regression; what it saves is
plain arrays (each vectorizer's terms and idf, the coefficients). Importing scikit-learn (and
the SciPy modules it pulls in) costs a bot process about 90 MB it would only need to split a
message into n-grams. So the bot reads the arrays with numpy and splits messages here, the same
way `TfidfVectorizer` does for the settings `crisis_model.features` gives it (`char_wb` and
`word` analyzers, sublinear tf, l2 norm). `tests/unit/test_crisis_runtime.py` checks that both
give the same probability for every message of the corpus, so a change of those settings (or
of scikit-learn) that this module does not follow fails there.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

_WHITE_SPACES = re.compile(r"\s\s+")
#: `TfidfVectorizer(token_pattern=...)` of the word vectorizer.
WORD_TOKEN = re.compile(r"(?u)\b\w+\b")


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside words, each word padded with a space on both sides (what the
    `char_wb` analyzer yields, in the same order)."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < size:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    """Word n-grams (tokens joined by one space), as the `word` analyzer yields them."""
    tokens = WORD_TOKEN.findall(text)
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class TermScorer:
    """One vectorizer's part of the linear score: sublinear tf times idf over the known terms,
    l2-normalised, dotted with the coefficients of those terms."""

    def __init__(
        self, terms: Sequence[str], idf: np.ndarray[Any, Any], coef: np.ndarray[Any, Any]
    ) -> None:
        if not (len(terms) == len(idf) == len(coef)):
            raise ValueError("terms, idf and coefficients differ in length")
        self._index = {str(term): i for i, term in enumerate(terms)}
        self._idf: list[float] = [float(x) for x in idf]
        self._coef: list[float] = [float(x) for x in coef]

    def __len__(self) -> int:
        return len(self._index)

    def score(self, grams: Sequence[str]) -> float:
        index = self._index
        counts = Counter(g for g in grams if g in index)
        dot = norm = 0.0
        for gram, count in counts.items():
            i = index[gram]
            weight = (1.0 + math.log(count)) * self._idf[i]
            dot += weight * self._coef[i]
            norm += weight * weight
        return dot / math.sqrt(norm) if norm else 0.0
