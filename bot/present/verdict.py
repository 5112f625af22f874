"""The verdict of a yes/no question in words: "可以。" / "不一定。" and why, from the engine's reason and its
parameters (the clause's amount, its quota, its applicants, the validity); never the user's total."""

from __future__ import annotations

import re

from bot.present.i18n import text
from bot.present.wording import AnswerWording
from eligibility.amounts import nominal_amount
from eligibility.ask import DOUBLE_ENTRY, PLACES_SUBJECT, AskResult, YesNo
from eligibility.results import Amount
from knowledge.models import Benefit, Lang, item_count

# The verdict word: "可以/不可以" for who may apply, "有/没有" for whether a clause exists, else "是的/不是".
_VERDICT_WORD = {"applicant_ok": "can", "applicant_not": "can", "condition_fails": "can", "same_matter": "can",
                 "exists": "have",
                 "no_clause": "have", "elsewhere": "can", "matter_unsettled": "open", "once_unsaid": "open",
                 "in_city": "can", "count_unsaid": "open",
                 "beside_amount": "open", "year_outside": "can", "year_reading": "open", "condition_reading": "open",
                 "procedure_unsaid": "open", "prepaid_unsaid": "open", "other_levels": "open"}


class VerdictWording(AnswerWording):
    """The verdict line of an answer (:meth:`verdict_line`), on the shared pieces."""

    # -- the verdict --------------------------------------------------------------------------------
    def verdict_head(self, v: YesNo, lang: Lang) -> str:
        """The verdict's first words: "可以。" / "有。" where the catalogue words the verdict for its reason;
        else the plain "是的。" / "不一定。"."""
        word = _VERDICT_WORD.get(v.reason)
        worded = f"ask.{v.verdict}.{word}"
        return self.cat.t(lang, worded if word and worded in self.cat.messages[lang] else f"ask.{v.verdict}")

    def verdict_line(self, result: AskResult, v: YesNo, lang: Lang) -> str:
        head = self.verdict_head(v, lang)
        why = self._why(result, v, lang)
        if not why:
            return head
        return f"{head}{why}" if lang == "zh" else f"{head} {why}"

    def _why(self, result: AskResult, v: YesNo, lang: Lang) -> str:
        t = self.cat.t
        b = result.best
        if v.reason == "elsewhere" and not result.refused and b is not None:  # the entry answered, the place said
            places = next((s for s in self.kb.out_of_scope if s.id == PLACES_SUBJECT), None)
            return text(places.reply, lang) if places is not None else ""
        if v.reason in ("no_clause", "exists", "elsewhere", "in_city", "procedure_unsaid", "compared") or b is None:
            return ""
        title = text(b.title, lang)
        tier = ""
        if result.answer is not None and result.answer.facts and b.amount.kind == "tiered":
            value = result.answer.facts.get(b.amount.by)
            tier = t(lang, "ask.part.tier", tier=self.r.value(b.amount.by, value, lang)) if value else ""
        p = dict(v.params)
        if v.reason in ("amount_same", "amount_differs"):
            if "actual_max" in p:
                low = int(str(p.get("actual_min", 0)))
                high = int(str(p["actual_max"]))
                actual = self.r.amount(Amount(low, high), lang)
                if b.amount.kind == "percentage" and not (result.answer is not None and result.answer.from_figures):
                    actual = self.cat.t(lang, "up_to", max=self.r.yuan(high, lang))  # the cap, not a computed sum
                elif result.answer is not None and result.answer.from_figures \
                        and self.approximate(result, result.answer.facts):  # 大概一百万: the verdict says 约 too
                    actual = self.about(actual, lang)
            else:
                actual = self._rule_amount(b, lang)
            return t(lang, f"ask.why.{v.reason}", title=title, tier=tier, actual=actual,
                     claimed=self.r.yuan(int(str(p.get("claimed", 0))), lang))
        if v.reason == "amount_in_range":
            actual = self.r.amount(Amount(int(str(p.get("actual_min", 0))), int(str(p.get("actual_max", 0)))), lang)
            return t(lang, "ask.why.amount_in_range", title=title, tier=tier, actual=actual,
                     claimed=self.r.yuan(int(str(p.get("claimed", 0))), lang))
        if v.reason in ("total_same", "total_differs"):
            actual = self.r.amount(Amount(int(str(p.get("actual_min", 0))), int(str(p.get("actual_max", 0)))), lang)
            claimed = self.r.yuan(int(str(p.get("claimed", 0))), lang)
            return t(lang, f"ask.why.{v.reason}", actual=actual, claimed=claimed)
        if v.reason in ("year_outside", "year_reading"):
            return self._year("ask.why", b, v, lang)
        if v.reason == "condition_reading":  # a case the text is silent about: the knowledge base's reading said
            return t(lang, "ask.why.condition_reading", reading=str(p.get(f"reading_{lang}", "")))
        if v.reason in ("supervised", "info_only"):  # what the provision does, in its own summary
            return text(b.summary, lang)
        if v.reason == "not_guaranteed":  # "一定能拿吗" of a competitive entry: the quota, chosen on merit
            return t(lang, "ask.why.competitive_rule", title=title, quota=self.r.quota_count(b, lang),
                     pick=self.pick(b, lang))
        if v.reason == "applicant_unsaid":  # the engine's reading of an applicant the text never names
            kind = str(v.param("type"))
            types = t(lang, "dlg.clause.any_applicant") if b.applicants == "any" else \
                self.types_named(b, lang)
            line = t(lang, "ask.why.applicant_unsaid", title=title, types=types,
                     type=self.type_named(kind, lang))
            u = self.kb.policy.unnamed_applicants.get(kind)
            if u is not None and u.reading is not None:
                line += ("" if lang == "zh" else " ") + text(u.reading, lang)
            elif b.applicant_reading is not None:  # the list is the knowledge base's reading
                line += ("" if lang == "zh" else " ") + t(lang, "ask.why.applicant_reading",
                                                           reading=text(b.applicant_reading, lang))
            return line
        if v.reason == "beside_amount":  # the figure is the premise; what is asked the text does not say
            subject = next((x for x in self.kb.out_of_scope if x.id == v.param("subject")), None)
            said = text(subject.reply, lang) if subject is not None else t(lang, "ask.why.procedure_unsaid")
            p = dict(v.params)
            actual = self.r.amount(Amount(int(str(p.get("actual_min", 0))), int(str(p.get("actual_max", 0)))), lang)
            return t(lang, "ask.why.beside_amount", title=title, actual=actual, said=said)
        if v.reason == "count_unsaid":  # the count reading of the knowledge base, without its "您说有{n}件"
            count = item_count(b.amount)
            reading = text(count.reading, lang) if count is not None else ""
            said = re.split(r"：|: ", reading, maxsplit=1)[-1]
            return said[:1].upper() + said[1:]
        if v.reason == "person_unsaid":
            types = t(lang, "dlg.clause.any_applicant") if b.applicants == "any" else \
                self.types_named(b, lang)
            line = t(lang, "ask.why.person_unsaid", title=title, types=types)
            if b.applicant_reading is not None:
                line += ("" if lang == "zh" else " ") + t(lang, "ask.why.applicant_reading",
                                                           reading=text(b.applicant_reading, lang))
            return line
        if v.reason in ("yearly", "per_event", "no_review", "review", "review_unsaid", "competitive_rule"):
            return t(lang, f"ask.why.{v.reason}", title=title, quota=self.r.quota_count(b, lang),
                     pick=self.pick(b, lang))
        if v.reason == "agency":
            return t(lang, "ask.why.agency", agency=text(self.kb.policy.implementing_agencies, lang))
        if v.reason == "other_levels":  # money of another level with this one: the no-double-subsidy entry says it
            double = next((x for x in self.kb.benefits if x.id == DOUBLE_ENTRY), None)
            return text(double.summary, lang) if double is not None else ""
        if v.reason == "prepaid_unsaid":  # when the money is paid the text does not say
            return t(lang, "ask.why.procedure_unsaid")
        if v.reason in ("included", "post_funded", "not_only_tier"):  # the clause's own summary says it (采取后补助)
            return t(lang, "ask.why.included", title=title, summary=text(b.summary, lang))
        if v.reason in ("quota_same", "quota_differs", "quota_range"):
            low, high = int(str(p.get("claimed_min", 0))), int(str(p.get("claimed_max", 0)))
            unit = text(b.award.quota.unit, lang) if b.award.quota is not None else ""
            n = t(lang, "quota_one" if low == high else "quota", min=low, max=high)
            return t(lang, f"ask.why.{v.reason}", title=title, quota=self.r.quota_count(b, lang),
                     claimed=t(lang, "quota_unit", n=n, unit=unit))
        if v.reason in ("exceed_yes", "exceed_no"):
            return t(lang, f"ask.why.{v.reason}", title=title,
                     actual=self.r.yuan(int(str(p.get("actual_max", 0))), lang),
                     claimed=self.r.yuan(int(str(p.get("claimed", 0))), lang))
        if v.reason in ("basis_same", "basis_differs") and b.amount.kind == "percentage":
            base = self.r.fact_label(b.amount.of, lang)
            return t(lang, f"ask.why.{v.reason}", title=title, rate=f"{b.amount.rate * 100:g}",
                     base=base[:1].lower() + base[1:] if lang == "en" else base, claimed=p.get("claimed_base"))
        if v.reason in ("rate_same", "rate_differs") and b.amount.kind == "percentage":
            base = self.r.fact_label(b.amount.of, lang)
            return t(lang, f"ask.why.{v.reason}", title=title, rate=f"{b.amount.rate * 100:g}",
                     base=base[:1].lower() + base[1:] if lang == "en" else base, claimed=p.get("claimed"))
        if v.reason in ("competitive", "several", "if_conditions"):
            return self._maybe_why(result, b, v, title, tier, lang)
        if v.reason == "cap_scope":
            return t(lang, "ask.why.cap_scope", title=title, scope=t(lang, f"scope.{p.get('scope')}"),
                     cap=self.r.yuan(int(str(p.get("actual_max", 0))), lang))
        if v.reason in ("only_type", "not_only_type"):
            types = self.types_named(b, lang)
            return t(lang, f"ask.why.{v.reason}", title=title, types=types)
        if v.reason in ("applicant_ok", "applicant_not"):
            types = t(lang, "dlg.clause.any_applicant") if b.applicants == "any" else \
                self.types_named(b, lang)
            line = t(lang, f"ask.why.{v.reason}", title=title, types=types,
                     type=self.type_named(str(p.get("type", "")), lang))
            if b.applicant_reading is not None:
                line += ("" if lang == "zh" else " ") + t(lang, "ask.why.applicant_reading",
                                                           reading=text(b.applicant_reading, lang))
            return line
        if v.reason in ("condition_fails", "condition_required", "condition_unrequired"):
            condition = str(p.get(f"label_{lang}", "")) or (self.r.fact_label(str(p["fact"]), lang) if p.get("fact")
                                                            else t(lang, "reason.condition_failed", condition=""))
            key = "condition_required" if v.reason == "condition_unrequired" else v.reason  # "不是。…要求：{它的条件}"
            return t(lang, f"ask.why.{key}", title=title, condition=condition)
        if v.reason == "once_unsaid":
            return t(lang, "ask.why.once_unsaid", title=title,
                     source=(b.source.replace(" ", "") if lang == "zh" else self.kb.translation(b.id, lang)
                             or b.source).rstrip("。."))
        if v.reason in ("once", "not_once"):
            freq = t(lang, f"ask.freq.{b.award.frequency}") if b.award.frequency else ""
            return t(lang, f"ask.why.{v.reason}", title=title, frequency=freq)
        if v.reason in ("year_in", "year_out"):
            assumed = t(lang, "ask.why.assumed") if self.validity.assumed else ""
            return t(lang, f"ask.why.{v.reason}", year=p.get("year"), until=self.date(self.validity.valid_until, lang),
                     assumed=assumed)
        if v.reason in ("in_force", "out_of_force"):
            assumed = t(lang, "ask.why.assumed") if self.validity.assumed else ""
            return t(lang, f"ask.why.{v.reason}", until=self.date(self.validity.valid_until, lang), assumed=assumed)
        if v.reason in ("duration_same", "duration_differs"):
            return t(lang, f"ask.why.{v.reason}", claimed=p.get("claimed"), years=p.get("years"))
        if v.reason == "year_end":
            assumed = t(lang, "ask.why.assumed") if self.validity.assumed else ""
            return t(lang, "ask.why.year_end", year=p.get("year"), until=self.date(self.validity.valid_until, lang),
                     assumed=assumed)
        if v.reason == "consequence_unsaid":
            return t(lang, "ask.why.consequence_unsaid", asked=p.get("asked_zh"), summary=text(b.summary, lang))
        if v.reason == "several_applicants":
            return t(lang, "ask.why.several_applicants")
        if v.reason == "same_matter":
            return t(lang, "ask.why.same_matter")
        if v.reason == "matter_unsettled":
            return t(lang, "ask.why.matter_unsettled", a=text(self.kb.benefit(str(p["a"])).title, lang),
                     b=text(self.kb.benefit(str(p["b"])).title, lang))
        return ""

    def _maybe_why(self, result: AskResult, b: Benefit, v: YesNo, title: str, tier: str, lang: Lang) -> str:
        """Why not a plain yes: chosen on merit within a quota, several awards paid as a range, or
        conditions the question leaves open. Amounts are the rule's, per item; never the user's total."""
        t = self.cat.t
        p = dict(v.params)
        answer = result.answer
        amount = answer.amount if answer is not None and answer.amount is not None else nominal_amount(b.amount)
        actual = self.r.amount(amount, lang) if amount is not None else self._rule_amount(b, lang)
        if v.reason == "several":
            return t(lang, "ask.why.several", title=title, actual=actual)
        if v.reason == "if_conditions":
            claimed = p.get("claimed")
            if isinstance(claimed, int) and b.amount.kind == "tiered":  # 50万 of the tier it is, not the range
                actual = self.r.yuan(claimed, lang)
            return t(lang, "ask.why.if_conditions", title=title, tier=tier, actual=actual,
                     conditions=str(p.get(f"label_{lang}s", p.get(f"labels_{lang}", ""))))
        unit = text(b.award.quota.unit, lang) if b.award.quota is not None else ""
        each = nominal_amount(b.amount)
        if isinstance(p.get("count"), int) and each is not None:
            # "申报了2个": "每个" is the rule's amount per item, never the count's 50万—100万 (regress4 R2)
            amount, actual = each, self.r.amount(each, lang)
        line = t(lang, "ask.why.competitive", title=title, tier=tier, actual=actual,
                 quota=self.r.quota_count(b, lang), pick=self.pick(b, lang))
        count = p.get("count")
        if isinstance(count, int) and amount is not None and amount.min == amount.max and amount.max > 0:
            line += ("" if lang == "zh" else " ") + t(lang, "ask.why.competitive_count", n=count, unit=unit,
                                                       total=self.r.yuan(count * amount.max, lang),
                                                       quota=self.r.quota_count(b, lang), pick=self.pick(b, lang))
        return line
