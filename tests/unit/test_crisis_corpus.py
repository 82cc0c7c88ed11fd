"""The blind corpus is split once: the committed halves are exactly the seeded split."""

from __future__ import annotations

from collections import Counter

import pytest

from crisis_model import corpus
from crisis_model.corpus import Half


@pytest.mark.parametrize("name", corpus.FILES)
def test_the_committed_halves_are_the_seeded_split_of_the_source(name: str) -> None:
    dev, held = corpus.split(corpus.source(name))
    danger = name == "danger"
    assert corpus.read_jsonl(corpus.half_path(Half.DEVELOPMENT, name), danger=danger) == dev
    assert corpus.read_jsonl(corpus.half_path(Half.HELDOUT, name), danger=danger) == held


@pytest.mark.parametrize("name", corpus.FILES)
def test_every_category_is_cut_in_two_with_no_message_in_both_halves(name: str) -> None:
    dev, held = corpus.split(corpus.source(name))
    assert not {e.text for e in dev} & {e.text for e in held}
    assert len(dev) + len(held) == len(corpus.source(name))
    dev_counts, held_counts = Counter(e.category for e in dev), Counter(e.category for e in held)
    assert set(dev_counts) == set(held_counts)
    for category, count in dev_counts.items():
        assert held_counts[category] - count in (0, 1), category


def test_the_corpus_is_as_large_as_the_issue_asks() -> None:
    danger, negatives = corpus.source("danger"), corpus.source("negatives")
    assert len(danger) >= 400 and len({e.category for e in danger}) >= 15
    assert len(negatives) >= 400
