"""Transcripts of whole conversations, kept in tests/transcripts/ and rendered as a phone shows them.

Each test drives the real bot against the fake Bot API (the harness of test_telegram_e2e), renders
what the user sees (plain text, bold and links as text, an expandable quote folded to its first
lines, buttons as [rows]) and compares it with the fixture. A change of wording or flow shows up
as a diff to read, not as a silent change. After an intended change, regenerate and review:

    IPBOT_UPDATE_TRANSCRIPTS=1 .venv/bin/pytest -q tests/test_transcripts.py && git diff tests/transcripts
"""

from __future__ import annotations

import difflib
import html
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.render import utf16_len
from fakes.telegram_bot import BusinessChat, Chat, Harness, buttons_of, popups
from fakes.users import BY_BUTTONS, NEGATIVE, has_result

JSON = dict[str, Any]
HERE = Path(__file__).parent / "transcripts"
PHONE_LINES = 20  # a message's visible lines on one phone screen, its folded part aside
FOLDED_LINES = 3  # an expandable quote shows its first lines until tapped
_FOLD = re.compile(r"<blockquote expandable>(.*?)</blockquote>", re.S)
_TAGS = re.compile(r"</?[a-z-]+(\s[^>]*)?>")

pytestmark = pytest.mark.slow


def on_phone(text: str) -> str:
    """HTML as the phone shows it: tags gone, an expandable quote folded."""
    def fold(m: re.Match[str]) -> str:
        lines = m.group(1).split("\n")
        shown = [f"┃ {line}" for line in lines[:FOLDED_LINES]]
        if len(lines) > FOLDED_LINES:
            shown.append(f"┃ …（点开还有 {len(lines) - FOLDED_LINES} 行）")
        return "\n".join(shown)

    return html.unescape(_TAGS.sub("", _FOLD.sub(fold, text)))


def visible_lines(text: str) -> int:
    return len(html.unescape(_TAGS.sub("", _FOLD.sub("", text))).strip("\n").split("\n"))


class Transcript:
    """What one person sees, in order: their own messages and taps, the bot's messages and edits."""

    def __init__(self, title: str) -> None:
        self.lines = [f"# {title}", ""]
        self.longest = 0

    def user(self, text: str) -> None:
        self.lines += [f"👤 {text}", ""]

    def note(self, text: str) -> None:
        self.lines += [f"   ({text})", ""]

    def bot(self, entries: list[JSON], *, who: str = "🤖") -> None:
        for entry in entries:
            verb = "（改为）" if entry.get("method") == "editMessageText" else ""
            self.longest = max(self.longest, visible_lines(entry.get("text") or ""))
            body = on_phone(entry.get("text") or "").split("\n")
            self.lines.append(f"{who}{verb} {body[0]}")
            self.lines += [f"   {line}" if line else "" for line in body[1:]]
            for row in (entry.get("reply_markup") or {}).get("inline_keyboard", []):
                self.lines.append("   " + " ".join(f"[{b['text']}{' ↗' if 'url' in b else ''}]" for b in row))
            self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def check(name: str, transcript: Transcript) -> None:
    """The transcript reads on a phone, and is the one kept in tests/transcripts/."""
    assert transcript.longest <= PHONE_LINES, f"a message of {transcript.longest} visible lines in {name}"
    path = HERE / f"{name}.txt"
    got = transcript.text()
    if os.environ.get("IPBOT_UPDATE_TRANSCRIPTS"):
        HERE.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    kept = path.read_text(encoding="utf-8") if path.exists() else ""
    if got != kept:
        diff = "".join(difflib.unified_diff(kept.splitlines(True), got.splitlines(True), str(path), "now"))
        pytest.fail(f"{path.name} differs from what the bot says now; review, then regenerate with "
                    f"IPBOT_UPDATE_TRANSCRIPTS=1 (see the module docstring)\n{diff}")


async def say(t: Transcript, chat: Chat, text: str) -> list[JSON]:
    t.user(text)
    shown = await chat.send(text)
    t.bot(shown)
    return shown


async def tap(t: Transcript, chat: Chat, label: str, *, starting: bool = False) -> list[JSON]:
    t.user(f"点 [{label}]")
    before = len(popups(chat.bot))
    shown = await (chat.press_starting(label) if starting else chat.press(label))
    if len(popups(chat.bot)) > before and popups(chat.bot)[-1]:
        t.note(f"弹出提示：{popups(chat.bot)[-1]}")
    t.bot(shown)
    return shown


async def test_transcript_of_a_full_self_assessment(bot: Harness) -> None:
    t = Transcript("一家石家庄企业的自助测评（点按钮），结果后修改一个答案")
    chat = bot.chat(2001)
    await say(t, chat, "/start")
    await tap(t, chat, "自助测评")
    for _ in range(25):
        qid = chat.question_id()
        labels = BY_BUTTONS.get(qid or "")
        if labels is None:
            texts = [b["text"] for b in chat.keyboard()[1]]
            labels = [next((n for n in NEGATIVE if n in texts), "不确定")]
        for label in labels:
            shown = await tap(t, chat, label)
        if has_result(shown):
            break
    await tap(t, chat, "修改答案")
    await tap(t, chat, "奖项与示范称号", starting=True)
    await tap(t, chat, "银奖")
    await tap(t, chat, "金奖")
    check("self_assessment", t)


async def test_transcript_of_a_group(bot: Harness) -> None:
    t = Transcript("在群里：测评转到私聊，别人的按钮点不了")
    alice = bot.chat(-100_2002, chat_type="supergroup", user_id=81)
    bob = bot.chat(-100_2002, chat_type="supergroup", user_id=82)
    t.note("群成员 A")
    await say(t, alice, "/start@ipbot_test_bot")
    bob.new()
    t.note("群成员 B 点了 A 的按钮")
    mid, buttons = bob.keyboard()
    t.user("点 [浏览政策条款]（B）")
    shown = await bob.press_data(mid, next(b["callback_data"] for b in buttons if b["text"] == "浏览政策条款"))
    t.note(f"弹出提示：{popups(bot)[-1]}")
    t.bot(shown)
    alice.new()
    await tap(t, alice, "自助测评")
    t.note("A 点 [私聊继续 ↗]，Telegram 打开与机器人的私聊")
    private = bot.chat(81)
    await say(t, private, "/start assess")
    check("group", t)


async def test_transcript_of_an_inline_session(bot: Harness) -> None:
    t = Transcript("内联模式：在别的聊天里输入 @ipbot_test_bot 贴息")
    t.user("@ipbot_test_bot 贴息")
    update = bot.fake.inline_query(2003, "贴息")
    await bot.processed(update)
    answer = bot.fake.calls_of("answerInlineQuery")[-1]
    t.lines.append(f"🤖 结果列表（{len(answer['results'])} 条），顶部按钮：[{answer['button']['text']}]")
    for card in answer["results"]:
        t.lines.append(f"   • {card['title']} — {card.get('description') or ''}")
    t.lines.append("")
    first = answer["results"][0]
    t.user(f"选 “{first['title']}”，发到这个聊天")
    inserted = {"text": first["input_message_content"]["message_text"], "reply_markup": first.get("reply_markup")}
    t.bot([inserted], who="📤")
    assert all(utf16_len(card["input_message_content"]["message_text"]) <= 4096 for card in answer["results"])
    assert buttons_of(first.get("reply_markup"))[0]["url"].endswith("?start=assess")
    check("inline", t)


async def test_transcript_of_a_business_exchange(bot: Harness) -> None:
    t = Transcript("Telegram Business：服务机构工作人员的客户聊天")
    desk = BusinessChat(bot, staff=2004, customer=2005)

    async def staff_sees() -> None:
        t.bot(desk.staff_seen, who="🔔 给工作人员：")
        desk.staff_seen = []

    t.note("工作人员在 Telegram Business 设置里连接本机器人，允许回复")
    await desk.connect()
    await staff_sees()
    for text, by_staff in (("你好，在吗？", False), ("马德里商标注册有奖励吗？", False),
                           ("质押贷款贴息最多能拿多少？", False), ("/bot_off", True), ("专利银奖奖励多少钱？", False)):
        t.user(f"{'工作人员' if by_staff else '客户'}：{text}")
        t.bot(await desk.say(text, by_staff=by_staff), who="🤖 在客户聊天里（以工作人员名义）：")
        await staff_sees()
    check("business", t)
