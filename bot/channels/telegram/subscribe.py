"""Policy-change notices and the unanswered-questions log, wired into the Telegram channel.

:class:`PolicyNotices` is built by the composition root (``app.py``) beside :class:`Handlers`, which call it
at four points:

* the result of a self-assessment offers "政策调整时通知我" (the dialog's ``Views.notices_button``, set by
  :meth:`prepare` on every engine); a tap (:meth:`button`, registered before the dialog's button handler)
  subscribes the chat with the facts and language of its session; a second tap says it is already
  subscribed; the "stop" button under the confirmation, or /forget, unsubscribes;
* :meth:`started` (post_init) and :meth:`reloaded` (/reload) compare every subscriber under the knowledge
  base now loaded and send the notices in the background (bot.agency.notifier: at most once per version,
  resumable, paced); /reload's reply says how many will be told;
* :meth:`forget` (/forget) deletes the chat's subscription and its unanswered-question texts;
* :meth:`unanswered` records a typed question the bot could not answer, masked (bot.redact).

Pacing: notices go out at :func:`notice_rate` - half of IPBOT_OVERALL_RATE_LIMIT (Telegram allows about 30
messages a second), so the replies to people talking to the bot keep the other half; each chat gets one
notice per version, far under Telegram's one message a second per chat.

Nothing here may cost a user a reply: a failure of the agency's tables is logged and the turn goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import date
from html import escape

import aiohttp
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot.agency.kb_version import kb_version
from bot.agency.notifier import DEFAULT_RATE, Plan, Report, Send, notify, plan
from bot.agency.subscriptions import Subscriptions
from bot.agency.telegram_notify import OPTIN_CALLBACK, STOP_CALLBACK, BotApiSender, on_optin, optin_button
from bot.channels.dashboard.unanswered import UnansweredLog
from bot.channels.telegram.identity import is_person, sender_chat, session_key
from bot.channels.telegram.render import tg_text
from bot.channels.telegram.runtime import Services
from bot.channels.telegram.sending import Context
from bot.dialog.core import SideAnswer
from bot.dialog.labels import typed_label
from bot.dialog.model import CommandInput, Input, SessionState, TextInput
from bot.present.i18n import LANGS
from bot.redact import Redactor
from bot.services import PolicyRuntime, Turn
from bot.settings import Settings
from eligibility.errors import ProfileError
from knowledge.models import Lang

__all__ = ["CALLBACK_PATTERN", "PolicyNotices", "notice_rate"]

log = logging.getLogger(__name__)

CALLBACK_PATTERN = f"^({OPTIN_CALLBACK}|{STOP_CALLBACK})$"


def notice_rate(settings: Settings) -> float:
    """Notices per second: half the overall Bot API budget (0 there: no limit, so the notifier's default)."""
    overall = settings.overall_rate_limit
    return min(DEFAULT_RATE, overall / 2) if overall else DEFAULT_RATE


class PolicyNotices:
    def __init__(self, settings: Settings, services: Services, redactor: Redactor, *,
                 send: Send | None = None, version: Callable[[], str] | None = None) -> None:
        """``send`` replaces the Bot API sender (tests); ``version`` the knowledge base's version."""
        self.settings, self.s, self.redact = settings, services, redactor
        self._send = send
        self._version = version or (lambda: kb_version(settings.kb_dir))
        self.subs: Subscriptions | None = None
        self.log: UnansweredLog | None = None
        self._http: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()  # one notifier run at a time in this process (replicas: by claims)
        self._tasks: set[asyncio.Task[Report | None]] = set()
        self.version = ""

    # -- life cycle ------------------------------------------------------------------------------------
    def prepare(self, engine: PolicyRuntime) -> PolicyRuntime:
        """Offer the opt-in under this engine's results."""
        engine.dialog.views.notices_button = lambda lang: optin_button(engine.catalog, lang)
        return engine

    async def started(self) -> None:
        """At start (post_init, the engine attached): open the tables; a new knowledge base is compared."""
        url, secret = self.settings.store_url(), self.settings.id_secret()
        self.subs = Subscriptions(url, id_secret=secret)
        self.log = UnansweredLog(url, id_secret=secret, retention_days=self.settings.unanswered_retention_days)
        self.prepare(self.s.engine)
        try:
            await self.log.purge(self.s.today())  # and on every record: kept IPBOT_UNANSWERED_RETENTION_DAYS
            await self._begin(self.s.engine)
        except Exception as exc:  # the bot answers people even when the notices cannot be planned
            log.warning("policy notices not planned at start: %s", self.redact(f"{type(exc).__name__}: {exc}"))

    async def stopped(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for db in (self.subs, self.log):
            if db is not None:
                await db.close()
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def reloaded(self, engine: PolicyRuntime, lang: Lang) -> str:
        """After /reload swapped ``engine`` in: the line to add to the reply (how many will be told)."""
        self.prepare(engine)
        try:
            to_tell = await self._begin(engine)
        except Exception as exc:
            log.warning("policy notices not planned: %s", self.redact(f"{type(exc).__name__}: {exc}"))
            return tg_text(engine.catalog, lang, "tg.reload.notices_failed")
        subscribers = await self.subs.count() if self.subs is not None else 0
        return tg_text(engine.catalog, lang, "tg.reload.notices", n=to_tell, subscribers=subscribers,
                       version=self.version)

    async def _begin(self, engine: PolicyRuntime) -> int:
        """Plan under the current version (the count), then send in the background; the number to tell."""
        if self.subs is None:
            return 0
        self.version = version = await asyncio.to_thread(self._version)
        p = await plan(self.subs, engine.kb, engine.validity, engine.catalog, version)
        task = asyncio.create_task(self._run(engine, version, p))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return len(p.notify) + p.already

    async def _run(self, engine: PolicyRuntime, version: str, planned: Plan | None) -> Report | None:
        assert self.subs is not None
        if self._lock.locked():
            planned = None  # another run goes first and moves subscribers on: plan again after it
        async with self._lock:
            try:
                report = await notify(self.subs, engine.kb, engine.validity, engine.catalog, version,
                                      self._sender(), rate=notice_rate(self.settings), planned=planned)
            except Exception as exc:
                log.error("policy notices for %s stopped: %s (the next start or /reload resumes)", version,
                          self.redact(f"{type(exc).__name__}: {exc}"))
                return None
        if report.compared or report.sent:
            log.info("policy notices for %s: %d compared, %d sent, %d unchanged, %d refused, %d postponed",
                     version, report.compared, report.sent, report.unchanged, report.refused, report.postponed)
        return report

    async def idle(self) -> None:
        """Wait for the background runs started so far (tests, shutdown)."""
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _sender(self) -> Send:
        if self._send is not None:
            return self._send
        if self._http is None:
            self._http = aiohttp.ClientSession()
        token = self.settings.telegram_bot_token.get_secret_value() if self.settings.telegram_bot_token else ""
        return BotApiSender(self._http, token, self.settings.telegram_api_base_url or "https://api.telegram.org/bot")

    # -- the opt-in ------------------------------------------------------------------------------------
    async def button(self, update: Update, context: Context) -> None:
        """A tap on "政策调整时通知我" (subscribe) or on "stop" (unsubscribe)."""
        query = update.callback_query
        if query is None:
            return
        await self._optin(update, context, stop=query.data == STOP_CALLBACK)

    async def typed(self, update: Update, context: Context, text: str) -> bool:
        """The label of "政策调整时通知我" typed (either language) while the result offering it is the last
        keyboard shown: it subscribes as the tap does. False when the text is no such label."""
        chat, user = update.effective_chat, update.effective_user
        engine = self.s.engine
        if chat is None or not any(typed_label(text, optin_button(engine.catalog, x).label) for x in LANGS):
            return False
        stored = await self.s.store.load(session_key(chat, user, sender_chat(update)))
        state = SessionState.from_json(stored.state, engine.kb) if stored is not None else None
        if state is None or not any(data == OPTIN_CALLBACK for _label, data in state.shown):
            return False
        await self._optin(update, context, stop=False)
        return True

    async def _optin(self, update: Update, context: Context, *, stop: bool) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        engine = self.s.engine
        key = session_key(chat, user, sender_chat(update))
        stored = await self.s.store.load(key)
        state = SessionState.from_json(stored.state, engine.kb) if stored is not None else None
        lang: Lang = state.lang if state is not None else \
            ("en" if user is not None and (user.language_code or "").startswith("en") else "zh")

        def t(name: str) -> str:
            return tg_text(engine.catalog, lang, name)

        if self.subs is None or chat.type != ChatType.PRIVATE:
            await self._note(update, context, t("notify.optin_private"))
            return
        if stop:
            await self.subs.forget(key)
            await self._answer(update, None)
            query = update.callback_query
            await self._edit(query.message if query is not None else None, t("notify.stopped"))
            return
        if state is None or state.mode != "done" or not state.facts:
            await self._note(update, context, t("notify.optin_none"))
            return
        version = self.version or await asyncio.to_thread(self._version)
        try:
            new, reply = await on_optin(self.subs, engine.kb, engine.validity, engine.catalog, version, key,
                                        chat.id, lang, state.facts, self.s.today())
        except ProfileError:  # answers this knowledge base no longer reads (a /reload since): assess again
            await self._note(update, context, t("notify.optin_none"))
            return
        if not new:
            await self._note(update, context, reply)
            return
        await self._answer(update, None)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(t("notify.stop"), callback_data=STOP_CALLBACK)]])
        await context.bot.send_message(chat.id, escape(reply), parse_mode=ParseMode.HTML, reply_markup=markup)

    async def _note(self, update: Update, context: Context, note: str) -> None:
        """A short note: the tapped button's pop-up, or (typed) a message in the chat."""
        chat = update.effective_chat
        if update.callback_query is not None or chat is None:
            await self._answer(update, note)
            return
        await context.bot.send_message(chat.id, escape(note), parse_mode=ParseMode.HTML)

    async def _answer(self, update: Update, note: str | None) -> None:
        if update.callback_query is None:
            return
        try:
            await update.callback_query.answer(text=note[:200] if note else None)
        except TelegramError as exc:
            log.info("callback query not answered: %s", self.redact(f"{type(exc).__name__}: {exc.message}"))

    async def _edit(self, message: object, text: str) -> None:
        if not isinstance(message, Message):
            return
        try:
            await message.edit_text(escape(text), parse_mode=ParseMode.HTML, reply_markup=None)
        except TelegramError as exc:
            log.info("could not edit the opt-in confirmation: %s", self.redact(exc.message))

    # -- /forget and the unanswered log ----------------------------------------------------------------
    async def after_turn(self, update: Update, inp: Input, key: str, user_key: str, turn: Turn,
                         seen: Sequence[SideAnswer], day: date) -> None:
        """Called by Handlers._converse after every turn: /forget reaches the agency's rows too, and a typed
        question the answerer could not place is logged."""
        if isinstance(inp, CommandInput) and inp.name == "forget":
            await self.forget(update, key, user_key)
            return
        typed = inp.text if isinstance(inp, TextInput) else \
            inp.arg if isinstance(inp, CommandInput) and inp.name == "ask" else ""
        if turn.applied and typed and seen and not seen[-1].in_scope:  # the answerer could not place it
            lang = str((turn.after or {}).get("lang") or "zh")
            await self.unanswered(day, key, user_key, lang, typed)

    async def forget(self, update: Update, key: str, user_key: str) -> int:
        """/forget has deleted the sessions: now the subscription of the chat (and of the person's private
        chat) and every unanswered question they typed. The number of rows deleted."""
        user = update.effective_user
        chats = {key, f"tg:{user.id}"} if user is not None and is_person(user) else {key}
        n = 0
        if self.subs is not None:
            for chat_key in chats:
                n += await self.subs.forget(chat_key)
        if self.log is not None:
            n += await self.log.forget(*chats, user_key)
        return n

    async def unanswered(self, day: date, key: str, user_key: str, lang: str, question: str) -> None:
        """A typed question the answerer found outside the policy: kept masked, for staff."""
        if self.log is None:
            return
        try:
            await self.log.record(day, user_key or key, lang, question)
        except Exception as exc:  # the log must never cost the user a reply
            log.warning("could not record an unanswered question: %s", self.redact(f"{type(exc).__name__}: {exc}"))
