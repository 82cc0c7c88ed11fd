"""CLI command groups (Typer sub-apps)."""
