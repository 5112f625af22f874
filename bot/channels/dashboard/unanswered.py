"""The questions the bot could not answer, masked, kept for a set number of days, deleted by /forget.

Its own table on the store's DATABASE_URL (bot.agency.sqldb); the user key is kept only so /forget can
delete its author's rows and is never shown. Rows older than the retention are deleted on each record.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.agency.sqldb import AgencyDb
from bot.channels.dashboard.mask import mask_question

DEFAULT_RETENTION_DAYS = 90


class UnansweredLog(AgencyDb):
    DDL = (
        """CREATE TABLE IF NOT EXISTS agency_unanswered (
            day TEXT NOT NULL,
            user_key TEXT NOT NULL,
            lang TEXT NOT NULL,
            text TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS agency_unanswered_day ON agency_unanswered (day)",
    )

    def __init__(self, url: str, *, schema: str | None = None, retention_days: int = DEFAULT_RETENTION_DAYS) -> None:
        super().__init__(url, schema=schema)
        self.retention_days = retention_days

    async def record(self, day: date, user_key: str, lang: str, question: str) -> None:
        """The hook for the answer path: one question it found outside the policy (masked here)."""
        await self._run("INSERT INTO agency_unanswered (day, user_key, lang, text) VALUES (?, ?, ?, ?)",
                        day.isoformat(), user_key, lang, mask_question(question))
        await self.purge(day)

    async def purge(self, today: date) -> None:
        oldest = today - timedelta(days=self.retention_days - 1)
        await self._run("DELETE FROM agency_unanswered WHERE day < ?", oldest.isoformat())

    async def between(self, start: date, end: date, *, limit: int = 200) -> list[tuple[str, str, str]]:
        """(day, language, masked text), newest first; no user key."""
        rows = await self._run("SELECT day, lang, text FROM agency_unanswered WHERE day >= ? AND day <= ? "
                               "ORDER BY day DESC LIMIT ?", start.isoformat(), end.isoformat(), limit)
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    async def forget(self, user_key: str) -> int:
        return len(await self._run("DELETE FROM agency_unanswered WHERE user_key = ? RETURNING 1", user_key))
