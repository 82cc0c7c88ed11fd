"""The blind corpus: each batch split once; the committed parts are exactly the seeded split."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from crisis_model import corpus
from crisis_model.corpus import BATCHES, Batch, Half

CASES = [(batch, name) for batch in BATCHES for name in corpus.FILES]
IDS = [f"{batch.name}-{name}" for batch, name in CASES]


@pytest.mark.parametrize(("batch", "name"), CASES, ids=IDS)
def test_the_committed_parts_are_the_seeded_split_of_the_source(batch: Batch, name: str) -> None:
    dev, held = corpus.split(corpus.source(batch, name), batch.seed)
    danger = name == "danger"
    for half, expected in ((Half.DEVELOPMENT, dev), (Half.HELDOUT, held)):
        path = corpus.half_path(batch, half, name)
        assert corpus.read_jsonl(path, danger=danger, batch=batch.number) == expected


@pytest.mark.parametrize(("batch", "name"), CASES, ids=IDS)
def test_every_category_is_cut_in_two_with_no_message_in_both_parts(
    batch: Batch, name: str
) -> None:
    source = corpus.source(batch, name)
    dev, held = corpus.split(source, batch.seed)
    assert not {e.text for e in dev} & {e.text for e in held}
    assert len(dev) + len(held) == len(source)
    dev_counts, held_counts = Counter(e.category for e in dev), Counter(e.category for e in held)
    assert set(dev_counts) == set(held_counts)
    for category, count in dev_counts.items():
        assert held_counts[category] - count in (0, 1), category


#: SHA-256 of the first held-out part as it was measured before batch 2 came (commit 1e5c501).
FIRST_HELDOUT_SHA256 = {
    "danger": "4ef216b3c7a7105e0075bc9acd60863914fab69a6c56b28c094337a5507e7cfb",
    "negatives": "c66976c95a66fd15287b1603489d30ffb65f732b294d723c6e319122eb35fe88",
}


@pytest.mark.parametrize("name", corpus.FILES)
def test_the_first_heldout_part_is_byte_for_byte_the_one_measured_before_batch_two(
    name: str,
) -> None:
    path = corpus.half_path(BATCHES[0], Half.HELDOUT, name)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FIRST_HELDOUT_SHA256[name]
    assert BATCHES[0].seed == 13


def test_the_development_set_is_the_development_parts_of_every_batch() -> None:
    dev = corpus.load(Half.DEVELOPMENT)
    assert {e.batch for e in dev} == {batch.number for batch in BATCHES}
    held = {(e.batch, e.text, e.category) for e in corpus.load(Half.HELDOUT)}
    assert not held & {(e.batch, e.text, e.category) for e in dev}
    assert corpus.half_files(Half.DEVELOPMENT) == [
        corpus.half_path(batch, Half.DEVELOPMENT, name)
        for batch in BATCHES
        for name in corpus.FILES
    ]


@pytest.mark.parametrize("batch", BATCHES, ids=[b.name for b in BATCHES])
def test_each_batch_is_as_large_as_the_issue_asks(batch: Batch) -> None:
    danger, negatives = corpus.source(batch, "danger"), corpus.source(batch, "negatives")
    # A focused batch covers only the categories missed most (and the negatives nearest them).
    categories = 5 if batch.focused else 15
    assert len(danger) >= 400 and len({e.category for e in danger}) >= categories
    assert len(negatives) >= 400
