"""Readings of ``understand()`` that once recorded a wrong fact or a wrong amount: each a message as people type it.

Precision first: the fact meant, or a question back, never the other fact.
"""

from __future__ import annotations

import pytest

from fakes.reading import Asker, asked, read
from knowledge.models import KnowledgeBase

# -- the originator's role, in English too -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["As originator we launched an IP securitisation that raised 200 million",
                                  "as the originator, we issued one IP ABS, 90 million raised"])
def test_as_originator_makes_the_issue_the_originators(kb: KnowledgeBase, text: str) -> None:
    """"As originator…raised": the issue's money, never the financed enterprise's (3% instead of 2%)."""
    r = read(kb, text)
    assert "securitization_financing_yuan" not in r.facts
    assert r.facts.get("securitization_originator_issues_yuan") or "securitization_originator_issues_yuan" in asked(r)


def test_originator_said_after_the_figure_is_asked(kb: KnowledgeBase) -> None:
    r = read(kb, "证券化融资两个亿，我们是发起人")
    assert "securitization_financing_yuan" not in r.facts
    assert asked(r)


# -- a period told in the next clause ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "专利质押贷款的利息3万，每季度付一次",
    "质押贷款利息4万，半年付一次",
    "our pledge loan interest is 20k, paid monthly",
    "pledge loan interest of 60k, payable semi-annually",
    "利息20万，按季度付的",
    "利息每次付3万，一个月付一次",
])
def test_a_period_in_the_next_clause_is_asked(kb: KnowledgeBase, text: str) -> None:
    """"20万，按季度付的": the year's 20万 paid quarterly, or 20万 a quarter? A period said only in the next clause
    is asked about, never multiplied (nor taken as the year's figure)."""
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts
    assert "pledge_loan_interest_paid_yuan" in asked(r)


def test_a_figure_after_the_clause_naming_its_fact_is_that_facts(kb: KnowledgeBase, ask: Asker) -> None:
    """On the securitisation question, "刚才利息说错了，是30万" corrects the interest: no financing figure."""
    r = read(kb, "刚才利息说错了，是30万", ask("securitization_financing_yuan"))
    assert r.facts.get("pledge_loan_interest_paid_yuan") == 300_000
    assert "securitization_financing_yuan" not in r.facts


def test_a_period_clause_that_says_more_is_asked(kb: KnowledgeBase, ask: Asker) -> None:
    """"每月还本金": the period may be the principal's; the interest's period is asked, never guessed."""
    r = read(kb, "利息6万，每月要还本金", ask("pledge_loan_interest_paid_yuan"))
    assert r.facts.get("pledge_loan_interest_paid_yuan") not in (60_000 * 12,)
    assert "pledge_loan_interest_paid_yuan" in asked(r) or "pledge_loan_interest_paid_yuan" not in r.facts


# -- corrections and contrasts -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["抱歉，是优势企业不是示范企业", "不是示范企业，是优势企业"])
def test_it_is_a_not_b_says_nothing_of_b(kb: KnowledgeBase, text: str) -> None:
    """The user says which title it is; the other one is the earlier word corrected, not a no."""
    r = read(kb, text)
    assert r.facts.get("new_national_ip_advantage_enterprise") is True
    assert "new_national_ip_demo_enterprise" not in r.facts


def test_a_plain_no_is_still_a_no(kb: KnowledgeBase) -> None:
    assert read(kb, "我们不是示范企业").facts.get("new_national_ip_demo_enterprise") is False


@pytest.mark.parametrize("q", [None, "gi_demo_zone"])
def test_a_level_corrected_after_its_subject_keeps_the_later_one(kb: KnowledgeBase, ask: Asker, q: str | None) -> None:
    r = read(kb, "国家级示范区，说错了，是省级的", ask(q) if q else None)
    assert r.facts.get("gi_demo_zone") == "provincial"


def test_an_applicant_corrected_to_what_it_belongs_to(kb: KnowledgeBase) -> None:
    """"准确说是学院下属的研究所": the institute is the applicant, the college only its owner."""
    r = read(kb, "我们是大学，准确说是学院下属的研究所")
    assert r.facts.get("entity_type") == "research_institute"


# -- who the applicant is ----------------------------------------------------------------------------------


def test_an_ip_agency_registered_as_a_company_is_an_agency(kb: KnowledgeBase) -> None:
    r = read(kb, "我们注册的是有限公司，不过其实是做知识产权代理的")
    assert r.facts.get("entity_type") == "service_agency"


def test_the_type_denied_named_again_is_someone_else(kb: KnowledgeBase) -> None:
    r = read(kb, "我们是制造企业，不是律所，律所只是帮我们打官司")
    assert r.facts.get("entity_type") == "enterprise"


def test_not_this_type_but_that_one(kb: KnowledgeBase) -> None:
    assert read(kb, "不是律所，是代理机构").facts.get("entity_type") == "service_agency"


def test_our_agency_is_someone_else(kb: KnowledgeBase) -> None:
    """"我们的代理机构在裕华区": the agency the applicant uses; its place and type are not the applicant's."""
    r = read(kb, "我们的代理机构在裕华区，我们公司注册在邢台")
    assert r.facts.get("entity_type") != "service_agency"
    assert r.facts.get("in_city") is False


# -- others' facts are never ours -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["My friend's company got a Madrid registration", "a friend's firm won a gold award"])
def test_a_friends_company_is_someone_else(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "new_madrid_registration" not in r.facts and "china_patent_award_last_year" not in r.facts


def test_bought_from_others_is_our_acquisition(kb: KnowledgeBase, ask: Asker) -> None:
    """"买了别人的专利": the applicant bought them; "别人" is the seller, not the one the fact is about."""
    r = read(kb, "做了专利导航，也买过别人的专利", ask("group:projects"))
    assert r.facts.get("acquired_patent_technology") is True


# -- negations and things only named ----------------------------------------------------------------------


def test_an_english_negation_reaches_along_an_or_list(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "We don't have a guidance station or a maker space, just the training base", ask("group:services"))
    assert r.facts.get("ip_maker_space") is False and r.facts.get("ip_training_base") is True


def test_having_a_support_centre_is_not_a_new_title(kb: KnowledgeBase) -> None:
    """A TISC the university runs is no title newly granted; a new selection is."""
    assert "new_national_service_title" not in read(kb, "我们学院有个技术与创新支持中心").facts
    assert read(kb, "我们学院去年新入选了技术与创新支持中心").facts.get("new_national_service_title") is True


# -- commands typed in other words -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "intent"), [
    ("撤回", "back"), ("撤销上一步", "back"), ("回到前面", "back"), ("undo that", "back"),
    ("重置", "restart"), ("回到第一题", "restart"), ("start all over", "restart"),
    ("算了 不弄了", "cancel"), ("算了不测了", "cancel"), ("forget it", "cancel"), ("maybe later", "cancel"),
    ("找谁咨询", "human"), ("你好 有人工吗", "human"), ("who can i call", "human"),
    ("go home", "menu"), ("我该怎么做", "help"), ("i'm lost", "help"), ("哎呀 点错了", "back"),
])
def test_commands_typed_in_other_words(kb: KnowledgeBase, ask: Asker, text: str, intent: str) -> None:
    assert read(kb, text).intent == intent
    assert read(kb, text, ask("is_sme")).intent == intent


# -- someone else's figure, and corrections of one figure of several ---------------------------------------


def test_a_suppliers_interest_then_none_of_our_own(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "我们的供应商去年质押贷款利息交了60万，我们自己没有这种贷款", ask("pledge_loan_interest_paid_yuan"))
    assert r.facts.get("pledge_loan_interest_paid_yuan") in (0, None)


def test_a_suppliers_interest_alone_is_asked_whose(kb: KnowledgeBase) -> None:
    r = read(kb, "供应商的质押贷款利息是40万")
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


def test_a_partner_banks_issue_is_not_our_financing(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "合作银行发了一期3亿的证券化产品，我们没参与", ask("securitization_financing_yuan"))
    assert not r.facts.get("securitization_financing_yuan")


@pytest.mark.parametrize("text", ["驰名商标是总公司拿的，不是我们", "that one was our parent company's, not ours"])
def test_not_us_disowns_the_clause_before(kb: KnowledgeBase, ask: Asker, text: str) -> None:
    q = "new_well_known_trademark" if "驰名" in text else "new_madrid_registration"
    assert read(kb, text, ask(q)).facts.get(q) in (False, None)


def test_paid_in_n_instalments_is_a_period(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "每年分四次付，每次2万", ask("pledge_loan_interest_paid_yuan"))
    assert r.facts.get("pledge_loan_interest_paid_yuan") == 80_000


def test_a_corrected_figure_then_alternatives_is_asked(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "40万吧，不对，可能是42还是43万", ask("pledge_loan_interest_paid_yuan"))
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


def test_an_issue_corrected_by_its_ordinal(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "发了两期，6000万和9000万，第一期说错了，是6500万", ask("securitization_originator_issues_yuan"))
    assert r.facts.get("securitization_originator_issues_yuan") == [65_000_000, 90_000_000]


def test_the_seller_named_is_not_the_applicant(kb: KnowledgeBase) -> None:
    r = read(kb, "我们公司从研究所受让了一项专利")
    assert r.facts.get("entity_type") == "enterprise" and r.facts.get("acquired_patent_technology") is True


def test_our_association_registered_it_is_self(kb: KnowledgeBase) -> None:
    r = read(kb, "地理标志是我们协会申请的")
    assert r.facts.get("entity_type") == "association"
    assert r.facts.get("gi_applicant") in ("self", None)


# -- recall: hedged yes in English, the originator's other words -------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("I believe so", True), ("pretty sure we do", True),
                                             ("I don't think so", False), ("probably not", False)])
def test_hedged_yes_and_no_in_english(kb: KnowledgeBase, ask: Asker, text: str, value: bool) -> None:
    assert read(kb, text, ask("is_exporter")).facts.get("is_exporter") is value


@pytest.mark.parametrize("text", ["我们作为发起单位发了一期知识产权证券化，募了2个亿",
                                  "发起了一期知识产权ABS，规模1.5亿",
                                  "发了一期知识产权证券化产品，规模8000万，我们是发起单位"])
def test_the_originators_issue_in_other_words(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "securitization_financing_yuan" not in r.facts
    assert r.facts.get("securitization_originator_issues_yuan") or asked(r)


def test_a_size_word_alone_is_no_amount(kb: KnowledgeBase) -> None:
    assert not read(kb, "公司规模2000万").facts


# -- the prober's findings: whose money, which side, how exact ---------------------------------------------


def test_issued_and_financed_in_one_breath_asks_which_side(kb: KnowledgeBase) -> None:
    """"发行…产品融资8000万": the issuer's word and the financed enterprise's; 2% or 3% depends on the side."""
    r = read(kb, "我们发行了一期知识产权证券化产品，融资8000万")
    assert "securitization_financing_yuan" not in r.facts
    assert r.facts.get("securitization_originator_issues_yuan") or asked(r)


@pytest.mark.parametrize("text", ["利息付了50万，银行后来返给我们8万", "质押贷款利息是老板个人掏的，30万",
                                  "their supplier paid 200k interest on a pledge loan"])
def test_interest_paid_back_or_by_someone_else_is_asked(kb: KnowledgeBase, ask: Asker, text: str) -> None:
    r = read(kb, text, ask("pledge_loan_interest_paid_yuan"))
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


def test_a_bit_under_a_figure_is_asked(kb: KnowledgeBase) -> None:
    r = read(kb, "质押贷款利息小五十万")
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


def test_a_name_is_no_bound(kb: KnowledgeBase) -> None:
    assert read(kb, "小王说质押贷款利息是30万").facts.get("pledge_loan_interest_paid_yuan") == 300_000


@pytest.mark.parametrize(("text", "value"), [
    ("嗯嗯对的", True), ("必须的", True), ("那肯定", True), ("可以这么说", True),
    ("对对对", True), ("没错没错", True), ("不是不是", False), ("是不是", None),
])
def test_colloquial_and_repeated_yes(kb: KnowledgeBase, ask: Asker, text: str, value: bool | None) -> None:
    assert read(kb, text, ask("in_city")).facts.get("in_city") is value


@pytest.mark.parametrize(("text", "kind"), [("河北师范大学", "university"), ("河北省科学院", "research_institute")])
def test_a_bare_institution_name_describes_the_applicant(kb: KnowledgeBase, text: str, kind: str) -> None:
    assert read(kb, text).facts.get("entity_type") == kind


# -- clients, partners and part of a year ------------------------------------------------------------------


def test_our_clients_as_the_subject_are_not_us(kb: KnowledgeBase) -> None:
    """"我们的客户是一家做芯片的公司，拿了金奖": the client's trade and award, not the agency's."""
    r = read(kb, "我们的客户是一家做新能源的企业，去年拿了银奖")
    assert "china_patent_award_last_year" not in r.facts and "industry" not in r.facts


@pytest.mark.parametrize("text", ["我们跟河北师范大学合作做了专利导航", "我们从石家庄铁道大学受让了一项专利"])
def test_a_partner_named_by_its_name_is_not_the_applicant(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert r.facts.get("entity_type") != "university"
    assert "in_city" not in r.facts  # the place is in the partner's name


@pytest.mark.parametrize("text", ["质押贷款利息每月2万，付了7个月", "利息每月1万，一共付了10个月"])
def test_a_monthly_figure_paid_for_part_of_the_year_is_asked(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


@pytest.mark.parametrize("text", ["我们参与了一个知识产权证券化项目，总规模3亿", "利息前两个季度一共8万",
                                  "银行说今年利息要还60万"])
def test_a_products_size_part_of_a_year_or_a_payment_due_is_no_amount(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert not any(kb.facts[f].type in ("money", "money_list") and v for f, v in r.facts.items())


def test_a_list_of_two_titles_denied_after_them(kb: KnowledgeBase) -> None:
    """"驰名商标跟马德里注册我们都还没有": both denied ("马德里注册" is one word, so the list reaches it)."""
    r = read(kb, "马德里注册跟驰名商标，我们都还没有")
    r = r if r.facts else read(kb, "马德里注册跟驰名商标我们都还没有")
    assert r.facts.get("new_madrid_registration") is False and r.facts.get("new_well_known_trademark") is False


@pytest.mark.parametrize("q", [None, "group:achievements"])
def test_a_bare_denial_after_a_list_denies_the_list(kb: KnowledgeBase, ask: Asker, q: str | None) -> None:
    r = read(kb, "驰名商标跟马德里注册，这两样我们都还没有" if q else "马德里注册跟驰名商标，我们都还没有",
             ask(q) if q else None)
    assert r.facts.get("new_madrid_registration") is not True and r.facts.get("new_well_known_trademark") is not True


def test_a_denial_of_the_others_keeps_the_one_named(kb: KnowledgeBase) -> None:
    assert read(kb, "有驰名商标，别的都没有").facts.get("new_well_known_trademark") is True


# -- NOTE 7's findings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["去年一共付了利息60万，其中10万是今年初才付的", "质押贷款利息50万，其中8万是罚息"])
def test_a_part_of_the_interest_told_apart_is_asked(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


def test_a_part_named_by_its_cue_is_still_read(kb: KnowledgeBase) -> None:
    r = read(kb, "还了利息和本金一共300万，其中利息25万")
    assert r.facts.get("pledge_loan_interest_paid_yuan") == 250_000


def test_a_co_winners_city_is_not_ours(kb: KnowledgeBase) -> None:
    assert "in_city" not in read(kb, "银奖是我们和天津一家研究所一起拿的").facts


def test_two_places_in_a_list_are_still_asked(kb: KnowledgeBase) -> None:
    assert "in_city" not in read(kb, "在石家庄与邢台都有工厂").facts


def test_our_own_financing_and_our_issue_as_originator(kb: KnowledgeBase) -> None:
    """The financing said before the role is not the originator's issue (asked); the issue after it is."""
    r = read(kb, "我们通过证券化融资了8000万，另外作为发起单位也发行了一期1.5亿的产品")
    assert r.facts.get("securitization_originator_issues_yuan") in ([150_000_000], None)
    assert "securitization_financing_yuan" not in r.facts or r.facts["securitization_financing_yuan"] == 80_000_000


def test_also_originated_is_the_speakers_role(kb: KnowledgeBase) -> None:
    r = read(kb, "我们是企业，另外还发起了一期知识产权证券化产品，融资2亿")
    assert "securitization_financing_yuan" not in r.facts


def test_a_provincial_title_is_not_the_national_one(kb: KnowledgeBase) -> None:
    assert "new_national_ip_demo_enterprise" not in read(kb, "我们去年被评为省级知识产权示范企业").facts


def test_a_finance_lease_is_not_a_pledge_loan(kb: KnowledgeBase) -> None:
    assert "pledge_loan_interest_paid_yuan" not in read(kb, "我们做的是融资租赁，租金里的利息有20万").facts


def test_two_instalments_each(kb: KnowledgeBase) -> None:
    r = read(kb, "our pledge loan interest was paid in two instalments of 100k each")
    assert r.facts.get("pledge_loan_interest_paid_yuan") in (200_000, None)


@pytest.mark.parametrize(("text", "fact"), [
    ("neither a Madrid registration nor a well-known mark", "new_madrid_registration"),
    ("we used to export, not any more", "is_exporter"),
])
def test_english_neither_and_used_to_are_no_yes(kb: KnowledgeBase, text: str, fact: str) -> None:
    assert read(kb, text).facts.get(fact) is not True


def test_interest_over_several_years_is_asked(kb: KnowledgeBase) -> None:
    r = read(kb, "we paid 1.5 million in pledge loan interest over 4 years")
    assert "pledge_loan_interest_paid_yuan" not in r.facts


@pytest.mark.parametrize("text", ["我们算不算中小企业", "客户问他们是不是示范企业", "公司500人，属不属于中小企业"])
def test_an_a_not_a_question_states_neither(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "is_sme" not in r.facts and "new_national_ip_demo_enterprise" not in r.facts


# -- NOTE 8 (lang8): figures that are not the year's interest are asked, never computed from ----------------


@pytest.mark.parametrize("text", [
    "1-6月付利息30万",  # January to June: half a year's figure, never ×12 (F76)
    "我们1月到6月一共付了利息18万",
    "3月份付了利息12万",  # a month's payment: 月付 inside "3月付" is no period
    "利息每周1万",  # weekly: asked (F77)
    "利息付了两次，每次25万",  # per payment, no period (F83)
    "贷款利息每笔8万",
    "利息30万吧，也可能是40万",  # alternatives across clauses (F73)
    "利息60万，其中手续费5万",  # a fee inside the interest (F78)
    "interest 600k including a 50k handling fee",  # (F85)
    "Last year's interest was 400k but 200k of it was paid this January",
])
def test_a_figure_not_surely_the_years_interest_is_asked(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts
    assert "pledge_loan_interest_paid_yuan" in asked(r)


@pytest.mark.parametrize(("text", "yearly"), [
    ("利息月均6万左右", 720_000),  # a monthly average is ×12, stated back (F77)
    ("we pay about 60k interest a month on average", 720_000),
    ("半年付一次利息，每次15万", 300_000),  # a payment's figure with its period said
])
def test_a_monthly_average_and_a_payment_with_its_period_are_annualised(kb: KnowledgeBase, text: str,
                                                                        yearly: int) -> None:
    r = read(kb, text)
    assert r.facts.get("pledge_loan_interest_paid_yuan") == yearly
    assert any(n.key == "lang.note.period" for n in r.notes)


@pytest.mark.parametrize(("text", "candidate"), [
    ("利息6O万", 600_000),  # the letter O for a zero (F109): read as 60万 and confirmed, never 6元
    ("interest 6O0k", 600_000),
])
def test_a_letter_o_for_a_zero_is_confirmed(kb: KnowledgeBase, text: str, candidate: int) -> None:
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts
    c = next(c for c in r.clarify if c.fact == "pledge_loan_interest_paid_yuan")
    assert c.key == "lang.ask.confirm_amount" and c.value == candidate


@pytest.mark.parametrize("text", ["利息60", "我们的利息是45", "interest was 60"])
def test_a_bare_figure_after_its_cue_asks_the_unit(kb: KnowledgeBase, text: str) -> None:
    """"利息60": 60元 or 60万? The unit is asked (F109, F119), never 30元 computed."""
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts
    assert any(c.key == "lang.ask.unit" for c in r.clarify)


@pytest.mark.parametrize(("text", "fact"), [
    ("我们公司是国家知识产权示范企业培育单位", "new_national_ip_demo_enterprise"),  # a candidate, not the title (F101)
    ("国家知识产权优势企业我们今年复核通过了", "new_national_ip_advantage_enterprise"),  # kept, not newly granted
    ("we are a cultivation unit for the national IP demonstration enterprise", "new_national_ip_demo_enterprise"),
    ("we passed the re-examination as a national IP advantage enterprise", "new_national_ip_advantage_enterprise"),
    ("去年拿了河北省专利奖金奖", "china_patent_award_last_year"),  # a provincial award (F103, F106)
    ("我们得过省专利银奖", "china_patent_award_last_year"),
    ("we won a provincial patent award last year", "china_patent_award_last_year"),
    ("我们是市级知识产权示范企业", "new_national_ip_demo_enterprise"),
])
def test_a_candidate_a_renewal_or_another_levels_title_is_not_the_national_one(kb: KnowledgeBase, text: str,
                                                                                fact: str) -> None:
    assert fact not in read(kb, text).facts


def test_the_national_title_and_award_are_still_read(kb: KnowledgeBase) -> None:
    assert read(kb, "去年新增国家知识产权优势企业").facts.get("new_national_ip_advantage_enterprise") is True
    assert read(kb, "我们去年拿了中国专利金奖").facts.get("china_patent_award_last_year") == "gold"


@pytest.mark.parametrize(("text", "issues"), [
    ("As originator, we put out 3 tranches of 200 million each", [200_000_000] * 3),  # F84
    ("我们作为发起单位一共发了三期，每期融资8000万", [80_000_000] * 3),
    ("we issued an IP ABS of 300 million", [300_000_000]),  # 'we issued': the originator (F86)
])
def test_each_issues_figure_is_counted_per_issue(kb: KnowledgeBase, text: str, issues: list[int]) -> None:
    r = read(kb, text)
    assert r.facts.get("securitization_originator_issues_yuan") == issues
    assert "securitization_financing_yuan" not in r.facts


def test_fewer_figures_than_issues_without_each_is_still_asked(kb: KnowledgeBase) -> None:
    r = read(kb, "我们是发起单位，发了两期，融资2亿")
    assert "securitization_originator_issues_yuan" not in r.facts and asked(r)


# -- NOTE 11: the registration place decides wherever it stands in the message ---------------------------------


@pytest.mark.parametrize("text", [
    "在北京注册、石家庄有分公司",
    "我们是保定注册的公司，在石家庄有分公司",
    "保定注册的公司在石家庄有分公司",
    "公司在天津注册，石家庄只有个办事处",
    "注册地是衡水，在石家庄有分厂",
    "营业执照在北京，石家庄这边有研发中心",
    "we are registered in Beijing and have an office in Shijiazhuang",
    "a Baoding-registered company with a Shijiazhuang branch",
])
def test_registered_elsewhere_with_a_branch_in_the_city_is_not_in_the_city(kb: KnowledgeBase, text: str) -> None:
    assert read(kb, text).facts.get("in_city") is not True


@pytest.mark.parametrize("text", [
    "我们在石家庄注册，北京有分公司",
    "registered in Shijiazhuang with an office in Beijing",
    "a Shijiazhuang-registered firm with a factory in Tianjin",
])
def test_registered_in_the_city_with_a_branch_elsewhere_is_in_the_city(kb: KnowledgeBase, text: str) -> None:
    assert read(kb, text).facts.get("in_city") is True


@pytest.mark.parametrize("text", [
    "利息60万，我们付了一半",  # a share of the figure (F121)
    "贷款利息由我们和担保公司各付一半，总共60万",
    "利息80万，我们两家联合贷款，我们承担一半",  # (F123)
    "利息总共60万，其中40万是知识产权质押贷款的，20万是房产抵押贷款的",
])
def test_a_share_or_a_part_of_the_interest_is_asked(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


def test_the_policys_half_asked_about_leaves_our_figure(kb: KnowledgeBase) -> None:
    assert read(kb, "利息60万，贴息是一半吗").facts.get("pledge_loan_interest_paid_yuan") == 600_000


@pytest.mark.parametrize(("text", "ours"), [
    ("隔壁公司利息50万拿了25万，我们利息70万", 700_000),  # every figure of the neighbour's clause is theirs (F113)
    ("同行利息100万补了50万，我们利息40万", 400_000),
])
def test_a_peers_figures_then_ours(kb: KnowledgeBase, text: str, ours: int) -> None:
    assert read(kb, text).facts.get("pledge_loan_interest_paid_yuan") == ours


@pytest.mark.parametrize(("text", "fact"), [
    ("我们的驰名商标申请还在审核", "new_well_known_trademark"),  # pending is not obtained (F100, F107, F118)
    ("马德里还在审核", "new_madrid_registration"),
    ("Our well-known trademark application is pending", "new_well_known_trademark"),
    ("our Madrid registration is still under review", "new_madrid_registration"),
    ("the GI is awaiting approval", "new_geographical_indication"),
])
def test_an_application_under_review_is_not_the_fact(kb: KnowledgeBase, text: str, fact: str) -> None:
    assert read(kb, text).facts.get(fact) is not True


@pytest.mark.parametrize("text", [
    "2023年利息80万，2024年90万，能补多少",  # several years' figures: which year is asked (NOTE 13)
    "去年利息80万，今年又付了60万",
    "前年付了利息50万，去年付了70万",
])
def test_figures_of_several_years_are_asked_which_year(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts and "pledge_loan_interest_paid_yuan" in asked(r)


@pytest.mark.parametrize(("text", "fact", "count"), [
    ("马德里注册拿了两个", "new_madrid_registration_count", 2),  # a count after a done verb (NOTE 13)
    ("its 3 new Madrid registrations", "new_madrid_registration_count", 3),
    ("驰名商标获得了两件", "new_well_known_trademark_count", 2),
])
def test_a_count_after_a_done_verb_or_new_is_read(kb: KnowledgeBase, text: str, fact: str, count: int) -> None:
    assert read(kb, text).facts.get(fact) == count


@pytest.mark.parametrize("text", ["1）质押贷款利息付了20万；2）驰名商标新认定",
                                  "客户留言：1、利息付了20万，2、去年拿了银奖",
                                  "Customer asks: 1) we paid 200k interest on an IP pledge loan; 2) a gold award"])
def test_the_number_of_an_item_in_a_numbered_list_is_no_figure(kb: KnowledgeBase, text: str) -> None:
    """"1）利息付了20万": the 1 numbers the item; it is never asked "1元还是1万元", and the interest is the 20万."""
    r = read(kb, text)
    assert r.facts["pledge_loan_interest_paid_yuan"] == 200000 and not asked(r)


@pytest.mark.parametrize("text", [
    "the interest on our IP pledge loan was split with the guarantee company, 600k in total",
    "we and our partner each paid half of the pledge loan interest, 600k"])
def test_interest_shared_with_another_party_in_english_is_asked_whose(kb: KnowledgeBase, text: str) -> None:
    """As "各付一半，总共60万": the 600k is not ours alone; asked, never 300,000 yuan computed from it."""
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts


@pytest.mark.parametrize("text", ["质押贷款利息付了60万能补多少", "利息付了60万能补多少钱", "利息是60万能拿多少"])
def test_a_figure_right_after_its_cue_is_the_fact_though_the_subsidy_is_asked_after_it(kb: KnowledgeBase,
                                                                                        text: str) -> None:
    """No comma before 能补多少: the 60万 is the interest paid (it was asked to be confirmed as if received)."""
    r = read(kb, text)
    assert r.facts["pledge_loan_interest_paid_yuan"] == 600000 and not asked(r)


def test_a_subsidy_figure_named_before_is_still_not_the_interest(kb: KnowledgeBase) -> None:
    r = read(kb, "贴息80w能拿多少")
    assert "pledge_loan_interest_paid_yuan" not in r.facts


# -- corrections and award years in English (G20g, G23) ------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("interest 800k — no wait, 600k", 600000),
    ("利息80万……不对，60万", 600000),
    ("pledge loan interest 500k - sorry - 450k", 450000),
])
def test_a_correction_after_a_dash_replaces_the_figure(kb: KnowledgeBase, text: str, value: int) -> None:
    assert read(kb, text).facts.get("pledge_loan_interest_paid_yuan") == value


@pytest.mark.parametrize("text", ["we won gold — no wait, silver", "China Patent Award: not gold, silver",
                                  "we won the China Patent gold, no wait, silver"])
def test_a_corrected_award_level_in_english_keeps_only_the_second(kb: KnowledgeBase, text: str) -> None:
    """"no" inside "no wait" is no award ("none"): the level named after the correction replaces the first."""
    assert read(kb, text).facts.get("china_patent_award_last_year") == "silver"


def test_a_silver_won_this_year_is_for_next_years_application(kb: KnowledgeBase) -> None:
    """G20g: "we won a silver this year" is read as 今年获得了银奖 is: not last year's award, and said back."""
    r = read(kb, "we won a silver this year")
    assert "china_patent_award_last_year" not in r.facts
    assert any(n.key == "lang.note.event_year_this" for n in r.notes)
    assert read(kb, "we won a silver last year").facts.get("china_patent_award_last_year") == "silver"


def test_a_fact_said_not_to_be_it_is_denied_not_recorded(kb: KnowledgeBase) -> None:
    r = read(kb, "不是优势企业，是示范企业")
    assert r.facts == {"new_national_ip_demo_enterprise": True}
    assert r.denied == {"new_national_ip_advantage_enterprise"}


# -- someone else's figure or award beside ours (G37, H3, H4) -------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("我们付了120万利息，别人才付了20万", 1_200_000),  # G37: never 20万, the other party's
    ("我们利息付了120万，同行才20万", 1_200_000),
    ("集团付了200万利息，我们付了60万", 600_000),  # the group's figure is not the company's
    ("the group paid 2 million interest, we paid 600k", 600_000),
    ("my friend's company paid 2 million interest, we paid 600k", 600_000),
])
def test_our_figure_beside_someone_elses_is_ours(kb: KnowledgeBase, text: str, value: int) -> None:
    r = read(kb, text)
    assert r.facts.get("pledge_loan_interest_paid_yuan") == value
    assert "entity_type" not in r.facts


def test_two_own_figures_beside_someone_elses_are_asked(kb: KnowledgeBase) -> None:
    r = read(kb, "我们付了120万利息，别人家付了20万，我们付了30万")
    assert "pledge_loan_interest_paid_yuan" not in r.facts and asked(r)


@pytest.mark.parametrize("text", ["we won a silver last year and our partner won a gold",
                                  "我们去年拿了银奖和合作方拿的金奖", "去年我们拿了银奖，合作方拿了金奖"])
def test_a_partners_award_is_not_added_to_ours(kb: KnowledgeBase, text: str) -> None:
    """H4: the partner's gold beside our silver was read as both ours (a range up to 80万)."""
    assert read(kb, text).facts.get("china_patent_award_last_year") == "silver"


# -- a part of a count told apart (H10) ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["有3个驰名商标，一个是子公司的", "去年新认定了3件驰名商标，有1件是母公司的",
                                  "we got 3 well-known trademarks last year, one of them is our subsidiary's"])
def test_a_count_with_a_part_not_ours_is_asked(kb: KnowledgeBase, text: str) -> None:
    """H10: "有3个驰名商标，一个是子公司的" paid 3 marks (50万–150万); how many are the applicant's is asked."""
    r = read(kb, text)
    assert "new_well_known_trademark_count" not in r.facts
    assert "new_well_known_trademark_count" in asked(r)


def test_a_count_all_of_last_year_is_counted(kb: KnowledgeBase) -> None:
    assert read(kb, "我们有3个驰名商标，都是去年认定的").facts.get("new_well_known_trademark_count") == 3


# -- the dev7 categories: another fact corrected, double negation, "not ours", English parties, suppositions --


@pytest.mark.parametrize(("text", "facts"), [
    ("示范企业，说错了，是优势企业", {"new_national_ip_advantage_enterprise": True}),
    ("马德里注册不是没有，去年刚办下来", {"new_madrid_registration": True}),
    ("驰名商标不是我们的，马德里注册是我们自己的", {"new_madrid_registration": True}),
    ("Say a company wins a gold award, what is the reward?", {}),
])
def test_what_the_message_says_of_the_applicant_only(kb: KnowledgeBase, text: str, facts: dict[str, object]) -> None:
    assert dict(read(kb, text).facts) == facts


def test_the_partners_award_on_the_award_question_is_not_ours(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "the partner won a gold award, we won nothing", ask("china_patent_award_last_year"))
    assert r.facts.get("china_patent_award_last_year") == "none"


# -- findings3: "actually no", alternatives across clauses, a party's figure, another year's (J1, J3, J6, J17) ----


def test_actually_no_corrects_the_figure(kb: KnowledgeBase) -> None:
    assert read(kb, "interest was 800k, actually no, 600k").facts.get("pledge_loan_interest_paid_yuan") == 600000


@pytest.mark.parametrize("text", ["我们去年中国专利奖好像是银奖，也可能是优秀奖", "it was gold, or maybe silver"])
def test_an_award_level_given_as_an_alternative_is_asked(kb: KnowledgeBase, text: str) -> None:
    r = read(kb, text)
    assert "china_patent_award_last_year" not in r.facts and "china_patent_award_last_year" in asked(r)


@pytest.mark.parametrize("text", ["我们付的利息是同行的两倍，同行付了30万",
                                  "我们付的利息和合作方差不多，合作方付了70万"])
def test_a_partys_figure_beside_a_relation_is_theirs(kb: KnowledgeBase, text: str) -> None:
    """J6: the other party's figure was the base of the subsidy (15万, 35万): it is theirs, never a base."""
    r = read(kb, text)
    assert "pledge_loan_interest_paid_yuan" not in r.facts
    assert all(f.role == "theirs" for f in r.figures if f.value)


def test_a_figure_told_against_another_years_is_asked(kb: KnowledgeBase) -> None:
    """J17: "比去年少了一半，去年是100万" was paid on last year's 100万."""
    r = read(kb, "我们利息比去年少了一半，去年是100万")
    assert "pledge_loan_interest_paid_yuan" not in r.facts and "pledge_loan_interest_paid_yuan" in asked(r)


def test_an_article_before_the_corrected_level_is_part_of_the_correction(kb: KnowledgeBase, ask: Asker) -> None:
    r = read(kb, "it was a silver — actually no, an excellence award", ask("china_patent_award_last_year"))
    assert r.facts.get("china_patent_award_last_year") == "excellent"


# -- lang13: the language layer's last wrong amounts (findings3 J4, J5, J7, J8, J16) ------------------------

INTEREST = "pledge_loan_interest_paid_yuan"


@pytest.mark.parametrize("q", [None, INTEREST])
@pytest.mark.parametrize("text", ["集团付了300万利息，我们公司承担了40%", "总公司一年利息200万，我们分摊30%"])
def test_a_share_of_a_groups_figure_is_asked(kb: KnowledgeBase, ask: Asker, text: str, q: str | None) -> None:
    """J7: a share of the group's interest is asked, never the group's figure taken as the applicant's."""
    r = read(kb, text, ask(q) if q else None)
    assert INTEREST not in r.facts and INTEREST in asked(r)


@pytest.mark.parametrize("q", [None, INTEREST])
@pytest.mark.parametrize(("text", "paid"), [
    ("我们应付利息80万，实际只付了60万", 600_000),
    ("合同约定利息50万，实际支付了35万", 350_000),
    ("interest is 800k but the bank gave us a 200k discount, so actually 600k", 600_000),
    ("the contract interest was 300k; we actually paid 240k", 240_000),
])
def test_the_interest_actually_paid_is_the_base(kb: KnowledgeBase, ask: Asker, text: str, paid: int,
                                                q: str | None) -> None:
    """J5: (四)1 "按照实际支付的利息": the figure actually paid is the interest, never the nominal one."""
    r = read(kb, text, ask(q) if q else None)
    assert r.facts.get(INTEREST) == paid
    assert [f.value for f in r.figures if f.role == "amount"] == [paid]


@pytest.mark.parametrize(("text", "yearly"), [("我们每月还款10万，其中利息2万", 240_000),
                                              ("每个月还贷8万，其中利息1万", 120_000)])
def test_the_interest_part_of_a_monthly_repayment_is_monthly(kb: KnowledgeBase, text: str, yearly: int) -> None:
    """J4: the interest told apart in a monthly repayment is the month's interest (×12, said back), never the
    repayment and never the month's figure taken for the year."""
    r = read(kb, text)
    assert r.facts.get(INTEREST) == yearly
    assert any(n.key == "lang.note.period" for n in r.notes)


@pytest.mark.parametrize("q", [None, INTEREST])
@pytest.mark.parametrize("text", ["同行付了50万，我们比他们多付20万", "别人家利息40万，我们比别人少10万",
                                  "they paid 500k and we paid 200k more than them"])
def test_a_difference_from_someone_elses_figure_is_never_the_users(kb: KnowledgeBase, ask: Asker, text: str,
                                                                   q: str | None) -> None:
    """J8: "比他们多付20万" is a difference; the applicant's interest is asked, never the difference."""
    r = read(kb, text, ask(q) if q else None)
    assert INTEREST not in r.facts


@pytest.mark.parametrize("q", [None, INTEREST])
@pytest.mark.parametrize("text", ["our interest: 500k, 300k and 400k on three loans",
                                  "interest paid: 200k, 150k on two loans"])
def test_several_loans_figures_listed_are_asked(kb: KnowledgeBase, ask: Asker, text: str, q: str | None) -> None:
    """J16: several loans' interest listed: whether they are the year's total is not said; asked, never the first."""
    r = read(kb, text, ask(q) if q else None)
    assert INTEREST not in r.facts and INTEREST in asked(r)


# -- a subsidiary's own place ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "我们总部在石家庄，子公司在邢台，子公司能申请吗",
    "our HQ is in Shijiazhuang and our subsidiary is in Xingtai, can the subsidiary apply?",
    "我们注册在长安区，全资子公司注册在保定，能申请吗",
])
def test_a_subsidiary_placed_elsewhere_leaves_which_unit_applies_asked(kb: KnowledgeBase, text: str) -> None:
    """A subsidiary is a legal person of its own: where it is registered may be the applicant's place (regress4 R1:
    the HQ's Shijiazhuang was taken for the Xingtai subsidiary, "Yes")."""
    r = read(kb, text)
    assert "in_city" not in r.facts
    assert "in_city" in asked(r)


@pytest.mark.parametrize(("text", "in_city"), [
    ("我们是一家子公司，注册在鹿泉区", True),  # the applicant describes itself: its own place decides
    ("我们注册在长安区，子公司也在石家庄", True),  # both places in the city: nothing left open
    ("注册在衡水，石家庄这边只有个分公司", False),  # a branch is no legal person: the registration decides
])
def test_the_applicants_own_place_still_decides(kb: KnowledgeBase, text: str, in_city: bool) -> None:
    assert read(kb, text).facts.get("in_city") is in_city
