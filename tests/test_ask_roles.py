"""Whose money a figure is: the role a user's words give it (an originator's issue, a share of the interest)."""

from __future__ import annotations

import pytest

from eligibility.ask import ask
from eligibility.matcher import Matcher


@pytest.mark.parametrize("question", [
    "we issued an IP ABS of 300 million last year",
    "we issued IP asset-backed securities of 500 million",
])
def test_issuing_an_abs_in_english_is_the_securitisation_originator(matcher: Matcher, question: str) -> None:
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == "securitization_originator"
    assert result.amount is not None and result.amount.max == 2_000_000  # 2% capped at 2 million an issue


def test_a_bare_issued_still_asks_about_the_policy(matcher: Matcher) -> None:
    result = ask(matcher, "when was it issued")
    assert result.best is not None and result.best.id == "validity_and_implementation"


@pytest.mark.parametrize("question", [
    "质押贷款的利息是我们跟担保公司一人一半付的，一共60万",
    "贷款利息由我们和担保公司各付一半，总共60万",
])
def test_interest_shared_with_a_guarantor_is_asked_about_never_refused(matcher: Matcher, question: str) -> None:
    # 担保公司 is a party to the interest, not the guarantee fee: the pledge-interest entry, and whose share 60万 is
    result = ask(matcher, question)
    assert not result.refused
    assert result.best is not None and result.best.id == "pledge_loan_interest"
    assert result.amount is None or not result.amount.max  # never 30万 from the joint figure
    assert result.clarify


def test_the_guarantee_fee_is_still_refused(matcher: Matcher) -> None:
    assert ask(matcher, "担保公司收的费用能补吗").refused


@pytest.mark.parametrize(("question", "total"), [
    ("证券化分三期发行，每期5000万，发起单位能拿多少", 3_000_000),  # 2% of each issue, 100万 three times
    ("证券化发了两期，每期3亿，发起单位能拿多少", 4_000_000),  # each issue capped at 200万
])
def test_each_issues_figure_with_the_issues_counted_pays_every_issue(matcher: Matcher, question: str,
                                                                     total: int) -> None:
    """G20a: "分三期发行，每期5000万" paid one issue (100万); the text pays each issue
    ("每期产品奖励资金最高不超过200万元")."""
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == "securitization_originator"
    assert result.amount is not None and result.amount.min == result.amount.max == total


def test_each_issues_figure_with_no_side_named_is_asked_about(matcher: Matcher) -> None:
    result = ask(matcher, "证券化分三期发行，每期5000万，能拿多少")
    assert result.clarify and (result.amount is None or not result.amount.max)


@pytest.mark.parametrize("question", ["我们付的利息是同行的两倍，同行付了30万",
                                      "我们付的利息和合作方差不多，合作方付了70万",
                                      "我们利息比去年少了一半，去年是100万"])
def test_someone_elses_or_another_years_figure_is_no_base(matcher: Matcher, question: str) -> None:
    """J6/J17: 15万, 35万 and 50万 were computed from a figure that is not the applicant's interest of the year."""
    result = ask(matcher, question)
    assert result.amount is None or not result.amount.max or result.amount.max == 1_000_000  # the cap, no figure


@pytest.mark.parametrize("question", ["our partner won a silver award last year, how much can we get",
                                      "合作单位去年得了中国专利奖金奖，我们是第二完成单位，能拿多少"])
def test_a_partners_award_level_is_not_the_askers_amount(matcher: Matcher, question: str) -> None:
    """J10: the partner's silver was answered "Amount: Silver: 300,000 yuan" as if the asker had won it."""
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == "china_patent_award"
    assert result.answer is None or result.answer.amount is None


def test_our_award_beside_someone_elses_is_ours(matcher: Matcher) -> None:
    result = ask(matcher, "金奖是人家的，我们拿了银奖，奖多少")
    assert result.amount is not None and result.amount.min == result.amount.max == 300_000


@pytest.mark.parametrize(("question", "verdict"), [
    ("证券化融资1亿，发起单位奖励是不是200万", "yes"),   # 1亿 × 2% = 200万, the cap of an issue
    ("证券化融资1亿，发起单位能拿200万吗", "yes"),
    ("证券化融资3亿，发起单位奖励是不是600万", "no"),    # 2% of 3亿 is capped at 200万 an issue
    ("证券化融资2亿，发起单位奖励最高200万吗", "yes"),
])
def test_a_figure_claimed_of_the_originator_is_checked_against_the_originators_reward(
        matcher: Matcher, question: str, verdict: str) -> None:
    # the role named before the claim is the one asked: never the financed enterprise's 300万
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == "securitization_originator"
    assert result.amount is not None and result.amount.min == result.amount.max == 2_000_000
    assert result.verdict is not None and result.verdict.verdict == verdict


@pytest.mark.parametrize("question", [
    "Is the originator reward capped at 2 million per issue?",
    "Is the pledge interest subsidy capped at 1 million a year?",
])
def test_a_figure_claimed_as_the_cap_is_not_asked_back_as_the_users_base(matcher: Matcher, question: str) -> None:
    result = ask(matcher, question)
    assert not result.clarify
    assert result.verdict is not None and result.verdict.verdict == "yes"


@pytest.mark.parametrize(("question", "benefit"), [
    ("Is the securitisation subsidy capped at 3 million per company?", "securitization_financing"),
    ("Is the securitization subsidy 3% of the financing?", "securitization_financing"),
    ("Is the securitisation reward for originators 2%?", "securitization_originator"),
])
def test_the_securitisation_subsidy_is_the_financed_enterprises(matcher: Matcher, question: str, benefit: str) -> None:
    # "subsidy" is the financed enterprise's (补助), "reward" the originator's (奖励): G28
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == benefit
    assert result.verdict is not None and result.verdict.verdict == "yes"
