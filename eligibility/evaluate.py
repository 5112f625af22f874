"""Assess a profile against every benefit: three-valued verdicts, amounts and reasons.

Pure: the date and the policy's validity come in as arguments, nothing is read from the clock,
files or the network, so the same facts always give the same answer. Every rule applied here is
data of the knowledge base: the conditions and their readings, the amounts in force on the date,
the rounding, and which entries are the same matter (no double subsidy).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from eligibility.amounts import compute_amount, items_reading, nominal_amount
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
from knowledge.models import (
    AmountRule,
    Benefit,
    Condition,
    Exclusion,
    KnowledgeBase,
    RoundingMode,
    Text,
    item_count,
    last_day_in_force,
)

_DUE: tuple[Status, ...] = ("eligible", "competitive")


def policy_validity(kb: KnowledgeBase, published_on: date | None = None) -> Validity:
    """The days in force: from the publication date (the setting, else policy.yaml) for the policy's
    years; without one, the knowledge base's assumed window (earliest start to assumed end)."""
    v = kb.policy.validity
    published = published_on or v.published_on
    if published is None:
        return Validity(valid_from=v.earliest_start, valid_until=v.assumed_valid_until, assumed=True)
    return Validity(valid_from=published, valid_until=last_day_in_force(published, v.years), assumed=False)


def _holds_one(cond: Condition, value: FactValue) -> bool:
    if cond.equals is not None:
        return value == cond.equals
    if cond.in_ is not None:
        return value in cond.in_
    if cond.not_in is not None:
        return value not in cond.not_in
    if cond.gt is not None:
        return isinstance(value, int) and not isinstance(value, bool) and value > cond.gt
    threshold = cond.any_gt if cond.any_gt is not None else 0
    return isinstance(value, list) and any(isinstance(v, int) and v > threshold for v in value)


def _holds(cond: Condition, value: FactValue) -> bool:
    """Whether a known fact value meets the condition (a missing fact is unknown, never false).

    A multiple choice fact (a list of levels, one per award) meets it when one of its values does."""
    if type(value) is list and cond.any_gt is None:
        return any(isinstance(v, str) and _holds_one(cond, v) for v in value)
    return _holds_one(cond, value)


@dataclass(frozen=True, slots=True)
class _Rule:
    """One benefit as :func:`assess` walks it: what does not depend on the facts, worked out once
    per knowledge base and period of its dated values (an assessment runs on every answer)."""

    benefit: Benefit
    amount: AmountRule  # in force in this period
    conditions: tuple[Condition, ...]
    unknown: tuple[Reason, ...]  # what each condition says while its fact is missing
    nominal: Amount | None
    assumptions: tuple[Text, ...]
    met: tuple[Reason, ...]  # the reasons of a met benefit before its amount's own
    status: Status  # when the conditions are met
    by_facts: bool  # the amount depends on facts (tiered, percentage, a count of items)
    info: bool
    # Applicants the text never names (个体工商户 ...), by entity type: the reading said for them and the
    # reason they are undetermined with (None: the entry's own applicant reading already says it).
    unnamed: dict[str, tuple[Text | None, Reason | None]]


_MET_STATUS: dict[str, Status] = {"competitive": "competitive", "supported": "supported"}


def _rule(kb: KnowledgeBase, benefit: Benefit, on: date) -> _Rule:
    conditions = tuple(kb.conditions_of(benefit))
    status: Status = _MET_STATUS.get(benefit.award.mode, "eligible")
    met = [Reason("conditions_met")]
    if status == "competitive":
        q = benefit.award.quota.at(on) if benefit.award.quota else None
        met.append(Reason("competitive", params=(("quota_min", q.min if q else 0), ("quota_max", q.max if q else 0))))
    elif status == "supported":
        met.append(Reason("supported"))
    unknown = tuple(Reason("condition_unknown", fact=c.fact, label=c.label) for c in conditions)
    # The time window each fact is read with ("新取得" = in the year before the application) is an
    # assumption of every benefit that tests the fact.
    windows = [w for c in dict.fromkeys(c.fact for c in conditions)
               if (w := kb.facts[c].window if c in kb.facts else None) is not None]
    readings = [c.reading for c in benefit.conditions if c.reading is not None]
    amount = benefit.amount_at(on)
    return _Rule(benefit, amount, conditions, unknown, nominal_amount(amount),
                 tuple(dict.fromkeys([*benefit.assumptions, *readings, *windows])), tuple(met), status,
                 amount.kind in ("tiered", "percentage") or item_count(amount) is not None, benefit.is_info,
                 _unnamed(kb, benefit))


def _unnamed(kb: KnowledgeBase, benefit: Benefit) -> dict[str, tuple[Text | None, Reason | None]]:
    """How each applicant the text never names is read for this entry: undetermined with the reading
    wherever the text is silent about it; absent (a plain no, or open to it) where the text decides."""
    out: dict[str, tuple[Text | None, Reason | None]] = {}
    if benefit.is_info:
        return out
    policy = kb.policy
    for kind, u in policy.unnamed_applicants.items():
        if benefit.applicants == "any":
            if not u.organisation:
                out[kind] = (u.reading, Reason("reading_outside", fact="entity_type",
                                               label=policy.any_applicant_reading, value=kind))
        elif kind in benefit.applicants:
            continue
        elif benefit.applicant_reading is not None:
            # The entry's own reading is said ("政策未写明申请主体，按…理解"); a person's kind adds why.
            out[kind] = (u.reading if not u.organisation else None, None)
        elif set(u.near) & set(benefit.applicants):
            out[kind] = (u.reading, Reason("reading_outside", fact="entity_type", label=u.phrase, value=kind))
    return out


_RULES: dict[tuple[int, int], tuple[KnowledgeBase, tuple[_Rule, ...]]] = {}
_RULES_KEPT = 8  # (knowledge base, period): the one serving, and a few replaced by reloads or tests


def _rules(kb: KnowledgeBase, on: date) -> tuple[_Rule, ...]:
    """The rules of ``kb`` in force on ``on``, made on first use per period between two change dates
    of its dated values. The entry holds ``kb`` itself, so its id cannot be reused meanwhile."""
    changes = kb.change_dates()
    period = bisect_right(changes, on)
    key = (id(kb), period)
    entry = _RULES.get(key)
    if entry is not None and entry[0] is kb:
        return entry[1]
    day = changes[period - 1] if period else on
    rules = tuple(_rule(kb, b, day) for b in kb.benefits)
    if len(_RULES) >= _RULES_KEPT:
        _RULES.pop(next(iter(_RULES)))
    _RULES[key] = (kb, rules)
    return rules


def _assess_rule(rule: _Rule, facts: Facts, payments: RoundingMode) -> BenefitResult:
    """One benefit while the policy is in force."""
    benefit = rule.benefit
    failed: list[Condition] | None = None
    read: list[Condition] | None = None  # outside our reading of a silent text: undetermined, not ineligible
    unknown: list[int] | None = None
    assumptions = rule.assumptions
    silent: Reason | None = None  # an applicant the text never names, where the text is silent about it
    kind = facts.get("entity_type")
    unnamed = rule.unnamed.get(kind) if isinstance(kind, str) else None
    if unnamed is not None:
        if unnamed[0] is not None:
            assumptions = (*assumptions, unnamed[0])
        silent = unnamed[1]
    for i, cond in enumerate(rule.conditions):
        value = facts.get(cond.fact)
        if value is None:
            if not cond.when_said:
                unknown = [i] if unknown is None else [*unknown, i]
        elif not _holds(cond, value):
            if cond.reading is not None:
                read = [cond] if read is None else [*read, cond]
            elif cond.fact == "entity_type" and silent is not None:
                pass  # the text names other applicants and is silent about this one: said below
            else:
                failed = [cond] if failed is None else [*failed, cond]
    if failed:
        reasons = tuple(Reason("condition_failed", fact=c.fact, label=c.label, value=facts.get(c.fact))
                        for c in failed)
        return BenefitResult(benefit, "ineligible", None, reasons, (), assumptions)
    items = items_reading(rule.amount, facts)
    if items is not None:
        assumptions = (*assumptions, items)
    if unknown or read or silent:
        amount = compute_amount(rule.amount, facts, payments)[0] if rule.nominal is None or rule.by_facts \
            else rule.nominal
        missing = tuple(dict.fromkeys(rule.conditions[i].fact for i in unknown)) if unknown else ()
        reasons = tuple(rule.unknown[i] for i in unknown) if unknown else ()
        if read:
            reasons = (*(Reason("reading_outside", fact=c.fact, label=c.reading, value=facts.get(c.fact))
                         for c in read), *reasons)
        if silent is not None:
            reasons = (silent, *reasons)
        return BenefitResult(benefit, "undetermined", amount or rule.nominal, reasons, missing, assumptions)
    amount, amount_reasons = compute_amount(rule.amount, facts, payments)
    return BenefitResult(benefit, rule.status, amount, rule.met + tuple(amount_reasons), (), assumptions)


def _out_of_force(rule: _Rule, as_of: date, validity: Validity) -> BenefitResult:
    expired = validity.state(as_of) == "expired"
    code = "policy_expired" if expired else "policy_not_started"
    day = validity.valid_until if expired else validity.valid_from
    return BenefitResult(rule.benefit, "ineligible", None, (Reason(code, params=(("date", str(day)),)),), (),
                         rule.assumptions)


def _one(rule: _Rule, facts: Facts, as_of: date, validity: Validity, in_force: bool,
         payments: RoundingMode) -> BenefitResult:
    if rule.info:
        return BenefitResult(rule.benefit, "info", None, (Reason("info_only"),), (), rule.assumptions)
    if not in_force:
        return _out_of_force(rule, as_of, validity)
    return _assess_rule(rule, facts, payments)


def _pays(r: BenefitResult) -> tuple[int, int]:
    return (r.amount.min, r.amount.max) if r.amount is not None else (0, 0)


def _resolve(group: Exclusion, results: dict[str, BenefitResult], competitive_displaces: bool) -> None:
    """Apply one no-double-subsidy group to the results of its entries (in place, by id)."""
    due = [results[b] for b in group.benefits if b in results and results[b].status in _DUE]
    if len(due) < 2:
        return
    # Who may displace: sure payments, and competitive chances only where the data allows it.
    strong = [r for r in due if r.status == "eligible" or competitive_displaces] or due
    kept = max(strong, key=_pays)  # the higher payment; on a tie the first in the group
    note = group.assumption
    for r in due:
        if r is kept:
            results[r.id] = replace(r, assumptions=(*r.assumptions, note))
            continue
        param = (("other", kept.id),)
        if group.resolve == "flag":
            # Both shown; the lower one may not be paid, so it counts from 0.
            low = Amount(0, r.amount.max) if r.amount is not None else None
            results[r.id] = replace(r, amount=low, reasons=(*r.reasons, Reason("same_matter_flag", params=param)),
                                    assumptions=(*r.assumptions, note))
        elif r in strong:
            results[r.id] = BenefitResult(r.benefit, "ineligible", None, (Reason("no_double_subsidy", params=param),),
                                          (), (*r.assumptions, note))
        else:  # a competitive chance beside a sure payment: kept, paid only if higher when chosen
            results[r.id] = replace(r, reasons=(*r.reasons, Reason("no_double_subsidy_if_chosen", params=param)),
                                    assumptions=(*r.assumptions, note))


def _no_double_subsidy(kb: KnowledgeBase, results: tuple[BenefitResult, ...]) -> tuple[BenefitResult, ...]:
    """"同一企业同一事项不享受重复奖补", as the knowledge base's exclusion groups say."""
    groups = kb.exclusions()
    if not groups:
        return results
    by_id = {r.id: r for r in results}
    rule = kb.policy.no_double_subsidy
    for group in groups:
        _resolve(group, by_id, rule.competitive_displaces_conditional)
    return tuple(by_id[r.id] for r in results)


def totals(results: Iterable[BenefitResult]) -> tuple[Amount, Amount]:
    """(sum of eligible amounts, [0, sum of competitive upper bounds]) over these results.

    ``supported`` directions have no amount in the text and count in neither."""
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


YearCover = Literal["whole", "part", "before", "after"]


def year_cover(validity: Validity, year: int) -> YearCover:
    """How much of a calendar year the days in force cover: all of it, part of it, or none (the year
    is before the start or after the end)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    start = validity.valid_from or date.min
    if last < start:
        return "before"
    if first > validity.valid_until:
        return "after"
    return "whole" if start <= first and last <= validity.valid_until else "part"


def _held(r: BenefitResult, fact: str, year: int, reading: Text | None, notes: Iterable[Text]) -> BenefitResult:
    """A payable result (or one open for another reason than a missing fact) made undetermined by a year
    the validity does not wholly cover, the reading said with the year ("…（您的情况：2027）"). One still
    missing facts is left as it is: its questions are still asked, and it is held once they are answered."""
    if r.status not in _DUE and not (r.status == "undetermined" and not r.missing):
        return r
    why = Reason("reading_outside", fact=fact, label=reading, value=str(year))
    return replace(r, status="undetermined", reasons=(why, *r.reasons),
                   assumptions=tuple(dict.fromkeys([*r.assumptions, *notes])))


def _dated_by_years(kb: KnowledgeBase, facts: Facts, validity: Validity,
                    results: tuple[BenefitResult, ...]) -> tuple[BenefitResult, ...]:
    """Years said: a year applied in that the validity covers only in part, or a year something paid
    was done outside it (interest paid before the policy started), leave the amount undetermined with
    the validity reading said, never stated flat."""
    v = kb.policy.validity
    app = facts.get(v.application_year) if v.application_year else None
    notes = [v.assumption] if validity.assumed else []
    if isinstance(app, int) and year_cover(validity, app) == "part" and v.application_year:
        results = tuple(_held(r, v.application_year, app, v.partial_year, notes) for r in results)
    out = []
    for r in results:
        ev = r.benefit.event_year
        year = facts.get(ev.fact) if ev is not None else None
        if ev is not None and isinstance(year, int) and year_cover(validity, year) != "whole":
            r = _held(r, ev.fact, year, ev.reading, notes)
        out.append(r)
    return tuple(out)


def _application_day(kb: KnowledgeBase, facts: Facts, as_of: date, validity: Validity) -> date:
    """The day assessed: ``as_of``, unless the year applied in lies wholly outside the validity; then a
    day of that year, so the policy is out of force for it (expired or not yet in force)."""
    field = kb.policy.validity.application_year
    year = facts.get(field) if field else None
    if not isinstance(year, int) or isinstance(year, bool) or as_of.year == year:
        return as_of
    cover = year_cover(validity, year)
    if cover == "after":
        return date(year, 1, 1)
    if cover == "before":
        return date(year, 12, 31)
    return as_of


def assess(kb: KnowledgeBase, facts: Facts, as_of: date, validity: Validity) -> Assessment:
    """Every benefit of the policy, in the policy's order, with the totals."""
    as_of = _application_day(kb, facts, as_of, validity)
    in_force = validity.in_force(as_of)
    payments = kb.policy.rounding.payments
    results = tuple(_one(rule, facts, as_of, validity, in_force, payments) for rule in _rules(kb, as_of))
    results = _no_double_subsidy(kb, results)
    if in_force:
        results = _dated_by_years(kb, facts, validity, results)
    eligible, competitive = totals(results)
    assumptions = list(kb.policy.common_assumptions)
    if validity.assumed:
        assumptions.append(kb.policy.validity.assumption)
    return Assessment(as_of=as_of, validity=validity, results=results, eligible_total=eligible,
                      competitive_total=competitive, assumptions=tuple(assumptions))
