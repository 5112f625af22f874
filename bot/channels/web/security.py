"""The web page's guards: signatures, CSRF tokens, Telegram's initData, share links and a rate limit.

All signatures are HMAC-SHA256 with the server's web secret (``WEB_SECRET``, or derived from the bot
token so that replicas agree), compared in constant time. Nothing here does I/O; the clock comes in
as an argument, so the tests decide what "now" is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

__all__ = [
    "INIT_DATA_MAX_AGE_S",
    "InitDataError",
    "RateLimiter",
    "ShareError",
    "Signer",
    "TelegramUser",
    "new_session_id",
    "validate_init_data",
]

INIT_DATA_MAX_AGE_S = 86400  # Telegram's initData older than a day is refused
_CLOCK_SKEW_S = 300  # an auth_date this far in the future is still accepted (phones' clocks drift)


def new_session_id() -> str:
    """A random web session id: 192 bits, URL-safe."""
    return secrets.token_urlsafe(24)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ShareError(ValueError):
    """A share link that was altered, is malformed or has expired."""


class Signer:
    """Signs and checks the page's tokens with one secret, each purpose under its own label."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the web secret must be at least 16 bytes")
        self._secret = secret

    def sign(self, purpose: str, message: str) -> str:
        mac = hmac.new(self._secret, f"{purpose}\n{message}".encode(), hashlib.sha256).digest()
        return _b64(mac)

    def verify(self, purpose: str, message: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, message), signature)

    # -- CSRF: a token bound to the browser's session id, so a page of another site cannot forge one --
    def csrf_token(self, session_id: str) -> str:
        return self.sign("csrf", session_id)

    def check_csrf(self, session_id: str, token: str) -> bool:
        return bool(session_id) and bool(token) and self.verify("csrf", session_id, token)

    # -- the Mini App's binding of a browser to a Telegram user, after initData was validated --------
    def telegram_cookie(self, user_id: int, expires_at: int) -> str:
        message = f"{user_id}.{expires_at}"
        return f"{message}.{self.sign('tg', message)}"

    def telegram_user_of(self, cookie: str, now: float) -> int | None:
        user, _, rest = cookie.partition(".")
        expires, _, signature = rest.partition(".")
        if not (user.isdigit() and expires.isdigit() and signature):
            return None
        if not self.verify("tg", f"{user}.{expires}", signature) or int(expires) < now:
            return None
        return int(user)

    # -- share links: the result only (no answers, no person), signed and expiring -----------------
    def share_token(self, payload: dict[str, Any], expires_at: int) -> str:
        body = _b64(json.dumps({**payload, "x": expires_at}, separators=(",", ":"), ensure_ascii=False).encode())
        return f"{body}.{self.sign('share', body)}"

    def read_share(self, token: str, now: float) -> dict[str, Any]:
        body, _, signature = token.partition(".")
        if not body or not signature or not self.verify("share", body, signature):
            raise ShareError("signature")
        try:
            payload = json.loads(_unb64(body))
        except ValueError:
            raise ShareError("malformed") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("x"), int):
            raise ShareError("malformed")
        if payload["x"] < now:
            raise ShareError("expired")
        return payload


# -- Telegram Mini App initData --------------------------------------------------------------------


class InitDataError(ValueError):
    """initData that is not Telegram's: bad or missing hash, too old, or without a user."""


@dataclass(frozen=True)
class TelegramUser:
    id: int
    language_code: str | None
    auth_date: int


def init_data_secret(bot_token: str) -> bytes:
    """secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token), as Telegram documents it."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """initData as Telegram builds it (for tests and the benchmark: the server never signs its own)."""
    from urllib.parse import urlencode

    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    digest = hmac.new(init_data_secret(bot_token), check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def validate_init_data(init_data: str, bot_token: str, now: float,
                       max_age_s: int = INIT_DATA_MAX_AGE_S) -> TelegramUser:
    """The user of a Mini App launch, once the hash proves Telegram signed ``init_data`` recently."""
    if not init_data or len(init_data) > 8192:
        raise InitDataError("empty or oversized")
    pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=False)
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise InitDataError("a field given twice")
        fields[key] = value
    received = fields.pop("hash", "")
    if not received:
        raise InitDataError("no hash")
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    expected = hmac.new(init_data_secret(bot_token), check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received.lower()):
        raise InitDataError("hash mismatch")
    auth_date = fields.get("auth_date", "")
    if not auth_date.isdigit():
        raise InitDataError("no auth_date")
    age = now - int(auth_date)
    if age > max_age_s or age < -_CLOCK_SKEW_S:
        raise InitDataError("auth_date too old")
    try:
        user = json.loads(fields.get("user", ""))
    except ValueError:
        raise InitDataError("no user") from None
    if not isinstance(user, dict) or not isinstance(user.get("id"), int):
        raise InitDataError("no user")
    code = user.get("language_code")
    return TelegramUser(user["id"], code if isinstance(code, str) else None, int(auth_date))


# -- a per-client rate limit -------------------------------------------------------------------------


class RateLimiter:
    """A token bucket per client: ``burst`` requests at once, refilled at ``rate`` per second.

    The table is bounded (the least recently seen clients are forgotten first), so a flood of
    addresses costs memory once, not without end. Process memory is right here: a limit is about
    this process's load, and forgetting it on a restart loses nothing of the user's.
    """

    def __init__(self, rate: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, client: str, now: float) -> bool:
        if self.rate <= 0:
            return True
        tokens, last = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return allowed
