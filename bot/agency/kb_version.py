"""The knowledge base's version: a content hash of its data directory.

Two processes (or two starts) that load the same YAML files agree on the version without any registry;
any edit to any file, or a file added or removed, gives a new one. Notices are sent at most once per version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from knowledge.loader import DATA_DIR


def kb_version(root: Path | None = None) -> str:
    """sha256 over the relative paths and bytes of every YAML file under ``root``, first 16 hex digits."""
    root = root or DATA_DIR
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]
