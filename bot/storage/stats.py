"""Usage statistics for the agency's staff: counters per day and kind, never who asked.

What is counted (:data:`KINDS`):

* ``question`` - a question the free-text answerer was asked (in a chat or forwarded by staff);
* ``unanswered`` - one of those that it found outside the policy;
* ``benefit`` - the benefit a question was mostly about (``item`` is the benefit id);
* ``helpdesk`` - a customer message forwarded by staff;
* ``assessment_started`` / ``assessment_finished`` - self-assessments begun and brought to a result.

Rows are ``(day, kind, item, count)``: no user id, chat id or message text is ever stored, so
``/forget`` has nothing to delete here. The counters live in the same database as the sessions
(:class:`SqliteStats` on the embedded store's connection, :class:`PgStats` on the PostgreSQL
store's pool; their own table), or in memory next to a :class:`~bot.storage.memory.MemorySessionStore`.

Nothing here knows Telegram: the channel derives the events (:func:`assessment_events`,
:class:`AnswerTap`) and records them.
"""

from __future__ import annotations

import contextvars
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, Protocol

import sqlalchemy as sa

from bot.dialog.side import Answerer, SideAnswer
from bot.storage.base import SessionStore
from bot.storage.postgres import PgSessionStore
from bot.storage.sqlite import SqliteSessionStore, create_tables, store_error
from knowledge.models import Lang

__all__ = [
    "KINDS",
    "AnswerTap",
    "Event",
    "Kind",
    "MemoryStats",
    "PgStats",
    "SqliteStats",
    "StatsStore",
    "StatsSummary",
    "answer_events",
    "assessment_events",
    "open_stats",
    "stats_table",
]

Kind = Literal["question", "unanswered", "benefit", "helpdesk", "assessment_started", "assessment_finished"]
KINDS: tuple[Kind, ...] = (
    "question", "unanswered", "benefit", "helpdesk", "assessment_started", "assessment_finished",
)
Event = tuple[Kind, str]
"""One thing to count: its kind and its item ("" except for ``benefit``: the benefit id)."""

MAX_ITEM = 64


@dataclass(frozen=True)
class StatsSummary:
    """The counters over ``start``..``end`` (both included)."""

    start: date
    end: date
    totals: dict[Kind, int] = field(default_factory=dict)
    benefits: list[tuple[str, int]] = field(default_factory=list)  # most asked first

    def total(self, kind: Kind) -> int:
        return self.totals.get(kind, 0)


class StatsStore(Protocol):
    async def record(self, day: date, events: Iterable[Event]) -> None:
        """Add one to the counter of each event on ``day`` (an event listed twice counts twice)."""
        ...

    async def summary(self, start: date, end: date, *, top: int = 10) -> StatsSummary:
        """Totals per kind and the ``top`` benefits asked about, over ``start``..``end``."""
        ...


def _summarise(start: date, end: date, rows: Iterable[tuple[str, str, int]], top: int) -> StatsSummary:
    totals: Counter[str] = Counter()
    benefits: Counter[str] = Counter()
    for kind, item, count in rows:
        totals[kind] += count
        if kind == "benefit" and item:
            benefits[item] += count
    ranked = sorted(benefits.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return StatsSummary(start, end, {k: totals[k] for k in KINDS if totals[k]}, ranked)


def _counted(events: Iterable[Event]) -> Counter[Event]:
    return Counter((kind, item[:MAX_ITEM]) for kind, item in events if kind in KINDS)


class MemoryStats:
    """The counters in a dict, for a bot running on :class:`~bot.storage.memory.MemorySessionStore`."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[date, str, str]] = Counter()

    async def record(self, day: date, events: Iterable[Event]) -> None:
        for (kind, item), n in _counted(events).items():
            self._counts[(day, kind, item)] += n

    async def summary(self, start: date, end: date, *, top: int = 10) -> StatsSummary:
        rows = [(kind, item, n) for (day, kind, item), n in self._counts.items() if start <= day <= end]
        return _summarise(start, end, rows, top)


_metadata = sa.MetaData()

stats_table = sa.Table(
    "usage_stats",
    _metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("item", sa.String(MAX_ITEM), primary_key=True),  # "" when the kind has no item
    sa.Column("count", sa.Integer, nullable=False),
)
_t = stats_table


class PgStats:
    """The counters in the replicas' PostgreSQL, on the store's pool (see :mod:`bot.storage.postgres`).

    The events of one update are one statement: an upsert of all their rows
    (``INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE count = count + n``), atomic, so
    replicas counting at once never lose a count, with the rows in one order everywhere, so two
    of them cannot deadlock.
    """

    def __init__(self, store: PgSessionStore) -> None:
        self._store = store

    async def record(self, day: date, events: Iterable[Event]) -> None:
        counted = _counted(events)
        if not counted:
            return
        await self._store.create_tables([_t])
        ordered = sorted(counted.items())
        async with self._store.connection() as conn:
            await conn.execute(_PG_UPSERT, [day] * len(ordered), [kind for (kind, _), _ in ordered],
                               [item for (_, item), _ in ordered], [n for _, n in ordered])

    async def summary(self, start: date, end: date, *, top: int = 10) -> StatsSummary:
        await self._store.create_tables([_t])
        async with self._store.connection() as conn:
            rows = await conn.fetch(_PG_TOTALS, start, end)
        return _summarise(start, end, [(r[0], r[1], int(r[2])) for r in rows], top)


_PG_UPSERT = ("INSERT INTO usage_stats (day, kind, item, count) "
              "SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::int[]) "
              "ON CONFLICT (day, kind, item) DO UPDATE SET count = usage_stats.count + excluded.count")
_PG_TOTALS = ("SELECT kind, item, SUM(count) FROM usage_stats WHERE day >= $1 AND day <= $2 "
              "GROUP BY kind, item")


class SqliteStats:
    """The counters in the embedded store's SQLite file, on its connection (see :mod:`bot.storage.sqlite`)."""

    def __init__(self, store: SqliteSessionStore) -> None:
        self._store = store
        self._ready = False

    def _connection(self) -> sqlite3.Connection:
        conn = self._store.connection()
        if not self._ready:
            create_tables(conn, [_t])
            self._ready = True
        return conn

    async def record(self, day: date, events: Iterable[Event]) -> None:
        counted = _counted(events)
        if not counted:
            return
        rows = [(day.isoformat(), kind, item, n) for (kind, item), n in sorted(counted.items())]
        try:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(_SQLITE_UPSERT, rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise store_error(self._store.database, exc) from exc

    async def summary(self, start: date, end: date, *, top: int = 10) -> StatsSummary:
        try:
            rows = self._connection().execute(_SQLITE_TOTALS, (start.isoformat(), end.isoformat())).fetchall()
        except sqlite3.Error as exc:
            raise store_error(self._store.database, exc) from exc
        return _summarise(start, end, [(kind, item, int(n)) for kind, item, n in rows], top)


_SQLITE_UPSERT = ("INSERT INTO usage_stats (day, kind, item, count) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (day, kind, item) DO UPDATE SET count = count + excluded.count")
_SQLITE_TOTALS = ("SELECT kind, item, SUM(count) FROM usage_stats WHERE day >= ? AND day <= ? "
                  "GROUP BY kind, item")


def open_stats(store: SessionStore) -> StatsStore:
    """The statistics next to ``store``: in its database for SQL stores, in memory otherwise."""
    if isinstance(store, SqliteSessionStore):
        return SqliteStats(store)
    if isinstance(store, PgSessionStore):
        return PgStats(store)
    return MemoryStats()


def period(today: date, days: int) -> tuple[date, date]:
    """The last ``days`` days up to and including ``today``."""
    return today - timedelta(days=max(days, 1) - 1), today


# -- deriving events ------------------------------------------------------------------------------

def assessment_events(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Event]:
    """Self-assessment events from a session's stored state before and after one input.

    Started: the session entered the questionnaire (``mode`` became ``assess``) from outside it,
    or it was restarted (its answers were cleared while it stayed in the questionnaire). Going back
    from the result to the last question is not a new start. Finished: ``mode`` became ``done``
    from the questionnaire (changing one answer after the result is not a second finish).
    """
    if after is None:
        return []
    old_mode = (before or {}).get("mode", "idle")
    new_mode = after.get("mode", "idle")
    old_history = (before or {}).get("history") or []
    new_history = after.get("history") or []
    events: list[Event] = []
    if new_mode == "assess":
        stepped_back = old_mode == "done" and len(new_history) == len(old_history) - 1
        restarted = (old_mode == "assess" and not new_history and len(old_history) > 1
                     and not after.get("facts"))
        if (old_mode != "assess" and not stepped_back) or restarted:
            events.append(("assessment_started", ""))
    if new_mode == "done" and old_mode == "assess":
        events.append(("assessment_finished", ""))
    return events


def answer_events(answers: Iterable[SideAnswer]) -> list[Event]:
    """Question events from what the free-text answerer said."""
    events: list[Event] = []
    for side in answers:
        events.append(("question", ""))
        if not side.in_scope:
            events.append(("unanswered", ""))
        elif side.benefits:
            events.append(("benefit", side.benefits[0]))
    return events


_current_tap: contextvars.ContextVar[list[SideAnswer] | None] = contextvars.ContextVar(
    "ipbot_answer_tap", default=None)


class AnswerTap:
    """Sees what the free-text answerer says while a chat message is handled.

    :meth:`wrap` returns an answerer that behaves exactly like the given one and also, inside
    :meth:`listening`, keeps its answers. The context is per task, so concurrent chats never see
    each other's answers, and answers given outside ``listening`` (inline queries run on every
    keystroke) are not counted.
    """

    @staticmethod
    def wrap(answerer: Answerer) -> Answerer:
        if getattr(answerer, "_ipbot_tapped", False):
            return answerer

        def tapped(message: str, lang: Lang) -> SideAnswer:
            side = answerer(message, lang)
            seen = _current_tap.get()
            if seen is not None:
                seen.append(side)
            return side

        tapped._ipbot_tapped = True  # type: ignore[attr-defined]
        return tapped

    @staticmethod
    @contextmanager
    def listening() -> Iterator[list[SideAnswer]]:
        seen: list[SideAnswer] = []
        token = _current_tap.set(seen)
        try:
            yield seen
        finally:
            _current_tap.reset(token)
