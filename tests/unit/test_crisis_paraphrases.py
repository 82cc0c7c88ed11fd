"""Cross-validation never scores a message with a model that saw its near-paraphrase."""

from __future__ import annotations

import numpy as np
import pytest

from crisis_model import training
from crisis_model.paraphrases import paraphrase_groups


def test_rewordings_of_one_message_share_a_group_and_other_messages_do_not() -> None:
    texts = [
        "se oyen balazos bien cerca, estamos tirados en el piso",
        "se oyen balazos bien cerca, estamos escondidos en el baño",
        "me estan obligando a hacer cosas q no quiero",
        "me esta obligando a hacer cosas q no quiero, estoy en el baño escondida",
        "hoy me toca lavar los trastes",
    ]
    groups = paraphrase_groups(texts, tested=[True] * len(texts))
    assert groups[0] == groups[1]
    assert groups[2] == groups[3]
    assert len({groups[0], groups[2], groups[4]}) == 3


def test_a_training_only_text_joins_the_group_of_the_message_it_rewords() -> None:
    texts = [
        "no quiero seguir viviendo",  # tested (corpus)
        "NO QUIERO SEGUIR VIVIENDO!!",  # training only (an NLU example)
        "quiero buscar un abogado",  # training only, like nothing tested
    ]
    groups = paraphrase_groups(texts, tested=[True, False, False])
    assert groups[0] == groups[1] != groups[2]


@pytest.fixture(scope="module")
def data() -> training.TrainingSet:
    return training.training_set()


def test_no_fold_trains_on_a_group_it_tests(data: training.TrainingSet) -> None:
    tested = np.zeros(len(data.texts), dtype=int)
    for train, test in training.folds(data):
        assert not set(data.groups[train]) & set(data.groups[test])
        tested[test] += 1
    assert (tested == 1).all()  # every row is scored out of fold exactly once


def test_the_development_set_has_near_paraphrases_to_keep_together(
    data: training.TrainingSet,
) -> None:
    corpus_groups = data.groups[data.from_corpus]
    sizes = np.bincount(corpus_groups)
    assert (sizes > 1).sum() >= 50  # what an ungrouped split would leak across folds
    # No chain swallows a fold's worth of rows. The largest is a chain of short cries, pleas and
    # replies across categories (325 of the 5,340 messages of six development parts; bare cries
    # are rewordings of one another, and the ALWAYS rule shows them the lines anyway).
    assert sizes.max() <= len(corpus_groups) // 10
