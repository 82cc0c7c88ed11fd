"""The crisis model file: reproducible, checked at load, and never a way to run code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from crisis_model import MODEL_FILE, ModelFileError, default_model, load_model, training
from crisis_model.model import file_digest, meta_path
from domain.crisis import read_rules


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "crisis-model.npz"
    shutil.copy(MODEL_FILE, target)
    shutil.copy(meta_path(MODEL_FILE), meta_path(target))
    return target


def rewrite_meta(model_file: Path, **changes: object) -> None:
    meta = json.loads(meta_path(model_file).read_text())
    meta.update(changes)
    meta_path(model_file).write_text(json.dumps(meta))


def test_a_copy_of_the_trained_model_loads_and_reads_like_it(model_copy: Path) -> None:
    copy = load_model(model_copy)
    text = "ya no quiero seguir aqui, ya compre las pastillas"
    evidence = read_rules(text).evidence
    assert copy.danger_probability(text, evidence) == default_model().danger_probability(
        text, evidence
    )


def test_a_missing_model_refuses_to_load_and_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match=r"missing.*make crisis-model") as error:
        load_model(tmp_path / "crisis-model.npz")
    assert "\n" not in str(error.value)


def test_a_corrupt_model_refuses_to_load(model_copy: Path) -> None:
    data = bytearray(model_copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_copy.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"corrupt.*make crisis-model"):
        load_model(model_copy)


def test_a_truncated_model_with_a_matching_record_still_refuses_to_load(
    model_copy: Path,
) -> None:
    model_copy.write_bytes(model_copy.read_bytes()[:1000])
    rewrite_meta(model_copy, file_sha256=file_digest(model_copy))
    with pytest.raises(ModelFileError, match=r"corrupt.*make crisis-model"):
        load_model(model_copy)


def test_a_model_trained_from_other_data_is_stale(model_copy: Path) -> None:
    rewrite_meta(model_copy, inputs_sha256="0" * 64)
    with pytest.raises(ModelFileError, match=r"stale.*make crisis-model"):
        load_model(model_copy)


def test_loading_never_unpickles_objects(model_copy: Path) -> None:
    with np.load(model_copy, allow_pickle=False) as arrays:
        parts = dict(arrays)
    parts["coef"] = np.array([object()], dtype=object)  # what a malicious file would carry
    np.savez(model_copy, **parts)
    rewrite_meta(model_copy, file_sha256=file_digest(model_copy))
    with pytest.raises(ModelFileError, match="corrupt"):
        load_model(model_copy)


def test_training_again_from_the_same_inputs_gives_the_same_model(tmp_path: Path) -> None:
    retrained = tmp_path / "crisis-model.npz"
    meta = training.train(retrained, force=True)
    assert meta is not None
    with np.load(retrained) as new, np.load(MODEL_FILE) as built:
        assert set(new.files) == set(built.files)
        for name in new.files:
            assert np.array_equal(new[name], built[name]), name
    assert meta["thresholds"] == json.loads(meta_path(MODEL_FILE).read_text())["thresholds"]


def test_the_bot_refuses_to_start_without_its_crisis_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from juntos.cli import app
    from juntos.commands import bot, run

    def missing() -> None:
        raise ModelFileError("The crisis model is missing (x): run `make crisis-model`.")

    monkeypatch.setattr(run, "default_model", missing)
    monkeypatch.setattr(bot, "default_model", missing)
    runner = CliRunner()
    for args in (["run", "--no-nlu", "--port", "0"], ["bot", "--token", "123:abc"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "make crisis-model" in result.output
