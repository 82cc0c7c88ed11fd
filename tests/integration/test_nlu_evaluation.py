"""`juntos nlu eval` thresholds on Rasa's own report files, and the one-time corpus split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nlu import corpus, evaluation


def scores(f1: float, support: int = 60) -> dict[str, float]:
    return {"precision": f1, "recall": f1, "f1-score": f1, "support": support}


def write_reports(out: Path, intents: dict[str, float], entity_items: list[dict[str, Any]]) -> None:
    """The files `rasa test nlu --successes` writes, reduced to the fields we read."""
    report: dict[str, Any] = {name: scores(f1) for name, f1 in intents.items()}
    report["accuracy"] = 0.97
    report["macro avg"] = scores(sum(intents.values()) / len(intents))
    (out / "intent_report.json").write_text(json.dumps(report))
    (out / "intent_successes.json").write_text("[]")
    (out / "CRFEntityExtractor_report.json").write_text(
        json.dumps({"filtro": scores(0.93), "micro avg": scores(0.93)})
    )
    (out / "CRFEntityExtractor_errors.json").write_text(json.dumps(entity_items))


def filter_item(predicted_value: str) -> dict[str, Any]:
    gold = {"entity": "filtro", "start": 5, "end": 11, "value": "free"}
    return {
        "text": "algo gratis",
        "entities": [gold],
        "predicted_entities": [{**gold, "value": predicted_value}],
    }


def test_a_staff_intent_under_095_fails_even_when_the_macro_average_passes(
    tmp_path: Path,
) -> None:
    write_reports(
        tmp_path,
        {
            "registrar_referencia": 0.99,
            "registrar_seguimiento": 0.93,
            "consultar_caso": 0.96,
            "saludo": 1.0,
        },
        [filter_item("free")],
    )

    result = evaluation.read_evaluation(tmp_path)

    assert result.intent_macro_f1 >= evaluation.MIN_INTENT_F1
    assert result.failures() == ["registrar_seguimiento F1 0.930 (min 0.95)"]


def test_a_filter_found_with_a_raw_value_counts_as_wrong(tmp_path: Path) -> None:
    intents = dict.fromkeys(evaluation.STAFF_INTENTS, 0.99)
    write_reports(tmp_path, intents, [filter_item("gratis")])

    result = evaluation.read_evaluation(tmp_path)

    assert result.values_wrong == [("filtro", "free", "gratis")]
    assert result.failures() == ["normalised values right 0.000 (min 0.95)"]


def test_a_missing_staff_intent_fails(tmp_path: Path) -> None:
    write_reports(tmp_path, {"saludo": 1.0, "consultar_caso": 1.0}, [filter_item("free")])

    failures = evaluation.read_evaluation(tmp_path).failures()

    assert "registrar_referencia F1 0.000 (min 0.95)" in failures
    assert "registrar_seguimiento F1 0.000 (min 0.95)" in failures


CORPUS = """version: "3.1"
nlu:
- intent: consultar_caso
  examples: |
{consultas}
- intent: registrar_referencia
  examples: |
{referencias}
"""


def blind_corpus() -> str:
    consultas = "\n".join(f"    - como va el [CASO-{n:04d}](caso_id)?" for n in range(1, 8))
    referencias = "\n".join(f"    - referi a una chava de [{n}](edad)" for n in range(10, 19))
    return CORPUS.format(consultas=consultas, referencias=referencias)


def test_the_split_is_fixed_by_its_seed_and_halves_are_disjoint() -> None:
    examples = corpus.read_examples(blind_corpus())

    first, again, other = (corpus.split(examples, s) for s in (814, 814, 815))

    assert first == again
    assert first != other
    for intent, lines in examples.items():
        dev, heldout = first.dev[intent], first.heldout[intent]
        assert len(dev) == len(lines) // 2
        assert sorted(dev + heldout) == sorted(lines)


def test_the_split_adapts_only_mechanical_annotation_differences() -> None:
    assert corpus.adapt("hay novedades de #[CASO-0007](caso_id)?") == (
        "hay novedades de [#CASO-0007](caso_id)?"
    )
    assert corpus.adapt("chavo de [dieciseis](edad)") == (
        'chavo de [dieciseis]{"entity": "edad", "value": "16"}'
    )
    assert corpus.adapt(
        '[centro comunitario]{"entity": "tipo_servicio", "value": "youth_programs"} con rampa'
    ) == ("[centro comunitario](organizacion) con rampa")
    unchanged = '[psic]{"entity": "tipo_servicio", "value": "psychological_support"} [16](edad)'
    assert corpus.adapt(unchanged) == unchanged


def test_the_rendered_halves_read_back_as_the_same_examples() -> None:
    result = corpus.split(corpus.read_examples(blind_corpus()), 814)

    text = corpus.render(result.heldout, "Held-out half: evaluation only.")

    assert text.startswith("# Held-out half: evaluation only.\n")
    assert corpus.read_examples(text) == result.heldout
