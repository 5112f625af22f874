"""The dialog core with the real free-text answerer: side questions, free questions, help desk, inline."""

from __future__ import annotations

import pytest

from bot.dialog.core import Dialog
from bot.services import build_runtime
from bot.settings import Settings
from dialog_helpers import TODAY, Chat


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    return build_runtime(Settings()).dialog


def test_side_question_with_figures_mid_flow(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    chat.say("企业")
    chat.say("贴息上限多少？")
    assert "100万元" in chat.text() and "（四）1" in chat.text()
    assert chat.state.current == "in_city" and chat.state.facts == {"entity_type": "enterprise"}


def test_a_question_outside_an_assessment_is_answered_and_the_assessment_offered(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.say("去年质押贷款付了80万利息，能补多少？")
    assert "40万元" in chat.text()
    assert any("自助测评" in b.label for b in chat.buttons())
    chat.say("今天天气怎么样")
    assert "本助手只解答" in chat.text()
    chat.say("How much is the silver China Patent Award?")
    assert "300,000 yuan" in chat.text()


def test_helpdesk_forward_with_a_situation(dialog: Dialog) -> None:
    """The paste, then the staff notes (their properties are in tests/test_helpdesk.py)."""
    replies = dialog.helpdesk("我们是生物医药企业，去年拿了专利银奖，今年质押贷款付息80万，能拿多少补贴？", "zh", TODAY)
    paste, notes = replies[0], "\n".join(r.text for r in replies[1:])
    assert "40万元" in paste.text and paste.buttons[0][0].copy_text is not None
    assert "主营产业：生物医药健康" in notes and "知识产权质押贷款贴息 40万元" in notes
    assert "建议向客户确认" in notes and "石家庄" in notes
    assert all(len(r.text) <= 4096 for r in replies)


def test_inline_cards(dialog: Dialog) -> None:
    cards = dialog.inline("贴息", "zh")
    assert 1 <= len(cards) <= 10
    assert "质押" in cards[0].title + cards[0].text
    assert dialog.inline("今天天气怎么样", "zh") == []
    assert len(dialog.inline("", "zh")) == len(dialog.kb.benefits)  # every card; the channel pages them
    assert len(dialog.inline("", "zh", limit=10)) == 10


def test_inline_cards_never_ask_to_send_a_command(dialog: Dialog) -> None:
    """An inline card goes into someone else's chat: no "send /assess" there."""
    for query in ("贴息上限多少", "质押贷款利息80万能补多少", "马德里商标", "pledge loan interest", ""):
        for card in dialog.inline(query, "zh") + dialog.inline(query, "en"):
            assert "/assess" not in card.text and "/start" not in card.text, (query, card.text)
