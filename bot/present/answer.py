"""Render an ask result as the few lines a person reads on a phone, as customer-ready prose, and as JSON.

One renderer, three forms: the chat card (:mod:`bot.present.card`), the paste for help-desk staff to send to
a customer (:mod:`bot.present.paste`: no bot commands, no self-reference, no card labels), and the
`ipbot ask --json` contract. The verdict of a yes/no question is worded in :mod:`bot.present.verdict`, the
pieces all three share in :mod:`bot.present.wording`, sentences tidied in :mod:`bot.present.prose`.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape, unescape
from typing import Any

from bot.dialog.core import Answerer, SideAnswer
from bot.dialog.side import contacts
from bot.present.card import ChatCard
from bot.present.i18n import text
from bot.present.paste import PasteProse
from bot.present.report import Renderer
from eligibility.ask import AskResult, ask
from eligibility.language import understand
from eligibility.matcher import Matcher
from eligibility.results import Validity
from knowledge.models import KnowledgeBase, Lang

# A message that is only one of these intents asks the policy nothing: answered as the chat answers it
SOCIAL_INTENTS = ("greeting", "thanks", "human")


class AnswerRenderer(ChatCard, PasteProse):
    """Words for ask results: the chat card, the paste and the `ipbot ask --json` contract."""

    def social(self, message: str) -> str | None:
        """The language layer's greeting, thanks or request for a person when the message is that alone
        ("你好", "Thanks!", "我要找人工"); None when it states or asks anything ("你好，银奖奖多少")."""
        said = understand(self.kb, message)
        if said.intent in SOCIAL_INTENTS and not (said.facts or said.is_question):
            return said.intent
        return None

    def reply(self, result: AskResult, lang: Lang | None = None, *, complaint: bool = False) -> str:
        """`ipbot ask`'s answer: a bare greeting, thanks or request for a person answered as the chat does
        (its contacts rule: the knowledge base's contacts, else the implementing agencies, never a number made
        up), anything else the chat card."""
        lang = lang or result.lang
        intent = self.social(result.question)
        if intent == "greeting":
            return "\n".join([self.cat.t(lang, "dlg.ld.hi"), self.cat.t(lang, "ask.can_do")])
        if intent == "thanks":
            return self.cat.t(lang, "dlg.ld.thanks")
        if intent == "human":
            return unescape(re.sub(r"</?b>", "", contacts(self.kb, self.cat, lang)))
        return self.render(result, lang, complaint=complaint)

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
            "answer": self.reply(result, lang, complaint=complaint),
        }


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
            verdict=result.verdict.verdict if result.verdict is not None else None,
            subject=result.subject.id if result.refused and result.subject is not None else None,
        )

    return answer
