"""The emergency lines shown in a crisis, and their order for each kind of danger."""

from __future__ import annotations

import pytest

from domain.crisis import CrisisSignal, DangerKind, detect_crisis, lines_for
from domain.emergency import (
    ALL_LINES,
    LINE_911,
    LINE_ANONYMOUS_REPORT,
    LINE_LIFE,
    EmergencyLine,
    lines_for_kinds,
)

K = DangerKind


def keys(lines: tuple[EmergencyLine, ...]) -> list[str]:
    return [line.number for line in lines]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (K.SUICIDE_SELF_HARM, ["800 911 2000", "911"]),
        (K.VIOLENCE_NOW, ["911", "800 911 2000"]),
        (K.THREAT, ["911", "800 911 2000", "089"]),
        (K.SEXUAL_VIOLENCE, ["911", "800 911 2000"]),
        (K.SHOOTING, ["911", "089"]),
        (K.KIDNAPPING, ["911", "089"]),
        (K.CHILD_ABUSE, ["911", "800 911 2000", "089"]),
        (K.EMERGENCY, ["911", "800 911 2000"]),
    ],
)
def test_each_kind_of_danger_gets_its_lines_in_order(kind: DangerKind, expected: list[str]) -> None:
    signal = CrisisSignal(frozenset({kind}), uncertain=False)
    assert keys(lines_for(signal)) == expected


def test_suicide_puts_the_linea_de_la_vida_first_and_never_the_anonymous_report() -> None:
    signal = detect_crisis("ya no quiero vivir")
    assert signal is not None
    assert lines_for(signal) == (LINE_LIFE, LINE_911)


def test_someone_hurting_the_person_now_puts_911_first_even_with_suicidal_words() -> None:
    signal = detect_crisis("mi papá me está pegando y ya no quiero vivir")
    assert signal is not None
    assert {K.VIOLENCE_NOW, K.SUICIDE_SELF_HARM} <= signal.kinds
    assert lines_for(signal)[0] is LINE_911
    assert LINE_LIFE in lines_for(signal)


def test_a_shooting_offers_911_then_the_anonymous_report() -> None:
    signal = detect_crisis("se oyen balazos afuera")
    assert signal is not None
    assert lines_for(signal) == (LINE_911, LINE_ANONYMOUS_REPORT)


def test_911_is_offered_for_every_kind_of_danger() -> None:
    for kind in DangerKind:
        assert LINE_911 in lines_for_kinds(frozenset({kind})), kind


def test_no_line_is_repeated_when_several_kinds_apply() -> None:
    lines = lines_for_kinds(frozenset(DangerKind))
    assert len(lines) == len(set(lines)) == 3


def test_every_line_is_free_open_day_and_night_and_dialable_as_text() -> None:
    for line in ALL_LINES:
        assert line.free is True
        assert line.open_24h is True
        assert line.number.replace(" ", "").isdigit(), line.number
    assert [line.tel_uri for line in ALL_LINES] == ["tel:911", "tel:8009112000", "tel:089"]


def test_only_the_089_line_is_anonymous() -> None:
    assert [line.key for line in ALL_LINES if line.anonymous] == [LINE_ANONYMOUS_REPORT.key]


def test_line_keys_are_stable_and_distinct() -> None:
    assert [line.key for line in ALL_LINES] == [
        "emergency_911",
        "linea_de_la_vida",
        "denuncia_anonima_089",
    ]
