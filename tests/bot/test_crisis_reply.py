"""The crisis reply's shape, for every kind of danger, in Spanish and English: validate first,
the numbers (first on their lines, in the kind's order) with what happens when you call and
their facts from the emergency-line constants, one safety step, "soy un bot, pero sigo aquí"
and the offer — at most 8 short lines before the buttons, inviting, never ordering.

Rendered with the real catalogs, as the handler does (bot/handlers/crisis.py); the bot tests
(tests/bot/test_crisis.py) check the same reply through the running bot.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot import texts
from bot.i18n import Catalogs, Translator
from domain.crisis import CrisisSignal, lines_for
from domain.emergency import ALL_LINES, LINE_911, LINE_LIFE, DangerKind

K = DangerKind
CATALOGS = Catalogs()
ES, EN = CATALOGS.get("es_MX"), CATALOGS.get("en")
SIGNALS = [CrisisSignal(frozenset({kind}), uncertain=False) for kind in DangerKind] + [
    CrisisSignal(frozenset({K.SUICIDE_SELF_HARM, K.VIOLENCE_NOW}), uncertain=False),
    CrisisSignal(frozenset({K.SUICIDE_SELF_HARM}), uncertain=True),
    CrisisSignal(frozenset({K.EMERGENCY}), uncertain=True),
]
STILL_HERE = {"es_MX": "Soy un bot, pero sigo aquí.", "en": "I'm a bot, but I'm still here."}
#: Orders we never give in a crisis ("Llama ahora", "Call now").
ORDERS = re.compile(r"(^|[.:!¡] ?)(Llama|Marca|Call|Dial)\b", re.MULTILINE)
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]")


def name(signal: CrisisSignal) -> str:
    kinds = "+".join(sorted(signal.kinds))
    return f"{kinds}{'?' if signal.uncertain else ''}"


@pytest.mark.parametrize("t", [ES, EN], ids=["es", "en"])
@pytest.mark.parametrize("signal", SIGNALS, ids=[name(s) for s in SIGNALS])
def test_every_crisis_reply_has_the_shape(t: Translator, signal: CrisisSignal) -> None:
    reply = texts.crisis(t, signal)
    lines = reply.splitlines()
    assert len(lines) <= 8, reply
    assert all(len(line) <= 120 for line in lines), reply
    # The numbers: each first on its own line, in the order of the kind of danger.
    numbered = [line for line in lines if line[:1].isdigit()]
    assert [line.split(" — ")[0] for line in numbered] == [x.number for x in lines_for(signal)]
    assert STILL_HERE[t.locale] in lines[-1]
    assert not ORDERS.search(reply), reply
    assert EMOJI.findall(reply) == ["☎"], "one ☎️ as a marker, no other emoji"
    if not signal.uncertain:
        assert not lines[0][:1].isdigit() and "☎" not in lines[0], "validate first"


def test_suicide_first_validates_then_the_linea_de_la_vida_then_911() -> None:
    reply = texts.crisis(ES, CrisisSignal(frozenset({K.SUICIDE_SELF_HARM}), uncertain=False))
    lines = reply.splitlines()
    assert lines[0] == "Gracias por decírmelo. No estás sola ni solo."
    assert lines[1] == "☎️ Si quieres, puedes llamar ahora:"
    assert lines[2].startswith("800 911 2000 — Línea de la Vida: te escucha una persona")
    assert lines[3].startswith("911 — Emergencias: te contesta una persona")
    assert "089" not in reply
    assert lines[-2] == "Si puedes, busca a alguien de confianza para que te acompañe ahora."
    assert lines[-1] == "Soy un bot, pero sigo aquí. ¿Quieres que una organización te contacte?"


def test_violence_says_it_is_not_their_fault_puts_911_first_and_names_the_quick_exit() -> None:
    reply = texts.crisis(ES, CrisisSignal(frozenset({K.VIOLENCE_NOW}), uncertain=False))
    lines = reply.splitlines()
    assert lines[0] == "Gracias por decírmelo. Lo que te pasa no es tu culpa."
    assert lines[2].startswith("911 — ")
    assert "Si puedes, ve a un lugar seguro" in reply and "/salir" in reply


def test_the_anonymous_report_says_they_do_not_ask_your_name() -> None:
    reply = texts.crisis(ES, CrisisSignal(frozenset({K.KIDNAPPING}), uncertain=False))
    [anonymous] = [line for line in reply.splitlines() if line.startswith("089 — ")]
    assert "no te piden tu nombre" in anonymous
    english = texts.crisis(EN, CrisisSignal(frozenset({K.KIDNAPPING}), uncertain=False))
    assert "they don't ask your name" in english


@pytest.mark.parametrize("t", [ES, EN], ids=["es", "en"])
def test_the_facts_of_each_line_come_from_its_constants(t: Translator) -> None:
    shown = {
        "es_MX": ("gratis", "a cualquier hora", "no te piden tu nombre", "puede tener costo"),
        "en": ("free", "open 24 h", "they don't ask your name", "it may cost"),
    }[t.locale]
    free, open_24h, anonymous, may_cost = shown
    usual = texts.emergency_line(t, LINE_LIFE)
    assert f"({free} " in usual and open_24h in usual and anonymous not in usual
    changed = dataclasses.replace(LINE_LIFE, free=False, open_24h=False, anonymous=True)
    line = texts.emergency_line(t, changed)
    assert may_cost in line and anonymous in line and open_24h not in line


@pytest.mark.parametrize("t", [ES, EN], ids=["es", "en"])
def test_every_emergency_line_has_its_own_words(t: Translator) -> None:
    generic = t.gettext("{number} ({facts}).")
    for line in ALL_LINES:
        shown = texts.emergency_line(t, line)
        assert shown.startswith(f"{line.number} — "), shown
        assert shown != generic.format(number=line.number, facts=texts.line_facts(t, line))


def test_the_danger_line_uses_the_constants() -> None:
    assert texts.danger_line(ES) == (
        f"Si estás en peligro, puedes llamar al {LINE_911.number} o a la Línea de la Vida "
        f"{LINE_LIFE.number} (gratis y a cualquier hora)."
    )
