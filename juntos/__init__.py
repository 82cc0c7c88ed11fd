"""Composition root: settings, CLI and the wiring of bot, storage, NLU and sandbox."""
