"""Several things asked at once: each benefit or tier a part, a sum with the no-double-subsidy rule, two roles
of one matter (the originator and the financed enterprise of one issue) told apart."""

from __future__ import annotations

from dataclasses import replace

from eligibility.amounts import compute_amount
from eligibility.ask.applicants import asker_is
from eligibility.ask.cues import Cues, cues_of
from eligibility.ask.figures import amount_for, cued, own_for, several, tiers_named
from eligibility.ask.model import OWN_ROLES, AmountAnswer, Part, QuestionReading, Total, YesNo
from eligibility.language import Clarify, Figure
from eligibility.matcher import Hit, MatchResult, Scored
from eligibility.parsing import normalize
from eligibility.results import Amount, Facts
from knowledge.models import Benefit, KnowledgeBase, PercentageAmount


def unsure_roles(kb: KnowledgeBase, result: MatchResult, parts: tuple[Part, ...], text: str,
                 figures: tuple[Figure, ...]) -> tuple[tuple[Part, ...], tuple[Clarify, ...]]:
    """Two roles of one matter (a ``resolve: flag`` group: the originator and the financed enterprise of one
    issue) asked together, the figure read for one while the asker names themselves as the other: which
    one the figure is for is unsure, so it is asked, never computed (first rule)."""
    cues = cues_of(kb)
    by_id = {p.benefit.id: p for p in parts}
    out = list(parts)
    asks: list[Clarify] = []
    for group in kb.exclusions():
        if group.resolve != "flag":
            continue
        members = [by_id[b] for b in group.benefits if b in by_id]
        if len(members) != 2:
            continue
        computed = [m for m in members if m.answer.from_figures and m.answer.amount is not None]
        if len(computed) != 1:
            continue
        a = computed[0]
        other = next(m for m in members if m is not a)
        if not asker_is(cues, result, other.benefit.id, text) or asker_is(cues, result, a.benefit.id, text):
            continue
        fa, fb = _base_fact(a.benefit), _base_fact(other.benefit)
        if fa is None or fb is None:
            continue
        value = a.answer.facts.get(fa)
        amount = value[0] if isinstance(value, list) and value else value
        figure = next((f.text for f in figures if f.value == amount), str(amount))  # as the user wrote it
        out[out.index(a)] = replace(a, answer=AmountAnswer(None, depends_on=(fa,)))
        la, lb = kb.facts[fa].label, kb.facts[fb].label
        asks.append(Clarify(fa, "ask.clarify.which_fact",
                            {"figure": figure, "a_zh": lb.zh, "a_en": lb.en, "b_zh": la.zh, "b_en": la.en}))
    return tuple(out), tuple(asks)


def one_role_asked(kb: KnowledgeBase, result: MatchResult, parts: tuple[Part, ...], text: str,
                   question: str) -> Part | None:
    """Two roles of one matter (a ``resolve: flag`` group: the originator and the financed enterprise of
    one issue) matched, one of them named as the subject asked about ("证券化融资2亿，发起单位能拿多少奖励")
    and nothing joining the other to it (also, 也): the financing named is that issue's, so the role asked about is
    answered with it, alone. None otherwise (both asked, or neither)."""
    cues = cues_of(kb)
    if len(parts) != 2 or cues.joined.search(text):
        return None
    by_id = {p.benefit.id: p for p in parts}
    for group in kb.exclusions():
        if group.resolve != "flag" or not all(b in by_id for b in group.benefits) or len(group.benefits) != 2:
            continue
        asked = [b for b in group.benefits if any(
            not h.english and h.benefits == (b,) and cues.asked_after.search(text[h.end:]) for h in result.hits)]
        if len(asked) != 1:
            return None
        a, other = by_id[asked[0]], by_id[next(b for b in group.benefits if b != asked[0])]
        fa, fb = _base_fact(a.benefit), _base_fact(other.benefit)
        value = other.answer.facts.get(fb) if fb is not None else None
        if a.answer.amount is not None or fa is None or not other.answer.from_figures or value is None:
            return a if a.answer.amount is not None else None
        items: list[object] = list(value) if isinstance(value, list) else [value]
        figures = tuple(x for x in items if isinstance(x, int) and not isinstance(x, bool))
        return replace(a, answer=amount_for(kb, a.benefit, question, figures))
    return None


def _base_fact(b: Benefit) -> str | None:
    return b.amount.of if isinstance(b.amount, PercentageAmount) else None


def same_matter(kb: KnowledgeBase, parts: tuple[Part, ...]) -> YesNo | None:
    """"同一个专利拿了专利奖又做产业化，能重复拿吗": the text forbids a double subsidy for the same matter
    but does not say whether two different clauses are one matter; only a knowledge-base group read as
    one matter (``resolve: higher``) settles it."""
    ids = list(dict.fromkeys(p.benefit.id for p in parts))
    if len(ids) < 2:
        return None
    for group in kb.exclusions():
        if group.resolve == "higher" and sum(1 for b in ids if b in group.benefits) >= 2:
            return None
    return YesNo("maybe", "matter_unsettled", (("a", ids[0]), ("b", ids[1])))


def parts_asked(kb: KnowledgeBase, result: MatchResult, ranked: tuple[Scored, ...], question: str,
                reading: QuestionReading | None, levels: QuestionReading | None = None) -> tuple[Part, ...]:
    """The benefits (or tiers) a question names together ("示范企业和优势企业各奖多少"); () for one."""
    text = normalize(question)
    if not cues_of(kb).several.search(text):
        return ()
    order = {s.benefit.id: i for i, s in enumerate(ranked)}
    min_weight = 1.6
    named: list[str] = []
    # a two-character term heard by its sound ("升级" for 省级) names no part: a typo of a short word is a guess
    hits = [h for h in result.hits if h.kind == "exact" or h.english or len(h.term) > 2]
    for h in sorted(hits, key=lambda h: h.start):
        if len(h.benefits) == 1 and h.weight >= min_weight and h.benefits[0] not in named:
            named.append(h.benefits[0])
    cues = cues_of(kb)
    for h in sorted(hits, key=lambda h: h.start):
        if len(h.benefits) > 1 and h.weight >= min_weight and not any(b in named for b in h.benefits):
            # "the provincial GI zone … the national one": a sibling of a part already named comes first
            refs = {kb.benefit(b).ref for b in named}
            named.append(min(h.benefits, key=lambda b: (kb.benefit(b).ref not in refs, order.get(b, 99))))
        elif len(h.benefits) > 1 and h.weight >= min_weight and not h.english \
                and _joined_apart(cues, text, h, [g for g in hits if g is not h and len(g.benefits) == 1
                                                  and g.benefits[0] in h.benefits]):
            # "地理标志和专用标志使用核准分别给多少": the shared term joined to a part of its own names another entry
            rest = [b for b in h.benefits if b not in named]
            if rest:
                named.append(min(rest, key=lambda b: order.get(b, 99)))
    # general provisions are answered whole; a clause's info entry (the risk compensation fund) is a part
    chosen = [b for b in named if not (kb.benefit(b).is_info and kb.benefit(b).ref == "general")]
    parts: list[Part] = []
    for bid in chosen:
        b = kb.benefit(bid)
        several_ = several(b, levels) if levels is not None else None
        if several_ is not None:
            parts.append(Part(b, None, several_))
            continue
        if b.amount.kind == "tiered":
            tiers = tiers_named(kb.facts[b.amount.by], text)
            # G23: a tier the asker says is theirs ("不是银奖，是优秀奖", "金奖没有，拿了个优秀奖"): the other tiers
            # named are denied or corrected, never parts paid beside it
            stated = levels.facts.get(b.amount.by) if levels is not None else None
            own = [t for t in tiers if t == stated or (isinstance(stated, list) and t in stated)]
            tiers = own or tiers
            if len(tiers) == 1:
                facts1: Facts = {b.amount.by: tiers[0]}
                amount1, reasons1 = compute_amount(b.amount, facts1)
                parts.append(Part(b, tiers[0], AmountAnswer(amount1, tuple(reasons1), facts1)))
                continue
            if len(tiers) > 1:
                for tier in tiers:
                    facts: Facts = {b.amount.by: tier}
                    amount, reasons = compute_amount(b.amount, facts)
                    parts.append(Part(b, tier, AmountAnswer(amount, tuple(reasons), facts)))
                continue
        parts.append(Part(b, None, amount_for(kb, b, question, _figures_for(kb, b, text, reading, len(chosen)))))
    return tuple(parts) if len(parts) > 1 else ()


def denied_entry(kb: KnowledgeBase, b: Benefit, reading: QuestionReading) -> bool:
    """An entry whose condition the asker says is not theirs, against another said instead ("不是优势企业，是示范
    企业": the advantage enterprise's reward is no part of the answer, G23)."""
    return any(c.fact in reading.denied and c.equals is True for c in kb.conditions_of(b))


def _joined_apart(cues: Cues, text: str, shared: Hit, own: list[Hit]) -> bool:
    """Whether a term shared by several entries stands apart from every term naming one of them, a joining
    word between ("地理标志和专用标志使用核准": 和 joins two things, so the shared 地理标志 is not the other's)."""
    if not own:
        return False
    for g in own:
        lo, hi = (shared.end, g.start) if shared.end <= g.start else (g.end, shared.start)
        if lo > hi or not cues.joined.search(text[lo:hi]):
            return False
    return True


def _figures_for(kb: KnowledgeBase, b: Benefit, text: str, reading: QuestionReading | None,
                 n_parts: int) -> tuple[int, ...]:
    """With several parts, a figure goes to a percentage benefit only when tied to its fact (the layer's
    cue, or a cue word next to it); never the first figure of the message by default."""
    if reading is None or b.amount.kind != "percentage":
        return ()
    if n_parts == 1:
        return own_for(b, reading)
    tied = tuple(f.value for f in reading.figures if f.value is not None and f.role == "amount"
                 and f.fact == b.amount.of)
    if tied:
        return tied
    # A figure the layer tied to another fact (the originator's issue) is never this part's base.
    free = [f.value for f in reading.figures if f.value is not None and f.role in OWN_ROLES
            and f.fact in (None, b.amount.of) and not (f.role == "other" and f.approximate)]
    near = cued(kb.facts[b.amount.of], text, free)
    return (near[0],) if len(near) == 1 else ()


def total_of(kb: KnowledgeBase, parts: tuple[Part, ...]) -> Total:
    """Each part's amount summed, with the no-double-subsidy groups of the knowledge base applied.

    A group (``policy.no_double_subsidy.exclusions``) whose members are asked together keeps one
    payment: a conditional (sure) member before a competitive one, then the higher amount. With
    ``resolve: higher`` the others are left out; with ``resolve: flag`` they count from 0 to their full
    amount (the text does not settle it). A part still waiting for the user's figure leaves the total open.
    """
    by_benefit = {p.benefit.id: p for p in parts}
    left_out: dict[str, str] = {}
    flagged: set[str] = set()
    for group in kb.exclusions():
        members = [by_benefit[b] for b in group.benefits if b in by_benefit]
        if len(members) < 2:
            continue
        if any(m.answer.amount is None for m in members):
            continue  # the sum stays open anyway: pending below
        kept = max(members, key=lambda m: (m.benefit.award.mode == "conditional", _high(m)))
        for m in members:
            if m is not kept:
                (left_out.__setitem__(m.key, kept.key) if group.resolve == "higher" else flagged.add(m.key))
    counted: list[str] = []
    pending: list[str] = []
    amount = Amount(0, 0)
    ruled: list[str] = []
    for p in parts:
        if p.key in left_out or p.benefit.is_info:  # an info entry pays nothing itself: not summed
            continue
        if p.answer.ruled_out is not None:
            ruled.append(p.key)
            continue
        if p.answer.amount is None:
            pending.append(p.key)
            continue
        counted.append(p.key)
        amount = amount + (Amount(0, p.answer.amount.max) if p.key in flagged else p.answer.amount)
    excluded = tuple(left_out.items())
    return Total(None if pending or not counted else amount, tuple(counted), excluded, tuple(pending),
                 tuple(ruled))


def _high(part: Part) -> int:
    return part.answer.amount.max if part.answer.amount is not None else 0


def compared(cues: Cues, result: MatchResult, parts: tuple[Part, ...], text: str) -> YesNo | None:
    """"优势企业的奖励比示范企业多吗", "Is the provincial zone reward bigger than the national one?": the first
    entry named against the second, each at its one amount; None for tiers, ranges or no comparison asked."""
    more, less = cues.more.search(text), cues.less.search(text)
    if len(parts) != 2 or bool(more) == bool(less) or any(p.tier for p in parts):
        return None
    amounts = [p.answer.amount.max for p in parts if p.answer.amount is not None
               and p.answer.amount.min == p.answer.amount.max]
    if len(amounts) != 2:
        return None
    ids = [p.benefit.id for p in parts]

    def first_named(i: int) -> int:
        other = ids[1 - i]
        own = [h.start for h in result.hits if ids[i] in h.benefits and other not in h.benefits]
        return min(own) if own else len(text) + 1

    a, b = sorted(range(2), key=first_named)
    yes = amounts[a] > amounts[b] if more else amounts[a] < amounts[b]
    return YesNo("yes" if yes else "no", "compared", (("a", ids[a]), ("b", ids[b])))

