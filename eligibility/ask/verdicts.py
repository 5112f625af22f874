"""Yes or no from what the policy says: a figure, a quota, a rate, a base, a condition, the applicant, how often,
how the money is decided. None when the text does not settle the question (never a guessed yes)."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

from eligibility.amounts import nominal_amount
from eligibility.ask.cues import Cues, cues_of
from eligibility.ask.figures import failed_condition, year_outside
from eligibility.ask.model import (
    DOUBLE_ENTRY,
    PROCEDURE_ENTRY,
    SUPERVISION_ENTRY,
    VALIDITY_ENTRY,
    AmountAnswer,
    YesNo,
)
from eligibility.ask.reading import A_NOT_A
from eligibility.matcher import MatchResult, english_words
from eligibility.parsing import find_amounts, normalize
from eligibility.results import Facts, Validity
from knowledge.models import (
    Benefit,
    FixedAmount,
    KnowledgeBase,
    PercentageAmount,
    RangeAmount,
    Text,
    UpToAmount,
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
    quota = _quota_verdict(cues, b, text, counts)
    if quota is not None:  # the numbers of the quota ("每年选1到2个") are not amounts claimed
        quota_numbers = {int(str(quota.param("claimed_min"))), int(str(quota.param("claimed_max")))}
        figures = tuple(f for f in figures if f not in quota_numbers)
    if quota is not None and (quota.verdict == "no" or not figures):
        return quota  # "每年支持10个吗": the quota asked about; a wrong quota is a no whatever the amount
    rate = _rate_verdict(b, percents)
    if rate is not None and (rate.verdict == "no" or not figures):
        return rate  # "按3%算吗": the rate asked about against the rule's
    basis = _basis_verdict(kb, b, text)
    if basis is not None and (basis.verdict == "no" or not figures):
        return basis  # "是按贷款本金算的吗": what the percentage is taken of
    v = _plain_verdict(kb, b, answer, text, figures, facts, today, validity, years, included)
    guaranteed = bool(cues.guarantee.search(text))
    if guaranteed and b.award.mode == "competitive" \
            and (v is None or v.reason in ("amount_same", "amount_in_range", "applicant_ok")):
        # chosen on merit within a quota, never sure: "will we definitely get it" not necessarily, "is it
        # guaranteed" no
        if cues.getting.search(text) and v is not None and v.reason in ("amount_same", "amount_in_range"):
            return YesNo("maybe", "competitive", (*v.params, ("count", None)))
        return YesNo("no", "not_guaranteed")
    if v is None:
        return _can_verdict(kb, cues, b, answer, text, facts)
    if v.reason not in ("amount_same", "amount_differs", "amount_in_range", "applicant_ok"):
        return v
    if v.reason != "applicant_ok" and b.award.mode == "competitive" and b.award.quota is not None:
        count = counts[0] if len(counts) == 1 and counts[0] > 1 and quota is None else None
        # "每个企业给20万吗" asks the rule for each item, even where the words also read as the asker's case
        described = any(k != "entity_type" for k in facts) and not cues.each.search(text)
        getting = bool(cues.getting.search(text)) or described or count is not None
        # "能拿20万吧": whether the asker gets it is decided on merit; "每个是50万吗" asks the rule itself
        return YesNo("maybe" if getting else v.verdict, "competitive", (*v.params, ("count", count)))
    if v.reason != "applicant_ok" and answer.amount is not None and answer.amount.min != answer.amount.max \
            and b.amount.kind == "tiered":
        return YesNo("maybe", "several", v.params)
    if v.verdict == "yes":
        open_ = [c.label for c in b.conditions if c.label is not None and c.fact not in facts
                 and c.fact != "entity_type" and c.fact not in answer.facts]
        stated = any(k != "entity_type" for k in facts)  # the asker describes their own case
        # "一定给30万吗": a sure yes only with every condition known to hold
        if open_ and v.reason == "amount_same" and (stated or guaranteed) and not cues.ceiling_any.search(text):
            return YesNo("maybe", "if_conditions", (*v.params, ("labels_zh", "、".join(x.zh for x in open_)),
                                                    ("labels_en", "; ".join(x.en for x in open_))))
    return v


def _plain_verdict(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, text: str, figures: tuple[int, ...],
                   facts: Facts, today: date | None, validity: Validity | None,
                   years: tuple[int, ...] = (), included: bool = False) -> YesNo | None:
    cues = cues_of(kb)
    if b.id == DOUBLE_ENTRY or (b.id == VALIDITY_ENTRY and cues.twice.search(text)):
        return None if cues.other_levels.search(text) else YesNo("no", "same_matter")
    # "2028年还能申请吗": a year to come against the end day (assumed when the text gives no date); with the
    # procedure entry a past year is the policy's own ("2022年出的，现在还能申请吗": now is asked)
    ahead = b.id == VALIDITY_ENTRY or (today is not None and bool(years) and years[0] > today.year)
    if b.id in (VALIDITY_ENTRY, PROCEDURE_ENTRY) and len(years) == 1 and validity is not None \
            and cues.still.search(text) and ahead:
        inside = years[0] <= validity.valid_until.year
        return YesNo("yes" if inside else "no", "year_in" if inside else "year_out", (("year", years[0]),))
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
        return YesNo("yes", "in_force") if validity.in_force(today) else YesNo("no", "out_of_force")
    if b.id == SUPERVISION_ENTRY:
        return YesNo("yes", "supervised")  # "弄虚作假会被处理吗", "会有人来查吗": the text says so
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
        # "个人发明人能领这50万吗": the text names units (创新主体, 企业 …), never a person; not a yes
        return YesNo("maybe", "person_unsaid")
    year = year_outside(kb, b, facts)  # "2028年申请…能拿40万吗": the year decides before any figure
    if year is not None:
        return year
    failed = failed_condition(kb, b, facts)
    if failed is not None:
        return YesNo("no", failed[0], failed[1])
    required = _required(kb, cues, b, text)
    if required is not None:
        return required
    if isinstance(facts.get("entity_type"), str) and cues.only.search(text) and b.applicants != "any":
        # "是不是只有企业能申请质押贴息" (after a condition: "只有出口企业才能"): that type alone, or not
        alone = tuple(b.applicants) == (facts["entity_type"],)
        return YesNo("yes" if alone else "no", "only_type" if alone else "not_only_type",
                     (("type", str(facts["entity_type"])),))
    rule = b.amount
    if rule.kind == "percentage" and rule.cap is not None and rule.cap_scope and cues.ceiling_any.search(text):
        asked = [scope for scope, cue in cues.scopes.items() if cue.search(text)]
        if asked and not cues.cap_figure.search(text):  # "Is the cap per year?": the scope, not the user's figure
            same = rule.cap_scope in asked
            return YesNo("yes" if same else "no", "cap_scope", (("actual_max", rule.cap), ("scope", rule.cap_scope)))
        if not figures and not cues.cap_figure.search(text):  # "Is the interest subsidy capped?": it is
            return YesNo("yes", "cap_scope", (("actual_max", rule.cap), ("scope", rule.cap_scope)))
    exceed = _exceed_verdict(cues, b, text)
    if exceed is not None:
        return exceed
    per_item = item_count(rule)
    if per_item is not None and not figures and cues.each.search(text) and "未写明" in per_item.reading.zh:
        # "马德里按件数算吗": the text is silent on several items; the knowledge base's count reading is said
        return YesNo("maybe", "count_unsaid")
    if figures and answer.from_figures and answer.amount is not None:
        claimed = _claims(figures, {**facts, **answer.facts})
        if claimed:  # "利息180万，贴息是不是90万": the figure asked about against what the user's figures give
            a, c = answer.amount, claimed[0]
            same = a.min <= c <= a.max
            return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                         (("claimed", c), ("actual_min", a.min), ("actual_max", a.max)))
    if figures and not answer.from_figures:
        return _amount_verdict(cues, b, answer, text, figures)
    claimed = _claims(figures, {**facts, **answer.facts})
    if claimed and b.amount.kind == "percentage" and cues.ceiling_any.search(text):
        return _amount_verdict(cues, b, answer, text, tuple(claimed))
    if "entity_type" in facts and b.applicants != "any":
        return YesNo("yes", "applicant_ok", (("type", str(facts["entity_type"])),))
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
    review = _review_verdict(cues, b, text)
    if review is not None:
        return review
    if included:
        return YesNo("yes", "included")
    if isinstance(facts.get("entity_type"), str) and b.applicants == "any" and cues.can.search(text):
        return YesNo("yes", "applicant_ok", (("type", str(facts["entity_type"])),))  # open to any unit
    # "质押贷款利息没付能补吗": a negation the conditions did not place leaves it open, never "有"
    unasked = cues.trailing_not.sub("", text)  # "马德里有奖励没": a trailing 没 asks
    for phrase in cues.words.yes_no_phrases:
        unasked = unasked.replace(phrase, " " * len(phrase))
    if cues.not_done.search(unasked):
        return None
    if (cues.exists.search(text) or A_NOT_A.search(text)) \
            and cues.support.search(text):
        return YesNo("yes", "exists")  # "贯标有补贴吗": the clause exists; never "有" for what we do not hold
    if not figures and cues.rewarded.search(text):
        return YesNo("yes", "exists")  # "驰名商标奖励吗", "Does the city reward GIs?": the clause rewards it
    return None


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


# "每年选1到2个": a range of counts with its unit (grammar of numbers).
_COUNT_SPAN = re.compile(r"(\d+)\s*(?:到|至|-|—|–|~|to)\s*(\d+)\s*(?:个|家|项|projects?|enterprises?|places)")


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


def named_as_included(cues: Cues, result: MatchResult, benefit_id: str, text: str) -> bool:
    """Whether what the question asks to be included is itself one of the entry's own terms: the words
    before "也算/count" are covered by the entry's terms (外观设计金奖 is a term of the China Patent Award)."""
    m = cues.included.search(text)
    if m is None:
        return False
    if re.search(r"[\u4e00-\u9fff]", text[:m.start()]):
        asked = [i for i in range(m.start()) if re.match(r"[\u4e00-\u9fff]", text[i])
                 and text[i] not in cues.words.included_filler_chars]
        covered = {i for h in result.hits if not h.english and benefit_id in h.benefits for i in range(h.start, h.end)}
        return bool(asked) and sum(1 for i in asked if i in covered) >= 0.6 * len(asked)
    before = len(english_words(text[:m.start()]))
    return any(h.english and benefit_id in h.benefits and h.start < before for h in result.hits)


def all_its_terms(cues: Cues, result: MatchResult, benefit_id: str, text: str) -> bool:
    """"著作权质押贷款可以贴息吗": a can-question about money whose every word is a term of the entry (著作权质押 is
    a 知识产权质押 of one kind): the clause covers what is asked."""
    if not cues.can.search(text) or not cues.support.search(text) or not re.search(r"[\u4e00-\u9fff]", text):
        return False
    asked = [i for i, c in enumerate(text) if re.match(r"[\u4e00-\u9fff]", c) and c not in cues.words.can_filler_chars]
    covered = {i for h in result.hits if not h.english and benefit_id in h.benefits for i in range(h.start, h.end)}
    return len(asked) >= 4 and all(i in covered for i in asked)


def _condition_core(cues: Cues, label: Text) -> tuple[str, tuple[str, ...]]:
    """The words a condition's label names the requirement by: "须为出口企业" -> 出口企业, "must be an
    exporter" -> (exporter,)."""
    zh = cues.condition_prefix_zh.sub("", normalize(label.zh)).strip()
    en = re.sub(r"^(must (be|have|hold|run)( an| a| the)?|must)\s+", "", normalize(label.en)).strip()
    return zh, tuple(english_words(en))


def _shared_core(kb: KnowledgeBase, core: str, text: str) -> str | None:
    """The longest run that a condition's words and the question share, when few conditions of the knowledge
    base hold it: four characters or more held by at most two ("认证证书" of 取得…认证证书; not "知识产权"),
    or two or three held by this one alone ("出口" of 须为出口企业)."""
    for size in range(len(core), 1, -1):
        for i in range(len(core) - size + 1):
            run = core[i:i + size]
            if run in text and _condition_spread(kb, run) <= (2 if size >= 4 else 1):
                return run
    return None


def _condition_spread(kb: KnowledgeBase, run: str) -> int:
    """How many benefits have a condition whose label holds ``run``."""
    return sum(1 for b in kb.benefits if any(run in normalize(label.zh) for label in _condition_labels(kb, b)))


def _condition_labels(kb: KnowledgeBase, b: Benefit) -> list[Text]:
    """Each condition's label, or its fact's where the condition has none."""
    out: list[Text] = []
    for c in b.conditions:
        fact = kb.facts.get(c.fact)
        label = c.label or (fact.label if fact is not None else None)
        if label is not None:
            out.append(label)
    return out


def _required(kb: KnowledgeBase, cues: Cues, b: Benefit, text: str) -> YesNo | None:
    """A condition of ``b`` the question names: negated ("non-exporters", "非出口企业") it is a no; asked
    as a requirement ("必须是出口企业吗") it is a yes, with the condition said."""
    words = english_words(text)
    labels = _condition_labels(kb, b)
    # "有没有贯标补贴": the 没有 of a question word negates nothing
    unasked = text
    for phrase in cues.words.yes_no_phrases:
        unasked = unasked.replace(phrase, " " * len(phrase))
    for label in labels:
        zh, en = _condition_core(cues, label)
        negated = asked = False
        shared = _shared_core(kb, zh, text) if zh not in text else None
        if len(zh) >= 2 and zh in text:
            asked = True
            negated = bool(cues.negated(zh).search(unasked))
        elif shared is not None:
            asked = True
            negated = bool(cues.negated(shared, shared=True).search(unasked))
        elif en:
            for i in range(len(words) - len(en) + 1):
                if all(_same_word(a, b) for a, b in zip(words[i:i + len(en)], en, strict=True)):
                    asked = True
                    negated = i > 0 and words[i - 1] in cues.words.negations_en
                    break
        if not negated and _negated_run(cues, zh, unasked):  # "不出口的企业", "联盟没备案": negated right before
            asked = negated = True
        if not asked:
            continue
        params = (("label_zh", label.zh), ("label_en", label.en))
        if negated:
            return YesNo("no", "condition_fails", params)
        if cues.require.search(text):
            return YesNo("yes", "condition_required", params)
        if cues.need.search(text) and _own_run(kb, b, zh, text) is not None:
            # "联盟需要备案吗": a word of the condition beyond the entry's own name, asked as needed
            return YesNo("yes", "condition_required", params)
    return None


def _negated_run(cues: Cues, core: str, text: str) -> bool:
    """Whether a negation stands right before two characters of a condition's words ("没备案" of 已备案)."""
    if len(core) < 2:
        return False
    for m in cues.negated_any.finditer(text):
        run = text[m.end():m.end() + 2]
        if len(run) == 2 and text[m.start():m.end() + 2] not in core:  # 非诉 of 非诉解决机构
            # "没备案" of 已备案; "没获奖" of 获得中国专利奖 (the verb and its object, in the condition's order)
            first = core.find(run[0])
            apart = first >= 0 and _is_han(run[1]) and core.find(run[1], first + 1) > first \
                and text[m.start():m.end() + 1] not in core  # 非诉 of 非诉解决机构 is a name
            if run in core or apart:
                return True
    return False


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _own_run(kb: KnowledgeBase, b: Benefit, core: str, text: str) -> str | None:
    """A run of two or more characters of a condition's words in the question that is not part of the
    entry's own title or summary terms ("备案" of 产业知识产权联盟…已备案, not "联盟") and that few
    conditions hold."""
    own = normalize(b.title.zh) + normalize(b.short_title.zh if b.short_title else "")
    for size in range(len(core), 1, -1):
        for i in range(len(core) - size + 1):
            run = core[i:i + size]
            if run in text and run not in own and _condition_spread(kb, run) <= 3:
                return run
    return None


def _exceed_verdict(cues: Cues, b: Benefit, text: str) -> YesNo | None:
    """"贴息一年能不能超过100万", "can it be more than 3 million": a figure asked to be passed against the
    most the rule pays (a cap, or the top of a fixed or ranged amount): at or above it no, below it yes."""
    m = cues.exceed.search(text)
    if m is None:
        return None
    amounts = find_amounts(text[m.end():m.end() + 16])
    if len(amounts) != 1:
        return None
    rule = b.amount
    most: int | None = None
    if isinstance(rule, PercentageAmount) and rule.cap is not None:
        most = int(rule.cap)
    elif isinstance(rule, FixedAmount):
        most = rule.value
    elif isinstance(rule, RangeAmount | UpToAmount):
        most = rule.max
    if most is None:
        return None
    over = amounts[0] < most
    return YesNo("yes" if over else "no", "exceed_yes" if over else "exceed_no",
                 (("claimed", amounts[0]), ("actual_max", most)))


def _same_word(a: str, b: str) -> bool:
    """Stems of one word family: equal, or one the other's head of five letters or more (export, exporter)."""
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


# "按贷款本金算的吗", "is it based on the loan amount": what a percentage is taken of, asked about.
_BASIS_ZH = re.compile(r"按(?:照)?(.{1,14}?)(?:来|的)?(?:算|计算|计|核算|为基数|给)")


_BASIS_EN = re.compile(r"\b(?:based on|calculated on|calculated from|computed on|worked out on|percentage of|"
                       r"share of|paid on)\s+(?:the\s+|our\s+)?([a-z][a-z ]{2,40})")


def _basis_verdict(kb: KnowledgeBase, b: Benefit, text: str) -> YesNo | None:
    """The quantity a yes/no question names as the base of a percentage against the rule's ``of``: the
    words of the base fact say yes; the words of another figure (the principal, another fact's cue) no."""
    rule = b.amount
    if rule.kind != "percentage":
        return None
    m = _BASIS_ZH.search(text) or _BASIS_EN.search(text)
    if m is None:
        return None
    named = m.group(1)
    base = kb.facts.get(rule.of)
    own = [normalize(c) for c in (base.figure_cues if base is not None else ())]
    if any(_cue_in(c, named) for c in own):
        return YesNo("yes", "basis_same")
    others = [normalize(w) for w in kb.vocabulary.figures.principal] + [
        normalize(c) for f in kb.facts.values() if f.id != rule.of for c in f.figure_cues]
    hit = next((c for c in others if c not in own and _cue_in(c, named)), None)
    if hit is None:
        return None
    return YesNo("no", "basis_differs", (("claimed_base", named.strip()),))


def _cue_in(cue: str, text: str) -> bool:
    if re.search(r"[\u4e00-\u9fff]", cue):
        return len(cue) >= 2 and cue in text
    return re.search(rf"\b{re.escape(cue)}", text) is not None


def _quota_verdict(cues: Cues, b: Benefit, text: str, counts: tuple[int, ...]) -> YesNo | None:
    """The yearly quota a yes/no question states ("每年支持8个吗", "每年选1到2个") against the rule's."""
    q = b.award.quota
    if q is None or not cues.quota.search(text):
        return None
    span = _COUNT_SPAN.search(text)
    if span is not None:  # "1到2个": one range, whatever the figures read of it
        counts = (int(span.group(1)), int(span.group(2)))
    if not counts:
        counts = tuple(int(n) for n in cues.count_near.findall(text))
    if not counts or len(counts) > 2:
        return None
    low, high = min(counts), max(counts)
    params = (("claimed_min", low), ("claimed_max", high))
    if (low, high) == (q.min, q.max):
        return YesNo("yes", "quota_same", params)
    if low == high and q.min <= low <= q.max:
        return YesNo("maybe", "quota_range", params)  # "每年选6个吗" of 6—10: within it, not the rule
    return YesNo("no", "quota_differs", params)


def _rate_verdict(b: Benefit, percents: tuple[int, ...]) -> YesNo | None:
    """The rate a yes/no question states ("按3%算吗", "50% of the interest?") against the rule's."""
    rule = b.amount
    if rule.kind != "percentage" or len(percents) != 1:
        return None
    same = Fraction(percents[0], 100) == Fraction(str(rule.rate))
    return YesNo("yes" if same else "no", "rate_same" if same else "rate_differs", (("claimed", percents[0]),))


def _claims(figures: tuple[int, ...], facts: Facts) -> list[int]:
    """The figures of a question that are not the user's own amounts: what the user asks to have confirmed."""
    own = {v for v in facts.values() if isinstance(v, int) and not isinstance(v, bool)}
    own |= {x for v in facts.values() if isinstance(v, list) for x in v if isinstance(x, int)}
    return [f for f in figures if f not in own]


def _amount_verdict(cues: Cues, b: Benefit, answer: AmountAnswer, text: str,
                    figures: tuple[int, ...]) -> YesNo | None:
    """"银奖是30万吗": the figure asked about against what the rule pays (or its ceiling)."""
    rule = b.amount
    claimed = figures[0]
    if rule.kind == "percentage":
        if rule.cap is None:
            return None
        same = claimed == rule.cap
        return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                     (("claimed", claimed), ("actual_max", rule.cap)))
    actual = answer.amount or nominal_amount(rule)
    if rule.kind == "tiered" and answer.amount is None:
        same = claimed in rule.tiers.values()
        return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs", (("claimed", claimed),))
    if actual is None:
        return None
    params = (("claimed", claimed), ("actual_min", actual.min), ("actual_max", actual.max))
    ceiling = claimed == actual.max and bool(cues.ceiling_any.search(text))  # "最高20万吗" of 10—20万: yes
    if actual.min != 0 and actual.min < actual.max and actual.min <= claimed <= actual.max and not ceiling:
        return YesNo("maybe", "amount_in_range", params)  # "专利导航一个项目20万是吗" of 10—20万: not necessarily
    same = actual.min <= claimed <= actual.max if actual.min != 0 else claimed == actual.max
    return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs", params)
