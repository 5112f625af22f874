"""A copy of the knowledge base with one edit: a policy change as a policy officer would make it."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge.loader import DATA_DIR


def edited_kb(tmp_path: Path, old: str, new: str, file: str = "benefits/2_finance.yaml") -> Path:
    """The knowledge base copied under ``tmp_path / "data"`` with ``old`` (found once) replaced by ``new``."""
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root
