"""Render an ask result as the few lines a person reads on a phone, and as the JSON contract.

Order of the lines, most useful first: the benefit and its clause; the amount for the user's
figures (or the rule); who may apply and on what conditions; paid on conditions or chosen within a
yearly quota; the verbatim clause; what the amount still depends on; where to apply; the runner-up.
A refusal is the subject's own short reply plus what this assistant can do.
"""

from __future__ import annotations

from html import escape
from typing import Any

from bot.dialog.core import Answerer, SideAnswer
from bot.present.i18n import Catalog, text
from bot.present.report import Renderer
from eligibility.ask import AskResult, ask
from eligibility.matcher import Matcher
from knowledge.models import Benefit, KnowledgeBase, Lang


class AnswerRenderer:
    """Words for ask results, in one language per call; holds no state beyond the catalogue."""

    def __init__(self, kb: KnowledgeBase, catalog: Catalog, renderer: Renderer | None = None) -> None:
        self.kb = kb
        self.cat = catalog
        self.r = renderer or Renderer(kb, catalog)

    def render(self, result: AskResult, lang: Lang | None = None) -> str:
        lang = lang or result.lang
        if result.refused or result.best is None:
            return self._refusal(result, lang)
        return "\n".join(self._lines(result, result.best, lang))

    def to_json(self, result: AskResult, lang: Lang | None = None) -> dict[str, Any]:
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
            "answer": self.render(result, lang),
        }

    # -- pieces -----------------------------------------------------------------------------------
    def _lines(self, result: AskResult, b: Benefit, lang: Lang) -> list[str]:
        t = self.cat.t
        lines = [t(lang, "ask.head", title=text(b.title, lang), ref=self.r.ref(b.ref, lang))]
        if b.is_info:
            lines += [text(b.summary, lang), t(lang, "reason.info_only")]
        else:
            lines += self._amount_lines(result, b, lang)
            lines += self._who_lines(b, lang)
            lines.append(self._mode(b, lang))
        lines.append(t(lang, "report.clause", ref=self.r.ref(b.ref, lang), text=b.source))
        if result.depends_on:
            facts = self.cat.t(lang, "list_sep").join(self.r.fact_label(f, lang) for f in result.depends_on)
            lines.append(t(lang, "ask.depends", facts=facts))
        if not b.is_info:
            lines.append(t(lang, "ask.next", agency=text(self.kb.policy.implementing_agencies, lang)))
        if result.also:
            titles = self.cat.t(lang, "list_sep").join(
                t(lang, "ask.also_item", title=text(o.title, lang), ref=self.r.ref(o.ref, lang)) for o in result.also)
            lines.append(t(lang, "ask.also", titles=titles))
        return lines

    def _amount_lines(self, result: AskResult, b: Benefit, lang: Lang) -> list[str]:
        t = self.cat.t
        summary = t(lang, "ask.rule", summary=text(b.summary, lang))
        answer = result.answer
        if answer is None or answer.amount is None:
            if b.amount.kind == "none":
                return [summary, t(lang, "reason.no_amount_in_text")]
            return [summary]
        amount = self.r.amount(answer.amount, lang)
        if answer.from_figures:
            calc = t(lang, "ask.calc_sep").join(self.r.reason(b, x, lang) for x in answer.reasons)
            return [t(lang, "ask.amount_figures", amount=amount, calc=calc), summary]
        if answer.reasons:  # a tier named in the question
            return [t(lang, "ask.amount", amount=self.r.reason(b, answer.reasons[0], lang)), summary]
        return [t(lang, "ask.amount", amount=amount), summary]

    def _who_lines(self, b: Benefit, lang: Lang) -> list[str]:
        t = self.cat.t
        sep = t(lang, "list_sep")
        if b.applicants == "any":
            types = t(lang, "dlg.clause.any_applicant")
        else:
            types = sep.join(self.r.value("entity_type", a, lang) for a in b.applicants)
        lines = [t(lang, "dlg.clause.applicants", types=types)]
        conds = [self.r.condition(c, lang) for c in b.conditions if c.label is not None or c.equals is not None]
        if conds:
            lines.append(t(lang, "dlg.clause.conditions", conditions=sep.join(conds)))
        return lines

    def _mode(self, b: Benefit, lang: Lang) -> str:
        t = self.cat.t
        award = b.award
        if award.mode == "competitive" and award.quota is not None:
            quota = self.r.quota_count(b, lang)
            review = t(lang, "ask.expert_review") if award.expert_review else ""
            return t(lang, "ask.mode.competitive", quota=quota, review=review)
        freq = t(lang, f"ask.freq.{award.frequency}") if award.frequency else ""
        return t(lang, "ask.mode.conditional", frequency=freq)

    def _refusal(self, result: AskResult, lang: Lang) -> str:
        t = self.cat.t
        title = text(self.kb.policy.title, lang)
        lines = []
        if result.subject is not None:
            lines.append(text(result.subject.reply, lang))
        lines.append(t(lang, "ask.out_of_scope", title=title))
        lines.append(t(lang, "ask.can_do"))
        return "\n".join(lines)


def side_answerer(kb: KnowledgeBase, renderer: Renderer) -> Answerer:
    """The dialog's free-text answerer: the index is built here, once, and reused for every message."""
    matcher = Matcher(kb)
    answers = AnswerRenderer(kb, renderer.cat, renderer)

    def answer(message: str, lang: Lang) -> SideAnswer:
        result = ask(matcher, message)
        best = result.best
        return SideAnswer(
            text=escape(answers.render(result, lang), quote=False),
            in_scope=not result.refused,
            refs=tuple(result.refs),
            benefits=tuple(s.benefit.id for s in result.benefits),
            confidence=result.confidence,
            depends_on=result.depends_on,
            title=text(best.title, lang) if best else "",
            summary=text(best.summary, lang) if best else "",
        )

    return answer
