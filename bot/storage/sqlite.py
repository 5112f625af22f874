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

The schema is migrated on open (:mod:`bot.storage.migrations`); a file written before versioning
is adopted, and its rows are rewritten once with hashed keys and sealed states
(:mod:`bot.storage.crypto`). Deleted rows are overwritten (``secure_delete``) and the write-ahead
log is folded in after every deletion, its result checked. The usage counters live in the same
file and go through the same connection (:class:`bot.storage.stats.SqliteStats`): a second
connection in this process could hold the write lock across an ``await`` and stall the loop.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import OrderedDict
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
    ddl,
)
from bot.storage.crypto import HASH_PREFIX, Sealer
from bot.storage.migrations import migrations
from bot.storage.records import Closable, check_user_key, decode_state, encode_state, exists_error, version_error

__all__ = ["BUSY_TIMEOUT_MS", "SqliteSessionStore", "create_tables", "store_error"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 2_000
"""How long a write waits for another process's write before it is reported (and retried)."""

_LOAD = ("SELECT s.state, s.version, s.updated_at, k.data_key FROM sessions s "
         "LEFT JOIN session_keys k ON k.key = s.key WHERE s.key = ?")
_INSERT = "INSERT INTO sessions (key, user_key, state, version, updated_at) VALUES (?, ?, ?, 1, ?)"
_UPDATE = "UPDATE sessions SET state = ?, version = version + 1, updated_at = ? WHERE key = ? AND version = ?"
_UPDATE_OWNER = ("UPDATE sessions SET state = ?, version = version + 1, updated_at = ?, user_key = ? "
                 "WHERE key = ? AND version = ?")
_NEW_KEY = "INSERT INTO session_keys (key, data_key) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
_GET_KEY = "SELECT data_key FROM session_keys WHERE key = ?"
_DELETE = "DELETE FROM sessions WHERE key = ?"
_DELETE_KEY = "DELETE FROM session_keys WHERE key = ?"
_DELETE_USER_KEYS = "DELETE FROM session_keys WHERE key IN (SELECT key FROM sessions WHERE user_key = ?)"
_DELETE_USER = "DELETE FROM sessions WHERE user_key = ?"
_MARK_USER = ("INSERT INTO input_marks (key, last_input, marked_at) SELECT key, ?, ? FROM sessions WHERE user_key = ? "
              "ON CONFLICT (key) DO UPDATE SET last_input = excluded.last_input, marked_at = excluded.marked_at")
_IDLE_KEYS = "DELETE FROM session_keys WHERE key IN (SELECT key FROM sessions WHERE updated_at < ?)"
_IDLE = "DELETE FROM sessions WHERE updated_at < ?"
_IDLE_MARKS = "DELETE FROM input_marks WHERE marked_at < ?"
_MARK = "SELECT last_input FROM input_marks WHERE key = ?"
_SET_MARK = ("INSERT INTO input_marks (key, last_input, marked_at) VALUES (?, ?, ?) "
             "ON CONFLICT (key) DO UPDATE SET last_input = excluded.last_input, marked_at = excluded.marked_at")
# SQLAlchemy's text format for DateTime on SQLite: files the earlier store wrote read the same.
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_KEY_CACHE = 4096


def create_tables(conn: sqlite3.Connection, tables: Iterable[sa.Table]) -> None:
    """CREATE ... IF NOT EXISTS for ``tables`` (:func:`bot.storage.base.ddl`)."""
    for statement in ddl(tables, sqlite_dialect.dialect()):
        conn.execute(statement)


def schema_version(conn: sqlite3.Connection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, sealer: Sealer) -> int:
    """Apply the migrations this file lacks, each in one transaction; then rewrite legacy rows."""
    conn.execute("BEGIN IMMEDIATE")  # one process migrates; another waits on the busy handler
    try:
        current = schema_version(conn)
        for version, name, statements in migrations("sqlite"):
            if version <= current:
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            log.info("SQLite schema migrated to version %d (%s)", version, name)
            current = version
        _upgrade_rows(conn, sealer)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current


def _upgrade_rows(conn: sqlite3.Connection, sealer: Sealer) -> None:
    """Rows from before version 2 (plain keys, plain JSON): hashed keys, states sealed with new keys."""
    legacy = conn.execute("SELECT key, user_key, state FROM sessions WHERE key NOT LIKE ?",
                          (HASH_PREFIX + "%",)).fetchall()
    for key, user_key, state in legacy:
        hashed = sealer.hash(key)
        data_key = sealer.new_key()
        conn.execute(_NEW_KEY, (hashed, sealer.wrap(hashed, data_key)))
        conn.execute("UPDATE sessions SET key = ?, user_key = ?, state = ? WHERE key = ?",
                     (hashed, sealer.hash(user_key), sealer.seal(data_key, hashed, state), key))
    marks = conn.execute("SELECT key FROM input_marks WHERE key NOT LIKE ?", (HASH_PREFIX + "%",)).fetchall()
    for (key,) in marks:
        conn.execute("UPDATE input_marks SET key = ? WHERE key = ?", (sealer.hash(key), key))
    if legacy:
        log.info("rewrote %d session(s) from before version 2: keys hashed, states sealed", len(legacy))


class SqliteSessionStore(Closable):
    """Sessions in a SQLite file (or ``:memory:``); the semantics of :class:`~bot.storage.base.SessionStore`.

    Every write is one statement in its own transaction (autocommit), as in the SQL store:
    creation is an INSERT the primary key refuses when the session exists, a change an
    ``UPDATE ... WHERE version = :expected``. Keys are stored hashed and states sealed
    (:mod:`bot.storage.crypto`) with ``id_secret``.
    """

    def __init__(self, database: str, *, uri: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 id_secret: bytes | None = None) -> None:
        """``database``: a file path or ``:memory:``; ``uri=True`` reads it as a ``file:`` URI."""
        self._database = database
        self._uri = uri
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: sqlite3.Connection | None = None
        self._sealer = Sealer(id_secret)
        self._keys: OrderedDict[str, bytes] = OrderedDict()
        self._checkpoint_due = False  # a checkpoint after a deletion was incomplete: try again

    @property
    def database(self) -> str:
        return self._database

    def connection(self) -> sqlite3.Connection:
        """The open connection (opened, configured and the schema migrated on first use)."""
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
            migrate(conn, self._sealer)
        except sqlite3.Error as exc:
            conn.close()
            raise store_error(self._database, exc) from exc
        return conn

    async def init(self) -> None:
        """Open the file and migrate the schema; idempotent."""
        self.connection()

    async def __aenter__(self) -> Self:
        await self.init()
        return self

    async def load(self, key: str) -> StoredSession | None:
        hashed = self._sealer.hash(key)
        try:
            row = self.connection().execute(_LOAD, (hashed,)).fetchone()
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        if row is None:
            return None
        stored, version, updated_at, data_key = row
        if data_key is None:
            return None  # its key was deleted (/forget): what is left is unreadable, and gone
        data_key = self._sealer.unwrap(hashed, data_key)
        self._remember(hashed, data_key)
        text = self._sealer.open(data_key, hashed, stored)
        return StoredSession(key, decode_state(key, text), version, _parse_time(updated_at))

    async def save(self, key: str, state: State, expected_version: int | None, *, user_key: str = "") -> int:
        text = encode_state(state)
        hashed, owner = self._sealer.hash(key), self._sealer.hash(user_key)
        conn = self.connection()
        now = datetime.now(UTC).strftime(_TIME_FORMAT)
        try:
            if expected_version is None:
                data_key = self._data_key(conn, hashed, fresh=True)
                try:
                    conn.execute(_INSERT, (hashed, owner, self._sealer.seal(data_key, hashed, text), now))
                except sqlite3.IntegrityError as exc:
                    raise exists_error(key) from exc
                return 1
            sealed = self._sealer.seal(self._data_key(conn, hashed), hashed, text)
            if owner:
                changed = conn.execute(_UPDATE_OWNER, (sealed, now, owner, hashed, expected_version)).rowcount
            else:
                changed = conn.execute(_UPDATE, (sealed, now, hashed, expected_version)).rowcount
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        if self._checkpoint_due:
            self._checkpoint_due = not self._checkpoint(conn)
        if changed != 1:
            raise version_error(key, expected_version)
        return expected_version + 1

    def _data_key(self, conn: sqlite3.Connection, hashed: str, *, fresh: bool = False) -> bytes:
        """The session's data key: created with a new session (``fresh``), else cached or read."""
        cached = None if fresh else self._keys.get(hashed)
        if cached is not None:
            return cached
        if fresh:
            conn.execute(_NEW_KEY, (hashed, self._sealer.wrap(hashed, self._sealer.new_key())))
        row = conn.execute(_GET_KEY, (hashed,)).fetchone()
        if row is None:  # deleted between the load and this save: a new one, the old state is gone
            conn.execute(_NEW_KEY, (hashed, self._sealer.wrap(hashed, self._sealer.new_key())))
            row = conn.execute(_GET_KEY, (hashed,)).fetchone()
        data_key = self._sealer.unwrap(hashed, bytes(row[0]))
        self._remember(hashed, data_key)
        return data_key

    def _remember(self, hashed: str, data_key: bytes) -> None:
        self._keys[hashed] = bytes(data_key)
        self._keys.move_to_end(hashed)
        if len(self._keys) > _KEY_CACHE:
            self._keys.popitem(last=False)

    async def delete(self, key: str) -> bool:
        hashed = self._sealer.hash(key)
        self._keys.pop(hashed, None)
        return self._delete([(_DELETE_KEY, (hashed,)), (_DELETE, (hashed,))]) > 0

    async def delete_user(self, user_key: str, *, mark: str | None = None) -> int:
        check_user_key(user_key)
        owner = self._sealer.hash(user_key)
        self._keys.clear()
        marks = [] if mark is None else [(_MARK_USER, (mark, _now_text(), owner))]
        return self._delete([*marks, (_DELETE_USER_KEYS, (owner,)), (_DELETE_USER, (owner,))])

    async def delete_idle(self, before: datetime) -> int:
        """Delete the sessions (and their keys) untouched since ``before``, and the input marks set
        before it; return how many sessions."""
        cutoff = before.astimezone(UTC).strftime(_TIME_FORMAT)
        self._keys.clear()
        return self._delete([(_IDLE_MARKS, (cutoff,)), (_IDLE_KEYS, (cutoff,)), (_IDLE, (cutoff,))])

    async def input_mark(self, key: str) -> str | None:
        try:
            row = self.connection().execute(_MARK, (self._sealer.hash(key),)).fetchone()
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        return None if row is None else str(row[0])

    async def set_input_mark(self, key: str, input_id: str) -> None:
        try:
            self.connection().execute(_SET_MARK, (self._sealer.hash(key), input_id, _now_text()))
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc

    def _delete(self, statements: list[tuple[str, tuple[str, ...]]]) -> int:
        """The statements in one transaction (the keys first), then the log folded into the file.

        Returns the rows the last statement deleted.
        """
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                deleted = 0
                for statement, values in statements:
                    deleted = conn.execute(statement, values).rowcount
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            self._checkpoint_due = not self._checkpoint(conn)
        except sqlite3.Error as exc:
            raise store_error(self._database, exc) from exc
        return deleted

    def _checkpoint(self, conn: sqlite3.Connection) -> bool:
        """Deleted rows stay in the write-ahead log until a checkpoint: fold it in now, and check.

        ``wal_checkpoint(TRUNCATE)`` answers (busy, log pages, pages checkpointed); busy means a
        reader kept part of the log. If a reader still holds it, say so and try again after the next
        save (the deleted key may linger in the log until then).
        """
        # Without the busy handler: TRUNCATE would otherwise wait for every reader, in the event loop.
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            busy, log_pages, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        if busy == 0 and (log_pages in (0, -1) or done == log_pages):
            return True
        log.warning("SQLite checkpoint incomplete (another reader holds the log): deleted rows remain "
                    "there until the next checkpoint, tried after the next save")
        return False

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _now_text() -> str:
    return datetime.now(UTC).strftime(_TIME_FORMAT)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def store_error(database: str, exc: sqlite3.Error) -> StoreError:
    """A locked or busy file may free up (retry); anything else is reported as it is."""
    if isinstance(exc, sqlite3.OperationalError) and any(
            word in str(exc).lower() for word in ("locked", "busy")):
        return StoreUnavailableError(f"the SQLite database {database!r} is busy: {exc}")
    return StoreError(f"the SQLite database {database!r}: {exc}")
