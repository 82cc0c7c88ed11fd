"""`juntos crisis`: train the in-process crisis model and measure the whole crisis screen.

juntos crisis train [--force]                  # what `make crisis-model` runs
juntos crisis eval                             # the development set, Rasa down
juntos crisis cv [--errors]                    # leave-one-batch-out cross-validation
juntos crisis eval --heldout                   # each held-out part and all (never tune on them)
juntos crisis eval --heldout --rasa URL        # ... and with that Rasa server up
juntos crisis eval --heldout --start-rasa      # ... starting the trained Rasa model
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator, Sequence

import typer
from rich.console import Console

from crisis_model import ModelFileError, corpus, default_model
from crisis_model.corpus import Example, Half
from crisis_model.evaluation import evaluate, format_crossval, format_heldout
from domain.services.crisis import CrisisScreen
from nlu.client import NluClient
from nlu.process import (
    LOG_DIR,
    RasaServer,
    RasaUnavailableError,
    free_port,
    trained_model_path,
)

app = typer.Typer(help="The crisis screen: train its model, measure it.", no_args_is_help=True)
console = Console(highlight=False)


@app.command()
def train(force: bool = typer.Option(False, "--force", help="Train even if up to date.")) -> None:
    """Train the crisis model on the development set and the NLU data (under a minute)."""
    started = time.monotonic()
    from crisis_model import training  # scikit-learn: only here, never in the bot

    meta = training.train(force=force)
    if meta is None:
        console.print("crisis model up to date")
        return
    cv = meta["cross_validated"]
    t = meta["thresholds"]
    parts = "; ".join(
        f"part {batch} {figures['recall']:.1%} / {figures['false_alarms']:.1%}"
        for batch, figures in cv["by_batch"].items()
    )
    console.print(
        f"crisis model trained in {time.monotonic() - started:.0f} s: "
        f"{meta['features']} features; thresholds show {t['show']:.3f} keep {t['keep']:.3f} "
        f"danger {t['danger']:.3f}; grouped cross-validation on the general development "
        f"parts (Rasa down): recall {cv['recall']:.1%}, false alarms "
        f"{cv['false_alarms']:.1%} ({parts}); "
        f"ordinary messages shown the lines {cv['ordinary_messages_shown']:.1%}",
        soft_wrap=True,
    )


@app.command("cv")
def cross_validate(
    errors: bool = typer.Option(False, "--errors", help="List the misses and false alarms."),
) -> None:
    """Leave-one-batch-out cross-validation of the whole screen (rules and model, Rasa down).

    Each batch's development part is screened by a model, calibration and thresholds trained
    on the other batches only: the forecast of a new batch's held-out figures (a few minutes).
    """
    started = time.monotonic()
    from crisis_model import crossval, training  # scikit-learn: only here, never in the bot

    data = training.training_set()
    rounds = crossval.by_batch(data)
    thresholds = "; ".join(
        f"without batch {r.batch}: show {r.thresholds.show:.3f} keep {r.thresholds.keep:.3f} "
        f"danger {r.thresholds.danger:.3f}"
        for r in rounds
    )
    title = (
        "leave-one-batch-out cross-validation on the development parts (Rasa down; each part "
        f"screened by a model trained without its batch; {time.monotonic() - started:.0f} s)\n"
        f"thresholds {thresholds}"
    )
    report = crossval.report(rounds, data)
    console.print(format_crossval(report, title, errors=errors), soft_wrap=True)


@app.command("eval")
def evaluate_screen(
    heldout: bool = typer.Option(
        False, "--heldout", help="Read the held-out parts (only when done tuning)."
    ),
    rasa: str | None = typer.Option(
        None, "--rasa", help="A running Rasa server: also measure with Rasa up."
    ),
    rasa_token: str | None = typer.Option(None, "--rasa-token", envvar="RASA_TOKEN"),
    start_rasa: bool = typer.Option(
        False, "--start-rasa", help="Start the trained Rasa model on a free port for this run."
    ),
    errors: bool = typer.Option(False, "--errors", help="List the misses and false alarms."),
) -> None:
    """Recall per danger category and false alarms per negative category, Rasa down (and up).

    Each part (one per batch of the corpus) and all of them together, side by side.
    """
    try:
        screen = CrisisScreen(default_model())
    except ModelFileError as error:
        console.print(f"[red]{error}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    half = Half.HELDOUT if heldout else Half.DEVELOPMENT
    examples = corpus.load(half)
    try:
        with _rasa(rasa, rasa_token, start_rasa) as server:
            flags = asyncio.run(rasa_emergencies(examples, *server)) if server else None
    except RasaUnavailableError as error:
        console.print(f"[red]Rasa did not start: {error}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    report = evaluate(examples, screen, flags)
    if half is Half.HELDOUT:
        title = (
            f"crisis screen on the held-out parts of the blind corpus ({len(examples)} messages, "
            "never tuned on)"
        )
    else:
        title = (
            f"crisis screen on the development parts of the blind corpus ({len(examples)} "
            "messages); the model was trained on them, so these figures are in-sample"
        )
    console.print(format_heldout(report, title, errors=errors), soft_wrap=True)


@contextlib.contextmanager
def _rasa(
    url: str | None, token: str | None, start: bool
) -> Iterator[tuple[str, str | None] | None]:
    if url:
        yield url, token
        return
    if not start:
        yield None
        return
    server = RasaServer(
        trained_model_path(),
        host="127.0.0.1",
        port=free_port("127.0.0.1"),
        startup_timeout=600,
        log_file=LOG_DIR / "rasa-crisis-eval.log",
    )
    console.print("starting Rasa (about a minute)...")
    with server:
        yield server.url, server.token


async def rasa_emergencies(examples: Sequence[Example], url: str, token: str | None) -> list[bool]:
    """Whether Rasa reads each example as `emergencia` (as the bot's text handler does)."""
    client = NluClient(url, token, timeout=10.0, failures_before_open=1000)
    try:
        flags = []
        for example in examples:
            parse = await client.parse(example.text)
            flags.append(parse is not None and parse.intent == "emergencia")
        if not any(flags) and examples:
            raise RasaUnavailableError(f"no answer from {url}")
        return flags
    finally:
        await client.aclose()
