"""The agency's tables on the store's DATABASE_URL: SQLite through sqlite3, PostgreSQL through asyncpg.

The tables are the store's (``bot/storage/migrations``, version 3: ``policy_subscriptions``,
``policy_notices``, ``unanswered_questions``); on first use :class:`AgencyDb` opens the session store
once so that its migrations have run, then keeps a connection of its own. Keys are stored as the store
stores them, keyed hashes (:meth:`bot.storage.crypto.Sealer.hash`), and what must be read back is sealed
(AES-GCM) under a data key kept wrapped in the subscriber's row.

Before version 3 the agency made its own tables (``agency_subscriptions``, ``agency_notices``,
``agency_unanswered``: plain keys, plain chat ids). Their rows are moved into the new tables once, hashed
and sealed, and the old tables dropped (:func:`_adopt_legacy`), in one transaction.

Statements use ``?`` placeholders, numbered for PostgreSQL here.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url

from bot.storage.crypto import Sealer
from bot.storage.factory import open_store

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\?")
_LEGACY_LOCK = 0x1B0C_A9E7  # pg_advisory_xact_lock key: one replica adopts the old agency tables
LEGACY_TABLES = ("agency_notices", "agency_subscriptions", "agency_unanswered")


def _numbered(sql: str) -> str:
    n = 0

    def number(_: re.Match[str]) -> str:
        nonlocal n
        n += 1
        return f"${n}"

    return _PLACEHOLDER.sub(number, sql)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class AgencyDb:
    def __init__(self, url: str, *, schema: str | None = None, id_secret: bytes | None = None) -> None:
        sa_url = make_url(url)
        self._url = url
        self._backend = sa_url.get_backend_name()
        self._schema = schema
        self._id_secret = id_secret
        self.sealer = Sealer(id_secret)
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None
        if self._backend == "sqlite":
            self._path = sa_url.database or ":memory:"
        elif self._backend in ("postgresql", "postgres"):
            self._dsn = sa_url.set(drivername="postgresql").render_as_string(hide_password=False)
        else:
            raise ValueError(f"DATABASE_URL: no agency tables for {sa_url.drivername!r}")

    async def _migrated(self) -> None:
        """The store's migrations (the agency's tables among them), run by opening the store once."""
        async with open_store(self._url, schema=self._schema, id_secret=self._id_secret):
            pass

    async def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """One statement; the rows it returns."""
        if self._backend == "sqlite":
            conn = await self._sqlite_conn()
            return [tuple(r) for r in conn.execute(sql, args).fetchall()]
        pool = await self._pg_pool()
        async with pool.acquire() as conn:
            return [tuple(r) for r in await conn.fetch(_numbered(sql), *args)]

    async def _sqlite_conn(self) -> sqlite3.Connection:
        if self._sqlite is None:
            await self._migrated()
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA secure_delete = ON")  # /forget leaves no trace in free pages
            conn.execute("BEGIN IMMEDIATE")
            try:
                exists = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

                async def run(sql: str, *args: Any) -> list[tuple[Any, ...]]:
                    return [tuple(r) for r in conn.execute(sql, args).fetchall()]

                if exists & set(LEGACY_TABLES):
                    await _adopt_legacy(run, self.sealer, exists)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                conn.close()
                raise
            self._sqlite = conn
        return self._sqlite

    async def _pg_pool(self) -> Any:
        if self._pg is None:
            import asyncpg

            await self._migrated()
            settings = {"search_path": self._schema} if self._schema else None
            pool = await asyncpg.create_pool(self._dsn, min_size=0, max_size=2, timeout=5, server_settings=settings)
            try:
                async with pool.acquire() as conn, conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", _LEGACY_LOCK)
                    exists = {t for t in LEGACY_TABLES if await conn.fetchval("SELECT to_regclass($1)", t)}

                    async def run(sql: str, *args: Any) -> list[tuple[Any, ...]]:
                        return [tuple(r) for r in await conn.fetch(_numbered(sql), *args)]

                    if exists:
                        await _adopt_legacy(run, self.sealer, exists)
            except BaseException:
                await pool.close()
                raise
            self._pg = pool
        return self._pg

    async def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._pg is not None:
            await self._pg.close()
            self._pg = None


Run = Any  # async (sql, *args) -> rows, on the connection holding the adoption's transaction


async def _adopt_legacy(run: Run, sealer: Sealer, exists: set[str]) -> None:
    """Move the rows of the agency's own pre-version-3 tables into the store's, hashed and sealed."""
    keys: dict[str, tuple[str, bytes]] = {}  # plain key -> (hashed key, data key)
    moved = 0
    if "agency_subscriptions" in exists:
        for user_key, chat_id, lang, facts, as_of, snapshot, version, updated in await run(
                "SELECT user_key, chat_id, lang, facts, as_of, snapshot, kb_version, updated_at "
                "FROM agency_subscriptions"):
            hashed, data_key = sealer.hash(user_key), Sealer.new_key()
            keys[user_key] = (hashed, data_key)
            await run(
                "INSERT INTO policy_subscriptions (user_key, data_key, chat, lang, facts, as_of, snapshot, "
                "kb_version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_key) DO NOTHING",
                hashed, sealer.wrap(hashed, data_key), Sealer.seal(data_key, hashed, str(int(chat_id))), lang,
                Sealer.seal(data_key, hashed, facts), as_of, Sealer.seal(data_key, hashed, snapshot), version,
                updated)
            moved += 1
    if "agency_notices" in exists:
        for user_key, version, status, message, snapshot, updated in await run(
                "SELECT user_key, kb_version, status, message, snapshot, updated_at FROM agency_notices"):
            if user_key not in keys:
                continue  # a notice without its subscriber: nobody to send it to
            hashed, data_key = keys[user_key]
            bound = notice_binding(hashed, version)
            await run(
                "INSERT INTO policy_notices (user_key, kb_version, status, message, snapshot, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_key, kb_version) DO NOTHING",
                hashed, version, status, Sealer.seal(data_key, bound, message),
                Sealer.seal(data_key, bound, snapshot), updated)
    if "agency_unanswered" in exists:
        for day, user_key, lang, text in await run("SELECT day, user_key, lang, text FROM agency_unanswered"):
            await run("INSERT INTO unanswered_questions (day, user_key, lang, text) VALUES (?, ?, ?, ?)",
                      day, sealer.hash(user_key), lang, text)
    for table in LEGACY_TABLES:
        if table in exists:
            await run(f"DROP TABLE {table}")
    log.info("adopted the agency's tables from before schema version 3: %d subscriber(s), keys hashed", moved)


def notice_binding(hashed_key: str, kb_version: str) -> str:
    """The associated data of a sealed notice: it opens only in its own row."""
    return f"{hashed_key}|{kb_version}"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
