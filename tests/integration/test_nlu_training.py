"""The NLU training data and the retrain-only-on-change rule."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlu import training
from nlu.commands import app
from nlu.process import RASA_VENV, model_path

INTENTS = {
    "saludo",
    "despedida",
    "agradecer",
    "afirmar",
    "negar",
    "pedir_ayuda",
    "buscar_servicio",
    "informar_ubicacion",
    "contar_situacion",
    "emergencia",
    "registrar_referencia",
    "registrar_seguimiento",
    "consultar_caso",
    "cambiar_idioma",
    "borrar_datos",
    "fuera_de_alcance",
}
ENTITIES = {
    "tipo_servicio",
    "lugar",
    "codigo_postal",
    "caso_id",
    "edad",
    "organizacion",
    "idioma",
    "idioma_servicio",
    "filtro",
    "fecha",
}
TAXONOMY = {
    "psychological_support",
    "legal_aid",
    "shelter",
    "addiction_treatment",
    "youth_programs",
    "education_employment",
    "mediation",
    "health",
    "gender_violence",
    "child_protection",
}
#: Entities normalised by synonyms, and the values callers may rely on.
VALUES = {
    "tipo_servicio": TAXONOMY,
    "idioma": {"es", "en"},
    "filtro": {
        "free",
        "open_now",
        "women",
        "adolescents",
        "families",
        "lgbtq",
        "migrants",
        "accessible",
    },
    "idioma_servicio": {"es", "en", "tar", "nah", "mix", "zap", "otq", "maz", "tzo", "yua"},
}
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{([^}]*)\}|\(([^)]*)\))")


def examples(path: Path) -> list[tuple[str, str]]:
    """(intent, plain text) for every intent example in a Rasa NLU YAML file."""
    found: list[tuple[str, str]] = []
    intent: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):
            match = re.match(r"- intent: (\S+)", line)
            intent = match.group(1) if match else None
        elif intent and line.startswith("    - "):
            found.append((intent, ANNOTATION.sub(r"\1", line[6:]).strip()))
    return found


def training_examples() -> list[tuple[str, str]]:
    return [e for p in sorted(training.NLU_DATA_DIR.glob("*.yml")) for e in examples(p)]


def normalise(text: str) -> str:
    # "?" and "¿" stay: "CASO-0042 ya fue a su cita" (a follow-up) and "CASO-0042 ya fue a su
    # cita?" (a question about the case) are different examples with different intents.
    return re.sub(r"[^\w?¿]+", " ", text.casefold()).strip()


def test_every_intent_has_at_least_30_varied_training_examples() -> None:
    counts = Counter(intent for intent, _ in training_examples())
    assert set(counts) == INTENTS
    assert min(counts.values()) >= 30, counts
    for intent in INTENTS:
        texts = {normalise(t) for i, t in training_examples() if i == intent}
        assert len(texts) >= 30, f"{intent} has duplicate examples"


def test_the_held_out_set_covers_every_intent_and_is_not_in_the_training_data() -> None:
    held_out = examples(training.TEST_FILE)
    assert {intent for intent, _ in held_out} == INTENTS
    trained = {normalise(text) for _, text in training_examples()}
    leaked = [text for _, text in held_out if normalise(text) in trained]
    assert leaked == []
    assert training.TEST_FILE not in training.training_inputs()


def test_entities_are_the_agreed_ones_and_service_types_are_taxonomy_codes() -> None:
    files = [*training.NLU_DATA_DIR.glob("*.yml"), training.TEST_FILE]
    seen: set[str] = set()
    for path in files:
        for match in ANNOTATION.finditer(path.read_text(encoding="utf-8")):
            body = match.group(2) or match.group(3)
            entity = re.search(r'"entity": "([^"]+)"', body)
            name = entity.group(1) if entity else body
            seen.add(name)
            if name in VALUES:
                value = re.search(r'"value": "([^"]+)"', body)
                assert value is not None, match.group(0)
                assert value.group(1) in VALUES[name], match.group(0)
    assert seen == ENTITIES


def synonyms() -> dict[str, str]:
    """Every synonym text (lower-cased) -> its value, over all training files."""
    found: dict[str, str] = {}
    value: str | None = None
    for path in sorted(training.NLU_DATA_DIR.glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("- "):
                match = re.match(r'- synonym: "?([^"]+)"?$', line)
                value = match.group(1) if match else None
            elif value and line.startswith("    - "):
                found[ANNOTATION.sub(r"\1", line[6:]).strip().lower()] = value
    return found


def test_every_normalised_span_in_the_training_data_has_a_synonym() -> None:
    # Rasa maps a span to its value only through the synonyms: a span the CRF finds in a new
    # sentence but that no synonym lists would come out as raw text instead of a code.
    known = synonyms()
    missing = set()
    for path in training.NLU_DATA_DIR.glob("*.yml"):
        for match in ANNOTATION.finditer(path.read_text(encoding="utf-8")):
            body = match.group(2) or ""
            entity = re.search(r'"entity": "([^"]+)"', body)
            value = re.search(r'"value": "([^"]+)"', body)
            if entity is None or value is None or entity.group(1) not in VALUES:
                continue
            text = match.group(1).lower()
            if text != value.group(1) and known.get(text) != value.group(1):
                missing.add((entity.group(1), match.group(1), value.group(1)))
    assert missing == set()


def copy_inputs(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "config.yml"
    shutil.copy(training.CONFIG, config)
    data = tmp_path / "data"
    shutil.copytree(training.NLU_DATA_DIR, data)
    return config, data


def test_the_content_hash_changes_with_data_but_not_with_timestamps(tmp_path: Path) -> None:
    config, data = copy_inputs(tmp_path)
    before = training.content_hash(training.training_inputs(config, data), root=tmp_path)

    for path in data.glob("*.yml"):
        path.touch()
    assert training.content_hash(training.training_inputs(config, data), root=tmp_path) == before

    greetings = data / "conversacion.yml"
    greetings.write_text(greetings.read_text() + "    - quiubas\n", encoding="utf-8")
    after = training.content_hash(training.training_inputs(config, data), root=tmp_path)
    assert after != before


def test_the_content_hash_changes_with_the_pipeline(tmp_path: Path) -> None:
    config, data = copy_inputs(tmp_path)
    before = training.content_hash(training.training_inputs(config, data), root=tmp_path)
    config.write_text(config.read_text() + "  - name: FallbackClassifier\n")
    assert training.content_hash(training.training_inputs(config, data), root=tmp_path) != before


@pytest.mark.rasa
@pytest.mark.skipif(not (RASA_VENV / "bin" / "rasa").exists(), reason=".venv-rasa is absent")
def test_train_does_nothing_when_the_model_is_up_to_date() -> None:
    digest = training.content_hash(training.training_inputs())
    if not training.is_up_to_date(model_path(), digest):
        pytest.fail("the trained model is missing or stale: run `make nlu-model` first")
    before = model_path().stat().st_mtime_ns

    result = CliRunner().invoke(app, ["train"])

    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert model_path().stat().st_mtime_ns == before
