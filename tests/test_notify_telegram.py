"""Policy-change notices through the real Telegram application and the fake Bot API.

Three users finish a self-assessment; two tap "政策调整时通知我"; a test-edited knowledge base changes the
result of one of them; staff send /reload: exactly that user gets one message with the difference, in their
language; a second /reload of the same version sends nothing; a Bot API failure half-way leaves a notice
pending, and the next start sends it, once. /forget deletes the subscription and the unanswered texts.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.agency.telegram_notify import OPTIN_CALLBACK, STOP_CALLBACK
from bot.channels.telegram.subscribe import PolicyNotices
from fakes.bot_api import FakeApiError, FakeBotApi
from fakes.telegram_bot import STAFF, Chat, Harness, bot_harness, popups
from fakes.users import BY_BUTTONS, answer_by_buttons
from knowledge.loader import DATA_DIR

pytestmark = pytest.mark.slow

JSON = dict[str, Any]
NO_AWARD = {k: v for k, v in BY_BUTTONS.items() if k != "china_patent_award_last_year"}  # a "no" there
SILVER_OLD, SILVER_NEW = "silver: 300000", "silver: 350000"


def notices_of(bot: Harness) -> PolicyNotices:
    """The application's PolicyNotices (the callback of the opt-in's handler)."""
    assert bot.app is not None
    for handlers in bot.app.handlers.values():
        for h in handlers:
            owner = getattr(h.callback, "__self__", None)
            if isinstance(owner, PolicyNotices):
                return owner
    raise AssertionError("no PolicyNotices registered")


def raise_silver_award(kb_dir: Path) -> None:
    path = kb_dir / "benefits" / "1_creation.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(SILVER_OLD) == 1
    path.write_text(text.replace(SILVER_OLD, SILVER_NEW), encoding="utf-8")


async def finish(chat: Chat, script: dict[str, list[str]]) -> int:
    """Answer the questionnaire; the id of the result's message (the one with the opt-in button)."""
    await chat.send("/assess")
    shown = await answer_by_buttons(chat, script)
    [result] = [e for e in shown if any(b.get("callback_data") == OPTIN_CALLBACK
                                        for row in (e.get("reply_markup") or {}).get("inline_keyboard", [])
                                        for b in row)]
    return int(result["message_id"])


def notices_to(fake: FakeBotApi, chat_id: int) -> list[str]:
    return [t for t in fake.texts_to(chat_id) if t.startswith(("政策调整提醒", "Policy update"))]


async def test_a_policy_change_tells_exactly_the_subscriber_whose_result_changed_once(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(DATA_DIR, kb_dir)
    async with bot_harness(tmp_path / "data", IPBOT_KB_DIR=kb_dir) as bot:
        await bot.start()
        staff = bot.chat(STAFF)
        silver, no_award, silent = bot.chat(2101), bot.chat(2102), bot.chat(2103)
        silver_result = await finish(silver, BY_BUTTONS)
        no_award_result = await finish(no_award, NO_AWARD)
        await finish(silent, BY_BUTTONS)  # the same result as `silver`, but never asks to be told

        await silver.send("/lang en")  # the notice comes in the language the user chose last
        [done] = await silver.press_data(silver_result, OPTIN_CALLBACK, "opt in")
        assert done["text"].startswith("Done: if a policy change affects your results")
        assert [b["callback_data"] for row in done["reply_markup"]["inline_keyboard"] for b in row] == [STOP_CALLBACK]
        assert await silver.press_data(silver_result, OPTIN_CALLBACK, "opt in again") == []  # a pop-up only
        assert popups(bot)[-1].startswith("You are already subscribed")
        [ok] = await no_award.press_data(no_award_result, OPTIN_CALLBACK, "opt in")
        assert ok["text"].startswith("好的，政策调整且影响您的测评结果时")

        raise_silver_award(kb_dir)
        [reloaded] = await staff.send("/reload")
        assert "2 位订阅用户中，1 位的测评结果有变化" in reloaded["text"], reloaded["text"]
        await notices_of(bot).idle()
        [notice] = notices_to(bot.fake, 2101)
        assert notice.startswith("Policy update")
        assert "your expected amount changed from 300,000 yuan to 350,000 yuan" in notice
        assert notices_to(bot.fake, 2102) == [] and notices_to(bot.fake, 2103) == []

        [again] = await staff.send("/reload")  # the same version: nobody is told twice
        assert "2 位订阅用户中，0 位的测评结果有变化" in again["text"], again["text"]
        await notices_of(bot).idle()
        assert len(notices_to(bot.fake, 2101)) == 1

        await bot.restart()  # a start on the version already notified: nothing either
        await notices_of(bot).idle()
        assert len(notices_to(bot.fake, 2101)) == 1 and notices_to(bot.fake, 2103) == []


async def test_a_run_cut_short_is_resumed_by_the_next_start_without_a_duplicate(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(DATA_DIR, kb_dir)
    async with bot_harness(tmp_path / "data", IPBOT_KB_DIR=kb_dir) as bot:
        await bot.start()
        staff, first, second = bot.chat(STAFF), bot.chat(2201), bot.chat(2202)
        for chat in (first, second):
            result = await finish(chat, BY_BUTTONS)
            await chat.press_data(result, OPTIN_CALLBACK, "opt in")

        # The Bot API fails the first notice (a 502): the run stops there, the rest left pending.
        _, send_message = bot.fake._handlers["sendmessage"]
        failed: list[int] = []

        def flaky(params: JSON) -> Any:
            if str(params.get("text", "")).startswith("政策调整提醒") and not failed:
                failed.append(int(params["chat_id"]))
                raise FakeApiError(502, "Bad Gateway")
            return send_message(params)

        bot.fake.register("sendMessage", flaky)
        raise_silver_award(kb_dir)
        await staff.send("/reload")
        await notices_of(bot).idle()
        assert len(failed) == 1
        told = {c: len(notices_to(bot.fake, c)) for c in (2201, 2202)}
        assert told[failed[0]] == 0 and sum(told.values()) <= 1

        await bot.restart()  # the same new version at start: the pending notices go out
        await notices_of(bot).idle()
        assert [len(notices_to(bot.fake, c)) for c in (2201, 2202)] == [1, 1]


async def test_forget_deletes_the_subscription_and_the_unanswered_questions(tmp_path: Path) -> None:
    async with bot_harness(tmp_path) as bot:
        await bot.start()
        user, other = bot.chat(2301), bot.chat(2302)
        result = await finish(user, BY_BUTTONS)
        await user.press_data(result, OPTIN_CALLBACK, "opt in")
        await user.send("我叫王小明，电话13812345678，商标被抢注了怎么办？")
        await other.send("公司的员工食堂有补贴吗？我们有200人")
        notices = notices_of(bot)
        assert notices.subs is not None and notices.log is not None
        assert await notices.subs.is_subscribed("tg:2301")
        texts = [t for _, _, t in await notices.log.between(date(2000, 1, 1), date(2100, 1, 1))]
        assert len(texts) == 2, texts
        assert all("1381" not in t and "王小明" not in t and "200" not in t for t in texts), texts

        db = sqlite3.connect(tmp_path / "ipbot.db")
        try:
            [(key, chat)] = db.execute("SELECT user_key, chat FROM policy_subscriptions").fetchall()
            keys = [k for (k,) in db.execute("SELECT user_key FROM unanswered_questions")]
        finally:
            db.close()
        assert key.startswith("h1:") and chat.startswith("e1:")  # the key hashed, the chat id sealed
        assert len(keys) == 2 and all(k.startswith("h1:") for k in keys)

        await user.send("/forget")
        await user.press("确认删除")
        assert not await notices.subs.is_subscribed("tg:2301")
        left = [t for _, _, t in await notices.log.between(date(2000, 1, 1), date(2100, 1, 1))]
        assert len(left) == 1 and "食堂" in left[0]  # the other user's question stays
