"""What Telegram accepts as HTML (``parse_mode=HTML``): a check for every text the bot sends."""

from __future__ import annotations

import re

_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
                 "tg-spoiler", "blockquote", "span"}
_HTML_TOKEN = re.compile(r"<(/?)([A-Za-z-]+)((?:\s[^<>]*)?)>|<|>|&(?:lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);|&")


def assert_telegram_html(text: str) -> None:
    """Telegram's HTML: known tags, properly nested, and <, >, & only as tags or entities."""
    stack: list[str] = []
    for m in _HTML_TOKEN.finditer(text):
        token = m.group(0)
        if m.group(2):
            tag = m.group(2).lower()
            assert tag in _ALLOWED_TAGS, f"tag <{tag}> in {text!r}"
            if m.group(1):
                assert stack and stack.pop() == tag, f"</{tag}> closes nothing in {text!r}"
            else:
                stack.append(tag)
        else:
            assert token.startswith("&") and token != "&", f"bare {token!r} in {text!r}"
    assert not stack, f"unclosed {stack} in {text!r}"
