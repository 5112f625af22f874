"""Where the bot under test keeps its sessions: a SQLite file, or a fresh PostgreSQL schema.

``BACKENDS`` parametrises a test over both (PostgreSQL marked, so ``-m "not postgres"`` leaves it out).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pg import PG_URL, create_pg_schema, drop_pg_schema

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextlib.asynccontextmanager
async def pg_schema() -> AsyncIterator[str]:
    schema = await create_pg_schema()
    try:
        yield schema
    finally:
        await drop_pg_schema(schema)


def pg_url(schema: str, application_name: str) -> str:
    """DATABASE_URL for PostgreSQL in ``schema``, its connections named ``application_name``.

    The store takes a schema only as an argument of ``open_store``, not from the URL; asyncpg,
    though, sends the URL's query parameters as server settings. So ``search_path`` puts the
    tables in the schema, and the ``application_name`` lets the tests find the bot's own
    connections in ``pg_stat_activity``.
    """
    url = make_url(PG_URL).update_query_dict({"search_path": schema, "application_name": application_name})
    return url.render_as_string(hide_password=False)


def stored_url(backend: str, data_dir: Path, schema: str | None) -> str:
    return pg_url(schema, "ipbot-test") if backend == "postgres" and schema else \
        f"sqlite:///{data_dir / 'ipbot.db'}"
