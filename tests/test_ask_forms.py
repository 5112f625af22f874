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
    # a modal or a time between the question word and the verb, the office asked by which, the steps
    "质押贴息什么时候可以申请",
    "专利奖奖励要去哪个单位申请",
    "马德里奖励的申请程序",
    "我想申请驰名商标那50万，第一步做什么",
    "贴息一般多久到位",
    "How do we sign up for the IP certification subsidy?",
    "What steps do I take to get the interest subsidy?",
    "What do I need to prepare for the GI reward?",
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


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # a range claimed whole is the rule; one figure of it asked as what is always paid is not
    ("专利导航每个项目是10到20万吗", "yes", "是的。"),
    ("维权援助是不是每个都是20万", "no", "不是。"),
    ("专利导航是固定给10万吗", "no", "不是。"),
    # chosen on merit, and the figure is one of a range: a sure "一定能拿" is a no
    ("维权援助一定能拿30万吗", "no", "不是。"),
    ("Does every IP alliance that applies get 100,000?", "no", "No."),
    # 后补助: paid after the work, said by the text; elsewhere the text does not say when it pays
    ("地理标志运用促进工程的钱是提前拨付的吗", "no", "不是。"),
    # a quota in words, and one amount against another
    ("指导站每年支持六到十个吗", "yes", "是的。"),
    ("国家级规范化市场每年选两个吗", "no", "不是。"),
    ("示范企业的奖励比优势企业高吗", "yes", "是的。"),
    ("省级地理标志示范区的奖励比国家级的多吗", "no", "不是。"),
    # a fund set up by the city is not applied to; 是给X的吗 asks the applicant
    ("风险补偿资金能直接申请吗", "no", "不是。"),
    ("贯标补贴是给企业的吗", "yes", "可以。"),
    # the case a question supposes breaks the entry's condition
    ("大企业获取专利技术也有奖补吗", "no", "不可以。"),
    ("不出口的公司拿了马德里注册，也能奖吗", "no", "不可以。"),
    ("律所能申请维权援助的奖补不", "yes", "可以。"),
])
def test_a_yes_no_question_starts_with_the_verdict_of_the_text(kb: KnowledgeBase, question: str,
                                                               verdict: str, starts: str) -> None:
    result, text = answered(kb, question)
    assert result.verdict is not None and result.verdict.verdict == verdict, text
    assert text.startswith(starts), text


@pytest.mark.parametrize("question", [
    "县级知识产权示范企业有奖励吗",        # a level no entry of the term holds
    "省级专利导航项目有补贴吗",            # the city's own project asked at another level
    "区级规范化市场能拿钱吗",
    "我们拿了纽伦堡发明展的金奖，有奖励吗",  # another award's gold
    "成立知识产权部门能补贴吗",
    "专利检验费用能报销吗",
    "组建知识产权部门有奖励吗",
])
def test_a_near_miss_is_refused_with_the_reason(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert result.refused and result.subject is not None, text
    assert result.subject.reply.zh in text


@pytest.mark.parametrize("question", [
    "国家级和省级地理标志示范区各奖多少",   # two levels asked together: each is an entry's own
    "市级规范化市场奖多少",
    "为县级专利纠纷非诉解决机构提供托管服务的机构奖多少",  # the clause's own 县（市、区）
])
def test_a_level_an_entry_holds_is_answered(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert not result.refused, text


def test_a_type_the_asker_serves_is_not_the_applicant(kb: KnowledgeBase) -> None:
    """"我们律所帮小微企业维权": the 企业 are whom the asker serves; a law firm may apply for legal aid."""
    result, text = answered(kb, "我们事务所帮小微企业免费维权，能申请奖补吗")
    assert result.best is not None and result.best.id == "ip_legal_aid", text
    assert not text.startswith("不可以")


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # a place registered elsewhere with the entry named: the entry answered, no for the place
    ("注册在邢台的公司，贯标补贴能申请吗", "no", "不可以。这项政策只适用于石家庄市行政区域内"),
    ("Can a firm registered in Tianjin get the Madrid reward?", "no", "No. This policy only applies"),
    # a person, where the text names its applicants outright, is not among them
    ("个人能申请知识产权服务平台的奖补吗", None, ""),
    ("个人可以申请维权援助奖补吗", "no", "不可以。"),
    # a one-off asked as yearly is a no whatever the figure
    ("驰名商标每年都奖50万吗", "no", "不是。"),
    # the asker's own case: the conditions the question leaves open are said
    ("我们公司能拿马德里那10万吗", "maybe", "不一定。前提是须为出口企业"),
    ("我们拿了外观设计奖，能拿30万吗", "maybe", "不一定。前提是获得银奖"),
    # the rule for a type named in the third person, its condition said in the question
    ("科研院所获得中国专利奖也能拿奖励吗", "yes", "可以。"),
])
def test_the_verdict_follows_the_case_the_question_states(kb: KnowledgeBase, question: str, verdict: str | None,
                                                          starts: str) -> None:
    result, text = answered(kb, question)
    if verdict is None:  # the knowledge base reads the applicants: never a plain yes
        assert result.verdict is None or result.verdict.verdict != "yes", text
        return
    assert result.verdict is not None and result.verdict.verdict == verdict, text
    assert text.startswith(starts), text


@pytest.mark.parametrize("question", ["省里也有知识产权奖励，能跟这个一起拿吗", "国家知识产权局的补助和市里这个冲突吗"])
def test_another_levels_money_with_this_one_is_the_no_double_subsidy_rule(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert not result.refused and result.best is not None and result.best.id == "no_double_subsidy", text


@pytest.mark.parametrize("question", [
    "现在还来得及报吗", "一般多久审批下来", "申报需不需要审计报告", "评审结果在哪公示",
    "审批要多长时间", "多久能审完", "批下来钱多久能到账", "申报程序是怎样的", "能不能现场咨询",
    "可以找人代办吗",  # 找人 is no typo of 招人
    "补贴是一次性发放还是分期", "Is the subsidy paid in instalments?",
    "Do I need to go in person?", "How do I register for the program?", "How do I find out if we were selected?"])
def test_a_procedure_question_naming_no_benefit_is_this_policys(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert not result.refused and result.procedure, text


@pytest.mark.parametrize("question", [
    "需要准备哪些文件", "要带什么证件", "今年什么时候报", "今年什么时候报名", "去哪里报", "怎么报", "网上能报吗",
    "What materials should we prepare?"])
def test_a_bare_procedure_question_is_about_applying_here(kb: KnowledgeBase, question: str) -> None:
    """Procedure words and words that name nothing else: in this bot, applying under this policy."""
    result, text = answered(kb, question)
    assert not result.refused and result.procedure and result.best is not None, text
    assert result.best.id == "application_procedure", text


@pytest.mark.parametrize("question", ["离婚要带什么证件", "考研什么时候报名", "驾照什么时候报名", "网上能报税吗"])
def test_a_procedure_question_naming_another_matter_is_still_refused(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert result.refused, text


@pytest.mark.parametrize("question", ["辛集市算石家庄吗", "正定县属于石家庄吗", "Is Xinji part of Shijiazhuang?",
                                      "Xinji city is it part of Shijiazhuang?"])
def test_whether_a_place_belongs_to_the_city_is_answered_by_the_place(kb: KnowledgeBase, question: str) -> None:
    """辛集 is a county-level city of Shijiazhuang (places.yaml): the place rule says so, no refusal."""
    result, text = answered(kb, question)
    assert result.place == "in_city", text
    assert "本助手只解答" not in text and "only answers questions" not in text


@pytest.mark.parametrize("question", ["外国公司能申请吗", "Can a foreign company apply?", "外资企业可以申请吗"])
def test_a_foreign_applicant_is_answered_by_the_registration_rule(kb: KnowledgeBase, question: str) -> None:
    """Not the procedure card: the text sets the applicant's place (石家庄市行政区域内, by registration)."""
    result, text = answered(kb, question)
    assert result.place == "unclear" and result.best is None, text
    assert "注册地" in text or "registration" in text


@pytest.mark.parametrize("question", ["企业能申请哪些项目", "What can an enterprise apply for?", "我们公司能申请什么"])
def test_what_an_enterprise_may_apply_for_lists_its_clauses(kb: KnowledgeBase, question: str) -> None:
    result, text = answered(kb, question)
    assert result.entity_type == "enterprise" and any(b.id == "pledge_loan_interest" for b in result.open_to), text
    assert not ask_plain(kb, "公司附近有什么好吃的").open_to


@pytest.mark.parametrize("question", ["我们是国有企业，可以申请吗", "我们是民营企业能申请吗"])
def test_whether_a_kind_of_enterprise_may_apply_lists_the_clauses_open_to_enterprises(kb: KnowledgeBase,
                                                                                     question: str) -> None:
    """Finding V10: a kind of enterprise the text does not exclude, asked whether it may apply with no clause
    named: the clauses whose applicants include enterprises, never a refusal as off-topic."""
    result, text = answered(kb, question)
    assert result.entity_type == "enterprise" and any(b.id == "pledge_loan_interest" for b in result.open_to), text
    assert "只解答" not in text
    assert not ask_plain(kb, "我们公司有什么").open_to


def ask_plain(kb: KnowledgeBase, question: str) -> AskResult:
    return answered(kb, question)[0]


def test_what_is_open_to_a_type_is_still_listed(kb: KnowledgeBase) -> None:
    result, _ = answered(kb, "给高校的政策有哪些")
    assert result.open_to


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # a requirement of time or newness the clause does not hold: no, it asks only its own condition
    ("专用标志使用核准一定要是今年新拿的吗", "no", "不是。地理标志专用标志使用核准资助要求"),
    ("Does the GI mark approval have to be recent?", "no", "No."),
    # … where the clause holds it (上一年度), yes
    ("贯标证书必须是上一年度取得的吗", "yes", "是的。"),
    # a requirement the clause's text does not hold at all
    ("培训基地必须先办好民非登记才能申请吗", "no", "不是。"),
    # a type asked as required: that type alone, or not
    ("培训基地必须是高校才行吗", "no", "不是。"),
    # a one-off read from 取得 asked as yearly: the text does not say
    ("专用标志核准的1万是每年给吗", "maybe", "原文没有明确规定。"),
])
def test_a_requirement_asked_is_checked_against_the_clause(kb: KnowledgeBase, question: str, verdict: str,
                                                           starts: str) -> None:
    result, text = answered(kb, question)
    assert result.verdict is not None and result.verdict.verdict == verdict, text
    assert text.startswith(starts), text


def test_a_project_already_selected_is_paid_the_rules_amount(kb: KnowledgeBase) -> None:
    """"入选了，能拿50万吗": chosen on merit already; the quota no longer makes it uncertain."""
    result, text = answered(kb, "我们的专利导航项目已经入选了，能拿10到20万吗")
    assert result.verdict is not None and result.verdict.verdict == "yes", text


def test_another_levels_money_asked_again_here_is_not_settled(kb: KnowledgeBase) -> None:
    result, text = answered(kb, "省里已经给过贴息了，市里还能给吗")
    assert result.verdict is not None and result.verdict.verdict == "maybe", text
    assert text.startswith("原文没有明确规定。")


def test_a_second_english_sentence_asks_the_yes_or_no(kb: KnowledgeBase) -> None:
    result, text = answered(kb, "We are in Luquan district. Can we apply?")
    assert result.verdict is not None and result.verdict.verdict == "yes", text
    assert text.startswith("Yes.")


def test_a_loan_rate_said_is_no_other_loan_but_asking_for_one_is(kb: KnowledgeBase) -> None:
    result, _ = answered(kb, "年利率4.5%，专利质押贷款利息付了40万，能补多少")
    assert not result.refused
    asked, _ = answered(kb, "现在银行贷款利率是多少")
    assert asked.refused


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    ("Will a research institute get the maker space support automatically?", "no", "No."),
    ("Does the policy apply to firms in Luquan?", "yes", "Yes."),
    ("前年拿了中国驰名商标，今年还能再奖一次吗", "no", "不是。"),
    ("中国专利奖是不是只奖励金奖", "no", "不是。"),
    # two entries asked to be had at once stay the same-matter question
    ("驰名商标和地理标志能同时拿吗", "maybe", "原文没有明确规定。"),
])
def test_more_forms_of_a_yes_no_question(kb: KnowledgeBase, question: str, verdict: str, starts: str) -> None:
    result, text = answered(kb, question)
    assert result.verdict is not None and result.verdict.verdict == verdict, text
    assert text.startswith(starts), text


def test_options_summed_are_not_asked_which(kb: KnowledgeBase) -> None:
    """"都拿了，能给130万吗": both options are parts of the sum; no stray "请从选项中选一个"."""
    _, text = answered(kb, "国家地理标志产品保护示范区和省级的都拿了，一共能给130万吗")
    assert "请从选项中选一个" not in text


@pytest.mark.parametrize("question", ["半年付一次利息，一次20万，能补多少"])
def test_a_figure_tied_to_no_fact_is_asked_about_never_computed(kb: KnowledgeBase, question: str) -> None:
    """First rule: a figure the language layer could not tie to the interest actually paid is asked about."""
    result, text = answered(kb, question)
    assert result.amount is None or not result.answer or not result.answer.from_figures, text
    assert result.clarify, text


@pytest.mark.parametrize(("question", "verdict", "starts"), [
    # the validity asked the other way round: the verdict is the opposite of "in force" (F65)
    ("这个政策是不是已经过期了", "no", "不是。"),
    ("Is the policy no longer in force?", "no", "No."),
    ("政策还有效吗", "yes", "是的。"),
    ("2030年这个政策会失效吗", "yes", "是的。"),
])
def test_a_question_about_lapsing_gets_the_polarity_right(kb: KnowledgeBase, question: str, verdict: str,
                                                         starts: str) -> None:
    result, text = answered(kb, question)
    assert result.verdict is not None and result.verdict.verdict == verdict, text
    assert text.startswith(starts), text
