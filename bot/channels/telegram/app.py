"""The composition root of the Telegram channel: settings in, a running python-telegram-bot app out.

:func:`build_application` builds the :class:`~telegram.ext.Application` and registers every handler
(in the order that matters, see :func:`register`); :func:`run_telegram` runs it by long polling or,
when ``WEBHOOK_URL`` is set, by webhook. Nothing happens at import time: the knowledge base is
loaded and the session store opened in ``post_init``, and the store is closed in ``post_shutdown``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from datetime import date, timedelta

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import (
    ApplicationBuilder,
    BusinessConnectionHandler,
    BusinessMessagesDeletedHandler,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.telegram.business import BusinessDesk
from bot.channels.telegram.handlers import Handlers
from bot.channels.telegram.identity import AddressedToBot, bot_identity
from bot.channels.telegram.processor import PerChatUpdateProcessor, UpdateDone
from bot.channels.telegram.profile import mini_app_keyboard, set_commands, set_mini_app_menu_button, set_profile
from bot.channels.telegram.ratelimit import RetryingRateLimiter
from bot.channels.telegram.render import tg_text
from bot.channels.telegram.reporting import describe
from bot.channels.telegram.request import AiohttpRequest
from bot.channels.telegram.runtime import (
    App,
    ConfigError,
    Services,
    bot_token,
    china_today,
    configure_logging,
    open_checked,
    serve,
    serve_webhook,
    sweep_idle_sessions,
    tune_garbage_collector,
    use_fast_event_loop,
    webhook_kwargs,
)
from bot.channels.telegram.sending import Context, quiet_raw_replies
from bot.channels.telegram.subscribe import CALLBACK_PATTERN, PolicyNotices
from bot.redact import Redactor
from bot.services import PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.base import SessionStore
from bot.storage.factory import open_store
from knowledge.loader import KnowledgeBaseError
from knowledge.models import Lang

__all__ = [
    "App",
    "ConfigError",
    "build_application",
    "configure_logging",
    "register",
    "run_telegram",
    "serve_webhook",
    "use_fast_event_loop",
]

log = logging.getLogger(__name__)
update_log = logging.getLogger("bot.channels.telegram.updates")

RATE_LIMIT_RETRIES = 3  # flood control (429): wait retry_after and try again, this many times
SEND_RETRIES = 3  # 5xx, timeouts, dropped connections: try again this many times...
RETRY_BACKOFF_S = 0.5  # ...after 0.5 s, 1 s, 2 s (see RetryingRateLimiter)



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
    token = bot_token(settings)
    quiet_raw_replies()
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
        await set_commands(app, engine)
        if settings.web_public_url:
            await set_mini_app_menu_button(app, engine, settings.web_public_url)
        await set_profile(app, engine, staff=settings.staff_user_ids)
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


# -- the Telegram Mini App: the web page (bot/channels/web) opened from the chat -----------------------


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


def _file_url(base_url: str) -> str | None:
    """``http://host:8081/bot`` -> ``http://host:8081/file/bot``, the self-hosted server's file URL."""
    if base_url.rstrip("/").endswith("/bot"):
        return base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    return None


def run_telegram(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM: long polling, or webhook when WEBHOOK_URL is set.

    Returns 0 after a clean stop, 2 when Telegram rejects the token, 1 when the bot stopped on any
    other error; settings that cannot run the bot (:class:`ConfigError`) and an invalid knowledge
    base are raised for ``ipbot`` to say (exit status 2). Nothing escapes as a bare traceback: PTB puts
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
    except (ConfigError, KnowledgeBaseError):
        raise  # said in one line, exit status 2, by the command line (bot.cli), as for every command
    except InvalidToken:
        sys.stderr.write("ipbot: Telegram rejected TELEGRAM_BOT_TOKEN (revoked, mistyped, or for another "
                         "Bot API server than TELEGRAM_API_BASE_URL)\n")
        return 2
    except Exception:
        log.exception("the bot stopped on an error")  # through the redacting filter
        return 1
    return 0
