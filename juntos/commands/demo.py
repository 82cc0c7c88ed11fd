"""`juntos demo`: the fictional demo directory."""

from __future__ import annotations

import typer

app = typer.Typer(help="Fictional demo data.", no_args_is_help=True)
