"""The embedded session store: one SQLite file, through the standard library's ``sqlite3``.

Why not SQLAlchemy's async SQLite, as before: every statement there crosses a
greenlet and aiosqlite's worker thread several times (checkout, execute, fetch, commit), which
cost 2.2 ms of CPU per load-and-save on the benchmark machine against 0.09 ms here: a quarter of
the bot's CPU per update under load. SQLite itself answers these one-row statements in
microseconds, so they run right in the event loop's thread: no hop, and since no transaction is
ever open across an ``await``, coroutines cannot interleave inside one.

The price: while another *process* writes the same file, a statement here waits in SQLite's busy
handler and holds up the loop (``busy_timeout``, short). One bot process per SQLite file is the
supported set-up; replicas share PostgreSQL (:class:`bot.storage.postgres.PgSessionStore`).

The file is the one the earlier SQLAlchemy store wrote (same tables, same column formats), so an
existing database keeps working. The usage counters live in the same file and go through the same
connection (:class:`bot.storage.stats.SqliteStats`): a second connection in this process could hold the
write lock across an ``await`` and stall the loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bot.storage.base import (
    State,
    StoredSession,
    StoreError,
    StoreUnavailableError,
    _check_user_key,
    _Closable,
    _decode,
    _encode,
    _exists_error,
    _metadata,
    _version_error,
    ddl,
)

__all__ = ["BUSY_TIMEOUT_MS", "SqliteSessionStore", "create_tables", "store_error"]

BUSY_TIMEOUT_MS = 2_000
"""How long a write waits for another process's write before it is reported (and retried)."""

_LOAD = "SELECT state, version, updated_at FROM sessions WHERE key = ?"
_INSERT = "INSERT INTO sessions (key, user_key, state, version, updated_at) VALUES (?, ?, ?, 1, ?)"
_UPDATE = "UPDATE sessions SET state = ?, version = version + 1, updated_at = ? WHERE key = ? AND version = ?"
_UPDATE_OWNER = ("UPDATE sessions SET state = ?, version = version + 1, updated_at = ?, user_key = ? "
                 "WHERE key = ? AND version = ?")
_DELETE = "DELETE FROM sessions WHERE key = ?"
_DELETE_USER = "DELETE FROM sessions WHERE user_key = ?"
_MARK = "SELECT last_input FROM input_marks WHERE key = ?"
_SET_MARK = ("INSERT INTO input_marks (key, last_input) VALUES (?, ?) "
             "ON CONFLICT (key) DO UPDATE SET last_input = excluded.last_input")
# SQLAlchemy's text format for DateTime on SQLite: files the earlier store wrote read the same.
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def create_tables(conn: sqlite3.Connection, tables: Iterable[sa.Table]) -> None:
    """CREATE ... IF NOT EXISTS for ``tables`` (:func:`bot.storage.base.ddl`)."""
    for statement in ddl(tables, sqlite_dialect.dialect()):
        conn.execute(statement)


class SqliteSessionStore(_Closable):
    """Sessions in a SQLite file (or ``:memory:``); the semantics of :class:`~bot.storage.base.SessionStore`.

    Every write is one statement in its own transaction (autocommit), as in the SQL store:
    creation is an INSERT the primary key refuses when the session exists, a change an
    ``UPDATE ... WHERE version = :expected``.
    """

    def __init__(self, database: str, *, uri: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        """``database``: a file path or ``:memory:``; ``uri=True`` reads it as a ``file:`` URI."""
        self._database = database
        self._uri = uri
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: sqlite3.Connection | None = None

    @property
    def database(self) -> str:
        return self._database

    def connection(self) -> sqlite3.Connection:
        """The open connection (opened, configured and the schema created on first use)."""
        self._check_open()
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if not self._uri and self._database != ":memory:":
            Path(self._database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self._database, uri=self._uri, isolation_level=None,
                                   timeout=self._busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite database {self._database!r}: {exc}") from exc
        try:
            # busy_timeout first: switching to WAL needs a lock another process may hold.
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # WAL with synchronous=NORMAL: a process crash loses nothing committed; a power cut may lose
            # the last commits, never corrupt the file. One fsync per checkpoint instead of per answer.
            conn.execute("PRAGMA synchronous = NORMAL")
            # /forget must leave nothing readable on disk: deleted rows are overwritten with zeros.
            conn.execute("PRAGMA secure_delete = ON")
            create_tables(conn, _metadata.sorted_tables)
        except sqlite3.Error as exc:
            conn.close()
            raise store_error(self._database, exc) from exc
        return conn

    async def init(self) -> None:
        """Open the file and create the tables if they are missing; idempotent."""
        self.connection()

    async def __aenter__(self) -> Self:
        await self.init()
        return self

    async def load(self, key: str) -> StoredSession | None:
        try:
            row = self.connection().execute(_LOAD, (key,)).fetchone()
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        if row is None:
            return None
        text, version, updated_at = row
        return StoredSession(key, _decode(key, text), version, _parse_time(updated_at))

    async def save(self, key: str, state: State, expected_version: int | None, *, user_key: str = "") -> int:
        text = _encode(state)
        conn = self.connection()
        now = datetime.now(UTC).strftime(_TIME_FORMAT)
        try:
            if expected_version is None:
                try:
                    conn.execute(_INSERT, (key, user_key, text, now))
                except sqlite3.IntegrityError as exc:
                    raise _exists_error(key) from exc
                return 1
            if user_key:
                changed = conn.execute(_UPDATE_OWNER, (text, now, user_key, key, expected_version)).rowcount
            else:
                changed = conn.execute(_UPDATE, (text, now, key, expected_version)).rowcount
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        if changed != 1:
            raise _version_error(key, expected_version)
        return expected_version + 1

    async def delete(self, key: str) -> bool:
        return self._delete(_DELETE, key) > 0

    async def delete_user(self, user_key: str) -> int:
        _check_user_key(user_key)
        return self._delete(_DELETE_USER, user_key)

    def _delete(self, statement: str, value: str) -> int:
        conn = self.connection()
        try:
            deleted = conn.execute(statement, (value,)).rowcount
            # Deleted rows stay in the write-ahead log until a checkpoint: fold it in now.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        return deleted

    async def input_mark(self, key: str) -> str | None:
        try:
            row = self.connection().execute(_MARK, (key,)).fetchone()
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        return None if row is None else str(row[0])

    async def set_input_mark(self, key: str, input_id: str) -> None:
        try:
            self.connection().execute(_SET_MARK, (key, input_id))
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def store_error(database: str, exc: sqlite3.Error) -> StoreError:
    """A locked or busy file may free up (retry); anything else is reported as it is."""
    if isinstance(exc, sqlite3.OperationalError) and any(
            word in str(exc).lower() for word in ("locked", "busy")):
        return StoreUnavailableError(f"the SQLite database {database!r} is busy: {exc}")
    return StoreError(f"the SQLite database {database!r}: {exc}")
