"""Render an ask result as the few lines a person reads on a phone, as customer-ready prose, and as JSON.

Chat order, most useful first: an apology when the message complains; the verdict of a yes/no
question; then either one line per part asked about (with the sum and the no-double-subsidy rule
when a total was asked), or the benefit, its amount (the user's figures, or the rule), who may
apply, how it is awarded, the verbatim clause (and below it, in English, the unofficial rendering
kept in the knowledge base); what the amount still depends on; what the policy does not set
(procedure, contacts) said as such — never a step of our own; the runner-up.

``paste`` is the same answer as polite prose for help-desk staff to send to a customer: no bot
commands, no self-reference, no card labels.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import Any

from bot.dialog.core import Answerer, SideAnswer
from bot.present.i18n import Catalog, text
from bot.present.report import Renderer
from eligibility.amounts import items_reading, nominal_amount
from eligibility.ask import (
    DOUBLE_ENTRY,
    PLACES_SUBJECT,
    PROCEDURE_ENTRY,
    VALIDITY_ENTRY,
    AskResult,
    Part,
    YesNo,
    ask,
)
from eligibility.evaluate import policy_validity
from eligibility.language import Note
from eligibility.language.counts import EVENT_NOTES
from eligibility.matcher import Matcher
from eligibility.parsing import normalize
from eligibility.results import Amount, Reason, Validity
from knowledge.models import Benefit, KnowledgeBase, Lang, item_count

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
# The verdict word: "可以/不可以" for who may apply, "有/没有" for whether a clause exists, else "是的/不是".
_VERDICT_WORD = {"applicant_ok": "can", "applicant_not": "can", "condition_fails": "can", "same_matter": "can",
                 "exists": "have",
                 "no_clause": "have", "elsewhere": "can", "matter_unsettled": "open", "once_unsaid": "open",
                 "in_city": "can", "count_unsaid": "open",
                 "beside_amount": "open", "year_outside": "can", "year_reading": "open",
                 "procedure_unsaid": "open", "prepaid_unsaid": "open", "other_levels": "open"}
_PERIOD_NOTE = "lang.note.period"
_APPROX_NOTE = "lang.note.approximate"
_YUAN_PARAMS = ("value", "yearly")  # a note's yuan parameters: "按30万元估算", the template holding the unit
_PERIODS = ("month", "quarter", "half_year", "year")


class AnswerRenderer:
    """Words for ask results, in one language per call; holds no state beyond the catalogue."""

    def __init__(self, kb: KnowledgeBase, catalog: Catalog, renderer: Renderer | None = None,
                 validity: Validity | None = None) -> None:
        self.kb = kb
        self.cat = catalog
        self.r = renderer or Renderer(kb, catalog)
        self.validity = validity or policy_validity(kb)
        # Names capitalised mid-sentence in the knowledge base's English ("China", "Madrid"): kept as they are.
        english = " ".join(x for b in kb.benefits for x in (b.title.en, b.summary.en))
        lower = set(re.findall(r"\b[a-z]+\b", english))
        self.proper = frozenset(w for w in re.findall(r"(?<=[a-z] )([A-Z][a-z]+)", english) if w.lower() not in lower)
        self._complaint: dict[Lang, list[str]] = {
            lang: [normalize(w) for w in catalog.t(lang, "ask.words.complaint").split("|") if w]
            for lang in ("zh", "en")}
        # What a complaint is about, so the apology acknowledges that and nothing else ("久等" only for a wait)
        self._tone_words: dict[str, list[str]] = {
            kind: [normalize(w) for lang in ("zh", "en") for w in catalog.t(lang, f"ask.words.{kind}").split("|") if w]
            for kind in ("wait", "urgent")}

    # -- entry points -------------------------------------------------------------------------------
    def is_complaint(self, message: str) -> bool:
        """A complaint or an urgent message (catalogue words of either language): apologise, compute nothing."""
        norm = normalize(message)
        return any(w in norm for words in self._complaint.values() for w in words)

    def tone(self, message: str) -> str:
        """What a complaint acknowledges: a wait ("等了两个月"), haste ("急！"), or else the trouble in general."""
        norm = normalize(message)
        for kind, words in self._tone_words.items():
            if any(w in norm for w in words):
                return kind
        return "trouble"

    def render(self, result: AskResult, lang: Lang | None = None, *, complaint: bool = False,
               notes: bool = True) -> str:
        """The chat card. ``notes``: say what the language layer read into the figures (a period converted,
        an approximation); the chat's dialog says them itself when it records the figure, so it passes False."""
        lang = lang or result.lang
        lines: list[str] = [self.cat.t(lang, f"ask.tone.{self.tone(result.question)}")] if complaint else []
        if result.verdict is not None:
            lines.append(self.verdict_line(result, result.verdict, lang))
        if result.refused or result.best is None:
            if complaint and self.unmatched_complaint(result):
                return "\n".join([*lines, self._procedure(lang), self._contact(lang, paste=False)])
            lines += self._refusal(result, lang)
            return "\n".join(lines)
        lines += self.clarify_lines(result, lang)
        if result.policy_meta:
            lines.append(self.policy_meta(lang))
        said = self.note_lines(self.stated_back(result), lang) if notes else []
        if result.parts:
            lines += self._part_lines(result, lang, said)
        else:
            card = self._lines(result, result.best, lang, said)
            if result.verdict is not None:  # "是的。…每年择优40家，名额有限，不保证入选。" is not said again below
                mode = self._mode(result.best, lang)
                body = re.split(r"：|: ", mode, maxsplit=1)[-1].rstrip("。.")
                card = [x for x in card if not (x == mode and body.replace("；", "，").replace("; ", ", ")
                                                in lines[-1].replace("；", "，").replace("; ", ", "))]
            lines += card
        if not result.refused and (complaint or result.procedure) and not self._procedure_said(result):
            # a procedure asked, or a complaint chasing a payment or a step: what the text sets (nothing)
            lines += [self._procedure(lang), self._contact(lang, paste=False)]
        return "\n".join(lines)

    def clarify_lines(self, result: AskResult, lang: Lang) -> list[str]:
        """One short question about what the language layer was unsure of (first rule: ask, never guess). Which
        option was meant is not asked when each option named is summed as its own part (F60: no stray
        "请从选项中选一个" under a verdict, with no options shown)."""
        summed = result.total is not None or (result.verdict is not None
                                              and result.verdict.reason in ("total_same", "total_differs"))
        # "…都拿了，能给130万吗" sums each option named; "忘了是银奖还是优秀奖" still asks which
        asked = [c for c in result.clarify if not (c.key == "lang.ask.choice" and len(result.parts) >= 2 and summed)]
        return [self.clarify_question(c.fact, c.key, dict(c.params), lang) for c in asked[:1]]

    def clarify_question(self, fact: str, key: str, params: dict[str, object], lang: Lang) -> str:
        """The layer's question in words; the fact's own question when its wording is not in the catalogue."""
        known = self.kb.facts.get(fact)
        if known is not None:  # "这一项" means nothing to a customer: the item is named by its fact's label
            params = {"label": text(known.label, lang), **params}
        if key in self.cat.messages[lang]:
            try:
                return self.cat.t(lang, key, **{k: _shown(v) for k, v in params.items()})
            except (KeyError, IndexError, ValueError):
                pass
        return text(known.question, lang) if known is not None else ""

    def to_json(self, result: AskResult, lang: Lang | None = None, *, complaint: bool = False) -> dict[str, Any]:
        """The `ipbot ask --json` contract."""
        lang = lang or result.lang
        amount = result.amount
        return {
            "question": result.question,
            "lang": lang,
            "refs": result.refs,
            "benefits": [s.benefit.id for s in result.benefits],
            "confidence": result.confidence,
            "amount": amount.to_json() if amount is not None else None,
            "parts": [{"benefit": p.benefit.id, "tier": p.tier,
                       "amount": p.answer.amount.to_json() if p.answer.amount else None} for p in result.parts],
            "total": (result.total.amount.to_json() if result.total and result.total.amount else None),
            "verdict": result.verdict.verdict if result.verdict else None,
            "procedure": result.procedure,
            "answer": self.render(result, lang, complaint=complaint),
        }

    # -- what the language layer read into the figures ------------------------------------------------
    def computed_facts(self, result: AskResult) -> set[str]:
        """The facts whose figures the answer's amounts were computed from (the user's own)."""
        answers = [p.answer for p in result.parts] or ([result.answer] if result.answer is not None else [])
        return {f for a in answers if a.from_figures for f in a.facts}

    def stated_back(self, result: AskResult) -> list[Note]:
        """The layer's notes on the figures an amount was computed from: a period converted to a year
        ("每月3万" -> 36万), an approximation ("40来万"). Said with the amount, never left out of it."""
        used = self.computed_facts(result)
        return [n for n in result.notes if (n.fact in used and n.key in (_PERIOD_NOTE, _APPROX_NOTE))
                or n.key in EVENT_NOTES]  # "今年获得的…按下一年度申报理解": said with whatever the answer is

    def approximate(self, result: AskResult, facts: object) -> bool:
        """An amount computed from an approximate figure is approximate too ("约20万元"), and so is one rounded to
        whole yuan ("约1元（3元 × 50% = 1.5元）")."""
        if any(n.key == _APPROX_NOTE and n.fact in facts for n in result.notes):  # type: ignore[operator]
            return True
        answers = [p.answer for p in result.parts] + ([result.answer] if result.answer is not None else [])
        return any(a.from_figures and any(f in facts for f in a.facts)  # type: ignore[operator]
                   and any(r.code == "amount_percentage" and "exact_fen" in dict(r.params) for r in a.reasons)
                   for a in answers)

    def about(self, amount: str, lang: Lang) -> str:
        return self.cat.t(lang, "ask.about", amount=amount)

    def note_lines(self, notes: list[Note], lang: Lang, *, staff: bool = False) -> list[str]:
        """The notes in words: to the customer ("按每月3万、一年约36万元计算。") or, ``staff``, about the
        customer in the staff's language. A note with no wording is left out; none is said twice."""
        periods = {n.fact for n in notes if n.key == _PERIOD_NOTE}
        out: list[str] = []
        for n in notes:
            key = n.key
            if key == _APPROX_NOTE and n.fact in periods:  # "每月大概3万": the yearly figure is said once
                key = "ask.note.approximate_period"
            if staff:
                key = key.replace("lang.note.", "dlg.hd.note.").replace("ask.note.", "dlg.hd.note.")
            if key not in self.cat.messages[lang] and key not in self.cat.messages["zh"]:
                continue
            try:
                out.append(self.cat.t(lang, key, **self._note_params(n, lang)))
            except (KeyError, IndexError, ValueError):
                continue
        return list(dict.fromkeys(out))

    def _note_params(self, n: Note, lang: Lang) -> dict[str, object]:
        params: dict[str, object] = {k: _shown(v) if isinstance(v, list | tuple) else v for k, v in n.params.items()}
        for key in _YUAN_PARAMS:
            amount = params.get(key)
            if isinstance(amount, int) and not isinstance(amount, bool):
                params[key] = self.r.yuan(amount, lang).removesuffix("元").removesuffix(" yuan")
        period = params.get("period")
        figure = str(params.get("figure", ""))
        if period in _PERIODS and figure and not re.search(r"[\u4e00-\u9fff]", figure):
            # an English figure: "30,000 yuan per month", as typed, with the period in the catalogue's words
            params["stated"] = f"{figure} {self.cat.t('en', f'lang.period.{period}')}"
        return params

    # -- the verdict --------------------------------------------------------------------------------
    def verdict_line(self, result: AskResult, v: YesNo, lang: Lang) -> str:
        t = self.cat.t
        word = _VERDICT_WORD.get(v.reason)
        worded = f"ask.{v.verdict}.{word}"
        # "可以。" / "有。" where the catalogue words the verdict for its reason; else the plain "是的。" / "不一定。"
        head = t(lang, worded if word and worded in self.cat.messages[lang] else f"ask.{v.verdict}")
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
        line = t(lang, "ask.why.competitive", title=title, tier=tier, actual=actual,
                 quota=self.r.quota_count(b, lang), pick=self.pick(b, lang))
        count = p.get("count")
        if isinstance(count, int) and amount is not None and amount.min == amount.max and amount.max > 0:
            line += ("" if lang == "zh" else " ") + t(lang, "ask.why.competitive_count", n=count, unit=unit,
                                                       total=self.r.yuan(count * amount.max, lang),
                                                       quota=self.r.quota_count(b, lang), pick=self.pick(b, lang))
        return line

    # -- pieces -------------------------------------------------------------------------------------
    def date(self, d: date, lang: Lang) -> str:
        return self.cat.t(lang, "ask.date", y=d.year, m=d.month, d=d.day, month=_MONTHS[d.month - 1])

    def _lines(self, result: AskResult, b: Benefit, lang: Lang, said: list[str] | None = None) -> list[str]:
        t = self.cat.t
        lines = [t(lang, "ask.head", title=text(b.title, lang), ref=self.r.ref(b.ref, lang))]
        if b.is_info:
            lines.append(text(b.summary, lang))
            if b.ref != "general":
                lines.append(t(lang, "reason.info_only"))
        else:
            amount_lines = self._amount_lines(result, b, lang)
            lines += amount_lines[:1] + (said or []) + amount_lines[1:]
            lines += self._who_lines(b, lang)
            lines.append(self._mode(b, lang))
        if b.id == VALIDITY_ENTRY:
            lines.append(self.validity_line(lang))
        lines += self.clause_lines(b, lang)
        if result.depends_on and not result.asks_ceiling:  # "上限多少": the cap is the answer, no figure needed
            facts = self.cat.t(lang, "list_sep").join(self.r.fact_label(f, lang) for f in result.depends_on)
            lines.append(t(lang, "ask.depends", facts=facts))
        if b.id == PROCEDURE_ENTRY:
            lines.append(self._contact(lang, paste=False))
        also = [o for o in result.also if not (o.id == PROCEDURE_ENTRY and result.procedure)]
        if also:  # the procedure is said below the card when asked: not offered as well
            titles = self.cat.t(lang, "list_sep").join(
                t(lang, "ask.also_item", title=text(o.title, lang), ref=self.r.ref(o.ref, lang)) for o in also)
            lines.append(t(lang, "ask.also", titles=titles))
        return lines

    def clause_lines(self, b: Benefit, lang: Lang) -> list[str]:
        """The verbatim clause; for English readers also the unofficial rendering kept in the knowledge base."""
        lines = [self.cat.t(lang, "report.clause", ref=self.r.ref(b.ref, lang), text=b.source)]
        rendering = self.kb.translation(b.id, lang)
        notice = self.kb.translations.get(lang)
        if rendering and notice is not None:
            lines.append(self.cat.t(lang, "card.translation", notice=text(notice.notice, lang), text=rendering))
        return lines

    def validity_line(self, lang: Lang) -> str:
        v = self.validity
        years = self.kb.policy.validity.years
        if v.assumed or v.valid_from is None:
            return self.cat.t(lang, "ask.validity.assumed", years=years, until=self.date(v.valid_until, lang))
        return self.cat.t(lang, "ask.validity.known", years=years, start=self.date(v.valid_from, lang),
                          until=self.date(v.valid_until, lang))

    def _same_matter(self, result: AskResult, lang: Lang) -> list[str]:
        """The no-double-subsidy rule as it bears on these parts: a group the knowledge base flags (the text
        does not settle whether they are one matter) is said with its reading; otherwise they are separate."""
        asked = {p.benefit.id for p in result.parts}
        flagged = [g for g in self.kb.exclusions() if g.resolve == "flag" and len(asked & set(g.benefits)) > 1]
        if flagged:
            return [escape(text(g.assumption, lang)) for g in flagged]
        return [self.cat.t(lang, "ask.total.rule")]

    def _part_lines(self, result: AskResult, lang: Lang, said: list[str] | None = None) -> list[str]:
        t = self.cat.t
        lines = [t(lang, "ask.parts.head")]
        for p in result.parts:
            lines.append(self.part_line(p, lang, result=result))
        lines += self.open_conditions(result, lang)
        lines += said or []
        total = result.total
        if total is not None and (total.counted or total.pending):  # every part ruled out: no sum to state
            if total.amount is not None:
                lines.append(t(lang, "ask.total", amount=self.total_amount(result, lang)))
                if any(p.benefit.award.mode == "competitive" for p in result.parts):
                    lines.append(t(lang, "ask.total.competitive"))
            if total.pending:
                items = t(lang, "list_sep").join(self._part_title(k, result, lang) for k in total.pending)
                lines.append(t(lang, "ask.total.pending", items=items))
            if total.excluded:
                for excluded, kept in total.excluded:
                    lines.append(t(lang, "ask.total.excluded", excluded=self._part_title(excluded, result, lang),
                                   kept=text(self.kb.benefit(kept).title, lang)))
            else:
                lines += self._same_matter(result, lang)
        if result.depends_on:
            facts = t(lang, "list_sep").join(self.r.fact_label(f, lang) for f in result.depends_on)
            lines.append(t(lang, "ask.depends", facts=facts))
        return lines

    def part_title(self, key: str, result: AskResult, lang: Lang) -> str:
        """A part's title as the reply names it (with its tier)."""
        return self._part_title(key, result, lang)

    def _part_title(self, key: str, result: AskResult, lang: Lang) -> str:
        for p in result.parts:
            if p.key == key:
                return self._title_tier(p, lang)
        return key

    def _title_tier(self, p: Part, lang: Lang) -> str:
        b = p.benefit
        tier = ""
        if p.tier and b.amount.kind == "tiered":
            tier = self.cat.t(lang, "ask.part.tier", tier=self.r.value(b.amount.by, p.tier, lang))
        return f"{text(b.title, lang)}{tier}"

    def total_amount(self, result: AskResult, lang: Lang) -> str:
        """The sum of the parts, "约" when a part was computed from an approximate figure."""
        total = result.total
        amount = self.r.amount(total.amount, lang) if total is not None and total.amount is not None else ""
        return self.about(amount, lang) if amount and self.approximate(result, self.computed_facts(result)) else amount

    def part_line(self, p: Part, lang: Lang, *, with_ref: bool = True, result: AskResult | None = None) -> str:
        """One part of a several-part answer: title (tier), amount (or the rule), competitive or not, ref."""
        t = self.cat.t
        b = p.benefit
        tier = t(lang, "ask.part.tier", tier=self.r.value(b.amount.by, p.tier, lang)) \
            if p.tier and b.amount.kind == "tiered" else ""
        amount = self.r.amount(p.answer.amount, lang) if p.answer.amount is not None else self._rule_amount(b, lang)
        if p.answer.amount is not None and p.answer.from_figures and result is not None \
                and self.approximate(result, p.answer.facts):
            amount = self.about(amount, lang)
        if b.is_info:  # a fund the city set up pays no applicant: what the clause does, not an amount
            amount = text(b.summary, lang).rstrip("。.")
        elif p.answer.ruled_out is not None:
            amount = self.ruled_out(b, p.answer.ruled_out, lang, short=True)
        elif p.answer.reasons and p.answer.reasons[0].code == "amount_several":
            amount = self.several_line(b, p.answer.amount or Amount(0, 0), p.answer.reasons[0], lang)
        mode = t(lang, "ask.part.competitive", quota=self.r.quota_count(b, lang), pick=self.pick(b, lang)) \
            if b.award.mode == "competitive" and b.award.quota is not None else ""
        line = t(lang, "ask.part", title=text(b.title, lang), tier=tier, amount=amount, mode=mode,
                 ref=self.r.ref(b.ref, lang) if with_ref else "")
        return line if with_ref else line.rstrip(" ()　").removeprefix("• ")

    def _rule_amount(self, b: Benefit, lang: Lang) -> str:
        """The amount as the rule states it, for a card or a part without the user's figures."""
        rule = b.amount
        if rule.kind == "percentage":
            return self.amount_rule_line(b, lang).split("：", 1)[-1].split(": ", 1)[-1]
        if rule.kind == "tiered":
            sep = self.cat.t(lang, "list_sep")
            return sep.join(f"{self.r.value(rule.by, k, lang)} {self.r.yuan(v, lang)}" for k, v in rule.tiers.items())
        nominal = nominal_amount(rule)
        if nominal is None:
            return self.cat.t(lang, "reason.no_amount_in_text")
        return self.r.amount(nominal, lang)

    def amount_rule_line(self, b: Benefit, lang: Lang) -> str:
        """"金额：按实际融资额的2%计，每期最高200万元": every card with money shows its amount line."""
        rule = b.amount
        if rule.kind != "percentage":
            return self.cat.t(lang, "ask.amount", amount=self._rule_amount(b, lang))
        rate = f"{rule.rate * 100:g}"
        cap = self.r.yuan(rule.cap, lang) if rule.cap is not None else ""
        scope = self.cat.t(lang, f"scope.{rule.cap_scope}") if rule.cap_scope else ""
        base = self.r.fact_label(rule.of, lang)
        if lang == "en":
            base = base[:1].lower() + base[1:]
        return self.cat.t(lang, "card.amount.percentage", base=base, rate=rate, cap=cap, scope=scope)

    def pick(self, b: Benefit, lang: Lang) -> str:
        """How the clause says its quota is chosen, in its own word: 择优 (on merit), 选取 (selected), or
        neither (supported); never a word the clause does not have."""
        source = b.source.replace(" ", "")
        key = "merit" if "择优" in source else "select" if "选取" in source else "support"
        return self.cat.t(lang, f"ask.pick.{key}")

    def policy_meta(self, lang: Lang) -> str:
        """Who issued the policy and its document number, from policy.yaml."""
        p = self.kb.policy
        return self.cat.t(lang, "ask.policy_meta", title=text(p.title, lang), issuer=text(p.issuer, lang),
                          number=p.document_number)

    def ruled_out(self, b: Benefit, v: YesNo, lang: Lang, *, short: bool = False) -> str:
        """The stated facts rule ``b`` out: it does not apply, and why (the applicant or the condition);
        no amount is said."""
        t = self.cat.t
        p = dict(v.params)
        key = "ask.ruled_out" + (".part" if short else "")
        if v.reason == "applicant_unsaid":  # undetermined: the text is silent about this applicant
            return t(lang, f"{key}.applicant_unsaid", title=text(b.title, lang),
                     type=self.type_named(str(p.get("type", "")), lang))
        if v.reason in ("year_outside", "year_reading"):  # a year outside the validity: its reading, no amount
            return self._year(key, b, v, lang)
        if v.reason == "applicant_not":
            types = self.types_named(b, lang) \
                if b.applicants != "any" else t(lang, "dlg.clause.any_applicant")
            line = t(lang, f"{key}.applicant_not", title=text(b.title, lang), types=types,
                     type=self.type_named(str(p.get("type", "")), lang))
            if b.applicant_reading is not None and not short:  # the list is the knowledge base's reading
                line += ("" if lang == "zh" else " ") + t(lang, "ask.why.applicant_reading",
                                                           reading=text(b.applicant_reading, lang))
            return line
        condition = str(p.get(f"label_{lang}", "")) or (self.r.fact_label(str(p["fact"]), lang) if p.get("fact")
                                                        else "")
        return t(lang, f"{key}.condition_fails", title=text(b.title, lang), condition=condition)

    def _year(self, key: str, b: Benefit, v: YesNo, lang: Lang) -> str:
        """A year the validity does not wholly cover: applied in after the end (or before the start), or
        covered in part / a payment made outside it, with the knowledge base's reading."""
        p = dict(v.params)
        if v.reason == "year_outside":
            state = self.cat.t(lang, f"ask.year.{p.get('cover')}")
            return self.cat.t(lang, f"{key}.year_outside", title=text(b.title, lang), year=p.get("year"),
                              state=state)
        return self.cat.t(lang, f"{key}.year_reading", title=text(b.title, lang), year=p.get("year"),
                          reading=str(p.get(f"reading_{lang}", "")))

    def _amount_lines(self, result: AskResult, b: Benefit, lang: Lang) -> list[str]:
        t = self.cat.t
        summary = t(lang, "ask.rule", summary=text(b.summary, lang))
        answer = result.answer
        if answer is not None and answer.ruled_out is not None:
            return [self.ruled_out(b, answer.ruled_out, lang), summary]
        if answer is None or answer.amount is None:
            if b.amount.kind == "none":
                return [summary, t(lang, "reason.no_amount_in_text")]
            return [self.amount_rule_line(b, lang), summary]
        amount = self.r.amount(answer.amount, lang)
        if answer.from_figures:
            calc = t(lang, "ask.calc_sep").join(self.r.reason(b, x, lang) for x in answer.reasons)
            if self.approximate(result, answer.facts):
                amount = self.about(amount, lang)
            return [t(lang, "ask.amount_figures", amount=amount, calc=calc), summary]
        if answer.reasons and answer.reasons[0].code == "amount_several":
            return [self.several_line(b, answer.amount, answer.reasons[0], lang), summary]
        if answer.reasons:  # a tier named in the question
            return [t(lang, "ask.amount", amount=self.r.reason(b, answer.reasons[0], lang)), summary]
        items = items_reading(b.amount, answer.facts)  # "有3个指导站": one to each paid, the reading said
        return [t(lang, "ask.amount", amount=amount), *([text(items, lang)] if items is not None else []), summary]

    def several_line(self, b: Benefit, amount: Amount, reason: Reason, lang: Lang) -> str:
        """Several awards at once: a range, said to be one, and why (the knowledge base's reading)."""
        return self.cat.t(lang, "ask.amount.several", amount=self.r.amount(amount, lang),
                          why=self.r.reason(b, reason, lang))

    def _who_lines(self, b: Benefit, lang: Lang) -> list[str]:
        t = self.cat.t
        sep = t(lang, "list_sep")
        if b.applicants == "any":
            types = t(lang, "dlg.clause.any_applicant")
        else:
            types = sep.join(_listed([self.r.value("entity_type", a, lang) for a in b.applicants], lang))
        lines = [t(lang, "dlg.clause.applicants", types=types)]
        shown = [c for c in b.conditions if c.label is not None or c.equals is not None]
        conds = _listed([self.r.condition(c, lang) for c in shown], lang)
        if conds:
            lines.append(t(lang, "dlg.clause.conditions", conditions=sep.join(conds)))
        return lines

    def _mode(self, b: Benefit, lang: Lang) -> str:
        t = self.cat.t
        award = b.award
        if award.mode == "competitive" and award.quota is not None:
            quota = self.r.quota_count(b, lang)
            review = t(lang, "ask.expert_review") if award.expert_review else ""
            return t(lang, "ask.mode.competitive", quota=quota, review=review, pick=self.pick(b, lang))
        freq = t(lang, f"ask.freq.{award.frequency}") if award.frequency and not _once_unsaid(b) else ""
        return t(lang, "ask.mode.conditional", frequency=freq)

    def _procedure_said(self, result: AskResult) -> bool:
        return result.best is not None and result.best.id == PROCEDURE_ENTRY and not result.parts

    def _procedure(self, lang: Lang) -> str:
        return self.cat.t(lang, "ask.procedure", agency=text(self.kb.policy.implementing_agencies, lang))

    def contact(self, lang: Lang) -> str | None:
        """The agency contacts the knowledge base holds (``contact.yaml``, empty by default); never invented."""
        entries = getattr(self.kb, "contacts", None) or []
        out = []
        for c in entries:
            bits = [text(c.name, lang)]
            for value in (getattr(c, "phone", None), getattr(c, "address", None), getattr(c, "hours", None),
                          getattr(c, "url", None)):
                if value:
                    bits.append(value if isinstance(value, str) else text(value, lang))
            out.append(("，" if lang == "zh" else ", ").join(bits))
        return ("；" if lang == "zh" else "; ").join(out) or None

    def _contact(self, lang: Lang, *, paste: bool) -> str:
        c = self.contact(lang)
        if c:
            return self.cat.t(lang, "ask.contact", contact=c)
        return self.cat.t(lang, "dlg.hd.no_contact" if paste else "ask.no_contact")

    def place_lines(self, result: AskResult, lang: Lang) -> list[str]:
        """A question about where the asker is or who may apply, answered as such (not refused)."""
        t = self.cat.t
        lines: list[str] = []
        if result.place == "unclear":
            lines += self.clarify_lines(result, lang)
        if result.place is not None:
            place = next((str(n.params.get("place")) for n in result.notes if n.fact == "in_city"
                          and n.params.get("place")), "")
            lines.append(t(lang, f"ask.place.{result.place}", place=_place_name(place),
                           branch=self._branch(result.question, lang)))
        if result.open_to:
            sep = t(lang, "list_sep")
            titles = sep.join(t(lang, "ask.also_item", title=text(b.title, lang), ref=self.r.ref(b.ref, lang))
                              for b in result.open_to)
            lines.append(t(lang, "ask.open_to", type=self.type_named(result.entity_type, lang),
                           titles=titles))
            anyone = [b for b in self.kb.benefits if not b.is_info and b.applicants == "any"]
            if anyone:
                lines.append(t(lang, "ask.open_to_any", titles=sep.join(
                    t(lang, "ask.also_item", title=text(b.title, lang), ref=self.r.ref(b.ref, lang)) for b in anyone)))
        return lines

    def _branch(self, question: str, lang: Lang) -> str:
        """What the asker has in Shijiazhuang in their own word ("有办事处", "有研发中心"), from the
        vocabulary's branch words; otherwise, and in English, a neutral "a branch or office"."""
        norm = normalize(question)
        if lang == "zh":
            found = sorted((norm.find(w), w) for w in self.kb.places.branch_cues
                           if re.search(r"[\u4e00-\u9fff]", w) and w in norm)
            if found:
                return self.cat.t(lang, "ask.place.branch_said", word=found[0][1])
        return self.cat.t(lang, "ask.place.branch")

    def type_named(self, kind: str | None, lang: Lang) -> str:
        """An applicant type mid-sentence: "高校"; in English lower-cased with its article ("an individual
        (including an individual inventor)", "a university"), never "a An individual"."""
        name = self.r.value("entity_type", kind, lang)
        if lang == "zh":
            return name
        name = _mid_sentence(re.sub(r"^(an?|the) ", "", name, flags=re.IGNORECASE))
        vowel = name[:1].lower() in "aeio" or (name[:1] == "u" and not name.startswith(("uni", "use", "usu")))
        return ("an " if vowel else "a ") + name

    def types_named(self, b: Benefit, lang: Lang) -> str:
        """A clause's applicant types in a sentence, as the card lists them ("Enterprise, university")."""
        return self.cat.t(lang, "list_sep").join(_listed([self.r.value("entity_type", a, lang)
                                                          for a in b.applicants], lang))

    def _quota_said(self, b: Benefit, said: str, lang: Lang) -> bool:
        """Whether the text so far gives the entry's yearly quota ("每年择优支持5—8个项目", "6–10 a year")."""
        q = b.award.quota
        if q is None:
            return False
        n = re.escape(self.cat.t(lang, "quota_one" if q.min == q.max else "quota", min=q.min, max=q.max))
        pattern = rf"每年[^，。；\d]{{0,4}}{n}(?!\d)" if lang == "zh" else rf"(?<![\d,]){n}( \w+)? a year"
        return self.r.quota_count(b, lang) in said or re.search(pattern, said) is not None

    def unmatched_complaint(self, result: AskResult) -> bool:
        """A complaint that names no clause and no other subject (a payment late, no reply): it is about
        this policy's handling, so it is answered with what the text says of timing, not refused."""
        return result.subject is None and not result.introduced and not self.place_lines(result, "zh")

    def open_conditions(self, result: AskResult, lang: Lang) -> list[str]:
        """Parts whose amount is said although a condition of theirs is not stated ("马德里注册拿了两个" says
        nothing of exporting): the condition, so that the amount is never read as sure."""
        common = {c.fact for c in self.kb.policy.common_conditions}
        stated = set(result.facts)
        out = []
        for p in result.parts:
            b = p.benefit
            if b.is_info or p.answer.amount is None or p.answer.ruled_out is not None:
                continue
            conds = [c for c in b.conditions if isinstance(c.equals, bool) and c.fact not in common]
            told = stated | set(p.answer.facts)
            if not any(c.fact in told for c in conds):
                continue  # the rule asked about, not the asker's case: the card's conditions say it
            left = [self.r.condition(c, lang) for c in conds if c.fact not in told]
            if left:
                out.append(self.cat.t(lang, "ask.part.conditions", title=text(b.title, lang),
                                      conditions=self.cat.t(lang, "list_sep").join(left)))
        return out

    def _refusal(self, result: AskResult, lang: Lang) -> list[str]:
        t = self.cat.t
        title = text(self.kb.policy.title, lang)
        if result.introduced:
            return [t(lang, "dlg.hd.empty"), t(lang, "ask.can_do")]
        said = self.place_lines(result, lang)
        if said:
            return [*said, t(lang, "ask.can_do")]
        lines = []
        if result.subject is not None:
            lines.append(text(result.subject.reply, lang))
        lines.append(t(lang, "ask.out_of_scope", title=title))
        lines.append(t(lang, "ask.can_do"))
        return lines

    # -- customer-ready prose -----------------------------------------------------------------------
    def paste(self, result: AskResult, lang: Lang | None = None, *, complaint: bool = False) -> str:
        """The answer as polite prose for a customer: no commands, no "本助手", no card labels."""
        lang = lang or result.lang
        t = self.cat.t
        sep = "" if lang == "zh" else " "
        out: list[str] = [t(lang, f"dlg.hd.hello_{self.tone(result.question)}" if complaint else "dlg.hd.hello")]
        title = text(self.kb.policy.title, lang)
        if result.verdict is not None:
            out.append(self.verdict_line(result, result.verdict, lang))
        if result.refused or result.best is None:
            said = self.place_lines(result, lang)
            if complaint and self.unmatched_complaint(result):
                # "补贴还没到账，到底什么时候发？": no "not in the policy's scope" after the apology; what the
                # text says of timing (nothing) and who makes the rules
                out += [self._procedure(lang), self._contact(lang, paste=True)]
            elif result.introduced:
                out.append(t(lang, "dlg.hd.empty"))
            elif said:
                out += [_sentence(x, lang) for x in said]
            elif result.subject is not None:
                out.append(text(result.subject.reply, lang))
            else:
                out.append(t(lang, "dlg.hd.refused", title=title))
            return _tidy(sep.join(out))
        policy = t(lang, "dlg.hd.policy", title=title, number=self.kb.policy.document_number)
        if not complaint:  # a complaint's digits (a hotline, a date) are neither money nor asked about as money
            out += self.clarify_lines(result, lang)
        if result.policy_meta:
            out.append(self.policy_meta(lang))
        said = [_sentence(x, lang) for x in self.note_lines(self.stated_back(result), lang)]
        if result.parts:
            items = [self.part_line(p, lang, with_ref=False, result=result) for p in result.parts]
            # "…: 300,000 yuan; reward for China Patent Award winners …": an item mid-sentence is not capitalised
            joined = ("；" if lang == "zh" else "; ").join(
                x if lang == "zh" or i == 0 else _after_comma(x, self.proper) for i, x in enumerate(items)) \
                + ("。" if lang == "zh" else ".")
            out.append(policy + _after_comma(joined, self.proper))
            listed = policy + _after_comma(joined, self.proper)
            out += self.open_conditions(result, lang)
            out += said
            total = result.total
            if total is not None and (total.counted or total.pending):
                if total.amount is not None:
                    out.append(t(lang, "ask.total", amount=self.total_amount(result, lang)))
                for excluded, kept in total.excluded:
                    out.append(t(lang, "ask.total.excluded", excluded=self._part_title(excluded, result, lang),
                                 kept=text(self.kb.benefit(kept).title, lang)))
                if not total.excluded:
                    out += self._same_matter(result, lang)
        else:
            b = result.best
            out.append(policy + _after_comma(_sentence(f"{text(b.title, lang)}{'：' if lang == 'zh' else ': '}"
                                          f"{_without_title(text(b.summary, lang), text(b.title, lang))}", lang),
                                             self.proper))
            answer = result.answer
            if not b.is_info and answer is not None and answer.ruled_out is not None:
                out.append(self.ruled_out(b, answer.ruled_out, lang))
            elif not b.is_info and answer is not None and answer.amount is not None:
                amount = self.r.amount(answer.amount, lang)
                if answer.from_figures:
                    calc = t(lang, "ask.calc_sep").join(self.r.reason(b, x, lang) for x in answer.reasons)
                    if self.approximate(result, answer.facts):
                        amount = self.about(amount, lang)
                    out.append(t(lang, "dlg.hd.amount_figures", amount=amount, calc=calc))
                    out += said
                elif answer.reasons and answer.reasons[0].code == "amount_several":
                    out.append(_sentence(self.several_line(b, answer.amount, answer.reasons[0], lang), lang))
                elif b.amount.kind == "tiered" and isinstance(answer.facts.get(b.amount.by), str):
                    # "银奖的金额为30万元": prose, never the card's "金额：银奖：30万元"
                    tier = self.r.value(b.amount.by, answer.facts[b.amount.by], lang)
                    out.append(t(lang, "dlg.hd.amount_tier", amount=amount,
                                 tier=_after_comma(tier, self.proper) if lang == "en" else tier))
                elif answer.reasons:
                    out.append(t(lang, "dlg.hd.amount", amount=self.r.reason(b, answer.reasons[0], lang)))
                elif (counted := items_reading(b.amount, answer.facts)) is not None:
                    # "马德里注册了3件": the same range and reading as `ipbot ask` (F10/F49), never the flat 10万
                    out += [t(lang, "dlg.hd.amount", amount=amount), _sentence(text(counted, lang), lang)]
            quota_said = result.verdict is not None and result.verdict.reason == "competitive"
            if not b.is_info and b.award.mode == "competitive" and b.award.quota is not None and not quota_said:
                so_far = sep.join(out)
                if not self._quota_said(b, so_far, lang):
                    out.append(t(lang, "dlg.hd.mode.competitive", quota=self.r.quota_count(b, lang),
                                 pick=self.pick(b, lang)))
                elif t(lang, "dlg.hd.mode.limited") not in so_far:  # the summary gave the quota: not twice
                    out.append(t(lang, "dlg.hd.mode.limited"))
            dated = result.verdict is not None and result.verdict.reason in ("in_force", "out_of_force")
            if b.id == VALIDITY_ENTRY and not dated:  # the verdict gave the end date and its assumption already
                out.append(_sentence(self.validity_line(lang), lang))
        if result.depends_on and not result.asks_ceiling and not complaint:  # a complaint is not asked for figures
            facts = t(lang, "list_sep").join(_after_comma(self.r.fact_label(f, lang), self.proper)
                                             for f in result.depends_on)
            out.append(t(lang, "dlg.hd.depends", facts=facts))
        if result.procedure or complaint or self._procedure_said(result):
            if (result.procedure or complaint) and not self._procedure_said(result):
                out.append(self._procedure(lang))
            out.append(self._contact(lang, paste=True))
        elif (not result.parts and not result.depends_on and not result.asks_ceiling
              and result.best is not None and not result.best.is_info
              and (result.answer is None or result.answer.ruled_out is None)):
            out.append(t(lang, "dlg.hd.close"))
        pasted = _tidy(sep.join(_once(out, lang)))
        if result.parts and len(result.parts) >= LIST_FROM:
            pasted = _as_list(pasted, _tidy(listed), policy, items, lang)
        return pasted


LIST_FROM = 3  # parts from which the paste gives one line each, in the order asked


def _as_list(pasted: str, listed: str, policy: str, items: list[str], lang: Lang) -> str:
    """Several items asked at once (a customer's 1）2）3）): one numbered line each, in the order asked, and
    what follows (the total, the no-double-subsidy rule) on a line of its own. The paragraph stays as it is
    when the items' sentence was changed on the way (a clause said before and cut)."""
    at = pasted.find(listed)
    if at < 0:
        return pasted
    end = "；" if lang == "zh" else ";"
    last = "。" if lang == "zh" else "."
    lines = [f"{i}. {x}{end if i < len(items) else last}" for i, x in enumerate(items, start=1)]
    head = policy.rstrip("，, ") + ("：" if lang == "zh" else ":")
    before, after = pasted[:at].rstrip(), pasted[at + len(listed):].lstrip()
    return "\n".join([x for x in (before, head, *lines, after) if x])


def _once_unsaid(b: Benefit) -> bool:
    """A once-only reading of a clause whose text has no 一次性 (a new title, a new approval): not said as 一次性."""
    return b.award.frequency == "once" and "一次性" not in b.source.replace(" ", "")


def _without_title(summary: str, title: str) -> str:
    """A summary after its title, without a heading of its own that the title already says ("Interest
    subsidy on IP pledge loans: IP pledge loans: 50% of …" -> "…: 50% of …")."""
    head = re.match(r"([^:：，,。.]{3,60})[:：]\s*", summary)
    if head and head.group(1).strip().lower() in title.lower() and head.end() < len(summary):
        return summary[head.end():]
    return summary


def _listed(items: list[str], lang: Lang) -> list[str]:
    """Items of an English list after its first: "Enterprise, university, research institute"."""
    return items if lang == "zh" else items[:1] + [_mid_sentence(x) for x in items[1:]]


def _mid_sentence(name: str) -> str:
    """An English label inside a sentence: "University" -> "university"; "IP, legal ..." keeps its acronym."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _place_name(place: str) -> str:
    """A place as written, an English name capitalised ("beijing" -> "Beijing", "xi'an" -> "Xi'an")."""
    if place.isascii():
        return " ".join(w[:1].upper() + w[1:] for w in place.split(" "))
    return place


def _shown(value: object) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _sentence(s: str, lang: Lang) -> str:
    s = s.rstrip()
    if lang == "zh":
        return s if s.endswith(("。", "！", "？")) else s.rstrip("，；") + "。"
    return s if s.endswith((".", "!", "?")) else s + "."


def _after_comma(s: str, proper: frozenset[str] = frozenset()) -> str:
    """"Under the city's IP policy, how and when …": an English word after the comma is not capitalised
    (an acronym such as "IP", or a name such as "China" in ``proper``, is kept)."""
    first = re.match(r"[A-Za-z]+", s)
    if first and len(s) > 1 and s[0].isupper() and s[1].islower() and first.group(0) not in proper:
        return s[0].lower() + s[1:]
    return s


_SENTENCE_END = {"zh": re.compile(r"(?<=[。！？])"), "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"])")}
_CLAUSE_SEP = {"zh": "，", "en": ", "}
_MIN_CLAUSE = {"zh": 4, "en": 16}  # shorter clauses ("每个", "each") may well recur with a meaning of their own


def _once(pieces: list[str], lang: Lang) -> list[str]:
    """No sentence said twice in a paste, and no clause of one repeated from an earlier sentence ("每年择优5个
    项目" in the verdict, then in the provision's summary): a repeated sentence is dropped, a repeated clause
    is cut from its sentence; a sentence's first clause (its subject, a heading) always stays."""
    said: set[str] = set()
    sentences: set[str] = set()
    out: list[str] = []
    sep = _CLAUSE_SEP[lang]
    for piece in pieces:
        kept_sentences = []
        for sentence in (x for x in _SENTENCE_END[lang].split(piece) if x.strip()):
            key = sentence.strip()
            if key in sentences:
                continue
            sentences.add(key)
            end = re.search(r"[。！？.!?]$", key)
            body = key[: end.start()] if end else key
            clauses = body.split(sep)
            kept = clauses[:1] + [c for c in clauses[1:] if not (len(c.strip()) >= _MIN_CLAUSE[lang]
                                                                  and c.strip() in said)]
            said.update(c.strip() for c in clauses)
            if len(kept) < len(clauses):
                sentence = sep.join(kept) + (end.group(0) if end else "")
            kept_sentences.append(sentence.strip())
        if kept_sentences:
            out.append(("" if lang == "zh" else " ").join(kept_sentences))
    return out


def _tidy(s: str) -> str:
    """One sentence end, not two ("。。"), and no space before Chinese punctuation."""
    return re.sub(r"([。.])\1+", r"\1", s).replace(" 。", "。")


def side_answerer(kb: KnowledgeBase, renderer: Renderer, validity: Validity | None = None) -> Answerer:
    """The dialog's free-text answerer: the index is built here, once, and reused for every message."""
    matcher = Matcher(kb)
    answers = AnswerRenderer(kb, renderer.cat, renderer, validity)

    def answer(message: str, lang: Lang) -> SideAnswer:
        complaint = answers.is_complaint(message)
        result = ask(matcher, message, use_figures=not complaint, today=date.today(), validity=answers.validity)
        best = result.best
        return SideAnswer(
            text=escape(answers.render(result, lang, complaint=complaint, notes=False), quote=False),
            in_scope=not result.refused,
            refs=tuple(result.refs),
            benefits=tuple(s.benefit.id for s in result.benefits),
            confidence=result.confidence,
            depends_on=result.depends_on,
            title=text(best.title, lang) if best else "",
            summary=text(best.summary, lang) if best else "",
        )

    return answer
