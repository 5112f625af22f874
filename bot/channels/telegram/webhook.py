"""The webhook's HTTP server, on aiohttp instead of PTB's tornado one.

Why: under load PTB's tornado server took about 13% of the bot's CPU per update (a profile of
`make bench-load`); aiohttp parses HTTP in C. The contract is PTB's: a POST of JSON to the URL's
path (with or without a trailing slash), 403 unless the secret header is exactly right (compared
in constant time) and the body is JSON, 400 for a body that is not an update. Unlike PTB's, an
update is answered 200 only once it is processed (see :mod:`bot.channels.telegram.intake`): its turn
committed, its replies sent; a process that dies before that leaves it unconfirmed, and Telegram
sends it again. Past the intake's limit, or while shutting down, the answer is 503 with
``Retry-After``: Telegram keeps the update and retries. Other paths are 404, other methods 405:
nothing else is served.

The edges: a connection that has not delivered a whole request within ``request_timeout_s`` of
opening (or of its previous request) is closed, and so is one whose body trickles in slower; a
malformed or unauthenticated request costs one WARNING line without a traceback, at most one per
``WARN_EVERY_S`` (the rest are counted into the next line).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web
from telegram import Update

from bot.channels.telegram.intake import Intake

if TYPE_CHECKING:
    from telegram.ext import Application

__all__ = ["MAX_UPDATE_BYTES", "REQUEST_TIMEOUT_S", "SECRET_HEADER", "WARN_EVERY_S", "EdgeLogger", "WebhookServer"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20
"""Telegram's updates are a few KB; anything larger is refused (413) before it is read."""
REQUEST_TIMEOUT_S = 10.0
"""A whole request (headers and body) within this many seconds, or the connection is closed."""
WARN_EVERY_S = 10.0
RETRY_AFTER_S = 1


class EdgeLogger(logging.Logger):
    """aiohttp's server logger, made quiet: bad requests from the internet are expected, not errors.

    aiohttp logs every request it cannot parse with ``logger.exception`` (an ERROR and a traceback);
    here each becomes one WARNING line naming the error type, at most one per ``every_s`` seconds,
    the lines left out counted into the next one.
    """

    def __init__(self, name: str, parent: logging.Logger, *, every_s: float = WARN_EVERY_S) -> None:
        super().__init__(name)
        self.parent = parent
        self._every_s = every_s
        self._last = -every_s
        self._suppressed = 0

    def edge(self, what: str) -> None:
        """One rate-limited WARNING line about a refused request."""
        now = time.monotonic()
        if now - self._last < self._every_s:
            self._suppressed += 1
            return
        more = f" (and {self._suppressed} more since the last such line)" if self._suppressed else ""
        self._last, self._suppressed = now, 0
        self.warning("webhook: %s%s", what, more)

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        err = exc_info if isinstance(exc_info, BaseException) else None
        self.edge(f"refused a malformed request ({type(err).__name__ if err else 'unparsable'})")

    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.exception(msg)

    def debug(self, msg: object, *args: object, **kwargs: Any) -> None:
        kwargs.pop("exc_info", None)  # aiohttp adds the traceback of a non-HTTP request even here
        super().debug(msg, *args, **kwargs)


class WebhookServer:
    """Listens on ``listen:port`` for Telegram's POSTs to ``/url_path``; ``start``, then ``stop``."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], intake: Intake, *, listen: str, port: int,
                 url_path: str, secret_token: str, request_timeout_s: float | None = None) -> None:
        self._app = app
        self._intake = intake
        self._request_timeout_s = REQUEST_TIMEOUT_S if request_timeout_s is None else request_timeout_s
        self.edge_log = EdgeLogger(f"{__name__}.edge", log)
        self._listen = listen
        self._port = port
        self._path = "/" + url_path.strip("/")
        self._secret = secret_token.encode()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        server = web.Application(client_max_size=MAX_UPDATE_BYTES)
        server.router.add_post(self._path, self._receive)
        if self._path != "/":
            server.router.add_post(self._path + "/", self._receive)
        # keepalive_timeout also runs from the connection's start: one that sends no whole request
        # header within it is closed (aiohttp's only guard against a connection that never asks).
        runner = web.AppRunner(server, access_log=None, handle_signals=False, logger=self.edge_log,
                               keepalive_timeout=self._request_timeout_s)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._listen, self._port, reuse_address=True).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret) or request.content_type != "application/json":
            self.edge_log.edge("refused a request without the secret or not JSON (403)")
            return web.Response(status=HTTPStatus.FORBIDDEN)
        try:
            async with asyncio.timeout(self._request_timeout_s):
                body = await request.read()
        except TimeoutError:
            self.edge_log.edge("closed a connection whose body did not arrive in time")
            raise web.HTTPRequestTimeout() from None
        try:
            data = orjson.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            update = Update.de_json(data, self._app.bot)
        except Exception as exc:
            self.edge_log.edge(f"a request with the right secret held no update ({type(exc).__name__})")
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if not self._intake.try_enter():
            # Full, or shutting down: Telegram keeps the update and sends it again later.
            return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_S)})
        if not await self._intake.process(update):
            return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_S)})
        return web.Response(status=HTTPStatus.OK)
