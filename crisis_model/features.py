"""What the crisis model reads in a message: character and word n-grams, its emoji, and the
rules' evidence.

Training builds scikit-learn vectorizers from here; the bot scores with `crisis_model.runtime`
from the same constants and text functions (scikit-learn and SciPy are imported only when a
vectorizer is built). The n-grams are read on the
folded text (`domain.crisis.fold`: no accents, case, punctuation or emoji), the emoji on the
text as written (a 🕊️ or a 🥀 after "gracias por todo" says something the words do not), the
evidence is the list of rule families and context words the reviewed rules found
(`domain.crisis.read_rules`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from crisis_model.runtime import WORD_TOKEN
from domain.crisis import EVIDENCE_NAMES, MAX_CHARS, fold

#: The model reads at most this many characters: the start and the end of a longer message
#: (the rules read all of it). Keeps a 4,096-character message under a few milliseconds.
MAX_MODEL_CHARS = 1200
#: Weight of one piece of rule evidence next to the (L2-normalised) n-gram vectors.
EVIDENCE_WEIGHT = 0.5
#: Weight of the (L2-normalised) emoji vector (measured by grouped cross-validation on the
#: development set: +0.5 to +1 point of recall at the same false alarms).
EMOJI_WEIGHT = 0.5

#: Character n-grams (within words) and word n-grams of the folded text.
CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

_EVIDENCE_INDEX = {name: i for i, name in enumerate(EVIDENCE_NAMES)}


def clip(text: str) -> str:
    """The part of `text` the model reads: all of it, or its start and its end."""
    text = text[:MAX_CHARS]
    if len(text) <= MAX_MODEL_CHARS:
        return text
    half = MAX_MODEL_CHARS // 2
    return text[:half] + " " + text[-half:]


def model_text(text: str) -> str:
    """The text the n-grams are read on: clipped, then folded."""
    return fold(clip(text))


def emoji(text: str) -> list[str]:
    """The emoji and other symbols of `text`, one token each ("😭😭🙏" -> three tokens)."""
    return [c for c in clip(text) if unicodedata.category(c) == "So"]


def emoji_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer=emoji,
        sublinear_tf=True,
        # A symbol seen once in training is noise, not a signal.
        min_df=2,
        dtype=np.float64,
        vocabulary=vocabulary,
    )


def char_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        preprocessor=model_text,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float64,
        vocabulary=vocabulary,
    )


def word_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="word",
        ngram_range=WORD_NGRAMS,
        preprocessor=model_text,
        lowercase=False,
        token_pattern=WORD_TOKEN.pattern,
        sublinear_tf=True,
        dtype=np.float64,
        vocabulary=vocabulary,
    )


def evidence_matrix(evidence: Sequence[frozenset[str]]) -> csr_matrix:
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for row, names in enumerate(evidence):
        for name in names:
            if (col := _EVIDENCE_INDEX.get(name)) is not None:
                rows.append(row)
                cols.append(col)
    data = np.full(len(rows), EVIDENCE_WEIGHT)
    return csr_matrix((data, (rows, cols)), shape=(len(evidence), len(EVIDENCE_NAMES)))


class Featurizer:
    """The vectorizers (fitted or restored) and the evidence columns, side by side."""

    def __init__(
        self, chars: TfidfVectorizer, words: TfidfVectorizer, emoji: TfidfVectorizer
    ) -> None:
        self.chars = chars
        self.words = words
        self.emoji = emoji

    @classmethod
    def fit(cls, texts: Sequence[str]) -> Featurizer:
        chars, words, symbols = char_vectorizer(), word_vectorizer(), emoji_vectorizer()
        chars.fit(texts)
        words.fit(texts)
        symbols.fit(texts)
        return cls(chars, words, symbols)

    @property
    def ngram_columns(self) -> int:
        """How many of the first columns of `transform` are character and word n-grams."""
        return len(self.chars.vocabulary_) + len(self.words.vocabulary_)

    @property
    def size(self) -> int:
        return (
            len(self.chars.vocabulary_)
            + len(self.words.vocabulary_)
            + len(self.emoji.vocabulary_)
            + len(EVIDENCE_NAMES)
        )

    def transform(self, texts: Sequence[str], evidence: Sequence[frozenset[str]]) -> csr_matrix:
        from scipy.sparse import hstack

        return hstack(
            [
                self.chars.transform(texts),
                self.words.transform(texts),
                self.emoji.transform(texts) * EMOJI_WEIGHT,
                evidence_matrix(evidence),
            ],
            format="csr",
        )
