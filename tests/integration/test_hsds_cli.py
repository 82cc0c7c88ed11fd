"""`juntos directory import/export` and `juntos demo load` as an operator runs them (SQLite)."""

from __future__ import annotations

from pathlib import Path

from storage.hsds import TABLES
from tests.conftest import Juntos

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_directory"
OFFICIAL = ROOT / "tests" / "data" / "hsds-3.1-examples"


def test_import_prints_every_problem_and_exits_non_zero(juntos: Juntos, tmp_path: Path) -> None:
    result = juntos("directory", "import", str(OFFICIAL))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{OFFICIAL}/locations.csv:2: latitude: 100 is outside -90..90" in lines
    assert any(line.startswith(f"{OFFICIAL}/schedules.csv:2: timezone: ") for line in lines)
    assert "7 problem(s) found; nothing was imported." in lines
    exported = juntos("directory", "export", str(tmp_path / "out"))
    assert exported.exit_code == 0
    assert (tmp_path / "out" / "services.csv").read_text(encoding="utf-8").count("\n") == 1


def test_demo_load_is_idempotent_and_exports_the_same_files(juntos: Juntos, tmp_path: Path) -> None:
    first = juntos("demo", "load")
    assert first.exit_code == 0, first.output
    assert "services" in first.stdout
    assert juntos("demo", "load").exit_code == 0
    full = juntos("directory", "export", "--include-confidential", str(tmp_path / "out"))
    assert full.exit_code == 0
    assert "WITH their address and point" in full.stderr
    for name in TABLES:
        assert (tmp_path / "out" / f"{name}.csv").read_bytes() == (
            DEMO / f"{name}.csv"
        ).read_bytes(), name


def test_a_plain_export_says_it_left_confidential_places_out(
    juntos: Juntos, tmp_path: Path
) -> None:
    assert juntos("demo", "load").exit_code == 0
    result = juntos("directory", "export", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "confidential place(s) exported without address, point or name" in result.stdout
    assert (tmp_path / "out" / "addresses.csv").read_bytes() != (
        DEMO / "addresses.csv"
    ).read_bytes()


def test_check_only_validates_and_writes_nothing(juntos: Juntos, tmp_path: Path) -> None:
    result = juntos("directory", "import", "--check", str(DEMO))
    assert result.exit_code == 0
    assert "no problems found" in result.stdout
    juntos("directory", "export", str(tmp_path / "out"))
    assert (tmp_path / "out" / "organizations.csv").read_text(encoding="utf-8").count("\n") == 1


def test_import_of_a_folder_that_does_not_exist_is_a_usage_error(
    juntos: Juntos, tmp_path: Path
) -> None:
    result = juntos("directory", "import", str(tmp_path / "nowhere"))
    assert result.exit_code == 2


def test_near_takes_the_same_filters_as_the_bot(juntos: Juntos) -> None:
    import json

    assert juntos("demo", "load").exit_code == 0
    # Chihuahua's centre: free legal aid for women.
    result = juntos(
        "directory", "near", "28.6353", "-106.0773", "--category", "legal_aid",
        "--free", "--for", "women", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["results"]
    assert [r["service_name"] for r in found] == [
        "Atención a Mujeres en Situación de Violencia Chihuahua (demo)"
    ]
    assert found[0]["free"] is True and found[0]["eligibility"] == ["women"]
    spoken = juntos(
        "directory", "near", "28.6353", "-106.0773", "--language", "tar", "--accessible",
        "--limit", "3", "--json",
    )  # fmt: skip
    assert spoken.exit_code == 0, spoken.output
    places = json.loads(spoken.stdout)["results"]
    assert places and all("tar" in r["languages"] and r["accessibility"] for r in places)
    # Open now depends on the clock (the CLI's is the real one): it runs, whatever it finds.
    assert juntos("directory", "near", "28.6353", "-106.0773", "--open-now").exit_code == 0
    bad = juntos("directory", "near", "28.6", "-106.0", "--language", "klingon")
    assert bad.exit_code == 2
    assert "not an ISO 639 language code" in bad.output
    assert juntos("directory", "near", "28.6", "-106.0", "--for", "ninjas").exit_code == 2
