"""The agency's own small tables on the store's DATABASE_URL: SQLite through sqlite3, PostgreSQL through asyncpg.

Each user (subscriptions, the unanswered-questions log) subclasses :class:`AgencyDb` with its CREATE TABLE IF
NOT EXISTS statements, run on first use; statements use ``?`` placeholders, numbered for PostgreSQL here.
bot/storage is another engineer's, so these tables live beside it until they are folded into its migrations.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, ClassVar

from sqlalchemy.engine import make_url

_PLACEHOLDER = re.compile(r"\?")


class AgencyDb:
    DDL: ClassVar[tuple[str, ...]] = ()

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        sa_url = make_url(url)
        self._backend = sa_url.get_backend_name()
        self._schema = schema
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None
        if self._backend == "sqlite":
            self._path = sa_url.database or ":memory:"
        elif self._backend in ("postgresql", "postgres"):
            self._dsn = sa_url.set(drivername="postgresql").render_as_string(hide_password=False)
        else:
            raise ValueError(f"DATABASE_URL: no agency tables for {sa_url.drivername!r}")

    async def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """One statement; the rows it returns."""
        if self._backend == "sqlite":
            return [tuple(r) for r in self._sqlite_conn().execute(sql, args).fetchall()]
        n = 0

        def number(_: re.Match[str]) -> str:
            nonlocal n
            n += 1
            return f"${n}"

        pool = await self._pg_pool()
        async with pool.acquire() as conn:
            return [tuple(r) for r in await conn.fetch(_PLACEHOLDER.sub(number, sql), *args)]

    def _sqlite_conn(self) -> sqlite3.Connection:
        if self._sqlite is None:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA secure_delete = ON")  # /forget leaves no trace in free pages
            for ddl in self.DDL:
                conn.execute(ddl)
            self._sqlite = conn
        return self._sqlite

    async def _pg_pool(self) -> Any:
        if self._pg is None:
            import asyncpg

            settings = {"search_path": self._schema} if self._schema else None
            pool = await asyncpg.create_pool(self._dsn, min_size=0, max_size=2, timeout=5, server_settings=settings)
            async with pool.acquire() as conn:
                for ddl in self.DDL:
                    await conn.execute(ddl)
            self._pg = pool
        return self._pg

    async def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._pg is not None:
            await self._pg.close()
            self._pg = None
