"""Durable per-chat dialog state.

The dialog core saves a chat's questionnaire state after every answer and before
replying, so a crash or restart never loses an answer.  Several bot replicas may
share one store, so every write is a compare-and-set on a version number
(optimistic concurrency) and :func:`update` re-applies a change that lost a race
instead of overwriting the winner.

This module is the contract: the errors, :class:`SessionStore`, :func:`update` and the tables. It
imports no backend. Backends (see :func:`~bot.storage.factory.open_store`):
:class:`~bot.storage.sqlite.SqliteSessionStore`, a SQLite file, by default;
:class:`~bot.storage.postgres.PgSessionStore`, PostgreSQL, when replicas share it; and
:class:`~bot.storage.memory.MemorySessionStore` for fast tests of the dialog core. What they share
(one JSON encoding, the same errors for the same conflicts, closing) is in ``bot.storage.records``.
The tables are defined once, here, with SQLAlchemy (:data:`sessions_table`), and each backend creates
them from :func:`ddl`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

import sqlalchemy as sa

from bot.retry import Backoff, retry
from knowledge.errors import IpbotError

__all__ = [
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

