"""The composition root of the Telegram channel: settings in, a running python-telegram-bot app out.

:func:`build_application` builds the :class:`~telegram.ext.Application` and registers every handler
(in the order that matters, see :func:`register`); :func:`run_telegram` runs it by long polling or,
when ``WEBHOOK_URL`` is set, by webhook. Nothing happens at import time: the knowledge base is
loaded and the session store opened in ``post_init``, and the store is closed in ``post_shutdown``.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import hmac
import logging
import re
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BusinessConnectionHandler,
    BusinessMessagesDeletedHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.telegram.business import BusinessDesk
from bot.channels.telegram.handlers import (
    AddressedToBot,
    Handlers,
    Redactor,
    Services,
    bot_identity,
    china_today,
    describe,
)
from bot.channels.telegram.processor import PerChatUpdateProcessor, UpdateDone
from bot.channels.telegram.ratelimit import RetryingRateLimiter
from bot.channels.telegram.render import tg_text
from bot.channels.telegram.request import AiohttpRequest
from bot.channels.telegram.webhook import WebhookServer
from bot.services import PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.base import SessionStore
from bot.storage.factory import open_store
from knowledge.loader import KnowledgeBaseError
from knowledge.models import Lang

__all__ = [
    "ALLOWED_UPDATES",
    "GC_THRESHOLDS",
    "MENU_COMMANDS",
    "App",
    "ConfigError",
    "RedactingFilter",
    "build_application",
    "configure_logging",
    "polling_kwargs",
    "run_telegram",
    "running",
    "serve_webhook",
    "tune_garbage_collector",
    "webhook_kwargs",
    "webhook_secret",
]

log = logging.getLogger(__name__)
update_log = logging.getLogger("bot.channels.telegram.updates")

App = Application[
    ExtBot[int], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

# Channel posts, chat-member changes...: nothing the bot acts on, so Telegram need not send them.
# Edited messages: an edit of the latest answer corrects it.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY,
                   Update.BUSINESS_CONNECTION, Update.BUSINESS_MESSAGE, Update.EDITED_BUSINESS_MESSAGE,
                   Update.DELETED_BUSINESS_MESSAGES]
MENU_COMMANDS = ("start", "assess", "ask", "clauses", "lang", "help", "cancel", "forget")
RATE_LIMIT_RETRIES = 3  # flood control (429): wait retry_after and try again, this many times
SEND_RETRIES = 3  # 5xx, timeouts, dropped connections: try again this many times...
RETRY_BACKOFF_S = 0.5  # ...after 0.5 s, 1 s, 2 s (see RetryingRateLimiter)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(Exception):
    """The settings cannot run the Telegram bot; the message says which one and why."""


def _token(settings: Settings) -> str:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    return token


def build_application(
    settings: Settings,
    *,
    engine_factory: Callable[[Settings], PolicyRuntime] = build_runtime,
    store_factory: Callable[[str], SessionStore] = open_store,
    today: Callable[[], date] = china_today,
    max_concurrent: int | None = None,
    request: BaseRequest | None = None,
    send_retries: int = SEND_RETRIES,
    retry_backoff_s: float = RETRY_BACKOFF_S,
    tune_gc: bool = False,
) -> App:
    """The whole Telegram channel, wired but not started. Raises ConfigError for unusable settings.

    ``request`` replaces the HTTP transport to the Bot API (tests pass an in-process fake, or one
    with short timeouts); ``send_retries`` and ``retry_backoff_s`` bound the retries of a Bot API
    call that failed with a 5xx, a timeout or a dropped connection. ``tune_gc``: the process is
    the bot's own (see :func:`tune_garbage_collector`); not for tests that share their process.
    """
    token = _token(settings)
    redactor = Redactor(token)
    services = Services(today=today)
    handlers = Handlers(services, engine_factory=lambda: engine_factory(settings), redactor=redactor,
                        admin_chat_id=settings.admin_chat_id)

    def log_update(done: UpdateDone) -> None:
        update = done.update
        chat = update.effective_chat if isinstance(update, Update) else None
        update_log.info(
            "update id=%s chat=%s chat_type=%s kind=%s ms=%.1f wait_ms=%.1f net_ms=%.1f%s",
            update.update_id if isinstance(update, Update) else "-",
            redactor.chat(chat.id if chat else None), chat.type if chat else "-", describe(update),
            done.took_s * 1000, done.waited_s * 1000, done.bot_api_s * 1000,
            " cancelled=1" if done.error is not None else "",
        )

    async def post_init(app: App) -> None:
        # Load the knowledge base off the event loop, then open the store: an invalid knowledge
        # base stops the start before any connection is made.
        engine = await asyncio.to_thread(engine_factory, settings)
        store = store_factory(settings.store_url())
        await store.__aenter__()
        services.attach(engine, store)
        await _set_commands(app, engine)
        await _set_profile(app, engine, staff=settings.staff_user_ids)
        if tune_gc:
            tune_garbage_collector()
        log.info("ipbot started as @%s: %d benefits, store %s", app.bot.username, len(engine.kb.benefits),
                 type(store).__name__)

    async def post_shutdown(app: App) -> None:
        try:
            store = services.store
        except RuntimeError:  # post_init never finished
            return
        services.detach()
        await store.close()

    max_concurrent = max_concurrent or settings.max_concurrent_updates
    builder = ApplicationBuilder().token(token)
    if request is None:  # one connection per update in flight, so replies do not queue for one
        request = AiohttpRequest(connection_pool_size=max(8, 2 * max_concurrent))
        # Long polls hold their connection for up to the poll timeout: a pool of their own.
        builder = builder.request(request).get_updates_request(AiohttpRequest(connection_pool_size=1))
    else:
        builder = builder.request(request).get_updates_request(request)
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
        file_url = _file_url(settings.telegram_api_base_url)
        if file_url:
            builder = builder.base_file_url(file_url)
    app: App = (
        builder
        .rate_limiter(RetryingRateLimiter(max_retries=RATE_LIMIT_RETRIES, network_retries=send_retries,
                                          backoff_s=retry_backoff_s, redact=redactor,
                                          overall_max_rate=settings.overall_rate_limit))
        .concurrent_updates(PerChatUpdateProcessor(max_concurrent, on_done=log_update))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register(app, handlers, staff=settings.staff_user_ids)
    return app


def register(app: App, h: Handlers, *, staff: list[int]) -> None:
    """Every handler, in order. PTB gives an update to the first matching handler of the group."""
    addressed = AddressedToBot(bot_identity(app))
    message = filters.UpdateType.MESSAGE
    # 1. Forwarded messages first: they are customers' words for the help desk, never the staff
    #    member's own command or answer, even when they start with "/" or look like an answer.
    #    In groups they are nobody's business of ours (the `~FORWARDED` below keeps them out).
    app.add_handler(MessageHandler(
        message & filters.ChatType.PRIVATE & filters.FORWARDED & (filters.TEXT | filters.CAPTION),
        h.forwarded))
    own = message & ~filters.FORWARDED
    # 2. Staff commands, filtered by user id: a non-staff /stats falls through to the dialog core
    #    below, which calls it an unknown command (the commands' existence is not revealed).
    staff_only = filters.User(user_id=staff)
    app.add_handler(CommandHandler("stats", h.stats, filters=own & staff_only))
    app.add_handler(CommandHandler("reload", h.reload, filters=own & staff_only))
    # 3. /forget before the generic command route: it deletes the user's data across sessions,
    #    which only Conversations (not the dialog core) can do.
    app.add_handler(CommandHandler("forget", h.forget, filters=own))
    # 4. Every other command goes to the dialog core, which owns the command set (deep links
    #    included) and answers unknown commands. Before the text handler: a command is text too.
    app.add_handler(MessageHandler(own & filters.COMMAND, h.command))
    # 5. Typed text: everything in private chats; in groups only mentions and replies to the bot.
    app.add_handler(MessageHandler(own & filters.TEXT & ~filters.COMMAND & addressed, h.text))
    # 6. Anything else in a private chat (stickers, photos, voice, captionless forwards): say what
    #    the bot can read. Last of the message handlers, so it only sees what nothing above took.
    app.add_handler(MessageHandler(
        message & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, h.not_text))
    # 7. Buttons and inline mode are other update types: no overlap with the message handlers.
    app.add_handler(CallbackQueryHandler(h.button))
    app.add_handler(InlineQueryHandler(h.inline))
    # 8. An edited text in a private chat: a correction when it gave the latest answer.
    app.add_handler(MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, h.edited))
    register_business(app, BusinessDesk(h))
    app.add_error_handler(h.error)


def register_business(app: App, desk: BusinessDesk) -> None:
    """Telegram Business (bot.channels.telegram.business): other update types, no overlap with the above."""
    app.add_handler(BusinessConnectionHandler(desk.connection))
    app.add_handler(MessageHandler(filters.UpdateType.BUSINESS_MESSAGE & filters.TEXT, desk.message))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_BUSINESS_MESSAGE, desk.edited))
    app.add_handler(BusinessMessagesDeletedHandler(desk.deleted))


async def _set_commands(app: App, engine: PolicyRuntime) -> None:
    """The command menu in both languages; Chinese is also the default for other languages."""
    for code, lang in (("zh", "zh"), ("en", "en"), (None, "zh")):
        language: Lang = "en" if lang == "en" else "zh"
        commands = [BotCommand(name, tg_text(engine.catalog, language, f"tg.cmd.{name}"))
                    for name in MENU_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=code)


STAFF_COMMANDS = ("stats", "reload")


async def _set_profile(app: App, engine: PolicyRuntime, *, staff: list[int]) -> None:
    """What Telegram shows before the first message (the description and the short description on
    the bot's profile, in both languages), and the staff commands in the menu of staff chats only.

    All of it is cosmetic: a Bot API that refuses it (an old self-hosted server, a staff member who
    never opened the bot) costs a warning, never the start."""
    for code, lang in (("zh", "zh"), ("en", "en"), (None, "zh")):
        language: Lang = "en" if lang == "en" else "zh"
        try:
            await app.bot.set_my_description(tg_text(engine.catalog, language, "tg.description"), language_code=code)
            await app.bot.set_my_short_description(tg_text(engine.catalog, language, "tg.short_description"),
                                                   language_code=code)
        except TelegramError as exc:
            log.warning("bot description not set (%s): %s", code or "default", type(exc).__name__)
    for user_id in staff:
        for code, lang in (("en", "en"), (None, "zh")):
            language = "en" if lang == "en" else "zh"
            commands = [BotCommand(name, tg_text(engine.catalog, language, f"tg.cmd.{name}"))
                        for name in (*MENU_COMMANDS, *STAFF_COMMANDS)]
            try:
                await app.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id), language_code=code)
            except TelegramError as exc:
                log.warning("staff commands not set for one staff chat: %s", type(exc).__name__)


def _file_url(base_url: str) -> str | None:
    """``http://host:8081/bot`` -> ``http://host:8081/file/bot``, the self-hosted server's file URL."""
    if base_url.rstrip("/").endswith("/bot"):
        return base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    return None


# -- transports ---------------------------------------------------------------------------------

def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or one derived from the token (the same in every replica) when it is unset."""
    if settings.webhook_secret is not None and settings.webhook_secret.get_secret_value():
        secret = settings.webhook_secret.get_secret_value()
        if not _SECRET.fullmatch(secret):
            raise ConfigError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return secret
    return hmac.new(_token(settings).encode(), b"ipbot-webhook-secret", hashlib.sha256).hexdigest()


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
    """Run ``app`` inside an event loop that someone else owns (tests, embedding, :func:`serve_webhook`).

    The same steps, in the same order, as ``Application.run_polling``/``run_webhook``: initialise,
    ``post_init``, start receiving (our :class:`WebhookServer` and ``setWebhook`` when WEBHOOK_URL
    is set, else PTB's long polling), start; and on the way out stop both, shut down,
    ``post_shutdown``.
    """
    server: WebhookServer | None = None
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        if settings.webhook_url:
            kwargs = webhook_kwargs(settings)
            server = WebhookServer(app, listen=kwargs["listen"], port=kwargs["port"], url_path=kwargs["url_path"],
                                   secret_token=kwargs["secret_token"])
            await server.start()  # listening before Telegram is told where to send
            await app.bot.set_webhook(kwargs["webhook_url"], allowed_updates=kwargs["allowed_updates"],
                                      secret_token=kwargs["secret_token"],
                                      drop_pending_updates=kwargs["drop_pending_updates"])
        else:
            await app.updater.start_polling(**polling_kwargs(poll_timeout))
        await app.start()
        yield app
    finally:
        if server is not None:
            await server.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


# -- the entry point ----------------------------------------------------------------------------

class RedactingFilter(logging.Filter):
    """Removes the token from every record a handler writes, tracebacks included."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


def configure_logging(settings: Settings) -> None:
    """One line per record with time, level and logger; the token never reaches a handler."""
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # httpx logs every request URL at INFO, and the Bot API puts the token in the URL.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if settings.telegram_bot_token is not None:
        redacting = RedactingFilter(Redactor(settings.telegram_bot_token.get_secret_value()))
        for handler in logging.getLogger().handlers:
            handler.addFilter(redacting)


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


def serve_webhook(app: App, settings: Settings) -> None:
    """Receive updates by webhook until SIGINT or SIGTERM, then stop cleanly (blocks).

    PTB's ``run_webhook`` would serve with tornado; :class:`WebhookServer` is the same contract
    at less CPU per update.
    """
    kwargs = webhook_kwargs(settings)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with running(app, settings):
            log.info("receiving by webhook on %s:%s/%s", kwargs["listen"], kwargs["port"], kwargs["url_path"])
            await stop.wait()
        log.info("stopped")

    asyncio.run(serve())


def run_telegram(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM: long polling, or webhook when WEBHOOK_URL is set.

    Returns 0 after a clean stop, 2 when the settings, the token or the knowledge base cannot be
    used, 1 when the bot stopped on any other error. Nothing escapes as a bare traceback: PTB puts
    the token in the message of :class:`~telegram.error.InvalidToken`, and Python would print it
    to stderr past every logging filter.
    """
    configure_logging(settings)
    use_fast_event_loop()
    try:
        app = build_application(settings, tune_gc=True)
        if settings.webhook_url:
            serve_webhook(app, settings)
        else:
            log.info("starting by long polling")
            app.run_polling(**polling_kwargs())
    except ConfigError as exc:
        sys.stderr.write(f"ipbot: {exc}\n")
        return 2
    except KnowledgeBaseError as exc:
        sys.stderr.write(f"the knowledge base is invalid:\n{exc}\n")
        return 2
    except InvalidToken:
        sys.stderr.write("ipbot: Telegram rejected TELEGRAM_BOT_TOKEN (revoked, mistyped, or for another "
                         "Bot API server than TELEGRAM_API_BASE_URL)\n")
        return 2
    except Exception:
        log.exception("the bot stopped on an error")  # through the redacting filter
        return 1
    return 0
