"""The console chat: the same dialog in a terminal, buttons shown as numbered choices.

A number typed alone presses that button; anything else is sent as text. On a "tick all that
apply" question the options are the first numbers, and one rule holds: the numbers typed (one or
several, "2" or "1,3") are the options that apply; a single number past the options presses that
button. The session lives in the embedded store, but a new run starts fresh (on a shared help-desk
PC the next person must not see the last one's answers) unless started with ``--resume``.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from bot.dialog.callbacks import FORGET_CONFIRM, Code, code_of
from bot.dialog.model import Button, ButtonInput, CommandInput, Input, Reply, TextInput
from bot.services import Conversations
from bot.storage.base import SessionStore

_TAGS = re.compile(r"</?(b|i|u|s|code|pre|a|blockquote|tg-spoiler|span)(\s[^>]*)?>")
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\S+)?(?:\s+(.*))?$")
_NUMBERS = re.compile(r"^\d+(?:\s*[,，、\s]\s*\d+)*$")
_MULTI_RULE = {"zh": "回复序号，一个或几个都行（如“2”或“1,3”）；都没有回复“都没有”。",
               "en": 'Reply with the numbers that apply, one or several ("2" or "1,3"); none: "none".'}


def plain(text: str) -> str:
    """HTML for chat apps to terminal text."""
    return html.unescape(_TAGS.sub("", text))


@dataclass(frozen=True)
class Screen:
    """What the console printed last: the numbered buttons, and how many of them are a multiple
    choice's options (0 when the question is not "tick all that apply")."""

    buttons: tuple[Button, ...] = ()
    options: int = 0


def _is_english(text: str) -> bool:
    return not re.search(r"[\u4e00-\u9fff]", text)


def render(replies: list[Reply]) -> tuple[str, Screen]:
    """Text to print and the numbered buttons of the last message that has any.

    A "tick all that apply" question is listed once: its options numbered 1..n, then the other
    buttons; the tick marks and "done" are Telegram's and are left out.
    """
    out: list[str] = []
    screen = Screen()
    for reply in replies:
        out.append(plain(reply.text))
        if not reply.buttons:
            continue
        flat = [b for row in reply.buttons for b in row if b.url is None and b.share is None]  # Telegram-only
        if not flat:
            continue
        ticks = [b for b in flat if code_of(b.data) is Code.TICK]
        if ticks:
            none = [b for b in flat if code_of(b.data) is Code.ANSWER]
            options = [Button(b.label.removeprefix("✅ ").removeprefix("▫️ "), b.data) for b in ticks] + none
            rest = [b for b in flat if b not in ticks and b not in none and code_of(b.data) is not Code.DONE]
            out += [f"{i}. {b.label}" for i, b in enumerate(options, start=1)]
            out.append(_MULTI_RULE["en" if _is_english(reply.text) else "zh"])
            out.append("  ".join(f"[{i}] {b.label}" for i, b in enumerate(rest, start=len(options) + 1)))
            screen = Screen(tuple(options + rest), len(options))
        else:
            out.append("  ".join(f"[{i}] {b.label}" for i, b in enumerate(flat, start=1)))
            screen = Screen(tuple(flat))
    return "\n".join(out), screen


def to_input(line: str, screen: Screen) -> Input:
    text = line.strip()
    buttons = screen.buttons
    if screen.options and _NUMBERS.match(text):
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        if all(1 <= n <= screen.options for n in numbers):
            if numbers == [screen.options]:  # the last option is "none of these"
                return ButtonInput(buttons[screen.options - 1].data)
            return TextInput(",".join(str(n) for n in numbers))  # the options that apply, one or several
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return _channel_input(ButtonInput(buttons[int(text) - 1].data))
    m = _COMMAND.match(text)
    if m:
        name = m.group(1).lower()
        if name == "forget":
            return CommandInput("forget_ask")  # asks first; its button deletes
        return CommandInput(name, (m.group(2) or "").strip())
    return TextInput(text)


def _channel_input(inp: ButtonInput) -> Input:
    return CommandInput("forget") if inp.data == FORGET_CONFIRM else inp


async def chat(conversations: Conversations, store: SessionStore, *, stdin: TextIO, stdout: TextIO,
               today: Callable[[], date] = date.today, user: str | None = None, resume: bool = False) -> None:
    key = f"console:{user or getpass.getuser()}"
    stored = await store.load(key)
    first: Input = CommandInput("start")
    if stored is not None and resume:
        first = CommandInput("assess") if stored.state.get("mode") == "assess" else CommandInput("result")
    elif stored is not None:
        await store.delete(key)  # a fresh start: the last person's answers are not this one's
    replies = await conversations.handle(key, first, today(), user_key=key)
    text, screen = render(replies)
    stdout.write(text + "\n")
    loop = asyncio.get_running_loop()
    while True:
        stdout.write("> ")
        stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            stdout.write("\n")
            return
        if line.strip().lower() in ("/quit", "/exit", "quit", "exit"):
            return
        if not line.strip():
            continue
        replies = await conversations.handle(key, to_input(line, screen), today(), user_key=key)
        text, new_screen = render(replies)
        if new_screen.buttons:
            screen = new_screen
        stdout.write(text + "\n")


def run_console(settings_store_url: str, conversations_factory: Callable[[SessionStore], Conversations],
                *, resume: bool = False) -> int:
    from bot.storage.factory import open_store

    async def main() -> None:
        async with open_store(settings_store_url) as store:
            await chat(conversations_factory(store), store, stdin=sys.stdin, stdout=sys.stdout, resume=resume)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0
