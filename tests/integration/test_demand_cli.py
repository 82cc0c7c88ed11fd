"""`juntos report demand` as an operator runs it: the table, the PNG and the CSV, every small
count as "< 5"; and `juntos demo load` adds fictional counts once, labelled as such."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

from domain.demand import AgeBand, DistanceBand, SearchKey
from storage.engine import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.conftest import Juntos

JUAREZ = "08037"
BUSY_CELL, QUIET_CELL = "8748c6d51ffffff", "8748c6d0bffffff"


def seed(tmp_path: Path) -> None:
    async def write() -> None:
        engine = create_engine(f"sqlite:///{tmp_path / 'juntos.db'}", pool=False)
        try:
            async with SqlUnitOfWork(session_factory(engine)) as uow:
                for cell, need, within, count in (
                    (BUSY_CELL, "psychological_support", False, 12),
                    (QUIET_CELL, "legal_aid", False, 3),
                    (BUSY_CELL, "health", True, 7),
                ):
                    band = DistanceBand.UNDER_2 if within else DistanceBand.FROM_25_TO_50
                    key = SearchKey("2026-W10", JUAREZ, cell, need, AgeBand.UNKNOWN, within, band)
                    await uow.demand.add_search(key, count)
                await uow.commit()
        finally:
            await engine.dispose()

    asyncio.run(write())


def test_the_report_prints_the_ranking_and_writes_the_map_and_the_table(
    juntos: Juntos, tmp_path: Path
) -> None:
    seed(tmp_path)
    png, table = tmp_path / "mapa.png", tmp_path / "tabla.csv"
    result = juntos(
        "report", "demand", "--municipality", "Juárez, Chihuahua",
        "--from", "2026-03-01", "--to", "2026-03-08", "--png", str(png), "--csv", str(table),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Dónde falta ayuda: Juárez" in out
    assert "Apoyo psicológico" in out and "A1" in out and "12" in out
    assert "1 grupo más con menos de 5" in out
    assert "Asesoría legal" in out and "< 5 búsquedas" in out  # its share, suppressed
    assert png.read_bytes().startswith(b"\x89PNG")
    rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:2] == ["necesidad", "zona"]
    assert rows[2][:3] == ["Asesoría legal", "A2", QUIET_CELL]
    assert rows[2][5:] == ["< 5", "< 5"], "3 searches: never the number"

    english = juntos(
        "report", "demand", "--municipality", JUAREZ, "--from", "2026-03-01",
        "--to", "2026-03-08", "--need", "health", "--language", "en",
    )  # fmt: skip
    assert english.exit_code == 0, english.output
    assert "Where help is missing: Juárez · Health" in english.output
    assert "100% of 7" in english.output


def test_bad_input_is_refused_with_the_reason(juntos: Juntos, tmp_path: Path) -> None:
    seed(tmp_path)
    ambiguous = juntos("report", "demand", "--municipality", "Juárez")
    assert ambiguous.exit_code == 1
    assert "ambiguous" in ambiguous.output and "Chihuahua" in ambiguous.output
    bad_date = juntos("report", "demand", "--municipality", JUAREZ, "--from", "marzo")
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output
    bad_need = juntos("report", "demand", "--municipality", JUAREZ, "--need", "tacos")
    assert bad_need.exit_code == 2 and "psychological_support" in bad_need.output
    png = tmp_path / "vacío.png"
    empty = juntos(
        "report", "demand", "--municipality", JUAREZ, "--from", "2025-01-01",
        "--to", "2025-12-31", "--png", str(png),
    )  # fmt: skip
    assert empty.exit_code == 0
    assert "No se contaron búsquedas en Juárez" in empty.output
    assert not png.exists(), "an empty period draws no empty map"


def test_demo_load_adds_fictional_counts_once_and_the_report_says_so(juntos: Juntos) -> None:
    first = juntos("demo", "load")
    assert first.exit_code == 0, first.output
    assert "fictional, seeded demo searches" in first.output
    again = juntos("demo", "load")
    assert again.exit_code == 0 and "demo searches" not in again.output
    report = juntos("report", "demand", "--municipality", JUAREZ, "--from", "2020-01-01")
    assert report.exit_code == 0, report.output
    assert "incluye conteos ficticios de demostración" in report.output
