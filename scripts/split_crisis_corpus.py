"""Split the blind crisis corpus once: development and held-out halves, by a fixed seed.

    .venv/bin/python scripts/split_crisis_corpus.py

Already done; the halves are committed. tests/unit/test_crisis_corpus.py checks that they are
exactly what this script writes from data/crisis_corpus/source, so rerunning it changes
nothing. Never change the seed: held-out messages would move into training.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crisis_model.corpus import CORPUS_DIR, SEED, write_split

if __name__ == "__main__":
    write_split(CORPUS_DIR, SEED)
    print(f"wrote {CORPUS_DIR}/development and {CORPUS_DIR}/heldout (seed {SEED})")
