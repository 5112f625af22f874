"""Bot API calls within Telegram's sending limits, per chat, riding out a bad moment within limits.

Why not PTB's :class:`~telegram.ext.AIORateLimiter`: on a 429 for one chat it pauses *every*
request of the bot (a user who sent 30 messages made 8 others wait 8 s each). Here:

* Limits as Telegram documents them, kept so the bot rarely meets a 429: about one message a
  second into one chat (bursts of ``chat_burst`` pass), 20 a minute into a group (the same bursts),
  ``overall_max_rate``
  a second in all. A chat waits for its own limit before it takes a place in the overall one, and
  while it waits for its own limit (or its own flood control) its update's running slot is free
  for other chats (:func:`~bot.channels.telegram.processor.chat_wait`).
* A 429 for a request to a chat delays that request (and the chat's later ones) by its
  ``retry_after``; only a 429 on a request without a chat (inline answers, callback answers, which
  only the overall limit can explain) pauses everyone.
* Bounded retries with backoff (:func:`bot.retry.retry`) of what is worth another try: a 5xx, a
  dropped or refused connection (:class:`~telegram.error.NetworkError`), and a timeout
  (:class:`~telegram.error.TimedOut`). A timed-out request may have arrived: a ``sendMessage``
  after a timeout is sent again at most once (one duplicate at worst, never four). A
  :class:`~telegram.error.BadRequest` (our request is wrong), 401 and 403 are not retried.

After the last attempt the error goes to the caller: in a handler, to the error handler, which
logs it and tells the user whether the answer was saved. Every Bot API call but ``getUpdates``
passes here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.channels.telegram.processor import add_bot_api_time, chat_wait
from bot.retry import Backoff, retry

__all__ = ["NOT_IDEMPOTENT", "RetryingRateLimiter"]

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
NOT_IDEMPOTENT = frozenset({"sendMessage", "sendPhoto", "sendDocument", "forwardMessage", "copyMessage"})
"""Sent twice, these show twice: after a timeout (the request may have arrived) at most one retry."""
MAX_CHAT_LIMITERS = 10_000  # the least recently used chat's limiter is dropped past this


def _now() -> float:
    """The event loop's clock (monotonic), the one the limiters and sleeps use."""
    return asyncio.get_running_loop().time()


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)


class RetryingRateLimiter(BaseRateLimiter[int]):
    """Per-chat and overall limits, per-chat flood control, bounded retries; see the module docstring.

    ``max_retries``: 429s waited out per request; ``network_retries``: retries after a 5xx, a
    dropped connection or a timeout (a non-idempotent send after a timeout: one), waiting
    ``backoff_s``, then twice that, ... up to ``max_backoff_s``. A rate of 0 lifts that limit.
    ``redact`` cleans the error text before it is logged (it may quote a URL with the token).
    """

    def __init__(self, *, max_retries: int = 3, network_retries: int = 3, backoff_s: float = 0.5,
                 max_backoff_s: float = 4.0, redact: Callable[[str], str] = str,
                 overall_max_rate: float = 30, chat_max_rate: float = 1, chat_burst: int = 3,
                 group_max_rate: float = 20, group_time_period: float = 60) -> None:
        if network_retries < 0 or backoff_s < 0 or max_retries < 0:
            raise ValueError("max_retries, network_retries and backoff_s must not be negative")
        self._max_retries = max_retries
        self._network_retries = network_retries
        self._backoff = Backoff(first_s=backoff_s, factor=2.0, max_s=max_backoff_s)
        self._redact = redact
        self._overall = AsyncLimiter(overall_max_rate, 1) if overall_max_rate > 0 else None
        self._chat_rate = chat_max_rate
        self._chat_burst = max(1, chat_burst)
        self._group = (group_max_rate, group_time_period) if chat_max_rate > 0 and group_max_rate > 0 else None
        self._chats: OrderedDict[str, AsyncLimiter] = OrderedDict()
        self._chat_pause: dict[str, float] = {}  # chat -> monotonic time its flood control ends
        self._global_pause = 0.0

    async def initialize(self) -> None:
        """Nothing to open: limiters are made on demand."""

    async def shutdown(self) -> None:
        self._chats.clear()
        self._chat_pause.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        started = time.perf_counter()  # the update's time on the Bot API, retries and waits included
        chat = data.get("chat_id")
        chat_key = None if chat is None or chat == "" else str(chat)
        counts = {"flood": 0, "network": 0, "timeout": 0}
        timeouts_allowed = 1 if endpoint in NOT_IDEMPOTENT else self._network_retries

        async def attempt() -> Result:
            await self._wait_limits(chat_key)
            return await callback(*args, **kwargs)

        def retry_on(exc: BaseException) -> bool:
            if isinstance(exc, RetryAfter):
                counts["flood"] += 1
                return counts["flood"] <= self._max_retries
            if isinstance(exc, BadRequest | Forbidden | InvalidToken):
                return False
            if isinstance(exc, TimedOut):
                counts["timeout"] += 1
                return counts["timeout"] <= timeouts_allowed and counts["network"] + counts["timeout"] \
                    <= self._network_retries
            if isinstance(exc, NetworkError):
                counts["network"] += 1
                return counts["network"] + counts["timeout"] <= self._network_retries
            return False

        def wait_for(exc: BaseException, backoff_s: float) -> float:
            if not isinstance(exc, RetryAfter):
                return backoff_s
            wait = _seconds(exc.retry_after) + 0.1
            until = _now() + wait
            if chat_key is None:
                self._global_pause = max(self._global_pause, until)
                log.warning("Bot API %s: flood control for the whole bot, pausing every request %.1fs",
                            endpoint, wait)
            else:
                self._chat_pause[chat_key] = max(self._chat_pause.get(chat_key, 0.0), until)
            return 0.0  # the wait happens in _wait_limits, where later requests meet it too

        def on_retry(exc: BaseException, n: int, wait_s: float) -> None:
            if isinstance(exc, RetryAfter):
                log.info("Bot API %s: flood control for one chat, retry %d/%d after %.1fs", endpoint,
                         counts["flood"], self._max_retries, _seconds(exc.retry_after))
                return
            message = exc.message if isinstance(exc, NetworkError) else str(exc)
            log.warning("Bot API %s failed (%s); retrying %d/%d in %.2fs", endpoint,
                        self._redact(f"{type(exc).__name__}: {message}"), n, self._network_retries, wait_s)

        try:
            return await retry(attempt, retry_on=retry_on, attempts=self._max_retries + self._network_retries,
                               backoff=self._backoff, wait_for=wait_for, on_retry=on_retry)
        finally:
            add_bot_api_time(time.perf_counter() - started)

    async def _wait_limits(self, chat_key: str | None) -> None:
        """Flood control in force (the chat's, the bot's), then the chat's limit, then the overall one.

        A wait for the chat's own flood control or limit frees the update's running slot; a pause of
        the whole bot does not (every chat waits for it alike)."""
        while True:
            chat_until = self._chat_pause.get(chat_key, 0.0) if chat_key else 0.0
            now = _now()
            if self._global_pause > now and self._global_pause >= chat_until:
                await asyncio.sleep(self._global_pause - now)
            elif chat_until > now:
                async with chat_wait():
                    await asyncio.sleep(chat_until - now)
            else:
                break
        if chat_key is not None:
            self._chat_pause.pop(chat_key, None)
            limiter = self._chat_limiter(chat_key)
            if limiter is not None:
                if limiter.has_capacity():
                    await limiter.acquire()
                else:
                    async with chat_wait():
                        await limiter.acquire()
        if self._overall is not None:
            await self._overall.acquire()

    def _chat_limiter(self, chat_key: str) -> AsyncLimiter | None:
        if self._chat_rate <= 0:
            return None
        limiter = self._chats.get(chat_key)
        if limiter is None:
            group = chat_key.startswith(("-", "@"))
            if group and self._group is not None:
                # 20 a minute as a bucket of 20 would let 20 + 19 through in the first minute: bursts
                # of ``chat_burst`` at that rate keep any minute at 20 + 2 at most.
                rate, period = self._group
                limiter = AsyncLimiter(self._chat_burst, self._chat_burst * period / rate)
            else:
                limiter = AsyncLimiter(self._chat_burst, self._chat_burst / self._chat_rate)
            self._chats[chat_key] = limiter
            if len(self._chats) > MAX_CHAT_LIMITERS:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_key)
        return limiter
