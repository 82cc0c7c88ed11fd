"""Column types that turn domain values into portable SQL values and back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import DateTime, Dialect, String, Text
from sqlalchemy.types import TypeDecorator

from domain.taxonomy import Category, Eligibility
from storage import crypto


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime given to a UTC column: {value.isoformat()}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CodeSet(TypeDecorator[frozenset[str]]):
    """A small set of short codes stored as sorted comma-separated text."""

    impl = String(500)
    cache_ok = True

    def process_bind_param(self, value: frozenset[str] | None, dialect: Dialect) -> str:
        return ",".join(sorted(value or ()))

    def process_result_value(self, value: str | None, dialect: Dialect) -> frozenset[str]:
        return frozenset(p for p in (value or "").split(",") if p)


class CategorySet(TypeDecorator[frozenset[Category]]):
    impl = String(500)
    cache_ok = True

    def process_bind_param(self, value: frozenset[Category] | None, dialect: Dialect) -> str:
        return ",".join(sorted(c.value for c in value or ()))

    def process_result_value(self, value: str | None, dialect: Dialect) -> frozenset[Category]:
        return frozenset(Category(p) for p in (value or "").split(",") if p)


class EligibilitySet(TypeDecorator[frozenset[Eligibility]]):
    impl = String(200)
    cache_ok = True

    def process_bind_param(self, value: frozenset[Eligibility] | None, dialect: Dialect) -> str:
        return ",".join(sorted(e.value for e in value or ()))

    def process_result_value(self, value: str | None, dialect: Dialect) -> frozenset[Eligibility]:
        return frozenset(Eligibility(p) for p in (value or "").split(",") if p)


class WeekdaySet(TypeDecorator[frozenset[int]]):
    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: frozenset[int] | None, dialect: Dialect) -> str:
        return ",".join(str(d) for d in sorted(value or ()))

    def process_result_value(self, value: str | None, dialect: Dialect) -> frozenset[int]:
        return frozenset(int(p) for p in (value or "").split(",") if p)


class JSONText(TypeDecorator[Any]):
    """JSON as text (same bytes on SQLite and PostgreSQL, no dialect-specific JSON type)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, sort_keys=True, default=str)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


class EncryptedText(TypeDecorator[str]):
    """Text encrypted at rest with the process secret (Fernet: AES-128-CBC + HMAC)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.current().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.current().decrypt(value)


class EncryptedInt(TypeDecorator[int]):
    """An integer (a Telegram chat id) encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.current().encrypt(str(int(value)))

    def process_result_value(self, value: str | None, dialect: Dialect) -> int | None:
        return None if value is None else int(crypto.current().decrypt(value))


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A StrEnum stored as its value (plain text: no native ENUM to migrate on PostgreSQL)."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 30) -> None:
        super().__init__(length=length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


class TimestampMap(TypeDecorator[dict[str, datetime]]):
    """A small {name: aware datetime} map (e.g. consents and when they were given) as JSON."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict[str, datetime] | None, dialect: Dialect) -> str:
        return json.dumps(
            {key: moment.astimezone(UTC).isoformat() for key, moment in (value or {}).items()},
            sort_keys=True,
        )

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, datetime]:
        raw = json.loads(value) if value else {}
        return {key: datetime.fromisoformat(moment) for key, moment in raw.items()}
