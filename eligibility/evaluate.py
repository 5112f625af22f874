"""Assess a profile against every benefit: three-valued verdicts, amounts and reasons.

Pure: the date and the policy's validity come in as arguments, nothing is read from the clock,
files or the network, so the same facts always give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from eligibility.amounts import compute_amount, nominal_amount
from eligibility.results import (
    ZERO,
    Amount,
    Assessment,
    BenefitResult,
    Facts,
    Reason,
    Status,
    Tri,
    Validity,
)
from knowledge.models import Benefit, Condition, KnowledgeBase


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


def check(cond: Condition, facts: Facts) -> Tri:
    """One condition on the facts; a missing fact is UNKNOWN."""
    value = facts.get(cond.fact)
    if value is None:
        return Tri.UNKNOWN
    if cond.equals is not None:
        ok = value == cond.equals
    elif cond.in_ is not None:
        ok = value in cond.in_
    elif cond.not_in is not None:
        ok = value not in cond.not_in
    elif cond.gt is not None:
        ok = isinstance(value, int) and not isinstance(value, bool) and value > cond.gt
    else:
        threshold = cond.any_gt if cond.any_gt is not None else 0
        ok = isinstance(value, list) and any(v > threshold for v in value)
    return Tri.YES if ok else Tri.NO


def conditions_verdict(kb: KnowledgeBase, benefit: Benefit, facts: Facts,
                       conditions: list[Condition] | None = None) -> tuple[Tri, list[Condition], list[Condition]]:
    """(verdict, failed conditions, unknown conditions): NO beats UNKNOWN beats YES."""
    failed: list[Condition] = []
    unknown: list[Condition] = []
    for cond in conditions if conditions is not None else kb.conditions_of(benefit):
        t = check(cond, facts)
        if t is Tri.NO:
            failed.append(cond)
        elif t is Tri.UNKNOWN:
            unknown.append(cond)
    verdict = Tri.NO if failed else Tri.UNKNOWN if unknown else Tri.YES
    return verdict, failed, unknown


def _unique_facts(conds: list[Condition]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.fact for c in conds))


def assess_benefit(kb: KnowledgeBase, benefit: Benefit, facts: Facts, as_of: date,
                   validity: Validity, conditions: list[Condition] | None = None) -> BenefitResult:
    assumptions = tuple(benefit.assumptions)
    if benefit.is_info:
        return BenefitResult(benefit, "info", None, (Reason("info_only"),), (), assumptions)
    if not validity.in_force(as_of):
        code = "policy_expired" if as_of > validity.valid_until else "policy_not_started"
        day = validity.valid_until if code == "policy_expired" else validity.valid_from
        return BenefitResult(benefit, "ineligible", None,
                             (Reason(code, params=(("date", str(day)),)),), (), assumptions)
    verdict, failed, unknown = conditions_verdict(kb, benefit, facts, conditions)
    if verdict is Tri.NO:
        reasons = tuple(Reason("condition_failed", fact=c.fact, label=c.label, value=facts.get(c.fact))
                        for c in failed)
        return BenefitResult(benefit, "ineligible", None, reasons, (), assumptions)
    if verdict is Tri.UNKNOWN:
        reasons = tuple(Reason("condition_unknown", fact=c.fact, label=c.label) for c in unknown)
        amount, _ = compute_amount(benefit.amount, facts)
        return BenefitResult(benefit, "undetermined", amount or nominal_amount(benefit.amount), reasons,
                             _unique_facts(unknown), assumptions)
    amount, amount_reasons = compute_amount(benefit.amount, facts)
    status: Status = "competitive" if benefit.award.mode == "competitive" else "eligible"
    reasons_list = [Reason("conditions_met")]
    if status == "competitive":
        q = benefit.award.quota
        reasons_list.append(Reason("competitive", params=(("quota_min", q.min if q else 0),
                                                          ("quota_max", q.max if q else 0))))
    if benefit.amount.kind == "none":
        reasons_list.append(Reason("no_amount_in_text"))
    reasons_list += amount_reasons
    return BenefitResult(benefit, status, amount, tuple(reasons_list), (), assumptions)


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
    conditions = kb.all_conditions()
    results = _no_double_subsidy(tuple(assess_benefit(kb, b, facts, as_of, validity, conditions[b.id])
                                       for b in kb.benefits))
    eligible, competitive = totals(results)
    assumptions = list(kb.policy.common_assumptions)
    if validity.assumed:
        assumptions.append(kb.policy.validity.assumption)
    return Assessment(as_of=as_of, validity=validity, results=results, eligible_total=eligible,
                      competitive_total=competitive, assumptions=tuple(assumptions))
