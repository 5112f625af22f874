"""How questions, results and clauses look in a chat: HTML text and buttons, short enough for a phone.

Everything that comes from the knowledge base or the user is escaped here, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.dialog.model import Button, Reply
from bot.present.i18n import text
from bot.present.report import Renderer
from eligibility.evaluate import totals
from eligibility.questionnaire import NONE_OPTION, Question
from eligibility.results import Assessment, BenefitResult
from knowledge.models import Benefit, Lang, Text

MAX_MESSAGE = 4096


def split_message(body: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line boundaries so no message passes Telegram's 4096-character limit."""
    parts: list[str] = []
    current = ""
    for line in body.split("\n"):
        while len(line) > limit:  # a single overlong line: hard cut
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


class Views:
    def __init__(self, renderer: Renderer) -> None:
        self.r = renderer
        self.kb = renderer.kb
        self.cat = renderer.cat

    def t(self, lang: Lang, key: str, **params: object) -> str:
        return self.cat.t(lang, key, **params)

    def sep(self, lang: Lang) -> str:
        return self.t(lang, "list_sep")

    # -- questions -------------------------------------------------------------------------------
    def question(self, q: Question, lang: Lang, *, number: int, left: int, ticked: Iterable[str] = (),
                 edit: bool = False, prefix: str = "") -> Reply:
        ticked = set(ticked)
        lines = [prefix] if prefix else []
        lines.append(self.t(lang, "dlg.question", n=number, text=escape(text(q.text, lang))))
        if q.kind == "multi":
            lines.append(self.t(lang, "dlg.multi_hint"))
            for i, o in enumerate(q.options, start=1):
                lines.append(f"{i}. {escape(text(o.label, lang))}")
        elif q.kind == "money":
            lines.append(self.t(lang, "dlg.money_hint"))
        elif q.kind == "money_list":
            lines.append(self.t(lang, "dlg.money_list_hint"))
        titles = [escape(text(self.kb.benefit(b).title, lang)) for b in q.decides[:3]]
        if titles:
            more = "…" if len(q.decides) > 3 else ""
            lines.append(self.t(lang, "dlg.why", items=self.sep(lang).join(titles) + more))
        lines.append(self.t(lang, "dlg.left", n=max(left, 1)))
        return Reply("\n".join(lines), self.question_buttons(q, lang, ticked), edit=edit)

    def question_buttons(self, q: Question, lang: Lang, ticked: set[str]) -> tuple[tuple[Button, ...], ...]:
        rows: list[tuple[Button, ...]] = []
        if q.kind == "bool":
            rows.append((Button(self.t(lang, "dlg.btn.yes"), f"a|{q.id}|y"),
                         Button(self.t(lang, "dlg.btn.no"), f"a|{q.id}|n")))
        elif q.kind == "choice":
            opts = [Button(self.option_short(q, o.value, o.label, lang), f"a|{q.id}|{o.value}") for o in q.options]
            rows += [tuple(opts[i:i + 2]) for i in range(0, len(opts), 2)]
        elif q.kind in ("money", "money_list"):
            rows.append((Button(self.t(lang, "dlg.btn.none_money"), f"a|{q.id}|0"),))
        else:
            for o in q.options:
                if o.value == NONE_OPTION:
                    continue
                mark = "✅ " if o.value in ticked else "▫️ "
                rows.append((Button(mark + self.option_short(q, o.value, o.label, lang), f"t|{q.id}|{o.value}"),))
            rows.append((Button(text(q.options[-1].label, lang), f"a|{q.id}|{NONE_OPTION}"),
                         Button(self.t(lang, "dlg.btn.done"), f"d|{q.id}")))
        rows.append((Button(self.t(lang, "dlg.btn.back"), "n|back"),
                     Button(self.t(lang, "dlg.btn.unsure"), f"n|skip|{q.id}"),
                     Button(self.t(lang, "dlg.btn.restart"), "n|restart")))
        return tuple(rows)

    def option_short(self, q: Question, value: str, label: Text, lang: Lang) -> str:
        """An option's button label: its short form from the knowledge base where the full one is long."""
        if q.kind == "multi":
            fact = self.kb.facts.get(value)
            short = fact.short if fact is not None else None
        else:
            fact = self.kb.facts.get(q.facts[0])
            short = next((o.short for o in fact.options if o.id == value), None) if fact is not None else None
        return text(short if short is not None else label, lang)

    def examples(self, q: Question, lang: Lang) -> str:
        if q.kind == "choice":
            opts = self.sep(lang).join(f"“{text(o.label, lang)}”" if lang == "zh" else f'"{text(o.label, lang)}"'
                                       for o in q.options[:3])
            return self.t(lang, "dlg.examples.choice", options=escape(opts))
        return self.t(lang, f"dlg.examples.{q.kind}")

    def fact_values(self, facts: dict[str, object], lang: Lang) -> str:
        items = []
        for fact_id, value in facts.items():
            label = self.r.fact_label(fact_id, lang)
            shown = self.r.value(fact_id, value, lang)  # type: ignore[arg-type]
            items.append(f"{escape(label)}：{escape(shown)}" if lang == "zh" else f"{escape(label)}: {escape(shown)}")
        return self.sep(lang).join(items)

    # -- results ---------------------------------------------------------------------------------
    def _quota(self, b: Benefit, lang: Lang) -> str:
        if b.award.quota is None:
            return ""
        n = self.r.quota_count(b, lang)
        review = self.t(lang, "dlg.result.review_expert" if b.award.expert_review else "dlg.result.review_select")
        return self.t(lang, "dlg.result.quota", quota=n, review=review)

    def _line(self, r: BenefitResult, lang: Lang) -> str:
        b = r.benefit
        ref = escape(self.r.ref(b.ref, lang))
        head = f"• {escape(text(b.title, lang))}"
        if r.amount is not None:
            amount = escape(self.r.amount(r.amount, lang))
            head += f"：{amount}" if lang == "zh" else f": {amount}"
        head += f"　{ref}" if lang == "zh" else f" ({ref})"
        if r.status == "competitive":
            head += f"\n  {escape(self._quota(b, lang))}"
        if r.status == "undetermined":
            facts = self.sep(lang).join(escape(self.r.fact_label(f, lang)) for f in r.missing)
            head += "\n  " + self.t(lang, "dlg.result.missing", facts=facts)
        return head

    def result(self, a: Assessment, lang: Lang, *, topic: str | None = None, diff: str = "") -> list[Reply]:
        def shown(r: BenefitResult) -> bool:
            return topic is None or r.benefit.topic == topic

        lines = [self.t(lang, "dlg.result.title")]
        if diff:
            lines.append(diff)
        if not a.policy_in_force:
            lines.append(self.t(lang, "dlg.result.expired", date=a.validity.valid_until.isoformat()))
        eligible = [r for r in a.by_status("eligible") if shown(r)]
        competitive = [r for r in a.by_status("competitive") if shown(r)]
        undetermined = [r for r in a.by_status("undetermined") if shown(r)]
        ineligible = [r for r in a.by_status("ineligible") if shown(r)]
        for key, group in (("eligible", eligible), ("competitive", competitive), ("undetermined", undetermined)):
            if group:
                lines += ["", self.t(lang, f"dlg.result.{key}")]
                lines += [self._line(r, lang) for r in group]
        if not eligible and not competitive:
            lines += ["", self.t(lang, "dlg.result.none")]
        if ineligible:
            lines += ["", self.t(lang, "dlg.result.ineligible", n=len(ineligible))]
            lines += [self.t(lang, "dlg.result.common_failed", condition=escape(c))
                      for c in self._failed_common(ineligible, lang)]
        eligible_total, competitive_total = totals(eligible + competitive)
        lines += ["", self.t(lang, "dlg.result.total", amount=escape(self.r.amount(eligible_total, lang)))]
        if competitive_total.max:
            lines.append(self.t(lang, "dlg.result.total_competitive",
                                amount=escape(self.r.yuan(competitive_total.max, lang))))
        used = [x for r in eligible + competitive for x in r.assumptions]
        notes = list(dict.fromkeys([*a.assumptions, *used]))
        if notes:
            lines += ["", self.t(lang, "dlg.result.assumptions")]
            lines += [f"- {escape(text(n, lang))}" for n in notes]
        agency = escape(text(self.kb.policy.implementing_agencies, lang))
        lines += ["", self.t(lang, "dlg.result.agency", agency=agency),
                  f"<i>{escape(text(self.kb.policy.disclaimer, lang))}</i>"]
        buttons = ((Button(self.t(lang, "dlg.btn.change"), "m|answers"),
                    Button(self.t(lang, "dlg.btn.why_not"), "m|why")),
                   (Button(self.t(lang, "dlg.btn.restart"), "n|restart"),))
        parts = split_message("\n".join(lines))
        replies = [Reply(p) for p in parts[:-1]]
        replies.append(Reply(parts[-1], buttons))
        return replies

    def _failed_common(self, ineligible: list[BenefitResult], lang: Lang) -> list[str]:
        """The policy-wide conditions (in the city) that rule everything out, said in the result itself."""
        common = {c.fact: c for c in self.kb.policy.common_conditions}
        failed = {x.fact for r in ineligible for x in r.reasons if x.code == "condition_failed" and x.fact in common}
        return [self.r.condition(common[f], lang) for f in common if f in failed]

    def why_not(self, a: Assessment, lang: Lang) -> list[Reply]:
        lines = [self.t(lang, "dlg.result.ineligible_all")]
        for r in a.by_status("ineligible"):
            reasons = "；".join(self.r.reason(r.benefit, x, lang) for x in r.reasons) if lang == "zh" else \
                "; ".join(self.r.reason(r.benefit, x, lang) for x in r.reasons)
            lines.append(f"• {escape(text(r.benefit.title, lang))}：{escape(reasons)}" if lang == "zh"
                         else f"• {escape(text(r.benefit.title, lang))}: {escape(reasons)}")
        return [Reply(p) for p in split_message("\n".join(lines))]

    # -- clauses ---------------------------------------------------------------------------------
    def clause_menu(self, lang: Lang) -> Reply:
        rows = []
        for b in self.kb.benefits:
            label = f"{self.r.ref(b.ref, lang)} {text(b.title, lang)}"
            rows.append((Button(label[:60], f"c|{b.id}"),))
        return Reply(self.t(lang, "dlg.clauses.title"), tuple(rows))

    def clause_group(self, benefits: list[Benefit], lang: Lang) -> Reply:
        """Several benefits of one clause (a deep link to it) in one message: each in two lines, the
        verbatim text once, a button per benefit for its details."""
        ref = benefits[0].ref
        lines = [self.t(lang, "dlg.clause.group", ref=escape(self.r.ref(ref, lang)), n=len(benefits))]
        for b in benefits:
            lines.append(f"• <b>{escape(text(b.title, lang))}</b>")
            lines.append(f"  {escape(text(b.summary, lang))}")
        clause = self.kb.policy.clauses.get(ref)
        source = clause.text if clause is not None else "".join(b.source for b in benefits)
        lines.append(self.t(lang, "dlg.clause.text", text=escape(source)))
        rows = [(Button(self.short_title(b, lang), f"c|{b.id}"),) for b in benefits]
        topic = benefits[0].topic
        rows.append((Button(self.t(lang, "dlg.menu.assess"), f"m|topic|{topic}"),))
        return Reply("\n".join(lines), tuple(rows))

    def short_title(self, b: Benefit, lang: Lang) -> str:
        """A benefit's name that fits a phone's button row."""
        return text(b.short_title, lang) if b.short_title is not None else text(b.title, lang)

    def forget_confirm(self, lang: Lang, confirm_data: str) -> Reply:
        return Reply(self.t(lang, "dlg.forget.ask"),
                     ((Button(self.t(lang, "dlg.btn.forget_yes"), confirm_data),
                       Button(self.t(lang, "dlg.btn.forget_no"), "f|no")),))

    def clause(self, b: Benefit, lang: Lang) -> Reply:
        lines = [f"<b>{escape(text(b.title, lang))}</b>　{escape(self.r.ref(b.ref, lang))}" if lang == "zh"
                 else f"<b>{escape(text(b.title, lang))}</b> ({escape(self.r.ref(b.ref, lang))})",
                 escape(text(b.summary, lang))]
        from eligibility.amounts import nominal_amount

        nominal = nominal_amount(b.amount)
        if nominal is not None:
            lines.append(self.t(lang, "dlg.clause.amount", amount=escape(self.r.amount(nominal, lang))))
        if b.award.mode == "competitive":
            lines.append(self.t(lang, "dlg.clause.mode.competitive", quota=escape(self._quota(b, lang))))
        else:
            lines.append(self.t(lang, f"dlg.clause.mode.{b.award.mode}"))
        if not b.is_info:
            types = self.t(lang, "dlg.clause.any_applicant") if b.applicants == "any" else self.sep(lang).join(
                self.r.value("entity_type", a, lang) for a in b.applicants)
            lines.append(self.t(lang, "dlg.clause.applicants", types=escape(types)))
            if b.conditions:
                conds = self.sep(lang).join(self.r.condition(c, lang) for c in b.conditions)
                lines.append(self.t(lang, "dlg.clause.conditions", conditions=escape(conds)))
        lines.append(self.t(lang, "dlg.clause.text", text=escape(b.source)))
        for a in b.assumptions:
            lines.append(f"<i>{escape(self.t(lang, 'report.assumption', text=text(a, lang)))}</i>")
        if b.is_info:
            return Reply("\n".join(lines))
        return Reply("\n".join(lines), ((Button(self.t(lang, "dlg.menu.assess"), f"m|topic|{b.topic}"),),))
