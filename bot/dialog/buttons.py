"""Pressed buttons: what a callback's data does to the session.

The data is read back with ``bot.dialog.callbacks`` (a code and its payload): the menu, a clause or a
page of the clause list, the answers summary, "keep my data", the navigation row (skip, back, result),
changing an answer, and the answer buttons of the question on screen (yes/no, a choice, "none", a
screening option ticked or the list done). A button that no longer fits the session (a double tap, an
old message) gets a pop-up note and changes nothing.

:class:`Buttons` belongs to one :class:`~bot.dialog.core.Dialog` and moves its session with the
dialog's own steps, as :class:`~bot.dialog.reading.TypedReader` does for typed text.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from bot.dialog.callbacks import Code, split
from bot.dialog.model import Reply, SessionState
from eligibility.answers import Answer
from eligibility.questionnaire import NONE_OPTION, Question, group_answer

if TYPE_CHECKING:
    from bot.dialog.core import Dialog


class Buttons:
    """The pressed-button half of a :class:`~bot.dialog.core.Dialog`: :meth:`press` is its entry."""

    def __init__(self, dialog: Dialog) -> None:
        self.d = dialog

    def press(self, s: SessionState, data: str, today: date) -> list[Reply]:
        d = self.d
        code, rest = split(data)
        if code is Code.MENU:
            return self._menu(s, rest, today)
        if code is Code.CLAUSE:
            if rest in {b.id for b in d.kb.benefits}:
                return [d.views.clause(d.kb.benefit(rest), s.lang)]
            return [d.views.clause_menu(s.lang)]
        if code in (Code.CLAUSES, Code.ANSWERS):  # a level or a page of the clause list, or the answers
            group, _, page = rest.partition("|")
            number = int(page) if page.isdigit() else 0
            if code is Code.CLAUSES:
                return [d.views.clause_menu(s.lang, group or None, number, edit=True)]
            return [d.views.answers_menu(s.facts, s.lang, group or None, number, edit=True)]
        if code is Code.FORGET:  # "keep my data" under the /forget confirmation
            return [Reply(d.t(s.lang, "dlg.forget.kept"), edit=True)]
        if code is Code.NAV:
            action, _, qid = rest.partition("|")
            if action == "skip":
                if s.mode not in ("assess", "done") or s.current is None or qid != s.current:
                    return self.stale(s)
                if s.mode == "done":  # changing an answer to "not sure": the fact becomes unknown
                    return d.changes.unsure(s, today)
                return d._skip(s, today, edit=True)
            if action == "back" and s.mode == "assess" and not s.history:
                return [Reply(d.t(s.lang, "dlg.tap.first"), popup=True)]
            return d._control(s, action, today)
        if code is Code.CHANGE:
            return d.changes.change(s, rest, today)
        qid, _, arg = rest.partition("|")
        # An answer is taken for the question on screen: the assessment's, or the one being changed
        # after the result ("done" with a current question).
        if s.mode not in ("assess", "done") or s.current is None or qid != s.current:
            return self.stale(s)
        q = d._current_question(s, today)
        if q is None:
            return self.stale(s)
        if code is Code.ANSWER:
            return self._answer(s, q, arg, today)
        if code is Code.TICK and q.kind == "multi" and arg in q.facts:
            value = arg
            s.ticked = [v for v in s.ticked if v != value] if value in s.ticked else [*s.ticked, value]
            return [d.views.question(q, s.lang, number=s.asked, left=s.left_shown or d._left(s, today),
                                     ticked=s.ticked, edit=True)]
        if code is Code.DONE and q.kind == "multi":
            facts = group_answer(q, [v for v in s.ticked if v in q.facts], d.kb)
            return d._apply(s, q, Answer(facts), today, edit=True)
        return self.stale(s)

    def _menu(self, s: SessionState, rest: str, today: date) -> list[Reply]:
        d = self.d
        action, _, arg = rest.partition("|")
        if action == "assess":
            return d._command(s, "assess", "", today)
        if action == "topic":
            return d._assess(s, today, topic=arg if arg in d.kb.policy.topics else None)
        if action == "fresh":
            return d._fresh(s, today, topic=arg if arg in d.kb.policy.topics else None)
        if action == "ask":
            return [Reply(escape(d.t(s.lang, "dlg.ask_prompt")))]
        if action == "clauses":
            return [d.views.clause_menu(s.lang)]
        if action == "lang":
            return d._switch_lang(s, "en" if s.lang == "zh" else "zh", today)
        if action in ("answers", "why", "result"):
            return d._control(s, action, today)
        return self.stale(s)

    def _answer(self, s: SessionState, q: Question, arg: str, today: date) -> list[Reply]:
        fact_id = q.facts[0]
        answer: Answer | None = None
        if q.kind == "bool" and arg in ("y", "n"):
            answer = Answer({fact_id: arg == "y"})
        elif q.kind == "choice" and arg in {o.value for o in q.options}:
            answer = Answer({fact_id: arg})
        elif q.kind == "money" and arg == "0":
            answer = Answer({fact_id: 0})
        elif q.kind == "money_list" and arg == "0":
            answer = Answer({fact_id: []})
        elif q.kind == "multi" and arg == NONE_OPTION:
            answer = Answer(group_answer(q, (), self.d.kb))
        if answer is None:
            return self.stale(s)
        return self.d._apply(s, q, answer, today, edit=True)

    def stale(self, s: SessionState) -> list[Reply]:
        """A button of a question already answered (a double tap, an old message): a pop-up note on
        the button, nothing new in the chat."""
        key = "dlg.tap.answered" if s.mode == "assess" else "dlg.tap.answered_done"
        return [Reply(self.d.t(s.lang, key), popup=True)]
