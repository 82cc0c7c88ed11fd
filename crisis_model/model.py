"""The trained crisis model on disk, and the in-process adapter of the `DangerModel` port.

The file is a NumPy `.npz` of plain arrays (vocabularies as fixed-width strings, idf weights,
coefficients, calibration) read with `allow_pickle=False`, so loading it cannot run code. A
JSON sidecar records the SHA-256 of the file and of everything the model was trained from
(the development half, the NLU data, the rules, the feature code, the library versions):
a missing, stale or corrupt model refuses to load with a one-line message saying what to run.

Loading needs numpy only: the bot scores messages with `crisis_model.runtime`, never importing
scikit-learn or SciPy (training does).
"""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from crisis_model import corpus, nlu_examples
from crisis_model.corpus import ROOT, Half
from crisis_model.features import (
    CHAR_NGRAMS,
    EMOJI_WEIGHT,
    EVIDENCE_WEIGHT,
    WORD_NGRAMS,
    Featurizer,
    emoji,
    model_text,
)
from crisis_model.runtime import TermScorer, char_wb_ngrams, word_ngrams
from domain.crisis import EVIDENCE_NAMES
from domain.ports import DangerThresholds

MODEL_DIR = ROOT / "crisis_model" / "trained"
MODEL_FILE = MODEL_DIR / "crisis-model.npz"
FORMAT = 2
REBUILD = "run `make crisis-model` (or `juntos crisis train`)"

#: The code whose change changes what training produces.
_CODE = [
    ROOT / "crisis_model" / name
    for name in ("features.py", "training.py", "nlu_examples.py", "paraphrases.py")
] + [ROOT / "domain" / "crisis.py", ROOT / "domain" / "crisis_phrases.py"]


class ModelFileError(Exception):
    """The model file cannot be used; the message is one line and says what to run."""


def meta_path(model_file: Path) -> Path:
    return model_file.with_suffix(".json")


def training_inputs() -> list[Path]:
    """Every file the model depends on, in a stable order."""
    return [*corpus.half_files(Half.DEVELOPMENT), *nlu_examples.data_files(), *_CODE]


def library_versions() -> dict[str, str]:
    return {
        "scikit-learn": version("scikit-learn"),
        "numpy": np.__version__,
        "scipy": version("scipy"),
    }


def inputs_digest(paths: list[Path] | None = None) -> str:
    """SHA-256 over the names and contents of the training inputs and the library versions."""
    digest = hashlib.sha256()
    for path in paths if paths is not None else training_inputs():
        digest.update(str(path.resolve().relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update(json.dumps(library_versions(), sort_keys=True).encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_up_to_date(model_file: Path = MODEL_FILE) -> bool:
    try:
        meta = json.loads(meta_path(model_file).read_text(encoding="utf-8"))
        return bool(model_file.is_file() and meta.get("inputs_sha256") == inputs_digest())
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class ModelParts:
    """What training produces (and `save` writes)."""

    featurizer: Featurizer
    coef: np.ndarray[Any, np.dtype[np.float64]]
    intercept: float
    #: Platt calibration: p = 1 / (1 + exp(slope * score + offset)).
    slope: float
    offset: float
    thresholds: DangerThresholds


def save(model_file: Path, parts: ModelParts, meta: dict[str, Any]) -> None:
    """Write the arrays, then the sidecar with their hash and the inputs' hash."""
    model_file.parent.mkdir(parents=True, exist_ok=True)
    chars, words, symbols = parts.featurizer.chars, parts.featurizer.words, parts.featurizer.emoji
    char_terms = sorted(chars.vocabulary_, key=chars.vocabulary_.__getitem__)
    word_terms = sorted(words.vocabulary_, key=words.vocabulary_.__getitem__)
    emoji_terms = sorted(symbols.vocabulary_, key=symbols.vocabulary_.__getitem__)
    t = parts.thresholds
    tmp = model_file.with_name(model_file.name + ".tmp.npz")
    np.savez_compressed(
        tmp,
        format=np.array(FORMAT),
        char_terms=np.array(char_terms, dtype=str),
        char_idf=chars.idf_,
        word_terms=np.array(word_terms, dtype=str),
        word_idf=words.idf_,
        emoji_terms=np.array(emoji_terms, dtype=str),
        emoji_idf=symbols.idf_,
        evidence_names=np.array(EVIDENCE_NAMES, dtype=str),
        coef=parts.coef,
        scalars=np.array([parts.intercept, parts.slope, parts.offset]),
        thresholds=np.array([t.show, t.keep, t.danger]),
    )
    tmp.replace(model_file)
    meta = {**meta, "format": FORMAT, "file_sha256": file_digest(model_file)}
    meta_path(model_file).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def read_meta(model_file: Path = MODEL_FILE) -> dict[str, Any]:
    try:
        meta = json.loads(meta_path(model_file).read_text(encoding="utf-8"))
    except OSError:
        raise ModelFileError(
            f"The crisis model is missing ({_shown(model_file)}): {REBUILD}."
        ) from None
    except ValueError:
        raise ModelFileError(
            f"The crisis model's record {_shown(meta_path(model_file))} is corrupt: {REBUILD}."
        ) from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"The crisis model's record is corrupt: {REBUILD}.")
    return meta


def load_model(model_file: Path = MODEL_FILE, *, check_inputs: bool = True) -> NgramDangerModel:
    """The model in `model_file`, checked against its record and (by default) its inputs.

    Raises ModelFileError (one line, what to run) when the file is missing, corrupt, or was
    trained from other data, rules or library versions than the ones here.
    """
    meta = read_meta(model_file)
    if not model_file.is_file():
        raise ModelFileError(f"The crisis model is missing ({_shown(model_file)}): {REBUILD}.")
    if meta.get("format") != FORMAT or meta.get("file_sha256") != file_digest(model_file):
        raise ModelFileError(
            f"The crisis model {_shown(model_file)} is corrupt (its hash does not match its "
            f"record): {REBUILD}."
        )
    if check_inputs and meta.get("inputs_sha256") != inputs_digest():
        raise ModelFileError(
            "The crisis model is stale (the development corpus, the NLU data, the rules or "
            f"scikit-learn changed since it was trained): {REBUILD}."
        )
    try:
        return NgramDangerModel(_read_parts(model_file))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ModelFileError(
            f"The crisis model {_shown(model_file)} is corrupt ({type(error).__name__}): {REBUILD}."
        ) from None


@dataclass(frozen=True)
class LoadedModel:
    """What the bot scores with: each vectorizer's terms, idf and coefficients, and the rest."""

    chars: TermScorer
    words: TermScorer
    symbols: TermScorer
    #: The coefficient of each piece of rule evidence.
    evidence: dict[str, float]
    intercept: float
    slope: float
    offset: float
    thresholds: DangerThresholds


def _read_parts(model_file: Path) -> LoadedModel:
    with np.load(model_file, allow_pickle=False) as arrays:
        if int(arrays["format"]) != FORMAT:
            raise ValueError("unknown format")
        if tuple(str(n) for n in arrays["evidence_names"]) != EVIDENCE_NAMES:
            raise ValueError("the rules' evidence changed")
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        sizes = [len(arrays[name]) for name in ("char_terms", "word_terms", "emoji_terms")]
        if coef.shape != (sum(sizes) + len(EVIDENCE_NAMES),) or not np.all(np.isfinite(coef)):
            raise ValueError("coefficients do not fit the vocabulary")
        start = 0
        scorers = []
        for kind, size in zip(("char", "word", "emoji"), sizes, strict=True):
            idf = np.asarray(arrays[f"{kind}_idf"], dtype=np.float64)
            scorers.append(TermScorer(arrays[f"{kind}_terms"], idf, coef[start : start + size]))
            start += size
        evidence = {name: float(c) for name, c in zip(EVIDENCE_NAMES, coef[start:], strict=True)}
        intercept, slope, offset = (float(x) for x in arrays["scalars"])
        show, keep, danger = (float(x) for x in arrays["thresholds"])
    chars, words, symbols = scorers
    return LoadedModel(
        chars,
        words,
        symbols,
        evidence,
        intercept,
        slope,
        offset,
        DangerThresholds(show, keep, danger),
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class NgramDangerModel:
    """The `DangerModel` port: n-grams, emoji and rule evidence, a linear score, a calibrated
    sigmoid."""

    def __init__(self, parts: LoadedModel) -> None:
        self._parts = parts

    @property
    def thresholds(self) -> DangerThresholds:
        return self._parts.thresholds

    def raw_score(self, text: str, evidence: frozenset[str]) -> float:
        """The linear score (before calibration), as the trained classifier computes it."""
        parts = self._parts
        folded = model_text(text)
        return (
            parts.chars.score(char_wb_ngrams(folded, *CHAR_NGRAMS))
            + parts.words.score(word_ngrams(folded, *WORD_NGRAMS))
            + EMOJI_WEIGHT * parts.symbols.score(emoji(text))
            + EVIDENCE_WEIGHT * sum(parts.evidence.get(name, 0.0) for name in evidence)
            + parts.intercept
        )

    def score(self, texts: list[str], evidence: list[frozenset[str]]) -> np.ndarray[Any, Any]:
        """Calibrated probabilities for many messages at once (evaluation)."""
        return np.array(
            [self.danger_probability(t, e) for t, e in zip(texts, evidence, strict=True)],
            dtype=np.float64,
        )

    def danger_probability(self, text: str, evidence: frozenset[str]) -> float:
        parts = self._parts
        z = parts.slope * self.raw_score(text, evidence) + parts.offset
        return 1.0 / (1.0 + math.exp(max(-500.0, min(500.0, z))))
