"""Start Rasa's HTTP API with no input channel, the auth token read from stdin.

Run with `.venv-rasa`'s Python (Rasa is not installed in the bot's venv; `nlu/process.py`
starts it), the token as the first line on stdin, and the rest of `rasa run`'s options::

    .venv-rasa/bin/python nlu/rasa_server.py --model M --interface 127.0.0.1 --port P

It then runs Rasa's own command line in this process, as
`rasa run --enable-api --auth-token=TOKEN --credentials nlu/no-channels.yml ...`:

- the token never appears in the process list (a changed `sys.argv` is not the command line
  the kernel shows in `/proc/<pid>/cmdline`);
- the empty credentials file registers no input channel: without it Rasa serves the REST
  channel `/webhooks/rest/webhook`, which checks no token. Only the API routes remain
  (`/model/parse`, `/status`... all behind the token, except `/` and `/version`).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NO_CHANNELS = HERE / "no-channels.yml"


def main() -> None:
    # Python put this folder first on sys.path: its modules (client, process...) must not
    # shadow any module Rasa or its dependencies import.
    if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
        del sys.path[0]
    token = sys.stdin.readline().strip()
    if not token:
        sys.exit("rasa_server.py: the auth token is expected as the first line on stdin")
    # Rasa never reads stdin: let go of the pipe.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, sys.stdin.fileno())
    os.close(devnull)
    sys.argv = [
        "rasa",
        "run",
        "--enable-api",
        # One argument: a token may start with "-", which argparse would take for an option.
        f"--auth-token={token}",
        "--credentials",
        str(NO_CHANNELS),
        *sys.argv[1:],
    ]
    importlib.import_module("rasa.__main__").main()


if __name__ == "__main__":
    main()
