"""Answers revisited: back, an edited message, an answer changed or made "not sure" after the result.

Every answer is a :class:`~bot.dialog.model.Step` in the session's history, with the values it replaced;
going back or correcting an edited message undoes the latest step (:func:`undo`). Changing an answer
from the result re-asks that one fact; the old answer stays until the new one arrives, and the result
then says what the change made of the total.

:class:`Changes` belongs to one :class:`~bot.dialog.core.Dialog` and moves its session with the
dialog's own steps, as :class:`~bot.dialog.reading.TypedReader` does for typed text.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bot.dialog.model import Reply, SessionState, Step
from eligibility.questionnaire import question_by_id

if TYPE_CHECKING:
    from bot.dialog.core import Dialog


def undo(s: SessionState) -> tuple[Step, dict[str, Any]]:
    """The latest step taken back: the facts it set go, the values it replaced return, what it skipped
    may be asked again. Returns the step and the values it had set."""
    step = s.history.pop()
    removed = {f: v for f, v in s.facts.items() if f in step.set}
    for fact in step.set:
        s.facts.pop(fact, None)
    s.facts.update(step.previous)
    s.skipped = [f for f in s.skipped if f not in step.skipped]
    return step, removed


class Changes:
    """The answer-revising half of a :class:`~bot.dialog.core.Dialog`."""

    def __init__(self, dialog: Dialog) -> None:
        self.d = dialog

    def back(self, s: SessionState, today: date) -> list[Reply]:
        """« Back: the latest step undone and the question before asked again."""
        d, lang = self.d, s.lang
        if s.mode == "done" and s.current is not None:  # changing an answer: back cancels the change
            return d._result(s, today, show_diff=False)
        if s.history:
            step, removed = undo(s)
            # A question step moves the numbering back one; a volunteered statement re-asks the same one.
            s.asked = max(s.asked - (1 if step.question == "volunteered" else 2), 0)
            s.mode, s.current, s.left_shown = "assess", None, None  # going back may add a question
            undone = d.t(lang, "dlg.back_done")
            if step.question == "volunteered" and removed:
                undone = d.t(lang, "dlg.back_statement", items=d.views.fact_values(removed, lang))
            return [Reply(undone), *d._ask_next(s, today)]
        if s.mode == "assess":
            return [Reply(d.t(lang, "dlg.back_none")), *d._ask_next(s, today)]
        return d._reask(s, today)

    def correct(self, s: SessionState, message: str, today: date) -> list[Reply]:
        """The message that gave the latest answer was edited: that answer is undone and the edited
        text read as the answer to the same question. Only a question's answer can be corrected."""
        d = self.d
        if not s.history or s.history[-1].question == "volunteered" or s.mode not in ("assess", "done"):
            return []
        step, _removed = undo(s)
        if s.mode == "assess":  # the question after it was on screen: the corrected one had the number before
            s.asked = max(s.asked - 1, 1)
        s.mode, s.current, s.ticked, s.left_shown = "assess", step.question, [], None
        if d._current_question(s, today) is None:
            s.current = None
            return [Reply(d.t(s.lang, "dlg.corrected")), *d._ask_next(s, today)]
        return [Reply(d.t(s.lang, "dlg.corrected")), *d.typed.read(s, message, today)]

    def change(self, s: SessionState, fact_id: str, today: date) -> list[Reply]:
        """Re-ask one answered fact; the old answer stays until the new one arrives."""
        d = self.d
        if fact_id not in d.kb.facts:
            return d.buttons.stale(s)
        others = {k: v for k, v in s.typed_facts().items() if k != fact_id}
        q = question_by_id(d.kb, fact_id, others, today, d.validity, topic=s.topic)
        if q is None:
            return d.buttons.stale(s)
        if s.mode == "idle":
            s.mode = "done"
        if s.last_total is None:
            a = d._assessment(s, today)
            s.last_total = [a.eligible_total.min, a.eligible_total.max]
        s.skipped = [f for f in s.skipped if f != fact_id]
        s.current = q.id
        return [d.views.question(q, s.lang, number=s.asked, left=1, change=True)]

    def unsure(self, s: SessionState, today: date) -> list[Reply]:
        """"Not sure" on an answer being changed: the fact is unknown again, the result says what that changes."""
        d = self.d
        q = d._current_question(s, today)
        if q is None:
            return d._result(s, today, show_diff=True)
        previous = {f: s.facts[f] for f in q.facts if f in s.facts}
        s.history.append(Step(question=q.id, set={}, skipped=list(q.facts), previous=previous))
        for fact in q.facts:
            s.facts.pop(fact, None)
        s.skipped = list(dict.fromkeys([*s.skipped, *q.facts]))
        return [Reply(d.t(s.lang, "dlg.change_done"), edit=True), *d._result(s, today, show_diff=True)]
