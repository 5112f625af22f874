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
Beside them: whose session an update is and whom the bot answers (``identity.py``), sending and
editing (``sending.py``), the live keyboard (``screen.py``), the staff commands' texts (``staff.py``),
log lines and the admin's notice of a failure (``reporting.py``).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot.channels.telegram.identity import (
    foreign_in_private,
    is_person,
    owner_key,
    parse_command,
    private_start,
    sender_chat,
    session_key,
    without_mention,
)
from bot.channels.telegram.render import fit, tg_text
from bot.channels.telegram.reporting import RepliesLost, describe, notify_admin
from bot.channels.telegram.runtime import Services, china_today
from bot.channels.telegram.screen import Screen, answer_message
from bot.channels.telegram.sending import Context, Sender
from bot.channels.telegram.staff import reload_done, reload_problems, reload_refused, stats_period, stats_report
from bot.dialog.callbacks import FORGET_CONFIRM
from bot.dialog.model import Button, ButtonInput, CommandInput, Input, Reply, SessionState, TextInput
from bot.present.i18n import to_lang
from bot.redact import Redactor
from bot.services import PolicyRuntime, ride_out_outage
from bot.storage.stats import AnswerTap, Event, answer_events, assessment_events
from knowledge.models import Lang

if TYPE_CHECKING:  # agency: policy-change notices and the unanswered log (set by app.py)
    from bot.channels.telegram.subscribe import PolicyNotices

__all__ = ["Handlers", "china_today"]  # china_today: where the load benchmark takes it

log = logging.getLogger(__name__)

T = TypeVar("T")
INLINE_RESULTS = 10


class Handlers:
    """One method per kind of update; see the module docstring."""

    def __init__(self, services: Services, *, engine_factory: Callable[[], PolicyRuntime],
                 redactor: Redactor, admin_chat_id: int | None = None) -> None:
        self.s = services
        self._engine_factory = engine_factory
        self.redact = redactor
        self.admin_chat_id = admin_chat_id
        self.sender = Sender(redactor)
        self.screen = Screen(services, redactor)
        self._reload_lock = asyncio.Lock()
        self._saved: set[int] = set()  # updates whose turn is committed and not yet fully handled
        self.notices: PolicyNotices | None = None  # agency: set by app.py

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
        if self.notices is not None and await self.notices.typed(update, context, typed):
            return  # "政策调整时通知我" typed: the channel's own button, done as its tap
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
        await self.sender.send(context, chat.id, [reply], reply_to=message.message_id if message is not None else None,
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
        key = session_key(chat, user, sender_chat(update))
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
        if self.notices is not None:  # agency: /forget reaches its rows (before the replies, which may
            # fail to send); an unanswered question is logged
            await self.notices.after_turn(update, inp, key, user_key, turn, seen[-1:], self.s.today())
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
            shown_now = await self.sender.send(context, chat.id, replies, pressed=pressed, reply_to=reply_to,
                                         thread=thread)
        except Exception as exc:
            if turn.after is not None:  # applied and saved, but the user never saw what follows
                await self.screen.remember(key, user_key, unseen=True)
                raise RepliesLost() from exc
            raise
        if turn.after is not None:
            answered = answer_message(inp, update, turn.before, turn.after)
            await self.screen.retire_keyboard(context, key, user_key, chat.id, turn.after, shown_now, answered,
                                        update.update_id)
        if counting and turn.applied:
            events = assessment_events(turn.before, turn.after)
            await self._record([*events, *answer_events(seen[-1:])])
        self._saved.discard(update.update_id)  # (on an error, the error handler discards it)

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
        await self.sender.send(context, message.chat_id, replies, reply_to=message.message_id)
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
        await self.sender.send(context, message.chat_id, [Reply(escape(notice))])

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
            await self.sender.send(context, to, [Reply(escape(usage))])
            return
        start, end = span
        summary = await self.s.stats.summary(start, end)
        await self.sender.send(context, to, [Reply(stats_report(self.s.engine, summary, lang, start, end))])

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
                problems = reload_problems(exc)
                log.warning("reload refused: %d problem(s): %s", len(problems), self.redact(problems[0]))
                refused = reload_refused(self.s.engine.catalog, lang, problems)
                await self.sender.send(context, message.chat_id, [Reply(refused)])
                return
            self.s.swap_engine(engine)
        log.info("knowledge base reloaded: %d benefits", len(engine.kb.benefits))
        done = reload_done(engine, lang)
        if self.notices is not None:  # agency: compare subscribers under the new knowledge base, say how many
            done += "\n" + escape(await self.notices.reloaded(engine, lang))
        await self.sender.send(context, message.chat_id, [Reply(done)])

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
        await notify_admin(context, self.admin_chat_id, self.redact, update_id, describe(update), cause)
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

    # ---- helpers ----
    async def _lang(self, update: Update) -> Lang:
        """The chat's language: the session's if there is one, else the user's Telegram language."""
        chat, user = update.effective_chat, update.effective_user
        key = session_key(chat, user, sender_chat(update)) if chat is not None else \
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
