"""Replies out: the dialog core's replies sent (or the pressed message edited) in order.

A reply's HTML that Telegram refuses is sent again as plain text; an edit that changes nothing counts
as done. :class:`Shown` is what a turn left on screen, for the live keyboard (``screen.py``).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from telegram import Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes
from telegram.warnings import PTBUserWarning

from bot.channels.telegram.render import MAX_TEXT, Keyboard, messages, plain
from bot.dialog.callbacks import Code, callback
from bot.dialog.model import Reply
from bot.redact import Redactor

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


class Shown(NamedTuple):
    """What a turn's replies left on screen: the live question keyboard's message, the edited message."""

    live: int | None
    edited: int | None


class Sender:
    """Sends replies for the handlers; logs (redacted) what it could not send as it was."""

    def __init__(self, redact: Redactor) -> None:
        self.redact = redact

    async def send(self, context: Context, chat_id: int, replies: Sequence[Reply], *,
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
                edited = await self.edit(context, pressed, reply)
                if edited:
                    live = pressed.message_id if asks else live
                    continue
            for body, markup in messages(reply):
                sent = await self.send_one(context, chat_id, body, markup, reply_to, thread)
                reply_to = None  # only the first message answers the user's one
                if asks and markup is not None and sent is not None:
                    live = sent
        return Shown(live, pressed.message_id if edited and pressed is not None else None)

    async def send_one(self, context: Context, chat_id: int, body: str, markup: Keyboard | None,
                        reply_to: int | None, thread: int | None = None) -> int | None:
        """Send one message; its id (None if Telegram did not say)."""
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to is not None else None
        try:
            return await api_call(context, "sendMessage", chat_id=chat_id, text=body, parse_mode=ParseMode.HTML,
                               reply_markup=markup, reply_parameters=params, message_thread_id=thread)
        except BadRequest as exc:
            if "parse entities" not in exc.message.lower():
                raise
            log.warning("Telegram refused our HTML (%s); sending plain text", self.redact(exc.message))
            return await api_call(context, "sendMessage", chat_id=chat_id, text=plain(body)[:MAX_TEXT],
                               reply_markup=markup, reply_parameters=params, message_thread_id=thread)

    async def edit(self, context: Context, message: Message, reply: Reply) -> bool:
        """Edit ``message`` to show ``reply``; False when it cannot be edited (then we send instead)."""
        parts = messages(reply)
        if len(parts) != 1:
            return False
        body, markup = parts[0]
        try:
            await api_call(context, "editMessageText", chat_id=message.chat_id, message_id=message.message_id,
                        text=body, parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True  # pressed twice: it already shows this
            log.info("could not edit message, sending a new one: %s", self.redact(exc.message))
            return False
        return True


def quiet_raw_replies() -> None:
    """:func:`api_call` uses ``sendMessage``/``editMessageText`` through ``do_api_request`` on purpose;
    PTB would warn on every reply. Called by the composition root (never at import time), and only
    for warnings raised from this module's calls."""
    warnings.filterwarnings("ignore", message=r"Please use 'Bot\.(sendMessage|editMessageText)' instead of",
                            category=PTBUserWarning, module=r"bot\.channels\.telegram\.sending")


async def api_call(context: Context, method: Literal["sendMessage", "editMessageText"], **fields: Any) -> int | None:
    """Send a reply; of Telegram's echo only the message id is read.

    ``send_message`` would turn Telegram's copy of the sent message into PTB objects: about 14%
    of an update's CPU under load (``make bench-load``). ``do_api_request`` without a return type
    skips that and gives the JSON; the rate limiter, retries and errors are the same.
    """
    result = await context.bot.do_api_request(method, api_kwargs={k: v for k, v in fields.items() if v is not None})
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return message_id if type(message_id) is int else None


def is_question(reply: Reply) -> bool:
    """A reply carrying a question's keyboard (its "not sure" button names the question)."""
    skip = callback(Code.NAV, "skip", "")
    return any(b.data.startswith(skip) for row in reply.buttons for b in row)
