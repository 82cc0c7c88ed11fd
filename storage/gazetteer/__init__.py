"""Offline Mexican gazetteer: postal codes, colonias, municipalities and states.

`load_gazetteer()` is what the bot and the CLI call: it reads the packaged data file once
per process (well under a second) and returns a `Gazetteer`, the `PlaceFinder` adapter.
"""

from __future__ import annotations

from functools import cache

from storage.gazetteer.data import GazetteerData, read_data
from storage.gazetteer.finder import Gazetteer
from storage.gazetteer.text import normalize

__all__ = ["Gazetteer", "GazetteerData", "load_gazetteer", "normalize", "read_data"]


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer built from the packaged data file (cached for the process)."""
    return Gazetteer(read_data())
