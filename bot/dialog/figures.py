"""Figures typed outside their own question: a correction of a figure recorded earlier ("不对，是40万"), a
bare figure right after an answer that said its amount depends on one, a figure given to nobody before the
assessment. Each is read against the recorded figure's own question; which one is asked, never guessed."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.dialog.clarify import ClarifyReader
from bot.dialog.model import Reply, SessionState
from bot.dialog.recording import MONEY
from bot.present.i18n import text
from eligibility.language import Reading
from eligibility.language.lexicon import lexicon
from eligibility.parsing import normalize
from eligibility.questionnaire import Question, question_by_id


class FigureReader(ClarifyReader):
    """Reads figures typed outside their question (:meth:`_earlier_figure`, :meth:`_wanted_figure`,
    :meth:`_unplaced_figure`)."""

    def _earlier_figure(self, s: SessionState, q: Question | None, reading: Reading, message: str,
                        today: date) -> list[Reply] | None:
        """A correction of a figure recorded earlier ("不对，是40万") typed while a question that takes no figure
        is on screen, or after the result: that figure changes, and the old one is said back. Read against
        the question on screen it states nothing (the figure names no fact); read against the recorded
        figure's own question it is its correction. With several figures recorded, which one is asked (the
        latest first), never guessed, unless it is the answer just given. A question asked with it ("刚才利息说
        错了，是30万，能拿多少") is answered after the change, never instead of it. None: the message is something
        else."""
        if s.mode not in ("assess", "done") or reading.intent is not None \
                or reading.facts or reading.clarify or not reading.figures:
            return None
        if q is not None and q.kind in MONEY:
            return None  # the question on screen takes the figure: the layer reads it as its answer
        latest: dict[str, int] = {}
        for n, step in enumerate(s.history):
            for fact_id in step.set:
                latest[fact_id] = n
        recorded = sorted((f for f in s.facts if f in self.d.kb.facts and self.d.kb.facts[f].type in MONEY),
                          key=lambda f: latest.get(f, -1), reverse=True)
        for fact_id in recorded:
            others = {k: v for k, v in s.typed_facts().items() if k != fact_id}
            own = question_by_id(self.d.kb, fact_id, others, today, self.d.validity, topic=s.topic)
            if own is None:
                continue
            again = self._understood(message, own)
            if not (again.correction or self._corrects(message)) or again.intent is not None:
                return None
            asked = q.id if q is not None else ""
            if again.clarify:  # "不对，是四五十万": still unsure; the layer's question, then the answer replaces
                c = again.clarify[0]
                return [self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, asked)]
            if fact_id not in again.facts:
                return None
            if len(recorded) > 1 and not (s.history and fact_id in s.history[-1].set):  # not the answer just given
                label = self.d.kb.facts[fact_id].label
                figure = next((f.text for f in again.figures if f.fact == fact_id), "")
                return [self._clarify_reply(s, fact_id, "lang.ask.confirm_amount",
                                            {"figure": figure, "label_zh": label.zh, "label_en": label.en},
                                            again.facts[fact_id], asked)]
            fixed = replace(again, facts={fact_id: again.facts[fact_id]}, answered=False, correction=True)
            ack = self._take(s, q, fixed)
            head = [Reply(ack)] if ack else []
            side = self.d.answerer(message, s.lang) if reading.is_question and self.d.answerer is not None else None
            if side is not None and side.in_scope:
                head += [Reply(side.text), Reply(self.d.t(s.lang, "dlg.side_resume"))]
            if s.mode == "done":
                s.current = None
                return [*head, *self._next(s, today)]
            return [*head, *self.d._ask_next(s, today)]
        return None

    def _corrects(self, message: str) -> bool:
        """A correction word anywhere in the message ("刚才利息说错了，是30万"), not only where the layer takes a
        message for a correction (a clause that starts with one)."""
        norm = normalize(message)
        return any(re.search(rf"\b{re.escape(w)}\b", norm) if w.isascii() else w in norm
                   for w in lexicon(self.d.kb).corrections)

    def _unplaced_figure(self, s: SessionState, reading: Reading, message: str, today: date) -> list[Reply] | None:
        """A statement before any assessment whose figure the layer gave to nobody ("贷款利息是我们老板个人付的，
        40万": not said to be the applicant's own) about an item whose amount is computed from such a figure:
        whether it is that figure is asked (the assessment starts with the question), never computed from
        as the free-text answer would."""
        if s.mode != "idle" or reading.intent is not None or reading.is_question or reading.facts \
                or reading.clarify or not reading.figures or self.d.answerer is None:
            return None
        if not all(f.role == "other" and f.value for f in reading.figures):
            return None
        side = self.d.answerer(message, s.lang)
        main = [b for b in side.benefits if b in self._benefit_ids][:1]
        amount = self.d.kb.benefit(main[0]).amount if side.in_scope and main else None
        fact_id = getattr(amount, "of", None) or getattr(amount, "by", None)
        fact = self.d.kb.facts.get(fact_id) if isinstance(fact_id, str) else None
        if fact is None or fact.type != "money":
            return None
        figure = reading.figures[0]
        intro = self.d._start(s, today, topic=None)[0]
        params: dict[str, object] = {"figure": figure.text, "label_zh": fact.label.zh, "label_en": fact.label.en}
        return [intro, self._clarify_reply(s, fact.id, "lang.ask.confirm_amount", params, figure.value,
                                           s.current or "")]

    def _wanted_figure(self, s: SessionState, reading: Reading, message: str, today: date) -> list[Reply] | None:
        """A bare figure sent before any assessment right after an answer that said its amount depends on a
        figure ("我们贷款1000万，利率4%" - "金额取决于：…实际支付利息" - "40万"): that figure, recorded (or asked
        about, when the layer is unsure of it), and the assessment starts; never refused as off-topic."""
        if s.mode != "idle" or not s.wants or reading.intent is not None or reading.is_question \
                or reading.facts or reading.clarify or not reading.figures:
            return None
        fact_id = s.wants[0]
        own = question_by_id(self.d.kb, fact_id, s.typed_facts(), today, self.d.validity, topic=s.topic)
        if own is None:
            return None
        again = self._understood(message, own)
        if again.intent is not None or again.is_question or not (fact_id in again.facts or again.clarify):
            return None
        s.wants = []
        if again.clarify:
            intro = self.d._start(s, today, topic=None)[0]
            c = again.clarify[0]
            return [intro, self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, s.current or "")]
        # the figure the answer asked for replaces one told before ("利息80万" then "那如果是120万呢" - "120万"),
        # said back with the old one
        ack = self._take(s, None, replace(again, answered=False, correction=True))
        return [*self._worked_out(s, fact_id, message), *([Reply(ack)] if ack else []),
                *self.d._start(s, today, topic=None)]

    def _worked_out(self, s: SessionState, fact_id: str, message: str) -> list[Reply]:
        """The answer that asked for the figure, now with it ("质押贷款贴息怎么算" - "我们利息付了70万": 35万元),
        read with the figure's own label so that it is that figure (G6: recorded, the amount was never said)."""
        fact = self.d.kb.facts.get(fact_id)
        if fact is None or self.d.answerer is None:
            return []
        side = self.d.answerer(f"{text(fact.label, s.lang)}{'：' if s.lang == 'zh' else ': '}{message}", s.lang)
        return [Reply(side.text)] if side.in_scope else []
