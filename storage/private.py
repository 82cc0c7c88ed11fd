"""Files only their owner may read (0600), whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path


def overwrite_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` (created or replaced) readable by its owner only.

    Exports hold names and phones (and, when asked, confidential places); sandbox invitation
    codes link a staff account.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)  # an existing file keeps its mode otherwise
        handle.write(data)
