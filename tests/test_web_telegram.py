"""The Telegram side of the Mini App, against the fake Bot API: with WEB_PUBLIC_URL set, the chat's
menu button and the /assess message open the web page (``web_app`` buttons); without it, nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_telegram_e2e import bot_harness, buttons_of

from fakes.bot_api import JSON

URL = "https://ipbot.example.cn/"


async def test_menu_button_and_assess_message_open_the_mini_app(tmp_path: Path) -> None:
    async with bot_harness(tmp_path, WEB_PUBLIC_URL=URL) as bot:
        menu: list[JSON] = []

        def set_menu(params: JSON) -> Any:
            menu.append(params)
            return True

        bot.fake.register("setChatMenuButton", set_menu)
        await bot.start()
        assert len(menu) == 1
        button = menu[0]["menu_button"]
        assert button["type"] == "web_app" and button["web_app"]["url"] == URL
        chat = bot.chat(301)
        shown = await chat.send("/assess")
        assert "问题 1" in shown[0]["text"]  # the chat's own first question comes first
        offers = [b for e in shown for b in buttons_of(e.get("reply_markup")) if "web_app" in b]
        assert [b["web_app"]["url"] for b in offers] == [URL]
        greeting = await chat.send("/start")
        assert not [b for e in greeting for b in buttons_of(e.get("reply_markup")) if "web_app" in b]


async def test_without_a_public_url_there_is_no_mini_app(tmp_path: Path) -> None:
    async with bot_harness(tmp_path) as bot:
        await bot.start()
        shown = await bot.chat(302).send("/assess")
        assert not [b for e in shown for b in buttons_of(e.get("reply_markup")) if "web_app" in b]
