"""docs/textos.md, the reviewers' page, is current and complete (`make textos`)."""

from __future__ import annotations

from babel.messages.pofile import read_po

from bot import texts_doc
from bot.i18n import SUPPORTED


def documented() -> set[tuple[str, str]]:
    return {(module, function) for _, entries in texts_doc.WHEN for module, function, _ in entries}


def test_the_page_is_current() -> None:
    assert texts_doc.DOC.read_text(encoding="utf-8") == texts_doc.listing(), "run `make textos`"


def test_every_message_of_the_member_text_modules_says_when_it_is_shown() -> None:
    with_messages = {
        (found.module, found.function)
        for module in texts_doc.CHECKED_MODULES
        for found in texts_doc.found_messages(module)
    }
    checked = {
        entry
        for entry in documented() | texts_doc.NOT_FOR_MEMBERS
        if entry[0] in texts_doc.CHECKED_MODULES
    }
    assert with_messages - checked == set(), "describe them in bot/texts_doc.py WHEN"
    assert documented() & texts_doc.NOT_FOR_MEMBERS == set()


def test_every_described_function_has_messages() -> None:
    modules = {module for module, _ in documented()}
    found = {(f.module, f.function) for module in modules for f in texts_doc.found_messages(module)}
    assert documented() - found == set(), "stale entries in bot/texts_doc.py WHEN"


def test_every_member_message_is_on_the_page_in_both_languages() -> None:
    page = texts_doc.DOC.read_text(encoding="utf-8")
    wanted = documented()
    missing = []
    for locale in SUPPORTED:
        path = texts_doc.LOCALES / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        for module in {m for m, _ in wanted}:
            for found in texts_doc.found_messages(module):
                if (found.module, found.function) not in wanted:
                    continue
                key = found.msgid if isinstance(found.msgid, str) else found.msgid[0]
                message = catalog.get(key, context=found.context)
                assert message is not None, key
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                missing += [(locale, s) for s in strings if texts_doc.cell(str(s)) not in page]
    assert missing == []


def test_the_crisis_reply_is_shown_whole_for_each_kind_of_danger() -> None:
    page = texts_doc.DOC.read_text(encoding="utf-8")
    invite = "\n☎️ Si quieres, puedes llamar ahora:\n"
    assert f"Gracias por decírmelo. No estás sola ni solo.{invite}800 911 2000 — " in page
    assert f"Gracias por decírmelo. Lo que te pasa no es tu culpa.{invite}911 — " in page
