"""The chat card: the few lines a person reads on a phone.

Most useful first: an apology when the message complains; the verdict of a yes/no question; then either
one line per part asked about (with the sum and the no-double-subsidy rule when a total was asked), or
the benefit, its amount (the user's figures, or the rule), who may apply, how it is awarded, the verbatim
clause (and below it, in English, the unofficial rendering kept in the knowledge base); what the amount
still depends on; what the policy does not set (procedure, contacts) said as such — never a step of our
own; the runner-up. A procedure question that names an entry ("贴息怎么申请") is about applying: the procedure
statement first, then the entry, its amount in one line and its clause.
"""

from __future__ import annotations

import re

from bot.present.i18n import text
from bot.present.prose import listed
from bot.present.verdict import VerdictWording
from eligibility.amounts import items_reading
from eligibility.ask import PROCEDURE_ENTRY, VALIDITY_ENTRY, AskResult
from knowledge.models import Benefit, Lang


class ChatCard(VerdictWording):
    """The chat card of an ask result (:meth:`render`)."""

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
        if result.procedure_subject is not None and not complaint:
            # "贴息怎么申请，要带什么": the honest procedure statement first (the text sets no step), then the
            # entry named, its amount in one line and its clause
            b = result.procedure_subject
            lines += [self._procedure(lang),
                      self.cat.t(lang, "ask.head", title=text(b.title, lang), ref=self.r.ref(b.ref, lang)),
                      *self._amount_lines(result, b, lang)[:1], *said, *self._beside(result, lang),
                      # a place to compete for is no entitlement: the quota is said with the amount
                      *([self._mode(b, lang)] if b.award.mode == "competitive" else []),
                      *self.clause_lines(b, lang), self._contact(lang, paste=False)]
            return "\n".join(lines)
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


    def _lines(self, result: AskResult, b: Benefit, lang: Lang, said: list[str] | None = None) -> list[str]:
        t = self.cat.t
        lines = [t(lang, "ask.head", title=text(b.title, lang), ref=self.r.ref(b.ref, lang))]
        if b.is_info:
            lines.append(text(b.summary, lang))
            if b.ref != "general":
                lines.append(t(lang, "reason.info_only"))
        else:
            amount_lines = self._amount_lines(result, b, lang)
            lines += amount_lines[:1] + (said or []) + self._beside(result, lang) + amount_lines[1:]
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


    def _part_lines(self, result: AskResult, lang: Lang, said: list[str] | None = None) -> list[str]:
        t = self.cat.t
        lines = [t(lang, "ask.parts.head")]
        for p in result.parts:
            lines.append(self.part_line(p, lang, result=result))
        lines += self._beside(result, lang)
        lines += self.open_conditions(result, lang)
        lines += self.count_readings(result, lang)
        lines += said or []
        total = result.total
        if total is not None and (total.counted or total.pending):  # every part ruled out: no sum to state
            if total.amount is not None:
                lines += self.total_lines(result, lang)
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


    @staticmethod
    def _beside(result: AskResult, lang: Lang) -> list[str]:
        """A side subject the policy has no clause for, asked beside the figure answered ("利息32万，另外担保费8万"):
        its reply on one line after the amount, never a refusal of the question."""
        return [text(result.subject.reply, lang)] if not result.refused and result.subject is not None else []

    def _who_lines(self, b: Benefit, lang: Lang) -> list[str]:
        t = self.cat.t
        sep = t(lang, "list_sep")
        if b.applicants == "any":
            types = t(lang, "dlg.clause.any_applicant")
        else:
            types = sep.join(listed([self.r.value("entity_type", a, lang) for a in b.applicants], lang))
        lines = [t(lang, "dlg.clause.applicants", types=types)]
        shown = [c for c in b.conditions if c.label is not None or c.equals is not None]
        conds = listed([self.r.condition(c, lang) for c in shown], lang)
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


def _once_unsaid(b: Benefit) -> bool:
    """A once-only reading of a clause whose text has no 一次性 (a new title, a new approval): not said as 一次性."""
    return b.award.frequency == "once" and "一次性" not in b.source.replace(" ", "")
