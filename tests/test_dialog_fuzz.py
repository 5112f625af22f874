"""Property-based abuse of the dialog core: arbitrary text, every button in random order, forged and stale
callback data. No exception escapes, no stored answer is lost, every reply is valid for Telegram."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialog.core import Dialog
from bot.dialog.model import ButtonInput, CommandInput, Input, SessionState, TextInput
from bot.present.report import Renderer
from bot.services import build_runtime
from bot.settings import Settings
from dialog_helpers import TODAY
from eligibility.results import Validity
from knowledge.models import KnowledgeBase

ANSWERS = ["企业", "是", "否", "没有", "都没有", "80万", "1.2亿", "银奖", "1,3", "不确定", "上一题", "重新开始",
           "english", "中文", "修改", "结果", "原因", "贴息上限多少？", "我们还拿了马德里注册", "/assess", "取消"]
COMMANDS = ["start", "assess", "ask", "clauses", "lang", "help", "cancel", "back", "restart", "result", "nope"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        assert tag in {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag


def check_replies(replies: list[Any]) -> None:
    assert replies, "every input gets an answer"
    for r in replies:
        assert 0 < len(r.text) <= 4096
        parser = _Tags()
        parser.feed(r.text)
        parser.close()
        assert not parser.stack
        for row in r.buttons:
            for b in row:
                assert len(b.data.encode()) <= 64 and b.label


action = st.one_of(
    st.text(max_size=300).map(TextInput),
    st.sampled_from(ANSWERS).map(TextInput),
    st.sampled_from(COMMANDS).map(CommandInput),
    st.text(max_size=80).map(ButtonInput),
    st.integers(min_value=0, max_value=30).map(lambda i: ("press", i)),
)


_REAL: list[Dialog] = []


def real_dialog() -> Dialog:
    """The production wiring (with the free-text answerer), built once for all examples."""
    if not _REAL:
        _REAL.append(build_runtime(Settings()).dialog)
    return _REAL[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(action, min_size=1, max_size=25), with_answerer=st.booleans())
def test_no_input_breaks_the_dialog_or_loses_an_answer(steps: list[Any], with_answerer: bool, kb: KnowledgeBase,
                                                        renderer: Renderer, validity: Validity) -> None:
    dialog = real_dialog() if with_answerer else Dialog(kb, renderer, validity)
    state = SessionState()
    buttons: list[str] = []
    for step in steps:
        inp: Input
        if isinstance(step, tuple):
            if not buttons:
                continue
            inp = ButtonInput(buttons[step[1] % len(buttons)])
        else:
            inp = step
        before = dict(state.facts)
        replies, state = dialog.handle(state, inp, TODAY)
        check_replies(replies)
        pressed_or_typed = inp.data if isinstance(inp, ButtonInput) else getattr(inp, "text", getattr(inp, "name", ""))
        undoing = any(w in str(pressed_or_typed) for w in ("back", "restart", "上一题", "重新开始", "n|", "m|fresh"))
        if not undoing:
            lost = {k for k in before if k not in state.facts}
            assert not lost, f"{inp} lost {lost}"
        assert SessionState.from_json(state.to_json(), kb).to_json() == state.to_json()
        new_buttons = [b.data for r in replies for row in r.buttons for b in row]
        buttons = new_buttons or buttons


def test_a_100_kb_message_is_answered_quickly(kb: KnowledgeBase, renderer: Renderer, validity: Validity) -> None:
    dialog = Dialog(kb, renderer, validity)
    state = SessionState()
    _, state = dialog.handle(state, CommandInput("assess"), TODAY)
    for text in ("我" * 100_000, "💥" * 50_000 + "\x00\x1b[31m", "<b>" * 20_000):
        replies, state = dialog.handle(state, TextInput(text), TODAY)
        check_replies(replies)
    assert state.mode == "assess"
