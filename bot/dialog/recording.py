"""What a reading states, recorded in the session: the facts the engine takes, the acknowledgement (a
correction said with the old value, a figure the layer read into said back), and the ONE short question
asked when the layer is unsure, which waits in the session until it is answered."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from html import escape
from typing import Any

from bot.dialog.labels import TypedLabels
from bot.dialog.model import Reply, SessionState, Step
from bot.present.i18n import text
from bot.present.prose import no_doubled_lead
from eligibility.errors import ProfileError
from eligibility.language import Reading, understand
from eligibility.parsing import looks_like_question
from eligibility.profile import coerce_value, number_words
from eligibility.questionnaire import Question, plan, question_by_id
from knowledge.models import Lang

# A pending clarifying question lives in ``SessionState.current`` as this prefix and a JSON object (the
# fact, the message key and params, the candidate value, the question that was on screen), so it survives
# a restart like any question; no question id starts with it.
CLARIFY = "clarify:"
# Note parameters that are yuan amounts (lang-core.yaml: "{yearly}/{value} yuan"), formatted as amounts.
_YUAN_PARAMS = ("value", "yearly")
# Clarifying questions that offer two readings of a figure ("您说的80是80元还是80万元？"): "是" confirms neither.
EITHER_OR = frozenset({"lang.ask.unit"})
# 几 right after a numeral belongs to a figure ("十几万", "二十几个"): a range, not a question word ("能补几万").
_FIGURE_JI = re.compile(r"(?<=[十百千\d])几")
MONEY = ("money", "money_list")


def pending_clarify(current: str | None) -> dict[str, Any] | None:
    """The short question waiting in ``current``, if one does."""
    if not current or not current.startswith(CLARIFY):
        return None
    try:
        data = json.loads(current.removeprefix(CLARIFY))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def note_params(params: Mapping[str, object], lang: Lang) -> dict[str, object]:
    """A note's or question's parameters as its template takes them: words from the message escaped
    (they go into HTML), several figures listed, numbers left for the template to format."""
    sep = "、" if lang == "zh" else ", "
    out: dict[str, object] = {}
    for key, value in params.items():
        if isinstance(value, (list, tuple)):
            out[key] = sep.join(escape(str(v)) for v in value)
        elif isinstance(value, str):
            out[key] = escape(value)
        else:
            out[key] = value
    return out


def affirms(value: object) -> bool:
    """An answer that says something is there: an option picked, a yes, an amount (not 否/没有/都没有/0)."""
    return bool(value) and value != "none"


class Recorder(TypedLabels):
    """Records what typed text states and asks the one short question; the layer's reading of a message."""

    def _understood(self, message: str, expecting: Question | None) -> Reading:
        """The layer's reading of ``message``; a range's "几" ("十几万", "二十几个") does not make it a question
        (read as one, "我们贷款利息是十几万" got a side answer and its short question twice, "大概十几万吧" on the
        interest question got "没看懂")."""
        reading = understand(self.d.kb, message, expecting=expecting)
        if reading.is_question and not looks_like_question(_FIGURE_JI.sub("", message)):
            return replace(reading, is_question=False)
        return reading

    @property
    def _benefit_ids(self) -> frozenset[str]:
        return frozenset(b.id for b in self.d.kb.benefits)

    def _next(self, s: SessionState, today: date) -> list[Reply]:
        """Where to go after something typed in passing: the question on screen; after the result, the
        result with what changed, or the questions a correction opened again."""
        if s.mode == "done" and s.current is None:
            q, _left = plan(self.d.kb, s.typed_facts(), today, self.d.validity, topic=s.topic, skipped=s.skipped,
                            groups_done=s.groups_done(), assessment=self.d._assessment(s, today))
            if q is None:
                return self.d._result(s, today, show_diff=True)
            s.mode = "assess"
        return self.d._ask_next(s, today)

    def _notes(self, reading: Reading, lang: Lang) -> list[str]:
        """What the layer states back (a period converted, an approximation, a hedge, registered elsewhere)."""
        out = []
        for note in reading.notes:
            params = note_params(note.params, lang)
            for key in _YUAN_PARAMS:  # "按300000元估算" reads "按30万元估算": the template holds the unit
                amount = params.get(key)
                if isinstance(amount, int) and not isinstance(amount, bool):
                    params[key] = self.d.r.yuan(amount, lang).removesuffix("元").removesuffix(" yuan")
            try:
                out.append(no_doubled_lead(self.d.t(lang, note.key, **params)))
            except (KeyError, IndexError, ValueError):
                continue  # a note without wording yet is left out rather than breaking the reply
        return out

    def _valid(self, reading: Reading) -> dict[str, Any]:
        """The facts read that the engine takes as they are; any other value is left to be asked plainly."""
        out: dict[str, Any] = {}
        for fact_id, value in reading.facts.items():
            fact = self.d.kb.facts.get(fact_id)
            if fact is None:
                continue
            try:
                out[fact_id] = coerce_value(fact, value, number_words(self.d.kb))
            except ProfileError:
                continue
        return out

    def _take(self, s: SessionState, q: Question | None, reading: Reading) -> str:
        """Record what the message states; the acknowledgement to show (corrections with the old value)."""
        # An earlier answer changes only when the message says it corrects it, or answers its question again.
        new = {k: v for k, v in self._valid(reading).items() if s.facts.get(k) != v and (
            k not in s.facts or reading.correction or (q is not None and k in q.facts))}
        answers_q = q is not None and (any(k in q.facts for k in new) or (reading.answered and q.kind == "multi"))
        if not new and not answers_q:
            return "\n".join(self._notes(reading, s.lang))
        previous = {k: s.facts[k] for k in new if k in s.facts}
        step_q = q.id if answers_q and q is not None else "volunteered"
        s.history.append(Step(question=step_q, set=dict(new), previous=previous))
        s.facts.update(new)
        s.ticked = []
        lang = s.lang
        lines = []
        if previous:
            now = self.d.views.fact_values({k: new[k] for k in previous}, lang)
            old = self.d.views.sep(lang).join(escape(self.d.r.value(k, v, lang)) for k, v in previous.items())
            lines.append(self.d.t(lang, "dlg.ld.corrected", items=now, old=old))
        told = {k: v for k, v in new.items() if k not in previous and not (q is not None and k in q.facts)}
        if told:
            lines.append(self.d.t(lang, "dlg.volunteered", items=self.d.views.fact_values(told, lang)))
        # An answer the layer had to read into (a period converted, an approximation, a hedge) is said back.
        noted = {k: v for k, v in new.items() if k not in previous and k not in told
                 and any(n.fact == k for n in reading.notes)}
        if noted:
            lines.append(self.d.t(lang, "dlg.ld.noted", items=self.d.views.fact_values(noted, lang)))
        return "\n".join([*lines, *self._notes(reading, lang)])

    def _record(self, s: SessionState, q: Question, reading: Reading, today: date) -> list[Reply]:
        """The answer and volunteered facts recorded together; then ONE short question if the layer asks one."""
        ack = self._take(s, q, reading)
        head = [Reply(ack)] if ack else []
        if reading.clarify:
            c = reading.clarify[0]
            if c.value is None and c.fact in q.facts and q.kind == "choice":
                # "是/有" to a pick-one question: which one is asked with the question's own buttons again,
                # not as a question waiting apart from them (which a tap could not answer).
                return [*head, Reply(self._clarify_text(s, c.fact, c.key, dict(c.params))), *self.d._ask_next(s, today)]
            return [*head, self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, q.id)]
        if reading.unknown and not any(f in reading.facts for f in q.facts):
            return [*head, *self.d._skip(s, today, edit=False)]
        return [*head, *self.d._after_answer(s, today, edit=False)]

    def _ask_plainly(self, s: SessionState, fact_id: str, today: date) -> list[Reply]:
        """The fact's own question, now: after the result it is a change of answer, as from the summary."""
        if s.mode == "done":
            return self.d.changes.change(s, fact_id, today)
        q = question_by_id(self.d.kb, fact_id, s.typed_facts(), today, self.d.validity, topic=s.topic)
        if s.mode == "idle":  # asked before any assessment: the assessment starts with this question
            intro = self.d._start(s, today, topic=None)
            if q is None:
                return intro
            s.current, s.asked = q.id, 1
            return [intro[0], self.d.views.question(q, s.lang, number=1, left=self.d._left(s, today))]
        if q is None:
            return self.d._ask_next(s, today)
        s.current = q.id
        return [self.d.views.question(q, s.lang, number=max(s.asked, 1), left=self.d._left(s, today))]

    def _clarify_text(self, s: SessionState, fact: str, key: str, params: dict[str, object]) -> str:
        try:
            return self.d.t(s.lang, key, **note_params(params, s.lang))
        except (KeyError, IndexError, ValueError):
            return escape(text(self.d.kb.facts[fact].question, s.lang)) if fact in self.d.kb.facts else ""

    def _clarify_reply(self, s: SessionState, fact: str, key: str, params: dict[str, object], value: object,
                       asked: str, tries: int = 0) -> Reply:
        """ONE short question; it waits in the session (``current``) until answered. ``asked`` is the
        question that was on screen, to go back to; ``tries``, how often it was not understood."""
        s.current = CLARIFY + json.dumps({"fact": fact, "key": key, "params": params, "value": value, "q": asked,
                                           "tries": tries}, ensure_ascii=False, default=str)
        confirmable = value is not None and key not in EITHER_OR
        hint = self.d.t(s.lang, "dlg.ld.clarify_confirm" if confirmable else "dlg.ld.clarify_open")
        question = self.d.views.name_the_options(self._clarify_text(s, fact, key, params), fact, s.lang)
        return Reply(f"{question}\n{hint}")
