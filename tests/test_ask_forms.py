"""Yes/no and procedure questions in the many forms people type them: the first line is the verdict the policy
text makes, a procedure question is answered with the policy's silence, a place of the city may apply."""

from __future__ import annotations

from datetime import date

import pytest

from bot.present.answer import AnswerRenderer
from bot.present.i18n import Catalog
from eligibility.ask import AskResult, ask
from eligibility.evaluate import policy_validity
from eligibility.matcher import Matcher
from knowledge.models import KnowledgeBase

TODAY = date(2025, 6, 1)


def answered(kb: KnowledgeBase, question: str) -> tuple[AskResult, str]:
    result = ask(Matcher(kb), question, today=TODAY, validity=policy_validity(kb))
    return result, AnswerRenderer(kb, Catalog.load()).render(result)


@pytest.mark.parametrize("question", [
    "今年什么时候开始报",
    "驰名商标奖励是先立项还是拿到认定再申请",
    "专业化平台是怎么评审的，评分标准有吗",
    "Can we download a form for the Madrid reward?",
    "贯标补贴一年能报几次",
])
def test_a_procedure_question_in_any_form_says_the_policy_sets_none_of_it(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert not result.refused and result.procedure, text
    assert "下一步" not in text and "Next step" not in text


def test_a_yes_no_about_a_step_of_applying_is_not_answered_yes(kb: KnowledgeBase) -> None:
    """"有申请表可以下载吗": the policy sets no form; the subsidy's existence is not what is asked."""
    result, text = answered(kb, "Is there an application form to download for the GI mark grant?")
    assert result.verdict is not None and result.verdict.verdict == "maybe", text
    assert not text.startswith("Yes")


@pytest.mark.parametrize("question", ["鹿泉区的企业能申请吗", "我们是高新区的公司，算石家庄的吗，能申请吗"])
def test_a_unit_of_a_place_of_the_city_may_apply(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert result.verdict is not None and result.verdict.verdict == "yes", text
    assert text.startswith("可以。")


def test_a_place_outside_the_city_is_still_a_no(kb: KnowledgeBase) -> None:
    result, text = answered(kb, "保定的公司能申请吗")
    assert result.verdict is not None and result.verdict.verdict == "no", text
