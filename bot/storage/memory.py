"""The session store in a dict: the store's semantics for fast dialog-core tests, in one process."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Self

from bot.storage.base import State, StoredSession
from bot.storage.records import Closable, check_user_key, decode_state, encode_state, exists_error, now, version_error

__all__ = ["MemorySessionStore"]


@dataclass(slots=True)
class _MemoryRow:
    user_key: str
    text: str
    version: int
    updated_at: datetime


class MemorySessionStore(Closable):
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
        self._marks[key] = (input_id, now())

    async def load(self, key: str) -> StoredSession | None:
        await self._yield()
        row = self._rows.get(key)
        if row is None:
            return None
        return StoredSession(key, decode_state(key, row.text), row.version, row.updated_at)

    async def save(self, key: str, state: State, expected_version: int | None, *, user_key: str = "") -> int:
        text = encode_state(state)
        await self._yield()
        row = self._rows.get(key)
        if expected_version is None:
            if row is not None:
                raise exists_error(key)
            new = _MemoryRow(user_key, text, 1, now())
        else:
            if row is None or row.version != expected_version:
                raise version_error(key, expected_version)
            new = _MemoryRow(user_key or row.user_key, text, row.version + 1, now())
        self._rows[key] = new
        return new.version

    async def delete(self, key: str) -> bool:
        await self._yield()
        return self._rows.pop(key, None) is not None

    async def delete_user(self, user_key: str, *, mark: str | None = None) -> int:
        check_user_key(user_key)
        await self._yield()
        doomed = [key for key, row in self._rows.items() if row.user_key == user_key]
        for key in doomed:
            del self._rows[key]
            if mark is not None:
                self._marks[key] = (mark, now())
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
