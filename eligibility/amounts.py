"""Turn an amount rule of the knowledge base into yuan for given facts.

Percentages use exact fractions; whole yuan are made by the one rounding rule of the knowledge base
(``policy.rounding``: payments rounded down, so 50% of 1,999,999 is 999,999 and never 1,000,000 by
float error). A result so rounded carries its exact value (``exact_fen``): it is shown as it is, the
whole yuan as approximate ("约1元（3元 × 50% = 1.5元）"). A rule with dated values is resolved first
(``Benefit.amount_at``).
"""

from __future__ import annotations

from fractions import Fraction

from eligibility.results import Amount, Facts, Reason
from knowledge.models import AmountRule, PercentageAmount, RoundingMode, Text, TieredAmount, item_count

_HALF = Fraction(1, 2)


def round_yuan(value: Fraction, mode: RoundingMode) -> int:
    """Whole yuan from an exact value, by the knowledge base's rounding mode."""
    if mode == "down":
        return int(value // 1)
    return int((value + _HALF) // 1)


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


def compute_amount(rule: AmountRule, facts: Facts,
                   payments: RoundingMode = "down") -> tuple[Amount | None, list[Reason]]:
    """The amount for these facts, with a reason for every cap applied; None if not computable.

    ``payments`` is the knowledge base's ``policy.rounding.payments`` (the engine passes it)."""
    if rule.kind == "tiered":
        return _tiered(rule, facts)
    if rule.kind == "percentage":
        return _percentage(rule, facts, payments)
    return _per_item(rule, facts)


def items_said(rule: AmountRule, facts: Facts) -> int | None:
    """How many items the facts say for a rule that pays per item (None: unsaid or not per item)."""
    count = item_count(rule)
    n = facts.get(count.fact) if count is not None else None
    return n if isinstance(n, int) and not isinstance(n, bool) and n >= 1 else None


def _per_item(rule: AmountRule, facts: Facts) -> tuple[Amount | None, list[Reason]]:
    """One item's amount, or with a count said, from one item to each of them paid (at most the
    yearly quota): never one item's amount stated as the total of several."""
    one = nominal_amount(rule)
    count = item_count(rule)
    n = items_said(rule, facts)
    if one is None or count is None or n is None or n == 1:
        return one, []
    paid = min(n, count.most) if count.most is not None else n
    return Amount(one.min, one.max * paid), []


def items_reading(rule: AmountRule, facts: Facts) -> Text | None:
    """The reading a count said is paid with ("您说有3个…"), for every answer that shows the amount."""
    count = item_count(rule)
    n = items_said(rule, facts)
    if count is None or n is None or n == 1:
        return None
    return Text(zh=count.reading.zh.replace("{n}", str(n)), en=count.reading.en.replace("{n}", str(n)))


def _tiered(rule: TieredAmount, facts: Facts) -> tuple[Amount | None, list[Reason]]:
    """One tier, or several events of a multiple fact paid as the knowledge base's range reading."""
    value = facts.get(rule.by)
    levels = value if isinstance(value, list) else [value]
    paid = [rule.tiers[x] for x in levels if isinstance(x, str) and x in rule.tiers]
    if not paid:
        return nominal_amount(rule), []
    if len(paid) == 1 or rule.several is None:
        top = max(paid)
        tier = next(x for x in levels if isinstance(x, str) and rule.tiers.get(x) == top)
        return Amount(top, top), [Reason("amount_tier", fact=rule.by, value=tier, params=(("amount", top),))]
    ways = {"highest": max(paid), "each": sum(paid)}
    amount = Amount(ways[rule.several.min], ways[rule.several.max])
    shown = [x for x in levels if isinstance(x, str) and x in rule.tiers]
    return amount, [Reason("amount_several", fact=rule.by, value=shown,
                           params=(("count", len(paid)), ("highest", ways["highest"]), ("each", ways["each"])))]


def percentage_of(rule: PercentageAmount, base: int, payments: RoundingMode = "down") -> tuple[int, bool]:
    """Rate of one base, capped; returns (yuan, whether the cap bit)."""
    raw = round_yuan(Fraction(str(rule.rate)) * base, payments)
    if rule.cap is not None and raw > rule.cap:
        return rule.cap, True
    return raw, False


def _percentage(rule: PercentageAmount, facts: Facts, payments: RoundingMode) -> tuple[Amount | None, list[Reason]]:
    base = facts.get(rule.of)
    if base is None:
        return None, []
    bases = [b for b in base if isinstance(b, int)] if isinstance(base, list) else [int(base)]
    total, reasons = 0, []
    rate_pct = str(Fraction(str(rule.rate)) * 100)
    for i, b in enumerate(bases):
        if b <= 0:
            continue
        value, capped = percentage_of(rule, b, payments)
        total += value
        params: tuple[tuple[str, int | str], ...] = (
            ("base", b), ("rate", rate_pct), ("amount", value), ("issue", i + 1), ("count", len(bases)))
        exact = Fraction(str(rule.rate)) * b
        if not capped and exact != value:
            # "3元 × 50%" is 1.5元: the exact result (in fen) goes with the whole yuan, never "= 1元" as if exact
            params = (*params, ("exact_fen", int(exact * 100 // 1)), ("exact_whole", int(exact * 100 % 1 == 0)))
        if capped:
            reasons.append(Reason("amount_capped", fact=rule.of,
                                  params=(*params, ("cap", rule.cap or 0), ("scope", rule.cap_scope or ""))))
        else:
            reasons.append(Reason("amount_percentage", fact=rule.of, params=params))
    return Amount(total, total), reasons
