"""Yes/no questions start with the verdict the policy text makes: yes, no, or not necessarily; never a yes the
text does not give (a person as applicant, a competitive entry 'guaranteed', a fund paying the asker)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.present.answer import AnswerRenderer
from bot.present.i18n import Catalog
from eligibility.ask import ask
from eligibility.evaluate import policy_validity
from eligibility.matcher import Matcher
from knowledge.models import KnowledgeBase

TODAY = date(2025, 6, 1)


def first_line(kb: KnowledgeBase, question: str) -> tuple[str | None, str]:
    result = ask(Matcher(kb), question, today=TODAY, validity=policy_validity(kb))
    text = AnswerRenderer(kb, Catalog.load()).render(result)
    return (result.verdict.verdict if result.verdict else None), text.splitlines()[0]


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # a competitive entry is chosen on merit: "guaranteed" is a no, "will we definitely get it" not necessarily
    ("Is the patent navigation grant guaranteed to be 200,000?", "no", "No."),
    ("贯标补贴是不是每家都给5万", "no", "不是。"),
    ("Will we definitely get the 300,000 for our service platform?", "maybe", "Not necessarily."),
    # the text names units (创新主体, 企业 …), never a person: not a yes with the amount
    ("个人发明人拿了专利金奖，能领这50万吗", "maybe",
     "不一定。中国专利奖获奖奖励的申请主体是企业、高校、科研院所，原文没有写明个人"),
    # one figure against a range: within it, not necessarily that figure
    ("专利导航一个项目20万是吗", "maybe", "不一定。"),
    # a negation right before a condition's words fails it; the 没有 of 有没有 asks
    ("马德里商标那个奖励 不出口的企业能拿吗", "no", "不可以。"),
    ("产业知识产权联盟没备案能拿那10万吗", "no", "不可以。"),
    ("有没有贯标补贴", "yes", "有。"),
    # a question asked back on the entry's own fact (is the loan an IP pledge?) leaves the verdict open, never "有"
    ("我们用房产抵押贷款，利息40万，能补吗", "maybe", "不一定。"),
    # the asker one of the people （十） helps: its applicants are the service agencies that help them
    ("我们是弱势群体，能申请维权援助补贴吗", "no", "不可以。知识产权维权援助奖补的申请主体是"),
    # an amount computed from an approximate figure is approximate in the verdict as in the body
    ("利息大概一百万左右，能补50万吗", "yes", "是的。知识产权质押贷款贴息为约50万元。"),
    # the city's funds pay no applicant; supervision is what the text says
    ("那个1000万的风险补偿资金能直接发给企业吗", "no", "不是。"),
    ("申报的时候弄虚作假会被处理吗", "yes", "是的。"),
    ("拿了补贴会被审计吗", "yes", "是的。"),
    # the year against the (assumed) end of the validity
    ("2028年还能按这个政策申请吗", "no", "不是。"),
    ("Is the interest subsidy capped?", "yes", "Yes."),
    ("Can a university get the patent navigation subsidy?", "yes", "Yes."),
    # the applicant list names 高校: 申请中国专利奖 asks the applicant, no pending title (申请中)
    ("高校能申请中国专利奖奖励吗", "yes", "可以。"),
    ("科研院所能申请中国专利奖吗", "yes", "可以。"),
    # the industries listed with 等产业 are priorities of the review, no limit of who may apply
    ("高价值专利组合必须是新一代信息技术产业吗", "no", "不是。"),
    ("专利导航只支持生物医药健康产业吗", "no", "不是。"),
    # a condition the clause sets is still required
    ("专利实施产业化必须是战略性新兴产业吗", "yes", "是的。"),
    # 需要有 asks a requirement: the clause's own words (有固定办公场所及配套设施)
    ("知识产权创客空间需要有固定办公场所吗", "yes", "是的。"),
    # whose GI is rewarded the text does not say: outside the knowledge base's reading is its silence, no refusal
    ("本县地理标志是协会注册的，县政府能拿50万吗", "maybe", "原文没有明确规定。原文未写明申请主体"),
    ("Our county's GI was registered by an association; can the county government get the 500,000?", "maybe",
     "Not necessarily."),
])
def test_a_yes_no_question_starts_with_the_verdict_the_text_makes(kb: KnowledgeBase, question: str, verdict: str,
                                                                  starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


def test_can_we_get_it_with_our_figure_says_the_conditions_it_needs(kb: KnowledgeBase) -> None:
    """"利息50万，能贴息吗": 25万 only if the conditions the question leaves open hold, and they are said."""
    got, line = first_line(kb, "商标质押贷款，利息50万，能贴息吗")
    assert got == "maybe" and line.startswith("不一定。") and "石家庄市行政区域内" in line and "25万元" in line


def test_an_ordinary_bank_loan_gets_no_pledge_subsidy_computed(kb: KnowledgeBase) -> None:
    result = ask(Matcher(kb), "普通银行贷款利息80万能贴息吗")
    assert result.refused and result.amount is None


def test_a_provincial_award_stated_is_the_near_miss_not_the_double_subsidy_rule(kb: KnowledgeBase) -> None:
    result = ask(Matcher(kb), "拿了河北省专利奖有奖励吗")
    assert result.refused and result.subject is not None and result.subject.near_miss
    stacked = ask(Matcher(kb), "已经拿过省里的贴息了，还能拿吗")
    assert not stacked.refused and stacked.best is not None and stacked.best.id == "no_double_subsidy"


def test_a_fund_named_with_a_subsidy_is_a_part_that_pays_nothing_itself(kb: KnowledgeBase) -> None:
    result = ask(Matcher(kb), "质押贷款贴息和那个1000万风险补偿资金各是怎么回事")
    assert [p.benefit.id for p in result.parts] == ["pledge_loan_interest", "pledge_risk_compensation_fund"]
    text = AnswerRenderer(kb, Catalog.load()).render(result)
    assert "不直接向企业发放奖补" in text and "原文未规定奖补金额" not in text


def test_a_short_word_heard_by_its_sound_names_no_part(kb: KnowledgeBase) -> None:
    """"升级" sounds like 省级; the provincial GI zone (30万) is not asked about."""
    result = ask(Matcher(kb), "我们去年拿了优势企业5万，今年升级成示范企业，还能拿10万吗")
    assert "gi_demo_zone_provincial" not in {p.benefit.id for p in result.parts}


def test_a_place_in_the_city_answers_can_we_apply(kb: KnowledgeBase) -> None:
    got, line = first_line(kb, "我们在正定县，能申请吗")
    assert got == "yes" and line.startswith("可以。")


def test_a_sum_asked_as_one_figure_is_checked_against_the_parts_total(kb: KnowledgeBase) -> None:
    """"都评上了，能拿15万吗": 15万 is no part's amount, so it is the sum asked; the text does not say the two
    titles are one matter, so the total is 10万–15万 with that reading said: not a sure yes, and 20万 is a no."""
    result = ask(Matcher(kb), "示范企业和优势企业都评上了，能拿15万吗", today=TODAY, validity=policy_validity(kb))
    text = AnswerRenderer(kb, Catalog.load()).render(result)
    assert result.verdict is not None and (result.verdict.verdict, result.verdict.reason) == ("maybe", "total_same")
    assert text.startswith("不一定。按各分项合计为10万元—15万元") and "原文没有写明两者是否属于同一事项" in text
    wrong = ask(Matcher(kb), "示范企业和优势企业都评上了，能拿20万吗", today=TODAY, validity=policy_validity(kb))
    assert wrong.verdict is not None and wrong.verdict.reason == "total_differs"
    got, line = first_line(kb, "示范企业和优势企业，示范企业是10万吗")
    assert got == "yes" and "国家知识产权示范企业奖励为10万元" in line


def test_how_often_is_not_read_as_a_guarantee(kb: KnowledgeBase) -> None:
    """"每年都有吗" asks how often (yearly: yes), not whether it is sure (every entry chosen on merit is not)."""
    got, line = first_line(kb, "贯标奖补是每年都有吗")
    assert got == "yes" and line.startswith("是的。")


def test_a_confirmation_asked_for_is_no_negation(kb: KnowledgeBase) -> None:
    """"银奖30万没错吧": 没错 asks to confirm; it does not say the asker won nothing."""
    got, line = first_line(kb, "中国专利奖银奖奖30万没错吧")
    assert got == "yes" and line.startswith("是的。") and "30万元" in line


def test_something_not_done_gets_no_bare_yes(kb: KnowledgeBase) -> None:
    """"利息没付能补吗": the clause exists, but the asker's case is not it; never "有。"."""
    got, line = first_line(kb, "质押贷款利息没付能补吗")
    assert got != "yes" and not line.startswith("有。")
    got, line = first_line(kb, "非诉机构托管有补助吗")  # 非 of 非诉 is part of a name, not a negation
    assert got == "yes"


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    ("是不是只有企业能申请质押贴息", "yes", "是的。"),
    ("只有高校能申请输出专利奖补吗", "no", "不是。"),
    ("我们是科研院所，能申请证券化发起单位奖励吗", "yes", "可以。"),   # open to any unit, not "有。"
    ("马德里有奖励没", "yes", "有。"),                               # a trailing 没 asks
    ("驰名商标奖励要排队吗", "no", "不是。"),                          # conditional: no competition
])
def test_who_may_apply_and_how_it_is_decided(kb: KnowledgeBase, question: str, verdict: str, starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


@pytest.mark.parametrize(("question", "refused"), [
    ("护照怎么申请", True),            # the thing applied for is named, and it is not this policy's
    ("签证怎么申请", True),
    ("到底怎么申请", False),           # no object: applying under this policy, the procedure said
    ("补贴怎么申请", False),
    ("找哪个科室咨询", False),
    ("审核通过后多久发钱", False),
])
def test_a_procedure_question_is_this_policys_unless_it_names_another_thing(kb: KnowledgeBase, question: str,
                                                                            refused: bool) -> None:
    result = ask(Matcher(kb), question)
    assert result.refused is refused and (refused or result.procedure)


def test_a_negation_inside_a_conditions_own_name_negates_nothing(kb: KnowledgeBase) -> None:
    """非诉 is part of 非诉解决机构: "托管每个奖15万吗" is a yes, not "不可以"."""
    got, line = first_line(kb, "非诉解决机构托管每个奖15万吗")
    assert got == "yes" and line.startswith("是的。")


def test_can_we_still_apply_now_is_answered_from_the_validity(kb: KnowledgeBase) -> None:
    """"2022年就出了，现在还能申请吗": 2022 is the policy's year; now is asked, and the policy is in force."""
    got, line = first_line(kb, "政策2022年就出了，现在还能申请吗")
    assert got == "yes" and "2027年12月30日" in line and "假设" in line


def test_the_top_of_a_range_asked_as_the_ceiling_is_a_yes(kb: KnowledgeBase) -> None:
    """"最高20万吗" of 10—20万 asks the ceiling: yes; "一个项目20万是吗" asks one figure: not necessarily."""
    assert first_line(kb, "专利导航最高20万吗")[0] == "yes"
    assert first_line(kb, "专利导航一个项目20万是吗")[0] == "maybe"


def test_a_nomination_is_no_award(kb: KnowledgeBase) -> None:
    """"只拿到提名、没获奖": the negation stands before the verb and object of 获得中国专利奖, apart: a no."""
    got, line = first_line(kb, "中国专利奖只拿到提名、没获奖，有奖励吗")
    assert got == "no" and line.startswith("不可以。")



@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # a figure the rule does not pay is a no, however the place is decided (it was 不一定 for a competitive entry)
    ("高价值专利组合培育给100万对吧", "no", "不是。"),
    ("商标品牌指导站奖5万没错吧", "no", "不是。"),
    # the entry named as the subject of a claim ("X给N"): the rule asked, not the asker's case
    ("专业化服务平台给30万对吧", "yes", "是的。"),
    ("听说海外风险预警奖20万，是真的吗", "yes", "是的。"),
    # whether it can pay: its conditions beyond its name are open
    ("马德里商标注册能奖10万吗", "maybe", "不一定。"),
    # a figure after a ceiling word is the ceiling claimed (the layer reads "at most N" as a bound)
    ("Is it true IP certification pays at most 50,000 yuan?", "yes", "Yes."),
    ("Is it true IP certification pays at most 100,000 yuan?", "no", "No."),
    ("Is it true the securitisation originator reward pays at most 3,000,000 yuan per issue?", "no", "No."),
    # the 只 of 只给一次 asks how often, not a requirement
    ("新核准地理标志只给一次对吧", "yes", "是的。"),
])
def test_a_claim_is_read_against_the_entry(kb: KnowledgeBase, question: str, verdict: str, starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # a duration asked of the policy against its validity (it said 是的 to any number of years)
    ("政策有效期是3年吧", "no", "不是。"),
    ("有效期是不是五年", "yes", "是的。"),
    ("Is the policy valid for 3 years?", "no", "No."),
    # an event two or more years back is not the 上一年度 the entry pays for (it said 有。)
    ("三年前拿的中国专利金奖现在还能申请奖励吗", "no", "不可以。"),
    ("前年获得的国家知识产权示范企业，今年能申请奖励吗", "no", "不可以。"),
    # the 几 of a time before now asks no number: still a yes/no question (it gave a card, no verdict)
    ("前几年就评上的示范企业还能领10万吗", "no", "不可以。"),
    ("几年前评上的国家知识产权示范企业，现在能领奖励吗", "no", "不可以。"),
    # ... but money paid then is no event's time: asked again, how often decides
    ("优势企业前年奖过5万了，今年还能拿吗", "maybe", "原文没有明确规定。"),
    # every condition of a conditional entry stated and holding: a yes (it gave no verdict)
    ("去年拿的中国专利金奖，今年能申请吗", "yes", "是的。"),
])
def test_a_time_or_the_conditions_stated_are_read_against_the_entry(kb: KnowledgeBase, question: str, verdict: str,
                                                                    starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # the base named beside the rate: the loan's principal is not what the 50% is taken of (it said 是的)
    ("质押贷款利息是不是按贷款金额的50%补", "no", "不是。"),
    ("Is the interest subsidy 50% of the loan amount?", "no", "No."),
    ("Is the securitisation originator reward 2% of the financing?", "yes", "Yes."),
    # a ceiling is not a fixed amount (it said 是的)
    ("贯标补贴是不是固定5万", "no", "不是。"),
    # the most of a quota asked as its most (it said 不一定)
    ("专利导航项目是不是每年最多支持10个", "yes", "是的。"),
    # a cap per enterprise claimed for every year
    ("证券化融资补助能不能每年都拿300万", "no", "不是。"),
    # the text's own 后补助 asked (it said 有。)
    ("地理标志运用促进工程是后补助吗", "yes", "是的。"),
    # the figure of the clause asked, not the rule restated before it (it said 是的 to 1000万)
    ("发起单位奖励按融资额的2%，每期最高200万，我们发了一期5亿的，是不是能拿1000万", "no", "不是。"),
])
def test_a_claim_beside_the_rule_is_read_against_it(kb: KnowledgeBase, question: str, verdict: str,
                                                   starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # a figure asked above the cap is a no even while the user's own figures are asked back (it said 是的 / nothing)
    ("听说贴息是50%，我们贷款3000万，是不是能拿1500万", "no", "不是。"),
    ("我们发起了一期3亿的证券化产品，能奖600万吗", "no", "不是。"),
    # ... but not where several issues are said (three issues may reach 600万)
    ("我们发起了三期，每期1亿，能拿600万吗", "maybe", "不一定。"),
    # a condition's own English word asked as required (it said Not necessarily)
    ("Must the IP alliance be filed with CNIPA?", "yes", "Yes."),
    ("Is the patent industrialisation support only for strategic emerging industries?", "yes", "Yes."),
    # the text is silent on several registrations: 100k "per registration" is the knowledge base's reading
    ("Is the Madrid reward 100k per registration?", "maybe", "The text does not settle"),
])
def test_a_claim_against_the_most_or_a_condition_in_english(kb: KnowledgeBase, question: str, verdict: str,
                                                            starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # 有 … confirmed with a tag instead of 吗 (it gave no verdict)
    ("企业做专利密集型产品备案有奖补对吧", "yes", "有。"),
    # the case asked to be included is the clause's own wording (创建或者续延), chosen on merit or not (was 不一定)
    ("国家级知识产权规范化市场续延的也能申请吗", "yes", "是的。"),
])
def test_what_the_clause_holds_is_confirmed(kb: KnowledgeBase, question: str, verdict: str, starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


@pytest.mark.parametrize(("question", "said"), [
    # the requirement confirmed in the clause's own words, not the first condition matched (finding G19)
    ("专利导航必须按照《专利导航指南》吗", "要求：按照《专利导航指南》系列国家标准"),
    ("创客空间必须有固定办公场所吗", "要求：有固定办公场所及配套设施"),
    ("马德里商标必须是出口企业吗", "要求：须为出口企业"),
])
def test_a_requirement_confirmed_is_the_one_asked(kb: KnowledgeBase, question: str, said: str) -> None:
    got, line = first_line(kb, question)
    assert got == "yes" and line.startswith("是的。") and said in line, line


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # who pays, asked: the clause's own "市政府一次性给予" (it gave a card only, or 有。)
    ("驰名商标奖励是市政府给的吗", "yes", "是的。"),
    ("马德里奖励是不是市政府发的", "yes", "是的。"),
    # the end of the validity falls in that year by the assumed date (it said No)
    ("Does the policy expire in 2027?", "yes", "Yes."),
])
def test_who_pays_and_when_it_ends(kb: KnowledgeBase, question: str, verdict: str, starts: str) -> None:
    got, line = first_line(kb, question)
    assert got == verdict and line.startswith(starts), line


def test_the_applicant_type_asked_as_required_is_the_type_not_a_condition(kb: KnowledgeBase) -> None:
    # "贯标" matched the platform condition; what is asked to be required is 企业 (finding G18: it said 是的)
    got, line = first_line(kb, "贯标奖补必须是企业吗")
    assert got == "no" and line.startswith("不是。"), line


@pytest.mark.parametrize(("question", "act"), [
    # G42a: the supervision clause says fraud is dealt with under the regulations, never that money is taken back
    # (it said 是的 and invented a clawback)
    ("补贴会不会被收回", "收回"),
    ("骗取资助会被罚款吗", "罚款"),
])
def test_an_act_the_supervision_clause_does_not_name_is_not_a_yes(kb: KnowledgeBase, question: str, act: str) -> None:
    result = ask(Matcher(kb), question, today=TODAY, validity=policy_validity(kb))
    assert result.verdict is not None and result.verdict.verdict == "maybe", result.verdict
    assert result.verdict.reason == "consequence_unsaid" and result.verdict.param("asked_zh") == act


@pytest.mark.parametrize("question", [
    # G24: five subsidiaries are five enterprises; 同一企业同一事项 does not join them (it said 不可以)
    "我们集团有5家子公司都在石家庄，每家都付了利息，每家都能拿100万吗",
    "集团下面三家子公司都申请，算不算重复奖补",
])
def test_several_enterprises_are_not_one_enterprise_twice(kb: KnowledgeBase, question: str) -> None:
    got, line = first_line(kb, question)
    assert got == "maybe" and line.startswith("不一定。"), line


def test_one_enterprise_twice_is_still_the_same_matter(kb: KnowledgeBase) -> None:
    got, line = first_line(kb, "同一件事能重复拿两次奖补吗")
    assert got == "no", line
