"""From the dialog core's replies to Bot API arguments, and the few texts only Telegram needs.

The core's texts are HTML and already escaped; this module only packs them: inline keyboards from
``Reply.buttons``, and a last guard that no message passes Telegram's 4096-character limit (split
on line boundaries, measured in UTF-16 code units as Telegram counts them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from telegram import CopyTextButton

from bot.dialog.model import Button, Reply
from bot.dialog.views import split_message
from bot.present.i18n import Catalog
from knowledge.models import Lang

__all__ = [
    "MAX_CALLBACK_DATA",
    "MAX_TEXT",
    "Keyboard",
    "fit",
    "keyboard",
    "plain",
    "tg_text",
    "utf16_len",
]

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64

_TAGS = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|blockquote|span)(\s[^>]*)?>")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` as messages of at most ``limit`` UTF-16 units, cut at line ends where possible.

    The core already splits its long results; this is the transport's guard, so that a long text
    from anywhere becomes several messages instead of a "message is too long" error.
    """
    if utf16_len(text) <= limit:
        return [text]
    parts = split_message(text, limit, measure=utf16_len, prefix=_prefix_within)
    return [p for p in parts if p.strip()] or [text[:limit]]


def _prefix_within(line: str, limit: int) -> int:
    """The longest prefix of ``line`` within ``limit`` UTF-16 units, not ending inside an entity."""
    size = 0
    for i, ch in enumerate(line):
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > limit:
            cut = i
            break
    else:
        return len(line)
    amp = line.rfind("&", max(0, cut - 10), cut)
    if amp != -1 and ";" not in line[amp:cut]:
        cut = amp
    return max(cut, 1)


Keyboard = dict[str, list[list[dict[str, Any]]]]
"""An ``InlineKeyboardMarkup`` as the Bot API's JSON: built directly, as PTB objects cost CPU per reply."""


def keyboard(buttons: Sequence[Sequence[Button]]) -> Keyboard | None:
    if not buttons:
        return None
    return {"inline_keyboard": [[_button(b) for b in row] for row in buttons if row]}


def _button(b: Button) -> dict[str, Any]:
    """A callback button, a link, a share (switch_inline_query) or a copy-to-clipboard one (PTB 22's
    ``CopyTextButton``, as its JSON)."""
    if b.copy_text is not None:
        return {"text": b.label, "copy_text": CopyTextButton(b.copy_text).to_dict()}
    if b.url is not None:
        return {"text": b.label, "url": b.url}
    if b.share is not None:
        return {"text": b.label, "switch_inline_query": b.share}
    return {"text": b.label, "callback_data": b.data}


def messages(reply: Reply) -> list[tuple[str, Keyboard | None]]:
    """One reply as (text, keyboard) messages: the keyboard goes with the last part."""
    parts = fit(reply.text)
    markup = keyboard(reply.buttons)
    return [(p, markup if i == len(parts) - 1 else None) for i, p in enumerate(parts)]


def plain(text: str) -> str:
    """HTML as plain text: the fallback when Telegram refuses our markup."""
    return html.unescape(_TAGS.sub("", text))


def tg_text(catalog: Catalog, lang: Lang, key: str, **params: object) -> str:
    """A text of the Telegram channel (keys tg.* in bot/present/locales/*.yaml)."""
    return catalog.t(lang, key, **params)
