"""The bot in process: the composition root's Application with a transport that is a function call.

:class:`InProcessRequest` hands each Bot API call straight to the :class:`FakeBotApi` logic (no
sockets, no polling loop); :class:`InProcessBot` feeds updates from the fake's factory through
``Application.process_update``, so when a call returns, every reply has been sent.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.channels.telegram.app import build_application
from bot.channels.telegram.reporting import describe
from bot.channels.telegram.runtime import App
from bot.settings import Settings
from fakes.bot_api import FakeApiError, FakeBotApi
from fakes.telegram_bot import JSON, TODAY, make_settings

BASE_URL = "http://in-process.invalid/bot"
BOT_USERNAME = "ipbot_test_bot"


class InProcessRequest(BaseRequest):
    """The Bot API transport as a function call into the fake: what httpx would carry, minus HTTP."""

    _URL = re.compile(r"/bot([^/]+)/([^/?]+)$")

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        match = self._URL.search(url)
        assert match is not None, url
        params = dict(request_data.parameters) if request_data is not None else {}
        try:
            status, body = await self.fake._handle(match.group(1), match.group(2), params, asyncio.Event())
        except FakeApiError as exc:
            status, body = exc.status, exc.body()
        return status, json.dumps(body).encode()


class InProcessBot:
    """The composition root's Application, initialised (post_init included) but not polling."""

    def __init__(self, fake: FakeBotApi, settings: Settings) -> None:
        self.fake = fake
        self.app: App = build_application(settings, request=InProcessRequest(fake), today=lambda: TODAY)
        self.transcript: list[str] = []

    async def __aenter__(self) -> InProcessBot:
        await self.app.initialize()
        assert self.app.post_init is not None
        await self.app.post_init(self.app)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.shutdown()
        assert self.app.post_shutdown is not None
        await self.app.post_shutdown(self.app)
        print("\n".join(self.transcript))  # shown by pytest when the test failed

    async def feed(self, raw: JSON) -> list[tuple[str, JSON]]:
        """Process one update from the fake's factory; returns the Bot API calls it caused."""
        before = len(self.fake.calls)
        body = raw.get("message") or raw.get("callback_query") or raw.get("inline_query") or {}
        self.transcript.append(f"update {describe(Update.de_json(raw, self.app.bot))}: "
                               f"{body.get('text') or body.get('data') or body.get('query') or ''}")
        async with asyncio.timeout(UPDATE_DEADLINE_S):
            await self.app.process_update(Update.de_json(raw, self.app.bot))
        calls = self.fake.calls[before:]
        for method, params in calls:
            if "text" in params:
                self.transcript.append(f"  {method} -> {params.get('chat_id')}: {params['text']}")
        return calls

    async def say(self, chat_id: int, text: str, **kwargs: Any) -> list[JSON]:
        """Texts the bot sent in answer to ``text``."""
        calls = await self.feed(self.fake.user_message(chat_id, text, enqueue=False, **kwargs))
        return [p for m, p in calls if m == "sendMessage"]


# A guard against a handler that hangs, never a measure of speed: a /reload builds the whole knowledge base in a
# thread, which on a shared machine with a bench beside it took more than 10 s (the old deadline).
UPDATE_DEADLINE_S = 120.0


def settings_for(fake: FakeBotApi, data_dir: Path, **overrides: Any) -> Settings:
    return make_settings(fake.token, BASE_URL, data_dir, **overrides)

