"""Split a batch of the blind crisis corpus once: development and held-out parts, by its seed.

    .venv/bin/python scripts/split_crisis_corpus.py BATCH     # e.g. 2

Done once per batch; the parts are committed. tests/unit/test_crisis_corpus.py checks that they
are exactly what this script writes from data/crisis_corpus/batchN/source, so rerunning it
changes nothing. Never change a batch's seed (crisis_model.corpus.BATCHES): held-out messages
would move into training. A new batch gets a new entry there, with its own seed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crisis_model.corpus import BATCHES, CORPUS_DIR, write_split

if __name__ == "__main__":
    numbers = {str(batch.number): batch for batch in BATCHES}
    if len(sys.argv) != 2 or sys.argv[1] not in numbers:
        sys.exit(f"usage: {sys.argv[0]} BATCH (one of {', '.join(numbers)})")
    batch = numbers[sys.argv[1]]
    write_split(batch, CORPUS_DIR)
    print(
        f"wrote {batch.directory()}/development and {batch.directory()}/heldout (seed {batch.seed})"
    )
