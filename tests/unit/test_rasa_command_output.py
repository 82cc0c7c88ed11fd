"""Rasa's CLI output (progress bars, dependency deprecation warnings) stays out of the
terminal of `make run` / `make test`: it goes to a private log, and only a failure shows its
end, without the warnings."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from nlu import process

NOISY = (
    "import sys, warnings\n"
    "print('/x/site-packages/tf.py:12: DeprecationWarning: np.bool is deprecated')\n"
    "print('  np.bool')\n"
    "print('/x/site-packages/y.py:3: FutureWarning: something changes')\n"
    "print('Epochs: 100%|##########| 100/100')\n"
    "print('training data is broken: intent x has no examples', file=sys.stderr)\n"
    "sys.exit(int(sys.argv[1]))\n"
)


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(process, "LOG_DIR", tmp_path)
    return tmp_path


def test_a_successful_command_prints_nothing_and_keeps_its_output_in_a_private_log(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = process.run_rasa_command([sys.executable, "-c", NOISY, "0"], "rasa-x.log")

    assert code == 0
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    log = log_dir / "rasa-x.log"
    assert "Epochs" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_a_failure_shows_what_went_wrong_without_the_warnings_and_where_the_log_is(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = process.run_rasa_command([sys.executable, "-c", NOISY, "3"], "rasa-y.log")

    assert code == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert "training data is broken" in err
    assert "Warning" not in err and "np.bool" not in err
    assert str(log_dir / "rasa-y.log") in err
