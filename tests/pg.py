"""The real PostgreSQL on 127.0.0.1:5432 for tests: a fresh schema per test, dropped afterwards.

Unreachable server: the test is skipped, unless IPBOT_REQUIRE_POSTGRES=1 (CI), where it fails.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

PG_URL = os.environ.get("IPBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
_pg_unreachable: str | None = None  # remembered so a dead server costs one timeout, not one per test


async def create_pg_schema() -> str:
    global _pg_unreachable
    if _pg_unreachable is None:
        name = f"ipbot_test_{uuid.uuid4().hex[:12]}"
        engine = create_async_engine(PG_URL, connect_args={"timeout": 3})
        try:
            async with asyncio.timeout(5), engine.begin() as conn:
                await conn.execute(sa.schema.CreateSchema(name))
            return name
        except (OSError, TimeoutError, sa.exc.DBAPIError) as exc:
            _pg_unreachable = f"{type(exc).__name__}: {exc}"
        finally:
            await engine.dispose()
    if os.environ.get("IPBOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(
            f"IPBOT_REQUIRE_POSTGRES=1 but PostgreSQL at {PG_URL} is unreachable: {_pg_unreachable}",
            pytrace=False,
        )
    pytest.skip(f"PostgreSQL at {PG_URL} unreachable: {_pg_unreachable}")


async def drop_pg_schema(name: str) -> None:
    engine = create_async_engine(PG_URL)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.schema.DropSchema(name, cascade=True))
    finally:
        await engine.dispose()


