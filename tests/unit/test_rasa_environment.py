"""What the Rasa processes inherit: locale and tuning, never our secrets; their temp folders."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from nlu import process
from nlu.process import new_rasa_temp_dir, rasa_environment


def test_rasa_gets_the_locale_and_tensorflow_tuning_but_no_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LC_ALL", "es_MX.UTF-8")
    monkeypatch.setenv("TZ", "America/Ciudad_Juarez")
    monkeypatch.setenv("TF_INTRA_OP_PARALLELISM_THREADS", "1")
    monkeypatch.setenv("JUNTOS_SECRET_KEY", "secret")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:secret")
    monkeypatch.setenv("TF_TOKEN_app_terraform_io", "secret")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")  # Rasa would log message texts

    env = rasa_environment(tmp_path)

    assert env["LC_ALL"] == "es_MX.UTF-8"
    assert env["TZ"] == "America/Ciudad_Juarez"
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"
    assert env["TMPDIR"] == str(tmp_path)
    assert env["NO_PROXY"] == "127.0.0.1,localhost"
    assert "secret" not in "".join(env.values())
    assert "LOG_LEVEL" not in env


def test_temp_folders_of_processes_that_died_are_removed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(process, "RASA_TMP", tmp_path)
    ended = subprocess.Popen(["true"])  # a process that no longer exists
    ended.wait()
    left_over = tmp_path / f"{ended.pid}-old"
    left_over.mkdir()
    (left_over / "modelabc.crfsuite").write_bytes(b"x")
    in_use = tmp_path / f"{os.getpid()}-running"
    in_use.mkdir()

    fresh = new_rasa_temp_dir()

    assert not left_over.exists()
    assert in_use.exists()
    assert fresh.parent == tmp_path and fresh.name.startswith(f"{os.getpid()}-")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
