"""What an operator reads when a `juntos` command fails for a reason outside the code.

A missing migration, a bad DATABASE_URL, PostgreSQL or Rasa not answering, a file that cannot
be read: one line saying what is wrong and what to run (`explain`), instead of a traceback.
`juntos --debug ...` shows the traceback. Never a password or a token: URLs are shown without
them.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator

import aiohttp
import asyncpg  # type: ignore[import-untyped]
import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from telegram.error import InvalidToken, TelegramError


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _where(database_url: str) -> str:
    """The database URL without its password (what an operator may see in a terminal)."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return "DATABASE_URL"
    if url.get_backend_name() == "sqlite":
        return f"the SQLite file {url.database}"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


_MISSING_SCHEMA = re.compile(
    r"no such (table|column)|relation \S+ does not exist|column \S+ does not exist|"
    r"UndefinedTable|UndefinedColumn",
    re.IGNORECASE,
)
_CANNOT_CONNECT = re.compile(
    r"connection refused|could not connect|connect call failed|name or service not known|"
    r"temporary failure in name resolution|timeout|no route to host|network is unreachable|"
    r"Errno 111|Errno -2|Errno -3|Multiple exceptions",
    re.IGNORECASE,
)


#: Errors of the database drivers: through SQLAlchemy, or raw where the search reads on plain
#: connections (storage/nearest.py).
_DATABASE_ERRORS = (DBAPIError, sqlite3.DatabaseError, asyncpg.PostgresError)
#: What the Bot API client (bot/http.py, aiohttp) raises when the server does not answer.
_TRANSPORT_ERRORS = (httpx.TransportError, aiohttp.ClientError, TimeoutError)


def explain(
    error: BaseException, database_url: str, rasa_url: str, telegram_api_url: str = ""
) -> str | None:
    """One line for an operator, or None when the error is not one of these (a bug: the
    traceback is the right output)."""
    errors = list(_chain(error))
    text = " | ".join(f"{type(e).__name__}: {e}" for e in errors)
    where = _where(database_url)
    if any(isinstance(e, InvalidToken) for e in errors):
        return "The Bot API refused TELEGRAM_BOT_TOKEN: check it (BotFather's /token)."
    if any(isinstance(e, TelegramError) for e in errors) and any(
        isinstance(e, _TRANSPORT_ERRORS) for e in errors
    ):
        api = telegram_api_url.split("/bot")[0] or "TELEGRAM_API_URL"
        return f"The Bot API does not answer at {api}: check TELEGRAM_API_URL and the network."
    for found in errors:
        if (
            isinstance(found, NoSuchModuleError | ArgumentError)
            or (isinstance(found, ValueError) and "unsupported database backend" in str(found))
        ) and ("URL" in text or "backend" in text):
            return (
                "DATABASE_URL is not a database URL: use sqlite:///path/to/juntos.db or "
                "postgresql://user@host/database."
            )
        if isinstance(found, httpx.TransportError):
            try:  # the URL called, without its query (Rasa's token)
                called = str(found.request.url.copy_with(query=None, path="/"))
            except RuntimeError:
                called = rasa_url
            return (
                f"Rasa does not answer at {called.rstrip('/')}: start it (`make run` starts it; "
                "`juntos nlu serve` alone) or set RASA_URL."
            )
        if isinstance(found, json.JSONDecodeError | csv.Error | UnicodeDecodeError):
            return f"A file could not be read ({type(found).__name__}: {found}); fix the file."
        if isinstance(found, FileNotFoundError | IsADirectoryError | PermissionError) and (
            found.filename
        ):
            return f"Cannot read {found.filename}: {found.strerror}."
    if _MISSING_SCHEMA.search(text) and any(isinstance(e, _DATABASE_ERRORS) for e in errors):
        return (
            f"The database ({where}) has no tables or is behind this version: "
            "run `juntos db upgrade`."
        )
    if re.search(r"database \"?\S+?\"? does not exist|InvalidCatalogName", text):
        return (
            f"The database {where} does not exist: create it (`createdb ...`), then run "
            "`juntos db upgrade`."
        )
    if re.search(r"password authentication failed|InvalidPassword|role \S+ does not exist", text):
        return f"PostgreSQL refused the user in DATABASE_URL ({where}): check user and password."
    if re.search(r"unable to open database file", text, re.IGNORECASE):
        return (
            f"Cannot open {where}: does its folder exist and can this user write there? "
            "(see DATABASE_URL)"
        )
    if any(isinstance(e, (OSError, *_DATABASE_ERRORS)) for e in errors) and _CANNOT_CONNECT.search(
        text
    ):
        return (
            f"Cannot reach the database at {where}: is PostgreSQL running "
            "(`pg_isready -h HOST -p PORT`), and is DATABASE_URL right?"
        )
    return None
