"""Sending limits and flood control (``RetryingRateLimiter``) and what they do to the update processor,
on a virtual clock: the event loop's time only moves when every task waits, by exactly as much as the
next timer needs. No wall-clock time is measured or asserted; a run of minutes takes milliseconds.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Chat, Message, Update
from telegram.error import RetryAfter

from bot.channels.telegram.processor import PerChatUpdateProcessor
from bot.channels.telegram.ratelimit import RetryingRateLimiter

TOLERANCE = 0.02  # virtual seconds: aiolimiter wakes a waiter at the exact time the bucket allows


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock jumps to the next timer when nothing is ready to run."""

    def __init__(self) -> None:
        super().__init__(selectors.DefaultSelector())
        self._now = 0.0
        select = self._selector.select  # type: ignore[attr-defined]

        def select_without_waiting(timeout: float | None = None) -> list[Any]:
            events = select(0)
            if not events and timeout is not None and timeout > 0:
                self._now += timeout
            return events

        self._selector.select = select_without_waiting  # type: ignore[attr-defined]

    def time(self) -> float:
        return self._now


def virtual(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Run the async test on a virtual clock, bounded (in virtual time) so a hang fails."""
    def run() -> None:
        async def bounded() -> None:
            async with asyncio.timeout(3600):
                await test()

        with asyncio.Runner(loop_factory=VirtualClockLoop) as runner:
            runner.run(bounded())
    run.__name__ = test.__name__
    return run


def now() -> float:
    return asyncio.get_running_loop().time()


class FakeApi:
    """The Bot API's far side: records when each request went out; answers 429 when told to."""

    def __init__(self) -> None:
        self.sent: dict[str, list[float]] = {}
        self.flood: dict[str, list[int]] = {}  # chat ("" for none) -> retry_after of the next answers

    async def call(self, chat: str) -> bool:
        self.sent.setdefault(chat, []).append(now())
        pending = self.flood.get(chat)
        if pending:
            raise RetryAfter(timedelta(seconds=pending.pop(0)))
        return True


def limiter(**kwargs: Any) -> RetryingRateLimiter:
    return RetryingRateLimiter(backoff_s=0.0, overall_max_rate=kwargs.pop("overall_max_rate", 0), **kwargs)


async def send(rl: RetryingRateLimiter, api: FakeApi, chat: str | None, endpoint: str = "sendMessage") -> Any:
    data = {} if chat is None else {"chat_id": chat}
    return await rl.process_request(api.call, (chat or "",), {}, endpoint, data, None)


def max_in_window(times: list[float], window: float) -> int:
    """The most requests within any ``window`` seconds (the window starting at a request)."""
    return max(sum(1 for t in times if start <= t < start + window - TOLERANCE) for start in times)


@virtual
async def test_one_chat_gets_a_burst_of_three_then_one_message_a_second() -> None:
    rl, api = limiter(), FakeApi()
    await asyncio.gather(*(send(rl, api, "501") for _ in range(10)))
    times = api.sent["501"]
    assert len(times) == 10
    assert all(t < TOLERANCE for t in times[:3]), times  # the burst passes at once
    for i, t in enumerate(times[3:], start=1):  # then one a second
        assert abs(t - i) < TOLERANCE, times
    assert max_in_window(times, 1.0) <= 3


@virtual
async def test_a_group_gets_twenty_messages_a_minute() -> None:
    rl, api = limiter(), FakeApi()
    await asyncio.gather(*(send(rl, api, "-100501") for _ in range(40)))
    times = api.sent["-100501"]
    assert all(t < TOLERANCE for t in times[:3]), times  # a burst of three passes at once
    for i, t in enumerate(times[3:], start=1):  # then one every 3 s: 20 a minute
        assert abs(t - 3.0 * i) < TOLERANCE, times
    assert max_in_window(times, 60.0) <= 22  # any minute: the burst and 19 more, never 39


@virtual
async def test_a_429_without_a_chat_pauses_every_request() -> None:
    rl, api = limiter(), FakeApi()
    api.flood[""] = [5]  # an inline answer (no chat): only the overall limit explains it

    async def later(chat: str) -> None:
        await asyncio.sleep(0.5)
        await send(rl, api, chat)

    await asyncio.gather(send(rl, api, None, "answerInlineQuery"), later("601"), later("-100602"))
    assert api.sent[""][0] < TOLERANCE and api.sent[""][1] >= 5.0
    assert api.sent["601"][0] >= 5.0 and api.sent["-100602"][0] >= 5.0  # everyone waited for it


@virtual
async def test_a_429_for_one_chat_pauses_that_chat_only() -> None:
    rl, api = limiter(), FakeApi()
    api.flood["701"] = [5]

    async def later(chat: str, at: float) -> None:
        await asyncio.sleep(at)
        await send(rl, api, chat)

    await asyncio.gather(send(rl, api, "701"), later("702", 0.5), later("-100703", 0.5), later("701", 1.0))
    first, retried, later_one = api.sent["701"]
    assert first < TOLERANCE and retried >= 5.0 and later_one >= 5.0  # the chat waits out its 429
    assert abs(api.sent["702"][0] - 0.5) < TOLERANCE  # the others do not wait at all
    assert abs(api.sent["-100703"][0] - 0.5) < TOLERANCE


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime(2025, 6, 1, tzinfo=UTC), chat, text="hi"))


@pytest.mark.parametrize("flooding", [5])
def test_five_chats_flooding_at_once_leave_a_sixth_served_at_once(flooding: int) -> None:
    @virtual
    async def run() -> None:
        # IPBOT_MAX_CONCURRENT's default: 4 updates run at once; 5 chats each send far past their limit.
        processor = PerChatUpdateProcessor(max_concurrent=4, max_pending=64)
        rl, api = limiter(), FakeApi()
        replies_each = 8  # 3 pass at once, then 1 a second: each flooding update takes 5 s

        async def handler(chat: str, n: int) -> None:
            for _ in range(n):
                await send(rl, api, chat)

        def process(update_id: int, chat_id: int, n: int) -> Awaitable[None]:
            return processor.process_update(_update(update_id, chat_id), handler(str(chat_id), n))

        async def quiet() -> float:
            await asyncio.sleep(0.5)  # every flooding chat is throttled by now
            began = now()
            await process(99, 800, 1)
            return now() - began

        floods = [process(i, 810 + i, replies_each) for i in range(flooding)]
        _, took = await asyncio.gather(asyncio.gather(*floods), quiet())
        assert took < TOLERANCE, f"the quiet chat waited {took:.2f}s behind the flooding ones"
        for i in range(flooding):  # and the flooding chats were all served, each within its own limit
            times = api.sent[str(810 + i)]
            assert len(times) == replies_each and max_in_window(times, 1.0) <= 3, times
            assert times[-1] < replies_each - 3 + 1, times  # not held up behind one another either

    run()
