"""The catalogs are complete, current and safe to format (make pot / make catalogs-update)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n import SUPPORTED, Catalogs

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def keys(catalog: Catalog) -> set[tuple[str | None, object]]:
    return {(m.context, m.id) for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_pot_file_matches_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "-k",
            "pgettext:1c,2",
            "-k",
            "npgettext:1c,2,3",
            "-k",
            "N_",
            "-c",
            "Translators:",
            "--no-location",
            "--omit-header",
            "-o",
            str(fresh),
            "bot",
        ],
        cwd=ROOT,
        check=True,
    )
    committed = load(LOCALES / "messages.pot")
    assert keys(load(fresh)) == keys(committed), "run `make pot` and `make catalogs-update`"


@pytest.mark.parametrize("locale", SUPPORTED)
def test_every_message_is_translated_with_the_same_placeholders(locale: str) -> None:
    pot = load(LOCALES / "messages.pot")
    catalog = load(LOCALES / locale / "LC_MESSAGES" / "messages.po", locale)
    assert keys(catalog) >= keys(pot), "missing messages: run `make catalogs-update`"
    # Current CLDR: Spanish has three forms (one, many, other), English two.
    expected_forms = Catalog(locale=locale).num_plurals
    assert catalog.num_plurals == expected_forms
    problems = []
    for message in catalog:
        if not message.id:
            continue
        where = f"{message.context or ''}|{message.id!r}"
        if message.fuzzy:
            problems.append(f"fuzzy: {where}")
        ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,))]
        raw = message.string
        strings = [str(s) for s in (raw if isinstance(raw, tuple | list) else (raw,))]
        if isinstance(message.id, tuple) and len(strings) != expected_forms:
            problems.append(f"{len(strings)} plural forms, {expected_forms} needed: {where}")
        wanted = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            if not text:
                problems.append(f"untranslated: {where}")
            elif isinstance(message.id, tuple):
                # A singular may say "one" instead of {count}; nothing else may be missing.
                if placeholders(text) - wanted or (wanted - {"count"}) - placeholders(text):
                    problems.append(f"placeholders differ: {where}")
            elif placeholders(text) != wanted:
                problems.append(f"placeholders differ: {where}")
    assert problems == []


def test_spanish_is_the_default_and_really_spanish() -> None:
    catalogs = Catalogs()
    es, en = catalogs.get(None), catalogs.get("en-US")
    assert es.locale == "es_MX"
    assert es.gettext("What would you like to do?") == "¿Qué te gustaría hacer?"
    assert en.gettext("What would you like to do?") == "What would you like to do?"
    assert es.ngettext("Your request:", "Your {count} requests:", 3).format(count=3) == (
        "Tus 3 solicitudes:"
    )


def test_numbers_and_times_follow_the_locale() -> None:
    from datetime import UTC, datetime

    catalogs = Catalogs()
    es, en = catalogs.get("es"), catalogs.get("en")
    assert es.km(1234.56) == "1,235"  # es_MX groups with commas, unlike es_ES
    assert es.km(2.345) == "2.3"
    moment = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # Monday 09:00 in Mexico City
    assert es.weekday_time(moment, "America/Mexico_City").replace("\u202f", " ") == (
        "lunes 9:00 a.m."
    )
    assert en.weekday_time(moment, "America/Mexico_City").replace("\u202f", " ") == (
        "Monday 9:00 AM"
    )
