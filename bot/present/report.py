"""Render assessments for people (a readable report) and for machines (the JSON contract)."""

from __future__ import annotations

from typing import Any

from bot.present.i18n import Catalog, format_ref, format_yuan, text
from eligibility.results import Amount, Assessment, BenefitResult, FactValue, Reason, Status
from knowledge.models import Benefit, Condition, KnowledgeBase, Lang

SECTION_ORDER: tuple[Status, ...] = ("eligible", "competitive", "supported", "undetermined", "ineligible", "info")


class Renderer:
    """Everything a channel needs to turn engine results into words, in one language per call."""

    def __init__(self, kb: KnowledgeBase, catalog: Catalog) -> None:
        self.kb = kb
        self.cat = catalog

    # -- small pieces -------------------------------------------------------------------------
    def yuan(self, amount: int, lang: Lang) -> str:
        return format_yuan(amount, lang, self.cat)

    def amount(self, amount: Amount | None, lang: Lang) -> str:
        if amount is None:
            return "—"
        if amount.min == amount.max:
            return self.yuan(amount.max, lang)
        if amount.min == 0:
            return self.cat.t(lang, "up_to", max=self.yuan(amount.max, lang))
        return self.cat.t(lang, "range", min=self.yuan(amount.min, lang), max=self.yuan(amount.max, lang))

    def quota_count(self, benefit: Benefit, lang: Lang, in_force: tuple[int, int] | None = None) -> str:
        """How many awards a year, with the unit: "5—8个项目", "40 organisations"; "" without a quota.

        ``in_force`` is the (min, max) on the date assessed, when the quota has dated values."""
        q = benefit.award.quota
        if q is None:
            return ""
        lo, hi = in_force or (q.min, q.max)
        n = self.cat.t(lang, "quota_one" if lo == hi else "quota", min=lo, max=hi)
        return self.cat.t(lang, "quota_unit", n=n, unit=text(q.unit, lang))

    def ref(self, ref: str, lang: Lang) -> str:
        return format_ref(ref, lang, self.cat)

    def value(self, fact_id: str, value: FactValue | None, lang: Lang) -> str:
        fact = self.kb.facts.get(fact_id)
        if value is None:
            return self.cat.t(lang, "value.unknown")
        if isinstance(value, bool):
            return self.cat.t(lang, "value.yes" if value else "value.no")
        if fact is not None and fact.type == "choice":
            for o in fact.options:
                if o.id == value:
                    return text(o.label, lang)
        if isinstance(value, list):
            sep = self.cat.t(lang, "list_sep")
            joined = sep.join(self.value(fact_id, v, lang) if isinstance(v, str) else self.yuan(v, lang)
                              for v in value)
            return joined or self.cat.t(lang, "value.none")
        if isinstance(value, int) and fact is not None and fact.type == "number":
            return str(value)  # a count or a year, never money ("2个指导站", "2028年")
        if isinstance(value, int):
            return self.yuan(value, lang)
        return str(value)

    def fact_label(self, fact_id: str, lang: Lang) -> str:
        fact = self.kb.facts.get(fact_id)
        return text(fact.label, lang) if fact else fact_id

    def condition(self, cond: Condition, lang: Lang) -> str:
        if cond.label is not None:
            return text(cond.label, lang)
        fact = self.fact_label(cond.fact, lang)
        sep = self.cat.t(lang, "list_sep")
        if cond.fact == "entity_type" and cond.in_ is not None:
            types = sep.join(self.value("entity_type", v, lang) for v in cond.in_)
            return self.cat.t(lang, "cond.applicant", types=types)
        if cond.equals is not None:
            return self.cat.t(lang, "cond.is" if cond.equals is True else "cond.is_not", fact=fact)
        if cond.in_ is not None:
            values = sep.join(self.value(cond.fact, v, lang) for v in cond.in_)
            return self.cat.t(lang, "cond.in", fact=fact, values=values)
        if cond.gt is not None:
            return self.cat.t(lang, "cond.gt", fact=fact, value=self.yuan(int(cond.gt), lang))
        return self.cat.t(lang, "cond.not_in" if cond.not_in is not None else "cond.any_gt", fact=fact)

    def _condition_for(self, benefit: Benefit, reason: Reason, lang: Lang) -> str:
        for cond in self.kb.conditions_of(benefit):
            if cond.fact == reason.fact and cond.label == reason.label:
                return self.condition(cond, lang)
        return self.fact_label(reason.fact or "", lang)

    def reason(self, benefit: Benefit, r: Reason, lang: Lang) -> str:
        p = dict(r.params)
        if r.code == "condition_failed":
            cond = self._condition_for(benefit, r, lang)
            if r.fact in ("in_city", "entity_type") or r.value is None:
                return self.cat.t(lang, "reason.condition_failed", condition=cond)
            return self.cat.t(lang, "reason.condition_failed_value", condition=cond,
                              value=self.value(r.fact or "", r.value, lang))
        if r.code == "reading_outside":
            reading = text(r.label, lang) if r.label is not None else ""
            if r.fact == "entity_type":
                return self.cat.t(lang, "reason.applicant_reading", reading=reading,
                                  value=self.value("entity_type", r.value, lang))
            return self.cat.t(lang, "reason.reading_outside", reading=reading,
                              value=self.value(r.fact or "", r.value, lang))
        if r.code == "amount_several":
            return self.cat.t(lang, "reason.amount_several", awards=self.value(r.fact or "", r.value, lang),
                              n=p.get("count", 0), highest=self.yuan(int(p["highest"]), lang),
                              each=self.yuan(int(p["each"]), lang))
        if r.code == "condition_unknown":
            return self.cat.t(lang, "reason.condition_unknown", condition=self._condition_for(benefit, r, lang))
        if r.code == "competitive":
            lo, hi = p.get("quota_min"), p.get("quota_max")
            on_date = (int(lo), int(hi)) if lo and hi else None
            return self.cat.t(lang, "reason.competitive", quota=self.quota_count(benefit, lang, on_date))
        if r.code == "amount_items_chosen":  # "3个项目都入选了": each paid, at most the yearly quota
            each = Amount(int(p["each_min"]), int(p["each_max"]))
            paid = int(p["paid"])
            key = "reason.amount_items_chosen" + ("_quota" if paid < int(p["count"]) else "")
            return self.cat.t(lang, key, count=p["count"], paid=paid, each=self.amount(each, lang),
                              amount=self.amount(Amount(each.min * paid, each.max * paid), lang))
        if r.code == "amount_tier":
            return self.cat.t(lang, "reason.amount_tier", tier=self.value(r.fact or "", r.value, lang),
                              amount=self.yuan(int(p["amount"]), lang))
        if r.code in ("amount_percentage", "amount_capped"):
            many = int(p.get("count", 1)) > 1
            key = f"reason.{r.code}" + ("_issue" if many else "")
            scope = str(p.get("scope") or "")
            amount = self.yuan(int(p["amount"]), lang) if "exact_fen" not in p else self.cat.t(
                lang, "yuan", amount=f"{int(p['exact_fen']) / 100:,.2f}".rstrip("0").rstrip("."))
            if "exact_fen" in p and not p.get("exact_whole"):
                amount = self.cat.t(lang, "ask.about", amount=amount)  # beyond the fen: said approximate too
            return self.cat.t(lang, key, base=self.yuan(int(p["base"]), lang), rate=p["rate"],
                              amount=amount, issue=p.get("issue", 1),
                              cap=self.yuan(int(p.get("cap", 0)), lang),
                              scope=self.cat.t(lang, f"scope.{scope}") if scope else "")
        if r.code in ("no_double_subsidy", "no_double_subsidy_if_chosen", "same_matter_flag"):
            other = str(p.get("other", ""))
            title = text(self.kb.benefit(other).title, lang) if other in {b.id for b in self.kb.benefits} else other
            return self.cat.t(lang, f"reason.{r.code}", other=title)
        if r.code in ("policy_expired", "policy_not_started"):
            return self.cat.t(lang, f"reason.{r.code}", date=p.get("date", ""))
        return self.cat.t(lang, f"reason.{r.code}")

    # -- the JSON contract ----------------------------------------------------------------------
    def to_json(self, a: Assessment, lang: Lang) -> dict[str, Any]:
        return {
            "policy": {"id": self.kb.policy.id, "title": text(self.kb.policy.title, lang),
                       "valid": a.policy_in_force, "state": a.policy_state,
                       "valid_from": a.validity.valid_from.isoformat() if a.validity.valid_from else None,
                       "valid_until": a.validity.valid_until.isoformat(),
                       "valid_from_assumed": a.validity.assumed, "valid_until_assumed": a.validity.assumed},
            "as_of": a.as_of.isoformat(),
            "benefits": [self.result_json(r, lang) for r in a.results],
            "totals": {"eligible": a.eligible_total.to_json(), "competitive": a.competitive_total.to_json()},
            "assumptions": [text(t, lang) for t in a.assumptions],
        }

    def result_json(self, r: BenefitResult, lang: Lang) -> dict[str, Any]:
        b = r.benefit
        return {
            "id": b.id, "ref": b.ref, "title": text(b.title, lang), "status": r.status,
            "award_mode": b.award.mode,
            "amount": r.amount.to_json() if r.amount is not None and r.status not in ("ineligible", "supported")
            else None,
            "reasons": [self.reason(b, x, lang) for x in r.reasons],
            "missing": list(r.missing),
            "assumptions": [text(t, lang) for t in r.assumptions],
            "source": b.source,
        }

    # -- the readable report --------------------------------------------------------------------
    def report(self, a: Assessment, lang: Lang, *, quote: bool = True) -> str:
        t = self.cat.t
        start = a.validity.valid_from.isoformat() if a.validity.valid_from else "—"
        lines = [t(lang, "report.title", title=text(self.kb.policy.title, lang)),
                 t(lang, "report.as_of", date=a.as_of.isoformat(), until=a.validity.valid_until.isoformat()),
                 t(lang, "report.validity_assumed" if a.validity.assumed else "report.validity", start=start,
                   until=a.validity.valid_until.isoformat())]
        if a.policy_state == "expired":
            lines.append(t(lang, "report.expired", date=a.validity.valid_until.isoformat()))
        elif a.policy_state == "not_started":
            lines.append(t(lang, "report.not_started", date=start))
        for status in SECTION_ORDER:
            group = a.by_status(status)
            if not group:
                continue
            lines += ["", f"■ {t(lang, f'report.section.{status}')}"]
            for r in group:
                lines += self._result_lines(r, lang, quote=quote and status in ("eligible", "competitive", "supported"))
        lines += ["", t(lang, "report.total_eligible", amount=self.amount(a.eligible_total, lang))]
        if a.competitive_total.max:
            lines.append(t(lang, "report.total_competitive", amount=self.yuan(a.competitive_total.max, lang)))
        lines += ["", t(lang, "report.assumptions")]
        lines += [f"- {text(x, lang)}" for x in a.assumptions]
        lines += ["", t(lang, "report.agency", agency=text(self.kb.policy.implementing_agencies, lang)),
                  text(self.kb.policy.disclaimer, lang)]
        return "\n".join(lines)

    def _result_lines(self, r: BenefitResult, lang: Lang, *, quote: bool) -> list[str]:
        b = r.benefit
        ref = self.ref(b.ref, lang)
        head = f"• {text(b.title, lang)}{ref}" if lang == "zh" else f"• {text(b.title, lang)} ({ref})"
        if r.amount is not None and r.status in ("eligible", "competitive", "undetermined"):
            head += f"：{self.amount(r.amount, lang)}" if lang == "zh" else f": {self.amount(r.amount, lang)}"
        out = [head]
        if r.status == "info":
            out.append(f"  {text(b.summary, lang)}")
            return out
        shown = [self.reason(b, x, lang) for x in r.reasons if x.code not in ("conditions_met",)]
        out += [f"  - {s}" for s in shown]
        if r.status in ("eligible", "competitive", "supported"):
            out += [f"  - {self.cat.t(lang, 'report.assumption', text=text(x, lang))}" for x in r.assumptions]
        if quote:
            out.append(f"  {self.cat.t(lang, 'report.clause', ref=self.ref(b.ref, lang), text=b.source)}")
        return out
