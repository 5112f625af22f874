"""What every session store shares, whatever keeps its rows: the backends' common ground.

One JSON encoding of a state (so every backend refuses the same states the same way), the same
errors for the same conflicts, the refusal of an empty owner for /forget, and closing. The contract
(``bot.storage.base``) imports nothing from here or from any backend; backends import both.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import TracebackType

from bot.storage.base import StaleSessionError, State, StoreError

__all__ = ["Closable", "check_user_key", "decode_state", "encode_state", "exists_error", "now", "version_error"]


def encode_state(state: State) -> str:
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


def decode_state(key: str, text: str) -> State:
    state = json.loads(text)
    if not isinstance(state, dict):
        raise StoreError(f"session {key!r} holds {type(state).__name__}, not a JSON object")
    return state


def exists_error(key: str) -> StaleSessionError:
    return StaleSessionError(f"session {key!r} already exists")


def version_error(key: str, expected: int) -> StaleSessionError:
    return StaleSessionError(f"session {key!r} is no longer at version {expected}")


def check_user_key(user_key: str) -> None:
    """Refuse an empty owner for /forget."""
    # "" means "owner unknown"; deleting all such sessions on a bad /forget would be a disaster.
    if not user_key:
        raise ValueError("user_key must not be empty")


class Closable:
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


def now() -> datetime:
    """The time a row is written, in UTC."""
    return datetime.now(UTC)
