"""Train and validate the Rasa model in `.venv-rasa`, only when its inputs changed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nlu.process import (
    MODEL_NAME,
    MODELS_DIR,
    NLU_DIR,
    ROOT,
    model_path,
    rasa_environment,
    rasa_executable,
    rasa_temp_dir,
    run_rasa_command,
    without_warnings,
)

CONFIG = NLU_DIR / "config.yml"
DOMAIN = NLU_DIR / "domain.yml"
DATA_DIR = NLU_DIR / "data"
NLU_DATA_DIR = DATA_DIR / "nlu"
TEST_FILE = NLU_DIR / "tests" / "test_nlu.yml"
#: The Rasa version and its resolved dependencies change what training produces.
RASA_PINS = (NLU_DIR / "requirements-rasa.txt", NLU_DIR / "constraints-rasa.txt")

#: Lines of `rasa data validate` that only say an NLU-only project has no stories.
_NOISE = ("is not used in any story or rule",)
#: Where the output of `rasa train` goes (var/).
TRAIN_LOG = "rasa-train.log"


@dataclass(frozen=True)
class TrainResult:
    model: Path
    trained: bool  # False when the existing model was up to date
    digest: str


def training_inputs(config: Path = CONFIG, data_dir: Path = NLU_DATA_DIR) -> list[Path]:
    """Every file whose content the model depends on, in a stable order."""
    data = sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"})
    return [config, DOMAIN, *data, *(p for p in RASA_PINS if p.exists())]


def content_hash(paths: Iterable[Path], root: Path = ROOT) -> str:
    """SHA-256 over the names (relative to `root`) and contents of `paths`."""
    root = root.resolve()
    digest = hashlib.sha256()
    for path in paths:
        resolved = path.resolve()
        name = resolved.relative_to(root) if resolved.is_relative_to(root) else resolved
        digest.update(str(name).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def hash_file(model: Path) -> Path:
    """Where the digest of the inputs that produced `model` is kept (beside it, git-ignored)."""
    return model.with_name(model.name.removesuffix(".tar.gz") + ".sha256")


def is_up_to_date(model: Path, digest: str) -> bool:
    stamp = hash_file(model)
    return model.is_file() and stamp.is_file() and stamp.read_text().strip() == digest


def train(
    config: Path = CONFIG,
    *,
    models_dir: Path = MODELS_DIR,
    name: str = MODEL_NAME,
    force: bool = False,
    data_dir: Path = NLU_DATA_DIR,
) -> TrainResult:
    """Train `name` into `models_dir` unless a model from the same inputs is already there.

    Rasa's own output goes to `var/rasa-train.log` (shown in part only if training fails).
    """
    model = model_path(models_dir, name)
    digest = content_hash(training_inputs(config, data_dir))
    if not force and is_up_to_date(model, digest):
        return TrainResult(model=model, trained=False, digest=digest)
    models_dir.mkdir(parents=True, exist_ok=True)
    hash_file(model).unlink(missing_ok=True)
    command = [
        str(rasa_executable()),
        "train",
        "nlu",
        "--config",
        str(config),
        "--domain",
        str(DOMAIN),
        "--nlu",
        str(data_dir),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        name,
    ]
    returncode = run_rasa_command(command, TRAIN_LOG)
    if returncode != 0 or not model.is_file():
        raise TrainingError(f"rasa train nlu failed with exit code {returncode}")
    hash_file(model).write_text(digest + "\n")
    return TrainResult(model=model, trained=True, digest=digest)


class TrainingError(RuntimeError):
    pass


def validate(config: Path = CONFIG) -> int:
    """Run `rasa data validate` on the domain and training data; return its exit code.

    Only the warnings that every NLU-only project gets (intents unused in stories) are hidden.
    """
    command = [
        str(rasa_executable()),
        "data",
        "validate",
        "--domain",
        str(DOMAIN),
        "--data",
        str(DATA_DIR),
        "--config",
        str(config),
    ]
    with rasa_temp_dir() as tmpdir:
        completed = subprocess.run(  # noqa: S603
            command,
            cwd=ROOT,
            env=rasa_environment(tmpdir),
            check=False,
            capture_output=True,
            text=True,
        )
    output = (completed.stdout + completed.stderr).splitlines()
    for line in without_warnings(output, _NOISE):
        print(line, file=sys.stderr if completed.returncode else sys.stdout)
    return completed.returncode
