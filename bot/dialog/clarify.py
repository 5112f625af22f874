"""The reply to a pending short question ("您说的80万是当年实际支付的利息吗？"): "是/对" records the figure asked
about, a figure replaces it, "不是" drops it and the fact is asked plainly, "不确定" skips it; anything else
goes on as ordinary text."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import replace
from datetime import date
from typing import Any

from bot.dialog.model import Reply, SessionState
from bot.dialog.recording import EITHER_OR, Recorder, affirms
from eligibility.errors import ProfileError
from eligibility.language import Reading, understand
from eligibility.profile import coerce_value, number_words
from eligibility.questionnaire import Question, question_by_id
from knowledge.models import Fact

_WAN = 10_000  # the unit 万 ("10,000 yuan" in the English question)


def _yes_no(fact: Fact) -> Question:
    """The fact asked as a yes/no question: to read "是/对/不是" to a clarifying question about it."""
    return Question(fact.id, "bool", fact.question, (fact.id,), (), ())


class ClarifyReader(Recorder, ABC):
    """Reads the reply to the short question waiting in the session (:meth:`_clarified`); a reply that is
    something else is read as any typed text (:meth:`read`)."""

    @abstractmethod
    def read(self, s: SessionState, message: str, today: date) -> list[Reply]:
        """Typed text read as a whole: :meth:`bot.dialog.reading.TypedReader.read`."""

    def _clarified(self, s: SessionState, pending: dict[str, Any], message: str, today: date) -> list[Reply]:
        """The reply to a clarifying question: "是/对" records the figure asked about, a figure replaces it,
        "不是" drops it (the fact is asked plainly later), "不确定" skips the fact; anything else goes on as
        ordinary text. What the reply gives for the fact asked about replaces the fact's earlier answer,
        whatever question was on screen; asked before any assessment (a question answered, "利息付了十几万"),
        the answer starts the assessment."""
        fact_id = str(pending.get("fact"))
        fact = self.d.kb.facts.get(fact_id)
        idle = s.mode == "idle"
        asked = question_by_id(self.d.kb, str(pending.get("q")), s.typed_facts(), today, self.d.validity,
                               topic=s.topic, skipped=s.skipped)
        s.current = asked.id if asked is not None else None
        if fact is None:
            return self.read(s, message, today)
        own = question_by_id(self.d.kb, fact_id, s.typed_facts(), today, self.d.validity, topic=s.topic)
        reading = self._understood(message, own)
        value = pending.get("value")
        if reading.intent in ("lang", "lang_en", "lang_zh"):
            # The language changed while a short question waits: the same question again, in the new language.
            s.lang = "en" if reading.intent == "lang_en" or (reading.intent == "lang" and s.lang == "zh") else "zh"
            return [Reply(self.d.t(s.lang, "dlg.lang_set")),
                    self._clarify_reply(s, fact_id, str(pending.get("key")), dict(pending.get("params") or {}),
                                        value, str(pending.get("q")), int(pending.get("tries") or 0))]

        def settled(answer: Reading) -> list[Reply]:
            answer = replace(answer, correction=answer.correction or fact_id in s.facts)
            if asked is not None and fact_id not in asked.facts:
                # Asked while another question was on screen: that question is still open (a tick-all list
                # is not answered by it), and goes on after the figure.
                answer = replace(answer, answered=False)
            if idle:
                ack = self._take(s, None, answer)
                return [*([Reply(ack)] if ack else []), *self.d._start(s, today, topic=None)]
            return self._record(s, asked or own or _yes_no(fact), answer, today)

        if pending.get("key") in EITHER_OR:
            # "80元还是80万元？": a unit alone ("万元", "元", "in yuan") completes the figure asked about, and so
            # does the unit the English question offers said back ("10,000 yuan" is 万, not an amount of
            # 10,000); a yes confirms neither reading, so nothing is recorded from it.
            figure = str((pending.get("params") or {}).get("figure") or "")
            completed = reading
            if figure and reading.figures and all(f.value == _WAN for f in reading.figures):
                completed = understand(self.d.kb, f"{figure}万", expecting=own)
            elif figure and not reading.figures:
                unit = re.sub(r"^\s*in\s+", "", message, flags=re.IGNORECASE)
                completed = understand(self.d.kb, f"{figure} {unit}" if s.lang == "en" else figure + unit,
                                       expecting=own)
            if fact_id in completed.facts and not completed.clarify:
                return settled(completed)
            value = None
        elif fact_id in reading.facts and not reading.clarify and (reading.figures or affirms(reading.facts[fact_id])):
            # A bare "不是/没有" with no figure is no answer of 0: it denies the reading asked about ("您说的80万是
            # 当年实际支付的利息吗？" - "不是"); the fact's own question follows, where 0 can be said.
            return settled(reading)
        confirm = understand(self.d.kb, message, expecting=_yes_no(fact))
        if confirm.facts.get(fact_id) is True and value is not None:
            try:
                typed = coerce_value(fact, value, number_words(self.d.kb))
            except ProfileError:
                typed = None
            if typed is not None:
                return settled(replace(confirm, facts={fact_id: typed}, clarify=(), answered=True))
        if confirm.facts.get(fact_id) is not None:
            # "不是" to a figure offered, or a plain yes/no to a question that offered none: ask for the fact itself.
            head = [Reply(self.d.t(s.lang, "dlg.ld.clarify_no"))] if value is not None else []
            return [*head, *self._ask_plainly(s, fact_id, today)]
        if reading.unknown or confirm.unknown:
            s.skipped = list(dict.fromkeys([*s.skipped, fact_id]))
            return self.d._start(s, today, topic=None) if idle else self.d._ask_next(s, today)
        if idle or reading.intent is not None or reading.facts or reading.is_question \
                or self._control_word(message) is not None:  # "查看结果": the view asked for, as ordinary text
            return self.read(s, message, today)
        if reading.clarify:  # still unsure ("四五十万"): the layer's new question about it
            c = reading.clarify[0]
            return [self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, str(pending.get("q")))]
        tries = int(pending.get("tries") or 0)
        if tries >= 1:  # not understood twice: the fact's own question, with its buttons and examples
            return [Reply(self.d.t(s.lang, "dlg.ld.clarify_retry")), *self._ask_plainly(s, fact_id, today)]
        retry = self._clarify_reply(s, fact_id, str(pending.get("key")), dict(pending.get("params") or {}), value,
                                    str(pending.get("q")), tries + 1)
        return [Reply(self.d.t(s.lang, "dlg.ld.clarify_retry")), retry]
