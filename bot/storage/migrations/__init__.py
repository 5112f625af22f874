"""The schema of both stores as numbered SQL files, applied in order on start; the version is recorded.

Why numbered SQL files rather than Alembic: the stores talk to SQLite through ``sqlite3`` and to
PostgreSQL through ``asyncpg``, not SQLAlchemy engines (see their modules for the CPU this saves),
and the schema is a handful of tables; plain files are read and reviewed as they are, and run on
the store's own connection (on PostgreSQL under an advisory lock, so replicas starting together
migrate once). ``NNNN_name.sql`` in ``sqlite/`` and ``postgres/``; the table ``schema_version``
holds the number of the last file applied. Version 1 is the schema the bot had before versioning
(``CREATE ... IF NOT EXISTS``, so such a database is adopted as it is). Rows written before
version 2 (plain keys, plain JSON) are rewritten by the store once, on start (hashed, sealed).
"""

from __future__ import annotations

import re
from importlib import resources

__all__ = ["Migration", "migrations"]

_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")

Migration = tuple[int, str, list[str]]
"""(version, file name, statements)."""


def migrations(dialect: str) -> list[Migration]:
    """The migrations of ``dialect`` ("sqlite" or "postgres"), in order; each file split into statements."""
    found: list[Migration] = []
    for entry in resources.files(__package__).joinpath(dialect).iterdir():
        match = _NAME.fullmatch(entry.name)
        if match is None:
            continue
        sql = entry.read_text(encoding="utf-8")
        lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
        statements = [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
        found.append((int(match.group(1)), entry.name, statements))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"{dialect} migrations must be numbered 1..n without gaps, found {versions}")
    return found


def latest(dialect: str) -> int:
    return len(migrations(dialect))
