"""The in-process crisis model: the blind corpus, training, evaluation, and the adapter of the
`domain.ports.DangerModel` port the crisis screen uses (no server, no database, no network).

`default_model()` is what the composition root calls at start: it loads the trained file once
per process and raises `ModelFileError` (one line, saying what to run) when the file is
missing, stale or corrupt.
"""

from __future__ import annotations

from functools import cache

from crisis_model.model import MODEL_FILE, ModelFileError, NgramDangerModel, load_model

__all__ = ["MODEL_FILE", "ModelFileError", "NgramDangerModel", "default_model", "load_model"]


@cache
def default_model() -> NgramDangerModel:
    """The trained model of this checkout, checked against its inputs (cached per process)."""
    return load_model(MODEL_FILE)
