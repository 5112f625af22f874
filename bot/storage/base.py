"""Durable per-chat dialog state.

The dialog core saves a chat's questionnaire state after every answer and before
replying, so a crash or restart never loses an answer.  Several bot replicas may
share one store, so every write is a compare-and-set on a version number
(optimistic concurrency) and :func:`update` re-applies a change that lost a race
instead of overwriting the winner.

Backends (see :func:`open_store`): :class:`~bot.storage.sqlite.SqliteSessionStore`, a SQLite
file, by default; :class:`~bot.storage.postgres.PgSessionStore`, PostgreSQL, when replicas share it;
and :class:`MemorySessionStore` for fast tests of the dialog core. The tables are defined once,
here, with SQLAlchemy (:data:`sessions_table`), and each backend creates them from :func:`ddl`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, Self

import sqlalchemy as sa

from bot.retry import Backoff, retry
from knowledge.errors import IpbotError

__all__ = [
    "MemorySessionStore",
    "SessionStore",
    "StaleSessionError",
    "State",
    "StoreError",
    "StoreUnavailableError",
    "StoredSession",
    "ddl",
    "marks_table",
    "sessions_table",
    "update",
]

log = logging.getLogger(__name__)

State = dict[str, Any]
"""A chat's questionnaire state: plain JSON data (str keys, lists, numbers, text, bools, None)."""


class StoreError(IpbotError):
    """Base of the errors the dialog core is expected to handle."""


class StoreUnavailableError(StoreError):
    """The database is briefly out of reach (a file locked by another process); a retry may succeed."""


class StaleSessionError(StoreError):
    """The session is not at the version the caller read: another writer got there first.

    Raised instead of overwriting, so the other writer's answer is kept; reload and
    re-apply the change (that is what :func:`update` does).
    """


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A snapshot of one session; quote ``version`` to the next ``save``.

    ``state`` is a private copy: mutating it does not touch the store.
    """

    key: str
    state: State
    version: int
    updated_at: datetime


class SessionStore(Protocol):
    """What the dialog core needs from a store; all backends share these semantics."""

    async def load(self, key: str) -> StoredSession | None:
        """Return the session, or None if it was never saved or was deleted."""
        ...

    async def save(self, key: str, state: State, expected_version: int | None, *, user_key: str = "") -> int:
        """Atomically write ``state`` and return the new version (1 on creation).

        ``expected_version=None`` creates the session and fails if it exists; otherwise the
        stored version must equal ``expected_version``.  Either failure raises
        :class:`StaleSessionError` and writes nothing.  ``user_key`` records the owner for
        :meth:`delete_user`; an empty ``user_key`` on an existing session keeps its owner.
        """
        ...

    async def delete(self, key: str) -> bool:
        """Delete one session; True if it existed."""
        ...

    async def delete_user(self, user_key: str, *, mark: str | None = None) -> int:
        """Delete every session owned by ``user_key`` (for /forget); return how many.

        ``mark`` (the id of the ``/forget``): in the same transaction, every session deleted keeps
        it as its input mark (:meth:`set_input_mark`), so an older update replayed into any of the
        user's other sessions (a group's, a business connection's) cannot bring it back."""
        ...

    async def delete_idle(self, before: datetime) -> int:
        """Delete every session untouched since ``before`` (and its key), and every input mark set
        before it (replays that old are long out of Telegram's reach); return how many sessions."""
        ...

    async def input_mark(self, key: str) -> str | None:
        """The id of the last input applied to ``key`` before its session was deleted (see ``set_input_mark``)."""
        ...

    async def set_input_mark(self, key: str, input_id: str) -> None:
        """Remember ``input_id`` as applied to ``key``, so that older inputs replayed after the session
        is deleted (``/forget``) change nothing. Only the key and the id are kept."""
        ...

    async def close(self) -> None:
        """Release connections; the store is unusable afterwards.  Idempotent."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


# Full jitter between 0 and the step (0.008 s, 0.016 s, ... up to 0.25 s): contenders spread out.
_RACE_BACKOFF = Backoff(first_s=0.008, factor=2.0, max_s=0.25, jitter=0.0, full_jitter=True)


async def update(
    store: SessionStore,
    key: str,
    fn: Callable[[State], State],
    *,
    user_key: str = "",
    retries: int = 5,
) -> tuple[State, int]:
    """Read-modify-write one session without losing a concurrent write.

    ``fn`` maps the current state (``{}`` for a new session) to the new one.  If another
    writer saved in between, the state is reloaded and ``fn`` applied again, up to
    ``retries`` more times with jittered exponential backoff (so contenders spread out
    instead of colliding again); then :class:`StaleSessionError` propagates.  ``fn`` may
    therefore run several times and must be pure.  Returns ``fn``'s result and its version.
    """
    if retries < 0:
        raise ValueError("retries must be >= 0")

    async def once() -> tuple[State, int]:
        current = await store.load(key)
        if current is None:
            new_state, expected = fn({}), None
        else:
            new_state, expected = fn(current.state), current.version
        return new_state, await store.save(key, new_state, expected, user_key=user_key)

    def lost_race(exc: BaseException, retry_no: int, wait_s: float) -> None:
        log.debug("session %r changed concurrently; retry %d/%d", key, retry_no, retries)

    return await retry(once, retry_on=lambda exc: isinstance(exc, StaleSessionError), attempts=retries,
                       backoff=_RACE_BACKOFF, on_retry=lost_race)


def _encode(state: State) -> str:
    """Serialise up front, so every backend rejects the same states the same way.

    Text is kept readable (``ensure_ascii=False``); NaN/Infinity are refused because they
    are not JSON.  A lone surrogate (from malformed client input) cannot be stored as
    UTF-8, so such a state falls back to ``\\u`` escapes, which ``json.loads`` reverses.
    """
    if not isinstance(state, dict):
        raise TypeError(f"session state must be a dict, not {type(state).__name__}")
    text = json.dumps(state, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(state, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text


def _decode(key: str, text: str) -> State:
    state = json.loads(text)
    if not isinstance(state, dict):
        raise StoreError(f"session {key!r} holds {type(state).__name__}, not a JSON object")
    return state


def _exists_error(key: str) -> StaleSessionError:
    return StaleSessionError(f"session {key!r} already exists")


def _version_error(key: str, expected: int) -> StaleSessionError:
    return StaleSessionError(f"session {key!r} is no longer at version {expected}")


def _check_user_key(user_key: str) -> None:
    # "" means "owner unknown"; deleting all such sessions on a bad /forget would be a disaster.
    if not user_key:
        raise ValueError("user_key must not be empty")


class _Closable:
    """What every store shares: refusing work once closed, and closing at the end of ``async with``."""

    _closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("session store is closed")

    async def close(self) -> None:
        self._closed = True

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


@dataclass(slots=True)
class _MemoryRow:
    user_key: str
    text: str
    version: int
    updated_at: datetime


class MemorySessionStore(_Closable):
    """The store semantics in a dict, for fast dialog-core tests; not shared across processes.

    State is kept as JSON text, so tests meet the same copying and serialisation rules as
    production.  Every operation first yields to the event loop, so concurrent tasks
    interleave as they would against a database; the check-and-write after that contains
    no ``await`` and is therefore atomic within the event loop.
    """

    def __init__(self) -> None:
        self._rows: dict[str, _MemoryRow] = {}
        self._marks: dict[str, tuple[str, datetime]] = {}  # key -> (last input, when marked)

    async def delete_idle(self, before: datetime) -> int:
        await self._yield()
        doomed = [key for key, row in self._rows.items() if row.updated_at < before]
        for key in doomed:
            del self._rows[key]
        for key in [key for key, (_, marked) in self._marks.items() if marked < before]:
            del self._marks[key]
        return len(doomed)

    async def input_mark(self, key: str) -> str | None:
        await self._yield()
        mark = self._marks.get(key)
        return None if mark is None else mark[0]

    async def set_input_mark(self, key: str, input_id: str) -> None:
        await self._yield()
        self._marks[key] = (input_id, _now())

    async def load(self, key: str) -> StoredSession | None:
        await self._yield()
        row = self._rows.get(key)
        if row is None:
            return None
        return StoredSession(key, _decode(key, row.text), row.version, row.updated_at)

    async def save(self, key: str, state: State, expected_version: int | None, *, user_key: str = "") -> int:
        text = _encode(state)
        await self._yield()
        row = self._rows.get(key)
        if expected_version is None:
            if row is not None:
                raise _exists_error(key)
            new = _MemoryRow(user_key, text, 1, _now())
        else:
            if row is None or row.version != expected_version:
                raise _version_error(key, expected_version)
            new = _MemoryRow(user_key or row.user_key, text, row.version + 1, _now())
        self._rows[key] = new
        return new.version

    async def delete(self, key: str) -> bool:
        await self._yield()
        return self._rows.pop(key, None) is not None

    async def delete_user(self, user_key: str, *, mark: str | None = None) -> int:
        _check_user_key(user_key)
        await self._yield()
        doomed = [key for key, row in self._rows.items() if row.user_key == user_key]
        for key in doomed:
            del self._rows[key]
            if mark is not None:
                self._marks[key] = (mark, _now())
        return len(doomed)

    async def close(self) -> None:
        self._closed = True

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def _yield(self) -> None:
        self._check_open()
        await asyncio.sleep(0)
        self._check_open()


_metadata = sa.MetaData()

sessions_table = sa.Table(
    "sessions",
    _metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("user_key", sa.Text, nullable=False, index=True),
    # JSON as text rather than a JSON column: one encoder (_encode) for every backend, the
    # text is stored verbatim, and PostgreSQL jsonb's refusal of "\u0000" cannot bite.
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
"""The sessions; public for operational queries and tests."""

marks_table = sa.Table(
    "input_marks",
    _metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("last_input", sa.Text, nullable=False),
    sa.Column("marked_at", sa.DateTime(timezone=True)),
)
"""Per deleted session, the last input applied to it (replay protection after /forget)."""



def ddl(tables: Iterable[sa.Table], dialect: sa.Dialect) -> list[str]:
    """CREATE TABLE / INDEX ... IF NOT EXISTS for ``tables``: the one definition of the schema."""
    statements: list[str] = []
    for table in tables:
        statements.append(str(sa.schema.CreateTable(table, if_not_exists=True).compile(dialect=dialect)))
        statements += [str(sa.schema.CreateIndex(index, if_not_exists=True).compile(dialect=dialect))
                       for index in table.indexes]
    return statements


def _now() -> datetime:
    return datetime.now(UTC)
