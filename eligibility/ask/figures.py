"""What a benefit pays for what a question says: the user's figures with the policy's caps, the tier named."""

from __future__ import annotations

import re
from fractions import Fraction

from eligibility.amounts import compute_amount, items_said, nominal_amount, percentage_of
from eligibility.ask.cues import Cues, cues_of
from eligibility.ask.model import AmountAnswer, QuestionReading, YesNo
from eligibility.ask.reading import read_question
from eligibility.evaluate import assess, policy_validity, year_cover
from eligibility.language.counts import EVENT_NOTES
from eligibility.matcher import english_words
from eligibility.parsing import find_amounts, normalize
from eligibility.results import Amount, Facts, FactValue, Reason
from knowledge.models import Benefit, Fact, KnowledgeBase, PercentageAmount, item_count


def own_for(b: Benefit, reading: QuestionReading) -> tuple[int, ...]:
    """The user's own figures for ``b``'s amount: those tied to its fact first."""
    rule = b.amount
    return reading.own(rule.of if rule.kind == "percentage" else None)


def several(b: Benefit, reading: QuestionReading) -> AmountAnswer | None:
    """Several awards of a tiered benefit ("两个银奖一个优秀奖"): the engine's range (the knowledge base's
    reading of how several are paid); a count the layer did not settle is asked, never paid as one."""
    rule = b.amount
    if rule.kind != "tiered":
        return None
    if rule.by in reading.several_unsure:
        return AmountAnswer(None, depends_on=(rule.by,))
    levels = reading.facts.get(rule.by)
    if isinstance(levels, str) and any(n.key in EVENT_NOTES and n.fact == rule.by for n in reading.notes):
        # "去年金奖、今年银奖": the award of another year is no award for this application; only the level of the
        # year before it is paid ("none" left: the entry is ruled out by the stated facts)
        if levels not in rule.tiers:
            return AmountAnswer(None, (), {rule.by: levels})
        amount, reasons = compute_amount(rule, {rule.by: levels})
        return AmountAnswer(amount, tuple(reasons), {rule.by: levels})
    if not isinstance(levels, list) or len(levels) < 2:
        return None
    facts: Facts = {rule.by: [str(x) for x in levels]}
    amount, reasons = compute_amount(rule, facts)
    return AmountAnswer(amount, tuple(reasons), facts)


def failed_condition(kb: KnowledgeBase, b: Benefit, facts: Facts) -> tuple[str, tuple[tuple[str, object], ...]] | None:
    """The first condition of ``b`` the stated facts break (the applicant type, exporter …), if any."""
    if not facts:
        return None
    validity = policy_validity(kb)
    result = assess(kb, facts, validity.valid_until, validity).result(b.id)
    if result.status != "ineligible":
        return None
    if "entity_type" in facts and b.applicants != "any" and facts["entity_type"] not in b.applicants:
        return "applicant_not", (("type", str(facts["entity_type"])),)
    for r in result.reasons:
        if r.code == "condition_failed" and r.label is not None:
            return "condition_fails", (("label_zh", r.label.zh), ("label_en", r.label.en))
        if r.code == "condition_failed" and r.fact:
            return "condition_fails", (("fact", r.fact),)  # no label: the fact's own label names it
    return "condition_fails", ()


def ruled_out(kb: KnowledgeBase, b: Benefit, facts: Facts) -> YesNo | None:
    """Whether the facts a question states rule ``b`` out, as the engine (``assess``) decides: the
    applicant type outside the entry's list, or a condition broken ("注册地在郑州", "利息付了0元").
    Only a broken condition counts; a fact the question leaves out is unknown, never false."""
    if not facts or b.is_info:
        return None
    year = year_outside(kb, b, facts)
    if year is not None:
        return year
    validity = policy_validity(kb)
    result = assess(kb, facts, validity.valid_until, validity).result(b.id)
    # a condition broken, or outside the knowledge base's reading of a silent text (the applicant list
    # of a clause that names none): no amount is stated from a reading either, the reading is said
    failed = [r for r in result.reasons if r.code in ("condition_failed", "reading_outside")]
    if result.status not in ("ineligible", "undetermined") or not failed:
        return None
    failed = [r for r in failed if r.code == "condition_failed"] or failed  # a broken condition first
    r = failed[0]
    if r.fact == "entity_type" and r.code == "reading_outside":
        # "合作社能拿吗": the text is silent about this applicant; undetermined with the reading, not a no
        return YesNo("maybe", "applicant_unsaid", (("type", str(facts["entity_type"])),))
    if r.fact == "entity_type":
        return YesNo("no", "applicant_not", (("type", str(facts["entity_type"])),))
    if r.code == "reading_outside" and r.label is not None:
        # "县政府能拿地理标志的奖励吗（协会注册的）": outside the knowledge base's reading of a text that is silent
        # there (whose GI is rewarded): the reading is said, neither a yes nor a refusal
        return YesNo("maybe", "condition_reading", (("reading_zh", r.label.zh), ("reading_en", r.label.en)))
    if r.label is not None:
        return YesNo("no", "condition_fails", (("label_zh", r.label.zh), ("label_en", r.label.en)))
    return YesNo("no", "condition_fails", (("fact", r.fact or ""),))


def year_outside(kb: KnowledgeBase, b: Benefit, facts: Facts) -> YesNo | None:
    """A year the question names that the validity does not wholly cover, as the engine reads it: applying
    in a year after its end or before its start is a no ("2028年申请"); a year it covers only in part, or
    a payment made outside it ("2021年付的利息"), is the reading said, never an amount stated flat. Checked
    apart from the other facts, which a question mostly leaves unknown."""
    validity, v = policy_validity(kb), kb.policy.validity
    app = facts.get(v.application_year) if v.application_year else None
    if isinstance(app, int) and not isinstance(app, bool):
        cover = year_cover(validity, app)
        if cover in ("before", "after"):
            return YesNo("no", "year_outside", (("year", app), ("cover", cover)))
        if cover == "part" and v.partial_year is not None:
            return YesNo("maybe", "year_reading", (("year", app), ("reading_zh", v.partial_year.zh),
                                                   ("reading_en", v.partial_year.en)))
    ev = b.event_year
    done = facts.get(ev.fact) if ev is not None else None
    if ev is not None and isinstance(done, int) and not isinstance(done, bool) \
            and year_cover(validity, done) != "whole":
        return YesNo("maybe", "year_reading", (("year", done), ("reading_zh", ev.reading.zh),
                                               ("reading_en", ev.reading.en)))
    return None


def ruled_out_answer(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, stated: Facts) -> AmountAnswer:
    """``answer`` without its amount when the stated facts (with the figures it was computed from) rule
    ``b`` out: the answer then says it does not apply and why, never what it would pay."""
    v = ruled_out(kb, b, {**stated, **answer.facts})
    if v is None:
        return answer
    return AmountAnswer(None, (), answer.facts, answer.from_figures, (), v)


def amount_for(kb: KnowledgeBase, benefit: Benefit, question: str,
               figures: tuple[int, ...] | None = None) -> AmountAnswer:
    """What ``benefit`` pays for what ``question`` says: figures for percentages, words for tiers."""
    rule = benefit.amount
    text = normalize(question)
    if figures is None:
        figures = own_for(benefit, read_question(kb, question))
    if rule.kind == "tiered":
        tier = _tier(kb.facts[rule.by], text)
        if tier is not None and rule.by in read_question(kb, question).denied:
            return AmountAnswer(None, depends_on=(rule.by,))  # "our partner won a silver": theirs, not the asker's
        if tier is None:  # several named: the one the asker says is theirs ("不是银奖，是优秀奖"), if one is (G23)
            own = read_question(kb, question).facts.get(rule.by)
            tier = own if isinstance(own, str) and own in tiers_named(kb.facts[rule.by], text) else None
        if tier is None:
            return AmountAnswer(None, depends_on=(rule.by,))
        facts: Facts = {rule.by: tier}
        amount, reasons = compute_amount(rule, facts)
        return AmountAnswer(amount, tuple(reasons), facts)
    if rule.kind == "percentage":
        base = _base(cues_of(kb), kb.facts[rule.of], rule, text, figures)
        if base is None:
            return AmountAnswer(None, depends_on=(rule.of,))
        facts = {rule.of: base}
        amount, reasons = compute_amount(rule, facts)
        return AmountAnswer(amount, tuple(reasons), facts, from_figures=True)
    count = item_count(rule)
    read = read_question(kb, question) if count is not None else None
    stated = read.facts if read is not None else {}
    if count is not None and read is not None and any(c.fact == count.fact for c in read.clarify):
        # "3个联盟，1个备案了", "3个规范化市场": how many count is asked, never one item's amount stated for all
        return AmountAnswer(None, depends_on=(count.fact,))
    if count is not None and read is not None and items_said(rule, stated) is None \
            and cues_of(kb).self_ref.search(text):
        # "我们有3个项目入选高价值专利组合": the one count the asker gives of their own is the entry's items
        loose = [f.value for f in read.figures if f.role == "count" and f.fact is None and f.value is not None]
        if len(loose) == 1 and isinstance(loose[0], int) and loose[0] >= 2:
            stated = {**stated, count.fact: loose[0]}
    n = items_said(rule, stated)
    one = nominal_amount(rule)
    if count is not None and n is not None and n >= 2 and one is not None and _all_chosen(kb, text):
        # "我们2个平台都入选了": chosen already, each is paid ("每个平台给予30万元"), at most the yearly quota
        paid = min(n, count.most) if count.most is not None else n
        reason = Reason("amount_items_chosen", params=(("count", n), ("paid", paid), ("each_min", one.min),
                                                       ("each_max", one.max)))
        return AmountAnswer(Amount(one.min * paid, one.max * paid), (reason,))
    if n is not None:  # "注册了3件马德里": one item to each paid, never one as all
        facts = {count.fact: stated[count.fact]} if count is not None else {}
        amount, reasons = compute_amount(rule, facts)
        return AmountAnswer(amount, tuple(reasons), facts)
    return AmountAnswer(nominal_amount(rule))


def _all_chosen(kb: KnowledgeBase, text: str) -> bool:
    """Whether the asker says the items counted are chosen already ("都入选了", "3个项目入选"): a word of being
    chosen, and nothing of only some of them ("其中1个入选")."""
    q = kb.vocabulary.questions
    after = [normalize(w) for w in (q.chosen_after_count if q is not None else []) if w]
    chosen = bool(cues_of(kb).selected.search(text)) or any(
        re.search(r"[\d两二三四五六七八九十]+\s*个[^，,。？?]{0,16}?" + re.escape(w), text) for w in after)
    return chosen and "其中" not in text


def _tier(fact: Fact, text: str) -> str | None:
    """The one tier the question names (银奖, "silver"); None when it names none or several."""
    found = tiers_named(fact, text)
    return found[0] if len(found) == 1 else None


def tiers_named(fact: Fact, text: str) -> list[str]:
    """Every tier the (normalised) question names, in the order they appear ("金奖和优秀奖")."""
    compact = text.replace(" ", "")
    words = english_words(text)
    word_set = set(words)
    found: dict[str, int] = {}
    for option in fact.options:
        if option.id == "none":
            continue
        for label in (option.label.zh, option.label.en, *option.aliases):
            norm = normalize(label)
            if re.search(r"[\u4e00-\u9fff]", norm):
                at = compact.find(norm.replace(" ", ""))
                hit = at >= 0
            else:
                needed = english_words(norm)
                hit = bool(needed) and all(w in word_set for w in needed)
                at = 1000 + words.index(needed[0]) if hit else -1
            if hit:
                found[option.id] = at
                break
    return sorted(found, key=lambda k: found[k])


def _base(cues: Cues, fact: Fact, rule: PercentageAmount, text: str, figures: tuple[int, ...]) -> FactValue | None:
    """The figure(s) the percentage applies to, or None when the question gives none (or too many).

    Figures that are the user's guess of the result ("1.2亿…是360万吗") or of the ceiling are
    dropped. A principal never comes here (the language layer tells it apart): the interest actually
    paid is what the policy subsidises, and a principal × a nominal rate would be a guess of it.
    """
    if not figures:
        return None
    figs = list(figures)
    if len(figs) > 1:
        guesses = {percentage_of(rule, g)[0] for g in figs} | {int(Fraction(str(rule.rate)) * g) for g in figs}
        kept = [f for f in figs if f not in guesses]
        figs = kept or figs[:1]
    if len(figs) == 1 and rule.cap is not None and figs[0] == rule.cap and _asks_ceiling(cues, text):
        return None
    if fact.type == "money_list":
        return figs
    if len(figs) == 1:
        return figs[0]
    if cues.several_parts.search(text):  # "两期，5000万和8000万": one fact, several parts
        return sum(figs)
    # Several figures the language layer tied to no fact ("利息不是80万，是60万"): which is the base is a
    # guess, and the first rule says ask, never compute from a guess (a cue word nearby picked 80万 here).
    return None


def cued(fact: Fact, text: str, figures: list[int]) -> list[int]:
    """The figures that stand next to one of the fact's cue words (within a few characters)."""
    if not fact.figure_cues:
        return []
    words = [normalize(c) for c in fact.figure_cues]
    out = []
    for m in re.finditer(r"[0-9一二三四五六七八九十两百千万亿.,]+(?:万|亿|元|w|k)?", text):
        window = text[max(0, m.start() - 6):m.end() + 5]
        values = find_amounts(m.group(0))
        if values and values[0] in figures and any(w in window for w in words):
            out.append(values[0])
    return out


def _asks_ceiling(cues: Cues, text: str) -> bool:
    """Whether the only figure is introduced as a ceiling ("最高补100万吗"), not as the user's base."""
    for m in re.finditer(r"[0-9一二三四五六七八九十两百千万亿.,]+", text):
        if cues.ceiling_cue.search(text[max(0, m.start() - 8):m.start()]):
            return True
    return False
