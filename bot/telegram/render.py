"""From the dialog core's replies to Bot API arguments, and the few texts only Telegram needs.

The core's texts are HTML and already escaped; this module only packs them: inline keyboards from
``Reply.buttons``, and a last guard that no message passes Telegram's 4096-character limit (split
on line boundaries, measured in UTF-16 code units as Telegram counts them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dialog.model import Button, Reply
from bot.i18n import Catalog
from knowledge.models import Lang

__all__ = [
    "MAX_CALLBACK_DATA",
    "MAX_TEXT",
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
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while utf16_len(line) > limit:  # one overlong line: cut it hard
            if current:
                parts.append(current)
                current = ""
            cut = _prefix_within(line, limit)
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
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


def keyboard(buttons: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons if row]
    )


def messages(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """One reply as (text, keyboard) messages: the keyboard goes with the last part."""
    parts = fit(reply.text)
    markup = keyboard(reply.buttons)
    return [(p, markup if i == len(parts) - 1 else None) for i, p in enumerate(parts)]


def plain(text: str) -> str:
    """HTML as plain text: the fallback when Telegram refuses our markup."""
    return html.unescape(_TAGS.sub("", text))


# -- the channel's own texts ------------------------------------------------------------------------
# Texts that only the Telegram channel needs. A key present in the message catalogue
# (bot/locales/*.yaml) wins, so these can move there without touching the code.
_TEXTS: dict[Lang, dict[str, str]] = {
    "zh": {
        "tg.cmd.start": "开始 / 主菜单",
        "tg.cmd.assess": "自助测评：能申请哪些奖补",
        "tg.cmd.ask": "问一个政策问题",
        "tg.cmd.clauses": "浏览政策条款",
        "tg.cmd.lang": "切换语言 / Language",
        "tg.cmd.help": "使用帮助",
        "tg.cmd.cancel": "结束当前测评（回答会保留）",
        "tg.cmd.forget": "删除我的全部记录",
        "tg.error": "抱歉，处理您的消息时出了点问题。您的回答都已保存，"
                    "请稍后再发一次，或发送 /assess 继续测评。",
        "tg.text_only": "抱歉，我只能读文字消息。请用文字回答或提问，或发送 /help 查看用法。",
        "tg.reload.ok": "知识库已重新加载：{benefits} 项奖补、{facts} 个事实、{clauses} 个条款。",
        "tg.reload.refused": "新的知识库有错误，未加载，仍在使用原来的版本：",
        "tg.stats.title": "<b>使用统计</b> {start} 至 {end}（{days} 天）",
        "tg.stats.questions": "提问：{n}（其中未能回答：{unanswered}）",
        "tg.stats.helpdesk": "转发的客户咨询：{n}",
        "tg.stats.assessments": "自助测评：开始 {started}，完成 {finished}",
        "tg.stats.benefits": "被问得最多的奖补：",
        "tg.stats.benefit": "{i}. {name} {ref}：{n} 次",
        "tg.stats.none": "（暂无）",
        "tg.stats.usage": "用法：/stats [天数]，或 /stats 2025-01-01 2025-01-31",
    },
    "en": {
        "tg.cmd.start": "Start / main menu",
        "tg.cmd.assess": "Self-assessment: which subsidies apply to you",
        "tg.cmd.ask": "Ask a question about the policy",
        "tg.cmd.clauses": "Browse the policy's clauses",
        "tg.cmd.lang": "语言 / Language",
        "tg.cmd.help": "How to use this bot",
        "tg.cmd.cancel": "Stop the assessment (answers are kept)",
        "tg.cmd.forget": "Delete everything stored about me",
        "tg.error": "Sorry, something went wrong handling your message. Your answers are saved; "
                    "please send it again in a moment, or /assess to continue.",
        "tg.text_only": "Sorry, I can only read text messages. Type your answer or question, or send /help.",
        "tg.reload.ok": "Knowledge base reloaded: {benefits} entries, {facts} facts, {clauses} clauses.",
        "tg.reload.refused": "The new knowledge base has errors and was not loaded; the previous one stays:",
        "tg.stats.title": "<b>Usage</b> {start} to {end} ({days} days)",
        "tg.stats.questions": "Questions: {n} (not answered: {unanswered})",
        "tg.stats.helpdesk": "Customer messages forwarded: {n}",
        "tg.stats.assessments": "Self-assessments: {started} started, {finished} finished",
        "tg.stats.benefits": "Benefits asked about most:",
        "tg.stats.benefit": "{i}. {name} ({ref}): {n}",
        "tg.stats.none": "(none)",
        "tg.stats.usage": "Usage: /stats [days], or /stats 2025-01-01 2025-01-31",
    },
}


def tg_text(catalog: Catalog, lang: Lang, key: str, **params: object) -> str:
    """A channel text: from the catalogue when it has the key, else from the built-in table."""
    if key in catalog.messages.get(lang, {}):
        return catalog.t(lang, key, **params)
    template = _TEXTS[lang].get(key) or _TEXTS["zh"][key]
    return template.format(**params) if params else template
