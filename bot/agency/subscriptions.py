"""Who asked to be told of policy changes, and which notices went out: the agency's own two tables.

Kept out of bot/storage (another engineer's) on purpose: this module creates its tables itself
(CREATE TABLE IF NOT EXISTS, SQLite and PostgreSQL alike) on the same DATABASE_URL, to be folded into the
store's migrations later. One row per subscriber holds the facts of their last self-assessment and the
snapshot of its result (bot.agency.policy_diff.snapshot) under the knowledge-base version it was computed
with; one row per (subscriber, version) records a notice's state:

    pending  -> sending -> sent        (claimed before the send: at most once per version)
                        -> failed      (Telegram refused it: the user blocked the bot, the chat is gone)

A run stopped half-way resumes: pending notices are sent, subscribers not yet compared are compared; a
notice left ``sending`` by a crash is not sent again. ``forget`` deletes a user's rows in both tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from bot.agency.sqldb import AgencyDb

NoticeStatus = Literal["pending", "sending", "sent", "failed"]

_DDL = (
    """CREATE TABLE IF NOT EXISTS agency_subscriptions (
        user_key TEXT PRIMARY KEY,
        chat_id BIGINT NOT NULL,
        lang TEXT NOT NULL,
        facts TEXT NOT NULL,
        as_of TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        kb_version TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS agency_notices (
        user_key TEXT NOT NULL,
        kb_version TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_key, kb_version))""",
)


@dataclass(frozen=True)
class Subscriber:
    user_key: str
    chat_id: int
    lang: str
    facts: dict[str, Any]
    as_of: date  # the date the result was computed at: a new knowledge base is compared at the same date
    snapshot: dict[str, Any]
    kb_version: str


@dataclass(frozen=True)
class Notice:
    user_key: str
    chat_id: int
    lang: str
    kb_version: str
    status: NoticeStatus
    message: str
    snapshot: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Subscriptions(AgencyDb):
    """The two tables on SQLite or PostgreSQL, by the same DATABASE_URL as the session store."""

    DDL = _DDL

    # -- subscribers -------------------------------------------------------------------------------------
    async def subscribe(self, user_key: str, chat_id: int, lang: str, facts: dict[str, Any], as_of: date,
                        snapshot: dict[str, Any], kb_version: str) -> None:
        """Opt in (or refresh the facts after a new self-assessment): the last result is what changes compare to."""
        await self._run(
            "INSERT INTO agency_subscriptions (user_key, chat_id, lang, facts, as_of, snapshot, kb_version, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_key) DO UPDATE SET "
            "chat_id = excluded.chat_id, lang = excluded.lang, facts = excluded.facts, as_of = excluded.as_of, "
            "snapshot = excluded.snapshot, "
            "kb_version = excluded.kb_version, updated_at = excluded.updated_at",
            user_key, chat_id, lang, json.dumps(facts, ensure_ascii=False, default=str), as_of.isoformat(),
            json.dumps(snapshot, ensure_ascii=False), kb_version, _now())

    async def is_subscribed(self, user_key: str) -> bool:
        return bool(await self._run("SELECT 1 FROM agency_subscriptions WHERE user_key = ?", user_key))

    async def subscribers(self, *, not_at: str | None = None) -> list[Subscriber]:
        """Everyone subscribed, by key; ``not_at``: only those whose last result predates that version."""
        rows = await self._run(
            "SELECT user_key, chat_id, lang, facts, as_of, snapshot, kb_version FROM agency_subscriptions "
            "WHERE kb_version <> ? ORDER BY user_key", not_at or "")
        return [Subscriber(r[0], int(r[1]), r[2], json.loads(r[3]), date.fromisoformat(r[4]), json.loads(r[5]), r[6])
                for r in rows]

    async def move_to(self, user_key: str, kb_version: str, snapshot: dict[str, Any]) -> None:
        """The subscriber's result under ``kb_version`` becomes the one later changes compare to."""
        await self._run("UPDATE agency_subscriptions SET snapshot = ?, kb_version = ?, updated_at = ? "
                        "WHERE user_key = ?", json.dumps(snapshot, ensure_ascii=False), kb_version, _now(), user_key)

    async def forget(self, user_key: str) -> int:
        """/forget: the subscription and every notice of this user; the number of rows deleted."""
        a = await self._run("DELETE FROM agency_subscriptions WHERE user_key = ? RETURNING 1", user_key)
        b = await self._run("DELETE FROM agency_notices WHERE user_key = ? RETURNING 1", user_key)
        return len(a) + len(b)

    # -- notices -----------------------------------------------------------------------------------------
    async def add_notice(self, user_key: str, kb_version: str, message: str, snapshot: dict[str, Any]) -> bool:
        """Record a notice to send; False if this user already has one for this version (sent or not)."""
        rows = await self._run(
            "INSERT INTO agency_notices (user_key, kb_version, status, message, snapshot, updated_at) "
            "VALUES (?, ?, 'pending', ?, ?, ?) ON CONFLICT (user_key, kb_version) DO NOTHING RETURNING 1",
            user_key, kb_version, message, json.dumps(snapshot, ensure_ascii=False), _now())
        return bool(rows)

    async def notice_status(self, user_key: str, kb_version: str) -> NoticeStatus | None:
        rows = await self._run("SELECT status FROM agency_notices WHERE user_key = ? AND kb_version = ?",
                               user_key, kb_version)
        status: NoticeStatus | None = rows[0][0] if rows else None
        return status

    async def pending(self, kb_version: str) -> list[Notice]:
        rows = await self._run(
            "SELECT n.user_key, s.chat_id, s.lang, n.kb_version, n.status, n.message, n.snapshot "
            "FROM agency_notices n JOIN agency_subscriptions s ON s.user_key = n.user_key "
            "WHERE n.kb_version = ? AND n.status = 'pending' ORDER BY n.user_key", kb_version)
        return [Notice(r[0], int(r[1]), r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

    async def claim(self, user_key: str, kb_version: str) -> bool:
        """pending -> sending, atomically: only one process (or replica) sends a given notice."""
        rows = await self._run(
            "UPDATE agency_notices SET status = 'sending', updated_at = ? "
            "WHERE user_key = ? AND kb_version = ? AND status = 'pending' RETURNING 1", _now(), user_key, kb_version)
        return bool(rows)

    async def finish(self, notice: Notice, status: Literal["sent", "failed"]) -> None:
        await self._run("UPDATE agency_notices SET status = ?, updated_at = ? WHERE user_key = ? AND kb_version = ?",
                        status, _now(), notice.user_key, notice.kb_version)
        if status == "sent":
            await self.move_to(notice.user_key, notice.kb_version, notice.snapshot)

    async def release(self, notice: Notice) -> None:
        """sending -> pending: the send is known not to have reached Telegram (it answered 429 or 5xx)."""
        await self._run("UPDATE agency_notices SET status = 'pending', updated_at = ? "
                        "WHERE user_key = ? AND kb_version = ? AND status = 'sending'",
                        _now(), notice.user_key, notice.kb_version)

    async def counts(self, kb_version: str) -> dict[str, int]:
        """Notices per state for one version (for the dashboard): no user data."""
        rows = await self._run("SELECT status, COUNT(*) FROM agency_notices WHERE kb_version = ? GROUP BY status",
                               kb_version)
        return {str(r[0]): int(r[1]) for r in rows}
