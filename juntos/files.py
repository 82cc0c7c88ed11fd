"""Files at rest: the database and the keys are readable by their owner only.

The SQLite file is created 0600 (its -wal and -shm files take the same mode from SQLite) in a
folder created 0700; an existing file with a wider mode is narrowed. Folders this project owns
(var/, secrets/) are narrowed too; a folder someone chose for the database (say /srv) is
never changed, only created when missing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_dir(path: Path, *, narrow: bool = True) -> Path:
    """Create `path` (and missing parents) 0700; narrow an existing one when `narrow`."""
    missing = not path.exists()
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if (missing or narrow) and mode_of(path) != PRIVATE_DIR:
        path.chmod(PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Narrow an existing file to 0600 (nothing to do when it is missing)."""
    try:
        if mode_of(path) != PRIVATE_FILE:
            path.chmod(PRIVATE_FILE)
    except FileNotFoundError:
        return


def write_private(path: Path, text: str) -> bool:
    """Write a new 0600 file; False (and nothing written) when it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return True


def prepare_sqlite_file(path: Path, *, own_folder: bool) -> None:
    """Before SQLite opens `path`: its folder exists, the file and its companions are 0600.

    `own_folder`: the folder is the project's (var/), so an existing one is narrowed to 0700.
    """
    private_dir(path.parent, narrow=own_folder)
    if not path.exists():
        # An empty file is a valid empty database: SQLite takes it, with its mode, as it is.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
        os.close(fd)
    for suffix in ("", *SQLITE_COMPANIONS):
        private_file(path.with_name(path.name + suffix))
