"""The webhook's HTTP server, on aiohttp instead of PTB's tornado one.

Why: under load PTB's tornado server took about 13% of the bot's CPU per update (a profile of
`make bench-load`); aiohttp parses HTTP in C. The contract is PTB's: a POST of JSON to the URL's
path (with or without a trailing slash), 403 unless the secret header is exactly right (compared
in constant time) and the body is JSON, 400 for a body that is not an update, otherwise the update
goes on the application's queue and Telegram gets 200 at once. Other paths are 404, other methods
405: nothing else is served.
"""

from __future__ import annotations

import hmac
import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web
from telegram import Update

if TYPE_CHECKING:
    from telegram.ext import Application

__all__ = ["MAX_UPDATE_BYTES", "SECRET_HEADER", "WebhookServer"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20
"""Telegram's updates are a few KB; anything larger is refused (413) before it is read."""


class WebhookServer:
    """Listens on ``listen:port`` for Telegram's POSTs to ``/url_path``; ``start``, then ``stop``."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], *, listen: str, port: int,
                 url_path: str, secret_token: str) -> None:
        self._app = app
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
        runner = web.AppRunner(server, access_log=None, handle_signals=False)
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
            return web.Response(status=HTTPStatus.FORBIDDEN)
        try:
            data = orjson.loads(await request.read())
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            update = Update.de_json(data, self._app.bot)
        except web.HTTPRequestEntityTooLarge:
            raise
        except Exception as exc:
            log.warning("webhook: a request with the right secret held no update (%s)", type(exc).__name__)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        await self._app.update_queue.put(update)
        return web.Response(status=HTTPStatus.OK)
