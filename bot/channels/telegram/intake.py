"""Every received update passes here: processed to the end before it is confirmed to Telegram.

Telegram delivers each update at least once: a webhook request not answered 2xx, or an update
not yet passed by the ``getUpdates`` offset, is sent again. The bot keeps that promise only if it
confirms an update after its effect is stored. So the receivers (the webhook server, the
confirming poller) hand an update to :meth:`Intake.process` and confirm it once that returns:
by then the turn was committed to the session store (or failed, and the user was told it was not
saved), and the replies were sent or given up. A process killed before that confirms nothing,
and Telegram redelivers; :class:`bot.services.Conversations` applies a redelivered update at
most once (per chat, any update at or below the last one applied changes nothing).

Why not a durable inbox (write the raw update, confirm, process later): it adds a write per
update and a second store to recover from, and gains nothing here, since a turn is one short
transaction and Telegram already is the durable inbox for unconfirmed updates.

Backpressure: at most ``limit`` updates are accepted at once; past it :meth:`try_enter` says no,
and the receiver pushes back (the webhook answers 503 so Telegram retries later; the poller stops
fetching). :meth:`drain` is the shutdown: refuse new updates, wait for those in flight within a
budget, cancel the rest - unconfirmed, so Telegram delivers them again to the next process.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import Application

__all__ = ["Intake"]

log = logging.getLogger(__name__)


class Intake:
    """The gate between the receivers and PTB's handlers; see the module docstring."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], *, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be a positive integer")
        self._app = app
        self.limit = limit
        self._tasks: set[asyncio.Task[None]] = set()
        self._entered = 0
        self._closed = False
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return self._entered

    @property
    def closed(self) -> bool:
        return self._closed

    def try_enter(self) -> bool:
        """Take a place for one update; False when full or shutting down (push back, do not confirm)."""
        if self._closed or self._entered >= self.limit:
            return False
        self._entered += 1
        self._idle.clear()
        return True

    def leave(self) -> None:
        self._entered -= 1
        if self._entered == 0:
            self._idle.set()

    async def process(self, update: object) -> bool:
        """Run ``update`` through the handlers (in its chat's order) after :meth:`try_enter`.

        True once it is processed to the end: confirm it. False when the shutdown cancelled it:
        do not confirm (Telegram redelivers it). The place taken is released either way. If the
        caller itself is cancelled (a webhook client hung up), the update still runs to its end.
        """
        task = asyncio.create_task(self._run(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled():
                return False
            raise
        return True

    async def _run(self, update: object) -> None:
        app = self._app
        try:
            await app.update_processor.process_update(update, app.process_update(update))
        finally:
            self.leave()

    async def drain(self, budget_s: float) -> int:
        """Refuse new updates, let those in flight finish within ``budget_s``; cancel the rest.

        Returns how many were cancelled (unconfirmed: Telegram delivers them again).
        """
        self._closed = True
        try:
            async with asyncio.timeout(budget_s):
                await self._idle.wait()
            return 0
        except TimeoutError:
            pending = [t for t in self._tasks if not t.done()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            log.warning("shutdown: %d update(s) unfinished after %.1fs, left unconfirmed for redelivery",
                        len(pending), budget_s)
            return len(pending)
