"""Who the bot answers, and whose session an update belongs to.

In groups the bot reads commands, mentions of it and replies to its messages (:class:`AddressedToBot`);
a session is one person's (a private chat's, or a member's own within a group: :func:`session_key`),
and ids that are no person (anonymous admins, linked channels, Telegram itself) own nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from telegram import Chat, Message, MessageEntity, Update, User
from telegram.constants import ChatType
from telegram.ext import Application, filters

from bot.dialog.callbacks import Code, split
from bot.dialog.model import ButtonInput, CommandInput, Input

COMMAND_NAME = re.compile(r"[A-Za-z0-9_]{1,32}")


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
    if not COMMAND_NAME.fullmatch(name):
        return None
    return name.lower(), arg.strip()


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


def sender_chat(update: Update) -> Chat | None:
    """The chat a message was sent on behalf of (an anonymous admin's group, a channel), if any."""
    message = update.effective_message
    return message.sender_chat if isinstance(message, Message) else None


def bot_identity(application: Application) -> Callable[[], tuple[int, str]]:  # type: ignore[type-arg]
    """The bot's id and username, known once the application is initialised (getMe)."""
    return lambda: (application.bot.id, application.bot.username)


def private_start(inp: Input, topics: set[str]) -> str | None:
    """The deep-link start parameter of an input that begins an assessment, else None."""
    if isinstance(inp, CommandInput):
        if inp.name == "assess":
            return f"topic_{inp.arg}" if inp.arg in topics else "assess"
        if inp.name == "start" and (inp.arg == "assess" or inp.arg.removeprefix("topic_") in topics):
            return inp.arg
        return None
    if isinstance(inp, ButtonInput):
        code, rest = split(inp.data)
        action, _, arg = rest.partition("|") if code is Code.MENU else ("", "", "")
        if action == "assess" or (action == "fresh" and not arg):
            return "assess"
        if action in ("topic", "fresh") and arg in topics:
            return f"topic_{arg}"
    return None
