"""Who may see the dashboard: staff only.

Two ways in: the staff token from the settings (IPBOT_DASHBOARD_TOKEN), or the Telegram Login Widget's
signed data from a user id in IPBOT_STAFF_USER_IDS, checked as Telegram documents it: the hash is
HMAC-SHA256 of the sorted ``key=value`` lines with SHA256(bot token) as the key, and ``auth_date`` is
at most a day old. A successful sign-in gets a signed, expiring, HttpOnly cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

LOGIN_MAX_AGE_S = 24 * 3600
SESSION_MAX_AGE_S = 8 * 3600


def check_telegram_login(data: Mapping[str, str], bot_token: str, staff_ids: set[int],
                         now: float | None = None) -> int | None:
    """The staff user id if ``data`` is genuine, fresh and from staff; else None."""
    received = data.get("hash", "")
    if not received or not bot_token:
        return None
    check = "\n".join(f"{k}={data[k]}" for k in sorted(data) if k != "hash")
    secret = hashlib.sha256(bot_token.encode()).digest()
    expected = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received):
        return None
    try:
        user_id, auth_date = int(data.get("id", "")), int(data.get("auth_date", ""))
    except ValueError:
        return None
    if (now if now is not None else time.time()) - auth_date > LOGIN_MAX_AGE_S:
        return None
    return user_id if user_id in staff_ids else None


def check_token(given: str, token: str) -> bool:
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


class Sessions:
    """Signed cookie values ``who.expiry.mac``; ``who`` is "token" or a staff id, never shown on a page."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, who: str, now: float | None = None) -> str:
        payload = f"{who}.{int((now if now is not None else time.time()) + SESSION_MAX_AGE_S)}"
        return f"{payload}.{self._mac(payload)}"

    def check(self, cookie: str | None, now: float | None = None) -> str | None:
        if not cookie or cookie.count(".") != 2:
            return None
        who, expiry, mac = cookie.split(".")
        if not hmac.compare_digest(self._mac(f"{who}.{expiry}"), mac):
            return None
        try:
            if int(expiry) < (now if now is not None else time.time()):
                return None
        except ValueError:
            return None
        return who

    def csrf(self, cookie: str) -> str:
        return self._mac("csrf:" + cookie)[:32]
