"""Assess a profile against every benefit: three-valued verdicts, amounts and reasons.

Pure: the date and the policy's validity come in as arguments, nothing is read from the clock,
files or the network, so the same facts always give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from eligibility.amounts import compute_amount, nominal_amount
from eligibility.results import (
    ZERO,
    Amount,
    Assessment,
    BenefitResult,
    Facts,
    FactValue,
    Reason,
    Status,
    Validity,
)
from knowledge.models import Benefit, Condition, KnowledgeBase, Text


def policy_validity(kb: KnowledgeBase, published_on: date | None = None) -> Validity:
    """Validity from the configured publication date, or the knowledge base's assumed end date."""
    v = kb.policy.validity
    if published_on is None:
        return Validity(valid_from=None, valid_until=v.assumed_valid_until, assumed=True)
    try:
        end = published_on.replace(year=published_on.year + v.years)
    except ValueError:  # 29 February
        end = published_on.replace(year=published_on.year + v.years, day=28)
    return Validity(valid_from=published_on, valid_until=end - timedelta(days=1), assumed=False)


def _holds(cond: Condition, value: FactValue) -> bool:
    """Whether a known fact value meets the condition (a missing fact is unknown, never false)."""
    if cond.equals is not None:
        return value == cond.equals
    if cond.in_ is not None:
        return value in cond.in_
    if cond.not_in is not None:
        return value not in cond.not_in
    if cond.gt is not None:
        return isinstance(value, int) and not isinstance(value, bool) and value > cond.gt
    threshold = cond.any_gt if cond.any_gt is not None else 0
    return isinstance(value, list) and any(v > threshold for v in value)


@dataclass(frozen=True, slots=True)
class _Rule:
    """One benefit as :func:`assess` walks it: what does not depend on the facts, worked out once
    per knowledge base (an assessment runs on every answer, for every benefit)."""

    benefit: Benefit
    conditions: tuple[Condition, ...]
    unknown: tuple[Reason, ...]  # what each condition says while its fact is missing
    nominal: Amount | None
    assumptions: tuple[Text, ...]
    met: tuple[Reason, ...]  # the reasons of a met benefit before its amount's own
    status: Status  # when the conditions are met


def _rule(kb: KnowledgeBase, benefit: Benefit) -> _Rule:
    conditions = tuple(kb.conditions_of(benefit))
    status: Status = "competitive" if benefit.award.mode == "competitive" else "eligible"
    met = [Reason("conditions_met")]
    if status == "competitive":
        q = benefit.award.quota
        met.append(Reason("competitive", params=(("quota_min", q.min if q else 0), ("quota_max", q.max if q else 0))))
    if benefit.amount.kind == "none":
        met.append(Reason("no_amount_in_text"))
    unknown = tuple(Reason("condition_unknown", fact=c.fact, label=c.label) for c in conditions)
    return _Rule(benefit, conditions, unknown, nominal_amount(benefit.amount), tuple(benefit.assumptions),
                 tuple(met), status)


_RULES: dict[int, tuple[KnowledgeBase, tuple[_Rule, ...]]] = {}
_RULES_KEPT = 4  # knowledge bases: the one serving, and a few replaced by reloads or tests


def _rules(kb: KnowledgeBase) -> tuple[_Rule, ...]:
    """The rules of ``kb``, made on first use. The entry holds ``kb`` itself, so its id cannot be
    reused by another object while the entry exists."""
    entry = _RULES.get(id(kb))
    if entry is not None and entry[0] is kb:
        return entry[1]
    rules = tuple(_rule(kb, b) for b in kb.benefits)
    if len(_RULES) >= _RULES_KEPT:
        _RULES.pop(next(iter(_RULES)))
    _RULES[id(kb)] = (kb, rules)
    return rules


def _assess_rule(rule: _Rule, facts: Facts) -> BenefitResult:
    """One benefit while the policy is in force."""
    benefit = rule.benefit
    failed: list[Condition] = []
    unknown: list[int] = []
    for i, cond in enumerate(rule.conditions):
        value = facts.get(cond.fact)
        if value is None:
            unknown.append(i)
        elif not _holds(cond, value):
            failed.append(cond)
    if failed:
        reasons = tuple(Reason("condition_failed", fact=c.fact, label=c.label, value=facts.get(c.fact))
                        for c in failed)
        return BenefitResult(benefit, "ineligible", None, reasons, (), rule.assumptions)
    if unknown:
        amount, _ = compute_amount(benefit.amount, facts)
        missing = tuple(dict.fromkeys(rule.conditions[i].fact for i in unknown))
        return BenefitResult(benefit, "undetermined", amount or rule.nominal,
                             tuple(rule.unknown[i] for i in unknown), missing, rule.assumptions)
    amount, amount_reasons = compute_amount(benefit.amount, facts)
    return BenefitResult(benefit, rule.status, amount, rule.met + tuple(amount_reasons), (), rule.assumptions)


def _out_of_force(rule: _Rule, as_of: date, validity: Validity) -> BenefitResult:
    code = "policy_expired" if as_of > validity.valid_until else "policy_not_started"
    day = validity.valid_until if code == "policy_expired" else validity.valid_from
    return BenefitResult(rule.benefit, "ineligible", None, (Reason(code, params=(("date", str(day)),)),), (),
                         rule.assumptions)


def _one(rule: _Rule, facts: Facts, as_of: date, validity: Validity, in_force: bool) -> BenefitResult:
    if rule.benefit.is_info:
        return BenefitResult(rule.benefit, "info", None, (Reason("info_only"),), (), rule.assumptions)
    if not in_force:
        return _out_of_force(rule, as_of, validity)
    return _assess_rule(rule, facts)


def _no_double_subsidy(results: tuple[BenefitResult, ...]) -> tuple[BenefitResult, ...]:
    """A benefit whose ``not_with`` partner is also due is not paid: the same matter once, the higher."""
    due = {r.id for r in results if r.status in ("eligible", "competitive")}
    out = []
    for r in results:
        clash = [other for other in r.benefit.not_with if other in due]
        if r.status in ("eligible", "competitive") and clash:
            r = BenefitResult(r.benefit, "ineligible", None,
                              (Reason("no_double_subsidy", params=(("other", clash[0]),)),), (), r.assumptions)
        out.append(r)
    return tuple(out)


def totals(results: Iterable[BenefitResult]) -> tuple[Amount, Amount]:
    """(sum of eligible amounts, [0, sum of competitive upper bounds]) over these results."""
    eligible = ZERO
    competitive_max = 0
    for r in results:
        if r.amount is None:
            continue
        if r.status == "eligible":
            eligible = eligible + r.amount
        elif r.status == "competitive":
            competitive_max += r.amount.max
    return eligible, Amount(0, competitive_max)


def assess(kb: KnowledgeBase, facts: Facts, as_of: date, validity: Validity) -> Assessment:
    """Every benefit of the policy, in the policy's order, with the totals."""
    in_force = validity.in_force(as_of)
    results = _no_double_subsidy(tuple(_one(rule, facts, as_of, validity, in_force) for rule in _rules(kb)))
    eligible, competitive = totals(results)
    assumptions = list(kb.policy.common_assumptions)
    if validity.assumed:
        assumptions.append(kb.policy.validity.assumption)
    return Assessment(as_of=as_of, validity=validity, results=results, eligible_total=eligible,
                      competitive_total=competitive, assumptions=tuple(assumptions))
