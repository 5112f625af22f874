"""The one retry helper: try again after a failure worth another try, bounded, backing off.

Used by every loop that once had its own: the conversation's ride through a store outage
(:mod:`bot.services`), the channel's own store reads (``handlers._store_call``), Bot API calls
after a 5xx, a timeout or a flood-control answer (:mod:`bot.channels.telegram.ratelimit`), and
the read-modify-write of :func:`bot.storage.base.update`.

A call is retried while ``retry_on(exc)`` says so, at most ``attempts`` more times and never past
``deadline_s`` from the first try; the waits grow from ``first_s`` by ``factor`` up to ``max_s``,
with +/- ``jitter`` so callers that failed together do not come back in the same instant.
``wait_for`` may name the wait for one error itself (a 429's ``retry_after``).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Backoff", "retry"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Backoff:
    first_s: float = 0.05
    factor: float = 2.0
    max_s: float = 2.0
    jitter: float = 0.2  # a fraction of each wait, either way
    full_jitter: bool = False  # instead: anywhere between 0 and the wait (contenders for one row)

    def __post_init__(self) -> None:
        if self.first_s < 0 or self.factor < 1 or self.max_s < 0 or not 0 <= self.jitter < 1:
            raise ValueError("backoff: waits must not be negative, factor >= 1, 0 <= jitter < 1")

    def wait(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1 for the first), jitter included."""
        base = min(self.first_s * self.factor ** (retry - 1), self.max_s)
        if self.full_jitter:
            return random.uniform(0, base)
        return base * random.uniform(1 - self.jitter, 1 + self.jitter) if self.jitter else base


async def retry(
    call: Callable[[], Awaitable[T]],
    *,
    retry_on: Callable[[BaseException], bool],
    attempts: int | None = None,
    deadline_s: float | None = None,
    backoff: Backoff = Backoff(),
    wait_for: Callable[[BaseException, float], float] | None = None,
    on_retry: Callable[[BaseException, int, float], None] | None = None,
) -> T:
    """``await call()``, again after each error ``retry_on`` accepts, within the bounds; else raise.

    ``attempts``: retries after the first try (None: bounded by ``deadline_s`` alone; one of the
    two must be given). ``on_retry(exc, retry, wait_s)`` is called before each wait (to log).
    """
    if attempts is None and deadline_s is None:
        raise ValueError("retry: give attempts, deadline_s or both")
    if attempts is not None and attempts < 0:
        raise ValueError("retry: attempts must not be negative")
    loop = asyncio.get_running_loop()
    deadline = None if deadline_s is None else loop.time() + deadline_s
    done = 0
    while True:
        try:
            return await call()
        except Exception as exc:
            if not retry_on(exc) or (attempts is not None and done >= attempts):
                raise
            wait = backoff.wait(done + 1)
            if wait_for is not None:
                wait = wait_for(exc, wait)
            if deadline is not None and loop.time() + wait > deadline:
                raise
            done += 1
            if on_retry is not None:
                on_retry(exc, done, wait)
            await asyncio.sleep(wait)
