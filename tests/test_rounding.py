"""A percentage of a figure that is not whole yuan is never printed rounded as if exact: (四)1 "按照实际支付的利息给予
50% 贴息补助" of 3元 is 1.5元; the whole-yuan estimate (the knowledge base rounds payments down) is said as approximate,
the calculation as it is ("约1元（3元 × 50% = 1.5元）"), never "3元 × 50% = 1元"."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.present.answer import AnswerRenderer
from eligibility.amounts import compute_amount
from eligibility.ask import ask as ask_question
from eligibility.matcher import Matcher
from knowledge.models import KnowledgeBase


def test_a_rounded_percentage_carries_its_exact_value(kb: KnowledgeBase) -> None:
    rule = kb.benefit("pledge_loan_interest").amount
    amount, reasons = compute_amount(rule, {"pledge_loan_interest_paid_yuan": 3})
    assert amount is not None and amount.max == 1  # whole yuan, rounded down (policy.rounding)
    params = dict(reasons[0].params)
    assert Fraction(int(params["exact_fen"]), 100) == Fraction(3, 2)
    whole, reasons = compute_amount(rule, {"pledge_loan_interest_paid_yuan": 300_000})
    assert whole is not None and whole.max == 150_000
    assert "exact_fen" not in dict(reasons[0].params)  # 15万 is exact: nothing to say


@pytest.mark.parametrize(("question", "lang", "shown", "never"), [
    ("利息3元", "zh", "约1元（3元 × 50% = 1.5元）", "= 1元"),
    ("利息1元", "zh", "1元 × 50% = 0.5元", "= 0元"),
    ("We paid interest of 3 yuan", "en", "about 1 yuan (3 yuan × 50% = 1.5 yuan)", "= 1 yuan"),
    ("利息32万零1元", "zh", "= 160,000.5元", "= 16万元")])
def test_a_rounded_result_is_never_printed_as_exact(matcher: Matcher, answers: AnswerRenderer, question: str,
                                                    lang: str, shown: str, never: str) -> None:
    text = answers.render(ask_question(matcher, question), lang)  # type: ignore[arg-type]
    assert shown in text
    assert never not in text


def test_an_exact_result_is_said_as_it_is(matcher: Matcher, answers: AnswerRenderer) -> None:
    text = answers.render(ask_question(matcher, "利息3万元"), "zh")
    assert "可获1.5万元（3万元 × 50% = 1.5万元）" in text and "约1.5万元" not in text
