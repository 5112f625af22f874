"""Turn an amount rule of the knowledge base into yuan for given facts.

Percentages use exact fractions and round down to whole yuan, so 50% of 1,999,999 is 999,999
and never 1,000,000 by float error.
"""

from __future__ import annotations

from fractions import Fraction

from eligibility.results import Amount, Facts, Reason
from knowledge.models import AmountRule, PercentageAmount


def nominal_amount(rule: AmountRule) -> Amount | None:
    """What the rule pays without looking at any fact (None when it depends on facts or is unset)."""
    if rule.kind == "fixed":
        return Amount(rule.value, rule.value)
    if rule.kind == "range":
        return Amount(rule.min, rule.max)
    if rule.kind == "up_to":
        return Amount(0, rule.max)
    if rule.kind == "tiered":
        return Amount(min(rule.tiers.values()), max(rule.tiers.values()))
    if rule.kind == "percentage" and rule.cap is not None and rule.cap_scope != "per_issue":
        return Amount(0, rule.cap)
    return None


def compute_amount(rule: AmountRule, facts: Facts) -> tuple[Amount | None, list[Reason]]:
    """The amount for these facts, with a reason for every cap applied; None if not computable."""
    if rule.kind == "tiered":
        tier = facts.get(rule.by)
        if isinstance(tier, str) and tier in rule.tiers:
            value = rule.tiers[tier]
            return Amount(value, value), [Reason("amount_tier", fact=rule.by, value=tier,
                                                 params=(("amount", value),))]
        return nominal_amount(rule), []
    if rule.kind == "percentage":
        return _percentage(rule, facts)
    return nominal_amount(rule), []


def percentage_of(rule: PercentageAmount, base: int) -> tuple[int, bool]:
    """Rate of one base, capped; returns (yuan, whether the cap bit)."""
    raw = int(Fraction(str(rule.rate)) * base)
    if rule.cap is not None and raw > rule.cap:
        return rule.cap, True
    return raw, False


def _percentage(rule: PercentageAmount, facts: Facts) -> tuple[Amount | None, list[Reason]]:
    base = facts.get(rule.of)
    if base is None:
        return None, []
    bases = base if isinstance(base, list) else [int(base)]
    total, reasons = 0, []
    rate_pct = str(Fraction(str(rule.rate)) * 100)
    for i, b in enumerate(bases):
        if b <= 0:
            continue
        value, capped = percentage_of(rule, b)
        total += value
        params: tuple[tuple[str, int | str], ...] = (
            ("base", b), ("rate", rate_pct), ("amount", value), ("issue", i + 1), ("count", len(bases)))
        if capped:
            reasons.append(Reason("amount_capped", fact=rule.of,
                                  params=(*params, ("cap", rule.cap or 0), ("scope", rule.cap_scope or ""))))
        else:
            reasons.append(Reason("amount_percentage", fact=rule.of, params=params))
    return Amount(total, total), reasons
