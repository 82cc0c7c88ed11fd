"""`juntos place`: the offline gazetteer."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Offline place finder (código postal, colonia, municipio).", no_args_is_help=True
)
