"""Files at rest: the SQLite database and the keys are readable by their owner only, and the
keys live apart from the database they protect."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from juntos.database import open_database
from juntos.files import mode_of, prepare_sqlite_file
from juntos.settings import KEY_FILE, Settings, local_key_file
from storage import crypto
from tests.conftest import TEST_SECRET


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask (0o022, the usual default): modes must not depend on it."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
async def test_a_new_database_is_0600_in_a_new_0700_folder(tmp_path: Path) -> None:
    path = tmp_path / "var" / "juntos.db"
    settings = Settings(database_url=f"sqlite:///{path}", juntos_secret_key=TEST_SECRET)
    database = open_database(settings)
    try:
        async with database.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            # While it is open, SQLite's write-ahead log holds data too: same mode.
            assert mode_of(path.with_name("juntos.db-wal")) == 0o600
    finally:
        await database.close()
    assert mode_of(path.parent) == 0o700
    assert mode_of(path) == 0o600


@pytest.mark.usefixtures("open_umask")
async def test_an_existing_readable_database_is_narrowed(tmp_path: Path) -> None:
    chosen = tmp_path / "srv"
    chosen.mkdir(mode=0o755)
    path = chosen / "juntos.db"
    path.touch(mode=0o644)
    database = open_database(
        Settings(database_url=f"sqlite:///{path}", juntos_secret_key=TEST_SECRET)
    )
    await database.close()
    assert mode_of(path) == 0o600
    # A folder the operator chose is theirs: it is never changed.
    assert mode_of(chosen) == 0o755


@pytest.mark.usefixtures("open_umask")
def test_the_project_var_folder_is_narrowed_to_0700(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    for name in ("juntos.db", "juntos.db-wal", "juntos.db-shm"):
        (var / name).touch(mode=0o644)
    prepare_sqlite_file(var / "juntos.db", own_folder=True)
    assert mode_of(var) == 0o700
    assert {mode_of(var / name) for name in ("juntos.db", "juntos.db-wal", "juntos.db-shm")} == {
        0o600
    }


@pytest.mark.usefixtures("open_umask")
def test_without_a_key_setting_one_is_created_once_in_the_secrets_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "secrets"
    settings = Settings(juntos_secrets_dir=folder, juntos_secret_key=None)
    with caplog.at_level(logging.WARNING):
        keys = settings.secret_keys()
    assert mode_of(folder) == 0o700
    assert mode_of(folder / KEY_FILE) == 0o600
    assert crypto.parse_keys(keys[0]) == keys
    assert [r.getMessage() for r in caplog.records] == [
        f"Created a new secret key in {folder / KEY_FILE}: back it up apart from the database."
    ]
    assert settings.secret_keys() == keys  # the same key every time


@pytest.mark.usefixtures("open_umask")
def test_a_key_next_to_the_database_is_moved_to_the_secrets_folder_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    var, folder = tmp_path / "var", tmp_path / "secrets"
    var.mkdir()
    legacy = var / KEY_FILE
    old_key = crypto.generate_key()
    legacy.write_text(old_key + "\n")
    with caplog.at_level(logging.WARNING):
        path = local_key_file(folder, legacy=legacy)
        assert local_key_file(folder, legacy=legacy) == path
    assert path == folder / KEY_FILE
    assert path.read_text() == old_key + "\n"
    assert not legacy.exists()
    assert mode_of(path) == 0o600 and mode_of(folder) == 0o700
    assert [r.getMessage() for r in caplog.records] == [
        f"Moved the secret key from {legacy} to {path}: back up {var} and {folder} separately."
    ]


def test_a_bad_key_in_the_key_file_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / KEY_FILE).write_text(f"{crypto.generate_key()},tooshort\n")
    settings = Settings(juntos_secrets_dir=folder, juntos_secret_key=None)
    with pytest.raises(crypto.KeyConfigError) as raised:
        settings.secret_keys()
    assert str(raised.value).startswith(f"{folder / KEY_FILE}: key 2 is 6 bytes;")
