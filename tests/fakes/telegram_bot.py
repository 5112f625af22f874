"""The bot under test, end to end: the composition root's Application against the fake Bot API.

:class:`Harness` builds, starts, stops and restarts the real Application on one set of settings (and
so one database); :class:`Chat` is one user in one chat, keeping the transcript of both sides, and
:class:`BusinessChat` a staff member's Telegram Business account. A test waits for the bot's one log
line per update (:class:`UpdateLog`), so no test sleeps or guesses; every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.channels.telegram.app import build_application
from bot.channels.telegram.runtime import App, running, webhook_secret
from bot.settings import Settings
from fakes.bot_api import FakeBotApi, free_port

JSON = dict[str, Any]
TODAY = date(2025, 6, 1)
STAFF = 900_001
WAIT = 10.0  # seconds: the upper bound of every wait in these tests
ERROR_NOTICE = "抱歉，处理您的消息时出了点问题"  # tg.error: what the error handler tells the user


class UpdateLog(logging.Handler):
    """Collects the bot's one log line per processed update; lets a test wait for one update."""

    _ID = re.compile(r"\bupdate id=(\d+)")

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.done: set[int] = set()
        self.lines: list[str] = []
        self._changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.lines.append(message)
        match = self._ID.search(message)
        if match:
            self.done.add(int(match.group(1)))
            self._changed.set()

    async def wait(self, update_id: int, timeout: float = WAIT) -> None:
        try:
            async with asyncio.timeout(timeout):
                while update_id not in self.done:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"update {update_id} not processed within {timeout}s; "
                                 f"processed: {sorted(self.done)[-5:]}") from None


@contextlib.contextmanager
def watching_updates() -> Iterator[UpdateLog]:
    logger = logging.getLogger("bot.channels.telegram.updates")
    handler = UpdateLog()
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def make_settings(token: str, base_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings as the environment would give them, but never from this machine's environment."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": base_url,
        "WEBHOOK_URL": None,
        "WEBHOOK_SECRET": None,
        "IPBOT_DATA_DIR": data_dir,
        "DATABASE_URL": f"sqlite:///{data_dir / 'ipbot.db'}",
        "IPBOT_KB_DIR": None,
        "IPBOT_POLICY_PUBLISHED_ON": None,
        "IPBOT_STAFF_USER_IDS": [STAFF],
        "LOG_LEVEL": "INFO",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def buttons_of(markup: JSON | None) -> list[JSON]:
    if not markup:
        return []
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def render_entry(entry: JSON) -> str:
    verb = "edits" if entry["method"] == "editMessageText" else "sends"
    lines = [f"  bot {verb} #{entry['message_id']}: " + (entry["text"] or "").replace("\n", "\n      ")]
    for row in (entry.get("reply_markup") or {}).get("inline_keyboard", []):
        lines.append("      " + " ".join(f"[{b['text']}]" for b in row))
    return "\n".join(lines)


class Chat:
    """One user in one chat: sends, presses, and keeps the transcript of both sides."""

    def __init__(self, bot: Harness, chat_id: int, *, language_code: str = "zh-hans",
                 user_id: int | None = None, chat_type: str = "private") -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.language_code = language_code
        self.user_id = user_id
        self.chat_type = chat_type
        self.transcript: list[str] = []
        self.last_update: JSON = {}
        self._seen = 0

    # -- acting --
    async def send(self, text: str, **kwargs: Any) -> list[JSON]:
        """The user sends ``text``; returns what the bot sent or edited in this chat in response."""
        self.transcript.append(f"user: {text}" + (f"   ({', '.join(kwargs)})" if kwargs else ""))
        update = self.bot.fake.user_message(self.chat_id, text, language_code=self.language_code,
                                            user_id=self.user_id, chat_type=self.chat_type, **kwargs)
        self.last_update = update
        await self.bot.processed(update)
        return self.new()

    async def press(self, label: str, message_id: int | None = None) -> list[JSON]:
        """Press the button labelled ``label`` (or ending with it: ticks carry a mark)."""
        mid, buttons = self.keyboard() if message_id is None else (message_id, self.buttons(message_id))
        for b in buttons:
            if b["text"] == label or b["text"].endswith(" " + label):
                return await self.press_data(mid, b["callback_data"], b["text"])
        raise AssertionError(f"no button {label!r} on #{mid}: {[b['text'] for b in buttons]}\n{self.dump()}")

    async def press_starting(self, prefix: str) -> list[JSON]:
        """Press the button whose label starts with ``prefix`` (a group's label ends with its count)."""
        mid, buttons = self.keyboard()
        for b in buttons:
            if b["text"].startswith(prefix):
                return await self.press_data(mid, b["callback_data"], b["text"])
        raise AssertionError(f"no button {prefix!r}… on #{mid}: {[b['text'] for b in buttons]}\n{self.dump()}")

    async def press_data(self, message_id: int, data: str, label: str = "") -> list[JSON]:
        self.transcript.append(f"user presses [{label or data}] on #{message_id}")
        update = self.bot.fake.press_button(self.chat_id, message_id, data, language_code=self.language_code,
                                            user_id=self.user_id)
        await self.bot.processed(update)
        return self.new()

    # -- looking --
    def new(self) -> list[JSON]:
        entries = self.bot.fake.messages_to(self.chat_id)[self._seen:]
        self._seen += len(entries)
        self.transcript.extend(render_entry(e) for e in entries)
        return entries

    def buttons(self, message_id: int) -> list[JSON]:
        message = self.bot.fake.message(self.chat_id, message_id)
        return buttons_of(message.get("reply_markup") if message else None)

    def keyboard(self) -> tuple[int, list[JSON]]:
        """The latest bot message that has buttons to press (not only copy buttons), as it is now."""
        for entry in reversed(self.bot.fake.messages_to(self.chat_id)):
            markup = entry.get("reply_markup") or {}
            if any("callback_data" in b for row in markup.get("inline_keyboard", []) for b in row):
                return entry["message_id"], self.buttons(entry["message_id"])
        raise AssertionError(f"no message with buttons\n{self.dump()}")

    def question_id(self) -> str | None:
        """The question on screen, from its "not sure" button (``n|skip|<question id>``)."""
        _, buttons = self.keyboard()
        for b in buttons:
            if b["callback_data"].startswith("n|skip|"):
                return str(b["callback_data"]).removeprefix("n|skip|")
        return None

    def texts(self) -> list[str]:
        return self.bot.fake.texts_to(self.chat_id)

    def dump(self) -> str:
        return f"--- chat {self.chat_id} ---\n" + "\n".join(self.transcript)


class Harness:
    """The bot under test: build, start, stop and restart it on the same settings (and database)."""

    def __init__(self, fake: FakeBotApi, settings: Settings, updates: UpdateLog, **build: Any) -> None:
        self.fake = fake
        self.settings = settings
        self.updates = updates
        self.build = build  # the composition root's knobs: transport, retries, engine factory
        self.chats: list[Chat] = []
        self.app: App | None = None
        self._stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> App:
        assert self._stack is None, "already running"
        app = build_application(self.settings, today=lambda: TODAY, **self.build)
        stack = contextlib.AsyncExitStack()
        await stack.enter_async_context(running(app, self.settings, poll_timeout=1))
        self.app, self._stack = app, stack
        return app

    async def stop(self) -> None:
        stack, self._stack, self.app = self._stack, None, None
        if stack is not None:
            async with asyncio.timeout(WAIT):
                await stack.aclose()

    async def restart(self) -> App:
        await self.stop()
        return await self.start()

    async def processed(self, update: JSON) -> None:
        await self.updates.wait(update["update_id"])

    def chat(self, chat_id: int, **kwargs: Any) -> Chat:
        chat = Chat(self, chat_id, **kwargs)
        self.chats.append(chat)
        return chat

    def dump(self) -> str:
        return "\n".join(c.dump() for c in self.chats)


def serve_profile_methods(fake: FakeBotApi) -> dict[str, Any]:
    """The Bot API's profile methods (descriptions, commands per scope) on the fake, kept in a dict:
    ``profile[("description", "en")]``, ``profile[("commands", chat id, "en")]``."""
    profile: dict[Any, Any] = {}
    default_commands = fake._handlers["setmycommands"][1]

    def commands(params: JSON) -> Any:
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "default":
            return default_commands(params)
        profile[("commands", scope.get("chat_id"), params.get("language_code") or "")] = params["commands"]
        return True

    def described(kind: str) -> Any:
        def record(params: JSON) -> bool:
            profile[(kind, params.get("language_code") or "")] = params.get(kind)
            return True
        return record

    fake.register("setMyCommands", commands)
    fake.register("setMyDescription", described("description"))
    fake.register("setMyShortDescription", described("short_description"))
    return profile


@contextlib.asynccontextmanager
async def bot_harness(tmp_path: Path, build: dict[str, Any] | None = None, **overrides: Any
                      ) -> AsyncIterator[Harness]:
    """A harness on a fresh fake (not yet started); ``build`` goes to the composition root, ``overrides``
    to the settings."""
    async with FakeBotApi() as fake:
        fake.profile = serve_profile_methods(fake)  # type: ignore[attr-defined]
        with watching_updates() as updates:
            harness = Harness(fake, make_settings(fake.token, fake.base_url, tmp_path, **overrides), updates,
                              **(build or {}))
            try:
                yield harness
            finally:
                await harness.stop()
                print(harness.dump())  # shown by pytest when the test failed


def popups(bot: Harness) -> list[str]:
    """The notes shown on pressed buttons (answerCallbackQuery texts), in order."""
    return [p.get("text") or "" for p in bot.fake.calls_of("answerCallbackQuery")]


async def edit(chat: Chat, message_id: int, text: str) -> list[JSON]:
    """The user edits one of their messages, as Telegram reports it (an ``edited_message`` update)."""
    message = chat.bot.fake.message(chat.chat_id, message_id)
    assert message is not None
    message.update(text=text, edit_date=message["date"] + 5)
    chat.transcript.append(f"user edits #{message_id} to: {text}")
    update = chat.bot.fake.make_update("edited_message", message)
    await chat.bot.processed(update)
    return chat.new()


class BusinessChat:
    """A staff member's Telegram Business account connected to the bot, and one customer's chat in it."""

    def __init__(self, bot: Harness, staff: int, customer: int, connection: str = "bc-1") -> None:
        self.bot, self.staff, self.customer, self.connection = bot, staff, customer, connection
        self.notes = bot.chat(staff)  # the staff member's private chat with the bot
        self.chat = bot.chat(customer)  # the customer's chat with the staff member
        self._ids = iter(range(1, 10_000))
        self.staff_seen: list[JSON] = []  # what the bot sent the staff member, for a transcript

    def _user(self, user_id: int, name: str) -> JSON:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "zh-hans"}

    async def connect(self, *, enabled: bool = True, can_reply: bool = True) -> None:
        self.notes.transcript.append(f"staff {'connects' if enabled else 'disconnects'} the bot"
                                     f"{' (may reply)' if enabled and can_reply else ''}")
        update = self.bot.fake.make_update("business_connection", {
            "id": self.connection, "user": self._user(self.staff, "王"), "user_chat_id": self.staff,
            "date": 1_700_000_000, "is_enabled": enabled, "rights": {"can_reply": can_reply}})
        await self.bot.processed(update)
        self.staff_seen += self.notes.new()

    async def say(self, text: str, *, by_staff: bool = False, kind: str = "business_message") -> list[JSON]:
        """A message in the customer's chat (by the customer, or the staff member); what the bot sent there."""
        who = (self.staff, "王") if by_staff else (self.customer, "李经理")
        self.chat.transcript.append(f"{'staff' if by_staff else 'customer'}: {text}")
        update = self.bot.fake.make_update(kind, {
            "message_id": next(self._ids), "date": 1_700_000_000,
            "chat": {"id": self.customer, "type": "private", "first_name": "李经理"},
            "from": self._user(*who), "text": text, "business_connection_id": self.connection})
        await self.bot.processed(update)
        self.staff_seen += self.notes.new()
        return self.chat.new()


def sqlite_rows(url: str, query: str) -> list[tuple[Any, ...]]:
    """Rows of the bot's SQLite file, read with the standard library as an operator would."""
    with contextlib.closing(sqlite3.connect(make_url(url).database or ":memory:")) as conn:
        return conn.execute(query).fetchall()


@contextlib.asynccontextmanager
async def webhook_bot(tmp_path: Path) -> AsyncIterator[tuple[Harness, Callable[[JSON], Awaitable[int]]]]:
    """The bot by webhook, Telegram's deliveries played by the fake; and a way to POST any update
    to the webhook with the right secret (a replay, as a network or an attacker with the secret could)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    async with FakeBotApi(deliver_webhooks=True) as fake:
        with watching_updates() as updates:
            settings = make_settings(fake.token, fake.base_url, tmp_path, WEBHOOK_URL=url,
                                     WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=port)
            harness = Harness(fake, settings, updates)
            secret = webhook_secret(settings)
            try:
                await harness.start()
                yield harness, lambda update: fake.post_webhook(url, update, secret)
            finally:
                await harness.stop()
                print(harness.dump())
