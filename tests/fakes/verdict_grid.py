"""The yes/no verdict grid: claims derived from the knowledge base (each entry's own amount, tiers, range, cap,
rate, frequency, applicants), asked in the sentence shapes of tests/grid/verdict_shapes.yaml, with the verdict the
entry's structure makes. Not hand-picked sentences: every entry with money gets every claim that applies to it.

    python -m tests.fakes.verdict_grid      the pass rate, and the cases that fail
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from eligibility.ask import ask
from eligibility.evaluate import policy_validity
from eligibility.matcher import Matcher
from eligibility.parsing import normalize
from knowledge.models import Benefit, KnowledgeBase, Lang

SHAPES = Path(__file__).parent.parent / "grid" / "verdict_shapes.yaml"
TODAY = date(2025, 6, 1)

# Figures a wrong claim picks from: the next one that is none of the entry's own.
_LADDER = (10000, 20000, 50000, 100000, 150000, 200000, 300000, 500000, 1000000, 2000000, 3000000, 5000000)


@dataclass(frozen=True)
class Case:
    benefit: str
    claim: str      # what is claimed: amount_own, amount_other, tier_own, rate_other …
    lang: Lang
    question: str
    verdict: str    # yes | no | maybe


def _money(n: int, lang: Lang) -> str:
    if lang == "zh":
        return f"{n / 10000:g}万"
    return f"{n:,} yuan"


def _other(own: set[int], near: int) -> int:
    """A figure of the ladder that is none of the entry's own, the first above ``near`` (or the last below)."""
    above = [v for v in _LADDER if v > near and v not in own]
    below = [v for v in _LADDER if v < near and v not in own]
    return above[0] if above else below[-1]


def _name(b: Benefit, lang: Lang) -> str:
    title = b.short_title or b.title
    return title.zh if lang == "zh" else title.en


def _own_amounts(b: Benefit) -> set[int]:
    rule = b.amount
    if rule.kind == "fixed":
        return {rule.value}
    if rule.kind == "range":
        return {rule.min, rule.max}
    if rule.kind == "up_to":
        return {rule.max}
    if rule.kind == "tiered":
        return set(rule.tiers.values())
    if rule.kind == "percentage" and rule.cap is not None:
        return {rule.cap}
    return set()


def cases(kb: KnowledgeBase, shapes: dict[str, object] | None = None) -> list[Case]:
    data: dict = shapes or yaml.safe_load(SHAPES.read_text(encoding="utf-8"))
    words: dict[str, dict[str, str]] = data["applicants"]
    out: list[Case] = []

    def add(b: Benefit, claim: str, kind: str, verdict: str, **slots: object) -> None:
        for lang in ("zh", "en"):
            filled = {k: (_money(v, lang) if isinstance(v, int) and k in ("n", "lo", "hi") else
                          v[lang] if isinstance(v, dict) else v) for k, v in slots.items()}
            for shape in data[kind][lang]:
                out.append(Case(b.id, claim, lang, shape.format(x=_name(b, lang), **filled), verdict))

    for b in kb.benefits:
        if b.is_info or b.amount.kind == "none":
            continue
        rule = b.amount
        own = _own_amounts(b)
        if rule.kind == "fixed":
            add(b, "amount_own", "amount", "yes", n=rule.value)
            add(b, "amount_other", "amount", "no", n=_other(own, rule.value))
        if rule.kind == "tiered":
            fact = kb.facts[rule.by]
            labels = {o.id: {"zh": o.label.zh, "en": o.label.en.lower()} for o in fact.options}
            for tier, value in rule.tiers.items():
                add(b, "tier_own", "tier", "yes", t=labels[tier], n=value)
                wrong = next(v for v in rule.tiers.values() if v != value)
                add(b, "tier_other", "tier", "no", t=labels[tier], n=wrong)
        if rule.kind == "range":
            add(b, "range_own", "range", "yes", lo=rule.min, hi=rule.max)
            add(b, "amount_above_range", "amount", "no", n=_other(own, rule.max))
        if rule.kind == "up_to":
            add(b, "ceiling_own", "ceiling", "yes", n=rule.max)
            add(b, "ceiling_other", "ceiling", "no", n=_other(own, rule.max))
        if rule.kind == "percentage":
            rate = round(rule.rate * 100)
            add(b, "rate_own", "rate", "yes", r=rate)
            add(b, "rate_other", "rate", "no", r=next(r for r in (3, 2, 5, 10) if r != rate))
            if rule.cap is not None:
                add(b, "ceiling_own", "ceiling", "yes", n=rule.cap)
                add(b, "ceiling_other", "ceiling", "no", n=_other(own, rule.cap))
        if "一次性" in b.source.replace(" ", ""):
            add(b, "yearly_of_once", "yearly", "no")
            add(b, "once_of_once", "once", "yes")
        if b.applicants != "any" and b.applicant_reading is None:
            for kind, who in words.items():
                unnamed = kb.policy.unnamed_applicants.get(kind)
                if unnamed is not None and set(unnamed.near) & set(b.applicants):
                    continue
                add(b, "applicant_in" if kind in b.applicants else "applicant_out", "applicant",
                    "yes" if kind in b.applicants else "no", who=who)
        if b.applicants != "any":
            # "高校能申请中国专利奖吗": a type of the list may apply (the 申请中 of 申请中国… is no pending
            # title); a type outside a list the text names is a no, outside the reading of 创新主体 not settled
            for kind, who in words.items():
                unnamed = kb.policy.unnamed_applicants.get(kind)
                if unnamed is not None and set(unnamed.near) & set(b.applicants):
                    continue
                inside = kind in b.applicants
                add(b, "applicant_title_in" if inside else "applicant_title_out", "applicant_title",
                    "yes" if inside else "no" if b.applicant_reading is None else "maybe", who=who,
                    title={"zh": b.title.zh, "en": b.title.en})
        if b.award.mode == "competitive" and own:
            add(b, "own_competitive", "own", "maybe", n=max(own))
            add(b, "guarantee_competitive", "guarantee", "no", n=max(own))
        q = b.award.quota
        if q is not None:
            unit = {"zh": q.unit.zh, "en": q.unit.en}
            low, high = int(q.min), int(q.max)
            span = {"zh": f"{low}到{high}", "en": f"{low} to {high}"}
            add(b, "quota_own", "quota", "yes", q=str(low) if low == high else span, u=unit)
            add(b, "quota_other", "quota", "no", q=str(high + 5), u=unit)
            if high - low >= 2:
                add(b, "quota_within", "quota", "maybe", q=str(low + 1), u=unit)
        if b.award.mode == "conditional" and rule.kind in ("fixed", "range", "up_to"):
            # asked whether it can pay its own figure: open only where a condition beyond the entry's name is set
            names = normalize((b.short_title or b.title).zh) + normalize(b.title.zh)
            beyond = any(c.label is not None and c.fact != "entity_type"
                         and not any(normalize(c.label.zh)[i:i + 4] in names for i in range(len(c.label.zh) - 3))
                         for c in b.conditions)
            add(b, "can_conditional", "can", "maybe" if beyond else "yes", n=max(own))
        if b.applicants != "any" and b.applicant_reading is None and own:
            for kind, who in words.items():
                unnamed = kb.policy.unnamed_applicants.get(kind)
                if kind in b.applicants or (unnamed is not None and set(unnamed.near) & set(b.applicants)):
                    continue
                add(b, "applicant_amount_out", "applicant_amount", "no", who=who, n=max(own))
        if b.applicants == "any" or "enterprise" in b.applicants:
            add(b, "elsewhere", "elsewhere", "no")
        if rule.kind == "percentage":
            add(b, "basis_principal", "basis", "no", base=data["principal"], r=round(rule.rate * 100))
            if rule.cap is not None and rule.cap_scope == "per_enterprise_per_year":
                add(b, "above_cap", "above_cap", "no", base=data["principal"], n=rule.cap * 5)
        if rule.kind == "up_to":
            add(b, "fixed_of_ceiling", "fixed", "no", n=rule.max)
        if q is not None and q.max > q.min:
            add(b, "quota_most", "quota_most", "yes", q=str(int(q.max)), u={"zh": q.unit.zh, "en": q.unit.en})
        if any(kb.facts[c.fact].window is not None and kb.facts[c.fact].type in ("bool", "choice")
               for c in b.conditions if c.fact in kb.facts) and b.award.frequency != "yearly":
            add(b, "event_old", "event_old", "no")
    for group in kb.policy.no_double_subsidy.exclusions:
        if group.resolve == "flag" and len(group.benefits) == 2:
            first, second = (kb.benefit(i) for i in group.benefits)
            for lang in ("zh", "en"):
                for shape in data["stacking"][lang]:
                    out.append(Case(first.id, "stacking_flagged", lang,
                                    shape.format(x=_name(first, lang), y=_name(second, lang)), "maybe"))
    validity = kb.policy.validity.years
    for lang in ("zh", "en"):
        for shape, n in (("政策有效期是{n}年吧", 3), ("政策有效期是{n}年吗", validity),
                         ("Is the policy valid for {n} years?", 3)):
            if (lang == "zh") == (not shape.isascii()):
                out.append(Case("validity_and_implementation", "duration", lang, shape.format(n=n),
                                "yes" if n == validity else "no"))
    return out


def verdict(matcher: Matcher, case: Case) -> tuple[str | None, str | None]:
    """The verdict ``ask`` gives the case's question, and the entry it answered."""
    r = ask(matcher, case.question, today=TODAY, validity=policy_validity(matcher.kb))
    return (r.verdict.verdict if r.verdict else None), (r.best.id if r.best else None)


def main() -> int:
    from knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    matcher = Matcher(kb)
    grid = cases(kb)
    wrong: Counter[str] = Counter()
    right = 0
    for c in grid:
        got, best = verdict(matcher, c)
        if got == c.verdict:
            right += 1
            continue
        wrong[c.claim] += 1
        print(f"{c.claim:20} want {c.verdict:5} got {got!s:5} [{best}] {c.question}")
    print(f"\n{right}/{len(grid)} right ({100 * right / len(grid):.1f}%)")
    print("wrong by claim:", dict(wrong.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
