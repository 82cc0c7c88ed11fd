"""The nearest-services query: portable SQL over the `service_points` table, exact answer.

A bounding box, turned into grid cells for the covering (category, term, cell, ...) indexes
(the term: "" for every place, or a rare filter term the place passes), is searched with the
points ordered by a flat-earth distance computed in SQL with plain arithmetic; only the first
few rows come back, and exact haversine distances order them. The window grows when the
flat-earth order could hide a nearer point, and the box widens until it holds enough services
within the radius it is guaranteed to cover.

The search itself (`NearestSearch`) does no I/O: it says which statement to run next and reads
the rows. The complete answer (ranking and cards) reads on plain driver connections, without
SQLAlchemy's work per statement and per row, which cost more than the indexed read: on
PostgreSQL on a few asyncpg connections of its own (`ServerReader`: one round trip), on SQLite
on a pysqlite connection per thread to the same file (`RawReader`). Every statement through
aiosqlite costs several thread hops (about 0.5 ms, more than the query itself), and even one
hop to a worker thread costs about as much as the query; so on SQLite the search runs right
on the event loop, reading committed rows, which is all this read-only query needs. It blocks
the loop for the time of an indexed read (about 0.4 ms among 100,000 services, bench/nearest.py):
the box only grows where points are sparse, so the rows read stay few. The ranking alone
(`nearest_ids`) and the older `nearest` read in the unit of work's session.
"""

from __future__ import annotations

import asyncio
import json
import math
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import (
    Engine,
    Float,
    Integer,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from domain.geo import KM_PER_DEGREE_LAT, BoundingBox, bounding_box, haversine_km
from domain.nearby import NearbyQuery
from domain.schedule import open_at_second, second_of_week
from storage import grid, tables
from storage.cards import (
    ANY_CATEGORY,
    accessible_term,
    eligibility_bit,
    eligibility_term,
    language_term,
    parse_hours,
)
from storage.engine import sqlite_pragmas


class _position(FunctionElement[int]):
    """Where a string first occurs in another, from 1 (0: nowhere): `instr` on SQLite,
    `strpos` on PostgreSQL. Cheaper than LIKE with a leading % (on SQLite about half the cost
    per index entry read), and exact: no wildcard in a language code can match another."""

    type = Integer()
    inherit_cache = True


@compiles(_position)
def _strpos(element: _position, compiler: Any, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


@compiles(_position, "sqlite")
def _instr(element: _position, compiler: Any, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


def language_needle(code: str) -> str:
    """What the `languages` column (",es,tar,") holds where a place speaks `code`."""
    return f",{code},"


#: First radius tried without a density hint; it grows by what the density seen suggests.
START_RADIUS_KM = 4.0
#: What SQLite spends (µs, 100,000 places, bench/nearest.py) on looking up a grid cell, on
#: reading an index entry of the box's latitudes that its longitudes leave out, and on a
#: point inside the box (its distance computed and sorted): the level read is the cheapest.
CELL_US = 2.0
BAND_US = 0.2
INSIDE_US = 0.3

Ranked = list[tuple[str, str, float]]


@cache
def _statement(
    level: str,
    with_age: bool,
    free: bool = False,
    accessible: bool = False,
    eligibility: bool = False,
    language: bool = False,
    open_now: bool = False,
    with_cards: bool = False,
    cell_array: bool = False,
) -> Any:
    """The query for one grid level and set of filters, every value a bound parameter (built
    once per shape). Static filters are conditions on the covering index; "open now" depends
    on the moment, so the rows bring their weekly hours and `NearestSearch.read` checks them."""
    sp = tables.service_points
    lat = bindparam("lat", type_=Float())
    lon = bindparam("lon", type_=Float())
    cos_lat = bindparam("cos_lat", type_=Float())
    flat = (
        (sp.c.latitude - lat) * (sp.c.latitude - lat)
        + ((sp.c.longitude - lon) * cos_lat) * ((sp.c.longitude - lon) * cos_lat)
    ).label("flat")
    columns = [sp.c.service_at_location_id, sp.c.service_id, sp.c.latitude, sp.c.longitude, flat]
    if open_now:
        columns += [sp.c.timezone, sp.c.hours]
    stmt = select(*columns).where(
        sp.c.category == bindparam("category"), sp.c.term == bindparam("term")
    )
    if level != "all":  # (all: every point of the category and term, read in a covering index)
        stmt = stmt.where(
            sp.c.latitude.between(bindparam("min_lat"), bindparam("max_lat")),
            sp.c.longitude.between(bindparam("min_lon"), bindparam("max_lon")),
        )
    if level in ("fine", "coarse"):
        cell = sp.c.cell_fine if level == "fine" else sp.c.cell_coarse
        if cell_array:  # PostgreSQL: one array parameter, one statement text for any count
            stmt = stmt.where(cell == func.any(bindparam("cells", type_=ARRAY(Integer))))
        else:
            stmt = stmt.where(cell.in_(bindparam("cells", expanding=True)))
    if with_age:
        age = bindparam("age", type_=Integer())
        stmt = stmt.where(
            or_(sp.c.minimum_age.is_(None), sp.c.minimum_age <= age),
            or_(sp.c.maximum_age.is_(None), sp.c.maximum_age >= age),
        )
    if free:
        stmt = stmt.where(sp.c.free.is_(True))
    if accessible:
        stmt = stmt.where(sp.c.accessible.is_(True))
    if eligibility:
        stmt = stmt.where(sp.c.eligibility.op("&")(bindparam("eligibility", type_=Integer())) != 0)
    if language:
        stmt = stmt.where(_position(sp.c.languages, bindparam("language")) > 0)
    # Ordered by the label: the expression is computed once per row.
    stmt = stmt.order_by(flat.name).limit(bindparam("window"))
    if not with_cards:
        return stmt
    # One round trip for the ranking and the cards (PostgreSQL, where each costs most): the
    # cards of the window's rows only, joined after the LIMIT (joined before it, every point
    # in the box had its card looked up, ten times more than are shown).
    ranked = stmt.subquery("ranked")
    cards = tables.service_cards
    return (
        select(*ranked.c, cards.c.card)
        .join(cards, cards.c.service_at_location_id == ranked.c.service_at_location_id)
        .order_by(ranked.c.flat)
    )


_NAMED_SQLITE = sqlite.dialect(paramstyle="named")
_CELLS = "__[POSTCOMPILE_cells]"
#: SQLite reads the cells from one JSON array parameter: one statement text per grid level and
#: set of filters, whatever the number of cells (a text per number of cells meant dozens of
#: texts per set of filters, each prepared once per connection for 0.1-0.6 ms: a tenth of the
#: searches with a new set of filters paid it). As fast as a list of parameters.
_CELLS_JSON = "SELECT value FROM json_each(:cells)"


#: The lists of cells are padded (with the last cell again) to one of these lengths, so a few
#: statement texts serve every search through SQLAlchemy (the ranking alone on PostgreSQL):
#: asyncpg then reuses each prepared statement. A repeated value in IN changes nothing.
CELL_LIST_SIZES = (
    4,
    6,
    9,
    12,
    16,
    20,
    25,
    30,
    36,
    42,
    49,
    56,
    64,
    72,
    81,
    90,
    100,
    121,
    144,
    169,
    196,
    225,
    256,
)


def padded(cells: list[int]) -> list[int]:
    size = next((n for n in CELL_LIST_SIZES if n >= len(cells)), len(cells))
    return cells + [cells[-1]] * (size - len(cells)) if cells else cells


@cache
def _sqlite_sql(level: str, *shape: bool) -> tuple[str, dict[str, Any]]:
    """The statement as SQLite text with named parameters (the cells as one JSON array,
    :cells), and the values of its literals."""
    compiled = _statement(level, *shape).compile(dialect=_NAMED_SQLITE)
    defaults = {k: v for k, v in compiled.params.items() if v is not None}
    return str(compiled).replace(_CELLS, _CELLS_JSON), defaults


_ASYNCPG = PGDialect_asyncpg()  # type: ignore[no-untyped-call]


def _server_text(statement: Any) -> tuple[str, list[str], dict[str, Any]]:
    """A statement as asyncpg runs it: text with $1, $2..., the names of its parameters in
    that order, and the values of its literals."""
    compiled = statement.compile(dialect=_ASYNCPG)
    defaults = {k: v for k, v in compiled.params.items() if v is not None}
    return str(compiled), list(compiled.positiontup or ()), defaults


@cache
def _server_sql(level: str, *shape: bool) -> tuple[str, list[str], dict[str, Any]]:
    return _server_text(_statement(level, *shape, cell_array=True))


CARDS_SQLITE = (
    "SELECT service_at_location_id, card FROM service_cards WHERE service_at_location_id IN "
)


def _window_is_enough(
    ranked: list[tuple[float, str, str]],
    need: int,
    last_flat: float,
    radius: float,
    latitude: float,
) -> bool:
    """Whether no point beyond a full window can be nearer than the `need`-th one found, or
    be within the radius at all.

    Points beyond the window are at least `last_flat` away on the flat earth; those in the
    box are truly at least that much minus the flat-earth error, which grows with latitude
    and with the size of the box (those outside the box are beyond the radius anyway).
    """
    beyond_km = math.sqrt(last_flat) * KM_PER_DEGREE_LAT
    span = math.radians(radius / KM_PER_DEGREE_LAT)
    error = 0.002 + math.tan(min(math.radians(abs(latitude)) + span, 1.4)) * span
    floor = beyond_km * (1 - error)
    if floor > radius:
        return True  # every place within the radius is in the window
    return len(ranked) >= need and ranked[need - 1][0] <= floor


@dataclass(frozen=True)
class Density:
    """Points per (category, term, coarse cell), and per (category, term) in all: only hints
    (for the first radius and for the term read), so they may be stale."""

    cells: dict[tuple[str, str, int], int]
    totals: dict[tuple[str, str], int]

    @classmethod
    def of(cls, rows: Iterable[Any]) -> Density:
        cells = {(category, term, cell): count for category, term, cell, count in rows}
        totals: dict[tuple[str, str], int] = {}
        for (category, term, _cell), count in cells.items():
            totals[category, term] = totals.get((category, term), 0) + count
        return cls(cells, totals)


_sp = tables.service_points
DENSITY_SQL = select(_sp.c.category, _sp.c.term, _sp.c.cell_coarse, func.count()).group_by(
    _sp.c.category, _sp.c.term, _sp.c.cell_coarse
)
_DENSITIES: WeakKeyDictionary[Engine, Density] = WeakKeyDictionary()

#: The filters that do not depend on the moment: (free, accessible, eligibility bit, language).
FilterKey = tuple[bool, bool, int | None, str | None]
#: Share of all public places that pass each set of filters asked so far (a hint, like the
#: density: it only chooses the first radius, so a stale value costs a round, not a result).
_SHARES: WeakKeyDictionary[Engine, dict[FilterKey, float]] = WeakKeyDictionary()


def forget_density(engine: AsyncEngine | Engine) -> None:
    """Drop the cached density hints after the points changed."""
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    _DENSITIES.pop(sync, None)
    _SHARES.pop(sync, None)


def filter_key(query: NearbyQuery) -> FilterKey | None:
    """The static filters of `query`, or None when it has none."""
    f = query.filters
    if not (f.free or f.accessible or f.eligibility is not None or f.language is not None):
        return None
    bit = eligibility_bit(f.eligibility) if f.eligibility is not None else None
    return (f.free, f.accessible, bit, f.language)


def share_statement(key: FilterKey) -> Any:
    """How many public places there are, and how many pass the filters of `key` (one row)."""
    sp = tables.service_points
    free, accessible, bit, language = key
    conditions: list[ColumnElement[bool]] = []
    if free:
        conditions.append(sp.c.free.is_(True))
    if accessible:
        conditions.append(sp.c.accessible.is_(True))
    if bit is not None:
        conditions.append(sp.c.eligibility.op("&")(bit) != 0)
    if language is not None:
        conditions.append(_position(sp.c.languages, language_needle(language)) > 0)
    return select(func.count(), func.count().filter(and_(*conditions))).where(
        sp.c.category == ANY_CATEGORY, sp.c.term == ""
    )


def _remember_share(key: Engine, filters: FilterKey, row: Any) -> float:
    total, passing = (int(v or 0) for v in row)
    share = passing / total if total else 1.0
    _SHARES.setdefault(key, {})[filters] = share
    return share


def filter_terms(query: NearbyQuery) -> list[str]:
    """The terms (storage/cards.py `point_terms`) under which the places that pass the query's
    static filters are kept: reading any one of them, with the filters as conditions, finds
    exactly the places that pass."""
    f = query.filters
    terms = []
    if f.language is not None:
        term = language_term(f.language)
        if term is not None:
            terms.append(term)
    if f.eligibility is not None:
        terms.append(eligibility_term(f.eligibility))
    if f.accessible:
        terms.append(accessible_term())
    return terms


def term_to_read(query: NearbyQuery, density: Density | None) -> str:
    """The fewest points to read: those of the query's rarest filter term, by the density
    hint (a stale hint costs entries read, never a result), or of every place ("")."""
    terms = filter_terms(query)
    if not terms:
        return ""
    if density is None:
        return terms[0]
    category = query.category.value if query.category else ANY_CATEGORY
    return min(terms, key=lambda term: density.totals.get((category, term), 0))


def first_radius(
    query: NearbyQuery, density: Density | None, share: float = 1.0, term: str = ""
) -> float:
    """The first radius: START_RADIUS_KM, or more where the area is known to be sparse.

    Where the points counted in the 3x3 coarse cells around the centre are few, start at the
    radius expected to hold about twice the services needed, instead of widening step by step.
    (Dense cities are uneven inside a coarse cell; there the small start is right.) `share`
    is the part of the places read (those kept under `term`) that pass the query's filters:
    a filter that keeps one place in forty makes every area forty times sparser, and the first
    box that much larger (in one statement instead of three or four widening ones).
    """
    if density is None:
        return START_RADIUS_KM
    if share <= 0:
        return query.max_radius_km  # no place anywhere passes: one look, as wide as allowed
    category = query.category.value if query.category else ANY_CATEGORY
    lat, lon = query.point.latitude, query.point.longitude
    step = grid.COARSE_DEG
    count = sum(
        density.cells.get((category, term, grid.coarse_cell(lat + i * step, lon + j * step)), 0)
        for i in (-1, 0, 1)
        for j in (-1, 0, 1)
    )
    if count * share < 1:
        # Nothing (that passes) around: start beyond the 3x3 cells.
        return 4 * step * KM_PER_DEGREE_LAT / math.sqrt(min(share, 1.0) if count else 1.0)
    cell_km2 = (step * KM_PER_DEGREE_LAT) ** 2 * max(math.cos(math.radians(lat)), 0.1)
    per_km2 = count * share / (9 * cell_km2)
    need = query.offset + query.limit
    return max(START_RADIUS_KM, math.sqrt(2 * need / (math.pi * per_km2)))


class NearestSearch:
    """The widening search as a conversation: `statement()` to run, `read(rows)` the answer.

    `read` returns the result when the search is over, None when another statement is needed.
    """

    def __init__(
        self,
        query: NearbyQuery,
        density: Density | None = None,
        *,
        with_cards: bool = False,
        share: float = 1.0,
    ) -> None:
        self.query = query
        self.density = density
        #: The rows bring each point's card too (and `cards` keeps those ranked).
        self.with_cards = with_cards
        self.cards: dict[str, str] = {}
        self.level = "fine"
        self.cells: list[int] = []
        self.need = query.offset + query.limit
        center = query.point
        category = query.category.value if query.category else ANY_CATEGORY
        term = term_to_read(query, density)
        if term and density is not None:
            # `share` is of all places; the share of the places under `term` that pass is
            # larger by that term's own share.
            everyone = density.totals.get((ANY_CATEGORY, ""), 0)
            under = density.totals.get((ANY_CATEGORY, term), 0)
            share = min(1.0, share * everyone / under) if under else 0.0
        self.params: dict[str, Any] = {
            "category": category,
            "term": term,
            "age": query.age,
            "lat": center.latitude,
            "lon": center.longitude,
            "cos_lat": math.cos(math.radians(center.latitude)),
        }
        f = query.filters
        if f.eligibility is not None:
            self.params["eligibility"] = eligibility_bit(f.eligibility)
        if f.language is not None:
            self.params["language"] = language_needle(f.language)
        if f.open_now and query.at is None:
            raise ValueError("an open-now search needs the moment it refers to (query.at)")
        self.shape = (
            query.age is not None,
            f.free,
            f.accessible,
            f.eligibility is not None,
            f.language is not None,
            f.open_now,
            with_cards,
        )
        #: Local second of the week per time zone, for "open now" (computed once per zone).
        self._seconds: dict[str, float] = {}
        self.radius = min(first_radius(query, density, share, term), query.max_radius_km)
        self.window = 2 * self.need + 5

    def statement(self) -> tuple[Any, dict[str, Any]]:
        box = bounding_box(self.query.point, self.radius)
        fine = grid.cells_covering(box, grid.FINE_DEG)
        coarse = grid.cells_covering(box, grid.COARSE_DEG, grid.MAX_COARSE_CELLS)
        level, cells = self._cheapest(box, fine, coarse)
        if level == "all":
            # Every point of the term is read whatever the radius: read them once, as far as
            # the query allows.
            self.radius = self.query.max_radius_km
        self.params.update(
            min_lat=box.min_lat,
            max_lat=box.max_lat,
            min_lon=box.min_lon,
            max_lon=box.max_lon,
            window=self.window,
            cells=padded(cells or []),
        )
        self.cells = cells or []
        self.level = level
        return _statement(level, *self.shape), self.params

    def _cheapest(
        self, box: BoundingBox, fine: list[int] | None, coarse: list[int] | None
    ) -> tuple[str, list[int] | None]:
        """The level to read the box at, the cheapest by the density hint (a stale hint costs
        time, never a result): the fine cells, the coarse ones, every point of the category
        and term ("all": then one look answers as far as the query allows), or without cells
        the latitude band ("box"). Each cell is read over the box's latitudes only (the
        indexes go on by latitude), so a level's cost is its lookups and the entries of that
        band it reads across its cells' longitudes; all levels compute and sort the points in
        the box, "all" every point."""
        density = self.density
        if density is None or coarse is None:
            if fine is not None:
                return "fine", fine
            return ("coarse", coarse) if coarse is not None else ("box", None)
        category, term = self.params["category"], self.params["term"]
        by_cell = density.cells
        in_cells = sum(by_cell.get((category, term, cell), 0) for cell in coarse)
        rows, columns = grid.shape(box, grid.COARSE_DEG)
        height, width = box.max_lat - box.min_lat, box.max_lon - box.min_lon
        band = in_cells * min(1.0, height / (rows * grid.COARSE_DEG))
        inside = band * min(1.0, width / (columns * grid.COARSE_DEG))
        costs = {"coarse": CELL_US * len(coarse) + BAND_US * band + INSIDE_US * inside}
        if fine is not None:
            _rows, fine_columns = grid.shape(box, grid.FINE_DEG)
            across = min(1.0, fine_columns * grid.FINE_DEG / (columns * grid.COARSE_DEG))
            costs["fine"] = CELL_US * len(fine) + BAND_US * band * across + INSIDE_US * inside
        costs["all"] = INSIDE_US * density.totals.get((category, term), 0)
        level = min(costs, key=costs.__getitem__)
        return level, (fine if level == "fine" else coarse if level == "coarse" else None)

    def sqlite_sql(self) -> tuple[str, dict[str, Any]]:
        """The last statement as SQLite text and its parameters (call after `statement`)."""
        sql, defaults = _sqlite_sql(self.level, *self.shape)
        params = {**defaults, **self.params}
        params["cells"] = json.dumps(self.cells)
        return sql, params

    def server_args(self) -> tuple[str, list[Any]]:
        """The last statement as asyncpg text and its arguments (call after `statement`)."""
        sql, names, defaults = _server_sql(self.level, *self.shape)
        params = self.params
        return sql, [params[n] if n in params else defaults[n] for n in names]

    def _open(self, zone: str, hours: str) -> bool:
        second = self._seconds.get(zone)
        if second is None:
            assert self.query.at is not None
            second = self._seconds[zone] = second_of_week(self.query.at, zone)
        return open_at_second(parse_hours(hours), second)

    def read(self, rows: Sequence[Any]) -> Ranked | None:
        center, radius = self.query.point, self.radius
        best: dict[str, tuple[float, str]] = {}
        open_now = self.query.filters.open_now
        for row in rows:
            sal_id, service_id, lat, lon = row[0], row[1], row[2], row[3]
            if open_now and not self._open(row[5], row[6]):
                continue
            km = haversine_km(center.latitude, center.longitude, lat, lon)
            if km <= radius and (service_id not in best or (km, sal_id) < best[service_id]):
                best[service_id] = (km, sal_id)
                if self.with_cards:
                    self.cards[sal_id] = row[-1]
        ranked = sorted((km, sal_id, sid) for sid, (km, sal_id) in best.items())
        if len(rows) == self.window and not _window_is_enough(
            ranked, self.need, rows[-1][4], radius, center.latitude
        ):
            self.window *= 4  # the flat-earth order might hide a nearer point: read further
            return None
        if len(ranked) >= self.need or radius >= self.query.max_radius_km:
            return [(sal_id, sid, km) for km, sal_id, sid in ranked[self.query.offset : self.need]]
        # Grow by what the density seen so far suggests (area ~ count), at least 2x.
        factor = math.sqrt(self.need / len(ranked)) * 1.3 if ranked else 4.0
        self.radius = min(radius * min(max(factor, 2.0), 8.0), self.query.max_radius_km)
        return None


# --- running it -----------------------------------------------------------------------------

_READERS: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()
#: Prepared statements kept per SQLite connection.
STATEMENTS_KEPT = 2048


def sqlite_reader(engine: AsyncEngine) -> Engine | None:
    """A synchronous pysqlite engine on the same SQLite file (None for other databases)."""
    sync = engine.sync_engine
    if sync.dialect.name != "sqlite" or sync.url.database in (None, "", ":memory:"):
        return None
    reader = _READERS.get(sync)
    if reader is None:
        # Read-only: no transaction to open or to reset when the connection goes back.
        reader = create_engine(
            sync.url.set(drivername="sqlite+pysqlite"),
            hide_parameters=True,
            isolation_level="AUTOCOMMIT",
            # Room for every padded statement text (CELL_LIST_SIZES) of the filter shapes used.
            connect_args={"cached_statements": STATEMENTS_KEPT},
            pool_reset_on_return=None,
        )
        event.listen(reader, "connect", sqlite_pragmas)
        _READERS[sync] = reader
    return reader


class RawReader:
    """Plain pysqlite connections to the reader's SQLite file, one per thread, kept open.

    The complete answer reads on one of these without SQLAlchemy's pool: a checkout and a
    return cost more than the indexed read (they were about a fifth of the answer). Each is in
    autocommit (every statement reads the last committed rows, as the pooled reader did)."""

    def __init__(self, reader: Engine) -> None:
        args, kwargs = reader.dialect.create_connect_args(reader.url)
        self._args = args
        # Room for every statement text the search uses (a few per grid level and filter set,
        # CELL_LIST_SIZES): pysqlite keeps 128 by default, and with a few sets of filters in
        # use, searches prepared their statements again and again (0.1-0.3 ms each).
        self._kwargs = {
            **kwargs,
            "isolation_level": None,
            "check_same_thread": False,
            "cached_statements": STATEMENTS_KEPT,
        }
        self._connections: dict[int, sqlite3.Connection] = {}
        self._lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (only ever used by the thread that opened it)."""
        found = self._connections.get(threading.get_ident())
        return found if found is not None else self._open()

    def _open(self) -> sqlite3.Connection:
        connect: Any = sqlite3.connect  # (the dialect's arguments, untyped)
        connection: sqlite3.Connection = connect(*self._args, **self._kwargs)
        sqlite_pragmas(connection, None)
        with self._lock:
            self._connections[threading.get_ident()] = connection
        return connection

    def close(self) -> None:
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
        for connection in connections:
            connection.close()


_RAW_READERS: WeakKeyDictionary[Engine, RawReader] = WeakKeyDictionary()


def raw_reader(engine: AsyncEngine) -> RawReader | None:
    """Plain connections on the same SQLite file (None for other databases)."""
    found = _RAW_READERS.get(engine.sync_engine)
    if found is not None:
        return found
    reader = sqlite_reader(engine)
    if reader is None:
        return None
    raw = _RAW_READERS[engine.sync_engine] = RawReader(reader)
    return raw


class ServerReader:
    """A few plain asyncpg connections of its own to the same PostgreSQL server, for the search.

    The application's engine pings each connection before use (on a connection outside a
    transaction, asyncpg's ping is BEGIN, a query and ROLLBACK) and resets it after; a read of
    committed rows needs none of it, nor SQLAlchemy's work per statement and per row (which
    cost more client CPU than the server spent on the query). These connections are in
    autocommit (asyncpg's default outside a transaction), each statement is prepared once per
    connection (asyncpg's statement cache), they are not reset when they go back, and not
    pinged: one the server dropped fails the search once, and the search runs again on a new
    connection (`nearest_with_cards`). So a search is one round trip per statement (usually
    one). Connections belong to the event loop that opened them."""

    #: Idle connections kept (more are opened at peaks, and closed when they come back).
    KEEP = 4

    def __init__(self, engine: AsyncEngine) -> None:
        _args, options = engine.dialect.create_connect_args(engine.sync_engine.url)
        options.pop("prepared_statement_cache_size", None)  # (SQLAlchemy's own option)
        self._options = options
        self._idle: list[tuple[asyncio.AbstractEventLoop, Any]] = []

    async def acquire(self) -> Any:
        loop = asyncio.get_running_loop()
        while self._idle:
            owner, connection = self._idle.pop()
            if owner is loop and not connection.is_closed():
                return connection
            if owner is loop:
                connection.terminate()
        return await asyncpg.connect(**self._options, statement_cache_size=256)

    def release(self, connection: Any, *, broken: bool = False) -> None:
        if broken or connection.is_closed() or len(self._idle) >= self.KEEP:
            connection.terminate()
        else:
            self._idle.append((asyncio.get_running_loop(), connection))

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        loop = asyncio.get_running_loop()
        for owner, connection in idle:
            if owner is loop and not connection.is_closed():
                await connection.close(timeout=5)
            elif owner is loop:
                connection.terminate()


_SERVER_READERS: WeakKeyDictionary[Engine, ServerReader] = WeakKeyDictionary()


def server_reader(engine: AsyncEngine) -> ServerReader:
    sync = engine.sync_engine
    reader = _SERVER_READERS.get(sync)
    if reader is None:
        reader = _SERVER_READERS[sync] = ServerReader(engine)
    return reader


async def dispose_reader(engine: AsyncEngine) -> None:
    """Close the readers' connections (with the engine they read for)."""
    raw = _RAW_READERS.pop(engine.sync_engine, None)
    if raw is not None:
        raw.close()
    reader = _READERS.pop(engine.sync_engine, None)
    if reader is not None:
        reader.dispose()
    server = _SERVER_READERS.pop(engine.sync_engine, None)
    if server is not None:
        await server.close()


def _remember_density(key: Engine, rows: Iterable[Any]) -> Density:
    density = Density.of(rows)
    _DENSITIES[key] = density
    return density


def _sqlite_text(statement: Any) -> tuple[str, dict[str, Any]]:
    compiled = statement.compile(dialect=_NAMED_SQLITE)
    return str(compiled), dict(compiled.params)


def search_sync(raw: sqlite3.Connection, density_key: Engine, query: NearbyQuery) -> Ranked:
    """Run the search on a plain SQLite connection (`RawReader`): SQLAlchemy's per-statement
    work would cost more than the indexed read."""
    density = _DENSITIES.get(density_key)
    if density is None:
        sql, params = _sqlite_text(DENSITY_SQL)
        density = _remember_density(density_key, raw.execute(sql, params).fetchall())
    share, key = 1.0, filter_key(query)
    if key is not None:
        share = _SHARES.get(density_key, {}).get(key, -1.0)
        if share < 0:
            sql, params = _sqlite_text(share_statement(key))
            share = _remember_share(density_key, key, raw.execute(sql, params).fetchone())
    search = NearestSearch(query, density, share=share)
    while True:
        search.statement()
        sql, params = search.sqlite_sql()
        result = search.read(raw.execute(sql, params).fetchall())
        if result is not None:
            return result


def cards_sync(raw: sqlite3.Connection, sal_ids: Sequence[str]) -> dict[str, str]:
    """The cards of these places, by primary key."""
    return dict(raw.execute(_cards_sql(len(sal_ids)), sal_ids).fetchall())


@cache
def _cards_sql(count: int) -> str:
    return f"{CARDS_SQLITE}({','.join('?' * count)})"


async def nearest_ids(session: AsyncSession, query: NearbyQuery) -> Ranked:
    """(service_at_location id, service id, km) of the nearest distinct services, nearest first."""
    bind = session.bind
    reader = raw_reader(bind) if isinstance(bind, AsyncEngine) else None
    if reader is not None:
        assert isinstance(bind, AsyncEngine)
        return search_sync(reader.connection(), bind.sync_engine, query)
    ranked, _cards = await _search_async(session, query, with_cards=False)
    return ranked


async def nearest_with_cards(
    session: AsyncSession, query: NearbyQuery
) -> tuple[Ranked, dict[str, str]]:
    """The ranking and the cards of the ranked places, in as few round trips as the widening
    needs (usually one): on a database server, where each statement costs a round trip. Read
    on the server reader (`server_reader`): the unit of work's session never opens a
    transaction for it."""
    return await _on_server(session, query, with_cards=True)


#: What a connection the server dropped (or never finished opening) raises.
DROPPED = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    ConnectionError,
)


async def _on_server(
    session: AsyncSession, query: NearbyQuery, *, with_cards: bool
) -> tuple[Ranked, dict[str, str]]:
    bind = session.bind
    if not isinstance(bind, AsyncEngine):
        return await _search_async(session, query, with_cards=with_cards)
    # (The ranking alone, `nearest_ids`, stays on the session: it is read in the unit of work's
    # transaction, with the rows it then loads.)
    reader = server_reader(bind)
    for attempt in (1, 2):
        connection = await reader.acquire()
        try:
            found = await _search_raw(connection, bind.sync_engine, query, with_cards=with_cards)
        except Exception as error:
            # The server dropped that connection (restarted, or idle too long): asyncpg says
            # so with one of DROPPED, or, when the drop came between two messages of a
            # statement, with whatever its protocol state then raises on a closed connection.
            dropped = isinstance(error, DROPPED) or connection.is_closed()
            reader.release(connection, broken=True)  # (in an unknown state: not reused)
            if attempt == 2 or not dropped:
                raise
            continue  # once more, on a new connection
        except BaseException:
            reader.release(connection, broken=True)  # (in an unknown state: not reused)
            raise
        reader.release(connection)
        return found
    raise AssertionError("unreachable")


async def _search_raw(
    connection: Any, density_key: Engine, query: NearbyQuery, *, with_cards: bool
) -> tuple[Ranked, dict[str, str]]:
    """The search on a plain asyncpg connection (`ServerReader`)."""
    density = _DENSITIES.get(density_key)
    if density is None:
        sql, _names, _defaults = _server_text(DENSITY_SQL)
        density = _remember_density(density_key, await connection.fetch(sql))
    share, key = 1.0, filter_key(query)
    if key is not None:
        share = _SHARES.get(density_key, {}).get(key, -1.0)
        if share < 0:
            sql, names, defaults = _server_text(share_statement(key))
            row = await connection.fetchrow(sql, *[defaults[n] for n in names])
            share = _remember_share(density_key, key, row)
    search = NearestSearch(query, density, with_cards=with_cards, share=share)
    while True:
        search.statement()
        sql, args = search.server_args()
        result = search.read(await connection.fetch(sql, *args))
        if result is not None:
            return result, search.cards


async def _search_async(
    runner: AsyncSession | AsyncConnection,
    query: NearbyQuery,
    *,
    with_cards: bool,
    engine: AsyncEngine | None = None,
) -> tuple[Ranked, dict[str, str]]:
    bind = engine or (runner.bind if isinstance(runner, AsyncSession) else None)
    density = _DENSITIES.get(bind.sync_engine) if isinstance(bind, AsyncEngine) else None
    if density is None and isinstance(bind, AsyncEngine):
        density = _remember_density(bind.sync_engine, await runner.execute(DENSITY_SQL))
    share, key = 1.0, filter_key(query)
    if key is not None and isinstance(bind, AsyncEngine):
        share = _SHARES.get(bind.sync_engine, {}).get(key, -1.0)
        if share < 0:
            row = (await runner.execute(share_statement(key))).one()
            share = _remember_share(bind.sync_engine, key, row)
    search = NearestSearch(query, density, with_cards=with_cards, share=share)
    while True:
        statement, params = search.statement()
        result = search.read(list((await runner.execute(statement, params)).all()))
        if result is not None:
            return result, search.cards
