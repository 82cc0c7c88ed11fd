"""`juntos nlu`: train, serve and evaluate the Rasa model (in its own Python 3.10 venv)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Rasa NLU: train, serve, evaluate.", no_args_is_help=True)
