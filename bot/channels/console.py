"""The console chat: the same dialog in a terminal, buttons shown as numbered choices.

A number typed alone presses that button; anything else is sent as text. The session lives in the
embedded store, so quitting and starting again resumes where the user was.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import html
import re
import sys
from collections.abc import Callable
from datetime import date
from typing import TextIO

from bot.dialog.model import Button, ButtonInput, CommandInput, Input, Reply, TextInput
from bot.services import Conversations
from bot.storage.base import SessionStore

_TAGS = re.compile(r"</?(b|i|u|s|code|pre|a)(\s[^>]*)?>")
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\S+)?(?:\s+(.*))?$")


def plain(text: str) -> str:
    """HTML for chat apps to terminal text."""
    return html.unescape(_TAGS.sub("", text))


def render(replies: list[Reply]) -> tuple[str, list[Button]]:
    """Text to print and the numbered buttons of the last message that has any."""
    out: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        out.append(plain(reply.text))
        if reply.buttons:
            buttons = [b for row in reply.buttons for b in row]
            out.append("  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, start=1)))
    return "\n".join(out), buttons


def to_input(line: str, buttons: list[Button]) -> Input:
    text = line.strip()
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return ButtonInput(buttons[int(text) - 1].data)
    m = _COMMAND.match(text)
    if m:
        return CommandInput(m.group(1).lower(), (m.group(2) or "").strip())
    return TextInput(text)


async def chat(conversations: Conversations, store: SessionStore, *, stdin: TextIO, stdout: TextIO,
               today: Callable[[], date] = date.today, user: str | None = None) -> None:
    key = f"console:{user or getpass.getuser()}"
    stored = await store.load(key)
    resume = stored is not None and stored.state.get("mode") == "assess"
    first: Input = CommandInput("assess") if resume else CommandInput("start")
    replies = await conversations.handle(key, first, today(), user_key=key)
    text, buttons = render(replies)
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
        replies = await conversations.handle(key, to_input(line, buttons), today(), user_key=key)
        text, new_buttons = render(replies)
        buttons = new_buttons
        stdout.write(text + "\n")


def run_console(settings_store_url: str, conversations_factory: Callable[[SessionStore], Conversations]) -> int:
    from bot.storage.factory import open_store

    async def main() -> None:
        async with open_store(settings_store_url) as store:
            await chat(conversations_factory(store), store, stdin=sys.stdin, stdout=sys.stdout)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0
