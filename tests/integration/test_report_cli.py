"""`juntos report indicators` as an operator runs it: the same figures as /indicadores, files
when asked, clear errors for an unknown municipality or an inverted period."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from juntos.database import Database
from storage.engine import create_engine, session_factory
from tests import indicator_fixture as fx
from tests.conftest import Juntos, run_outside_loop

MARCH = ("--from", "2026-03-01", "--to", "2026-03-31")


def _load(tmp_path: Path) -> None:
    async def load() -> None:
        engine = create_engine(f"sqlite:///{tmp_path / 'juntos.db'}")
        try:
            await fx.load(Database(engine=engine, sessions=session_factory(engine)).uow())
        finally:
            await engine.dispose()

    run_outside_loop(load())


def test_the_terminal_table_shows_the_hand_computed_figures(juntos: Juntos, tmp_path: Path) -> None:
    _load(tmp_path)
    result = juntos("report", "indicators", "--municipality", "Juárez, Chihuahua", *MARCH)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Indicadores · Juárez · 1 mar 2026 – 31 mar 2026" in result.output
    assert any("Referencias hechas" in line and "13" in line for line in lines)
    assert any("Rechazadas" in line and "< 5" in line for line in lines)
    assert any("Sociedad civil → Gobierno" in line and " 5 " in line for line in lines)


def test_csv_png_and_json_are_written_when_asked(juntos: Juntos, tmp_path: Path) -> None:
    _load(tmp_path)
    csv_file, png_file = tmp_path / "out.csv", tmp_path / "out.png"
    result = juntos(
        "report", "indicators", "-m", "08037", *MARCH,
        "--csv", str(csv_file), "--png", str(png_file), "--json", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    values = {(r["section"], r["key"]): r["value"] for r in data["rows"]}
    assert values[("referrals", "made")] == "13" and values[("people", "people")] == "10"
    assert values[("age", "30+")] == "< 5"
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text("utf-8-sig"))))
    assert {"section": "referrals", "key": "made", "label": "Referrals made", "value": "13"} in rows
    assert png_file.read_bytes().startswith(b"\x89PNG")


def test_an_unknown_municipality_or_an_inverted_period_is_a_clear_error(juntos: Juntos) -> None:
    unknown = juntos("report", "indicators", "-m", "Narnia", *MARCH)
    assert unknown.exit_code == 2 and "no municipality is called 'Narnia'" in unknown.output
    inverted = juntos(
        "report", "indicators", "-m", "Tijuana", "--from", "2026-03-31", "--to", "2026-03-01"
    )
    assert inverted.exit_code == 2 and "swap --from and --to" in inverted.output


def test_an_empty_period_prints_zeros_and_says_so(juntos: Juntos) -> None:
    result = juntos("report", "indicators", "-m", "Tijuana", *MARCH)
    assert result.exit_code == 0
    assert "No se hicieron referencias" in result.output


def test_demo_load_adds_a_labelled_fictional_history_once(juntos: Juntos, tmp_path: Path) -> None:
    assert juntos("demo", "load").exit_code == 0
    today = datetime.now(UTC).date()
    window = ("--from", str(today - timedelta(days=90)), "--to", str(today))
    first = json.loads(juntos("report", "indicators", "-m", "08037", *window, "--json").output)
    made = {(r["section"], r["key"]): r["value"] for r in first["rows"]}[("referrals", "made")]
    assert made != "< 5" and int(made) >= 30  # a chart with a story, not empty axes
    assert juntos("demo", "load").exit_code == 0
    again = json.loads(juntos("report", "indicators", "-m", "08037", *window, "--json").output)
    assert again["rows"] == first["rows"]  # the second load added nothing

    async def labels() -> set[tuple[str, bool]]:
        engine = create_engine(f"sqlite:///{tmp_path / 'juntos.db'}")
        try:
            async with Database(engine=engine, sessions=session_factory(engine)).uow() as uow:
                found = set()
                for number in (1, 100, 700):
                    case = await uow.cases.get(number)
                    assert case is not None
                    found.add((case.created_by, case.alias.endswith("(ficticio)")))
                return found
        finally:
            await engine.dispose()

    assert run_outside_loop(labels()) == {("demo-history", True)}
