"""`domain/` imports only the standard library and itself (bot -> domain <- storage)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_modules_import_only_the_standard_library() -> None:
    offenders = {}
    files = sorted(DOMAIN.rglob("*.py"))
    assert files, "the domain package should not be empty"
    for path in files:
        foreign = {
            root
            for root in imported_roots(path)
            if root not in sys.stdlib_module_names and root not in {"domain", "__future__"}
        }
        if foreign:
            offenders[str(path.relative_to(DOMAIN.parent))] = sorted(foreign)
    assert offenders == {}


def test_the_check_would_catch_a_third_party_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom telegram import Bot\nimport json\n")
    assert imported_roots(bad) - set(sys.stdlib_module_names) == {"sqlalchemy", "telegram"}
