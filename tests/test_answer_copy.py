"""The answer's copy as a person reads it on a phone: grammatical English, nothing said twice, no offer of
what the card says anyway."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from bot.present.answer import AnswerRenderer
from eligibility.ask import ask
from eligibility.matcher import Matcher

TODAY = date(2026, 6, 1)


def render(matcher: Matcher, answers: AnswerRenderer, question: str, *, complaint: bool = False) -> str:
    return answers.render(ask(matcher, question, today=TODAY, use_figures=not complaint), complaint=complaint)


@pytest.mark.parametrize(("question", "said"), [
    ("Can an individual inventor claim the China Patent Award reward?", "whether an individual"),
    ("Can a sole trader get the Madrid trademark reward?", "whether an individual business"),
    ("Can a university get the pledge-loan interest subsidy?", "not a university"),
])
def test_an_applicant_type_mid_sentence_has_one_article_and_no_capital(matcher: Matcher, answers: AnswerRenderer,
                                                                      question: str, said: str) -> None:
    text = render(matcher, answers, question)
    assert said in text, text
    assert not re.search(r"\ban? (An?|The) ", text) and not re.search(r"\ban [Uu]ni", text), text


def test_the_procedure_is_not_offered_when_the_card_says_it(matcher: Matcher, answers: AnswerRenderer) -> None:
    text = render(matcher, answers, "专利导航项目怎么申报，要交什么材料")
    assert "政策原文没有规定申报时间" in text
    assert "您是否也想了解：申报方式与时间" not in text


def test_a_complaint_chasing_a_payment_is_answered_not_refused(matcher: Matcher, answers: AnswerRenderer) -> None:
    text = render(matcher, answers, "补贴申请交了半年了还没到账，你们效率太低了", complaint=True)
    assert text.startswith("抱歉") and "本助手只解答" not in text
    assert "拨付时间" in text and "市市场监督管理局会同市财政局" in text


def test_a_complaint_about_a_clause_says_the_text_sets_no_payment_date(matcher: Matcher,
                                                                       answers: AnswerRenderer) -> None:
    text = render(matcher, answers, "驰名商标的奖励等了三个月还没到账", complaint=True)
    assert text.startswith("抱歉") and "资金拨付时间" in text


def test_the_complaint_words_catch_a_chase(answers: AnswerRenderer) -> None:
    for message in ("等了三个月还没消息", "补贴还没到账", "你们效率太低了"):
        assert answers.is_complaint(message), message
    assert not answers.is_complaint("补贴什么时候到账")  # a question about timing is no complaint


@pytest.mark.parametrize("question", ["贯标的奖补每家是5万吗", "培训基地两个都申请能拿20万吗",
                                      "Is the guidance station subsidy 20,000 yuan per station?"])
def test_a_verdict_that_gives_the_quota_is_not_followed_by_it_again(matcher: Matcher, answers: AnswerRenderer,
                                                                   question: str) -> None:
    result = ask(matcher, question, today=TODAY)
    assert result.verdict is not None
    text = answers.render(result)
    limited = "名额有限" if result.lang == "zh" else "places are limited"
    assert text.count(limited) == 1, text


def test_a_ceiling_question_is_not_told_the_amount_depends_on_a_figure(matcher: Matcher,
                                                                      answers: AnswerRenderer) -> None:
    text = render(matcher, answers, "质押贷款贴息每年最多给多少")
    assert "100万元" in text and "金额取决于" not in text


@pytest.mark.parametrize(("verdict", "zh", "en"), [("maybe", "不一定。", "Not necessarily."),
                                                   ("no", "不可以。", "No, ")])
def test_a_verdict_the_catalogue_words_for_no_reason_of_its_kind_still_opens_the_answer(
        matcher: Matcher, answers: AnswerRenderer, verdict: str, zh: str, en: str) -> None:
    """The engine may settle 能不能申请 as 不一定 ("applicant_ok" is worded 可以/不可以 only): the plain verdict then
    opens the answer, never a missing catalogue key."""
    result = ask(matcher, "高校能申请贯标奖补吗")
    assert result.verdict is not None and result.verdict.reason == "applicant_ok"
    v = replace(result.verdict, verdict=verdict)
    assert answers.verdict_line(result, v, "zh").startswith(zh)
    assert answers.verdict_line(result, v, "en").startswith(en.split(",")[0])


def test_an_english_verdict_names_the_applicants_and_the_entry_in_lower_case_mid_sentence(
        matcher: Matcher, answers: AnswerRenderer) -> None:
    """"…is for Enterprise, university" and "From what you say, Reward for a Madrid … does not apply": the card's
    list capital and the title's capital mid-sentence."""
    unsaid = ask(matcher, "Can an individual inventor apply for the China Patent Award reward?", today=TODAY)
    assert "is for enterprise, university, research institute;" in answers.paste(unsaid, "en"), answers.paste(unsaid)
    paste = answers.paste(ask(matcher, "We are a university, can we apply for the Madrid reward?", today=TODAY), "en")
    assert "From what you say, reward for a Madrid" in paste, paste
    assert "it is for enterprise, not a university" in paste, paste


def test_a_count_in_a_several_part_card_gets_its_reading(matcher: Matcher, answers: AnswerRenderer) -> None:
    """"• 中国驰名商标奖励：50万元—150万元" with no word of why it is a range."""
    card = render(matcher, answers, "我们有2件马德里，3件驰名商标")
    assert "50万元—150万元" in card and "您说有3件商标新认定为中国驰名商标" in card, card


def test_a_cards_total_says_apart_what_competitive_items_add_if_chosen(matcher: Matcher,
                                                                       answers: AnswerRenderer) -> None:
    """G30 in `ipbot ask`: "合计：80万元—90万元" with a patent-navigation project counted as won."""
    card = render(matcher, answers, "我们去年拿了银奖，利息付了80万，还申报了专利导航，一共能拿多少")
    assert "合计：80万元—90万元" not in card, card
    said = "其中不经择优评审的项目合计70万元；专利导航项目为择优评审项目，如入选最多再得20万元（合计最多90万元）"
    assert said in card, card


@pytest.mark.parametrize(("question", "first_line"), [
    ("政策有效期是3年吧", "不是。原文写的是有效期 5 年，不是 3 年。"),
    ("政策有效期5年对吗", "是的。原文：有效期 5 年。"),
    ("Is the policy valid for 3 years?", "No. The text says it is valid for 5 years, not 3."),
    ("补贴会不会被收回", "不一定。原文没有写收回；只写了："),
    ("集团有5家子公司都在石家庄，每家都能拿100万吗", "不一定。“同一企业同一事项不享受重复奖补”说的是同一家企业"),
])
def test_a_verdict_of_this_sessions_reasons_says_why(matcher: Matcher, answers: AnswerRenderer, question: str,
                                                     first_line: str) -> None:
    """A verdict never stands alone ("不一定。" and the card): each reason the engine gives has its words."""
    assert render(matcher, answers, question).splitlines()[0].startswith(first_line)
