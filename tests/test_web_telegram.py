"""The Telegram side of the Mini App, against the fake Bot API: with WEB_PUBLIC_URL set, the chat's
menu button and the /assess message open the web page (``web_app`` buttons); without it, nothing changes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import socket
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.channels.web.security import sign_init_data
from fakes.bot_api import JSON, FakeBotApi
from fakes.processes import bot_process, outputs
from fakes.telegram_bot import WAIT, bot_harness, buttons_of

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


@pytest.mark.slow
async def test_ipbot_run_serves_telegram_and_the_page_side_by_side_sharing_the_session(tmp_path: Path) -> None:
    """`ipbot run` with a token and WEB_PORT: the chat and the Mini App are one session in one store."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with FakeBotApi() as fake, bot_process(tmp_path, fake, WEB_PORT=str(port), WEB_LISTEN="127.0.0.1") as process:
        await fake.wait_for_calls("getUpdates", timeout=30)
        fake.user_message(4242, "/assess")
        await fake.wait_for_calls("sendMessage", chat_id=4242, timeout=WAIT)
        fake.user_message(4242, "企业")  # typed in the chat: question 1 answered
        init_data = sign_init_data({"auth_date": str(int(time.time())), "user": json.dumps({"id": 4242})},
                                   fake.token)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            page = ""
            for _ in range(100):
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with http.get(f"http://127.0.0.1:{port}/") as resp:
                        page = await resp.text()
                        break
                await asyncio.sleep(0.1)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page)
            assert csrf, page[:300]
            async with http.post(f"http://127.0.0.1:{port}/tg/auth",
                                 data={"initData": init_data, "csrf": csrf.group(1)}) as resp:
                assert resp.status == 200
            for _ in range(100):  # until the chat's answer is processed
                async with http.get(f"http://127.0.0.1:{port}/") as resp:
                    page = await resp.text()
                if "<b>问题 2</b>" in page:
                    break
                await asyncio.sleep(0.1)
        assert 'data-tg="ok"' in page and "<b>问题 2</b>" in page  # where the chat is
        process.send_signal(signal.SIGTERM)
        _, err = await outputs(process, WAIT)
    assert process.returncode == 0, err
    assert "4242" not in "\n".join(ln for ln in err.splitlines() if "bot.web" in ln)
