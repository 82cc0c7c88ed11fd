"""The gazetteer's data file: reading it and decoding settlements lazily.

`gazetteer.json.gz` (built by `scripts/build_gazetteer.py`) is one gzipped JSON document:

    {"format": 1, "sources": [...],
     "states": [{"code": "08", "name": "Chihuahua", "aka": [...]}, ...],
     "settlement_kinds": ["Barrio", "Colonia", ...],
     "municipalities": [{"code": "08037", "name": "Juárez", "aka": ["Ciudad Juárez"],
                         "tz": "America/Ciudad_Juarez", "lat": 31.72, "lon": -106.46,
                         "pop": 1520935,
                         "name_keys": ["juarez", "ciudad juarez"],  # text.key of name+aka
                         "names": "Centro|...",   # settlements, "|"-separated
                         "keys": "centro|...",    # their text.key, same order
                         "kinds": "7...",         # one character per settlement (kind index)
                         "cps": "32000...",       # five digits per settlement, 00000 = none
                         "points": {"12": [lat, lon]}}, ...]}

Settlements stay packed in those strings until a search needs them: unpacking 147,000 rows
at start-up would cost more than everything else together, and a substring test on the
packed strings finds the few municipalities worth unpacking (a postal code, a rare word).
"""

from __future__ import annotations

import bisect
import gzip
import json
import string
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

FORMAT = 1
DATA_FILE = "gazetteer.json.gz"
NO_POSTAL_CODE = "00000"
_KIND_CODES = string.digits + string.ascii_letters


@dataclass(frozen=True, slots=True)
class State:
    code: str
    name: str
    aka: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Settlement:
    """A colonia, fraccionamiento, pueblo... (a SEPOMEX asentamiento) or a locality."""

    name: str
    kind: str
    postal_code: str | None
    point: tuple[float, float] | None  # its own point, when GeoNames knows the place


class Settlements:
    """The settlements of one municipality, unpacked on first use."""

    def __init__(self, record: dict[str, Any], kinds: list[str]) -> None:
        self._record = record
        self._kinds = kinds

    @cached_property
    def names(self) -> list[str]:
        packed: str = self._record["names"]
        return packed.split("|") if packed else []

    @cached_property
    def keys(self) -> list[str]:
        """Search keys (`text.key` of each name, computed by the build)."""
        packed: str = self._record["keys"]
        return packed.split("|") if packed else []

    @cached_property
    def postal_codes(self) -> list[str | None]:
        packed: str = self._record["cps"]
        codes = (packed[i : i + 5] for i in range(0, len(packed), 5))
        return [None if code == NO_POSTAL_CODE else code for code in codes]

    @property
    def packed_keys(self) -> str:
        """All search keys in one string: a cheap substring test before any unpacking."""
        packed: str = self._record["keys"]
        return packed

    @cached_property
    def _key_starts(self) -> list[int]:
        starts = [0]
        for name_key in self.keys[:-1]:
            starts.append(starts[-1] + len(name_key) + 1)
        return starts

    def containing(self, word: str) -> list[int]:
        """Positions of the settlements whose key contains `word` (scanning the packed keys)."""
        packed = self.packed_keys
        positions: list[int] = []
        offset = packed.find(word)
        while offset != -1:
            position = bisect.bisect_right(self._key_starts, offset) - 1
            positions.append(position)
            next_key = position + 1
            if next_key >= len(self._key_starts):
                break
            offset = packed.find(word, self._key_starts[next_key])
        return positions

    @property
    def packed_postal_codes(self) -> str:
        packed: str = self._record["cps"]
        return packed

    def with_postal_code(self, postal_code: str) -> list[int]:
        """Positions of the settlements with this postal code (scanning the packed codes)."""
        packed: str = self._record["cps"]
        positions: list[int] = []
        start = packed.find(postal_code)
        while start != -1:
            if start % 5 == 0:
                positions.append(start // 5)
            start = packed.find(postal_code, start + 1)
        return positions

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, index: int) -> Settlement:
        point = self._record["points"].get(str(index))
        return Settlement(
            name=self.names[index],
            kind=self._kinds[_KIND_CODES.index(self._record["kinds"][index])],
            postal_code=self.postal_codes[index],
            point=(point[0], point[1]) if point else None,
        )


@dataclass(frozen=True)
class MunicipalityRecord:
    code: str  # INEGI: state (2 digits) + municipio (3 digits)
    name: str
    state: State
    timezone: str
    latitude: float  # its most populous place
    longitude: float
    population: int  # of its GeoNames places (a ranking weight, not a census figure)
    aka: tuple[str, ...]
    name_keys: tuple[str, ...]  # search keys of the name and of each aka
    settlements: Settlements


@dataclass(frozen=True)
class GazetteerData:
    states: dict[str, State]
    municipalities: dict[str, MunicipalityRecord]
    sources: tuple[str, ...]


def read_data(raw: bytes | None = None) -> GazetteerData:
    """Decode the packaged data file (or `raw`, the bytes of one)."""
    if raw is None:
        raw = resources.files("storage.gazetteer").joinpath(DATA_FILE).read_bytes()
    document: dict[str, Any] = json.loads(gzip.decompress(raw))
    if document.get("format") != FORMAT:
        raise ValueError(f"gazetteer data format {document.get('format')!r}, expected {FORMAT}")
    states = {
        entry["code"]: State(entry["code"], entry["name"], tuple(entry["aka"]))
        for entry in document["states"]
    }
    kinds: list[str] = document["settlement_kinds"]
    municipalities = {
        entry["code"]: MunicipalityRecord(
            code=entry["code"],
            name=entry["name"],
            state=states[entry["code"][:2]],
            timezone=entry["tz"],
            latitude=entry["lat"],
            longitude=entry["lon"],
            population=entry["pop"],
            aka=tuple(entry["aka"]),
            name_keys=tuple(entry["name_keys"]),
            settlements=Settlements(entry, kinds),
        )
        for entry in document["municipalities"]
    }
    return GazetteerData(states, municipalities, tuple(document["sources"]))
