"""One free-text question in, one structured answer out: which benefit, how much, and what is missing.

The matcher says what the question is about; this module adds what the question itself settles:
the user's figures (find_amounts) turned into the amount with the policy's caps (compute_amount),
the award tier named in words (金奖, silver), and the fact the amount still depends on when the
user gave none ("how much interest did you pay?"). Rendering into sentences is the channel's job.

Pure: no I/O; the KnowledgeBase comes in through the Matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from eligibility.amounts import compute_amount, nominal_amount, percentage_of
from eligibility.matcher import Matcher, Scored, english_words
from eligibility.parsing import find_amounts, normalize
from eligibility.results import Amount, Facts, FactValue, Reason
from knowledge.models import Benefit, Fact, KnowledgeBase, Lang, OutOfScope, PercentageAmount

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
# Words that make a percentage the user's own loan rate ("年利率4%"), not the policy's rate.
_RATE_WORDS = ("利率", "年化", "利息率", "rate")
# Words right before a figure that make it the ceiling the user asks about ("最高补100万吗").
_CEILING_CUE = re.compile(r"(最高|最多|上限|封顶|不超过|至多|补到|拿到|at most|cap of|up to|maximum)\S{0,2}\s*$")
MAX_OFFERED = 3


@dataclass(frozen=True)
class AmountAnswer:
    """The amount for one benefit given what the question says."""

    amount: Amount | None
    reasons: tuple[Reason, ...] = ()
    facts: Facts = field(default_factory=dict)
    from_figures: bool = False         # computed from the user's own figures
    depends_on: tuple[str, ...] = ()   # fact ids the amount needs and the question did not give


@dataclass(frozen=True)
class AskResult:
    """The structured answer to one question; ``benefits`` is empty when it is out of scope."""

    question: str
    lang: Lang
    benefits: tuple[Scored, ...]
    ranked: tuple[Scored, ...]
    confidence: float
    refused: bool
    subject: OutOfScope | None
    figures: tuple[int, ...]
    answer: AmountAnswer | None

    @property
    def best(self) -> Benefit | None:
        return self.benefits[0].benefit if self.benefits else None

    @property
    def also(self) -> tuple[Benefit, ...]:
        """Other benefits that fit, offered after the best one."""
        return tuple(s.benefit for s in self.benefits[1:])

    @property
    def amount(self) -> Amount | None:
        return self.answer.amount if self.answer else None

    @property
    def depends_on(self) -> tuple[str, ...]:
        return self.answer.depends_on if self.answer else ()

    @property
    def refs(self) -> list[str]:
        """Clause refs of the offered benefits, best first, without repeats."""
        out: list[str] = []
        for s in self.benefits:
            if s.benefit.ref not in out:
                out.append(s.benefit.ref)
        return out


def ask(matcher: Matcher, question: str) -> AskResult:
    """Answer one question: the benefits that fit, best first, and the amount for the best one."""
    result = matcher.match(question)
    figures = tuple(find_amounts(question))
    if result.refused or not result.ranked:
        return AskResult(question, result.lang, (), result.ranked, result.confidence, True, result.subject,
                         figures, None)
    best = result.ranked[0]
    offered = [best]
    for s in result.ranked[1:MAX_OFFERED]:
        if s.score >= matcher.params.runner_up_ratio * best.score:
            offered.append(s)
    answer = amount_for(matcher.kb, best.benefit, question, figures)
    return AskResult(question, result.lang, tuple(offered), result.ranked, result.confidence, False, None,
                     figures, answer)


def amount_for(kb: KnowledgeBase, benefit: Benefit, question: str,
               figures: tuple[int, ...] | None = None) -> AmountAnswer:
    """What ``benefit`` pays for what ``question`` says: figures for percentages, words for tiers."""
    rule = benefit.amount
    text = normalize(question)
    if figures is None:
        figures = tuple(find_amounts(question))
    if rule.kind == "tiered":
        tier = _tier(kb.facts[rule.by], text)
        if tier is None:
            return AmountAnswer(None, depends_on=(rule.by,))
        facts: Facts = {rule.by: tier}
        amount, reasons = compute_amount(rule, facts)
        return AmountAnswer(amount, tuple(reasons), facts)
    if rule.kind == "percentage":
        base = _base(kb.facts[rule.of], rule, text, figures)
        if base is None:
            return AmountAnswer(None, depends_on=(rule.of,))
        facts = {rule.of: base}
        amount, reasons = compute_amount(rule, facts)
        return AmountAnswer(amount, tuple(reasons), facts, from_figures=True)
    return AmountAnswer(nominal_amount(rule))


def _tier(fact: Fact, text: str) -> str | None:
    """The one tier the question names (银奖, "silver"); None when it names none or several."""
    compact = text.replace(" ", "")
    words = set(english_words(text))
    found: set[str] = set()
    for option in fact.options:
        if option.id == "none":
            continue
        for label in (option.label.zh, option.label.en, *option.aliases):
            norm = normalize(label)
            if re.search(r"[\u4e00-\u9fff]", norm):
                hit = norm.replace(" ", "") in compact
            else:
                needed = english_words(norm)
                hit = bool(needed) and all(w in words for w in needed)
            if hit:
                found.add(option.id)
                break
    return found.pop() if len(found) == 1 else None


def _base(fact: Fact, rule: PercentageAmount, text: str, figures: tuple[int, ...]) -> FactValue | None:
    """The figure(s) the percentage applies to, or None when the question gives none (or too many).

    Figures that are the user's guess of the result ("1.2亿…是360万吗") or of the ceiling are
    dropped; with a loan rate ("贷了1000万，利率3.65%") the interest is principal × rate.
    """
    if not figures:
        return None
    figs = list(figures)
    if len(figs) > 1:
        guesses = {percentage_of(rule, g)[0] for g in figs} | {int(Fraction(str(rule.rate)) * g) for g in figs}
        kept = [f for f in figs if f not in guesses]
        figs = kept or figs[:1]
    if len(figs) == 1 and rule.cap is not None and figs[0] == rule.cap and _asks_ceiling(text):
        return None
    loan_rate = _loan_rate(rule, text)
    if loan_rate is not None:
        interest = [f for f in figs if any(f == int(loan_rate * g) for g in figs if g != f)]
        figs = interest or [int(loan_rate * f) for f in figs]
    if fact.type == "money_list":
        return figs
    if len(figs) == 1:
        return figs[0]
    if _SEVERAL.search(text):  # "两期，5000万和8000万": one fact, several parts
        return sum(figs)
    cued = _cued(fact, text, figs)
    return cued[0] if len(cued) == 1 else None


_SEVERAL = re.compile(r"[两二三四五六七八九几多\d]\s*[期笔次]|分别|合计|共计|一共|总共|in total|two issues|issues")


def _cued(fact: Fact, text: str, figures: list[int]) -> list[int]:
    """The figures that stand next to one of the fact's cue words (within a few characters)."""
    if not fact.figure_cues:
        return []
    cues = [normalize(c) for c in fact.figure_cues]
    out = []
    for m in re.finditer(r"[0-9一二三四五六七八九十两百千万亿.,]+(?:万|亿|元|w|k)?", text):
        window = text[max(0, m.start() - 6):m.end() + 5]
        values = find_amounts(m.group(0))
        if values and values[0] in figures and any(c in window for c in cues):
            out.append(values[0])
    return out


def _loan_rate(rule: PercentageAmount, text: str) -> Fraction | None:
    """A percentage in the question that is not the policy's rate and follows a rate word."""
    policy_pct = Fraction(str(rule.rate)) * 100
    for m in _PERCENT.finditer(text):
        pct = Fraction(m.group(1))
        before = text[max(0, m.start() - 8):m.start()]
        if pct != policy_pct and any(w in before for w in _RATE_WORDS):
            return pct / 100
    return None


def _asks_ceiling(text: str) -> bool:
    """Whether the only figure is introduced as a ceiling ("最高补100万吗"), not as the user's base."""
    for m in re.finditer(r"[0-9一二三四五六七八九十两百千万亿.,]+", text):
        if _CEILING_CUE.search(text[max(0, m.start() - 8):m.start()]):
            return True
    return False
