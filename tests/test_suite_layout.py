"""The suite's own layout: test modules share their harness through ``tests/fakes/``, never each other.

A test module importing another one runs (and collects) the other's module-level code, and ties two
files of tests together by what should be a helper; the shared harness lives in ``tests/fakes/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_the_suite_imports_a_test_module() -> None:
    test_modules = {p.stem for p in TESTS.rglob("test_*.py")}
    assert "test_suite_layout" in test_modules  # the walk sees the suite
    offenders = {
        str(path.relative_to(TESTS)): sorted(found)
        for path in sorted(TESTS.rglob("*.py"))
        if (found := {m for m in imported_modules(path)
                      if m.split(".")[-1] in test_modules or m.split(".")[0] in test_modules})
    }
    assert offenders == {}, f"import the shared harness from tests/fakes/ instead: {offenders}"


def test_the_check_sees_an_import_of_a_test_module(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text("from test_telegram_e2e import Harness\nimport tests.test_faults\nfrom fakes import x\n",
                      encoding="utf-8")
    assert imported_modules(sample) == {"test_telegram_e2e", "tests.test_faults", "fakes"}
