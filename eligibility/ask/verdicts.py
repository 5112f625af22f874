"""Yes or no from what the policy says: a figure, a quota, a rate, a base, a condition, the applicant, how often,
how the money is decided. None when the text does not settle the question (never a guessed yes)."""

from __future__ import annotations

import re
from datetime import date

from eligibility.ask.claims_time import duration_verdict, event_too_old
from eligibility.ask.conditions import describes_case, required
from eligibility.ask.cues import Cues, alternation, cues_of
from eligibility.ask.figures import failed_condition, year_outside
from eligibility.ask.kinds import yes_no_clauses
from eligibility.ask.model import (
    DOUBLE_ENTRY,
    PERSON,
    PROCEDURE_ENTRY,
    SUPERVISION_ENTRY,
    VALIDITY_ENTRY,
    AmountAnswer,
    YesNo,
)
from eligibility.ask.reading import A_NOT_A
from eligibility.ask.rule_verdicts import (
    amount_verdict,
    basis_verdict,
    beyond_cap,
    ceiling_claimed,
    claims,
    exceed_verdict,
    items_stated,
    quota_verdict,
    rate_verdict,
)
from eligibility.ask.unstated import (
    asked_requirement,
    beyond_text,
    names_beyond_text,
    requirement_quoted,
    said,
    unsaid_consequence,
)
from eligibility.matcher import english_words
from eligibility.parsing import find_amounts, normalize
from eligibility.results import Facts, Validity
from knowledge.models import (
    Benefit,
    KnowledgeBase,
    item_count,
)


def verdict_of(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, text: str, figures: tuple[int, ...],
               facts: Facts, today: date | None, validity: Validity | None,
               counts: tuple[int, ...] = (), years: tuple[int, ...] = (),
               percents: tuple[int, ...] = (), included: bool = False) -> YesNo | None:
    """Yes or no from what the policy says, or None when the text does not settle the question.

    A plain yes needs every condition known to hold: a competitive item (chosen on merit within a
    quota) or several awards (a range) is a "maybe" with the reason; so is an amount whose conditions
    the question leaves open ("前提是须为出口企业")."""
    cues = cues_of(kb)
    # (asked again, "今年还能再奖一次吗": how often is the claim, read below)
    again = bool(cues.twice.search(text))
    timed = duration_verdict(kb, b, text) or (None if again else event_too_old(kb, b, text))
    if timed is not None:  # "有效期是3年吧", "前年拿的金奖，今年还能申请吗": a time the entry contradicts or confirms
        return timed
    if not figures:
        # the user's figures unread (asked back): a figure asked above the cap is a no all the same
        beyond = beyond_cap(b, text, yes_no_clauses(cues, text))
        if beyond is not None:
            return beyond
    if not figures:
        figures = ceiling_claimed(cues, text)
    quota = quota_verdict(cues, b, text, counts)
    if quota is not None:  # the numbers of the quota ("每年选1到2个") are not amounts claimed
        quota_numbers = {int(str(quota.param("claimed_min"))), int(str(quota.param("claimed_max")))}
        figures = tuple(f for f in figures if f not in quota_numbers)
    if quota is not None and (quota.verdict == "no" or not figures):
        return quota  # "每年支持10个吗": the quota asked about; a wrong quota is a no whatever the amount
    rate = rate_verdict(b, percents)
    basis = basis_verdict(kb, b, text)
    if basis is not None and basis.verdict == "no":
        return basis  # "是不是按贷款金额的50%补": the rate is right, what it is taken of is not
    if rate is not None and (rate.verdict == "no" or not figures):
        return rate  # "按3%算吗": the rate asked about against the rule's
    if basis is not None and not figures:
        return basis  # "是按贷款本金算的吗": what the percentage is taken of
    v = _plain_verdict(kb, b, answer, text, figures, facts, today, validity, years, included)
    guaranteed = bool(cues.guarantee.search(text))
    if guaranteed and b.award.mode == "competitive" \
            and (v is None or v.reason in ("amount_same", "amount_in_range", "applicant_ok")):
        # chosen on merit within a quota, never sure: "will we definitely get it" not necessarily, "is it
        # guaranteed" no
        # "一定能拿20万吗" of 10—20万: neither the place nor that figure is sure, a no
        if cues.getting.search(text) and v is not None and v.reason == "amount_same":
            return YesNo("maybe", "competitive", (*v.params, ("count", None)))
        return YesNo("no", "not_guaranteed")
    if v is None:
        return _can_verdict(kb, cues, b, answer, text, facts)
    if v.reason not in ("amount_same", "amount_differs", "amount_in_range", "applicant_ok"):
        return v
    if v.reason != "applicant_ok" and b.award.mode == "competitive" and b.award.quota is not None \
            and not cues.selected.search(text):  # "入选了，能拿50万吗": chosen already, the amount is the rule's
        count = counts[0] if len(counts) == 1 and counts[0] > 1 and quota is None else None
        # "每个企业给20万吗" asks the rule for each item, even where the words also read as the asker's case
        described = describes_case(kb, cues, b, facts, text) and not cues.each.search(text)
        getting = bool(cues.getting.search(text)) or described or count is not None
        # "能拿20万吧": whether the asker gets it is decided on merit; "每个是50万吗" asks the rule itself; a figure
        # the rule does not pay is a no however the place is decided ("高价值专利组合给100万对吧")
        # ("两个项目能拿100万吗": within what the items stated can be paid, not contradicted)
        claimed, most = v.param("claimed"), v.param("actual_max")
        items = count if count is not None else items_stated(b, text, counts) if quota is None else None
        contradicted = v.verdict == "no" and not (items is not None and isinstance(claimed, int)
                                                  and isinstance(most, int) and claimed <= most * items)
        return YesNo("maybe" if getting and not contradicted else v.verdict, "competitive" if not contradicted
                     else v.reason, (*v.params, ("count", count)))
    if v.reason != "applicant_ok" and answer.amount is not None and answer.amount.min != answer.amount.max \
            and b.amount.kind == "tiered":
        return YesNo("maybe", "several", v.params)
    if v.verdict == "yes":
        # a condition the question names (获批…示范区 said in the zone's name) is not open
        open_ = [c.label for c in b.conditions if c.label is not None and c.fact not in facts
                 and c.fact != "entity_type" and c.fact not in answer.facts
                 and not said(c.label.zh, text)]
        stated = describes_case(kb, cues, b, facts, text)  # the asker describes their own case
        # "我们能拿…吗", "我们公司能申请…吗": the asker's own case, not the rule
        # "马德里注册能奖10万吗": whether it can be paid, so whether its conditions hold
        own_case = stated or guaranteed or bool(cues.getting.search(text)) or bool(cues.can.search(text))
        tier = _tier_claimed(kb, b, answer, v) if own_case else None
        if tier is not None:  # "我们拿了中国专利奖，能拿50万吗": 50万 is the gold award's, the tier is not said
            return YesNo("maybe", "if_conditions", (*v.params, ("labels_zh", tier[0]), ("labels_en", tier[1])))
        unsaid = [x for x in open_ if not said(x.zh, text)]  # "高校获得中国专利奖也能拿吗" says its condition
        if unsaid and v.reason == "applicant_ok" and (cues.getting.search(text)
                                                      or (cues.self_ref.search(text) and cues.can.search(text))):
            open_ = unsaid
            # "我们公司能申请专利实施产业化项目吗": the type may apply; the entry's other conditions decide
            return YesNo("maybe", "if_conditions", (("claimed", None), ("labels_zh", "、".join(x.zh for x in open_)),
                                                    ("labels_en", "; ".join(x.en for x in open_))))
        # "一定给30万吗": a sure yes only with every condition known to hold
        if open_ and v.reason == "amount_same" and own_case and not cues.ceiling_any.search(text):
            return YesNo("maybe", "if_conditions", (*v.params, ("labels_zh", "、".join(x.zh for x in open_)),
                                                    ("labels_en", "; ".join(x.en for x in open_))))
    return v


# "…也能申请吗", "…也可以拿吗": a case asked to be included too.
_ALSO = re.compile(r"也(?:能|可以|可)")


def _case_in_source(b: Benefit, text: str) -> bool:
    """"国家级知识产权规范化市场续延的也能申请吗": the case named before 也能 beside the entry's name (续延) is the
    clause's own wording ("创建或者续延"), so it is included."""
    m = _ALSO.search(text)
    if m is None or b.is_info:
        return False
    before = re.split(r"[，,。？?\s]", text[:m.start()])[-1].removesuffix("的")
    title = normalize(b.title.zh)
    cut = next((i for i in range(len(before), 0, -1) if before[:i] in title), 0)
    case = before[cut:]
    return len(case) >= 2 and all(_is_han(c) for c in case) and case in normalize(b.source) and case not in title


# "是市政府给的吗", "是不是市政府发的": who pays, asked.
_PAYER = re.compile(r"是(?:不是)?(?:由)?([\u4e00-\u9fff]{2,6}?)(?:给|发|出|奖励|支付|拨付)的?(?:吗|么|嘛|$)")


def _payer_in_source(b: Benefit, text: str) -> bool:
    """"驰名商标奖励是市政府给的吗": the payer asked is the one the clause names ("市政府一次性给予")."""
    m = _PAYER.search(text)
    return m is not None and not b.is_info and m.group(1) in normalize(b.source)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _exists_claimed(cues: Cues, text: str) -> bool:
    """"专利密集型产品备案有奖补对吧": 有 and what is had, confirmed with a tag (对吧, 是吧) instead of 吗."""
    tags = alternation([*cues.words.yes_no_phrases, *cues.words.confirm_tails])
    return re.search(r"有[^，,。？?]{0,8}?" + tags + r"[\s？?。!！]*$", text) is not None


def asked_first(cues: Cues, text: str, claimed: list[int]) -> list[int]:
    """The figures claimed, those of the clause asked first ("每期最高200万，…是不是能拿1000万": 1000万 is asked,
    200万 restates the rule)."""
    if len(claimed) < 2:
        return claimed
    asked = {a for c in yes_no_clauses(cues, text) for a in find_amounts(c)}
    return sorted(claimed, key=lambda c: c not in asked)


def _frequency_verdict(cues: Cues, b: Benefit, text: str) -> YesNo | None:
    """"是一次性的吗", "每年都能拿吗": how often the entry pays, against its frequency."""
    once_unsaid = b.award.frequency == "once" and "一次性" not in b.source.replace(" ", "")
    if (cues.once.search(text) or cues.yearly.search(text)) and once_unsaid:
        return YesNo("maybe", "once_unsaid")  # the once-only is the knowledge base's reading of 新增/取得
    if cues.once.search(text):
        once = b.award.frequency == "once"
        return YesNo("yes" if once else "no", "once" if once else "not_once")
    if cues.yearly.search(text) and b.award.frequency is not None:
        # "每年都能拿吗": yearly entries yes; a one-off no; paid per event: each new one, not every year as such
        f = b.award.frequency
        return YesNo("yes" if f == "yearly" else "no" if f == "once" else "maybe",
                     {"yearly": "yearly", "once": "once", "per_event": "per_event"}[f])
    return None


def _type_required(kb: KnowledgeBase, cues: Cues, kind: str, text: str) -> bool:
    """Whether what is asked to be required is the applicant type itself ("贯标奖补必须是企业吗": 企业), not a
    condition a word of the question matched elsewhere (贯标 of the platform condition)."""
    asked = asked_requirement(cues, text).removeprefix("是").removeprefix("为")
    return bool(asked) and any(normalize(w) == asked for t in kb.vocabulary.applicants.types
                               if t.entity_type == kind for w in t.words)


def _type_in_conditions(kb: KnowledgeBase, b: Benefit, kind: str, text: str) -> bool:
    """Whether a word of the applicant type the question names is a word of the entry's conditions too
    ("必须是出口企业吗": 企业 of 须为出口企业 asks the condition, not the type)."""
    labels = "".join(normalize(c.label.zh) for c in b.conditions if c.label is not None)
    words = [normalize(w) for t in kb.vocabulary.applicants.types if t.entity_type == kind for w in t.words]
    return any(w and not w.isascii() and w in text and w in labels for w in words)


def _tier_claimed(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, v: YesNo) -> tuple[str, str] | None:
    """The tier whose amount a figure claims when the question does not say the tier (50万 of 金奖), as labels."""
    rule = b.amount
    if rule.kind != "tiered" or answer.amount is not None or v.reason != "amount_same":
        return None
    fact = kb.facts.get(rule.by)
    names = [k for k, value in rule.tiers.items() if value == v.param("claimed")]
    if fact is None or len(names) != 1:
        return None
    option = next((o for o in fact.options if o.id == names[0]), None)
    if option is None:
        return None
    return f"获得{option.label.zh}", f"the award is {option.label.en.lower()}"


def _several_enterprises(kb: KnowledgeBase, text: str) -> bool:
    """Whether the question is asked for several enterprises, each ("每家", "5家子公司", "each subsidiary")."""
    q = kb.vocabulary.questions
    words = q.several_enterprises if q is not None else []
    counted = r"(?:\d+|[两二三四五六七八九十几多])\s*家\s*(?:子公司|分公司|公司|企业|单位)"  # "5家子公司"
    return bool(re.search(alternation(words) + "|" + counted, text))


def _plain_verdict(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, text: str, figures: tuple[int, ...],
                   facts: Facts, today: date | None, validity: Validity | None,
                   years: tuple[int, ...] = (), included: bool = False) -> YesNo | None:
    cues = cues_of(kb)
    if b.id == DOUBLE_ENTRY or (b.id == VALIDITY_ENTRY and cues.twice.search(text)):
        if _several_enterprises(kb, text):
            # "5家子公司…每家都能拿100万吗": 同一企业同一事项 is one enterprise's; each applies on its own figures
            return YesNo("maybe", "several_applicants")
        return None if cues.other_levels.search(text) else YesNo("no", "same_matter")
    # "2028年还能申请吗": a year to come against the end day (assumed when the text gives no date); with the
    # procedure entry a past year is the policy's own ("2022年出的，现在还能申请吗": now is asked)
    ahead = b.id == VALIDITY_ENTRY or (today is not None and bool(years) and years[0] > today.year)
    lapsed = bool(cues.lapsed.search(text))  # "过期了吗": asked the other way round, the verdict is the opposite
    if b.id in (VALIDITY_ENTRY, PROCEDURE_ENTRY) and len(years) == 1 and validity is not None \
            and (cues.still.search(text) or lapsed) and ahead:
        inside = years[0] <= validity.valid_until.year
        if lapsed and years[0] == validity.valid_until.year:
            # "Does the policy expire in 2027?", "2027年到期吗": the end falls in that year (by the assumed date)
            return YesNo("yes", "year_end", (("year", years[0]),))
        return YesNo("yes" if inside != lapsed else "no", "year_in" if inside else "year_out", (("year", years[0]),))
    if b.id == PROCEDURE_ENTRY and today is not None and validity is not None and cues.now.search(text) \
            and cues.still.search(text):
        # "现在还能申请吗": whether the policy is in force today; when to apply the text does not set (said)
        return YesNo("yes", "in_force") if validity.in_force(today) else YesNo("no", "out_of_force")
    if b.id == VALIDITY_ENTRY and cues.agency.search(text):
        named = _agency_named(kb, text)
        if named is not None:  # "市场监管局是主管部门吗": the implementing agencies the text names
            return YesNo("yes" if named else "no", "agency")
    if b.id == VALIDITY_ENTRY:
        if today is None or validity is None or not cues.validity.search(text):
            return None
        live = validity.in_force(today)
        return YesNo("yes" if live != lapsed else "no", "in_force" if live else "out_of_force")
    if b.id == SUPERVISION_ENTRY:
        unsaid = unsaid_consequence(kb, cues, b, text)
        if unsaid:  # "补贴会不会被收回": the text says how fraud is dealt with, never that money is taken back
            return YesNo("maybe", "consequence_unsaid", (("asked_zh", unsaid),))
        return YesNo("yes", "supervised")  # "弄虚作假会被处理吗", "会有人来查吗": the text says so
    if not b.is_info and cues.post_funded.search(text) and not cues.prepaid.search(text):
        # "是后补助吗": the text's own 后补助, or it does not say when it pays
        return YesNo("yes", "post_funded") if cues.post_funded.search(normalize(b.source)) \
            else YesNo("maybe", "prepaid_unsaid")
    if not b.is_info and cues.prepaid.search(text):
        # "是先给钱再干活吗": a 后补助 in the text is a no; elsewhere the text does not say when it pays
        return YesNo("no", "post_funded") if cues.post_funded.search(normalize(b.source)) \
            else YesNo("maybe", "prepaid_unsaid")
    if b.is_info:
        # "风险补偿资金能直接发给企业吗": a fund the city set up pays no applicant
        return YesNo("no", "info_only") if cues.paid_out.search(text) else None
    kind = facts.get("entity_type")
    if isinstance(kind, str) and unsaid_applicant(kb, b, kind):
        # "合作社能拿1万吗": the engine reads the text as silent about this applicant (undetermined with the
        # reading), so the verdict is neither yes nor no
        return YesNo("maybe", "applicant_unsaid", (("type", kind),))
    if "entity_type" in facts and b.applicants != "any" and facts["entity_type"] not in b.applicants:
        if b.applicant_reading is not None:
            # the list is the knowledge base's reading of a text that names no applicant: the engine leaves
            # a type outside it undetermined ("指导站企业自己设的也能申请吗"), so not a plain no
            return YesNo("maybe", "applicant_unsaid", (("type", str(facts["entity_type"])),))
        return YesNo("no", "applicant_not", (("type", str(facts["entity_type"])),))
    if "entity_type" not in facts and cues.natural_person.search(text):
        # "个人发明人能领这50万吗": the text names units (创新主体, 企业 …), never a person; not a yes; where the
        # text names its applicants outright (服务机构) and no reading widens them, a person is not among them
        if b.applicants != "any" and b.applicant_reading is None and PERSON in kb.facts["entity_type"].option_ids() \
                and not unsaid_applicant(kb, b, PERSON):
            return YesNo("no", "applicant_not", (("type", PERSON),))
        return YesNo("maybe", "person_unsaid")
    year = year_outside(kb, b, facts)  # "2028年申请…能拿40万吗": the year decides before any figure
    if year is not None:
        return year
    failed = failed_condition(kb, b, facts)
    if failed is not None:
        return YesNo("no", failed[0], failed[1])
    once, require = cues.once.search(text), cues.require.search(text)
    if once is not None and require is not None and once.start() <= require.start() < once.end() and not figures:
        # "只给一次对吧": the 只 of how often, no requirement asked
        frequency = _frequency_verdict(cues, b, text)
        if frequency is not None:
            return frequency
    if (cues.require.search(text) or cues.need.search(text)) and cues.recency.search(text) \
            and not cues.recency_in_text.search(normalize(b.source)) and b.conditions:
        # "必须是去年新拿的才行吗" of "对取得…的企业": the text asks no time nor newness, only its own condition
        first = next((c for c in b.conditions if c.fact != "entity_type"), b.conditions[0])
        params: tuple[tuple[str, object], ...] = (("label_zh", first.label.zh), ("label_en", first.label.en)) \
            if first.label is not None else (("fact", first.fact),)
        return YesNo("no", "condition_unrequired", params)
    tiers = b.amount
    if cues.only.search(text) and tiers.kind == "tiered" and len(tiers.tiers) > 1 \
            and answer.facts.get(tiers.by):
        return YesNo("no", "not_only_tier")  # "专利奖是不是只奖金奖": each tier named by the text is paid
    kind = facts.get("entity_type")
    needed = required(kb, cues, b, text)
    # the condition matched is the entry's own name ("知识产权培训教育基地" of the training-base entry)
    own_name = needed is not None and str(needed.param("label_zh") or "") in normalize(b.title.zh)
    if isinstance(kind, str) and cues.require.search(text) and b.applicants != "any" \
            and (needed is None or own_name or _type_required(kb, cues, kind, text)) \
            and not _type_in_conditions(kb, b, kind, text):
        # "培训基地必须是高校吗": whether that type alone may apply (not a condition beyond the entry's own name)
        alone = tuple(b.applicants) == (kind,)
        return YesNo("yes" if alone else "no", "only_type" if alone else "not_only_type", (("type", kind),))
    if needed is not None and needed.verdict == "yes" and own_name and beyond_text(kb, cues, b, text):
        # "专利导航必须先请咨询公司做完才能申请吗": only the entry's own name matched; what is asked is not in its text
        return YesNo("no", "condition_unrequired", needed.params)
    if needed is not None and needed.verdict == "yes" and cues.require.search(text) \
            and names_beyond_text(kb, cues, b, text):
        # "贴息必须是本市银行的贷款吗": the condition matched on 贷款; what is asked (the bank) the text lacks
        return YesNo("no", "condition_unrequired", needed.params)
    if (needed is None or needed.verdict == "yes") and (cues.require.search(text) or cues.only.search(text)) \
            and _examples_asked(kb, b, text) and b.conditions:
        # "高价值专利组合必须是新一代信息技术产业吗": the industries the clause lists with 等 are examples, no limit
        if needed is not None:
            return YesNo("no", "condition_unrequired", needed.params)
        first = next((c for c in b.conditions if c.fact != "entity_type"), b.conditions[0])
        return YesNo("no", "condition_unrequired", (("label_zh", first.label.zh), ("label_en", first.label.en))
                     if first.label is not None else (("fact", first.fact),))
    if needed is not None:
        return requirement_quoted(cues, b, text, needed) if needed.verdict == "yes" else needed
    if isinstance(facts.get("entity_type"), str) and cues.only.search(text) and b.applicants != "any":
        # "是不是只有企业能申请质押贴息" (after a condition: "只有出口企业才能"): that type alone, or not
        alone = tuple(b.applicants) == (facts["entity_type"],)
        return YesNo("yes" if alone else "no", "only_type" if alone else "not_only_type",
                     (("type", str(facts["entity_type"])),))
    rule = b.amount
    if rule.kind == "percentage" and rule.cap is not None and rule.cap_scope \
            and (cues.ceiling_any.search(text) or cues.no_ceiling.search(text)):
        asked = [scope for scope, cue in cues.scopes.items() if cue.search(text)]
        if asked and not cues.cap_figure.search(text):  # "Is the cap per year?": the scope, not the user's figure
            same = rule.cap_scope in asked
            return YesNo("yes" if same else "no", "cap_scope", (("actual_max", rule.cap), ("scope", rule.cap_scope)))
        if not figures and not cues.cap_figure.search(text):  # "Is the interest subsidy capped?": it is
            # "听说…没有上限": the claim of no cap is the opposite of what the text sets
            unasked = text  # the 没有上限 of "有没有上限" asks
            for phrase in cues.words.yes_no_phrases:
                unasked = unasked.replace(phrase, " " * len(phrase))
            return YesNo("no" if cues.no_ceiling.search(unasked) else "yes", "cap_scope",
                         (("actual_max", rule.cap), ("scope", rule.cap_scope)))
    if rule.kind == "percentage" and rule.cap is not None and rule.cap_scope == "per_enterprise" \
            and rule.cap in figures \
            and (cues.yearly.search(text) or cues.scopes["per_enterprise_per_year"].search(text)):
        # "证券化融资补助能不能每年都拿300万": the cap is per enterprise, set for no year
        return YesNo("no", "cap_scope", (("actual_max", rule.cap), ("scope", rule.cap_scope)))
    exceed = exceed_verdict(cues, b, text)
    if exceed is not None:
        return exceed
    once_said = b.award.frequency == "once" and "一次性" in b.source.replace(" ", "")
    if cues.yearly.search(text) and once_said:
        return YesNo("no", "once")  # "每年都奖100万吗" of a one-off: no, whatever the figure
    if cues.yearly.search(text) and b.award.frequency == "once":
        return YesNo("maybe", "once_unsaid")  # "一万块是每年给吗": the once-only is the reading of 取得/新增
    if cues.again_received.search(text) and b.award.frequency == "once" and not once_said:
        return YesNo("maybe", "once_unsaid")  # "示范企业去年拿了10万，今年还能拿吗": 新增 is read as once
    if cues.twice.search(text) and b.award.frequency == "once" and once_said:
        return YesNo("no", "once")  # "去年拿了驰名商标，今年还能再奖吗": a one-off is paid once
    per_item = item_count(rule)
    own_value = rule.kind == "fixed" and set(figures) == {rule.value}
    if per_item is not None and (not figures or own_value) and cues.each.search(text) \
            and "未写明" in per_item.reading.zh and not cues.yearly.search(text):  # "every year?" asks how often
        # "马德里按件数算吗", "100k per registration?": the text is silent on several items; the knowledge base's
        # count reading is said
        return YesNo("maybe", "count_unsaid")
    if figures and answer.from_figures and answer.amount is not None:
        claimed = asked_first(cues, text, claims(figures, {**facts, **answer.facts}))
        if claimed:  # "利息180万，贴息是不是90万": the figure asked about against what the user's figures give
            a, c = answer.amount, claimed[0]
            same = a.min <= c <= a.max
            return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                         (("claimed", c), ("actual_min", a.min), ("actual_max", a.max)))
    if figures and not answer.from_figures:
        return amount_verdict(cues, b, answer, text, figures)
    claimed = claims(figures, {**facts, **answer.facts})
    if claimed and b.amount.kind == "percentage" and cues.ceiling_any.search(text):
        return amount_verdict(cues, b, answer, text, tuple(claimed))
    if "entity_type" in facts and b.applicants != "any":
        return YesNo("yes", "applicant_ok", (("type", str(facts["entity_type"])),))
    frequency = _frequency_verdict(cues, b, text)
    if frequency is not None:
        return frequency
    review = _review_verdict(cues, b, text)
    if review is not None:
        return review
    if included or _case_in_source(b, text) or _payer_in_source(b, text):
        return YesNo("yes", "included")
    if isinstance(facts.get("entity_type"), str) and b.applicants == "any" and cues.can.search(text):
        return YesNo("yes", "applicant_ok", (("type", str(facts["entity_type"])),))  # open to any unit
    # "质押贷款利息没付能补吗": a negation the conditions did not place leaves it open, never "有"
    unasked = cues.trailing_not.sub("", text)  # "马德里有奖励没": a trailing 没 asks
    for phrase in cues.words.yes_no_phrases:
        unasked = unasked.replace(phrase, " " * len(phrase))
    if cues.not_done.search(unasked):
        return None
    if (cues.exists.search(text) or A_NOT_A.search(text) or _exists_claimed(cues, text)) \
            and cues.support.search(text):
        return YesNo("yes", "exists")  # "贯标有补贴吗": the clause exists; never "有" for what we do not hold
    if not figures and cues.rewarded.search(text):
        return YesNo("yes", "exists")  # "驰名商标奖励吗", "Does the city reward GIs?": the clause rewards it
    return None


def _examples_asked(kb: KnowledgeBase, b: Benefit, text: str) -> bool:
    """Whether the question names an item of a list the clause closes with 等产业 (examples, not a limit): a run of
    four characters of the question, none of the entry's title, inside the list."""
    q = kb.vocabulary.questions
    closers = [normalize(w) for w in (q.examples_closers if q is not None else []) if w]
    title = normalize(b.title.zh)
    runs = {text[i:i + 4] for i in range(len(text) - 3)} - {title[i:i + 4] for i in range(len(title) - 3)}
    for fragment in re.split(r"[，,。；;]", normalize(b.source).replace(" ", "")):
        for closer in closers:
            at = fragment.find(closer)
            if at > 0 and any(r in fragment[:at] for r in runs if all(_is_han(c) for c in r)):
                return True
    return False


def unsaid_applicant(kb: KnowledgeBase, b: Benefit, kind: str) -> bool:
    """Whether the engine reads ``b``'s text as silent about an applicant it never names (``unnamed_applicants``
    of the policy): the same test as the engine's, so ask never says yes or no where the result is undetermined."""
    u = kb.policy.unnamed_applicants.get(kind)
    if u is None or b.is_info:
        return False
    if b.applicants == "any":
        return not u.organisation
    if kind in b.applicants:
        return False
    return b.applicant_reading is not None or bool(set(u.near) & set(b.applicants))


def _can_verdict(kb: KnowledgeBase, cues: Cues, b: Benefit, answer: AmountAnswer, text: str,
                 facts: Facts) -> YesNo | None:
    """"利息50万，能贴息吗", "申请了专利导航就能拿钱吗": whether the asker can get it, with nothing else asked.
    Never a plain yes from a question: a competitive entry is chosen on merit; an amount computed from the
    user's figures holds only if the conditions the question leaves open hold, and they are said."""
    if b.is_info or not (cues.can.search(text) or cues.getting.search(text)):
        return None
    if isinstance(facts.get("entity_type"), str) and unsaid_applicant(kb, b, str(facts["entity_type"])):
        return YesNo("maybe", "applicant_unsaid", (("type", str(facts["entity_type"])),))
    if b.applicants == "any" and isinstance(facts.get("entity_type"), str):
        return YesNo("yes", "applicant_ok", (("type", str(facts["entity_type"])),))  # "can a university get …"
    if b.award.mode == "competitive" and b.award.quota is not None:
        return YesNo("maybe", "competitive", (("count", None),))
    if not answer.from_figures or answer.amount is None or answer.ruled_out is not None:
        return None
    known = {**facts, **answer.facts}
    zh: list[str] = []
    en: list[str] = []
    for c in kb.conditions_of(b):
        if c.fact in known:
            continue
        if c.label is not None:
            zh.append(c.label.zh)
            en.append(c.label.en)
        elif c.fact == "entity_type" and c.in_:
            options = {o.id: o.label for o in kb.facts["entity_type"].options}
            zh.append("申请主体为" + "、".join(options[x].zh for x in c.in_ if x in options))
            en.append("must be one of: " + ", ".join(options[x].en.lower() for x in c.in_ if x in options))
    if not zh:
        return None
    return YesNo("maybe", "if_conditions", (("claimed", None), ("labels_zh", "、".join(zh)),
                                            ("labels_en", "; ".join(en))))



def _agency_named(kb: KnowledgeBase, text: str) -> bool | None:
    """Whether the agency a question names is one the policy names to make the implementing rules
    (True), another bureau (False), or no agency is named (None)."""
    zh_names = [re.sub(r"^市", "", n) for n in re.split(r"会同|和|、", normalize(kb.policy.implementing_agencies.zh))]
    zh_names += [n.replace("监督管理", "监管") for n in zh_names]
    if any(n and n in text for n in zh_names):
        return True
    words = set(english_words(text))
    for phrase in re.split(r",|\bwith\b", normalize(kb.policy.implementing_agencies.en)):
        key = english_words(phrase)[-2:]
        if key and all(w in words for w in key):
            return True
    if cues_of(kb).agency_office.search(text):
        return False
    return None


def _review_verdict(cues: Cues, b: Benefit, text: str) -> YesNo | None:
    """"专业化平台要专家评审吗", "is the Madrid reward competitive": the entry's award mode against the question."""
    if b.is_info or b.award.mode == "supported":
        return None
    competitive = b.award.mode == "competitive"
    if cues.expert.search(text):
        if b.award.expert_review:
            return YesNo("yes", "review")
        return YesNo("maybe", "review_unsaid") if competitive else YesNo("no", "no_review")
    if cues.compete.search(text):
        return YesNo("yes", "competitive_rule") if competitive else YesNo("no", "no_review")
    return None
