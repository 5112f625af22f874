"""Start the web channel from the settings: `ipbot web`, and `ipbot run` with WEB_PORT set.

The secret that signs CSRF tokens, share links and the Mini App binding must be the same in every
replica and survive restarts (a share link outlives the process): WEB_SECRET, else derived from
the bot token, else a random one kept in the data directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import signal
import threading
from collections.abc import AsyncIterator

from aiohttp import web

from bot.channels.web.server import WebChannel, WebConfig, build_web_app
from bot.services import build_runtime
from bot.settings import Settings
from bot.storage.factory import open_settings_store

__all__ = ["config_from_settings", "run_web", "serving", "start_web_thread"]

log = logging.getLogger("bot.web")


def _secret(settings: Settings) -> bytes:
    if settings.web_secret is not None and settings.web_secret.get_secret_value():
        return hashlib.sha256(b"ipbot-web-secret\n" + settings.web_secret.get_secret_value().encode()).digest()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if token:
        return hashlib.sha256(b"ipbot-web-from-token\n" + token.encode()).digest()
    path = settings.data_dir / "web-secret"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def config_from_settings(settings: Settings) -> WebConfig:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    public = settings.web_public_url
    return WebConfig(secret=_secret(settings), bot_token=token or None, public_url=public,
                     rate=settings.web_rate_limit, burst=settings.web_rate_burst, share_days=settings.web_share_days,
                     trust_proxy=settings.web_trust_proxy, secure_cookies=bool(public and public.startswith("https:")))


@contextlib.asynccontextmanager
async def serving(settings: Settings, host: str, port: int) -> AsyncIterator[WebChannel]:
    """The web channel listening on host:port until the block ends."""
    engine = await asyncio.to_thread(build_runtime, settings)
    async with open_settings_store(settings) as store:
        channel = WebChannel(engine, store, config_from_settings(settings))
        runner = web.AppRunner(build_web_app(channel), access_log=None)  # our own log line has no path, no id
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("web page on http://%s:%d/", host, port)
        try:
            yield channel
        finally:
            await runner.cleanup()


def run_web(settings: Settings, port: int | None = None, host: str | None = None) -> int:
    """Serve the page until SIGINT/SIGTERM (blocks)."""
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with serving(settings, host or settings.web_listen, port or settings.web_port or 8080):
            await stop.wait()

    asyncio.run(main())
    return 0


def start_web_thread(settings: Settings) -> threading.Thread:
    """The page beside the Telegram bot, in a thread of its own with its own event loop and store
    connection (PTB's runner owns the main thread's loop and signals); it ends with the process."""
    assert settings.web_port is not None

    async def main() -> None:
        async with serving(settings, settings.web_listen, settings.web_port or 8080):
            await asyncio.Event().wait()

    thread = threading.Thread(target=lambda: asyncio.run(main()), name="ipbot-web", daemon=True)
    thread.start()
    return thread
