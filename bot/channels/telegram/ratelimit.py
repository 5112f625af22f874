"""Bot API calls that ride out a bad moment at Telegram's end, within limits.

PTB's :class:`~telegram.ext.AIORateLimiter` keeps under Telegram's sending limits and, when
Telegram answers 429 anyway, waits ``retry_after`` and tries again. It does not retry anything
else. :class:`RetryingRateLimiter` adds bounded retries with exponential backoff for what is
worth another try: a 5xx answer, a timeout, a refused or dropped connection (PTB raises
:class:`~telegram.error.NetworkError` for all of them, :class:`~telegram.error.TimedOut` for
timeouts). A :class:`~telegram.error.BadRequest` is a ``NetworkError`` too, but our request is
wrong and sending it again changes nothing; 403, 401 and a 429 beyond ``max_retries`` are not
retried either. After the last attempt the error goes to the caller: in a handler, to the
error handler, which logs it; the session was saved before any reply was sent.

A timed-out ``sendMessage`` may have reached Telegram: retrying it can show the user a message
twice, which is better than never. Every Bot API call but ``getUpdates`` (PTB's updater has its
own retry loop) passes here, so the button spinner, edits and inline answers get the same care.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.channels.telegram.processor import add_bot_api_time

__all__ = ["RetryingRateLimiter"]

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter, plus ``network_retries`` retries of transient failures, waiting
    ``backoff_s``, then twice that, ... up to ``max_backoff_s`` (with ±20 % jitter, so chats
    that failed together do not all come back in the same instant).

    ``redact`` cleans the error text before it is logged (it may quote a URL with the token).
    """

    def __init__(self, *, max_retries: int = 3, network_retries: int = 3, backoff_s: float = 0.5,
                 max_backoff_s: float = 4.0, redact: Callable[[str], str] = str,
                 overall_max_rate: float = 30) -> None:
        if network_retries < 0 or backoff_s < 0:
            raise ValueError("network_retries and backoff_s must not be negative")
        super().__init__(max_retries=max_retries, overall_max_rate=overall_max_rate)
        self._network_retries = network_retries
        self._backoff_s = backoff_s
        self._max_backoff_s = max_backoff_s
        self._redact = redact

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
        try:
            return await self._with_retries(callback, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            add_bot_api_time(time.perf_counter() - started)

    async def _with_retries(self, *request: Any) -> Result:
        """``process_request`` of the base limiter, again after a network error (bounded, backing off)."""
        endpoint = request[3]
        delay = self._backoff_s
        attempt = 0
        while True:
            try:
                return await super().process_request(*request)
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt >= self._network_retries:
                    raise
                attempt += 1
                log.warning("Bot API %s failed (%s); retrying %d/%d in %.2fs", endpoint,
                            self._redact(f"{type(exc).__name__}: {exc.message}"), attempt,
                            self._network_retries, delay)
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self._max_backoff_s)
