"""The crisis screen: the rules and the model together, and how it holds on any input."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisis_model import corpus, default_model, training
from crisis_model.corpus import Half
from crisis_model.evaluation import evaluate
from domain.crisis import DangerKind, read_rules
from domain.services.crisis import CrisisScreen, Source, decide
from tests.crisis_fakes import FixedDangerModel


@pytest.fixture(scope="module")
def screen() -> CrisisScreen:
    return CrisisScreen(default_model())


# -- the policy: rules as the floor, the model for what they cannot phrase --------------------


@pytest.mark.parametrize("probability", [0.0, 0.5, 1.0])
def test_what_the_rules_read_as_clear_danger_is_danger_whatever_the_model_says(
    probability: float,
) -> None:
    screening = CrisisScreen(FixedDangerModel(probability)).screen("me quiero morir")
    assert screening.signal is not None and not screening.signal.uncertain
    assert screening.signal.kinds == {DangerKind.SUICIDE_SELF_HARM}


def test_the_model_alone_shows_the_lines_but_never_silences_the_bot() -> None:
    text = "ya regale mis cosas a mis primos, cuidenlos"
    quiet = "hoy estuvo bonito el dia"  # nothing the rules read as danger
    assert read_rules(quiet).signal is None
    assert CrisisScreen(FixedDangerModel(0.5)).screen(quiet).signal is None
    uncertain = CrisisScreen(FixedDangerModel(0.7)).screen(quiet)
    assert uncertain.signal is not None and uncertain.signal.uncertain
    assert uncertain.signal.kinds == {DangerKind.EMERGENCY}
    assert uncertain.source is Source.MODEL
    sure = CrisisScreen(FixedDangerModel(0.99)).screen(quiet)
    assert sure.signal is not None and sure.signal.uncertain, "the lines, then the normal answer"
    # With the rules' doubt behind it, a sure model makes it danger (the rules' kinds).
    assert read_rules(text).signal is not None
    danger = CrisisScreen(FixedDangerModel(0.99)).screen(text)
    assert danger.signal is not None and not danger.signal.uncertain


@pytest.mark.parametrize("text", ["no", "No.", "ya", "ok gracias", "no sé", "Sí, por favor"])
def test_a_short_answer_is_no_sign_of_danger_whatever_the_model_says(text: str) -> None:
    assert CrisisScreen(FixedDangerModel(1.0)).screen(text).signal is None


def test_the_documented_short_answers_stay_silent_with_the_trained_model(
    screen: CrisisScreen,
) -> None:
    for answer in ["no", "sí", "ya", "ok", "va", "nel", "no sé", "ya voy", "mañana"]:
        assert screen.screen(answer).signal is None, answer
    # ...but only whole answers: the same words in a sentence are read as usual.
    assert screen.screen("ya no puedo más, me quiero morir").signal is not None


def test_the_model_answers_the_rules_doubt() -> None:
    doubt = "me pega"  # an ambiguous phrase: uncertain for the rules
    assert read_rules(doubt).signal is not None
    assert CrisisScreen(FixedDangerModel(0.1)).screen(doubt).signal is None
    kept = CrisisScreen(FixedDangerModel(0.5)).screen(doubt).signal
    assert kept is not None and kept.uncertain and kept.kinds == {DangerKind.VIOLENCE_NOW}


@pytest.mark.parametrize("text", ["no me quiero morir", "me quiero morir jaja"])
def test_a_clear_phrase_softened_by_a_negation_or_laughter_always_shows_the_lines(
    text: str,
) -> None:
    signal = CrisisScreen(FixedDangerModel(0.0)).screen(text).signal
    assert signal is not None and signal.uncertain


def test_a_bare_cry_for_help_shows_the_lines_whatever_the_model_says() -> None:
    signal = CrisisScreen(FixedDangerModel(0.0)).screen("AYUDAAAA").signal
    assert signal is not None and signal.uncertain


@pytest.mark.parametrize(
    ("text", "probability", "counts"),
    [
        ("estos zapatos me están matando", 0.1, False),  # Rasa alone: not enough
        ("estos zapatos me están matando", 0.5, True),  # the model has doubt (keep is 0.4)
        ("hoy estuvo bonito el dia", 0.39, False),
        ("me quiero morir", 0.0, True),  # the screen shows the lines anyway
        ("AYUDAAAA", 0.0, True),
    ],
)
def test_rasas_emergencia_counts_as_a_doubt_the_model_answers(
    text: str, probability: float, counts: bool
) -> None:
    assert CrisisScreen(FixedDangerModel(probability)).counts_nlu_emergency(text) is counts


def test_the_vectorised_policy_used_in_training_is_the_screens_policy(
    screen: CrisisScreen,
) -> None:
    examples = corpus.load(Half.DEVELOPMENT)
    readings = [read_rules(e.text) for e in examples]
    model = default_model()
    probabilities = model.score([e.text for e in examples], [r.evidence for r in readings])
    shown = training.lines_shown(probabilities, readings, model.thresholds)
    for example, reading, p, flag in zip(examples, readings, probabilities, shown, strict=True):
        assert (decide(reading, float(p), model.thresholds) is not None) == flag, example.text
        assert screen.screen(example.text).probability == pytest.approx(float(p), abs=1e-9)


# -- the development set (the model was trained on it: these are in-sample checks) ------------


def test_the_screen_meets_the_targets_on_the_development_set(screen: CrisisScreen) -> None:
    report = evaluate(corpus.load(Half.DEVELOPMENT), screen)
    assert report.recall() >= 0.97, [e.text for e in report.misses]
    assert report.false_alarm_rate() <= 0.05, [e.text for e in report.false_alarms]
    worst, rate = report.worst_category()
    assert rate >= 0.90, worst


# -- bad input never crashes the screen, nor slows it down ------------------------------------

BAD_INPUT = [
    "",
    " ",
    "\n\t\r",
    "😭😭😭🔪💊",
    "🙏" * 2048,
    "x" * 4096,
    ("me quiero morir " * 300)[:4096],
    "\x00\x01\x07\x1b[31m me quiero morir \x7f",
    "auxilio \u202e\u200f\u200b ayúdenme",
    "Я хочу умереть, 死にたい, أريد أن أموت, me kiero morir",
    "\ud7ff\ufffd\U0001f600" * 100,
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_odd_messages_get_an_answer_from_the_screen_in_milliseconds(
    screen: CrisisScreen, text: str
) -> None:
    started = time.perf_counter()
    screening = screen.screen(text)
    elapsed = time.perf_counter() - started
    assert 0.0 <= screening.probability <= 1.0
    assert elapsed < 0.25  # generous for a shared machine; bench/crisis_eval.py measures it


def test_a_cry_hidden_in_odd_characters_is_still_read(screen: CrisisScreen) -> None:
    signal = screen.screen("\x00\x07 ME QUIERO MORIIIR 😭\u200b").signal
    assert signal is not None and DangerKind.SUICIDE_SELF_HARM in signal.kinds


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=4096))
def test_any_text_at_all_gets_a_reading(screen: CrisisScreen, text: str) -> None:
    screening = screen.screen(text)
    assert 0.0 <= screening.probability <= 1.0
    if screening.signal is not None:
        assert screening.signal.kinds
