"""Awards and titles by year. The policy pays those of "上一年度" ((二) "对上一年度获得中国专利奖…"; (五)4
"对上一年度新增的国家知识产权示范企业、优势企业"): the year before the application. A year is read against the
application year when one is said, else against the current year the engine is given (``today``; the layer knows no
clock)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.present.answer import AnswerRenderer
from eligibility.ask import ask
from eligibility.language.counts import settle_event_years
from eligibility.matcher import Matcher
from fakes.reading import read
from knowledge.models import KnowledgeBase

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("text", "facts"), [
    # this year's title: not recorded as the last-year fact (for next year's application)
    ("我们是裕华区的高新技术企业，今年获得国家知识产权优势企业，去年获得示范企业，请问能拿多少奖励",
     {"new_national_ip_advantage_enterprise": None, "new_national_ip_demo_enterprise": True}),
    ("我们今年刚被评为国家知识产权示范企业，现在能申请吗", {"new_national_ip_demo_enterprise": None}),
    ("We got a national IP demonstration enterprise title this year. Can we apply now?",
     {"new_national_ip_demo_enterprise": None}),
    # 2025 = 2026 - 1: last year's, no question
    ("企业2025年获得中国专利奖金奖，2026年申请，能拿多少", {"china_patent_award_last_year": "gold"}),
    # two years' awards: only last year's counts
    ("去年金奖、今年银奖，今年申报能拿多少", {"china_patent_award_last_year": "gold"}),
    ("我们去年拿了金奖，前年拿了银奖", {"china_patent_award_last_year": "gold"}),
    # applying next year: this year's award is last year's then
    ("今年拿了银奖，明年申请能拿多少", {"china_patent_award_last_year": "silver"}),
    # a year of something else is no award's year
    ("我们2010年成立，去年拿了银奖", {"china_patent_award_last_year": "silver"})])
def test_the_award_year_is_read_against_the_application(kb: KnowledgeBase, text: str, facts: dict[str, object]) -> None:
    r = read(kb, text)
    for k, v in facts.items():
        assert r.facts.get(k) == v, (k, r.facts)
    assert not any(c.key == "lang.ask.event_year" for c in r.clarify)


def test_a_title_of_this_year_is_said_to_be_for_next_years_application(kb: KnowledgeBase) -> None:
    r = read(kb, "我们今年刚被评为国家知识产权示范企业，现在能申请吗")
    assert [n.key for n in r.notes if n.fact == "new_national_ip_demo_enterprise"] == ["lang.note.event_year_this"]
    # applying now (ask, the help desk), the title is no title of last year: a no, with the note
    facts, _, _ = settle_event_years(kb, r.facts, r.clarify, r.notes, None)
    assert facts["new_national_ip_demo_enterprise"] is False


def test_a_numbered_year_against_now_needs_the_current_year(kb: KnowledgeBase) -> None:
    # "2021年拿的…今年还能申请吗": without a clock the layer asks; with today (2026) it is not last year's
    r = read(kb, "客户企业2021年拿的中国专利奖银奖，今年还能申请吗")
    assert "china_patent_award_last_year" not in r.facts
    asked = tuple(c for c in r.clarify if c.key == "lang.ask.event_year")
    assert asked
    facts, clarify, notes = settle_event_years(kb, r.facts, r.clarify, r.notes, 2026)
    assert facts["china_patent_award_last_year"] == "none"
    assert not any(c.key == "lang.ask.event_year" for c in clarify)
    assert [n.key for n in notes] == ["lang.note.event_year_before"]
    facts, _, _ = settle_event_years(kb, r.facts, r.clarify, r.notes, 2022)
    assert facts["china_patent_award_last_year"] == "silver"  # applying in 2022, 2021 is last year


def test_a_new_madrid_registration_of_this_year_is_kept(kb: KnowledgeBase) -> None:
    # (三) "新取得马德里国际商标注册" sets no period: this year's registration is not dropped ...
    assert read(kb, "我们今年拿了马德里注册").facts == {"new_madrid_registration": True}
    # ... but one of 2021, applying in 2026, is not newly recognised
    r = read(kb, "我们商标被认定为驰名商标是在2021年，现在能申请吗")
    facts, _, _ = settle_event_years(kb, r.facts, r.clarify, r.notes, 2026)
    assert facts["new_well_known_trademark"] is False


@pytest.mark.parametrize(("question", "verdict", "said"), [
    ("客户企业2021年拿的中国专利奖银奖，今年还能申请吗", "no", "不属于申请年度的上一年度"),
    ("我们今年刚被评为国家知识产权示范企业，现在能申请吗", "no", "按下一年度申报理解"),
    ("We got a national IP demonstration enterprise title this year. Can we apply now?", "no",
     "read as for next year's application")])
def test_an_award_of_another_year_gets_a_no_and_the_reason(matcher: Matcher, answers: AnswerRenderer, question: str,
                                                           verdict: str, said: str) -> None:
    result = ask(matcher, question, today=TODAY)
    assert result.verdict is not None and result.verdict.verdict == verdict
    assert said in answers.render(result)


def test_only_last_years_award_is_paid(matcher: Matcher, answers: AnswerRenderer) -> None:
    result = ask(matcher, "去年金奖、今年银奖，今年申报能拿多少", today=TODAY)
    amounts = [p.answer.amount for p in result.parts] or [result.answer.amount if result.answer else None]
    assert all(a is not None and a.max == 500_000 for a in amounts)  # the gold's 50万, never 80万
    assert "银奖是今年获得的" in answers.render(result)


def test_last_years_award_by_number_is_paid_without_a_question(matcher: Matcher) -> None:
    result = ask(matcher, "企业2025年获得中国专利奖金奖，2026年申请，能拿多少", today=TODAY)
    assert result.answer is not None and result.answer.amount is not None and result.answer.amount.max == 500_000
    assert not any(c.key == "lang.ask.event_year" for c in result.clarify)
