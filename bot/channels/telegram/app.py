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
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, MenuButtonWebApp, Update, WebAppInfo
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
    Context,
    Handlers,
    Services,
    bot_identity,
    china_today,
    describe,
)
from bot.channels.telegram.intake import Intake
from bot.channels.telegram.polling import ConfirmingPoller
from bot.channels.telegram.processor import PerChatUpdateProcessor, UpdateDone
from bot.channels.telegram.ratelimit import RetryingRateLimiter
from bot.channels.telegram.render import tg_text
from bot.channels.telegram.request import AiohttpRequest
from bot.channels.telegram.subscribe import CALLBACK_PATTERN, PolicyNotices
from bot.channels.telegram.webhook import WebhookServer
from bot.redact import RedactingFilter, Redactor, protect_outputs
from bot.services import PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.base import SessionStore
from bot.storage.factory import open_store
from knowledge.errors import IpbotError
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
    "serve",
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


class ConfigError(IpbotError):
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
    store_factory: Callable[..., SessionStore] = open_store,
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
    handlers.notices = notices = PolicyNotices(settings, services, redactor)  # agency

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

    background: set[asyncio.Task[None]] = set()

    async def post_init(app: App) -> None:
        # Load the knowledge base off the event loop, then open the store: an invalid knowledge
        # base stops the start before any connection is made.
        engine = await asyncio.to_thread(engine_factory, settings)
        store = await open_checked(store_factory(settings.store_url(), id_secret=settings.id_secret()))
        services.attach(engine, store)
        await notices.started()  # agency: a new knowledge base is compared, notices sent in the background
        if settings.session_ttl_days:
            sweeper = asyncio.create_task(sweep_idle_sessions(store, timedelta(days=settings.session_ttl_days)))
            background.add(sweeper)
        await _set_commands(app, engine)
        if settings.web_public_url:
            await set_mini_app_menu_button(app, engine, settings.web_public_url)
        await _set_profile(app, engine, staff=settings.staff_user_ids)
        if tune_gc:
            tune_garbage_collector()
        log.info("ipbot started as @%s: %d benefits, store %s", app.bot.username, len(engine.kb.benefits),
                 type(store).__name__)

    async def post_shutdown(app: App) -> None:
        await notices.stopped()  # agency
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        background.clear()
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
                                          overall_max_rate=settings.overall_rate_limit,
                                          chat_max_rate=settings.chat_rate_limit))
        .concurrent_updates(PerChatUpdateProcessor(max_concurrent, on_done=log_update,
                                                   max_pending=max(max_concurrent, settings.max_pending_updates)))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    # agency: the opt-in's taps, before the dialog's button handler that would call them stale
    app.add_handler(CallbackQueryHandler(notices.button, pattern=CALLBACK_PATTERN))
    register(app, handlers, staff=settings.staff_user_ids)
    if settings.web_public_url:
        register_mini_app(app, services, settings.web_public_url)
    return app


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


# -- the Telegram Mini App: the web page (bot/channels/web) opened from the chat -----------------------


def mini_app_keyboard(url: str, label: str) -> dict[str, list[list[dict[str, Any]]]]:
    """An inline keyboard with one ``web_app`` button that opens the page inside Telegram."""
    return {"inline_keyboard": [[{"text": label, "web_app": {"url": url}}]]}


async def set_mini_app_menu_button(app: App, engine: PolicyRuntime, url: str) -> None:
    """The chat's menu button opens the page (``setChatMenuButton``, for every private chat)."""
    label = tg_text(engine.catalog, "zh", "web.tg.menu")
    await app.bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text=label, web_app=WebAppInfo(url=url)))


def register_mini_app(app: App, services: Services, url: str) -> None:
    """After the /assess message (and the ``?start=assess`` deep link) in a private chat, offer the
    same questionnaire as a Mini App. Group 1 runs after the dialog's own handler (group 0) has
    answered, so the chat's first question comes first; web_app buttons exist in private chats only."""
    async def offer(update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None:
            return
        if message.text and message.text.split()[0].split("@")[0] == "/start" and "assess" not in message.text:
            return
        user = update.effective_user
        lang: Lang = "en" if user is not None and (user.language_code or "").startswith("en") else "zh"
        catalog = services.engine.catalog
        await context.bot.do_api_request("sendMessage", api_kwargs={
            "chat_id": update.effective_chat.id, "text": tg_text(catalog, lang, "web.tg.offer"),
            "reply_markup": mini_app_keyboard(url, tg_text(catalog, lang, "web.tg.open"))})

    private = filters.ChatType.PRIVATE & ~filters.FORWARDED
    app.add_handler(CommandHandler(["assess", "start"], offer, filters=private), group=1)


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
    # httpx logs every request URL at INFO, and the Bot API puts the token in the URL.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
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
            webhook_kwargs(settings)  # a bad WEBHOOK_URL stops the start here, before any connection
        serve(app, settings)
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
