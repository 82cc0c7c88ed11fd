"""The bot scores messages without scikit-learn (crisis_model.runtime): the same probability
as the vectorizers and coefficients training fitted, for every development message and for odd
ones, and a bot process (all of `juntos`) that never imports scikit-learn or SciPy."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from crisis_model import MODEL_FILE, corpus, default_model
from crisis_model.corpus import Half
from crisis_model.features import (
    Featurizer,
    char_vectorizer,
    emoji_vectorizer,
    word_vectorizer,
)
from crisis_model.runtime import char_wb_ngrams, word_ngrams
from domain.crisis import read_rules

ODD = ["", "   ", "a", "😭😭🙏", "AYUDAAAA!!!", "me\u200bquiero\u202emorir", "x" * 4096, "ñ " * 900]


def fitted_featurizer() -> tuple[Featurizer, np.ndarray]:
    """The scikit-learn vectorizers as training left them, rebuilt from the model file."""
    with np.load(MODEL_FILE, allow_pickle=False) as arrays:
        built = []
        for kind, make in (("char", char_vectorizer), ("word", word_vectorizer)):
            vectorizer = make({str(t): i for i, t in enumerate(arrays[f"{kind}_terms"])})
            vectorizer.idf_ = arrays[f"{kind}_idf"]
            built.append(vectorizer)
        symbols = emoji_vectorizer({str(t): i for i, t in enumerate(arrays["emoji_terms"])})
        symbols.idf_ = arrays["emoji_idf"]
        return Featurizer(built[0], built[1], symbols), np.asarray(arrays["coef"])


def test_the_runtime_scores_every_message_as_the_fitted_vectorizers_do() -> None:
    texts = [e.text for e in corpus.load(Half.DEVELOPMENT)] + ODD
    evidence = [read_rules(t).evidence for t in texts]
    featurizer, coef = fitted_featurizer()
    expected = featurizer.transform(texts, evidence) @ coef
    model = default_model()
    intercept = model.raw_score("", frozenset()) - featurizer.transform([""], [frozenset()]) @ coef
    found = np.array([model.raw_score(t, e) for t, e in zip(texts, evidence, strict=True)]) - float(
        intercept[0]
    )
    assert np.allclose(found, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("hola  wey\tya", 2, 5), ("ayuda", 1, 1), ("no me quiero ir", 1, 3), ("", 2, 5)],
)
def test_the_ngrams_are_the_analyzers_own(text: str, low: int, high: int) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high)).build_analyzer()
    words = TfidfVectorizer(
        analyzer="word", ngram_range=(low, high), token_pattern=r"(?u)\b\w+\b"
    ).build_analyzer()
    assert char_wb_ngrams(text, low, high) == chars(text)
    assert word_ngrams(text, low, high) == words(text)


def test_loading_the_model_imports_neither_scikit_learn_nor_scipy() -> None:
    probe = (
        "import sys; from crisis_model import default_model; "
        "default_model().danger_probability('me quiero morir', frozenset()); "
        "import juntos.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
