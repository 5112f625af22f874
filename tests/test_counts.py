"""Counts said in a message reach their fact (zh and en, after any verb, with Chinese numerals), and the answer
is the range from one item to all of them paid, never one item's amount stated as the total; a count is never
money. Policy: (六) "每个指导站给予 2 万元", "每年择优选取 1—2 个，每个给予 10 万元"; (十) "每年择优选取 5 个项目，
每个给予 20—30 万元"; (十二) "每年择优选取 4 个，每个给予 20 万元"; (三) "对新认定的中国驰名商标…一次性给予 50 万元"."""

from __future__ import annotations

import pytest

from eligibility.ask import ask
from eligibility.matcher import Matcher
from fakes.reading import read
from knowledge.models import KnowledgeBase


@pytest.mark.parametrize(("text", "count", "value"), [
    ("驰名商标新认定2件", "new_well_known_trademark_count", 2),
    ("客户：企业在鹿泉，去年驰名商标新认定2件，马德里注册3件，出口企业", "new_well_known_trademark_count", 2),
    ("我们有两个商标同时被认定为驰名商标", "new_well_known_trademark_count", 2),
    ("我们有3个产业知识产权联盟都备案了", "industry_ip_alliance_count", 3),
    ("我们维权援助申报了8个项目", "ip_legal_aid_project_count", 8),
    ("某服务机构（长安区）：为小微企业免费维权援助项目3个", "ip_legal_aid_project_count", 3),
    ("我们有3个国家级规范化市场", "national_standardized_market_count", 3),
    ("我们有两个市级规范化市场", "municipal_standardized_market_count", 2),
    ("We set up 3 trademark guidance stations, how much?", "trademark_guidance_station_count", 3),
    ("Client: 3 trademark stations set up last year, how much?", "trademark_guidance_station_count", 3),
    ("我们建了三个商标品牌指导站", "trademark_guidance_station_count", 3),
    ("创客空间运营了两个", "ip_maker_space_count", 2)])
def test_a_count_after_any_verb_reaches_its_fact(kb: KnowledgeBase, text: str, count: str, value: int) -> None:
    assert read(kb, text).facts[count] == value


@pytest.mark.parametrize("text", [
    "我们有3个联盟，1个备案了",  # only the filed ones count, and the message does not say all are
    "我们有3个产业知识产权联盟",  # not said to be filed
    "准备建3个指导站",
    "我们给客户建了3个指导站"])  # the clients' stations
def test_no_count_of_things_that_are_not_the_counted_ones(kb: KnowledgeBase, text: str) -> None:
    facts = read(kb, text).facts
    assert not any(k.endswith("_count") for k in facts)


@pytest.mark.parametrize(("question", "benefit", "low", "high"), [
    ("We set up 3 trademark guidance stations, how much?", "trademark_guidance_station", 20_000, 60_000),
    ("我们有3个产业知识产权联盟都备案了", "industry_ip_alliance", 100_000, 200_000),
    ("我们维权援助申报了8个项目", "ip_legal_aid", 200_000, 1_500_000),
    ("我们有3个国家级规范化市场", "standardized_market_national", 200_000, 600_000),
    ("我们有两个商标同时被认定为驰名商标", "well_known_trademark", 500_000, 1_000_000),
    ("去年拿了优秀奖2项", "china_patent_award", 100_000, 200_000)])
def test_the_amount_of_a_count_is_never_one_items(matcher: Matcher, question: str, benefit: str,
                                                  low: int, high: int) -> None:
    result = ask(matcher, question)
    assert result.benefits[0].benefit.id == benefit
    assert result.answer is not None and result.answer.amount is not None
    assert (result.answer.amount.min, result.answer.amount.max) == (low, high)


def test_two_excellent_awards_in_a_forward_are_both_paid(matcher: Matcher) -> None:
    result = ask(matcher, "客户：高校，在桥西区，去年拿了优秀奖2项，输出专利10件，还是知识产权培训基地")
    award = next(p for p in result.parts if p.benefit.id == "china_patent_award")
    assert award.answer.amount is not None and (award.answer.amount.min, award.answer.amount.max) == (100_000, 200_000)


def test_more_figures_than_the_issues_said_are_asked_never_summed(kb: KnowledgeBase) -> None:
    # "2期" with three figures in the message: the third (a financing of the enterprise) is no issue; never 560万
    r = read(kb, "某企业（藁城区）：作为发起单位发行知识产权证券化产品2期，实际融资额分别为1.5亿元、8000万元；"
                 "同时该企业通过证券化产品融资2.3亿元。")
    assert r.facts.get("securitization_originator_issues_yuan") in (None, [150_000_000, 80_000_000])


def test_a_count_is_never_money(matcher: Matcher) -> None:
    result = ask(matcher, "我们建了3个商标品牌指导站，能拿多少")
    assert not result.figures
    assert result.answer is not None and result.answer.amount is not None
    assert (result.answer.amount.min, result.answer.amount.max) == (20_000, 60_000)


@pytest.mark.parametrize(("question", "count"), [
    ("我们有3个联盟，1个备案了", "industry_ip_alliance_count"),  # (六) pays filed alliances: how many are is asked
    ("我们有3个规范化市场", "national_standardized_market_count")])  # national or municipal: asked
def test_a_count_whose_fact_is_unclear_is_asked_never_paid_as_one(matcher: Matcher, kb: KnowledgeBase,
                                                                 question: str, count: str) -> None:
    assert any(c.fact == count for c in read(kb, question).clarify)
    result = ask(matcher, question)
    assert result.answer is not None and result.answer.amount is None
    assert count in result.answer.depends_on


def test_a_count_said_of_the_other_level_is_that_levels(kb: KnowledgeBase) -> None:
    r = read(kb, "我们有3个规范化市场，都是市级的")
    assert r.facts.get("municipal_standardized_market_count") == 3
    assert not any(c.fact.endswith("standardized_market_count") for c in r.clarify)


@pytest.mark.parametrize("text", ["Is it true that only 5 legal-aid projects are chosen a year?",
                                  "每年只选5个维权援助项目，对吗"])
def test_the_policys_quota_in_a_question_is_no_count_of_the_applicants(kb: KnowledgeBase, text: str) -> None:
    assert "ip_legal_aid_project_count" not in read(kb, text).facts  # (十) "每年择优选取 5 个项目": the city's quota


@pytest.mark.parametrize(("question", "benefit", "low", "high"), [
    # chosen already: each is paid ("每个项目给予 50 万元奖补"), never one item's amount as the lot's
    ("我们有3个项目入选高价值专利组合，能拿多少", "high_value_patent_portfolio", 1_500_000, 1_500_000),
    ("我们2个平台都入选了专业化服务平台，一共多少钱", "ip_service_platform", 600_000, 600_000),
    ("我们有两个地理标志运用促进工程项目入选，能拿多少", "gi_promotion_project", 200_000, 200_000),
    ("我们有3个专利导航项目入选了，最多能拿多少", "patent_navigation", 300_000, 600_000),
    # more than the city chooses in a year: at most the yearly quota (8)
    ("我们有10个项目入选高价值专利组合，能拿多少", "high_value_patent_portfolio", 4_000_000, 4_000_000),
    # not chosen yet: from one chosen to all of them
    ("我们建了2个专业化服务平台，能拿多少", "ip_service_platform", 300_000, 600_000)])
def test_items_chosen_already_are_each_paid(matcher: Matcher, question: str, benefit: str, low: int,
                                            high: int) -> None:
    result = ask(matcher, question)
    assert result.benefits[0].benefit.id == benefit
    assert result.answer is not None and result.answer.amount is not None
    assert (result.answer.amount.min, result.answer.amount.max) == (low, high)
