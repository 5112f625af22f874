"""Long polling that confirms an update only once it is processed.

``getUpdates`` confirms every update below the ``offset`` it is given. PTB's own updater moves
the offset past an update as soon as it has fetched it, so a process killed with updates in
memory loses them for good. :class:`ConfirmingPoller` instead asks with ``offset`` = the lowest
update id still in flight (or one past the highest finished), so Telegram keeps everything not
yet processed and hands it out again, to this process or the next.

An unconfirmed update comes back in every ``getUpdates`` until the offset passes it: the poller
remembers what it has started (above the offset) and starts nothing twice. When a poll brought
nothing new while updates are in flight, it waits for one of them to finish (at most
``idle_wait_s``) before it polls again, instead of asking in a tight loop. At ``limit`` updates
in flight it stops fetching until one finishes (backpressure).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.intake import Intake

if TYPE_CHECKING:
    from telegram import Bot

__all__ = ["ConfirmingPoller"]

log = logging.getLogger(__name__)


class ConfirmingPoller:
    """Fetch with ``getUpdates``, process through :class:`Intake`, confirm what is done; ``start``, ``stop``."""

    def __init__(self, bot: Bot, intake: Intake, *, timeout: int = 30, allowed_updates: Sequence[str] | None = None,
                 batch: int = 100, idle_wait_s: float = 0.25, error_backoff_s: float = 1.0) -> None:
        self._bot = bot
        self._intake = intake
        self._timeout = timeout
        self._allowed = list(allowed_updates) if allowed_updates is not None else None
        self._batch = batch
        self._idle_wait_s = idle_wait_s
        self._error_backoff_s = error_backoff_s
        self._in_flight: set[int] = set()
        self._finished: set[int] = set()  # above the offset: done, but not yet confirmed
        self._highest = -1  # the highest update id started
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    @property
    def offset(self) -> int | None:
        """What to confirm: below the lowest update in flight, else past the highest one started."""
        if self._in_flight:
            return min(self._in_flight)
        return self._highest + 1 if self._highest >= 0 else None

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="ConfirmingPoller")
        self._task.add_done_callback(_report_end)

    async def stop(self) -> None:
        """Stop fetching (updates in flight go on: see :meth:`Intake.drain`)."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def confirm(self) -> None:
        """Tell Telegram what is done (a last ``getUpdates`` with the offset, handing out nothing new)."""
        offset = self.offset
        if offset is None:
            return
        with contextlib.suppress(TelegramError):
            await self._bot.get_updates(offset=offset, limit=1, timeout=0, allowed_updates=self._allowed)

    async def _loop(self) -> None:
        while not self._stopping:
            if self._intake.in_flight >= self._intake.limit:
                await self._wait_for_change(None)
                continue
            try:
                updates = await self._bot.get_updates(
                    offset=self.offset, limit=self._batch, timeout=self._timeout, allowed_updates=self._allowed,
                    read_timeout=self._timeout + 10)
            except (InvalidToken, Conflict):
                raise
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); polling again in %.1fs", type(exc).__name__,
                            self._error_backoff_s)
                await asyncio.sleep(self._error_backoff_s)
                continue
            started = 0
            for update in updates:
                if self._start(update):
                    started += 1
            if not started and self._in_flight:
                await self._wait_for_change(self._idle_wait_s)

    def _start(self, update: Update) -> bool:
        uid = update.update_id
        offset = self.offset
        if uid in self._in_flight or uid in self._finished or (offset is not None and uid < offset):
            return False
        if not self._intake.try_enter():
            return False  # full or stopping: it stays unconfirmed and comes back later
        self._in_flight.add(uid)
        self._highest = max(self._highest, uid)
        task = asyncio.create_task(self._process(update), name=f"update:{uid}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _process(self, update: Update) -> None:
        uid = update.update_id
        done = False
        try:
            done = await self._intake.process(update)
        finally:
            self._in_flight.discard(uid)
            if done:
                self._finished.add(uid)
            elif uid <= self._highest:
                # Cancelled by the shutdown: never confirm it. Pin the offset below it for good.
                self._in_flight.add(uid)
            low = self.offset
            if low is not None:
                self._finished = {u for u in self._finished if u >= low}
            self._changed.set()

    async def _wait_for_change(self, timeout: float | None) -> None:
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._changed.wait()


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("polling stopped: %s", type(task.exception()).__name__, exc_info=task.exception())


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)
