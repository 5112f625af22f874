"""What the channel says about its updates: the kind of an update for the log line, and failures.

:func:`describe` names an update without its content (the log holds no user text); a failed update
is logged by the error handler and the admin chat hears of it (:func:`notify_admin`): the update id,
its kind and the error's type, never the message, the chat id or the token.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.constants import ParseMode

from bot.channels.telegram.identity import COMMAND_NAME
from bot.channels.telegram.sending import Context, api_call
from bot.redact import Redactor

log = logging.getLogger(__name__)


class RepliesLost(Exception):
    """The turn was applied and saved, but its replies could not be sent (the Bot API failing
    past its retries): the user is told the answer is saved, and sees the open question next."""


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
        return f"command:{name.lower()}" if COMMAND_NAME.fullmatch(name) else "command:?"
    if message.text:
        return "text"
    return "message:other"


async def notify_admin(context: Context, admin_chat_id: int | None, redact: Redactor, update_id: int | None,
                       kind: str, err: BaseException | None) -> None:
    """Tell the admin chat (IPBOT_ADMIN_CHAT_ID) that an update failed: the update id, its kind and
    the error's type, for a look at the log. Never the message (an error's text may quote the
    user's), the chat id or the token."""
    if admin_chat_id is None:
        return
    body = (f"⚠️ update {update_id} ({escape(kind)}) failed: "
            f"<code>{escape(type(err).__name__ if err is not None else '?')}</code>")
    try:
        await api_call(context, "sendMessage", chat_id=admin_chat_id, text=body, parse_mode=ParseMode.HTML)
    except Exception as exc:
        log.warning("could not tell the admin chat: %s", redact(f"{type(exc).__name__}: {exc}"))
