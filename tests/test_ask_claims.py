"""A figure, rate or cap the user claims is checked against what the text gives for the user's own figures: a
right sum or amount is a yes; a rumour ("听说…70%") is a claim to confirm, answered with the text's figure."""

from __future__ import annotations

import pytest

from bot.present.answer import AnswerRenderer
from bot.present.i18n import Catalog
from eligibility.ask import ask
from eligibility.matcher import Matcher
from knowledge.models import KnowledgeBase


def first_line(kb: KnowledgeBase, question: str) -> tuple[str | None, str]:
    result = ask(Matcher(kb), question)
    text = AnswerRenderer(kb, Catalog.load()).render(result)
    return (result.verdict.verdict if result.verdict else None), text.splitlines()[0]


@pytest.mark.parametrize(("question", "verdict", "has"), [
    # the own figure beside a ceiling word is the base; the claim is checked against what it gives
    ("我们利息付了140万，补70万对吧，反正上限是100万", "yes", "70万"),
    ("利息250万，贴息最多补100万对吗", "yes", "100万"),
    ("利息80万，上限100万，所以能补50万？", "no", "40万"),
    # the parts' own figures restated, the sum asked is the figure after 一共
    ("驰名商标50万加地理标志50万，一共100万对吧", "yes", "100万"),
    ("利息60万加专利银奖，合计60万对吗", "yes", "60万"),
    ("利息60万加专利银奖，合计80万对吗", "no", "60万"),
])
def test_a_claim_is_checked_against_the_users_own_figures(kb: KnowledgeBase, question: str, verdict: str,
                                                          has: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict, line
    assert has in line


@pytest.mark.parametrize(("question", "verdict", "has"), [
    ("我听说质押贷款贴息是80%", "no", "50%"),
    ("有人说驰名商标能奖200万", "no", "50万"),
    ("据说融资企业补助上不封顶", "no", "300万"),
    ("同行说优势企业奖5万", "yes", "5万"),
    ("I heard the interest subsidy is 60%", "no", "50%"),
    ("A friend told me the originator reward is 5%", "no", "2%"),
])
def test_a_rumour_is_a_claim_to_confirm(kb: KnowledgeBase, question: str, verdict: str, has: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict, line
    assert has in line


def test_a_rumour_asking_what_is_no_yes_no(kb: KnowledgeBase) -> None:
    result = ask(Matcher(kb), "听说有个专利导航的补贴，给多少")
    assert not result.yes_no


@pytest.mark.parametrize(("question", "verdict"), [
    # what is asked to be required is not in the clause: no yes from a condition matched elsewhere in the question
    ("质押贷款必须在本市银行办理吗", "no"),
    ("拿专利金奖必须是第一完成单位吗", "no"),
    ("质押贷款必须用专利质押吗", "no"),
    # the clause's own condition asked as required stays a yes; the city itself is the place every clause holds
    ("马德里奖励必须是出口企业吗", "yes"),
    ("产业联盟必须备案吗", "yes"),
])
def test_a_requirement_the_clause_does_not_hold_is_no_yes(kb: KnowledgeBase, question: str, verdict: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict, line


def test_a_lenders_place_is_not_the_applicants(kb: KnowledgeBase) -> None:
    result = ask(Matcher(kb), "我们的质押贷款是在天津的银行贷的，能贴息吗")
    assert not result.refused
    assert result.ranked[0].benefit.id == "pledge_loan_interest"
    assert result.verdict is not None and result.verdict.verdict != "no"
    assert ask(Matcher(kb), "天津的企业能申请贴息吗").verdict.verdict == "no"  # type: ignore[union-attr]


@pytest.mark.parametrize("question", ["质押贷款利息80，补多少", "我们去年利息是45，能贴多少"])
def test_a_bare_number_without_a_unit_is_asked_about(kb: KnowledgeBase, question: str) -> None:
    result = ask(Matcher(kb), question)
    assert result.answer is not None and result.answer.amount is None
    assert any(c.key == "lang.ask.unit" for c in result.clarify)


def test_a_yes_waits_for_the_year_asked_back(kb: KnowledgeBase) -> None:
    got, line = first_line(kb, "2018年拿的专利银奖，能拿30万吗")
    assert got == "maybe", line


def test_is_there_a_cap_is_no_claim_of_none(kb: KnowledgeBase) -> None:
    assert first_line(kb, "质押贷款贴息有没有上限")[0] == "yes"
    assert first_line(kb, "质押贷款贴息是不是没有上限")[0] == "no"


@pytest.mark.parametrize("question", [
    "我们的地理标志还在审，能拿50万吗",
    "我们是优势企业培育对象，这5万能给吗",
    "Our GI is still under review, do we get the 500k?",
    "专利奖还在申请中，能拿奖励吗",  # the 奖 before 申请中 is the prize's name, not a subsidy applied for
])
def test_a_title_not_obtained_yet_is_no(kb: KnowledgeBase, question: str) -> None:
    got, line = first_line(kb, question)
    assert got == "no", line


def test_a_one_off_read_from_its_newness_asked_again_is_no_yes(kb: KnowledgeBase) -> None:
    got, line = first_line(kb, "优势企业前年奖过5万了，今年还能拿吗")
    assert got == "maybe", line


def test_another_levels_policy_stacking_is_not_a_yes(kb: KnowledgeBase) -> None:
    got, line = first_line(kb, "县里也有专利奖配套奖励，和市里的能叠加吗")
    assert got == "maybe", line



@pytest.mark.parametrize("question", [
    "我们是省级知识产权服务品牌机构，能拿10万吗",
    "省级服务品牌机构有奖励吗",
    "We are a provincial IP brand service agency, do we get 100k?",
])
def test_a_provincial_service_title_is_not_the_national_one(kb: KnowledgeBase, question: str) -> None:
    # 省级 is a term of the provincial GI zone; before another entry's term it is that title's level: a near miss
    result = ask(Matcher(kb), question)
    assert result.refused, result.ranked[0].benefit.id if result.ranked else None


def test_levels_of_one_term_asked_together_are_still_answered(kb: KnowledgeBase) -> None:
    result = ask(Matcher(kb), "国家级和省级地理标志示范区分别奖多少")
    assert not result.refused
    assert {"gi_demo_zone_national", "gi_demo_zone_provincial"} <= {p.benefit.id for p in result.parts}


@pytest.mark.parametrize("question", [
    "我们是银行，给企业做知识产权质押贷款，我们有奖励吗",
    "我行发放了知识产权质押贷款，有补贴吗",
    "We are a bank lending against patents, do we get the interest subsidy?",
])
def test_a_lender_has_no_award_for_the_borrowers_interest(kb: KnowledgeBase, question: str) -> None:
    got, line = first_line(kb, question)
    assert got == "no", line
    assert "银行" in line or "bank" in line, line


@pytest.mark.parametrize("question", [
    "我们是向银行贷的款，质押贷款贴息能拿吗",
    "我是银行的客户经理，客户的质押贷款能贴息吗",
])
def test_a_borrower_or_a_banker_asking_for_a_client_is_not_the_lender(kb: KnowledgeBase, question: str) -> None:
    assert first_line(kb, question)[0] != "no"


@pytest.mark.parametrize("question", [
    "我们新取得马德里注册，但我们是内销企业",
    "我们不做外贸，新取得马德里注册能拿多少",
])
def test_a_self_declared_non_exporter_gets_no_madrid_amount(matcher: Matcher, question: str) -> None:
    # (三) "对新取得马德里国际商标注册的出口企业": 内销 says the asker does not export (finding J13)
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == "madrid_trademark"
    assert result.facts.get("is_exporter") is False
    assert result.answer is not None and result.answer.amount is None


@pytest.mark.parametrize(("question", "benefit", "verdict"), [
    ("示范企业奖励10万，优势企业也是10万吗", "national_ip_advantage_enterprise", "no"),   # (五)4: 优势企业 5万
    ("示范企业奖励10万，优势企业是5万吗", "national_ip_advantage_enterprise", "yes"),
    ("优势企业5万，示范企业也是5万吗", "national_ip_demo_enterprise", "no"),
])
def test_the_figure_asked_is_claimed_of_the_entry_its_clause_names(matcher: Matcher, question: str, benefit: str,
                                                                   verdict: str) -> None:
    # the first clause restates one entry's amount; the clause asked names the other (finding V3)
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == benefit
    assert result.verdict is not None and result.verdict.verdict == verdict
