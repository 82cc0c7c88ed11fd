"""Training scales the n-gram features by how strongly each one sides with danger, and the
coefficients it saves already include that scaling (the bot reads plain TF-IDF features)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from crisis_model import training

Array = np.ndarray[Any, Any]


def test_an_ngram_seen_only_in_danger_scales_up_and_one_seen_in_both_stays_near_zero() -> None:
    # columns: "me quiero morir" (danger only), "jaja" (ordinary only), "hoy" (both, evenly)
    features = csr_matrix(
        np.array(
            [
                [0.7, 0.0, 0.3],
                [0.9, 0.0, 0.2],
                [0.0, 0.8, 0.3],
                [0.0, 0.6, 0.4],
            ]
        )
    )
    danger = np.array([True, True, False, False])
    ratios = training.log_count_ratios(features, danger, np.ones(4))
    assert ratios[0] > 1.0
    assert ratios[1] < -1.0
    assert abs(ratios[2]) < 1e-9


def test_a_lightly_weighted_example_moves_the_ratio_less() -> None:
    features = csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    danger = np.array([True, False, False, False])
    heavy = training.log_count_ratios(features, danger, np.ones(4))
    light = training.log_count_ratios(features, danger, np.array([1.0, 1.0, 0.03, 1.0]))
    assert light[0] > heavy[0]  # the ordinary use of column 0 counts for 3 % of a message


def test_the_saved_coefficients_score_plain_features_as_the_scaled_regression_does() -> None:
    data = training.training_set()
    rows = np.flatnonzero(data.from_corpus)[::10]
    featurizer, classifier = training._fit(data, rows)
    texts = [data.texts[i] for i in rows]
    plain = featurizer.transform(texts, [data.evidence[i] for i in rows])
    danger, weights = data.danger[rows], data.weights[rows]
    scale = np.ones(plain.shape[1])
    scale[: featurizer.ngram_columns] = training.log_count_ratios(
        plain[:, : featurizer.ngram_columns], danger, weights
    )
    scaled = LogisticRegression(
        C=training.C,
        class_weight="balanced",
        max_iter=5000,
        random_state=training.SEED,
        solver="lbfgs",
    ).fit(plain.multiply(scale).tocsr(), danger, sample_weight=weights)
    expected = scaled.decision_function(plain.multiply(scale).tocsr())
    assert np.allclose(classifier.decision_function(plain), expected, rtol=0, atol=1e-9)
    # and the scaling matters: the same regression on plain features scores otherwise
    unscaled = LogisticRegression(
        C=training.C, class_weight="balanced", max_iter=5000, random_state=training.SEED
    ).fit(plain, danger, sample_weight=weights)
    assert not np.allclose(unscaled.decision_function(plain), expected, atol=1e-3)
