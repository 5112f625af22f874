"""Telegram's updates in, the dialog core's replies out; every decision is the core's.

Each handler turns an update into one of the core's inputs (:class:`TextInput`,
:class:`ButtonInput`, :class:`CommandInput`), runs it through :class:`Conversations` under the
chat's key (``tg:<chat id>``, owner ``tg-user:<user id>``) and sends what comes back: HTML, inline
keyboards from ``Reply.buttons``, the pressed message edited in place when a reply asks for it.
The exceptions to "everything goes through the conversation" are the stateless help-desk reply
to a forwarded message (:meth:`Dialog.helpdesk`), inline mode (:meth:`Dialog.inline`) and the
staff commands.

Handlers are methods of :class:`Handlers`, bound to one :class:`Services`: no ``bot_data``,
nothing global. The composition root (``bot.channels.telegram.app``) registers them in order.
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Any, Literal, NamedTuple, TypeVar

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes, filters
from telegram.warnings import PTBUserWarning

from bot.channels.telegram.render import MAX_TEXT, Keyboard, fit, messages, plain, tg_text
from bot.dialog.core import FORGET_CONFIRM
from bot.dialog.model import Button, ButtonInput, CommandInput, Input, Reply, SessionState, TextInput
from bot.present.i18n import text as kb_text
from bot.present.i18n import to_lang
from bot.redact import Redactor
from bot.services import Conversations, PolicyRuntime, ride_out_outage
from bot.storage.base import SessionStore
from bot.storage.base import update as update_session
from bot.storage.stats import AnswerTap, Event, StatsStore, answer_events, assessment_events, open_stats, period
from knowledge.loader import KnowledgeBaseError
from knowledge.models import Lang

__all__ = [
    "AddressedToBot",
    "Handlers",
    "Redactor",
    "Services",
    "china_today",
    "describe",
    "parse_command",
]

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")
_CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving: a fixed offset is exact
STATS_DEFAULT_DAYS = 30
STATS_MAX_DAYS = 3660
INLINE_RESULTS = 10
_COMMAND_NAME = re.compile(r"[A-Za-z0-9_]{1,32}")


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


# -- logging helpers ----------------------------------------------------------------------------

def describe(update: object) -> str:
    """The kind of an update for the log line: command:<name>, text, forward, button, inline, ..."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "button"
    if update.inline_query is not None:
        return "inline"
    message = update.message
    if message is None:
        return "other"
    if message.forward_origin is not None:
        return "forward"
    if message.text and message.text.startswith("/"):
        name = message.text[1:].split(maxsplit=1)[0].partition("@")[0] if len(message.text) > 1 else ""
        return f"command:{name.lower()}" if _COMMAND_NAME.fullmatch(name) else "command:?"
    if message.text:
        return "text"
    return "message:other"


# -- who the bot answers ------------------------------------------------------------------------

class AddressedToBot(filters.MessageFilter):
    """Private messages, and in groups only mentions of the bot and replies to its messages.

    Commands are routed before this filter is consulted; they are answered everywhere.
    """

    def __init__(self, bot_identity: Callable[[], tuple[int, str]]) -> None:
        super().__init__(name="AddressedToBot")
        self._identity = bot_identity

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot_id, username = self._identity()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
            return True
        return mentions(message, bot_id, username)


def mentions(message: Message, bot_id: int, username: str) -> bool:
    wanted = f"@{username}".lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if entity.type == MessageEntity.MENTION and value.lower() == wanted:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id:
            return True
    return False


def without_mention(text: str, username: str) -> str:
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


def parse_command(text: str, username: str) -> tuple[str, str] | None:
    """``/name[@bot] arg`` as (name, arg); None when it is addressed to another bot."""
    head, _, arg = text.strip().partition(" ")
    name, _, target = head[1:].partition("@")
    if target and target.lower() != username.lower():
        return None
    if not _COMMAND_NAME.fullmatch(name):
        return None
    return name.lower(), arg.strip()


# -- the handlers -------------------------------------------------------------------------------


# Ids that are no person: anonymous group admins (GroupAnonymousBot), posts of a linked channel
# (Channel_Bot), and Telegram's own service messages. Sessions are keyed by the chat (and the
# sender chat) instead, and they own nothing that /forget could reach across chats.
SHARED_SENDER_IDS = frozenset({1087968824, 136817688, 777000})


def is_person(user: User | None) -> bool:
    return user is not None and user.id not in SHARED_SENDER_IDS


def session_key(chat: Chat, user: User | None, sender_chat: Chat | None = None) -> str:
    """One session per person: a private chat's, or a member's own within a group (answers never interleave).

    A message sent on behalf of a chat (an anonymous admin, a channel) belongs to that sender
    chat within this chat; with no person and no sender chat, to the chat itself.
    """
    if chat.type == ChatType.PRIVATE:
        return f"tg:{chat.id}"
    if not is_person(user):
        return f"tg:{chat.id}:c{sender_chat.id}" if sender_chat is not None else f"tg:{chat.id}"
    assert user is not None
    return f"tg:{chat.id}:{user.id}"


def owner_key(user: User | None) -> str:
    """The owner recorded for /forget: a person's id, never a shared one ("": owned by no one)."""
    return f"tg-user:{user.id}" if user is not None and is_person(user) else ""


def foreign_in_private(chat: Chat, user: User | None) -> bool:
    """A private chat's update whose sender is not the chat's user: refused (it would re-own the session)."""
    return chat.type == ChatType.PRIVATE and user is not None and user.id != chat.id


def _sender_chat(update: Update) -> Chat | None:
    message = update.effective_message
    return message.sender_chat if isinstance(message, Message) else None


class Handlers:
    """One method per kind of update; see the module docstring."""

    def __init__(self, services: Services, *, engine_factory: Callable[[], PolicyRuntime],
                 redactor: Redactor, admin_chat_id: int | None = None) -> None:
        self.s = services
        self._engine_factory = engine_factory
        self.redact = redactor
        self.admin_chat_id = admin_chat_id
        self._reload_lock = asyncio.Lock()
        self._saved: set[int] = set()  # updates whose turn is committed and not yet fully handled

    # ---- conversation ----
    async def command(self, update: Update, context: Context) -> None:
        """Every command but the staff ones and /forget: the dialog core knows them (and unknown ones)."""
        message = update.message
        if message is None or message.text is None:
            return
        parsed = parse_command(message.text, context.bot.username)
        if parsed is None:
            return
        name, arg = parsed
        inp = CommandInput(name, arg)
        if await self._to_private(update, context, inp):
            return
        await self._converse(update, context, inp)

    async def text(self, update: Update, context: Context) -> None:
        """Typed text: an answer to the current question, or a question; the core tells which."""
        message = update.message
        if message is None or message.text is None:
            return
        typed = message.text
        if message.chat.type != ChatType.PRIVATE:
            typed = without_mention(typed, context.bot.username)
        await self._converse(update, context, TextInput(typed))

    async def button(self, update: Update, context: Context) -> None:
        """A pressed inline button: its data is the input; the message holding it may be edited.

        The press is answered after the turn, so that a stale or double tap gets its note as the
        button's pop-up rather than a message in the chat.
        """
        query = update.callback_query
        if query is None:
            return
        if query.data is None or query.message is None:
            await self._answer_query(update, None)
            return
        pressed = query.message if isinstance(query.message, Message) else None
        if pressed is not None and pressed.chat.type != ChatType.PRIVATE:
            replied = pressed.reply_to_message
            owner = replied.from_user.id if replied is not None and replied.from_user is not None else None
            if owner is not None and owner != query.from_user.id:  # someone else's buttons in a group
                lang = await self._lang(update)
                await self._answer_query(update, tg_text(self.s.engine.catalog, lang, "tg.group.not_yours"))
                return
        inp: Input = CommandInput("forget") if query.data == FORGET_CONFIRM else ButtonInput(query.data)
        if await self._to_private(update, context, inp):
            await self._answer_query(update, None)
            return
        await self._converse(update, context, inp, pressed=pressed)

    async def _to_private(self, update: Update, context: Context, inp: Input) -> bool:
        """An assessment asked for in a group moves to a private chat: a short answer in the group
        with a button that opens the bot there (a deep link, so it starts at once). True if so."""
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.PRIVATE:
            return False
        start = private_start(inp, set(self.s.engine.kb.policy.topics))
        if start is None:
            return False
        lang = await self._lang(update)
        catalog = self.s.engine.catalog
        link = f"https://t.me/{context.bot.username}?start={start}"
        reply = Reply(escape(tg_text(catalog, lang, "tg.group.private")),
                      ((Button(tg_text(catalog, lang, "tg.group.private_button"), "", url=link),),))
        message = update.message
        await self._send(context, chat.id, [reply], reply_to=message.message_id if message is not None else None,
                         thread=message.message_thread_id if message is not None and message.is_topic_message
                         else None)
        return True

    async def forget(self, update: Update, context: Context) -> None:
        """/forget: ask first (a button confirms); the press deletes the chat's session and every
        session the user owns."""
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE and not is_person(update.effective_user):
            # An anonymous admin's or a channel's /forget: a confirming press would come from a person,
            # not from the sender chat whose session this is, so it acts at once, in this chat only.
            await self._converse(update, context, CommandInput("forget"))
            return
        await self._converse(update, context, CommandInput("forget_ask"))

    async def _answer_query(self, update: Update, note: str | None) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer(text=note[:200] if note else None)
        except TelegramError as exc:
            # Too old (pressed before a restart), or Telegram failing even after the retries: the
            # spinner and the note are cosmetic; the press itself was handled.
            log.info("callback query not answered: %s", self.redact(f"{type(exc).__name__}: {exc.message}"))

    async def _converse(self, update: Update, context: Context, inp: Input, *,
                        pressed: Message | None = None) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        if foreign_in_private(chat, user):
            log.warning("refused update %s: sender is not the user of the private chat %s", update.update_id,
                        self.redact.chat(chat.id))
            return
        key = session_key(chat, user, _sender_chat(update))
        user_key = owner_key(user)
        conversations = self.s.conversations
        counting = not (isinstance(inp, CommandInput) and inp.name == "forget")
        with AnswerTap.listening() as seen:
            turn = await conversations.turn(
                key, inp, self.s.today(),
                user_key=user_key,
                lang_hint=user.language_code if user is not None else None,
                input_id=str(update.update_id),
            )
        self._saved.add(update.update_id)  # committed: an error from here on leaves the answer saved
        replies = turn.replies
        if isinstance(inp, CommandInput) and inp.name == "forget" and pressed is not None:
            replies = [Reply(r.text, r.buttons, edit=True) for r in replies]  # the confirmation becomes the note
        note = None
        if update.callback_query is not None:
            note = "\n".join(r.text for r in replies if r.popup) or None
            replies = [r for r in replies if not r.popup]
            await self._answer_query(update, note)
        reply_to = thread = None
        if chat.type != ChatType.PRIVATE and update.message is not None:
            reply_to = update.message.message_id  # in a group, say whom we answer
        shown = update.effective_message
        if isinstance(shown, Message) and shown.is_topic_message:
            thread = shown.message_thread_id  # forum topics: stay in the user's topic
        try:
            shown_now = await self._send(context, chat.id, replies, pressed=pressed, reply_to=reply_to,
                                         thread=thread)
        except Exception as exc:
            if turn.after is not None:  # applied and saved, but the user never saw what follows
                await self._remember_ui(key, user_key, unseen=True)
                raise RepliesLost() from exc
            raise
        if turn.after is not None:
            answered = answer_message(inp, update, turn.before, turn.after)
            await self._retire_keyboard(context, key, user_key, chat.id, turn.after, shown_now, answered,
                                        update.update_id)
        if counting and turn.applied:
            events = assessment_events(turn.before, turn.after)
            await self._record([*events, *answer_events(seen[-1:])])
        self._saved.discard(update.update_id)  # (on an error, the error handler discards it)

    # ---- live keyboards ----
    async def _retire_keyboard(self, context: Context, key: str, user_key: str, chat_id: int,
                               after: dict[str, Any], shown: Shown, answered: int | None, turn_id: int) -> None:
        """One question keyboard is live at a time: when another question message arrives, or the
        assessment is over, the old one loses its buttons (however its question was answered).

        The session notes which message is live (and which message gave the latest answer), with
        the update that showed it. Two replicas may serve one chat's updates at once: the newer
        update's note wins, and only the writer that replaced a noted message removes its keyboard
        (never twice).
        """
        keep = shown.live is None and after.get("mode") == "assess"  # a side answer, /help: it stays live
        if keep and answered == after.get("answer_msg"):
            return
        retire: list[object] = []  # the message whose keyboard this update removes, if any

        def note(state: dict[str, Any]) -> dict[str, Any]:
            if not state:
                raise NoSession(key)  # deleted meanwhile (/forget): nothing to note, nothing to create
            current, seen = state.get("ui_msg"), state.get("ui_turn")
            if type(seen) is int and seen > turn_id:
                # A newer update of this chat (another replica) already noted its screen. Whether it
                # also edited or retired our message is unknown here: ours is left as it is (a tap on
                # a keyboard left over gets the stale-tap pop-up, as every old button does).
                retire[:] = []
                return state
            retire[:] = [current] if not keep and current not in (shown.live, shown.edited) else []
            changes: dict[str, Any] = {"answer_msg": answered}
            if not keep:
                changes.update(ui_msg=shown.live, ui_turn=turn_id, ui_edited=shown.edited)
            return {**state, **changes}

        if not keep and shown.live == after.get("ui_msg") and answered == after.get("answer_msg"):
            return  # nothing changed on screen (a tick, an edit in place)
        try:
            await update_session(self.s.store, key, note, user_key=user_key)
        except NoSession:
            return
        except Exception as exc:  # cosmetic: the old keyboard stays, stale taps still get a pop-up
            log.warning("could not note the chat's screen in the session: %s",
                        self.redact(f"{type(exc).__name__}: {exc}"))
            return
        old = retire[0] if retire else None
        if type(old) is not int:
            return
        try:
            await context.bot.edit_message_reply_markup(chat_id, old, reply_markup=None)
        except TelegramError as exc:  # gone, or already without buttons: nothing to retire
            log.info("old keyboard not removed: %s", self.redact(f"{type(exc).__name__}: {exc.message}"))

    async def edited(self, update: Update, context: Context) -> None:
        """An edited message: if it was the latest answer, the edit corrects it; other edits are
        ignored (the bot answered them already, and re-answering old text would confuse)."""
        message = update.edited_message
        chat = update.effective_chat
        if message is None or message.text is None or chat is None:
            return
        stored = await self._store_call(lambda: self.s.store.load(session_key(chat, update.effective_user)))
        if stored is None or stored.state.get("answer_msg") != message.message_id:
            return
        await self._converse(update, context, CommandInput("correct", message.text))

    async def _remember_ui(self, key: str, user_key: str, **ui: object) -> None:
        """Note in the session what the chat shows (best effort: a failure costs a cosmetic step)."""
        def note(state: dict[str, Any]) -> dict[str, Any]:
            if not state:
                raise NoSession(key)  # deleted meanwhile (/forget): nothing to note, nothing to create
            return {**state, **ui}

        try:
            await update_session(self.s.store, key, note, user_key=user_key)
        except NoSession:
            return
        except Exception as exc:
            log.warning("could not note the chat's screen in the session: %s",
                        self.redact(f"{type(exc).__name__}: {exc}"))

    # ---- stateless replies ----
    async def forwarded(self, update: Update, context: Context) -> None:
        """A customer's message forwarded by staff: a reply to paste, the references, what to ask."""
        message = update.message
        if message is None:
            return
        body = message.text or message.caption or ""
        lang = await self._lang(update)
        with AnswerTap.listening() as seen:
            replies = self.s.engine.dialog.helpdesk(body, lang, self.s.today())
        await self._send(context, message.chat_id, replies, reply_to=message.message_id)
        await self._record([("helpdesk", ""), *answer_events(seen[-1:])])

    async def inline(self, update: Update, context: Context) -> None:
        """``@bot 贴息`` in any chat: up to ten answer cards that insert a short answer."""
        query = update.inline_query
        if query is None:
            return
        lang = await self._lang(update)
        catalog = self.s.engine.catalog
        offset = int(query.offset) if query.offset.isdigit() else 0
        cards = self.s.engine.dialog.inline(query.query, lang)
        page = cards[offset:offset + INLINE_RESULTS]
        more = str(offset + INLINE_RESULTS) if len(cards) > offset + INLINE_RESULTS else ""
        # Under every card, a way into the bot for whoever reads it in that chat (a deep link, as
        # "send /assess" means nothing in someone else's chat).
        opener = InlineKeyboardMarkup([[InlineKeyboardButton(
            tg_text(catalog, lang, "tg.inline.open"), url=f"https://t.me/{context.bot.username}?start=assess")]])
        results = [
            InlineQueryResultArticle(
                id=card.id[:64],
                title=card.title or query.query or "…",
                description=card.description or None,
                input_message_content=InputTextMessageContent(fit(card.text)[0], parse_mode=ParseMode.HTML),
                reply_markup=opener,
            )
            for card in page
        ]
        button = InlineQueryResultsButton(text=tg_text(catalog, lang, "tg.inline.button"), start_parameter="assess")
        # The cards depend on the user's language, hence personal; the knowledge base changes
        # rarely, but /reload should show within a minute.
        await query.answer(results, cache_time=60, is_personal=True, next_offset=more, button=button)

    async def not_text(self, update: Update, context: Context) -> None:
        """A sticker, photo or voice note in a private chat: say what the bot can read."""
        message = update.message
        if message is None:
            return
        lang = await self._lang(update)
        notice = tg_text(self.s.engine.catalog, lang, "tg.text_only")
        await self._send(context, message.chat_id, [Reply(escape(notice))])

    # ---- staff ----
    async def stats(self, update: Update, context: Context) -> None:
        """/stats [days | from to]: the usage counters over a period (default the last 30 days)."""
        message = update.message
        if message is None:
            return
        lang = await self._lang(update)
        catalog = self.s.engine.catalog
        # Typed in a group, the figures go to the staff member's private chat, never to the group.
        to = message.chat_id if message.chat.type == ChatType.PRIVATE or message.from_user is None \
            else message.from_user.id
        span = stats_period(context.args or [], self.s.today())
        if span is None:
            usage = tg_text(catalog, lang, "tg.stats.usage")
            await self._send(context, to, [Reply(escape(usage))])
            return
        start, end = span
        summary = await self.s.stats.summary(start, end)

        def t(key: str, **params: object) -> str:
            return tg_text(catalog, lang, key, **params)

        lines = [
            t("tg.stats.title", start=start.isoformat(), end=end.isoformat(), days=(end - start).days + 1),
            t("tg.stats.questions", n=summary.total("question"), unanswered=summary.total("unanswered")),
            t("tg.stats.helpdesk", n=summary.total("helpdesk")),
            t("tg.stats.assessments", started=summary.total("assessment_started"),
              finished=summary.total("assessment_finished")),
            "",
            t("tg.stats.benefits"),
        ]
        benefits = {b.id: b for b in self.s.engine.kb.benefits}
        for i, (benefit_id, n) in enumerate(summary.benefits, start=1):
            b = benefits.get(benefit_id)  # None: removed from the knowledge base since
            name = kb_text(b.title, lang) if b else benefit_id
            ref = self.s.engine.renderer.ref(b.ref, lang) if b else "?"
            lines.append(t("tg.stats.benefit", i=i, name=escape(name), ref=escape(ref), n=n))
        if not summary.benefits:
            lines.append(t("tg.stats.none"))
        await self._send(context, to, [Reply("\n".join(lines))])

    async def reload(self, update: Update, context: Context) -> None:
        """/reload: build a new engine from the knowledge base; keep the old one if it is invalid."""
        message = update.message
        if message is None:
            return
        lang = await self._lang(update)
        async with self._reload_lock:
            try:
                engine = await asyncio.to_thread(self._engine_factory)
            except Exception as exc:  # any failure keeps the running engine: that is the point
                problems = [str(p) for p in exc.problems] if isinstance(exc, KnowledgeBaseError) else \
                    [f"{type(exc).__name__}: {exc}"]
                log.warning("reload refused: %d problem(s): %s", len(problems), self.redact(problems[0]))
                body = tg_text(self.s.engine.catalog, lang, "tg.reload.refused") + "\n" + \
                    "\n".join(f"• {escape(p)}" for p in problems[:40])
                await self._send(context, message.chat_id, [Reply(body)])
                return
            self.s.swap_engine(engine)
        log.info("knowledge base reloaded: %d benefits", len(engine.kb.benefits))
        done = tg_text(engine.catalog, lang, "tg.reload.ok", benefits=len(engine.kb.benefits),
                       facts=len(engine.kb.facts), clauses=len(engine.kb.policy.clauses))
        await self._send(context, message.chat_id, [Reply(done)])

    # ---- errors ----
    async def error(self, update: object, context: Context) -> None:
        """Log first (update id, hashed chat, redacted traceback), then tell the user the truth.

        If the update's turn was committed before the failure (a reply that could not be sent),
        the message says the answer is saved; otherwise (the store unreachable, or a failure
        before the commit) that it was NOT saved and to send it again.
        """
        err = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        chat = update.effective_chat if isinstance(update, Update) else None
        trace = "".join(traceback.format_exception(err)) if err is not None else ""
        cause = err.__cause__ if isinstance(err, RepliesLost) and err.__cause__ is not None else err
        log.error("update failed update_id=%s chat=%s kind=%s error=%s%s\n%s", update_id,
                  self.redact.chat(chat.id if chat else None), describe(update),
                  self.redact(f"{type(cause).__name__}: {cause}"),
                  " (replies not sent; the turn is saved)" if cause is not err else "", self.redact(trace).rstrip())
        if chat is None or not isinstance(update, Update):
            return
        # Saved only after a commit. Not saved: a turn that failed before its commit, or a failure before
        # any turn (an edit whose session could not even be read): then nothing was saved either.
        saved = update.update_id in self._saved
        self._saved.discard(update.update_id)
        await self._notify_admin(context, update_id, describe(update), cause)
        try:
            try:
                lang = await self._lang(update)
            except Exception:  # the store is what failed: the user's Telegram language will do
                lang = to_lang(update.effective_user.language_code if update.effective_user else None)
            catalog = self.s.engine.catalog
            key = ("tg.error.unsent" if isinstance(err, RepliesLost)  # saved; what follows was not shown
                   else "tg.error" if saved else "delivery.error.not_saved")
            await context.bot.send_message(chat.id, escape(tg_text(catalog, lang, key)),
                                           parse_mode=ParseMode.HTML)
        except Exception as exc:  # the chat may be gone or Telegram down: the log line is enough
            log.warning("could not tell chat %s about the error: %s", self.redact.chat(chat.id),
                        self.redact(f"{type(exc).__name__}: {exc}"))

    async def _notify_admin(self, context: Context, update_id: int | None, kind: str,
                            err: BaseException | None) -> None:
        """Tell the admin chat (IPBOT_ADMIN_CHAT_ID) that an update failed: the update id, its kind and
        the error's type, for a look at the log. Never the message (an error's text may quote the
        user's), the chat id or the token."""
        if self.admin_chat_id is None:
            return
        body = (f"⚠️ update {update_id} ({escape(kind)}) failed: "
                f"<code>{escape(type(err).__name__ if err is not None else '?')}</code>")
        try:
            await _call(context, "sendMessage", chat_id=self.admin_chat_id, text=body, parse_mode=ParseMode.HTML)
        except Exception as exc:
            log.warning("could not tell the admin chat: %s", self.redact(f"{type(exc).__name__}: {exc}"))

    # ---- helpers ----
    async def _lang(self, update: Update) -> Lang:
        """The chat's language: the session's if there is one, else the user's Telegram language."""
        chat, user = update.effective_chat, update.effective_user
        key = session_key(chat, user, _sender_chat(update)) if chat is not None else \
            f"tg:{user.id}" if user is not None else None
        if key is not None:
            stored = await self._store_call(lambda: self.s.store.load(key))
            if stored is not None:
                return SessionState.from_json(stored.state, self.s.engine.kb).lang
        return to_lang(user.language_code if user is not None else None)

    async def _record(self, events: Sequence[Event]) -> None:
        if not events:
            return
        try:
            await self._store_call(lambda: self.s.stats.record(self.s.today(), events))
        except Exception as exc:  # statistics must never cost the user a reply
            log.warning("could not record usage statistics: %s", self.redact(f"{type(exc).__name__}: {exc}"))

    async def _store_call(self, call: Callable[[], Awaitable[T]]) -> T:
        """A store call of the channel's own (the conversation retries its own): a dropped database
        connection is retried with backoff, within the conversation's ``outage_s``, then raised.

        Only reads and the statistics' counters come here; an increment whose connection dropped
        after its commit may count twice, which a usage counter can afford.
        """
        return await ride_out_outage(call, self.s.conversations.outage_s)

    async def _send(self, context: Context, chat_id: int, replies: Sequence[Reply], *,
                    pressed: Message | None = None, reply_to: int | None = None,
                    thread: int | None = None) -> Shown:
        """Send the replies in order; the first one marked ``edit`` replaces the pressed message.

        Returns the id of the message that now holds a question's keyboard (if one was shown) and
        whether the pressed message was edited.
        """
        edited = False
        live: int | None = None
        for reply in replies:
            asks = is_question(reply)
            if reply.edit and pressed is not None and not edited:
                edited = await self._edit(context, pressed, reply)
                if edited:
                    live = pressed.message_id if asks else live
                    continue
            for body, markup in messages(reply):
                sent = await self._send_one(context, chat_id, body, markup, reply_to, thread)
                reply_to = None  # only the first message answers the user's one
                if asks and markup is not None and sent is not None:
                    live = sent
        return Shown(live, pressed.message_id if edited and pressed is not None else None)

    async def _send_one(self, context: Context, chat_id: int, body: str, markup: Keyboard | None,
                        reply_to: int | None, thread: int | None = None) -> int | None:
        """Send one message; its id (None if Telegram did not say)."""
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to is not None else None
        try:
            return await _call(context, "sendMessage", chat_id=chat_id, text=body, parse_mode=ParseMode.HTML,
                               reply_markup=markup, reply_parameters=params, message_thread_id=thread)
        except BadRequest as exc:
            if "parse entities" not in exc.message.lower():
                raise
            log.warning("Telegram refused our HTML (%s); sending plain text", self.redact(exc.message))
            return await _call(context, "sendMessage", chat_id=chat_id, text=plain(body)[:MAX_TEXT],
                               reply_markup=markup, reply_parameters=params, message_thread_id=thread)

    async def _edit(self, context: Context, message: Message, reply: Reply) -> bool:
        """Edit ``message`` to show ``reply``; False when it cannot be edited (then we send instead)."""
        parts = messages(reply)
        if len(parts) != 1:
            return False
        body, markup = parts[0]
        try:
            await _call(context, "editMessageText", chat_id=message.chat_id, message_id=message.message_id,
                        text=body, parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True  # pressed twice: it already shows this
            log.info("could not edit message, sending a new one: %s", self.redact(exc.message))
            return False
        return True


# _call uses these methods through do_api_request on purpose; PTB would warn on every reply.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.(sendMessage|editMessageText)' instead of",
                        category=PTBUserWarning)


async def _call(context: Context, method: Literal["sendMessage", "editMessageText"], **fields: Any) -> int | None:
    """Send a reply; of Telegram's echo only the message id is read.

    ``send_message`` would turn Telegram's copy of the sent message into PTB objects: about 14%
    of an update's CPU under load (``make bench-load``). ``do_api_request`` without a return type
    skips that and gives the JSON; the rate limiter, retries and errors are the same.
    """
    result = await context.bot.do_api_request(method, api_kwargs={k: v for k, v in fields.items() if v is not None})
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return message_id if type(message_id) is int else None


class Shown(NamedTuple):
    """What a turn's replies left on screen: the live question keyboard's message, the edited message."""

    live: int | None
    edited: int | None


class NoSession(Exception):
    """A read-modify-write found no session: it is not created for a note about the screen."""


class RepliesLost(Exception):
    """The turn was applied and saved, but its replies could not be sent (the Bot API failing
    past its retries): the user is told the answer is saved, and sees the open question next."""


def answer_message(inp: Input, update: Update, before: dict[str, Any] | None, after: dict[str, Any]) -> int | None:
    """The id of the user's message that gave the latest answer, when this turn took a typed one."""
    grew = len(after.get("history") or []) > len((before or {}).get("history") or [])
    message = update.message if update.message is not None else update.edited_message
    if grew and isinstance(inp, TextInput | CommandInput) and message is not None and \
            (isinstance(inp, TextInput) or inp.name == "correct"):
        return message.message_id
    return None


def private_start(inp: Input, topics: set[str]) -> str | None:
    """The deep-link start parameter of an input that begins an assessment, else None."""
    if isinstance(inp, CommandInput):
        if inp.name == "assess":
            return f"topic_{inp.arg}" if inp.arg in topics else "assess"
        if inp.name == "start" and (inp.arg == "assess" or inp.arg.removeprefix("topic_") in topics):
            return inp.arg
        return None
    if isinstance(inp, ButtonInput):
        action, _, arg = inp.data.removeprefix("m|").partition("|") if inp.data.startswith("m|") else ("", "", "")
        if action == "assess" or (action == "fresh" and not arg):
            return "assess"
        if action in ("topic", "fresh") and arg in topics:
            return f"topic_{arg}"
    return None


def is_question(reply: Reply) -> bool:
    """A reply carrying a question's keyboard (its "not sure" button names the question)."""
    return any(b.data.startswith("n|skip|") for row in reply.buttons for b in row)


def stats_period(args: Sequence[str], today: date) -> tuple[date, date] | None:
    """``[]`` the last 30 days, ``["7"]`` the last 7, ``["2025-01-01", "2025-01-31"]`` that span."""
    if not args:
        return period(today, STATS_DEFAULT_DAYS)
    if len(args) == 1 and args[0].isdigit():
        return period(today, min(max(int(args[0]), 1), STATS_MAX_DAYS))
    if len(args) == 2:
        try:
            start, end = date.fromisoformat(args[0]), date.fromisoformat(args[1])
        except ValueError:
            return None
        if start <= end and (end - start).days < STATS_MAX_DAYS:
            return start, end
    return None


def bot_identity(application: Application) -> Callable[[], tuple[int, str]]:  # type: ignore[type-arg]
    """The bot's id and username, known once the application is initialised (getMe)."""
    return lambda: (application.bot.id, application.bot.username)
