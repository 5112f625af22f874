"""One free-text question in, one structured answer out: which benefit, how much, and what is missing.

The matcher says what the question is about; this package adds what the question itself settles:
the user's figures (read by eligibility.language, with their roles: a hotline or a year is never money)
turned into the amount with the policy's caps, the award tier named in words (金奖, silver), and what
the amount still needs when the user gave none ("how much interest did you pay?"). Rendering into
sentences is the channel's job.

Whole answers (issue 13): every benefit or tier a question names is a ``Part`` answered on its own
line, and a "一共/total" question gets the sum with the no-double-subsidy rule applied; a question
about how, when or where to apply is flagged ``procedure`` (the policy sets none of it, and the answer
must say so instead of inventing a step); a yes/no question gets a ``verdict`` decided from what the
policy says, or none when the text does not settle it.

How a question is asked (yes/no, a sum, procedure …) is read with the cue words of
knowledge/data/vocabulary/questions.yaml, compiled once per knowledge base (``cues``). The modules:

    model.py       the answer's dataclasses        reading.py    facts and figures the question states
    cues.py        the question forms compiled     kinds.py      yes/no? procedure? an introduction?
    procedure.py   procedure questions             applicants.py who asks, who applies, where
    figures.py     amounts from figures and tiers  multipart.py  several parts, the sum, two roles
    verdicts.py    yes or no from the policy text  rule_verdicts.py  … on the rule's numbers (quota, rate, base)
    conditions.py  a condition the question names (required, negated, covered by the entry's terms)
    unstated.py    the verdict the entry makes when no rule settled it; a requirement beyond the text
    levels.py      a level (national, provincial …) no entry of a term holds: a near miss

Pure: no I/O, no clock; the KnowledgeBase comes in through the Matcher, a date only as an argument.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from eligibility.ask.applicants import (
    ASKER_FACTS,
    asked_applicant,
    asker_is,
    belongs_asked,
    city_place_named,
    only_describes,
    registered_elsewhere,
    support,
    type_only_in_terms,
    unnamed_applicant,
    without_terms,
)
from eligibility.ask.applicants import place as where_asker_is
from eligibility.ask.conditions import all_its_terms, named_as_included
from eligibility.ask.cues import Cues, cues_of
from eligibility.ask.figures import (
    amount_for,
    failed_condition,
    own_for,
    ruled_out,
    ruled_out_answer,
    several,
    tiers_named,
)
from eligibility.ask.kinds import asks_procedure_yes_no, is_procedure, is_yes_no, only_introduces, yes_no_clauses
from eligibility.ask.levels import LEVELS_SUBJECT, other_level
from eligibility.ask.model import (
    CLAIM_ROLES,
    DOUBLE_ENTRY,
    MAX_OFFERED,
    OWN_ROLES,
    PLACES_SUBJECT,
    PROCEDURE_ENTRY,
    VALIDITY_ENTRY,
    AmountAnswer,
    AskResult,
    Part,
    PlaceReading,
    QuestionReading,
    Total,
    Verdict,
    YesNo,
)
from eligibility.ask.multipart import (
    compared,
    denied_entry,
    one_role_asked,
    parts_asked,
    same_matter,
    total_of,
    unsure_roles,
)
from eligibility.ask.procedure import procedure_asked, promote_named, subject_first
from eligibility.ask.reading import dated, level_counts, plain_question, read_question, supposed_facts
from eligibility.ask.rule_verdicts import claims
from eligibility.ask.unstated import fallback_verdict
from eligibility.ask.verdicts import verdict_of
from eligibility.language import Clarify
from eligibility.matcher import Matcher, MatchResult, Scored, english_words
from eligibility.parsing import find_amounts, normalize
from eligibility.results import Validity
from knowledge.models import Benefit, KnowledgeBase, OutOfScope

__all__ = [
    "CLAIM_ROLES", "DOUBLE_ENTRY", "MAX_OFFERED", "OWN_ROLES", "PLACES_SUBJECT", "PROCEDURE_ENTRY", "VALIDITY_ENTRY",
    "AmountAnswer", "AskResult", "Part", "PlaceReading", "QuestionReading", "Total", "Verdict", "YesNo",
    "amount_for", "ask", "final_provisions", "is_procedure", "is_yes_no", "level_counts", "read_question",
    "ruled_out", "tiers_named",
]


def ask(matcher: Matcher, question: str, *, use_figures: bool = True, today: date | None = None,
        validity: Validity | None = None) -> AskResult:
    """Answer one question: the benefits that fit, best first, each part asked about, and a verdict.

    ``use_figures=False`` ignores the digits of the message (a complaint's hotline or dates are not
    the user's amounts); ``today`` and ``validity`` let "还有效吗" be answered (without them it is not).
    """
    kb = matcher.kb
    cues = cues_of(kb)
    reading = _unitless(_periodic(kb, dated(kb, read_question(kb, plain_question(cues, question)),
                                            today.year if today is not None else None), normalize(question)))
    text = normalize(question)
    yes_no = is_yes_no(cues, text)
    if yes_no:
        reading = _cap_claimed(cues, reading, text)
    # "正定县的公司能申请吗": whether a unit of a place of the city may apply (the layer reads no fact of a place
    # asked about); answered by the place, on each clause's terms
    # "辛集市算石家庄吗", "Is Xinji part of Shijiazhuang?": whether a place belongs to the city, the same reading
    city_asked = "in_city" not in reading.facts and not any(c.fact == "in_city" for c in reading.clarify) \
        and not is_procedure(cues, text) and ((yes_no and bool(cues.can.search(text)) and city_place_named(kb, text))
                                              or belongs_asked(kb, cues, text))
    describes = "in_city" in reading.facts or "entity_type" in reading.facts \
        or any(c.fact == "in_city" for c in reading.clarify) or city_asked \
        or (yes_no and asked_applicant(kb, text, cues.can) in kb.policy.unnamed_applicants)  # "个人发明人能申请吗"
    result = procedure_asked(matcher, subject_first(matcher, matcher.match(question), question), question, describes)
    beside = _beside_subject(result, reading, use_figures, matcher.params.min_score)
    if beside is not None:  # "利息32万，另外担保费8万，能补多少": the interest is answered, the side matter said apart
        result = replace(result, refused=False, subject=None)
    lenders_place = _lenders_place(cues, result, question)
    if lenders_place:  # "质押贷款在外地银行贷的可以吗": the bank's place, not the asker's
        result = replace(result, refused=False, subject=None)
    if other_level(kb, cues, result, text):  # "市级知识产权优势企业有钱吗": a level no entry of the term holds
        levels = next((s for s in kb.out_of_scope if s.id == LEVELS_SUBJECT), None)
        result = replace(result, refused=True, subject=levels, confidence=max(result.confidence, 0.8))
    money_facts = {f.id for f in kb.facts.values() if f.type in ("money", "money_list")}
    unsure = any(c.fact in money_facts for c in reading.clarify)
    use = use_figures and not unsure
    figures = reading.money(*CLAIM_ROLES) if use else ()
    place = where_asker_is(result, reading)
    if place is None and city_asked:
        place = "in_city"
        if not result.refused and result.ranked and result.ranked[0].benefit.id == PROCEDURE_ENTRY:
            result = replace(result, refused=True, subject=None)  # "Does the policy apply to companies in Xinji?"
    if result.subject is not None and result.subject.id != PLACES_SUBJECT:
        place = None  # another subject refused (taxes, a lawsuit): its own reply, not the place
    if place in ("in_city", "unclear") and result.refused and result.subject is not None \
            and result.subject.id == PLACES_SUBJECT and result.ranked \
            and support(result) >= matcher.params.min_score:
        result = replace(result, refused=False, subject=None)  # "在石家庄注册，母公司在北京": in the city
    weak = result.refused or not result.ranked or support(result) < matcher.params.min_score
    if weak and (result.subject is None or result.subject.near_miss) \
            and cues.other_levels.search(text) and cues.stack.search(text):
        # "已经拿过省里的贴息了，还能拿吗": whether the city's money stacks with another level's is the
        # no-double-subsidy provision's question (what the text says, and that it says nothing of other levels)
        double = Scored(kb.benefit(DOUBLE_ENTRY), matcher.params.min_score)
        result = replace(result, refused=False, subject=None, confidence=max(result.confidence, 0.5),
                         ranked=(double, *(s for s in result.ranked if s.benefit.id != DOUBLE_ENTRY)))
    elsewhere = result.refused and result.subject is not None and result.subject.id == PLACES_SUBJECT and yes_no \
        and place in (None, "elsewhere_branch") and reading.facts.get("in_city") is not True and result.ranked \
        and support(result) >= matcher.params.min_score \
        and (reading.facts.get("in_city") is False or registered_elsewhere(kb, text))  # not "does Tianjin pay"
    if elsewhere:  # "注册在衡水的企业，质押贷款贴息能申请吗": the entry named, answered no for the place
        result = replace(result, refused=False, subject=None)
    if not result.refused and result.ranked and only_introduces(cues, result, text):
        return AskResult(question, result.lang, (), result.ranked, result.confidence, True, None, (), None,
                         introduced=True)
    if cues.foreign.search(text) and place is None and (yes_no or cues.can.search(text)) \
            and (result.refused or not result.ranked or result.ranked[0].benefit.is_info):
        # "外国公司能申请吗": no clause named; the applicant's place is what the text sets (by registration)
        result, place = replace(result, refused=True, subject=None), "unclear"
    if result.subject is None and cues.highest.search(text) \
            and (result.refused or not result.ranked or result.ranked[0].benefit.is_info):
        # "这个政策里金额最高的是哪一项": the entries with the policy's highest amounts or caps, each its own part
        tops = tuple(Scored(b, matcher.params.min_score) for b in _highest(kb))
        parts_ = tuple(Part(s.benefit, None, amount_for(kb, s.benefit, question, ())) for s in tops)
        return AskResult(question, result.lang, tops, tops, max(result.confidence, 0.5), False, None, (),
                         parts_[0].answer, parts_) if parts_ else _refused(kb, cues, question, result, reading,
                                                                           figures, text, yes_no, place)
    if result.refused or not result.ranked:
        return _refused(kb, cues, question, result, reading, figures, text, yes_no, place)
    # "我的电话138…，利息60万能补多少": the customer's own number given, no contact asked for
    own_contact = any(f.role == "phone" for f in reading.figures) and not cues.contact_asked.search(text)
    procedure = any(PROCEDURE_ENTRY in h.benefits and not (own_contact and cues.contact.search(h.term))
                    for h in result.hits) \
        or is_procedure(cues, cues.contact.sub(" ", text) if own_contact else text) \
        or result.ranked[0].benefit.id == PROCEDURE_ENTRY
    ranked = promote_named(result, matcher) if procedure else result.ranked
    lead = ranked[0].benefit
    spans = [m.span() for m in cues.procedure.finditer(text)] if procedure else []
    if procedure and lead.is_info and lead.id != PROCEDURE_ENTRY and all(
            h.kind == "fuzzy" or (not h.english and any(a <= h.start and h.end <= b for a, b in spans))
            for h in result.hits if lead.id in h.benefits):
        # "补贴什么时候到账" is not "什么时候到期": a procedure question the policy sets nothing for
        proc = Scored(kb.benefit(PROCEDURE_ENTRY), max(ranked[0].score, matcher.params.min_score))
        ranked = (proc, *(s for s in ranked if s.benefit.id != PROCEDURE_ENTRY))
    elif procedure and lead.id != PROCEDURE_ENTRY and not any(lead.id in h.benefits for h in result.hits):
        # "申请补助有没有模板": no term names the entry found by the clause text alone ("补助"), so the question
        # names no entry: it is about applying under this policy, answered by the procedure entry
        proc = Scored(kb.benefit(PROCEDURE_ENTRY), max(ranked[0].score, matcher.params.min_score))
        ranked = (proc,)
    if reading.denied:  # "不是优势企业，是示范企业": the entry denied is left out while another is there (G23)
        kept = tuple(s for s in ranked if not denied_entry(kb, s.benefit, reading))
        ranked = kept or ranked
    # "我们是发起单位…": the entry the asker names as their own role comes first
    own = [s for s in ranked[:MAX_OFFERED] if asker_is(cues, result, s.benefit.id, text)]
    if len(own) == 1 and own[0] is not ranked[0]:
        ranked = (own[0], *(s for s in ranked if s is not own[0]))
    best = ranked[0]
    offered = [best]
    for s in ranked[1:MAX_OFFERED]:
        if s.score >= matcher.params.runner_up_ratio * best.score:
            offered.append(s)
    facts = dict(reading.facts)
    # "最高100万对吧": a figure asked about as the ceiling is the user's guess, not their own base
    # — unless the user's own figure is given beside the figure asked about ("利息120万…上限100万所以是60万？"):
    # then the own figure is the base and the claim is checked against what it gives
    own_and_claim = any(f.fact is not None and f.role in OWN_ROLES for f in reading.figures) \
        and any(f.fact is None and f.role == "policy" for f in reading.figures)
    ceiling_guess = yes_no and bool(cues.ceiling_any.search(text)) and not own_and_claim
    answer = several(best.benefit, reading) or amount_for(
        kb, best.benefit, question, own_for(best.benefit, reading) if use and not ceiling_guess else ())
    parts = parts_asked(kb, result, ranked, question, reading if use else None, reading)
    if reading.denied and parts:
        parts = tuple(p for p in parts if not denied_entry(kb, p.benefit, reading))
        parts = parts if len(parts) > 1 else ()
    alone = one_role_asked(kb, result, parts, text, question)
    if alone is not None:  # "证券化融资2亿，发起单位能拿多少": the role asked about is the answer
        parts = ()
        answer = alone.answer
        chosen = next(s for s in ranked if s.benefit.id == alone.benefit.id)
        ranked = (chosen, *(s for s in ranked if s is not chosen))
        best, offered = chosen, [chosen]
    parts, role_unsure = unsure_roles(kb, result, parts, text, reading.figures)
    clarify = reading.clarify + role_unsure + _loose_figure(kb, best.benefit, reading, answer, use)
    if role_unsure and answer.from_figures and any(p.benefit.id == best.benefit.id and p.answer.amount is None
                                                   for p in parts):
        answer = AmountAnswer(None, depends_on=answer.depends_on or tuple(answer.facts))
    asked_about = (asked_applicant(kb, without_terms(result, text), cues.can, served=True)
                   or asked_applicant(kb, without_terms(result, text), cues.require, served=True)) if yes_no else None
    if asked_about is None and "entity_type" not in facts:
        asked_about = unnamed_applicant(kb, text)
    if asked_about is not None:
        facts.setdefault("entity_type", asked_about)
    elif isinstance(facts.get("entity_type"), str) and type_only_in_terms(kb, result, text, str(facts["entity_type"])):
        facts.pop("entity_type")  # "联盟需要备案吗": 联盟 names the entry, not the asker
    # first rule: before any amount, each benefit is assessed with the facts the question states (of the
    # applicant: "我们是代理机构，帮客户问" says who asks, not who applies)
    applicant = {k: v for k, v in facts.items() if k not in ASKER_FACTS} if cues.proxy.search(text) else facts
    answer = ruled_out_answer(kb, best.benefit, answer, applicant)
    parts = tuple(replace(p, answer=ruled_out_answer(kb, p.benefit, p.answer, applicant)) for p in parts)
    total = total_of(kb, parts) if parts and cues.total.search(text) else None
    counts = tuple(f.value for f in reading.figures if f.role == "count" and f.value is not None)
    years = tuple(f.value for f in reading.figures if f.role == "year" and f.value is not None)
    if not years and best.benefit.id in (VALIDITY_ENTRY, PROCEDURE_ENTRY):
        # "still valid in 2029?", "2028年还能按这个政策申请吗": a year, whatever role it got
        years = tuple(int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text))[:1]
    unsettled = best.benefit.amount.kind == "tiered" and best.benefit.amount.by in reading.several_unsure
    percents = tuple(f.value for f in reading.figures if f.role == "percent" and f.value is not None)
    included = yes_no and (named_as_included(cues, result, best.benefit.id, text)
                           or all_its_terms(cues, result, best.benefit.id, text))
    # "两个银奖…吗" with the count unread: asked first
    verdict = verdict_of(kb, best.benefit, answer, text, figures, facts, today, validity, counts, years, percents,
                         included) if yes_no and not unsettled else None
    if yes_no and not unsettled and (verdict is None or verdict.verdict != "no") and not best.benefit.is_info:
        # "大企业买专利也有补贴吗": the case the question supposes breaks a condition of the entry
        conditions = {c.fact for c in kb.conditions_of(best.benefit)} - set(facts)
        supposed = supposed_facts(kb, cues, question, conditions)
        failed = failed_condition(kb, best.benefit, {**facts, **supposed}) if supposed else None
        if failed is not None and failed[0] == "condition_fails":
            verdict = YesNo("no", failed[0], failed[1])
    if yes_no and (verdict is None or verdict.verdict != "no") and _not_obtained(kb, cues, result, best.benefit, text):
        first = best.benefit.conditions[0]
        verdict = YesNo("no", "condition_fails", (("label_zh", first.label.zh), ("label_en", first.label.en))) \
            if first.label is not None else YesNo("no", "condition_fails", (("fact", first.fact),))
    if yes_no and (verdict is None or verdict.verdict != "no") and _lender_asks(kb, cues, best.benefit, text):
        reading_ = kb.vocabulary.questions.lender_reading if kb.vocabulary.questions is not None else None
        if reading_ is not None:  # "我们是银行，做质押贷款，有奖励吗": the subsidy is the borrowing enterprise's
            verdict = YesNo("no", "condition_fails", (("label_zh", reading_.zh), ("label_en", reading_.en)))
    comparison = compared(cues, result, parts, text) if yes_no else None
    if comparison is not None:  # "优势企业的奖励比示范企业多吗": one part's amount against the other's
        verdict = comparison
    if elsewhere:
        verdict = YesNo("no", "elsewhere")
    if yes_no and (verdict is None or (verdict.reason in ("exists", "applicant_ok", "included")
                                       and len({p.benefit.id for p in parts}) < 2)) \
            and cues.other_levels.search(text) and cues.stack.search(text):
        # "区里也有贴息政策，能叠加吗": the 有 is the district's policy, the question whether the two stack
        verdict = YesNo("maybe", "other_levels")  # "国家已经给了贴息，市里还能给吗": the text does not settle it
    if yes_no and verdict is None and not unsettled:  # every yes/no question starts with a verdict the entry makes
        verdict = fallback_verdict(kb, best.benefit, answer, text, facts, procedure)
    if yes_no and lenders_place and verdict is None and not best.benefit.is_info and best.benefit.conditions:
        # the text sets no place of the bank: the entry's own condition is what is required
        first = best.benefit.conditions[0]
        if first.label is not None:
            verdict = YesNo("yes", "condition_required", (("label_zh", first.label.zh), ("label_en", first.label.en)))
    if yes_no and answer.ruled_out is not None and (verdict is None or verdict.verdict != "no"):
        verdict = answer.ruled_out  # "利息付了0元能补吗": the stated facts already say no
    if procedure and verdict is not None and verdict.reason == "exists" and asks_procedure_yes_no(cues, text):
        verdict = YesNo("maybe", "procedure_unsaid")  # "有申请表可以下载吗": a step the policy does not set
    if verdict is not None and verdict.reason == "same_matter":
        verdict = same_matter(kb, parts) or verdict
    elif yes_no and not unsettled and (verdict is None or verdict.reason in ("exists", "applicant_ok", "once")) \
            and cues.twice.search(text) and len({p.benefit.id for p in parts}) >= 2:
        # "驰名商标和地理标志能同时拿吗": two entries asked about together are a question of the same matter,
        # not of who may apply ("示范企业和优势企业能同时拿吗" names no asker in 企业)
        verdict = same_matter(kb, parts) or YesNo("no", "same_matter")
    # (a role asked alone, "示范企业奖励10万，优势企业是5万吗": that part, the figure of its clause)
    among = parts if len(parts) >= 2 else (replace(alone, answer=answer),) if alone is not None else ()
    asked_part = _clause_part(cues, result, among, text) \
        if verdict is not None and verdict.reason in ("amount_same", "amount_differs") and among \
        and not cues.total.search(text) else None
    part_amount = asked_part[0].answer.amount if asked_part is not None else None
    if verdict is not None and asked_part is not None and part_amount is not None:
        # "示范企业奖励10万，优势企业也是10万吗": the figure of the clause asked is claimed of the part that clause
        # names (优势企业 5万), never of the part the first words restate
        part, claimed_here = asked_part
        same = part_amount.min <= claimed_here <= part_amount.max
        verdict = YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                        (("claimed", claimed_here), ("actual_min", part_amount.min),
                         ("actual_max", part_amount.max)))
        picked = next((s for s in ranked if s.benefit.id == part.benefit.id), None)
        if picked is not None and picked is not offered[0]:
            ranked = (picked, *(s for s in ranked if s is not picked))
            offered = [picked, *(s for s in offered if s is not picked)]
            answer = part.answer
    elif verdict is not None and verdict.reason in ("amount_same", "amount_differs") and len(parts) >= 2:
        verdict, total = _against_total(kb, cues, parts, verdict, total, text,
                                        tuple(claims(figures, {**facts, **answer.facts})))
    if verdict is not None and verdict.reason in _AMOUNT_REASONS:
        # "奖励10万到账了吗": the yes/no asks the procedure word it ends on, not the figure before it
        end = re.sub(r"[\s?？!！。.，,]+$", "", text)
        asks_it = procedure and end.endswith("吗") and bool(cues.procedure.search(end[-6:]))
        verdict = _beside_the_amount(kb, result, asks_it, verdict)
    if verdict is not None and verdict.verdict == "yes" and (verdict.reason in _AMOUNT_REASONS
                                                             or verdict.reason == "exists") \
            and _asked_back(kb, best.benefit, clarify):
        # "2019年获得的专利奖金奖，能拿50万吗": a question asked back on the entry's own fact may turn the yes to a no;
        # "房产抵押贷款，利息40万，能补吗": the clause exists, whether it is the asker's the question asked back decides
        verdict = replace(verdict, verdict="maybe")
    return AskResult(question, result.lang, tuple(offered), ranked, result.confidence, False, beside,
                     figures, answer, parts, total, procedure, yes_no, verdict, facts,
                     asks_ceiling=bool(cues.ceiling_any.search(text)) and not answer.from_figures,
                     clarify=clarify, notes=reading.notes, policy_meta=bool(cues.policy_meta.search(text)))


def _clause_part(cues: Cues, result: MatchResult, parts: tuple[Part, ...], text: str) -> tuple[Part, int] | None:
    """The one part named in the last yes/no clause, with the one figure that clause claims ("优势企业也是10万吗"
    after "示范企业奖励10万"); None when the clause names no part, several, or no single figure."""
    clauses = yes_no_clauses(cues, text)
    if not clauses:
        return None
    last = clauses[-1]
    at = text.rfind(last)
    claimed = find_amounts(last)
    if at < 0 or len(claimed) != 1:
        return None
    inside = {h.benefits[0] for h in result.hits if not h.english and len(h.benefits) == 1
              and at <= h.start and h.end <= at + len(last)}
    named = [p for p in parts if p.benefit.id in inside]
    if len({p.benefit.id for p in named}) != 1:
        return None
    return named[0], claimed[0]


def _beside_subject(result: MatchResult, reading: QuestionReading, use_figures: bool,
                    min_score: float) -> OutOfScope | None:
    """"去年专利质押贷款利息32万，另外担保费8万，问能补多少", "利息45万，有发票，能补多少": a subject the policy does
    not cover is named beside the user's own figure for the base of the best entry (the interest paid); the
    figure is what is asked, so the entry is answered and the subject kept as a side note (``AskResult.subject``
    of an answer). A place, a level or who the asker is (``about_applicant``: "我们没注册公司") refuses the entry
    itself and is never a side matter."""
    if not (use_figures and result.refused and result.subject is not None and result.ranked) \
            or result.subject.id in (PLACES_SUBJECT, LEVELS_SUBJECT) or result.subject.about_applicant:
        return None
    best = result.ranked[0].benefit
    base = getattr(best.amount, "of", None)
    if base is None or support(result) < min_score:
        return None
    if not any(f.fact == base and f.role == "amount" and f.value for f in reading.figures):
        return None
    return result.subject


def _highest(kb: KnowledgeBase, n: int = 4) -> tuple[Benefit, ...]:
    """The entries whose amount (a fixed sum, a tier, a range's top) or cap is among the ``n`` highest, ties kept."""
    def top(b: Benefit) -> int:
        a = b.amount
        tiers = getattr(a, "tiers", None)
        values = [getattr(a, "value", None), getattr(a, "max", None), getattr(a, "cap", None),
                  *(tiers.values() if isinstance(tiers, dict) else ())]
        return max((int(v) for v in values if isinstance(v, int | float)), default=0)
    ranked = sorted((b for b in kb.benefits if not b.is_info and top(b) > 0), key=top, reverse=True)
    if len(ranked) <= n:
        return tuple(ranked)
    floor = top(ranked[n - 1])
    return tuple(b for b in ranked if top(b) >= floor)


def _asked_back(kb: KnowledgeBase, b: Benefit, clarify: tuple[Clarify, ...]) -> bool:
    """Whether a question asked back is about a fact ``b`` depends on: one of its conditions or its amount's fact."""
    rule = b.amount
    own = {c.fact for c in kb.conditions_of(b)} | {getattr(rule, "by", None), getattr(rule, "of", None)}
    return any(c.fact in own for c in clarify)


def _not_obtained(kb: KnowledgeBase, cues: Cues, result: MatchResult, b: Benefit, text: str) -> bool:
    """"驰名商标正在申请中，能拿50万吗", "我们是示范企业培育单位": the title an award entry pays for is not obtained yet
    (a subsidy pending, "奖励正在申请中", is another matter: the word before it is a support word)."""
    if b.is_info or b.amount.kind == "percentage" or not b.conditions:
        return False
    # "高校能申请中国专利奖吗": the 中 of 申请中 begins a term the question names (中国专利奖), no pending title
    return any(not _support_before(cues, result, text, m.start())
               and not any(not h.english and m.start() < h.start < m.end() for h in result.hits)
               for m in cues.not_obtained.finditer(text))


def _lender_asks(kb: KnowledgeBase, cues: Cues, b: Benefit, text: str) -> bool:
    """Whether the asker says it is the lender ("我们是银行", "we are a bank") of an entry paying on the borrower's
    own figure (the interest it paid, the financing it obtained), not asking for a client ("帮客户问")."""
    q = kb.vocabulary.questions
    if q is None or getattr(b.amount, "of", None) not in q.borrowers_figures or not cues.lender.search(text):
        return False
    clients = kb.vocabulary.applicants.client_words
    return not cues.proxy.search(text) and not any(normalize(w) in text for w in clients if w)


def _support_before(cues: Cues, result: MatchResult, text: str, at: int) -> bool:
    """Whether a support word stands right before ``at`` ("奖励正在申请中") that is not the end of a term of the
    question ("专利奖申请中": the 奖 of 中国专利奖 is the award's name, the prize applied for)."""
    start = max(0, at - 3)
    return any(not any(not h.english and h.start <= start + w.start() < h.end for h in result.hits)
               for w in cues.support.finditer(text[start:at]))


def _lenders_place(cues: Cues, result: MatchResult, question: str) -> bool:
    """Whether every place outside the city the question names is a lender's ("在外地银行贷的", "a Beijing bank"):
    the policy sets no place of the bank, only the applicant's, so the other-places refusal does not apply."""
    if not result.refused or result.subject is None or result.subject.id != PLACES_SUBJECT or not result.ranked:
        return False
    text = normalize(question)
    places = [h for h in result.hits if PLACES_SUBJECT in h.subjects]
    words = english_words(text)
    return bool(places) and all(cues.lender_after.search(" ".join(words[h.end:]) if h.english else text[h.end:])
                                for h in places)


def _cap_claimed(cues: Cues, reading: QuestionReading, text: str) -> QuestionReading:
    """"Is the originator reward capped at 2 million per issue?": a figure claimed right after a cap word is the cap
    asked about, never the user's own base; whose base it is is not asked back."""
    kept = tuple(c for c in reading.clarify if not (
        c.key == "lang.ask.confirm_amount" and isinstance(c.params.get("figure"), str)
        and any(m.start() <= text.find(normalize(str(c.params["figure"]))) < m.end() + 1
                for m in cues.cap_figure.finditer(text))))
    return reading if len(kept) == len(reading.clarify) else replace(reading, clarify=kept)


_PER_PERIOD = "per_period"  # the role of an untied figure in a message that names a period of payment


def _periodic(kb: KnowledgeBase, reading: QuestionReading, text: str) -> QuestionReading:
    """"半年付一次利息，一次20万，能补多少": a figure the language layer tied to no fact and to no period, in a message
    that names a period of payment (figures.yaml), is a per-period figure of unknown span: never a year's base."""
    words = kb.vocabulary.figures
    said = [normalize(w) for p in words.periods if p.period != "year" for w in p.words] + \
        [normalize(w) for w in words.partial_periods]
    if not any(w and w in text for w in said):
        return reading
    figures = tuple(replace(f, role=_PER_PERIOD) if f.role == "other" and f.fact is None and f.period is None
                    and f.value is not None else f for f in reading.figures)
    return replace(reading, figures=figures)


_NO_UNIT = "no_unit"  # the role of an untied bare number without a unit ("利息60能补多少": 60元 or 60万元?)
_BARE = re.compile(r"^\s*\d{1,4}(?:\.\d+)?\s*$")


def _unitless(reading: QuestionReading) -> QuestionReading:
    """"利息60能补多少": a bare number of a few digits the language layer tied to no fact and gave no unit is
    60元 or 60万元; the first rule says ask which, never compute 30元 from a guess."""
    if any(f.value is not None and f.role in CLAIM_ROLES and not _BARE.match(f.text) for f in reading.figures):
        return reading  # "是10到20万吗": another figure's unit is the bare one's too
    figures = tuple(replace(f, role=_NO_UNIT) if f.role == "other" and f.fact is None and f.value is not None
                    and _BARE.match(f.text) else f for f in reading.figures)
    return replace(reading, figures=figures)


def _loose_figure(kb: KnowledgeBase, b: Benefit, reading: QuestionReading, answer: AmountAnswer,
                  use: bool) -> tuple[Clarify, ...]:
    """A per-period figure of unknown span (``_periodic``) is asked about: which period it is (first rule)."""
    rule = b.amount
    if not use or rule.kind != "percentage" or answer.from_figures or reading.clarify:
        return ()
    bare = [f for f in reading.figures if f.role == _NO_UNIT]
    if len(bare) == 1 and not any(c.fact == rule.of for c in reading.clarify):
        return (Clarify(rule.of, "lang.ask.unit", {"figure": bare[0].text.strip()}),)
    loose = [f for f in reading.figures if f.role == _PER_PERIOD]
    if len(loose) != 1:
        return ()
    return (Clarify(rule.of, "lang.ask.period", {"figure": loose[0].text}),)


# Verdicts that compare a figure with the policy's amount: they answer "是30万吗", nothing beside it.
_AMOUNT_REASONS = ("amount_same", "amount_differs", "amount_in_range", "total_same", "total_differs")


def _beside_the_amount(kb: KnowledgeBase, result: MatchResult, procedure: bool, verdict: YesNo) -> YesNo:
    """"马德里奖励10万是税前吗", "奖励10万到账了吗": the figure is only the premise; what is asked (tax, whether it
    was paid) the policy does not say, so a 是的 would answer what nobody can know from the text."""
    topics = [sid for h in result.hits for sid in h.subjects]
    if topics:
        return YesNo("maybe", "beside_amount", (("subject", topics[0]), *verdict.params))
    if procedure:
        return YesNo("maybe", "beside_amount", (("subject", PROCEDURE_ENTRY), *verdict.params))
    return verdict


def _against_total(kb: KnowledgeBase, cues: Cues, parts: tuple[Part, ...], verdict: YesNo, total: Total | None,
                   text: str, claimed_figures: tuple[int, ...] = ()) -> tuple[YesNo, Total | None]:
    """"示范企业和优势企业都评上了，能拿15万吗": a figure that is no part's amount is the sum asked about; it is
    checked against the parts' total (with the no-double-subsidy groups applied), never against one part.
    "马德里10万加驰名50万…一共110万对吗": the parts' own figures are restated; the sum asked is the last figure
    that is no part's amount (and not the user's own base)."""
    claimed = verdict.param("claimed")
    singles = {p.answer.amount.max for p in parts if p.answer.amount is not None}
    beyond = [c for c in claimed_figures if c not in singles]
    if cues.total.search(text) and beyond:
        claimed = beyond[-1]
    if not isinstance(claimed, int) or (claimed in singles and not cues.total.search(text)):
        return verdict, total
    whole = total or total_of(kb, parts)
    if whole.amount is None:
        return verdict, total
    same = whole.amount.min <= claimed <= whole.amount.max
    # a total that is a range (a pair the text does not call one matter, flagged): inside it is not a sure yes
    sure = whole.amount.min == whole.amount.max
    return YesNo(("yes" if sure else "maybe") if same else "no", "total_same" if same else "total_differs",
                 (("claimed", claimed), ("actual_min", whole.amount.min), ("actual_max", whole.amount.max))), whole


def _refused(kb: KnowledgeBase, cues: Cues, question: str, result: MatchResult, reading: QuestionReading,
             figures: tuple[int, ...], text: str, yes_no: bool, place: PlaceReading | None) -> AskResult:
    """A question the policy does not cover, answered as such: a near miss's no with its reason, the place
    said, or the entries open to an applicant type when that is what is asked."""
    verdict = None
    if yes_no and result.subject is not None and result.subject.near_miss and place in (None, "elsewhere_branch"):
        # a branch in the city of a company registered elsewhere: read by the registration (said)
        verdict = YesNo("no", "elsewhere" if result.subject.id == PLACES_SUBJECT else "no_clause")
    elif yes_no and place == "in_city" and result.subject is None and cues.can.search(text):
        verdict = YesNo("yes", "in_city")  # "我们在正定县，能申请吗": within the city, on each clause's terms
    stated = reading.facts.get("entity_type") if result.subject is None or place is not None else None
    # "我们是律所，能申请什么", "what does the policy offer universities": only a question about what is
    # open to a type lists the entries ("帮我推荐一家商标代理公司" names a type but asks for no list)
    offer = bool(cues.offer.search(text)) or only_describes(kb, cues, text)
    entity = stated if isinstance(stated, str) and offer else None
    # "这个政策一个企业最多能拿多少钱", "How much in total can an enterprise get?": no clause named, the whole
    # policy's most or total asked: what is open to the type is the answer (no total the text does not set)
    whole = result.subject is None and bool(cues.ceiling_any.search(text) or cues.total.search(text))
    if entity is None and result.subject is None and (offer or whole or yes_no):
        entity = asked_applicant(kb, text, cues.offer) or (asked_applicant(kb, text, cues.can)
                                                           if whole or yes_no else None)
    # an enterprise, named in most clauses, gets the list only when what it may apply for is asked
    # ("企业能申请哪些项目", "What can an enterprise apply for?"), or whether it may apply at all with no clause
    # named ("我们是国有企业，可以申请吗": a kind of enterprise the text does not exclude), not for any 有什么
    listed = entity != "enterprise" or bool(cues.apply_what.search(text)) or whole \
        or (yes_no and result.subject is None and bool(cues.can.search(text)))
    open_to = tuple(b for b in kb.benefits if not b.is_info and entity is not None
                    and b.applicants != "any" and entity in b.applicants) if listed else ()
    # "个体工商户能申请什么", "个人发明人能申请吗": a type the text never names has no clause of its own; the type is
    # kept so that the knowledge base's reading of it (policy.yaml unnamed_applicants) is said
    unnamed = entity in kb.policy.unnamed_applicants and not open_to
    return AskResult(question, result.lang, (), result.ranked, result.confidence, True, result.subject,
                     figures, None, yes_no=yes_no, verdict=verdict, clarify=reading.clarify, notes=reading.notes,
                     place=place, open_to=open_to, entity_type=entity if open_to or unnamed else None)


def final_provisions(kb: KnowledgeBase) -> frozenset[str]:
    """Entries that each quote a sentence of the policy's last paragraph ("以上政策自发布之日起实施…").

    They split one clause (validity, no double subsidy, implementing rules), so a question expecting one
    of them is answered right by another: the same clause is quoted and the reader gets the whole.
    """
    general = kb.policy.clauses.get("general")
    if general is None:
        return frozenset()
    tail = general.text[general.text.find("以上政策"):].replace(" ", "")
    return frozenset(b.id for b in kb.benefits if b.ref == "general" and b.source.replace(" ", "") in tail)
