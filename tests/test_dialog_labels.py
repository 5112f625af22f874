"""Every button label the bot shows, typed instead of tapped, does what the tap does.

One table of screens (reached by taps from the start, as callback data, so the same path works in both
languages); on each, every button shown, by its label in the session's language and in the other one.
Typed and tapped must leave the same session (answers, the question on screen, the language, ticks)
and say the same things; a typed label edits nothing, so the notes that only stand in for an edited
message ("已修改，新的测评结果见下条消息", "已全部回答") are not expected of it. An option of a tick-all
question typed by name is that option ticked and the list done; "完成" typed is the list done.

The dialog core is checked for all of them; the console and the Telegram harness end to end for the
labels that reach the dialog through each channel's own input path.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.channels.console import Screen, chat, render, to_input
from bot.dialog.callbacks import FORGET_CONFIRM, Code, callback, code_of, split
from bot.dialog.core import Dialog
from bot.dialog.model import Button, ButtonInput, CommandInput, Input, Reply, SessionState, TextInput
from bot.present.report import Renderer
from bot.services import Conversations, PolicyRuntime, make_answerer
from bot.storage.factory import open_store
from eligibility.results import Validity
from fakes.bot_api import FakeBotApi
from fakes.in_process import BOT_USERNAME, InProcessBot, settings_for
from fakes.telegram_bot import buttons_of
from knowledge.models import KnowledgeBase, Lang

TODAY = date(2025, 3, 1)
ENTERPRISE = ["m|assess", "a|entity_type|enterprise", "a|in_city|y"]
ACHIEVEMENTS_NONE = [*ENTERPRISE, "a|group:achievements|none"]
ALL_NONE = [*ACHIEVEMENTS_NONE, "a|group:finance|none", "a|group:projects|none", "a|group:services|none"]
RESULT = [*ALL_NONE, "a|china_patent_award_last_year|silver"]
UNIVERSITY_NONE = ["m|assess", "a|entity_type|university", "a|in_city|y", "a|group:achievements|none",
                   "a|group:projects|none", "a|group:services|none", "a|china_patent_award_last_year|none"]

# Screens, by the inputs that reach them from /start: callback data, "/command" or "say:text".
SCREENS: dict[str, list[str]] = {
    "the menu": [],
    "the applicant (pick one)": ["m|assess"],
    "registered in the city (yes/no)": ENTERPRISE[:2],
    "achievements (tick all)": ENTERPRISE,
    "achievements with a tick": [*ENTERPRISE, "t|group:achievements|new_madrid_registration"],
    "an exporter (a follow-up)": [*ENTERPRISE, "t|group:achievements|new_madrid_registration",
                                  "d|group:achievements"],
    "finance (tick all, amounts)": ACHIEVEMENTS_NONE,
    "the interest paid (an amount)": [*ACHIEVEMENTS_NONE, "t|group:finance|pledge_loan_interest_paid_yuan",
                                      "d|group:finance"],
    "the patent award (pick one)": ALL_NONE,
    "the issues originated (amounts)": UNIVERSITY_NONE,
    "the result": RESULT,
    "the answers summary": [*RESULT, "m|answers"],
    "a group of answers": [*RESULT, "m|answers", "v|basic"],
    "an answer being changed": [*RESULT, "m|answers", "v|basic", "x|in_city"],
    "the last result or a fresh start": [*RESULT, "/cancel", "m|assess"],
    "the clause list": ["m|clauses"],
    "a level of the clause list": ["m|clauses", "k|protection"],
    "a clause card": ["m|clauses", "k|protection", "c|ip_legal_aid"],
    "the forget confirmation": ["/forget_ask"],
}
# Notes that stand in for a message a tap edits in place; typed, nothing is edited.
EDIT_NOTES = ("dlg.all_answered", "dlg.change_done")


def _input(step: str) -> Input:
    if step.startswith("/"):
        name, _, arg = step[1:].partition(" ")
        return CommandInput(name, arg)
    if step.startswith("say:"):
        return TextInput(step.removeprefix("say:"))
    return ButtonInput(step)


def _reach(dialog: Dialog, path: list[str], lang: Lang) -> tuple[SessionState, list[Reply]]:
    state = SessionState(lang=lang)
    replies, state = dialog.handle(state, CommandInput("start"), TODAY)
    for step in path:
        replies, state = dialog.handle(state, _input(step), TODAY)
    return state, replies


def _tappable(replies: list[Reply]) -> list[Button]:
    """The buttons that send data back (a link, a share or a copy button is not typed)."""
    return [b for r in replies for row in r.buttons for b in row
            if b.url is None and b.share is None and b.copy_text is None]


def _typed_label(button: Button) -> str:
    return button.label.removeprefix("▫️ ").removeprefix("✅ ")


def _tap(dialog: Dialog, state: SessionState, data: str) -> tuple[list[Reply], SessionState]:
    """The tap; an option of a tick-all question is ticked and the list done (what its name typed means)."""
    if code_of(data) is Code.TICK:
        qid = split(data)[1].partition("|")[0]
        ticked, state = dialog.handle(state, ButtonInput(data), TODAY)
        done, state = dialog.handle(state, ButtonInput(callback(Code.DONE, qid)), TODAY)
        return [*ticked, *done], state
    return dialog.handle(state, ButtonInput(data), TODAY)


def _outcome(dialog: Dialog, replies: list[Reply], state: SessionState, *, tick: bool) -> tuple[Any, ...]:
    notes = {dialog.t(state.lang, key) for key in EDIT_NOTES}
    texts = [r.text for r in replies if r.text not in notes]
    if tick:  # the tick itself redraws the question; what counts is where "done" leads
        texts = texts[1:]
    return (state.facts, state.mode, state.current, state.lang, state.skipped, state.topic, state.ticked,
            state.history and state.history[-1].question, texts)


def _cases() -> list[Any]:
    return [pytest.param(screen, lang, id=f"{screen}-{lang}") for screen in SCREENS for lang in ("zh", "en")]


@pytest.fixture(scope="module")
def dialog(kb: KnowledgeBase, renderer: Renderer, validity: Validity) -> Dialog:
    return Dialog(kb, renderer, validity, make_answerer(kb, renderer))


def test_the_screens_show_every_kind_of_button(dialog: Dialog) -> None:
    """The table reaches every code of button the dialog sends back (so no kind of label is left out)."""
    codes = {code_of(b.data) for path in SCREENS.values() for b in _tappable(_reach(dialog, path, "zh")[1])}
    assert codes >= set(Code), set(Code) - codes


@pytest.mark.parametrize(("screen", "lang"), _cases())
def test_every_label_typed_does_what_its_tap_does(dialog: Dialog, screen: str, lang: Lang) -> None:
    state, replies = _reach(dialog, SCREENS[screen], lang)
    other: Lang = "en" if lang == "zh" else "zh"
    other_labels = {b.data: b.label for b in _tappable(_reach(dialog, SCREENS[screen], other)[1])}
    buttons = _tappable(replies)
    assert buttons, f"{screen}: no buttons"
    checked = 0
    for button in buttons:
        if button.label.startswith("✅") or button.data == FORGET_CONFIRM:
            continue  # typing a ticked option's name keeps it; the forget confirmation is the channel's
        tapped = _tap(dialog, state, button.data)
        expected = _outcome(dialog, *tapped, tick=code_of(button.data) is Code.TICK)
        for label in {_typed_label(button), _typed_label(Button(other_labels.get(button.data, ""), ""))} - {""}:
            typed = dialog.handle(state, TextInput(label), TODAY)
            got = _outcome(dialog, *typed, tick=False)
            assert got == expected, f"{screen} ({lang}): typed {label!r}, tapped {button.data!r}"
            checked += 1
    assert checked


# -- the channels ------------------------------------------------------------------------------------

CHANNEL_LABELS = {  # a screen and a label typed on it, in each language
    "zh": [("the menu", "自助测评"), ("the menu", "浏览政策条款"), ("the applicant (pick one)", "企业"),
           ("registered in the city (yes/no)", "不确定"), ("achievements (tick all)", "马德里国际商标注册"),
           ("the patent award (pick one)", "银奖"),
           ("the result", "修改答案"), ("a level of the clause list", "维权援助"),
           ("the forget confirmation", "确认删除")],
    "en": [("the menu", "Self-assessment"), ("the applicant (pick one)", "University"),
           ("registered in the city (yes/no)", "« Back"), ("the patent award (pick one)", "Silver"),
           ("the result", "Change an answer"), ("the clause list", "IP protection")],
}


def _channel_cases() -> list[Any]:
    return [pytest.param(screen, lang, label, id=f"{lang}-{label}") for lang, rows in CHANNEL_LABELS.items()
            for screen, label in rows]


def _console_lines(dialog: Dialog, path: list[str], lang: Lang) -> tuple[list[str], Screen]:
    """What a console user types to follow ``path`` (a button's number for a tap), and the screen then."""
    lines: list[str] = []
    state = SessionState()
    replies, state = dialog.handle(state, CommandInput("start"), TODAY)
    screen = render(replies)[1]
    for step in ["/lang en", *path] if lang == "en" else path:
        if code_of(step) is Code.DONE:
            continue  # the console has no "done": an option's number already answered the list
        if step.startswith("say:"):
            lines.append(step.removeprefix("say:"))
        elif step.startswith("/"):
            lines.append(step)
        else:
            lines.append(str([b.data for b in screen.buttons].index(step) + 1))
        replies, state = dialog.handle(state, to_input(lines[-1], screen), TODAY)
        screen = render(replies)[1] if render(replies)[1].buttons else screen
    return lines, screen


async def _console(conversations: Conversations, store: Any, lines: list[str], user: str) -> tuple[Any, ...] | None:
    """The console run on ``lines``; the session it leaves (None: deleted)."""
    await chat(conversations, store, stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=io.StringIO(),
               today=lambda: TODAY, user=user)
    stored = await store.load(f"console:{user}")
    if stored is None:
        return None
    return tuple(stored.state.get(k) for k in ("facts", "mode", "current", "lang", "skipped", "topic", "ticked"))


@pytest.mark.parametrize(("screen", "lang"), _cases())
def test_every_label_typed_in_the_console_reaches_the_dialog_as_text(dialog: Dialog, screen: str,
                                                                    lang: Lang) -> None:
    """The console turns a number into a press and "/…" into a command; every label the bot shows, typed
    (in either language), must reach the dialog as the text typed, where the test above holds."""
    shown = _console_lines(dialog, SCREENS[screen], lang)[1]
    other: Lang = "en" if lang == "zh" else "zh"
    labels = {_typed_label(b) for b in shown.buttons}
    labels |= {_typed_label(b) for b in _tappable(_reach(dialog, SCREENS[screen], other)[1])}
    for label in labels - {""}:
        assert to_input(label, shown) == TextInput(label), f"console {screen} ({lang}): {label!r}"


@pytest.mark.parametrize(("screen", "lang", "label"), _channel_cases())
async def test_a_label_typed_in_the_console_does_what_its_number_does(
        tmp_path: Path, kb: KnowledgeBase, renderer: Renderer, validity: Validity, dialog: Dialog,
        screen: str, lang: Lang, label: str) -> None:
    """In the console a tap is the button's number; the label typed must leave the same session."""
    lines, shown = _console_lines(dialog, SCREENS[screen], lang)
    number = next(str(n) for n, b in enumerate(shown.buttons, start=1) if _typed_label(b).startswith(label))
    runtime = PolicyRuntime(kb, renderer.cat, renderer, validity, dialog)
    async with open_store(f"sqlite:///{tmp_path / 'console.db'}") as store:
        conversations = Conversations(runtime, store)
        typed = await _console(conversations, store, [*lines, label], "typed")
        tapped = await _console(conversations, store, [*lines, number], "tapped")
    assert typed == tapped, f"console ({lang}) {screen}: typed {label!r}, pressed {number}"


TELEGRAM_LABELS = {  # a screen and a label typed on it, in each language
    "zh": [*CHANNEL_LABELS["zh"], ("achievements with a tick", "完成"), ("the answers summary", "基本情况"),
           ("the last result or a fresh start", "重新开始")],
    "en": [*CHANNEL_LABELS["en"], ("achievements with a tick", "Done"), ("a clause card", "Self-assessment")],
}


def _telegram_cases() -> list[Any]:
    return [pytest.param(screen, lang, label, id=f"{lang}-{label}") for lang, rows in TELEGRAM_LABELS.items()
            for screen, label in rows]


@pytest.fixture
async def telegram(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    fake = FakeBotApi(bot_username=BOT_USERNAME)
    async with InProcessBot(fake, settings_for(fake, tmp_path)) as in_process:
        yield in_process


async def _press(bot: InProcessBot, chat_id: int, data: str, lang: Lang) -> None:
    """Press ``data`` on the newest message in the chat that carries it, as a user in ``lang``."""
    holder = next(m for m in reversed(bot.fake.messages_to(chat_id))
                  if any(b.get("callback_data") == data for b in buttons_of(m["reply_markup"])))
    await bot.feed(bot.fake.press_button(chat_id, holder["message_id"], data, enqueue=False,
                                         language_code="en" if lang == "en" else "zh-hans"))


async def _follow(bot: InProcessBot, chat_id: int, path: list[str], lang: Lang) -> None:
    code = "en" if lang == "en" else "zh-hans"
    await bot.say(chat_id, "/start", language_code=code)
    for step in path:
        if step.startswith("/") or step.startswith("say:"):
            await bot.say(chat_id, step.removeprefix("say:"), language_code=code)
        else:
            await _press(bot, chat_id, step, lang)


def _screen(bot: InProcessBot, chat_id: int) -> tuple[Any, ...]:
    """What the chat shows last: the newest message's text, and the newest keyboard with its text."""
    sent = bot.fake.messages_to(chat_id)
    current = [bot.fake.message(chat_id, m["message_id"]) or m for m in sent]
    keyboards = [m for m in current if buttons_of(m.get("reply_markup"))]
    last = keyboards[-1] if keyboards else {}
    return (current[-1].get("text"), last.get("text"),
            [b.get("callback_data") for b in buttons_of(last.get("reply_markup"))])


@pytest.mark.parametrize(("screen", "lang", "label"), _telegram_cases())
async def test_a_label_typed_in_telegram_does_what_its_tap_does(
        telegram: InProcessBot, dialog: Dialog, screen: str, lang: Lang, label: str) -> None:
    """End to end in the Telegram harness: the label typed leaves the chat on the same screen as its tap."""
    replies = _reach(dialog, SCREENS[screen], lang)[1]
    data = next(b.data for b in _tappable(replies) if _typed_label(b).startswith(label))
    typed_chat, tapped_chat = 7001, 7002
    await _follow(telegram, typed_chat, SCREENS[screen], lang)
    await _follow(telegram, tapped_chat, SCREENS[screen], lang)
    if code_of(data) is Code.TICK:
        await _press(telegram, tapped_chat, data, lang)
        data = callback(Code.DONE, split(data)[1].partition("|")[0])
    await telegram.say(typed_chat, label, language_code="en" if lang == "en" else "zh-hans")
    await _press(telegram, tapped_chat, data, lang)
    typed, tapped = _screen(telegram, typed_chat), _screen(telegram, tapped_chat)
    if data == FORGET_CONFIRM:  # deleted either way; the tap also edits its own question away
        typed, tapped = typed[:1], tapped[:1]
    assert typed == tapped, f"telegram ({lang}) {screen}: {label!r}"


@pytest.mark.parametrize(("lang", "label"), [("zh", "政策调整时通知我"), ("en", "Tell me when the policy changes")])
async def test_the_notices_label_typed_subscribes_as_its_tap_does(telegram: InProcessBot, lang: Lang,
                                                                  label: str) -> None:
    """The channel's own button under the result: typed, it subscribes and confirms as the tap does."""
    typed_chat, tapped_chat = 7101, 7102
    code = "en" if lang == "en" else "zh-hans"
    for chat_id in (typed_chat, tapped_chat):
        await _follow(telegram, chat_id, SCREENS["the result"], lang)
    optin = next(b["callback_data"] for m in reversed(telegram.fake.messages_to(tapped_chat))
                 for b in buttons_of(m["reply_markup"]) if b["text"] == label)
    sent = await telegram.say(typed_chat, label, language_code=code)
    await _press(telegram, tapped_chat, optin, lang)
    typed, tapped = _screen(telegram, typed_chat), _screen(telegram, tapped_chat)
    assert [m["text"] for m in sent] == [typed[0]]  # one message: the confirmation, not a dialog reply
    assert typed == tapped


@pytest.mark.parametrize(("lang", "typed"), [
    ("zh", "看看政策条款"), ("zh", "浏览条款"), ("zh", "看条款"), ("zh", "条款列表"), ("zh", "我想看看有哪些条款"),
    ("en", "show me the clauses"), ("en", "browse clauses"), ("en", "Browse policy clauses"),
])
def test_the_clause_browser_asked_for_in_other_words_is_what_its_button_does(dialog: Dialog, lang: Lang,
                                                                             typed: str) -> None:
    """Not only the label: "看看政策条款" opens the clause browser, as 浏览政策条款 tapped does (not the main menu)."""
    state, _ = _reach(dialog, [], lang)
    tapped, _ = _tap(dialog, state, callback(Code.MENU, "clauses"))
    state, _ = _reach(dialog, [], lang)
    typed_replies, _ = dialog.handle(state, TextInput(typed), TODAY)
    assert [r.text for r in typed_replies] == [r.text for r in tapped]
    assert [b.data for r in typed_replies for row in r.buttons for b in row] \
        == [b.data for r in tapped for row in r.buttons for b in row]
