"""`juntos nlu`: train, serve and evaluate the Rasa model (in its own Python 3.10 venv)."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType

import typer
from rich.console import Console
from rich.table import Table

from nlu import corpus, evaluation, training
from nlu.client import DEFAULT_THRESHOLD
from nlu.process import (
    LOOPBACK,
    MODEL_NAME,
    RasaServer,
    RasaUnavailableError,
    host_and_port,
    trained_model_path,
)

app = typer.Typer(help="Rasa NLU: train, serve, evaluate.", no_args_is_help=True)
console = Console()


@app.command()
def train(
    config: Path = typer.Option(training.CONFIG, help="Rasa pipeline configuration."),
    name: str = typer.Option(MODEL_NAME, help="Model file name (without .tar.gz)."),
    force: bool = typer.Option(False, "--force", help="Train even if nothing changed."),
) -> None:
    """Train the NLU model into nlu/models/ when its config, domain or data changed."""
    console.print(f"==> NLU model {name} ({config.name})")
    started = time.monotonic()
    try:
        result = training.train(config, name=name, force=force)
    except (RasaUnavailableError, training.TrainingError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if result.trained:
        console.print(
            f"[green]trained {result.model} in {time.monotonic() - started:.0f} s[/green]"
        )
    else:
        console.print(f"model up to date: {result.model} (inputs {result.digest[:12]})")


@app.command()
def validate(
    config: Path = typer.Option(training.CONFIG, help="Rasa pipeline configuration."),
) -> None:
    """Check the domain and training data with `rasa data validate`."""
    try:
        code = training.validate(config)
    except RasaUnavailableError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if code:
        raise typer.Exit(code)
    console.print("[green]NLU data valid[/green]")


@app.command("eval")
def evaluate(
    model: Path = typer.Option(None, help="Model file (default: the trained nlu/models one)."),
    test_file: Path = typer.Option(training.TEST_FILE, help="Held-out NLU data."),
    min_intent_f1: float = typer.Option(evaluation.MIN_INTENT_F1, help="Fail under this."),
    min_entity_f1: float = typer.Option(evaluation.MIN_ENTITY_F1, help="Fail under this."),
    min_staff_f1: float = typer.Option(
        evaluation.MIN_STAFF_INTENT_F1, help="Fail when a staff intent's F1 is under this."
    ),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, help="Client threshold to report on."),
    errors: bool = typer.Option(False, "--errors", help="List the misclassified test lines."),
) -> None:
    """Evaluate on the held-out set; exit 1 under the intent/entity F1 thresholds."""
    try:
        model_file = model or trained_model_path()
        evaluation.run_rasa_test(model_file, test_file)
    except (RasaUnavailableError, RuntimeError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    result = evaluation.read_evaluation()
    _print_evaluation(result, threshold)
    if errors:
        for p in result.predictions:
            if p.intent != p.predicted:
                console.print(f"  {p.intent} -> {p.predicted} ({p.confidence:.2f}): {p.text}")
    failures = result.failures(min_intent_f1, min_entity_f1, min_staff_f1)
    if failures:
        console.print(f"[red]below thresholds: {'; '.join(failures)}[/red]")
        raise typer.Exit(1)
    console.print("[green]NLU evaluation passed[/green]")


@app.command()
def serve(
    model: Path = typer.Option(None, help="Model file (default: the trained nlu/models one)."),
) -> None:
    """Run the Rasa server in the foreground on RASA_URL's loopback port (Ctrl-C stops it)."""
    from juntos.settings import load_settings, reveal

    settings = load_settings()
    host, port = host_and_port(settings.rasa_url)
    if host not in LOOPBACK:
        console.print(f"[yellow]RASA_URL host {host} ignored: serving on 127.0.0.1[/yellow]")
        host = "127.0.0.1"
    try:
        server = RasaServer(
            model or trained_model_path(), host=host, port=port, token=reveal(settings.rasa_token)
        )
    except RasaUnavailableError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if not settings.rasa_token:
        # Never serve without a token: the API would expose model replacement and training.
        console.print("RASA_TOKEN is not set: generated one for this session:")
        console.print(f"  RASA_TOKEN={server.token}")

    def stop_on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        console.print(f"==> starting Rasa on {server.url} with {server.model.name}")
        server.start()
        console.print(f"[green]Rasa NLU ready on {server.url} in {server.started_in:.0f} s[/green]")
        code = server.wait()
    except RasaUnavailableError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        code = 0
    finally:
        server.stop()
    raise typer.Exit(code)


@app.command("split-corpus")
def split_corpus(
    source: Path = typer.Argument(..., exists=True, dir_okay=False, help="Blind NLU corpus."),
    dev: Path = typer.Option(..., help="Where to write the development half."),
    heldout: Path = typer.Option(..., help="Where to write the held-out half."),
    seed: int = typer.Option(..., help="Fixed seed: split once and record it."),
) -> None:
    """Split a blind corpus per intent into a development half and a held-out half."""
    examples = corpus.read_examples(source.read_text(encoding="utf-8"))
    result = corpus.split(examples, seed)
    origin = f"from {source.name}, split with `juntos nlu split-corpus --seed {seed}`"
    dev.write_text(
        corpus.render(result.dev, f"Development half {origin}: may be read and trained on."),
        encoding="utf-8",
    )
    heldout.write_text(
        corpus.render(result.heldout, f"Held-out half {origin}: evaluation only."),
        encoding="utf-8",
    )
    for intent in result.dev:
        console.print(
            f"{intent}: {len(result.dev[intent])} development, "
            f"{len(result.heldout[intent])} held-out"
        )


def _print_evaluation(result: evaluation.Evaluation, threshold: float) -> None:
    table = Table(title="Intents (held-out)", show_edge=False)
    for column in ("intent", "precision", "recall", "F1", "n"):
        table.add_column(column, justify="left" if column == "intent" else "right")
    for name, scores in sorted(result.intents.items()):
        table.add_row(name, *_row(scores))
    console.print(table)
    console.print(
        f"intent accuracy {result.intent_accuracy:.3f}   intent macro-F1 "
        f"{result.intent_macro_f1:.3f}"
    )
    console.print(
        "staff intents F1: "
        + "   ".join(
            f"{name} {result.intents[name].f1:.3f}" if name in result.intents else f"{name} -"
            for name in evaluation.STAFF_INTENTS
        )
    )
    entities = Table(title="Entities (held-out)", show_edge=False)
    for column in ("entity", "precision", "recall", "F1", "n"):
        entities.add_column(column, justify="left" if column == "entity" else "right")
    for name, scores in sorted(result.entities.items()):
        entities.add_row(name, *_row(scores))
    console.print(entities)
    for extractor, scores in result.extractors.items():
        console.print(
            f"entities ({extractor}): precision {scores.precision:.3f}   recall "
            f"{scores.recall:.3f}   F1 {scores.f1:.3f}"
        )
    console.print(
        f"normalised values ({', '.join(evaluation.NORMALISED)}) right: "
        f"{result.values_checked - len(result.values_wrong)}/{result.values_checked}"
    )
    for entity, expected, got in result.values_wrong:
        console.print(f"  {entity}: expected {expected!r}, got {got!r}")
    confusions = result.confusions()
    if confusions:
        console.print("confusion pairs (expected -> predicted):")
        for expected, predicted, count in confusions:
            console.print(f"  {expected} -> {predicted}: {count}")
    answered, accuracy = result.at_threshold(threshold)
    console.print(
        f"client threshold {threshold:.2f}: answers {answered:.0%} of messages, "
        f"{accuracy:.1%} of them right"
    )


def _row(scores: evaluation.Scores) -> tuple[str, str, str, str]:
    return (
        f"{scores.precision:.2f}",
        f"{scores.recall:.2f}",
        f"{scores.f1:.2f}",
        str(scores.support),
    )
