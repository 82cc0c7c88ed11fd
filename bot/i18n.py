"""Translations (Babel gettext catalogs in `locales/`) and locale-aware formatting.

Message ids are English; `es_MX` is the default and complete, `en` is complete too. Catalogs
are compiled by `make` (`.mo`); when a `.mo` is missing or older than its `.po`, the `.po` is
compiled in memory so a fresh checkout still speaks both languages.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "es_MX"
SUPPORTED = ("es_MX", "en")


def normalize_locale(code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a Telegram `language_code` or a stored choice to a supported locale."""
    if not code:
        return default
    code = code.replace("-", "_").lower()
    if code.startswith("en"):
        return "en"
    if code.startswith("es"):
        return "es_MX"
    return default


def _load(locale: str, directory: Path) -> Translations:
    po = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not po.exists():
        raise FileNotFoundError(f"no catalog for {locale} in {directory}")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """One locale's gettext functions plus Babel formatting for that locale."""

    locale: str
    translations: Translations = field(repr=False)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return str(self.translations.pgettext(context, message))

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(self.locale)

    def km(self, value: float) -> str:
        """Distance in km: one decimal under 10 km, none above (es_MX: 1,234.5)."""
        pattern = "#,##0.0" if value < 10 else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def and_list(self, items: list[str]) -> str:
        """'a, b y c' / 'a, b, and c': CLDR's list pattern for the locale."""
        return format_list(items, locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def time(self, moment: datetime, tz: str) -> str:
        return format_time(moment, format="short", tzinfo=ZoneInfo(tz), locale=self.locale)

    def date(self, moment: datetime) -> str:
        """'27 de noviembre de 2026' / 'November 27, 2026'."""
        return format_date(moment, format="long", locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """'15 dic' / 'Dec 15' (this year's dates in lists and cards)."""
        return format_skeleton("MMMd", day, locale=self.locale)

    def weekday(self, moment: datetime, tz: str) -> str:
        """'lunes' / 'Monday', in the place's own time zone."""
        return format_datetime(moment, "EEEE", tzinfo=ZoneInfo(tz), locale=self.locale)

    def weekday_time(self, moment: datetime, tz: str) -> str:
        """'lunes 9:00 a.m.' / 'Monday 9:00 AM' in the place's own time zone."""
        return f"{self.weekday(moment, tz)} {self.time(moment, tz)}"


class Catalogs:
    """Every supported locale's Translator, loaded once at start-up."""

    def __init__(self, directory: Path = LOCALES_DIR, default: str = DEFAULT_LOCALE) -> None:
        self.default = default
        self._translators = {
            locale: Translator(locale, _load(locale, directory)) for locale in SUPPORTED
        }

    def get(self, locale: str | None) -> Translator:
        return self._translators[normalize_locale(locale, self.default)]
