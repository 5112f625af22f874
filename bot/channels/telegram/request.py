"""The HTTP transport to the Bot API, on aiohttp instead of PTB's default httpx.

Why: under load the bot spends most of its CPU outside the dialog, and httpx's pure-Python
client was the largest share of it (about 30% of the process in a profile of `make bench-load`);
aiohttp parses HTTP in C, and orjson reads and writes the JSON. The contract is PTB's
:class:`~telegram.request.BaseRequest`: return the status and the body, raise
:class:`~telegram.error.TimedOut` for timeouts and :class:`~telegram.error.NetworkError` for
anything else the network does, and never put the URL (which holds the token) into a message.
"""

from __future__ import annotations

import functools
from typing import Any

import aiohttp
import orjson
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = ["AiohttpRequest"]

# PTB passes BaseRequest.DEFAULT_NONE (a DefaultValue) for "no timeout given": its type, from the
# public attribute, rather than an import of PTB's private telegram._utils.defaultvalue.
_DefaultValue = type(BaseRequest.DEFAULT_NONE)

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A pool of keep-alive connections to the Bot API; the same timeouts as PTB's HTTPXRequest.

    ``pool_timeout`` bounds the wait for a free connection, ``connect_timeout`` a new
    connection, ``read_timeout`` the reply; aiohttp has no separate write timeout, so the write
    of a request counts against ``read_timeout`` (our requests are small JSON bodies, never uploads).
    """

    __slots__ = ("_connect", "_pool", "_pool_size", "_read", "_session")

    def __init__(self, *, connection_pool_size: int = 8, read_timeout: float | None = 5.0,
                 connect_timeout: float | None = 5.0, pool_timeout: float | None = 1.0) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Telegram's answer, parsed by orjson (PTB's hook for this; ``json`` is several times slower)."""
        try:
            parsed = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise TelegramError("Invalid server response") from exc
        if not isinstance(parsed, dict):
            raise TelegramError("Invalid server response")
        return parsed

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Created here, not in __init__: a session belongs to the running event loop.
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none; no jar to consult per request
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read if isinstance(read_timeout, _DefaultValue) else read_timeout
        connect = self._connect if isinstance(connect_timeout, _DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, _DefaultValue) else pool_timeout
        timeout = _timeout(read, connect, pool)
        data: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None and request_data.multipart_data:
            data = _multipart(request_data)
        elif request_data is not None:
            # JSON rather than a url-encoded form: the Bot API takes both, and percent-encoding
            # Chinese text cost more CPU than the rest of the request.
            data = orjson.dumps(request_data.parameters)
            headers = _JSON
        try:
            async with session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut(f"aiohttp: {type(exc).__name__}") from None
        except aiohttp.ClientError as exc:
            # str(exc) of some aiohttp errors quotes the URL, and the URL holds the token.
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {_without(str(exc), url)}") from None


@functools.lru_cache(maxsize=32)
def _timeout(read: float | None, connect: float | None, pool: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for PTB's: a few distinct combinations, built once each."""
    return aiohttp.ClientTimeout(
        total=None,
        connect=None if pool is None or connect is None else pool + connect,  # a free slot, then a socket
        sock_connect=connect,
        sock_read=read,
    )


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    """The form PTB would send with files: the fields, then the files."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


def _without(message: str, url: str) -> str:
    return message.replace(url, "<url>").replace(url.split("?", 1)[0], "<url>")
