"""Process updates concurrently across chats and strictly in order within one chat.

The dialog state of a chat lives in the session store, so two updates of the same chat must not
run at the same time (the second would read the state before the first saved it, and lose the
optimistic-concurrency race over and over). Different chats have nothing to share and run side
by side, up to a global cap.

Two limits, on purpose:

* ``max_concurrent`` - how many updates *run* at once. It is taken only after an update holds its
  chat's lock, so a user who sends fifty messages in a burst waits behind himself and never takes
  the slots other chats need. And it is given back while a running update waits for its own chat's
  sending limit or flood control (:func:`chat_wait`, called by the rate limiter): five chats
  throttled at once do not hold every slot and freeze the rest.
* ``max_pending`` - how many updates may be *in the processor* at once, running or waiting for
  their chat (PTB's own semaphore in :class:`~telegram.ext.BaseUpdateProcessor`). It bounds
  memory when Telegram delivers a flood faster than we answer.

Locks are created on demand and dropped as soon as no update of that chat is running or waiting,
so the table never grows with the number of chats ever seen.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["ChatKey", "PerChatUpdateProcessor", "UpdateDone", "chat_key_of", "chat_wait"]

log = logging.getLogger(__name__)

ChatKey = tuple[str, int]
"""("chat", chat id), or ("user", user id) for updates without a chat (inline queries)."""


# Seconds the current update spent waiting on the Bot API (requests, retries, rate limits): the
# rate limiter, through which every request passes, adds to it; the processor reads it per update,
# so "processing time excluding the network" can be measured.
BOT_API_TIME: ContextVar[list[float] | None] = ContextVar("bot_api_time", default=None)


def add_bot_api_time(seconds: float) -> None:
    acc = BOT_API_TIME.get()
    if acc is not None:
        acc[0] += seconds


class _RunningSlot:
    """The running slot one update holds: given back while it waits for its chat, taken again after.

    Several requests of one update may wait at once: the slot goes with the first and comes back
    with the last. A wait cancelled while taking the slot back leaves it not held (nothing to give back).
    """

    __slots__ = ("_away", "_semaphore", "held")

    def __init__(self, semaphore: asyncio.BoundedSemaphore) -> None:
        self._semaphore = semaphore
        self._away = 0
        self.held = True

    @asynccontextmanager
    async def released(self) -> AsyncIterator[None]:
        self._away += 1
        if self._away == 1 and self.held:
            self.held = False
            self._semaphore.release()
        try:
            yield
        finally:
            self._away -= 1
            if self._away == 0 and not self.held:
                await self._semaphore.acquire()
                self.held = True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self._semaphore.release()


RUNNING_SLOT: ContextVar[_RunningSlot | None] = ContextVar("running_slot", default=None)


@asynccontextmanager
async def chat_wait() -> AsyncIterator[None]:
    """Around a wait for the current update's own chat (its sending limit, its flood control): the
    update's running slot is free for other chats meanwhile. Outside the processor: nothing."""
    slot = RUNNING_SLOT.get()
    if slot is None:
        yield
        return
    async with slot.released():
        yield


@dataclass(frozen=True, slots=True)
class UpdateDone:
    """What the processor knows about one update once it is processed; see ``on_done``."""

    update: object
    waited_s: float  # time spent waiting for the chat's earlier updates and for a free slot
    took_s: float  # time spent processing it
    error: BaseException | None = None  # only cancellation: PTB routes handler errors elsewhere
    bot_api_s: float = 0.0  # of took_s, the time spent waiting on the Bot API (the network)


def chat_key_of(update: object) -> ChatKey | None:
    """The serialisation key of an update: its chat, else its user, else None (no ordering)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class _Slot:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0  # updates of this chat running or waiting


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of one chat one after another, in arrival order; chats in parallel up to a cap.

    Order: PTB creates one task per update in arrival order; each task asks for its chat's lock
    before its first ``await`` that could yield in between, and :class:`asyncio.Lock` serves
    waiters first come, first served.

    ``on_done`` (optional) is called after every update with an :class:`UpdateDone` - the
    composition root uses it for the one log line per update.
    """

    __slots__ = ("_on_done", "_running", "_slots")

    def __init__(
        self,
        max_concurrent: int = 32,
        *,
        max_pending: int = 4096,
        on_done: Callable[[UpdateDone], Awaitable[None] | None] | None = None,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be a positive integer")
        if max_pending < max_concurrent:
            raise ValueError("max_pending must be at least max_concurrent")
        super().__init__(max_pending)
        self._running = asyncio.BoundedSemaphore(max_concurrent)
        self._slots: dict[ChatKey, _Slot] = {}
        self._on_done = on_done

    @property
    def chats_in_flight(self) -> int:
        """How many chats have an update running or waiting (for tests and metrics)."""
        return len(self._slots)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key_of(update)
        arrived = time.perf_counter()
        if key is None:
            await self._run_in_slot(update, coroutine, arrived)
            return
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
        slot.users += 1
        try:
            async with slot.lock:
                await self._run_in_slot(update, coroutine, arrived)
        finally:
            slot.users -= 1
            if slot.users == 0 and self._slots.get(key) is slot:
                del self._slots[key]

    async def _run_in_slot(self, update: object, coroutine: Awaitable[Any], arrived: float) -> None:
        await self._running.acquire()
        running = _RunningSlot(self._running)
        token = RUNNING_SLOT.set(running)
        try:
            await self._run(update, coroutine, arrived)
        finally:
            RUNNING_SLOT.reset(token)
            running.give_back()

    async def _run(self, update: object, coroutine: Awaitable[Any], arrived: float) -> None:
        started = time.perf_counter()
        error: BaseException | None = None
        bot_api = [0.0]
        token = BOT_API_TIME.set(bot_api)
        try:
            await coroutine
        except BaseException as exc:  # cancellation on shutdown: report, then let it go on
            error = exc
            raise
        finally:
            BOT_API_TIME.reset(token)
            if self._on_done is not None:
                done = UpdateDone(update, started - arrived, time.perf_counter() - started, error, bot_api[0])
                try:
                    result = self._on_done(done)
                    if result is not None:
                        await result
                except Exception:  # a broken logger must not break the bot
                    log.exception("on_done callback failed")

    async def initialize(self) -> None:
        """Nothing to allocate: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB awaits the running updates before calling this."""
        self._slots.clear()
