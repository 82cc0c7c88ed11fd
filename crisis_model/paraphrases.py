"""Groups of near-paraphrases, so cross-validation never tests a message on its own twin.

An author writing 900 messages writes some twice in other words ("se oyen balazos bien cerca,
estamos tirados en el piso" / "... estamos escondidos en el baño"). A fold that trains on one
and tests on the other measures memory, not generalisation: the first detector's
cross-validated estimate (95 % recall) was 3 points above what the held-out half then showed.
Folds are therefore cut by group: messages whose character n-grams are at least `SIMILARITY`
alike (cosine), and everything linked to them in a chain, fall in the same fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from domain.crisis import fold

#: Cosine of character 3-5-grams from which two messages count as near-paraphrases. Measured on
#: the development set: at 0.5 pairs are rewordings of one message ("me dijeron q si denuncio me
#: matan" / "unos malandros me dijeron q si los denuncio me matan"). With six batches, 0.5 chained
#: short cries, greetings and farewells into one group of 642 of the 5,340 development messages
#: (a fold's worth: the chain grows with the data); at 0.55 the largest group has 325 (bare
#: cries and short greetings), at 0.6 186, at 0.65 27, while pairs like the one above stay linked.
SIMILARITY = 0.55

Array = np.ndarray[Any, Any]


def paraphrase_groups(texts: Sequence[str], tested: Sequence[bool] | Array) -> Array:
    """A group number per text; texts in one group are near-paraphrases (in a chain).

    Links are read from every `tested` text (those scored out of fold) to every text, so a
    training-only text (an NLU example) joins the group of the messages it resembles and is
    never trained on while they are tested.
    """
    vectors = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False
    ).fit_transform([fold(text) for text in texts])
    rows = np.flatnonzero(np.asarray(tested, dtype=bool))
    similar = (vectors[rows] @ vectors.T).tocoo()
    keep = similar.data >= SIMILARITY
    links = csr_matrix(
        (np.ones(int(keep.sum())), (rows[similar.row[keep]], similar.col[keep])),
        shape=(len(texts), len(texts)),
    )
    _, labels = connected_components(links, directed=False)
    groups: Array = labels
    return groups
