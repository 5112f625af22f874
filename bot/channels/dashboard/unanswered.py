"""The questions the bot could not answer, masked, kept for a set number of days, deleted by /forget.

The store's table ``unanswered_questions`` (migration 0003; bot.agency.sqldb). The text is masked before it
is stored, by the project's one redactor (:func:`bot.redact.mask_question`: digits, names, addresses); the
author's key is kept only as its keyed hash, so that /forget can delete their rows, and is never shown.
Rows older than the retention are deleted on each record.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.agency.sqldb import AgencyDb
from bot.redact import mask_question

DEFAULT_RETENTION_DAYS = 90


class UnansweredLog(AgencyDb):
    def __init__(self, url: str, *, schema: str | None = None, id_secret: bytes | None = None,
                 retention_days: int = DEFAULT_RETENTION_DAYS) -> None:
        super().__init__(url, schema=schema, id_secret=id_secret)
        self.retention_days = retention_days

    async def record(self, day: date, user_key: str, lang: str, question: str) -> None:
        """The hook for the answer path: one question it could not answer (masked here)."""
        masked = mask_question(question)
        if not masked.strip():
            return
        await self._run("INSERT INTO unanswered_questions (day, user_key, lang, text) VALUES (?, ?, ?, ?)",
                        day.isoformat(), self.sealer.hash(user_key), lang, masked)
        await self.purge(day)

    async def purge(self, today: date) -> None:
        oldest = today - timedelta(days=self.retention_days - 1)
        await self._run("DELETE FROM unanswered_questions WHERE day < ?", oldest.isoformat())

    async def between(self, start: date, end: date, *, limit: int = 200) -> list[tuple[str, str, str]]:
        """(day, language, masked text), newest first; no user key."""
        rows = await self._run("SELECT day, lang, text FROM unanswered_questions WHERE day >= ? AND day <= ? "
                               "ORDER BY day DESC LIMIT ?", start.isoformat(), end.isoformat(), limit)
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    async def forget(self, *user_keys: str) -> int:
        """/forget: every question of these authors (the chat's key, the person's key)."""
        n = 0
        for key in {k for k in user_keys if k}:
            n += len(await self._run("DELETE FROM unanswered_questions WHERE user_key = ? RETURNING 1",
                                     self.sealer.hash(key)))
        return n
