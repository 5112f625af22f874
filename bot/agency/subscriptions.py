"""Who asked to be told of policy changes, and which notices went out: two of the store's tables.

``policy_subscriptions`` and ``policy_notices`` (migration 0003, bot/storage/migrations). One row per
subscriber holds the facts of their last self-assessment and the snapshot of its result
(bot.agency.policy_diff.snapshot) under the knowledge-base version it was computed with; one row per
(subscriber, version) records a notice's state:

    pending  -> sending -> sent        (claimed before the send: at most once per version)
                        -> failed      (Telegram refused it: the user blocked the bot, the chat is gone)

A run stopped half-way resumes: pending notices are sent, subscribers not yet compared are compared; a
notice left ``sending`` by a crash is not sent again. ``forget`` deletes a user's rows in both tables.

Callers speak of a subscriber by their key (``tg:<chat id>``); rows hold its keyed hash only, and the chat
id, facts, result and notice text sealed under the subscriber's data key (wrapped in their row): a copy of
the database without the id secret names nobody and holds no figure of theirs. :attr:`Subscriber.user_key`
and :attr:`Notice.user_key` are the hashed keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from bot.agency.sqldb import AgencyDb, dumps, notice_binding, now
from bot.storage.crypto import Sealer

NoticeStatus = Literal["pending", "sending", "sent", "failed"]


@dataclass(frozen=True)
class Subscriber:
    user_key: str  # hashed
    chat_id: int
    lang: str
    facts: dict[str, Any]
    as_of: date  # the date the result was computed at: a new knowledge base is compared at the same date
    snapshot: dict[str, Any]
    kb_version: str


@dataclass(frozen=True)
class Notice:
    user_key: str  # hashed
    chat_id: int
    lang: str
    kb_version: str
    status: NoticeStatus
    message: str
    snapshot: dict[str, Any]


class Subscriptions(AgencyDb):
    """The two tables on SQLite or PostgreSQL, by the same DATABASE_URL (and id secret) as the session store."""

    def key(self, user_key: str) -> str:
        """The stored form of a subscriber's key (idempotent: a hashed key stays as it is)."""
        return self.sealer.hash(user_key)

    def _open(self, hashed: str, wrapped: bytes) -> bytes:
        return self.sealer.unwrap(hashed, bytes(wrapped))

    # -- subscribers -------------------------------------------------------------------------------------
    async def subscribe(self, user_key: str, chat_id: int, lang: str, facts: dict[str, Any], as_of: date,
                        snapshot: dict[str, Any], kb_version: str) -> bool:
        """Opt in (or refresh the facts after a new self-assessment): the last result is what changes compare
        to. True if the subscription is new."""
        hashed = self.key(user_key)
        rows = await self._run("SELECT data_key FROM policy_subscriptions WHERE user_key = ?", hashed)
        data_key = self._open(hashed, rows[0][0]) if rows else Sealer.new_key()
        await self._run(
            "INSERT INTO policy_subscriptions (user_key, data_key, chat, lang, facts, as_of, snapshot, kb_version, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_key) DO UPDATE SET "
            "chat = excluded.chat, lang = excluded.lang, facts = excluded.facts, as_of = excluded.as_of, "
            "snapshot = excluded.snapshot, kb_version = excluded.kb_version, updated_at = excluded.updated_at",
            hashed, self.sealer.wrap(hashed, data_key), Sealer.seal(data_key, hashed, str(int(chat_id))), lang,
            Sealer.seal(data_key, hashed, dumps(facts)), as_of.isoformat(),
            Sealer.seal(data_key, hashed, dumps(snapshot)), kb_version, now())
        return not rows

    async def is_subscribed(self, user_key: str) -> bool:
        return bool(await self._run("SELECT 1 FROM policy_subscriptions WHERE user_key = ?", self.key(user_key)))

    async def count(self) -> int:
        [(n,)] = await self._run("SELECT COUNT(*) FROM policy_subscriptions")
        return int(n)

    async def subscribers(self, *, not_at: str | None = None) -> list[Subscriber]:
        """Everyone subscribed, by hashed key; ``not_at``: only those whose last result predates that version."""
        rows = await self._run(
            "SELECT user_key, data_key, chat, lang, facts, as_of, snapshot, kb_version FROM policy_subscriptions "
            "WHERE kb_version <> ? ORDER BY user_key", not_at or "")
        out: list[Subscriber] = []
        for hashed, wrapped, chat, lang, facts, as_of, snap, version in rows:
            k = self._open(hashed, wrapped)
            out.append(Subscriber(hashed, int(Sealer.open(k, hashed, chat)), lang,
                                  json.loads(Sealer.open(k, hashed, facts)), date.fromisoformat(as_of),
                                  json.loads(Sealer.open(k, hashed, snap)), version))
        return out

    async def move_to(self, user_key: str, kb_version: str, snapshot: dict[str, Any]) -> None:
        """The subscriber's result under ``kb_version`` becomes the one later changes compare to."""
        hashed = self.key(user_key)
        rows = await self._run("SELECT data_key FROM policy_subscriptions WHERE user_key = ?", hashed)
        if not rows:
            return  # forgotten meanwhile
        sealed = Sealer.seal(self._open(hashed, rows[0][0]), hashed, dumps(snapshot))
        await self._run("UPDATE policy_subscriptions SET snapshot = ?, kb_version = ?, updated_at = ? "
                        "WHERE user_key = ?", sealed, kb_version, now(), hashed)

    async def forget(self, user_key: str) -> int:
        """/forget (or the stop button): the subscription and every notice of this user; rows deleted."""
        hashed = self.key(user_key)
        a = await self._run("DELETE FROM policy_subscriptions WHERE user_key = ? RETURNING 1", hashed)
        b = await self._run("DELETE FROM policy_notices WHERE user_key = ? RETURNING 1", hashed)
        return len(a) + len(b)

    # -- notices -----------------------------------------------------------------------------------------
    async def add_notice(self, user_key: str, kb_version: str, message: str, snapshot: dict[str, Any]) -> bool:
        """Record a notice to send; False if this user already has one for this version (sent or not)."""
        hashed = self.key(user_key)
        rows = await self._run("SELECT data_key FROM policy_subscriptions WHERE user_key = ?", hashed)
        if not rows:
            return False
        k, bound = self._open(hashed, rows[0][0]), notice_binding(hashed, kb_version)
        added = await self._run(
            "INSERT INTO policy_notices (user_key, kb_version, status, message, snapshot, updated_at) "
            "VALUES (?, ?, 'pending', ?, ?, ?) ON CONFLICT (user_key, kb_version) DO NOTHING RETURNING 1",
            hashed, kb_version, Sealer.seal(k, bound, message), Sealer.seal(k, bound, dumps(snapshot)), now())
        return bool(added)

    async def notice_status(self, user_key: str, kb_version: str) -> NoticeStatus | None:
        rows = await self._run("SELECT status FROM policy_notices WHERE user_key = ? AND kb_version = ?",
                               self.key(user_key), kb_version)
        status: NoticeStatus | None = rows[0][0] if rows else None
        return status

    async def pending(self, kb_version: str) -> list[Notice]:
        rows = await self._run(
            "SELECT n.user_key, s.data_key, s.chat, s.lang, n.kb_version, n.status, n.message, n.snapshot "
            "FROM policy_notices n JOIN policy_subscriptions s ON s.user_key = n.user_key "
            "WHERE n.kb_version = ? AND n.status = 'pending' ORDER BY n.user_key", kb_version)
        out: list[Notice] = []
        for hashed, wrapped, chat, lang, version, status, message, snap in rows:
            k, bound = self._open(hashed, wrapped), notice_binding(hashed, version)
            out.append(Notice(hashed, int(Sealer.open(k, hashed, chat)), lang, version, status,
                              Sealer.open(k, bound, message), json.loads(Sealer.open(k, bound, snap))))
        return out

    async def claim(self, user_key: str, kb_version: str) -> bool:
        """pending -> sending, atomically: only one process (or replica) sends a given notice."""
        rows = await self._run(
            "UPDATE policy_notices SET status = 'sending', updated_at = ? "
            "WHERE user_key = ? AND kb_version = ? AND status = 'pending' RETURNING 1",
            now(), self.key(user_key), kb_version)
        return bool(rows)

    async def finish(self, notice: Notice, status: Literal["sent", "failed"]) -> None:
        await self._run("UPDATE policy_notices SET status = ?, updated_at = ? WHERE user_key = ? AND kb_version = ?",
                        status, now(), notice.user_key, notice.kb_version)
        if status == "sent":
            await self.move_to(notice.user_key, notice.kb_version, notice.snapshot)

    async def release(self, notice: Notice) -> None:
        """sending -> pending: the send is known not to have reached Telegram (it answered 429 or 5xx)."""
        await self._run("UPDATE policy_notices SET status = 'pending', updated_at = ? "
                        "WHERE user_key = ? AND kb_version = ? AND status = 'sending'",
                        now(), notice.user_key, notice.kb_version)

    async def counts(self, kb_version: str) -> dict[str, int]:
        """Notices per state for one version (for the dashboard and /reload): no user data."""
        rows = await self._run("SELECT status, COUNT(*) FROM policy_notices WHERE kb_version = ? GROUP BY status",
                               kb_version)
        return {str(r[0]): int(r[1]) for r in rows}

    async def latest_version(self) -> str | None:
        """The knowledge-base version of the newest notice (for the dashboard), None before any."""
        rows = await self._run("SELECT kb_version FROM policy_notices ORDER BY updated_at DESC LIMIT 1")
        return str(rows[0][0]) if rows else None

    async def summary(self, current_version: str) -> tuple[str, dict[str, int]]:
        """For the dashboard: the version of the newest notices (else ``current_version``) and the number of
        subscribers and of that version's notices per state. No user data."""
        version = await self.latest_version() or current_version
        return version, {"subscribers": await self.count(), **await self.counts(version)}
