"""Usage statistics for the agency's staff: counters per day and kind, never who asked.

What is counted (:data:`KINDS`):

* ``question`` - a question the free-text answerer was asked (in a chat or forwarded by staff);
* ``unanswered`` - one of those that it found outside the policy;
* ``benefit`` - the benefit a question was mostly about (``item`` is the benefit id);
* ``helpdesk`` - a customer message forwarded by staff;
* ``assessment_started`` / ``assessment_finished`` - self-assessments begun and brought to a result.

Rows are ``(day, kind, item, count)``: no user id, chat id or message text is ever stored, so
``/forget`` has nothing to delete here. The counters live in the same database as the sessions
(:class:`SqliteStats` on the embedded store's connection, :class:`SqlStats` on
:attr:`bot.store.SqlSessionStore.engine`; their own table), or in memory next to a
:class:`~bot.store.MemorySessionStore`.

Nothing here knows Telegram: the channel derives the events (:func:`assessment_events`,
:class:`AnswerTap`) and records them.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dialog.core import Answerer, SideAnswer
from bot.sqlite_store import SqliteSessionStore, create_tables, store_error
from bot.store import SessionStore, SqlSessionStore
from knowledge.models import Lang

__all__ = [
    "KINDS",
    "AnswerTap",
    "Event",
    "Kind",
    "MemoryStats",
    "SqlStats",
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
    """The counters in a dict, for a bot running on :class:`~bot.store.MemorySessionStore`."""

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


class SqlStats:
    """The counters in the sessions' database (SQLite or PostgreSQL), with SQLAlchemy Core.

    Each event is an upsert (``INSERT ... ON CONFLICT DO UPDATE count = count + n``), atomic in
    both databases, so replicas sharing the database never lose a count. The engine belongs to the
    session store, which closes it; this class never disposes it.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._ready = False
        self._init_lock = asyncio.Lock()

    async def _ensure_ready(self) -> None:
        if self._ready:
            return
        async with self._init_lock:
            if self._ready:
                return
            for attempt in range(3):
                try:
                    async with self._engine.begin() as conn:
                        await conn.run_sync(_metadata.create_all)
                    break
                except sa.exc.DBAPIError:  # another replica created it between check and CREATE
                    if attempt == 2:
                        raise
                    await asyncio.sleep(0.05 * (attempt + 1))
            self._ready = True

    def _upsert(self, day: date, kind: str, item: str, n: int) -> sa.Executable:
        values: dict[str, Any] = {"day": day, "kind": kind, "item": item, "count": n}
        dialect = self._engine.dialect.name
        if dialect == "postgresql":
            pg = postgresql.insert(_t).values(values)
            return pg.on_conflict_do_update(index_elements=[_t.c.day, _t.c.kind, _t.c.item],
                                            set_={"count": _t.c.count + pg.excluded.count})
        if dialect == "sqlite":
            lite = sqlite.insert(_t).values(values)
            return lite.on_conflict_do_update(index_elements=[_t.c.day, _t.c.kind, _t.c.item],
                                              set_={"count": _t.c.count + lite.excluded.count})
        raise NotImplementedError(f"usage statistics do not support the {dialect} database")

    async def record(self, day: date, events: Iterable[Event]) -> None:
        counted = _counted(events)
        if not counted:
            return
        await self._ensure_ready()
        async with self._engine.begin() as conn:
            for (kind, item), n in sorted(counted.items()):  # one order everywhere: no deadlocks
                await conn.execute(self._upsert(day, kind, item, n))

    async def summary(self, start: date, end: date, *, top: int = 10) -> StatsSummary:
        await self._ensure_ready()
        query = (sa.select(_t.c.kind, _t.c.item, sa.func.sum(_t.c.count))
                 .where(_t.c.day >= start, _t.c.day <= end)
                 .group_by(_t.c.kind, _t.c.item))
        async with self._engine.connect() as conn:
            rows = [(kind, item, int(n)) for kind, item, n in await conn.execute(query)]
        return _summarise(start, end, rows, top)


class SqliteStats:
    """The counters in the embedded store's SQLite file, on its connection (see :mod:`bot.sqlite_store`)."""

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
    if isinstance(store, SqlSessionStore):
        return SqlStats(store.engine)
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
