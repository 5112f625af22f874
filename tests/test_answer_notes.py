"""What the language layer reads into a figure is said with the amount computed from it (issue 10 §5).

A month's or a quarter's interest made a year's, and an approximate figure ("三十来万", "about"), are stated
back in `ipbot ask`'s card as they are in the chat, and an amount computed from an approximate figure is
itself "约"/"about". The chat's answerer leaves the note to the dialog, which says it when it records the
figure (never twice).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.present.answer import AnswerRenderer, side_answerer
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from eligibility.ask import AskResult, ask
from eligibility.matcher import Matcher
from knowledge.models import KnowledgeBase

TODAY = date(2026, 6, 1)


def card(matcher: Matcher, answers: AnswerRenderer, question: str) -> tuple[AskResult, str]:
    result = ask(matcher, question, today=TODAY)
    return result, answers.render(result)


@pytest.mark.parametrize(("question", "amount", "note"), [
    ("我们每个月付利息2万，贴息能拿多少", "12万元", "按每个月2万、一年约24万元计算。"),
    ("质押贷款利息每季度5万，能补多少", "10万元", "按每季度5万、一年约20万元计算。"),
    ("We pay 20,000 yuan of pledge loan interest each month. What is the subsidy?", "120,000 yuan",
     "Read as 20,000 yuan per month: about 240,000 yuan a year."),
])
def test_a_period_made_a_year_is_said_with_the_amount(matcher: Matcher, answers: AnswerRenderer, question: str,
                                                      amount: str, note: str) -> None:
    result, text = card(matcher, answers, question)
    assert result.amount is not None and amount in text
    assert note in text
    lines = text.split("\n")
    assert lines.index(note) == next(i for i, x in enumerate(lines) if amount in x) + 1  # right under the amount


@pytest.mark.parametrize(("question", "amount", "note"), [
    ("质押贷款利息一年差不多60万，能贴多少", "约30万元", "您说的“60万”是约数，按60万元估算，结果也是约数。"),
    ("质押贷款利息三十来万，能补多少", "约15万元", "您说的“三十来万”是约数"),
    ("Our pledge loan interest is about 400,000 yuan a year, how much subsidy?", "about 200,000 yuan",
     "is approximate: estimated at 400,000 yuan, so the result is approximate too."),
])
def test_an_approximate_figure_gives_an_approximate_amount_and_says_so(matcher: Matcher, answers: AnswerRenderer,
                                                                        question: str, amount: str,
                                                                        note: str) -> None:
    _, text = card(matcher, answers, question)
    assert amount in text and note in text


def test_parts_and_their_total_are_approximate_when_one_part_is(matcher: Matcher, answers: AnswerRenderer) -> None:
    result, text = card(matcher, answers, "利息三十来万，另外证券化融资2000万，一共多少")
    assert len(result.parts) == 2
    assert "质押贷款贴息：约15万元" in text and "企业补助：60万元" in text  # only the part computed from it
    assert "合计：约75万元" in text and "“三十来万”是约数" in text


def test_a_monthly_approximate_figure_says_the_yearly_figure_once(matcher: Matcher, answers: AnswerRenderer) -> None:
    _, text = card(matcher, answers, "每个月利息大概2万，证券化融资3000万，分别能拿多少")
    assert "按每个月2万、一年约24万元计算。" in text
    assert "您说的“2万”是约数，结果也是约数。" in text and "按24万元估算" not in text


def test_no_note_without_an_amount_computed_from_the_figure(matcher: Matcher, answers: AnswerRenderer) -> None:
    result = ask(matcher, "利息大概50万，等了两个月还没到账", use_figures=False, today=TODAY)  # a complaint's
    text = answers.render(result, complaint=True)
    assert "约数" not in text and "约25万" not in text


def test_the_chat_answerer_leaves_the_note_to_the_dialog(kb: KnowledgeBase) -> None:
    """The dialog says the note when it records the figure: the chat card has the 约 but not the note."""
    answer = side_answerer(kb, Renderer(kb, Catalog.load()))
    side = answer("质押贷款利息一年差不多60万，能贴多少", "zh")
    assert "约30万元" in side.text and "是约数" not in side.text
    assert "按每个月2万" not in answer("我们每个月付利息2万，贴息能拿多少", "zh").text


def test_the_json_answer_holds_the_note(matcher: Matcher, answers: AnswerRenderer) -> None:
    result = ask(matcher, "我们每个月付利息2万，贴息能拿多少", today=TODAY)
    assert "按每个月2万、一年约24万元计算" in answers.to_json(result)["answer"]


def test_a_period_said_with_its_own_an_is_not_said_twice(matcher: Matcher, answers: AnswerRenderer) -> None:
    """G39: "按按月60万、一年约…计算": the note's "按" and the customer's "按月" said as one."""
    result = ask(matcher, "按月付息，去年利息总额60万", today=date(2026, 6, 1))
    said = answers.render(result) + answers.paste(result)
    assert "按按" not in said, said
