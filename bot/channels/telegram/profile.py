"""What Telegram shows of the bot before and around a chat: the command menus, the descriptions, the
Mini App's menu button. Set in ``post_init``; all of it cosmetic (a refusal costs a warning, never the start).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError

from bot.channels.telegram.render import tg_text
from bot.channels.telegram.runtime import App
from bot.services import PolicyRuntime
from knowledge.models import Lang

log = logging.getLogger("bot.channels.telegram.app")

MENU_COMMANDS = ("start", "assess", "ask", "clauses", "lang", "help", "cancel", "forget")
STAFF_COMMANDS = ("stats", "reload")


async def set_profile(app: App, engine: PolicyRuntime, *, staff: list[int]) -> None:
    """What Telegram shows before the first message (the description and the short description on
    the bot's profile, in both languages), and the staff commands in the menu of staff chats only.

    All of it is cosmetic: a Bot API that refuses it (an old self-hosted server, a staff member who
    never opened the bot) costs a warning, never the start."""
    for code, lang in (("zh", "zh"), ("en", "en"), (None, "zh")):
        language: Lang = "en" if lang == "en" else "zh"
        try:
            await app.bot.set_my_description(tg_text(engine.catalog, language, "tg.description"), language_code=code)
            await app.bot.set_my_short_description(tg_text(engine.catalog, language, "tg.short_description"),
                                                   language_code=code)
        except TelegramError as exc:
            log.warning("bot description not set (%s): %s", code or "default", type(exc).__name__)
    for user_id in staff:
        for code, lang in (("en", "en"), (None, "zh")):
            language = "en" if lang == "en" else "zh"
            commands = [BotCommand(name, tg_text(engine.catalog, language, f"tg.cmd.{name}"))
                        for name in (*MENU_COMMANDS, *STAFF_COMMANDS)]
            try:
                await app.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id), language_code=code)
            except TelegramError as exc:
                log.warning("staff commands not set for one staff chat: %s", type(exc).__name__)


async def set_commands(app: App, engine: PolicyRuntime) -> None:
    """The command menu in both languages; Chinese is also the default for other languages."""
    for code, lang in (("zh", "zh"), ("en", "en"), (None, "zh")):
        language: Lang = "en" if lang == "en" else "zh"
        commands = [BotCommand(name, tg_text(engine.catalog, language, f"tg.cmd.{name}"))
                    for name in MENU_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=code)


def mini_app_keyboard(url: str, label: str) -> dict[str, list[list[dict[str, Any]]]]:
    """An inline keyboard with one ``web_app`` button that opens the page inside Telegram."""
    return {"inline_keyboard": [[{"text": label, "web_app": {"url": url}}]]}


async def set_mini_app_menu_button(app: App, engine: PolicyRuntime, url: str) -> None:
    """The chat's menu button opens the page (``setChatMenuButton``, for every private chat)."""
    label = tg_text(engine.catalog, "zh", "web.tg.menu")
    await app.bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text=label, web_app=WebAppInfo(url=url)))
