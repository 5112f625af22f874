"""The store replicas share: PostgreSQL, through asyncpg.

Why not SQLAlchemy's async engine, as before: with two replicas under `make bench-load` it cost
about 4 ms of CPU per update in each bot (greenlet hops, a pre-ping round trip per checkout,
BEGIN and COMMIT around every statement) plus as much again in the server, more than the rest of
the update. Here each one-row statement is one prepared round trip in autocommit.

Every write is one statement, atomic in PostgreSQL: creation is an INSERT that the primary key
refuses when the session exists; a change is ``UPDATE ... WHERE key = $ AND version = $``, which
after waiting for a concurrent writer's row lock re-checks the version, so of two replicas
answering the same chat at once exactly one wins and the other re-applies its input.

A dropped connection (server restart, terminated backend, network) is raised as
:class:`~bot.storage.base.StoreUnavailableError`: the pool opens a new connection on the next acquire,
and the caller retries (:class:`bot.services.Conversations`). The schema is migrated on first use
(:mod:`bot.storage.migrations`), under an advisory lock, so replicas starting together do not race;
keys are stored hashed and states sealed per session (:mod:`bot.storage.crypto`), so a deleted
session's old row versions, left in the heap and the WAL until vacuumed and recycled, are unreadable
once ``/forget`` has deleted its key.

And the deleted key itself (stored wrapped) must not stay in the heap as a dead row version: after
every deletion of keys, ``session_keys`` is rewritten (``VACUUM FULL``: a new file with the live
rows only). A plain ``VACUUM`` is not enough: it removes the dead tuple from the page's item list
but leaves its bytes in the page's free space when no live tuple moves over them (measured with
``pageinspect``: the most recently inserted key stayed readable). The table is small (one short
row per session) and deletions are rare (``/forget``, the hourly sweep); the rewrite holds its lock
for that moment only, and waits at most a second for it (else the next deletion rewrites). Still out
of reach: a transaction open across the deletion (its snapshot keeps the old version alive through
the rewrite) and the WAL, until its segments are recycled.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Self

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.base import PGDialect

from bot.storage.base import (
    State,
    StoredSession,
    StoreError,
    StoreUnavailableError,
    ddl,
)
from bot.storage.crypto import HASH_PREFIX, Sealer
from bot.storage.migrations import migrations
from bot.storage.records import Closable, check_user_key, decode_state, encode_state, exists_error, version_error

__all__ = ["PgSessionStore"]

SHRED_LOCK_TIMEOUT_MS = 1000  # at most this long waiting for session_keys' lock before a rewrite
log = logging.getLogger(__name__)

_LOAD = ("SELECT s.state, s.version, s.updated_at, k.data_key FROM sessions s "
         "LEFT JOIN session_keys k ON k.key = s.key WHERE s.key = $1")
_INSERT = "INSERT INTO sessions (key, user_key, state, version, updated_at) VALUES ($1, $2, $3, 1, $4)"
_UPDATE = "UPDATE sessions SET state = $1, version = version + 1, updated_at = $2 WHERE key = $3 AND version = $4"
_UPDATE_OWNER = ("UPDATE sessions SET state = $1, version = version + 1, updated_at = $2, user_key = $3 "
                 "WHERE key = $4 AND version = $5")
# A new session's key: inserted unless a concurrent writer's is there, and whichever won read back.
_NEW_KEY = ("WITH new AS (INSERT INTO session_keys (key, data_key) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING "
            "RETURNING data_key) SELECT data_key FROM new UNION ALL "
            "SELECT data_key FROM session_keys WHERE key = $1 LIMIT 1")
_GET_KEY = "SELECT data_key FROM session_keys WHERE key = $1"
_DELETE = ("WITH k AS (DELETE FROM session_keys WHERE key = $1) "
           "DELETE FROM sessions WHERE key = $1")
_DELETE_USER = ("WITH k AS (DELETE FROM session_keys WHERE key IN (SELECT key FROM sessions WHERE user_key = $1)) "
                "DELETE FROM sessions WHERE user_key = $1")
# The same, each session deleted keeping the /forget's id as its input mark ($2), in the one statement.
_DELETE_USER_MARKED = (
    "WITH m AS (INSERT INTO input_marks (key, last_input, marked_at) SELECT key, $2, now() FROM sessions "
    "WHERE user_key = $1 ON CONFLICT (key) DO UPDATE SET last_input = excluded.last_input, marked_at = now()), "
    "k AS (DELETE FROM session_keys WHERE key IN (SELECT key FROM sessions WHERE user_key = $1)) "
    "DELETE FROM sessions WHERE user_key = $1")
_IDLE = ("WITH m AS (DELETE FROM input_marks WHERE marked_at < $1), "
         "k AS (DELETE FROM session_keys WHERE key IN (SELECT key FROM sessions WHERE updated_at < $1)) "
         "DELETE FROM sessions WHERE updated_at < $1")
_MARK = "SELECT last_input FROM input_marks WHERE key = $1"
_SET_MARK = ("INSERT INTO input_marks (key, last_input, marked_at) VALUES ($1, $2, now()) "
             "ON CONFLICT (key) DO UPDATE SET last_input = excluded.last_input, marked_at = now()")
_DIALECT: sa.Dialect = PGDialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves its __init__ untyped
_SCHEMA_LOCK = 0x1B0C_5E55  # pg_advisory_xact_lock key: one replica migrates at a time
_KEY_CACHE = 4096

# Errors after which the same statement may well succeed on a fresh connection.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # class 08: the connection failed or is gone
    asyncpg.exceptions.OperatorInterventionError,  # class 57: admin shutdown, crash, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: too many connections
    asyncpg.InterfaceError,  # the connection was closed under us
    asyncpg.exceptions.InternalClientError,  # the protocol was left mid-operation by a failure
    OSError,  # refused or reset: the server is down or restarting
    TimeoutError,
)


class PgSessionStore(Closable):
    """Sessions in PostgreSQL; the semantics of :class:`~bot.storage.base.SessionStore`.

    ``dsn`` is a ``postgresql://`` URL; its query parameters other than libpq's become server
    settings (``?application_name=ipbot``). ``schema`` puts the tables in that schema.
    ``id_secret`` keys the hashes of the stored keys: every replica must have the same.
    """

    def __init__(self, dsn: str, *, schema: str | None = None, max_connections: int = 10,
                 connect_timeout_s: float = 5.0, id_secret: bytes | None = None) -> None:
        self._dsn = dsn
        self._schema = schema
        self._max = max_connections
        self._timeout = connect_timeout_s
        self._pool: asyncpg.Pool | None = None
        self._tables_ready: set[str] = set()
        self._migrated = False
        self._sealer = Sealer(id_secret)
        self._keys: OrderedDict[str, bytes] = OrderedDict()

    async def init(self) -> None:
        """Connect and migrate the schema; idempotent, safe for replicas starting together."""
        if self._migrated:
            return
        async with self.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
            for version, name, statements in migrations("postgres"):
                if version <= current:
                    continue
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute("DELETE FROM schema_version")
                await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", version)
                log.info("PostgreSQL schema migrated to version %d (%s)", version, name)
            await self._upgrade_rows(conn)
        self._migrated = True
        self._tables_ready.update({"sessions", "usage_stats", "session_keys", "input_marks"})

    async def _upgrade_rows(self, conn: asyncpg.Connection) -> None:
        """Rows from before version 2 (plain keys, plain JSON): hashed keys, states sealed with new keys."""
        legacy = await conn.fetch("SELECT key, user_key, state FROM sessions WHERE key NOT LIKE $1",
                                  HASH_PREFIX + "%")
        for row in legacy:
            hashed = self._sealer.hash(row["key"])
            data_key = self._sealer.new_key()
            await conn.execute("INSERT INTO session_keys (key, data_key) VALUES ($1, $2) "
                               "ON CONFLICT (key) DO NOTHING", hashed, self._sealer.wrap(hashed, data_key))
            await conn.execute("UPDATE sessions SET key = $1, user_key = $2, state = $3 WHERE key = $4",
                               hashed, self._sealer.hash(row["user_key"]),
                               self._sealer.seal(data_key, hashed, row["state"]), row["key"])
        for row in await conn.fetch("SELECT key FROM input_marks WHERE key NOT LIKE $1", HASH_PREFIX + "%"):
            await conn.execute("UPDATE input_marks SET key = $1 WHERE key = $2", self._sealer.hash(row["key"]),
                               row["key"])
        if legacy:
            log.info("rewrote %d session(s) from before version 2: keys hashed, states sealed", len(legacy))

    async def __aenter__(self) -> Self:
        await self.init()
        return self

    async def create_tables(self, tables: Iterable[sa.Table]) -> None:
        """CREATE ... IF NOT EXISTS for tables outside the migrations, once per store object."""
        await self._ready()
        missing = [t for t in tables if t.name not in self._tables_ready]
        if not missing:
            return
        async with self.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
            for statement in ddl(missing, _DIALECT):
                await conn.execute(statement)
        self._tables_ready.update(t.name for t in missing)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection; a lost one is reported as StoreUnavailableError."""
        self._check_open()
        try:
            if self._pool is None:
                settings = {"search_path": self._schema} if self._schema else None
                # min_size=0: no connection is made until one is needed; a dead one is replaced then.
                self._pool = await asyncpg.create_pool(self._dsn, min_size=0, max_size=self._max,
                                                       timeout=self._timeout, server_settings=settings,
                                                       reset=_keep_session)
            async with self._pool.acquire(timeout=self._timeout) as conn:
                try:
                    yield conn
                except _UNAVAILABLE:
                    # Not back into the pool: a backend that was shut down may not look closed yet
                    # (and no reset round trip on release would notice), so the next user would
                    # find it mid-failure. The pool opens a fresh one instead.
                    conn.terminate()
                    raise
        except _UNAVAILABLE as exc:
            raise StoreUnavailableError(f"PostgreSQL is unavailable: {type(exc).__name__}: {exc}") from exc
        except asyncpg.PostgresError as exc:
            raise StoreError(f"PostgreSQL: {type(exc).__name__}: {exc}") from exc

    async def load(self, key: str) -> StoredSession | None:
        await self._ready()
        hashed = self._sealer.hash(key)
        async with self.connection() as conn:
            row = await conn.fetchrow(_LOAD, hashed)
        if row is None or row["data_key"] is None:
            return None  # never saved, or its key deleted (/forget): what is left is unreadable
        data_key = self._sealer.unwrap(hashed, bytes(row["data_key"]))
        self._remember(hashed, data_key)
        text = self._sealer.open(data_key, hashed, row["state"])
        return StoredSession(key, decode_state(key, text), row["version"], row["updated_at"].astimezone(UTC))

    async def save(self, key: str, state: State, expected_version: int | None, *, user_key: str = "") -> int:
        text = encode_state(state)
        await self._ready()
        hashed, owner = self._sealer.hash(key), self._sealer.hash(user_key)
        now = datetime.now(UTC)
        if expected_version is None:
            async with self.connection() as conn:
                wrapped = await conn.fetchval(_NEW_KEY, hashed, self._sealer.wrap(hashed, self._sealer.new_key()))
                if wrapped is None:
                    # A concurrent creator's key, committed while this INSERT waited for it, is newer than
                    # the statement's snapshot: a new statement sees it.
                    wrapped = await conn.fetchval(_GET_KEY, hashed)
                if wrapped is None:  # created and deleted again meanwhile: the race is lost, try again
                    raise exists_error(key)
                data_key = self._sealer.unwrap(hashed, bytes(wrapped))
                self._remember(hashed, data_key)
                try:
                    await conn.execute(_INSERT, hashed, owner, self._sealer.seal(data_key, hashed, text), now)
                except asyncpg.UniqueViolationError as exc:
                    raise exists_error(key) from exc
            return 1
        async with self.connection() as conn:
            cached = self._keys.get(hashed)
            if cached is None:
                found = await conn.fetchval(_GET_KEY, hashed)
                if found is None:  # deleted since the load (/forget elsewhere): the update loses its race
                    raise version_error(key, expected_version)
                cached = self._sealer.unwrap(hashed, bytes(found))
                self._remember(hashed, cached)
            sealed = self._sealer.seal(cached, hashed, text)
            if owner:
                status = await conn.execute(_UPDATE_OWNER, sealed, now, owner, hashed, expected_version)
            else:
                status = await conn.execute(_UPDATE, sealed, now, hashed, expected_version)
        if _count(status) != 1:
            raise version_error(key, expected_version)
        return expected_version + 1

    def _remember(self, hashed: str, data_key: bytes) -> None:
        self._keys[hashed] = data_key
        self._keys.move_to_end(hashed)
        if len(self._keys) > _KEY_CACHE:
            self._keys.popitem(last=False)

    async def delete(self, key: str) -> bool:
        await self._ready()
        hashed = self._sealer.hash(key)
        self._keys.pop(hashed, None)
        async with self.connection() as conn:
            deleted = _count(await conn.execute(_DELETE, hashed)) > 0
        if deleted:
            await self._shred_keys()
        return deleted

    async def delete_user(self, user_key: str, *, mark: str | None = None) -> int:
        check_user_key(user_key)
        await self._ready()
        self._keys.clear()
        owner = self._sealer.hash(user_key)
        async with self.connection() as conn:
            if mark is None:
                deleted = _count(await conn.execute(_DELETE_USER, owner))
            else:
                deleted = _count(await conn.execute(_DELETE_USER_MARKED, owner, mark))
        if deleted:
            await self._shred_keys()
        return deleted

    async def delete_idle(self, before: datetime) -> int:
        """Delete the sessions (and their keys) untouched since ``before``, and the input marks set
        before it; return how many sessions."""
        await self._ready()
        self._keys.clear()
        async with self.connection() as conn:
            deleted = _count(await conn.execute(_IDLE, before))
        if deleted:
            await self._shred_keys()
        return deleted

    async def _shred_keys(self) -> None:
        """Rewrite ``session_keys`` so that no dead version of a deleted key stays in its heap (see the
        module docstring). The deletion is committed already: a failure here is logged, not raised."""
        try:
            async with self.connection() as conn:
                # The rewrite needs the table to itself; waiting for it would queue every session load
                # behind a long reader. Past the timeout the rewrite is left to the next deletion.
                await conn.execute(f"SET lock_timeout = {SHRED_LOCK_TIMEOUT_MS}")
                try:
                    await conn.execute("VACUUM (FULL) session_keys")
                finally:
                    await conn.execute("RESET lock_timeout")
        except StoreError as exc:
            log.warning("session_keys not rewritten after a deletion (%s): the deleted keys' old versions stay "
                        "in its heap until the next rewrite or vacuum", type(exc).__name__)

    async def input_mark(self, key: str) -> str | None:
        await self._ready()
        async with self.connection() as conn:
            value = await conn.fetchval(_MARK, self._sealer.hash(key))
        return None if value is None else str(value)

    async def set_input_mark(self, key: str, input_id: str) -> None:
        await self._ready()
        async with self.connection() as conn:
            await conn.execute(_SET_MARK, self._sealer.hash(key), input_id)

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            pool, self._pool = self._pool, None
            if pool is not None:
                await pool.close()

    async def _ready(self) -> None:
        if not self._migrated:
            await self.init()


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset when a connection goes back to the pool.

    asyncpg's default reset (``RESET ALL; UNLISTEN *; CLOSE ALL; pg_advisory_unlock_all()``) is
    one more round trip per statement here; this store never changes session state (its only lock
    is transaction-scoped), so there is nothing to undo. (An open transaction is still rolled
    back by asyncpg, and a connection that failed is terminated by :meth:`PgSessionStore.connection`.)
    """


def _count(status: Any) -> int:
    """Rows a statement touched, from its status tag (``UPDATE 1``, ``DELETE 3``)."""
    return int(str(status).rsplit(" ", 1)[-1])
