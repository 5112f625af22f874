"""The Telegram channel at run time: its services, the store checked at start, the receivers, the process.

:class:`Services` is what the handlers use once ``post_init`` has attached it (the engine, swappable
by ``/reload``; the store; the statistics). :func:`open_checked` stops the start on a store that cannot
write; :func:`running` receives updates (our webhook server or our confirming poller) and drains them
on the way out; :func:`serve` runs until SIGINT or SIGTERM. The composition root (``app.py``) builds the
application these run.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import hmac
import logging
import re
import signal
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application, ContextTypes, ExtBot, JobQueue

from bot.channels.telegram.intake import Intake
from bot.channels.telegram.polling import ConfirmingPoller
from bot.channels.telegram.webhook import WebhookServer
from bot.redact import Redactor, protect_outputs
from bot.services import Conversations, PolicyRuntime
from bot.settings import Settings
from bot.storage.base import SessionStore
from bot.storage.stats import AnswerTap, StatsStore, open_stats
from knowledge.errors import IpbotError

log = logging.getLogger("bot.channels.telegram.app")

App = Application[
    ExtBot[int], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

# Channel posts, chat-member changes...: nothing the bot acts on, so Telegram need not send them.
# Edited messages: an edit of the latest answer corrects it.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY,
                   Update.BUSINESS_CONNECTION, Update.BUSINESS_MESSAGE, Update.EDITED_BUSINESS_MESSAGE,
                   Update.DELETED_BUSINESS_MESSAGES]
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving: a fixed offset is exact


class ConfigError(IpbotError):
    """The settings cannot run the Telegram bot; the message says which one and why."""


def bot_token(settings: Settings) -> str:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    return token


def china_today() -> date:
    """The date in Shijiazhuang: the policy's deadlines are Chinese dates."""
    return datetime.now(_CHINA).date()


# -- run-time services --------------------------------------------------------------------------

class Services:
    """What the handlers use at run time, attached by the composition root's ``post_init``.

    The engine (knowledge base and dialog) can be swapped whole by ``/reload``; the store and the
    statistics stay for the life of the process.
    """

    def __init__(self, *, today: Callable[[], date] = china_today) -> None:
        self.today = today
        self._conversations: Conversations | None = None
        self._stats: StatsStore | None = None

    def attach(self, engine: PolicyRuntime, store: SessionStore) -> None:
        self._tap(engine)
        self._conversations = Conversations(engine, store)
        self._stats = open_stats(store)

    def detach(self) -> None:
        self._conversations = None
        self._stats = None

    @property
    def conversations(self) -> Conversations:
        if self._conversations is None:
            raise RuntimeError("the Telegram services are not started (post_init has not run)")
        return self._conversations

    @property
    def engine(self) -> PolicyRuntime:
        return self.conversations.engine

    @property
    def store(self) -> SessionStore:
        return self.conversations.store

    @property
    def stats(self) -> StatsStore:
        if self._stats is None:
            raise RuntimeError("the Telegram services are not started (post_init has not run)")
        return self._stats

    def swap_engine(self, engine: PolicyRuntime) -> None:
        """Use ``engine`` from the next update on; updates already running finish on the old one."""
        self._tap(engine)
        self.conversations.engine = engine

    @staticmethod
    def _tap(engine: PolicyRuntime) -> None:
        if engine.dialog.answerer is not None:
            engine.dialog.answerer = AnswerTap.wrap(engine.dialog.answerer)


# -- the handlers -------------------------------------------------------------------------------


# -- the store, checked at start ---------------------------------------------------------------

SWEEP_EVERY_S = 3600.0


async def sweep_idle_sessions(store: SessionStore, ttl: timedelta, every_s: float = SWEEP_EVERY_S) -> None:
    """Delete sessions untouched for ``ttl`` (IPBOT_SESSION_TTL_DAYS): at start, then every hour."""
    while True:
        try:
            deleted = await store.delete_idle(datetime.now(UTC) - ttl)
            if deleted:
                log.info("deleted %d session(s) untouched for %d days", deleted, ttl.days)
        except Exception as exc:  # an outage: the next round will do
            log.warning("could not delete idle sessions: %s", type(exc).__name__)
        await asyncio.sleep(every_s)


async def open_checked(store: SessionStore) -> SessionStore:
    """Open (and migrate) the store and check that it can write; any failure stops the start (ConfigError)."""
    try:
        await store.__aenter__()
        await check_writable(store)
    except Exception as exc:
        await store.close()
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(f"the session store cannot be opened or cannot write ({type(exc).__name__}: {exc}); "
                          "check the data directory (IPBOT_DATA_DIR) or DATABASE_URL") from exc
    return store


async def check_writable(store: SessionStore) -> None:
    """Write and delete a probe session: a store that cannot write stops the start (ConfigError).

    Otherwise a read-only data directory (or database user) would let the bot start and then fail
    every update, each user told their answer was lost.
    """
    key = f"ipbot-probe:{uuid.uuid4().hex}"
    try:
        await store.save(key, {"probe": True}, None)
        await store.delete(key)
    except Exception as exc:
        raise ConfigError(f"the session store cannot write ({type(exc).__name__}: {exc}); check the data "
                          "directory (IPBOT_DATA_DIR) or DATABASE_URL and its permissions") from exc


# -- transports ---------------------------------------------------------------------------------

def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or one derived from the token (the same in every replica) when it is unset."""
    if settings.webhook_secret is not None and settings.webhook_secret.get_secret_value():
        secret = settings.webhook_secret.get_secret_value()
        if not _SECRET.fullmatch(secret):
            raise ConfigError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return secret
    return hmac.new(bot_token(settings).encode(), b"ipbot-webhook-secret", hashlib.sha256).hexdigest()


def webhook_kwargs(settings: Settings) -> dict[str, Any]:
    """Where the webhook listens (locally, on the URL's path) and what ``setWebhook`` is told.

    Telegram sends the secret in ``X-Telegram-Bot-Api-Secret-Token``; the server answers 403 to
    any request without it.
    """
    if not settings.webhook_url:
        raise ConfigError("WEBHOOK_URL is not set")
    parts = urlsplit(settings.webhook_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"WEBHOOK_URL is not an http(s) URL: {settings.webhook_url!r}")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": parts.path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": webhook_secret(settings),
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": False,
    }


def polling_kwargs(timeout: int = 30) -> dict[str, Any]:
    """Arguments of ``run_polling`` / ``Updater.start_polling``: long polls of ``timeout`` seconds."""
    return {"poll_interval": 0.0, "timeout": timeout, "allowed_updates": ALLOWED_UPDATES,
            "drop_pending_updates": False}


@asynccontextmanager
async def running(app: App, settings: Settings, *, poll_timeout: int = 30) -> AsyncIterator[App]:
    """Run ``app`` inside an event loop that someone else owns (tests, embedding, :func:`serve`).

    Initialise, ``post_init``, start receiving - our :class:`WebhookServer` and ``setWebhook`` when
    WEBHOOK_URL is set, else our :class:`ConfirmingPoller` - and start. Both receivers confirm an
    update only once it is processed (:class:`Intake`). On the way out: refuse new updates, drain
    those in flight within ``IPBOT_SHUTDOWN_BUDGET_S`` (the rest stay unconfirmed for Telegram to
    redeliver), confirm what is done, stop, shut down, ``post_shutdown``.
    """
    server: WebhookServer | None = None
    poller: ConfirmingPoller | None = None
    intake = Intake(app, limit=settings.max_pending_updates)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if settings.webhook_url:
            kwargs = webhook_kwargs(settings)
            server = WebhookServer(app, intake, listen=kwargs["listen"], port=kwargs["port"],
                                   url_path=kwargs["url_path"], secret_token=kwargs["secret_token"])
            await server.start()  # listening before Telegram is told where to send
            await app.bot.set_webhook(kwargs["webhook_url"], allowed_updates=kwargs["allowed_updates"],
                                      secret_token=kwargs["secret_token"],
                                      drop_pending_updates=kwargs["drop_pending_updates"])
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            poller = ConfirmingPoller(app.bot, intake, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
            await poller.start()
        await app.start()
        yield app
    finally:
        if poller is not None:
            await poller.stop()
        cancelled = await intake.drain(settings.shutdown_budget_s)
        if server is not None:
            await server.stop()
        if poller is not None:
            await poller.confirm()
        if cancelled:
            log.warning("stopped with %d update(s) unconfirmed: Telegram will deliver them again", cancelled)
        if app.running:
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


# -- the entry point ----------------------------------------------------------------------------

def configure_logging(settings: Settings) -> None:
    """One line per record with time, level and logger; the token never reaches stderr (see bot.redact)."""
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if settings.telegram_bot_token is not None:
        protect_outputs(Redactor(settings.telegram_bot_token.get_secret_value()))


GC_THRESHOLDS = (60_000, 50, 100)


def tune_garbage_collector() -> None:
    """Fewer and cheaper cyclic collections in the long-running bot process.

    What start-up loaded (the knowledge base, the matcher's tables, PTB) lives as long as the
    process: ``gc.freeze`` takes it out of every later collection. The objects of one update are
    short-lived and freed by reference counting, so the first generation may grow larger before
    a collection. In ``make bench-load`` the collector took about 5% of the CPU per update before.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def use_fast_event_loop() -> None:
    """uvloop where it is installed (Linux, macOS): the same asyncio, less CPU per update."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def serve(app: App, settings: Settings) -> None:
    """Receive updates (webhook with WEBHOOK_URL, else long polling) until SIGINT or SIGTERM (blocks).

    PTB's ``run_webhook``/``run_polling`` would confirm updates before they are processed (and
    serve with tornado); :func:`running` confirms them after.
    """
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with running(app, settings):
            if settings.webhook_url:
                kwargs = webhook_kwargs(settings)
                log.info("receiving by webhook on %s:%s/%s", kwargs["listen"], kwargs["port"], kwargs["url_path"])
            else:
                log.info("receiving by long polling")
            await stop.wait()
            log.info("stopping: draining updates in flight (budget %.1fs)", settings.shutdown_budget_s)
        log.info("stopped")

    asyncio.run(main())


serve_webhook = serve  # the name the load benchmark's replicas use
