"""The pieces every form of an answer shares (the chat card, the customer's paste, the verdict): an
amount or its rule, a part of a several-part answer, what the language layer read into the figures, the
one short question about a figure, who may apply, the contacts and what the text says of the procedure."""

from __future__ import annotations

import re
from datetime import date
from html import escape

from bot.present.i18n import Catalog, text
from bot.present.prose import mid_sentence, no_doubled_lead, place_name, shown
from bot.present.report import Renderer
from eligibility.amounts import items_reading, nominal_amount
from eligibility.ask import PROCEDURE_ENTRY, AskResult, Part, YesNo
from eligibility.evaluate import policy_validity
from eligibility.language import Note
from eligibility.language.counts import EVENT_NOTES
from eligibility.parsing import normalize
from eligibility.results import Amount, Reason, Validity
from knowledge.models import Benefit, KnowledgeBase, Lang

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PERIOD_NOTE = "lang.note.period"
_APPROX_NOTE = "lang.note.approximate"
_YUAN_PARAMS = ("value", "yearly")  # a note's yuan parameters: "按30万元估算", the template holding the unit
_PERIODS = ("month", "quarter", "half_year", "year")


class AnswerWording:
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
                return self.cat.t(lang, key, **{k: shown(v) for k, v in params.items()})
            except (KeyError, IndexError, ValueError):
                pass
        return text(known.question, lang) if known is not None else ""

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
                out.append(no_doubled_lead(self.cat.t(lang, key, **self._note_params(n, lang))))
            except (KeyError, IndexError, ValueError):
                continue
        return list(dict.fromkeys(out))

    def _note_params(self, n: Note, lang: Lang) -> dict[str, object]:
        params: dict[str, object] = {k: shown(v) if isinstance(v, list | tuple) else v for k, v in n.params.items()}
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

    # -- pieces -------------------------------------------------------------------------------------
    def date(self, d: date, lang: Lang) -> str:
        return self.cat.t(lang, "ask.date", y=d.year, m=d.month, d=d.day, month=_MONTHS[d.month - 1])

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

    def total_split(self, result: AskResult) -> tuple[Amount, Amount, tuple[Part, ...]] | None:
        """The total parted as what is paid without selection and what items chosen on merit within a quota
        add at most if selected (G30: "合计：140万元—150万元" counted two expert-reviewed projects as won), with
        those items; None when no counted item is competitive, or every one is (what two such items pay
        together is their sum, said to hold only if each is selected)."""
        total = result.total
        if total is None or total.amount is None:
            return None
        competitive = tuple(p for p in result.parts if p.key in total.counted and p.answer.amount is not None
                            and p.benefit.award.mode == "competitive")
        if not competitive or len(competitive) == len(total.counted):
            return None
        extra = Amount(sum(p.answer.amount.min for p in competitive if p.answer.amount is not None),
                       sum(p.answer.amount.max for p in competitive if p.answer.amount is not None))
        sure = Amount(total.amount.min - extra.min, total.amount.max - extra.max)
        return (sure, extra, competitive) if sure.min >= 0 and sure.max > 0 else None

    def total_lines(self, result: AskResult, lang: Lang) -> list[str]:
        """The sum of the parts in words (:meth:`total_split`), "约" when a figure was approximate."""
        total = result.total
        if total is None or total.amount is None:
            return []
        t = self.cat.t
        split = self.total_split(result)
        if split is None:
            counted = [p for p in result.parts if p.key in total.counted]
            lines = [t(lang, "ask.total", amount=self.total_amount(result, lang))]
            if counted and all(p.benefit.award.mode == "competitive" for p in counted):
                lines.append(t(lang, "ask.total.competitive"))
            return lines
        sure, extra, competitive = split
        items = t(lang, "list_sep").join(self._title_tier(p, lang) for p in competitive)
        return [t(lang, "ask.total.split", sure=self.amount_said(result, sure, lang), items=items,
                  extra=self.amount_said(result, Amount(extra.max, extra.max), lang),
                  top=self.amount_said(result, Amount(total.amount.max, total.amount.max), lang))]

    def amount_said(self, result: AskResult, amount: Amount, lang: Lang) -> str:
        """An amount of the answer's sum, "约" when a part was computed from an approximate figure."""
        said = self.r.amount(amount, lang)
        return self.about(said, lang) if self.approximate(result, self.computed_facts(result)) else said

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
            amount = self.several_line(b, p.answer.amount or Amount(0, 0), p.answer.reasons[0], lang,
                                       prose=not with_ref)
        mode = t(lang, "ask.part.competitive", quota=self.r.quota_count(b, lang), pick=self.pick(b, lang)) \
            if b.award.mode == "competitive" and b.award.quota is not None else ""
        line = t(lang, "ask.part", title=text(b.title, lang), tier=tier, amount=amount, mode=mode,
                 ref=self.r.ref(b.ref, lang) if with_ref else "")
        # without its ref: the empty " ()" / "　" the template leaves is cut, never a bracket of the amount's own
        # ("at most 3,000,000 yuan per enterprise (read as in total)")
        return line if with_ref else re.sub(r"(\s*\(\s*\)|　+)$", "", line).rstrip().removeprefix("• ")

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
            return self.about_entry(f"{key}.applicant_unsaid", b, lang,
                                    type=self.type_named(str(p.get("type", "")), lang))
        if v.reason in ("year_outside", "year_reading"):  # a year outside the validity: its reading, no amount
            return self._year(key, b, v, lang)
        if v.reason == "condition_reading":  # the text silent there: the knowledge base's reading, no amount
            return self.about_entry(f"{key}.condition_reading", b, lang, reading=str(p.get(f"reading_{lang}", "")))
        if v.reason == "applicant_not":
            types = self.types_named(b, lang) \
                if b.applicants != "any" else t(lang, "dlg.clause.any_applicant")
            line = self.about_entry(f"{key}.applicant_not", b, lang, types=types,
                                    type=self.type_named(str(p.get("type", "")), lang))
            if b.applicant_reading is not None and not short:  # the list is the knowledge base's reading
                line += ("" if lang == "zh" else " ") + t(lang, "ask.why.applicant_reading",
                                                           reading=text(b.applicant_reading, lang))
            return line
        condition = str(p.get(f"label_{lang}", "")) or (self.r.fact_label(str(p["fact"]), lang) if p.get("fact")
                                                        else "")
        return self.about_entry(f"{key}.condition_fails", b, lang, condition=condition)

    def about_entry(self, key: str, b: Benefit, lang: Lang, **params: object) -> str:
        """The template ``key`` said of the entry ``b``: an English title mid-sentence in lower case ("From what
        you say, reward for a Madrid … does not apply"), as a sentence's first word as it is."""
        title = text(b.title, lang)
        if lang == "en" and not self.cat.messages[lang].get(key, "").startswith("{title}"):
            title = mid_sentence(title)
        return self.cat.t(lang, key, title=title, **params)

    def _year(self, key: str, b: Benefit, v: YesNo, lang: Lang) -> str:
        """A year the validity does not wholly cover: applied in after the end (or before the start), or
        covered in part / a payment made outside it, with the knowledge base's reading."""
        p = dict(v.params)
        if v.reason == "year_outside":
            state = self.cat.t(lang, f"ask.year.{p.get('cover')}")
            return self.about_entry(f"{key}.year_outside", b, lang, year=p.get("year"), state=state)
        return self.about_entry(f"{key}.year_reading", b, lang, year=p.get("year"),
                                reading=str(p.get(f"reading_{lang}", "")))

    def several_line(self, b: Benefit, amount: Amount, reason: Reason, lang: Lang, *, prose: bool = False) -> str:
        """Several awards at once: a range, said to be one, and why (the knowledge base's reading); ``prose``:
        as the paste says it ("金额为…"), without the card's "金额：" label."""
        return self.cat.t(lang, "dlg.hd.amount_several" if prose else "ask.amount.several",
                          amount=self.r.amount(amount, lang), why=self.r.reason(b, reason, lang))

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
            lines.append(t(lang, f"ask.place.{result.place}", place=place_name(place),
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
        elif result.entity_type in self.kb.policy.unnamed_applicants:  # "个人发明人能申请吗": the text names none
            lines.append(text(self.kb.policy.unnamed_applicants[result.entity_type].reading, lang))
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
        name = mid_sentence(re.sub(r"^(an?|the) ", "", name, flags=re.IGNORECASE))
        vowel = name[:1].lower() in "aeio" or (name[:1] == "u" and not name.startswith(("uni", "use", "usu")))
        return ("an " if vowel else "a ") + name

    def types_named(self, b: Benefit, lang: Lang) -> str:
        """A clause's applicant types inside a sentence ("…is for enterprise, university, research institute"):
        in English each in lower case (an acronym kept), never the card's list capital mid-sentence."""
        names = [self.r.value("entity_type", a, lang) for a in b.applicants]
        if lang == "en":
            names = [mid_sentence(x) for x in names]
        return self.cat.t(lang, "list_sep").join(names)

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

    def count_readings(self, result: AskResult, lang: Lang) -> list[str]:
        """Parts whose count was said ("2件马德里，3件驰名商标"): the reading of each range, as a one-item answer
        gives it, never a bare "50万元—150万元"."""
        return [text(counted, lang) for p in result.parts if p.answer.ruled_out is None
                and (counted := items_reading(p.benefit.amount, p.answer.facts)) is not None]

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
