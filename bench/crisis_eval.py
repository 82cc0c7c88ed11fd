"""Benchmark: crisis detection on the HELD-OUT parts of the blind corpus (never tuned on).

Prints, for each held-out part (one per batch of the corpus) and for all of them together,
recall per danger category and false alarms per hard-negative category, with Rasa down
(rules + model, in process) and with Rasa up (the trained Rasa model, started on a free
loopback port, adds its `emergencia` intent where the screen confirms it, as the bot does), plus
the screen's latency.
Same figures as `juntos crisis eval --heldout --start-rasa`.

    make bench            # or: .venv/bin/python bench/crisis_eval.py [--no-rasa] [--errors]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

# This script is in bench/: put the project first on the path.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from crisis_model import corpus, default_model
from crisis_model.corpus import Half
from crisis_model.evaluation import evaluate, format_heldout
from domain.services.crisis import CrisisScreen
from juntos.commands.crisis import rasa_emergencies
from nlu.process import (
    LOG_DIR,
    RasaServer,
    RasaUnavailableError,
    free_port,
    trained_model_path,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-rasa", action="store_true", help="Rasa down only.")
    parser.add_argument("--errors", action="store_true", help="List misses and false alarms.")
    args = parser.parse_args()
    screen = CrisisScreen(default_model())
    examples = corpus.load(Half.HELDOUT)
    flags = None
    if not args.no_rasa:
        try:
            server = RasaServer(
                trained_model_path(),
                host="127.0.0.1",
                port=free_port("127.0.0.1"),
                startup_timeout=600,
                log_file=LOG_DIR / "rasa-crisis-eval.log",
            )
            with server:
                flags = asyncio.run(rasa_emergencies(examples, server.url, server.token))
        except RasaUnavailableError as error:
            print(f"Rasa not available ({error}): figures with Rasa down only")
    report = evaluate(examples, screen, flags)
    title = f"crisis detection on the held-out parts of the blind corpus ({len(examples)} messages)"
    print(format_heldout(report, title, errors=args.errors))


if __name__ == "__main__":
    main()
