"""Telegram Business: the help desk inside the staff's own chats.

A staff member of an agency connects the bot to their Telegram Business account (Settings →
Business → Chatbots). Then, in the chats the connection covers:

* a customer's message that is a question about this policy, answered with confidence, gets the
  answer in that chat, on the staff member's behalf (only if the connection allows replies);
* everything else is left to the human: greetings, questions the bot is not sure of, answers that
  depend on the customer's figures, and every message of the staff member's own;
* the help-desk notes (references, the facts found, the questions to ask the customer) go to the
  staff member's private chat with the bot, for every customer question, answered or not;
* the staff member types ``/bot_off`` in a chat to keep the bot out of it, ``/bot_on`` to let it
  back (the command itself is not answered in that chat);
* a connection that is revoked (or disabled) stops everything at once: its settings are deleted.

Settings are kept per connection in the session store (key ``tg-biz:<connection id>``, owned by
the staff member, so their /forget deletes them). Nothing of a customer's message is stored: an
edited or deleted business message needs nothing undone, and is only logged.

Replays (Telegram's update ids increase): as for every chat, an update at or below the last one
applied changes nothing. Connection updates are ordered per connection (the id of the last one
applied is kept in the settings, and in an input mark when they are deleted), the messages of one
customer chat per chat (an input mark of ``tg-biz:<connection id>:<chat id>``, hashed like every key:
no id, nothing readable). So an old ``business_connection`` replayed after a revoke does not bring the
settings back, an old ``/bot_off`` replayed after ``/bot_on`` does not turn the bot off, and a customer
question delivered again is not answered twice.
"""

from __future__ import annotations

import contextlib
import logging
from html import escape
from typing import TYPE_CHECKING, Any

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.channels.telegram.render import messages, tg_text
from bot.channels.telegram.screen import NoSession
from bot.channels.telegram.sending import Context, api_call
from bot.dialog.model import Reply
from bot.present.i18n import to_lang
from bot.services import input_order
from bot.storage.base import update as update_session
from eligibility.parsing import looks_like_question
from knowledge.models import Lang

if TYPE_CHECKING:
    from bot.channels.telegram.handlers import Handlers

log = logging.getLogger(__name__)

CONFIDENT = 0.75  # the answerer's confidence from which a customer is answered without the human
OFF, ON = "/bot_off", "/bot_on"
SETTINGS_VERSION = 1


def settings_key(connection_id: str) -> str:
    return f"tg-biz:{connection_id}"


def chat_mark_key(connection_id: str, chat_id: int) -> str:
    """The input mark that orders the business messages of one customer chat."""
    return f"{settings_key(connection_id)}:{chat_id}"


def _applied(last: object, update_id: int) -> bool:
    """An update at or below the last one applied (a redelivery, or a replay of an old one)."""
    order = input_order(last) if isinstance(last, str) else last if type(last) is int else None
    return order is not None and update_id <= order


class _Older(Exception):
    """A read-modify-write found a newer update applied already: nothing to change."""


class BusinessDesk:
    """The handlers of the four business update kinds, bound to the channel's :class:`Handlers`."""

    def __init__(self, handlers: Handlers) -> None:
        self.h = handlers

    @property
    def store(self) -> Any:
        return self.h.s.store

    # ---- the connection ----
    async def connection(self, update: Update, context: Context) -> None:
        """Connected, changed or revoked: keep the settings, or delete them (revoked stops everything)."""
        conn = update.business_connection
        if conn is None:
            return
        key, owner = settings_key(conn.id), f"tg-user:{conn.user.id}"
        lang = to_lang(conn.user.language_code)
        catalog = self.h.s.engine.catalog
        uid = update.update_id
        stored = await self.h._store_call(lambda: self.store.load(key))
        last = stored.state.get("last_input") if stored is not None else \
            await self.h._store_call(lambda: self.store.input_mark(key))
        if _applied(last, uid):
            log.info("ignored a business connection update at or below the last one applied")
            return
        if not conn.is_enabled:
            async def revoke() -> None:
                await self.store.set_input_mark(key, str(uid))  # first: a replayed connect stays out
                await self.store.delete(key)

            await self.h._store_call(revoke)
            revoked = escape(tg_text(catalog, lang, "tg.biz.revoked"))
            await self._tell_staff(context, conn.user_chat_id, [Reply(revoked)])
            return
        can_reply = bool(conn.rights is not None and conn.rights.can_reply)

        def connect(state: dict[str, Any]) -> dict[str, Any]:
            if _applied(state.get("last_input"), uid):
                raise _Older(key)  # a newer connection update got there first
            return {"v": SETTINGS_VERSION, "user_id": conn.user.id, "user_chat_id": conn.user_chat_id,
                    "can_reply": can_reply, "lang": lang, "off": list(state.get("off") or []), "last_input": uid}

        try:
            await update_session(self.store, key, connect, user_key=owner)
        except _Older:
            return
        note = "tg.biz.connected" if can_reply else "tg.biz.connected_read_only"
        await self._tell_staff(context, conn.user_chat_id,
                               [Reply(escape(tg_text(catalog, lang, note, off=OFF, on=ON)))])

    # ---- messages in the staff member's chats ----
    async def message(self, update: Update, context: Context) -> None:
        """A message in a customer chat: answered once (a redelivery or an old replay changes nothing)."""
        message = update.business_message
        if message is None or message.business_connection_id is None or not message.text:
            return
        key = settings_key(message.business_connection_id)
        stored = await self.h._store_call(lambda: self.store.load(key))
        if stored is None or stored.state.get("v") != SETTINGS_VERSION:
            return  # not connected (or revoked): nothing at all
        mark = chat_mark_key(message.business_connection_id, message.chat.id)
        if _applied(await self.h._store_call(lambda: self.store.input_mark(mark)), update.update_id):
            log.info("ignored a business message at or below the last one applied in its chat")
            return
        if await self._message(message, message.text, stored.state, key, context):
            # After the effect: a crash in between costs at worst one answer twice, never one lost.
            await self.h._store_call(lambda: self.store.set_input_mark(mark, str(update.update_id)))

    async def _message(self, message: Message, typed: str, conf: dict[str, Any], key: str,
                       context: Context) -> bool:
        """Handle one business message; True if it changed or sent anything (then it is marked)."""
        staff_id, chat_id = conf.get("user_id"), message.chat.id
        lang: Lang = "en" if conf.get("lang") == "en" else "zh"
        catalog = self.h.s.engine.catalog
        sender = message.from_user.id if message.from_user is not None else None
        if sender == staff_id:  # the staff member's own words: never answered; /bot_off and /bot_on
            command = typed.strip().split("@")[0].lower()
            if command in (OFF, ON):
                await self._switch(key, chat_id, off=command == OFF)
                name = escape(message.chat.full_name or str(chat_id))
                notice = tg_text(catalog, lang, "tg.biz.off" if command == OFF else "tg.biz.on", chat=name)
                await self._tell_staff(context, conf.get("user_chat_id"), [Reply(notice)])
                return True
            return False
        if chat_id in (conf.get("off") or []) or not looks_like_question(typed):
            return False  # turned off here, or not a question (a greeting, thanks, a file): the human's
        dialog = self.h.s.engine.dialog
        desk = dialog.help_desk()
        text = typed[:2000]
        today = self.h.s.today()
        forward = desk.forward(text, lang, today)
        result = forward.result
        in_scope = result is not None and not result.refused
        # Confident: in scope, sure of its figures (nothing to ask back), and no complaint (a person answers).
        confident = (in_scope and forward.confidence >= CONFIDENT and not forward.clarify
                     and not forward.complaint)
        replied = False
        if confident and conf.get("can_reply"):
            try:
                for part, _markup in messages(Reply(escape(forward.paste, quote=False))):
                    await api_call(context, "sendMessage", chat_id=chat_id, text=part, parse_mode=ParseMode.HTML,
                                   business_connection_id=message.business_connection_id)
                replied = True
            except TelegramError as exc:
                log.warning("business reply not sent: %s", self.h.redact(f"{type(exc).__name__}: {exc}"))
        if not in_scope:
            return replied  # not about this policy: not the help desk's business
        who = escape(message.chat.full_name or "")
        note = "tg.biz.note_replied" if replied else "tg.biz.note_read_only" if confident else "tg.biz.note_left"
        head = tg_text(catalog, lang, note, customer=who)
        notes = desk.replies(text, lang, today)
        await self._tell_staff(context, conf.get("user_chat_id"), [Reply(head), *notes])
        return True

    async def edited(self, update: Update, context: Context) -> None:
        """An edited business message: the bot answered the original (or left it); nothing to redo."""
        log.info("edited business message ignored")

    async def deleted(self, update: Update, context: Context) -> None:
        """Deleted business messages: nothing of them is stored, so nothing to delete."""
        log.info("deleted business messages: nothing stored to delete")

    # ---- helpers ----
    async def _switch(self, key: str, chat_id: int, *, off: bool) -> None:
        def switch(state: dict[str, Any]) -> dict[str, Any]:
            if not state:
                raise NoSession(key)  # revoked meanwhile: nothing to switch
            chats = [c for c in state.get("off") or [] if c != chat_id]
            return {**state, "off": [*chats, chat_id] if off else chats}

        with contextlib.suppress(NoSession):
            await update_session(self.store, key, switch)

    async def _tell_staff(self, context: Context, chat_id: object, replies: list[Reply]) -> None:
        """The staff member's private chat with the bot (they may not have opened it: then nothing)."""
        if not isinstance(chat_id, int):
            return
        try:
            await self.h.sender.send(context, chat_id, replies)
        except TelegramError as exc:
            log.info("staff note not delivered: %s", self.h.redact(f"{type(exc).__name__}: {exc}"))
