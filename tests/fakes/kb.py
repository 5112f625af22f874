"""A copy of the knowledge base with one edit: a policy change as a policy officer would make it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.loader import DATA_DIR, KnowledgeBaseError, load_knowledge_base


def edited_kb(tmp_path: Path, old: str, new: str, file: str = "benefits/2_finance.yaml") -> Path:
    """The knowledge base copied under ``tmp_path / "data"`` with ``old`` (found once) replaced by ``new``."""
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def copied_kb(tmp_path: Path) -> Path:
    """The knowledge base copied under ``tmp_path / "data"``, to be broken on purpose by a test."""
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root


def kb_problems(root: Path) -> list[str]:
    """The problems the loader reports for the knowledge base at ``root`` (it must refuse it)."""
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(root)
    return [str(p) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of ``path`` holding ``needle`` (where a problem must be reported)."""
    return next(i for i, x in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in x)
