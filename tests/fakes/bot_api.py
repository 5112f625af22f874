"""A fake Telegram Bot API server for tests.

The fake is a small aiohttp HTTP server bound to ``127.0.0.1`` on a random free port.  A real
python-telegram-bot ``Application`` talks to it by pointing ``base_url`` at :attr:`FakeBotApi.base_url`::

    async with FakeBotApi() as fake:
        app = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        ...
        fake.user_message(42, "/start")
        [sent] = await fake.wait_for_calls("sendMessage", chat_id=42)

Everything the bot asks for is recorded in :attr:`FakeBotApi.calls` as ``(method, params)`` with
parameters decoded the way the real Bot API reads them (JSON-encoded nested fields become Python
objects, numbers become ints, free text such as ``text`` or ``data`` stays a string).

Only loopback is used; nothing here talks to the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import socket
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import aiohttp
import httpx
from aiohttp import web

JSON = dict[str, Any]
Handler = Callable[[JSON], Any]

DEFAULT_TOKEN = "123456789:AAFakeTokenForIpbotTests_0123456789"

# Parameters whose form-encoded value is free text and must never be JSON-decoded
# (otherwise a message text "123" or callback data "true" would change type).
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "query",
        "data",
        "url",
        "secret_token",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "parse_mode",
        "language_code",
        "action",
        "description",
        "short_description",
        "name",
        "title",
        "emoji",
        "ip_address",
        "business_connection_id",
    }
)

_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_MAX_TEXT = 4096
_MAX_CALLBACK_DATA = 64


class FakeApiError(Exception):
    """Raise from a handler (see :meth:`FakeBotApi.register`) to answer with a Bot API error."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class _Fault:
    status: int
    description: str
    parameters: JSON | None


def free_port(host: str = "127.0.0.1") -> int:
    """A currently free TCP port on ``host`` (for servers that need a port number up front)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _bind(host: str) -> socket.socket:
    """A listening socket on a free port of ``host``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _chat_key(chat_id: object) -> str:
    return str(chat_id)


def _update_chat(update: JSON) -> str:
    """The chat an update belongs to (its sender for inline queries): the webhook's unit of order."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        message = payload.get("message") if kind == "callback_query" else payload
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return _chat_key(message["chat"].get("id"))
        if isinstance(payload.get("from"), dict):
            return "user:" + _chat_key(payload["from"].get("id"))
    return f"update:{update.get('update_id')}"


def _decode_form_value(name: str, raw: str) -> Any:
    if name in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class _BotApiRoutes:
    """Serves ``/bot<token>/<method>`` (GET or POST) from :meth:`FakeBotApi._handle`.

    aiohttp rather than tornado: the fake shares the machine with the bot in the load benchmark,
    and tornado's pure-Python HTTP was most of its CPU. As at Telegram, a request goes on when
    its client gives up (a message whose send timed out is still delivered); only a long poll
    notices, and ends without handing out updates.
    """

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def serve(self, request: web.Request) -> web.Response:
        api = self.api
        method = request.match_info["method"]
        gone = asyncio.Event()
        watcher = asyncio.create_task(self._watch(request, gone)) if method.lower() == "getupdates" else None
        api._request_started()
        try:
            try:
                params = await self._params(request)
                status, body = await api._handle(request.match_info["token"], method, params, gone)
            except FakeApiError as exc:
                status, body = exc.status, exc.body()
            except ValueError as exc:
                status, body = 400, FakeApiError(400, f"Bad Request: {exc}").body()
            return web.Response(status=status, body=json.dumps(body, ensure_ascii=False).encode(),
                                content_type="application/json")
        finally:
            if watcher is not None:
                watcher.cancel()
            api._request_finished()

    async def _watch(self, request: web.Request, gone: asyncio.Event) -> None:
        """Set ``gone`` (and wake the long poll) once the client has closed its connection."""
        while request.transport is not None and not request.transport.is_closing():
            await asyncio.sleep(0.05)
        gone.set()
        self.api._wakeup.set()

    @staticmethod
    async def _params(request: web.Request) -> JSON:
        if request.content_type == "application/json":
            raw = await request.read()
            if not raw:
                return {}
            loaded = json.loads(raw)
            if not isinstance(loaded, dict):
                raise FakeApiError(400, "Bad Request: JSON body must be an object")
            return loaded
        params: JSON = {name: _decode_form_value(name, value) for name, value in request.query.items()}
        if request.can_read_body:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    params[name] = {"filename": value.filename, "content_type": value.content_type,
                                    "content": value.file.read()}
                else:
                    params[name] = _decode_form_value(name, value)
        return params


class FakeBotApi:
    """An in-process fake of the Telegram Bot API, for driving a real PTB ``Application``.

    State that tests can inspect:

    * :attr:`calls` - every request as ``(method, params)``, including ones answered with an
      injected failure (see :meth:`fail_next`) or an error.
    * :attr:`webhook_url` / :attr:`webhook_secret_token` - as last set by ``setWebhook``.
    * :attr:`commands` - ``setMyCommands`` results keyed by ``language_code`` (``""`` = default).
    * :attr:`pending_updates` - queued updates not yet confirmed (by a ``getUpdates`` offset past
      them, or a 2xx answer of the webhook).
    * :attr:`deliveries` - how many times each update id was handed out (polls and webhook posts).

    Delivery is at least once, as Telegram's: an update stays pending until it is confirmed and is
    handed out again until then. With ``deliver_webhooks=True`` the fake POSTs pending updates to
    the URL of ``setWebhook`` itself (with its secret; up to ``max_connections`` at once, one at a
    time per chat, in order), and sends an update again ``redelivery_delay_s`` after any answer
    but 2xx, a refused connection or a timeout (``webhook_timeout_s``).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "ipbot_test_bot",
        bot_first_name: str = "IP Bot",
        host: str = "127.0.0.1",
        deliver_webhooks: bool = False,
        max_connections: int = 40,
        redelivery_delay_s: float = 0.2,
        webhook_timeout_s: float = 30.0,
    ) -> None:
        self.token = token
        self.deliver_webhooks = deliver_webhooks
        self.max_connections = max_connections
        self.redelivery_delay_s = redelivery_delay_s
        self.webhook_timeout_s = webhook_timeout_s
        self.deliveries: Counter[int] = Counter()
        self.webhook_answers: Counter[int] = Counter()  # HTTP status (0: no answer) -> count
        self._push: dict[int, JSON] = {}  # pending updates, in order, while the fake POSTs them
        self._delivery: asyncio.Task[None] | None = None
        self._slow: dict[str, float] = {}
        self.host = host
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[tuple[str, JSON]] = []
        self.webhook_url: str = ""
        self.webhook_secret_token: str | None = None
        self.commands: dict[str, list[JSON]] = {}

        self._server: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._closing_event = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._calls_changed = asyncio.Event()
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

        self._updates: deque[JSON] = deque()
        self._update_ids = itertools.count(10_000)
        self._query_ids = itertools.count(500_000)
        self._open_queries: set[str] = set()
        self._chats: dict[str, JSON] = {}
        self._messages: dict[tuple[str, int], JSON] = {}
        self._last_message_id: dict[str, int] = defaultdict(int)
        self._sent: dict[str, list[JSON]] = defaultdict(list)
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: dict[str, deque[float]] = defaultdict(deque)
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name, handler in {
            "getMe": self._get_me,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_query,
            "answerInlineQuery": self._answer_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._true,
            "close": self._true,
            "logOut": self._true,
        }.items():
            self.register(name, handler)

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)`` (PTB appends the token)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url(...)`` (file downloads are not served)."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("FakeBotApi already started")
        self._closing = False
        self._closing_event.clear()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        routes = _BotApiRoutes(self)
        app.router.add_route("*", r"/bot{token:[^/]+}/{method:[^/]*}", routes.serve)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = _bind(self.host)
        await web.SockSite(runner, sock).start()
        self._server = runner
        self._port = sock.getsockname()[1]

    async def stop(self) -> None:
        """Stop listening, answer in-flight requests (long polls return ``[]``), close connections."""
        server, self._server = self._server, None
        if server is None:
            return
        self._closing = True
        self._closing_event.set()
        self._wakeup.set()
        delivery, self._delivery = self._delivery, None
        if delivery is not None:
            delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivery
        try:
            async with asyncio.timeout(5):
                await self._idle.wait()
        except TimeoutError:  # pragma: no cover - only if a custom handler hangs
            pass
        await server.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _request_started(self) -> None:
        self._inflight += 1
        self._idle.clear()

    def _request_finished(self) -> None:
        self._inflight -= 1
        if self._inflight == 0:
            self._idle.set()

    # ------------------------------------------------------------------ extension / faults

    def register(self, method: str, handler: Handler) -> None:
        """Answer ``method`` with ``handler(params)`` (sync or async; raise FakeApiError for errors)."""
        self._handlers[method.lower()] = (method, handler)

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an HTTP ``status`` error.

        429 answers carry ``parameters.retry_after`` (PTB raises ``RetryAfter``); 400 gives
        ``BadRequest``, 403 ``Forbidden``, 409 ``Conflict``, 5xx ``NetworkError``.
        """
        parameters: JSON | None = None
        if status == 429:
            text = description or f"Too Many Requests: retry after {retry_after}"
            parameters = {"retry_after": retry_after}
        else:
            text = description or _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        for _ in range(times):
            self._faults[method.lower()].append(_Fault(status, text, parameters))

    def delay_all(self, method: str, seconds: float) -> None:
        """Hold every call of ``method`` for ``seconds`` from now on (0: no longer); a slow Bot API."""
        self._slow[method.lower()] = seconds

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` calls of ``method`` for ``seconds`` before answering."""
        for _ in range(times):
            self._delays[method.lower()].append(seconds)

    # ------------------------------------------------------------------ request handling

    async def _handle(self, token: str, method: str, params: JSON, gone: asyncio.Event) -> tuple[int, JSON]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        key = method.lower()
        canonical, handler = self._handlers.get(key, (method, None))
        self._record(canonical, params)

        delays = self._delays.get(key)
        if delays or self._slow.get(key):
            seconds = delays.popleft() if delays else self._slow[key]
            try:
                async with asyncio.timeout(seconds):
                    await self._closing_event.wait()
            except TimeoutError:
                pass

        faults = self._faults.get(key)
        if faults:
            fault = faults.popleft()
            raise FakeApiError(fault.status, fault.description, fault.parameters)

        if key == "getupdates":
            return 200, {"ok": True, "result": await self._get_updates(params, gone)}
        if handler is None:
            raise FakeApiError(400, f"Bad Request: fake Bot API does not implement method {method!r}")
        result = handler(params)
        if asyncio.iscoroutine(result):
            result = await result
        return 200, {"ok": True, "result": result}

    def _record(self, method: str, params: JSON) -> None:
        self.calls.append((method, params))
        changed, self._calls_changed = self._calls_changed, asyncio.Event()
        changed.set()

    # ------------------------------------------------------------------ updates

    def make_update(self, kind: str, payload: JSON, *, enqueue: bool = True) -> JSON:
        """The single update factory: ``{"update_id": n, kind: payload}``, queued for getUpdates."""
        update: JSON = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        if enqueue:
            self._updates.append(update)
            self._wakeup.set()
        return update

    def replay(self, update: JSON) -> JSON:
        """Queue ``update`` again, id and all: a replayed or reordered old update (an attacker's, or a
        network's), which the bot must not apply again."""
        again = copy.deepcopy(update)
        self._updates.append(again)
        self._wakeup.set()
        return again

    @property
    def pending_updates(self) -> list[JSON]:
        return [*self._push.values(), *self._updates]

    # ------------------------------------------------------------------ webhook delivery

    def _start_delivery(self) -> None:
        if self.deliver_webhooks and self.webhook_url and (self._delivery is None or self._delivery.done()):
            self._delivery = asyncio.create_task(self._deliver(), name="FakeBotApi.webhook-delivery")

    async def _deliver(self) -> None:
        """POST pending updates to the webhook until each is answered 2xx; see the class docstring."""
        busy_chats: set[str] = set()
        in_flight: set[int] = set()
        tasks: set[asyncio.Task[None]] = set()
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                while not self._closing and self.webhook_url:
                    while self._updates:
                        update = self._updates.popleft()
                        self._push[update["update_id"]] = update
                    for uid, update in list(self._push.items()):
                        if len(in_flight) >= self.max_connections:
                            break
                        chat = _update_chat(update)
                        if uid in in_flight or chat in busy_chats:
                            continue
                        in_flight.add(uid)
                        busy_chats.add(chat)
                        task = asyncio.create_task(self._post_one(session, update, chat, in_flight, busy_chats))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                    self._wakeup.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(0.5):
                            await self._wakeup.wait()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _post_one(self, session: aiohttp.ClientSession, update: JSON, chat: str, in_flight: set[int],
                        busy_chats: set[str]) -> None:
        uid = update["update_id"]
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret_token} if self.webhook_secret_token else {}
        status = 0
        try:
            self.deliveries[uid] += 1
            try:
                async with session.post(self.webhook_url, json=update, headers=headers) as response:
                    status = response.status
                    await response.read()
            except (aiohttp.ClientError, OSError, TimeoutError):
                status = 0
            self.webhook_answers[status] += 1
            if 200 <= status < 300:
                self._push.pop(uid, None)
            else:
                await asyncio.sleep(self.redelivery_delay_s)  # Telegram waits before it tries again
        finally:
            in_flight.discard(uid)
            busy_chats.discard(chat)
            self._wakeup.set()

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        else:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()

    async def _get_updates(self, params: JSON, gone: asyncio.Event) -> list[JSON]:
        if self.webhook_url:
            raise FakeApiError(
                409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook"
            )
        offset = params.get("offset")
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if offset is not None:
                self._confirm(int(offset))
            if self._updates or self._closing or gone.is_set():
                handed = list(itertools.islice(self._updates, limit))
                if not gone.is_set():
                    for update in handed:
                        self.deliveries[update["update_id"]] += 1
                return handed
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            self._wakeup.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._wakeup.wait()
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ simulated users

    @staticmethod
    def _user(user_id: int, language_code: str | None) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def _chat(self, chat_id: int | str, chat_type: str | None = None, user: JSON | None = None) -> JSON:
        key = _chat_key(chat_id)
        if chat_type is None and key in self._chats:
            return copy.deepcopy(self._chats[key])
        if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
            chat: JSON = {
                "id": -1_000_000_000_001,
                "type": "channel",
                "title": chat_id,
                "username": chat_id.lstrip("@"),
            }
        else:
            numeric = int(chat_id)
            kind = chat_type or ("private" if numeric > 0 else "supergroup")
            chat = {"id": numeric, "type": kind}
            if kind == "private":
                chat["first_name"] = (user or {}).get("first_name", f"User{numeric}")
            else:
                chat["title"] = f"Test {kind} {numeric}"
        self._chats[key] = chat
        return copy.deepcopy(chat)

    def _new_message_id(self, chat_id: int | str) -> int:
        key = _chat_key(chat_id)
        self._last_message_id[key] += 1
        return self._last_message_id[key]

    def _store(self, message: JSON) -> None:
        self._messages[(_chat_key(message["chat"]["id"]), message["message_id"])] = copy.deepcopy(message)

    def message(self, chat_id: int | str, message_id: int) -> JSON | None:
        """The fake's current copy of a message (as sent/edited), or ``None``."""
        stored = self._find(chat_id, message_id)
        return copy.deepcopy(stored) if stored is not None else None

    def _find(self, chat_id: int | str, message_id: int) -> JSON | None:
        chat = self._chats.get(_chat_key(chat_id))
        key = _chat_key(chat["id"]) if chat else _chat_key(chat_id)
        return self._messages.get((key, int(message_id)))

    def user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "zh-hans",
        forward_origin: JSON | None = None,
        chat_type: str = "private",
        reply_to_message: JSON | int | None = None,
        sender_chat: JSON | None = None,
        enqueue: bool = True,
    ) -> JSON:
        """A user sends ``text``; texts starting with ``/`` carry a ``bot_command`` entity.

        ``sender_chat``: sent on behalf of a chat, as Telegram marks anonymous group admins (``from``
        is then GroupAnonymousBot, 1087968824) and posts of a linked channel (Channel_Bot, 136817688).
        """
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 424_242
        user = self._user(user_id, language_code)
        message: JSON = {
            "message_id": self._new_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type, user),
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        if forward_origin is not None:
            message["forward_origin"] = forward_origin
        if sender_chat is not None:
            message["sender_chat"] = copy.deepcopy(sender_chat)
        if reply_to_message is not None:
            if isinstance(reply_to_message, int):
                replied = self._find(chat_id, reply_to_message)
                if replied is None:
                    raise KeyError(f"no message {reply_to_message} in chat {chat_id}")
                reply_to_message = replied
            message["reply_to_message"] = copy.deepcopy(reply_to_message)
        self._store(message)
        return self.make_update("message", message, enqueue=enqueue)

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "zh-hans",
        enqueue: bool = True,
    ) -> JSON:
        """A user presses an inline button with callback ``data`` on message ``message_id``.

        Unknown messages are attached as an inaccessible message (``date`` 0), like Telegram does
        for messages it no longer shows to the bot.
        """
        stored = self._find(chat_id, message_id)
        attached: JSON = (
            copy.deepcopy(stored)
            if stored is not None
            else {"message_id": message_id, "date": 0, "chat": self._chat(chat_id)}
        )
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        query: JSON = {
            "id": query_id,
            "from": self._user(chat_id if user_id is None else user_id, language_code),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": attached,
        }
        return self.make_update("callback_query", query, enqueue=enqueue)

    def inline_query(
        self,
        user_id: int,
        query: str,
        *,
        language_code: str | None = "zh-hans",
        enqueue: bool = True,
    ) -> JSON:
        """A user types ``@bot query`` in some chat."""
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        payload: JSON = {
            "id": query_id,
            "from": self._user(user_id, language_code),
            "query": query,
            "offset": "",
            "chat_type": "sender",
        }
        return self.make_update("inline_query", payload, enqueue=enqueue)

    async def post_webhook(
        self, url: str, update: JSON, secret_token: str | None = None, *, timeout: float = 5.0
    ) -> int:
        """POST ``update`` to a bot's webhook like Telegram would; returns the HTTP status."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret_token} if secret_token is not None else {}
        async with httpx.AsyncClient(trust_env=False, timeout=timeout) as client:
            response = await client.post(url, json=update, headers=headers)
        return response.status_code

    # ------------------------------------------------------------------ inspection

    def calls_of(self, method: str, *, chat_id: int | str | None = None) -> list[JSON]:
        """Parameters of recorded calls of ``method`` (optionally only those to ``chat_id``)."""
        key = method.lower()
        return [
            params
            for name, params in self.calls
            if name.lower() == key
            and (chat_id is None or _chat_key(params.get("chat_id")) == _chat_key(chat_id))
        ]

    async def wait_for_calls(
        self, method: str, n: int = 1, *, chat_id: int | str | None = None, timeout: float = 5.0
    ) -> list[JSON]:
        """Wait until at least ``n`` calls of ``method`` (to ``chat_id``) were recorded in total.

        Returns all matching calls; raises AssertionError after ``timeout`` seconds.
        """
        try:
            async with asyncio.timeout(timeout):
                while True:
                    matching = self.calls_of(method, chat_id=chat_id)
                    if len(matching) >= n:
                        return matching
                    await self._calls_changed.wait()
        except TimeoutError:
            seen = [name for name, _ in self.calls]
            target = f" to chat {chat_id}" if chat_id is not None else ""
            raise AssertionError(
                f"expected {n} {method} call(s){target} within {timeout}s, "
                f"got {len(self.calls_of(method, chat_id=chat_id))}; calls so far: {seen}"
            ) from None

    def messages_to(self, chat_id: int | str) -> list[JSON]:
        """Successful sendMessage/editMessageText results for a chat, in order.

        Each entry: ``{"method", "message_id", "text", "reply_markup"}`` (markup may be None).
        """
        return copy.deepcopy(self._sent.get(_chat_key(chat_id), []))

    def texts_to(self, chat_id: int | str) -> list[str]:
        return [entry["text"] for entry in self.messages_to(chat_id)]

    # ------------------------------------------------------------------ Bot API methods

    @staticmethod
    def _true(params: JSON) -> bool:
        return True

    def _get_me(self, params: JSON) -> JSON:
        return copy.deepcopy(self.bot_user)

    def _delete_webhook(self, params: JSON) -> bool:
        self.webhook_url = ""
        self.webhook_secret_token = None
        if self._push:  # not yet confirmed by the webhook: getUpdates hands them out now
            self._updates.extendleft(reversed(list(self._push.values())))
            self._push.clear()
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: JSON) -> bool:
        self.webhook_url = str(params.get("url") or "")
        self.webhook_secret_token = params.get("secret_token")
        if params.get("drop_pending_updates"):
            self._updates.clear()
            self._push.clear()
        self._start_delivery()
        return True

    def _get_webhook_info(self, params: JSON) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates) + len(self._push),
        }

    @staticmethod
    def _inline_markup(params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None  # only inline keyboards are echoed in Message.reply_markup
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA:
                    raise FakeApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    @staticmethod
    def _check_text(text: object) -> str:
        if not isinstance(text, str) or not text.strip():
            raise FakeApiError(400, "Bad Request: message text is empty")
        if len(text) > _MAX_TEXT:
            raise FakeApiError(400, "Bad Request: message is too long")
        return text

    def _log_sent(self, method: str, message: JSON) -> None:
        self._sent[_chat_key(message["chat"]["id"])].append(
            {
                "method": method,
                "message_id": message["message_id"],
                "text": message.get("text"),
                "reply_markup": copy.deepcopy(message.get("reply_markup")),
            }
        )

    def _send_message(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise FakeApiError(400, "Bad Request: chat_id is empty")
        text = self._check_text(params.get("text"))
        markup = self._inline_markup(params)
        chat = self._chat(chat_id)
        message: JSON = {
            "message_id": self._new_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": copy.deepcopy(self.bot_user),
            "text": text,
        }
        if params.get("entities"):
            message["entities"] = params["entities"]
        if markup is not None:
            message["reply_markup"] = markup
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            replied = self._find(chat["id"], int(reply["message_id"]))
            if replied is not None:
                message["reply_to_message"] = copy.deepcopy(replied)
        self._store(message)
        self._log_sent("sendMessage", message)
        return message

    def _editable(self, params: JSON) -> JSON:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if chat_id is None or message_id is None:
            raise FakeApiError(400, "Bad Request: message identifier is not specified")
        stored = self._find(chat_id, int(message_id))
        if stored is None:
            raise FakeApiError(400, "Bad Request: message to edit not found")
        if stored.get("from", {}).get("id") != self.bot_user["id"]:
            raise FakeApiError(400, "Bad Request: message can't be edited")
        return stored

    def _edit_message_text(self, params: JSON) -> JSON | bool:
        text = self._check_text(params.get("text"))
        markup = self._inline_markup(params)
        if params.get("inline_message_id"):
            return True
        stored = self._editable(params)
        if stored.get("text") == text and stored.get("reply_markup") == markup:
            raise FakeApiError(400, _NOT_MODIFIED)
        stored["text"] = text
        stored["edit_date"] = int(time.time())
        stored.pop("entities", None)
        if params.get("entities"):
            stored["entities"] = params["entities"]
        # Like Telegram: editing without reply_markup removes the inline keyboard.
        if markup is None:
            stored.pop("reply_markup", None)
        else:
            stored["reply_markup"] = markup
        self._log_sent("editMessageText", stored)
        return copy.deepcopy(stored)

    def _edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        markup = self._inline_markup(params)
        if params.get("inline_message_id"):
            return True
        stored = self._editable(params)
        if stored.get("reply_markup") == markup:
            raise FakeApiError(400, _NOT_MODIFIED)
        if markup is None:
            stored.pop("reply_markup", None)
        else:
            stored["reply_markup"] = markup
        stored["edit_date"] = int(time.time())
        return copy.deepcopy(stored)

    def _answer_query(self, params: JSON) -> bool:
        query_id = params.get("callback_query_id") or params.get("inline_query_id")
        if query_id not in self._open_queries:
            raise FakeApiError(400, _QUERY_INVALID)
        return True

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise FakeApiError(400, "Bad Request: can't parse commands JSON object")
        self.commands[str(params.get("language_code") or "")] = commands
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self.commands.get(str(params.get("language_code") or ""), []))

    def _delete_my_commands(self, params: JSON) -> bool:
        self.commands.pop(str(params.get("language_code") or ""), None)
        return True

    def _delete_message(self, params: JSON) -> bool:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if chat_id is None or message_id is None:
            raise FakeApiError(400, "Bad Request: message identifier is not specified")
        chat = self._chats.get(_chat_key(chat_id))
        key = (_chat_key(chat["id"]) if chat else _chat_key(chat_id), int(message_id))
        if self._messages.pop(key, None) is None:
            raise FakeApiError(400, "Bad Request: message to delete not found")
        return True
