"""The dialog core: one function from (session state, input) to (replies, new state).

Every channel (console, Telegram, help-desk tools) calls ``Dialog.handle`` and renders the replies
its own way. No decision about the policy is taken outside the dialog package and the engine below it.
Here: the entry point, commands, pressed buttons and the steps of an assessment; typed text is read
in ``bot.dialog.reading``, side answers and contacts live in ``bot.dialog.side``, inline cards in
``bot.dialog.inline``, the help desk in ``bot.dialog.helpdesk``.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from bot.dialog.callbacks import FORGET_CONFIRM, MAX_BYTES, Code, callback, split
from bot.dialog.inline import inline_cards
from bot.dialog.model import (
    Button,
    ButtonInput,
    CommandInput,
    InlineCard,
    Input,
    Reply,
    SessionState,
    Step,
    TextInput,
)
from bot.dialog.reading import TypedReader
from bot.dialog.side import Answerer, AssessHints, SideAnswer
from bot.dialog.views import MAX_MESSAGE, Views
from bot.present.i18n import text
from bot.present.report import Renderer
from eligibility.answers import Answer
from eligibility.evaluate import assess
from eligibility.questionnaire import NONE_OPTION, Question, group_answer, plan, question_by_id
from eligibility.results import Amount, Assessment, Validity
from knowledge.models import KnowledgeBase, Lang

if TYPE_CHECKING:
    from bot.dialog.helpdesk import HelpDesk

__all__ = ["MAX_INPUT", "Answerer", "Dialog", "SideAnswer", "coalesce"]

MAX_INPUT = 2000  # longer texts are cut before any parsing: nobody answers a question in a novel


def coalesce(replies: list[Reply]) -> list[Reply]:
    """Fewer, fuller messages: a short note without buttons ("已记下…", "继续测评") joins the next new
    message, as long as the two fit in one. Edits stay on their own (they replace the pressed message)."""
    out: list[Reply] = []
    for reply in replies:
        last = out[-1] if out else None
        if (last is not None and not last.buttons and not last.edit and not reply.edit
                and not last.popup and not reply.popup
                and len(last.text) + 2 + len(reply.text) <= MAX_MESSAGE):
            out[-1] = Reply(f"{last.text}\n\n{reply.text}", reply.buttons)
        else:
            out.append(reply)
    return out


class Dialog:
    def __init__(self, kb: KnowledgeBase, renderer: Renderer, validity: Validity,
                 answerer: Answerer | None = None) -> None:
        self.kb = kb
        self.r = renderer
        self.views = Views(renderer)
        self.validity = validity
        self.answerer = answerer
        self._assessments: dict[tuple[str, date], Assessment] = {}
        self._help_desk: HelpDesk | None = None

        self.hints = AssessHints(renderer.cat)
        self.typed = TypedReader(self)

    def t(self, lang: Lang, key: str, **params: object) -> str:
        return self.r.cat.t(lang, key, **params)

    # -- entry point -------------------------------------------------------------------------------
    def handle(self, state: SessionState, inp: Input, today: date) -> tuple[list[Reply], SessionState]:
        """Never raises for user input: anything unreadable gets a friendly re-ask."""
        s = SessionState.from_json(state.to_json(), self.kb)  # work on a copy
        unseen, s.unseen = s.unseen, False
        if unseen and isinstance(inp, TextInput) and s.current is not None and s.mode in ("assess", "done"):
            # The last replies never arrived: this message was meant for a question the user has
            # not seen. Nothing is applied; the user gets the question that is actually open.
            q = self._current_question(s, today)
            if q is not None:
                return coalesce([Reply(self.t(s.lang, "dlg.unseen")),
                                 self.views.question(q, s.lang, number=max(s.asked, 1),
                                                     left=s.left_shown or self._left(s, today), ticked=s.ticked,
                                                     change=s.mode == "done")]), s
        assessing = s.mode == "assess"
        if isinstance(inp, CommandInput):
            replies = self._command(s, inp.name.lower(), inp.arg, today)
        elif isinstance(inp, ButtonInput):
            replies = self._button(s, inp.data[:MAX_BYTES], today)
        else:
            replies = self.typed.read(s, inp.text[:MAX_INPUT], today)
        if assessing and s.mode == "assess":
            replies = [self.hints.strip(r) for r in replies]
        return coalesce(replies), s

    def current_view(self, state: SessionState, today: date) -> list[Reply]:
        """Where the user is, shown again without changing anything: the question, the result or the menu."""
        s = SessionState.from_json(state.to_json(), self.kb)
        if s.mode == "assess":
            return self._ask_next(s, today)
        if s.mode == "done":
            return self._result(s, today, show_diff=False)
        return [Reply(escape(self.t(s.lang, "dlg.idle_hint")), self._menu(s.lang))]

    # -- commands ----------------------------------------------------------------------------------
    def _menu(self, lang: Lang) -> tuple[tuple[Button, ...], ...]:
        t = self.t
        menu = Code.MENU
        return ((Button(t(lang, "dlg.menu.assess"), callback(menu, "assess")),
                 Button(t(lang, "dlg.menu.ask"), callback(menu, "ask"))),
                (Button(t(lang, "dlg.menu.clauses"), callback(menu, "clauses")),
                 Button(t(lang, "dlg.menu.lang"), callback(menu, "lang"))))

    def _command(self, s: SessionState, name: str, arg: str, today: date) -> list[Reply]:
        lang = s.lang
        if name == "start":
            if arg == "assess":
                return self._assess(s, today, topic=None)
            if arg.startswith("topic_") and arg.removeprefix("topic_") in self.kb.policy.topics:
                return self._assess(s, today, topic=arg.removeprefix("topic_"))
            if arg.startswith("clause_"):
                return self._clause_by_ref(s, arg.removeprefix("clause_").replace("_", "."))
            return [Reply(escape(self.t(lang, "dlg.greeting")), self._menu(lang))]
        if name == "assess":
            return self._assess(s, today, topic=arg if arg in self.kb.policy.topics else None)
        if name == "ask":
            return [Reply(escape(self.t(lang, "dlg.ask_prompt")))]
        if name == "clauses":
            return [self.views.clause_menu(lang)]
        if name == "lang":
            return self._switch_lang(s, "en" if (arg or ("zh" if lang == "en" else "en")).startswith("en") else "zh",
                                     today)
        if name == "help":
            return [Reply(escape(self.t(lang, "dlg.help")), self._menu(lang))]
        if name == "cancel":
            s.mode, s.current, s.ticked = "idle", None, []
            return [Reply(self.t(lang, "dlg.cancelled"), self._menu(lang))]
        if name == "correct":
            return self._correct(s, arg[:MAX_INPUT], today)
        if name == "forget_ask":
            return [self.views.forget_confirm(lang, FORGET_CONFIRM)]
        if name == "forget":
            keep = s.lang
            s.__init__()  # type: ignore[misc]
            s.lang = keep
            return [Reply(self.t(keep, "dlg.forgotten"))]
        if name in ("back", "restart", "result", "why", "answers"):
            return self._control(s, name, today)
        return [Reply(self.t(lang, "dlg.unknown_command"))]

    def _switch_lang(self, s: SessionState, lang: Lang, today: date) -> list[Reply]:
        s.lang = lang
        replies = [Reply(self.t(lang, "dlg.lang_set"), () if s.mode == "assess" else self._menu(lang))]
        if s.mode == "assess":
            replies += self._ask_next(s, today)
        return replies

    def _assess(self, s: SessionState, today: date, topic: str | None) -> list[Reply]:
        """/assess and the deep links: go on with an open assessment; after a finished (or cancelled)
        one, ask whether to see its result or start again, never show someone's old figures unasked."""
        if s.mode == "assess" and s.current:
            return [Reply(self.t(s.lang, "dlg.resume")), *self._ask_next(s, today)]
        if s.facts:
            fresh = callback(Code.MENU, "fresh", topic) if topic else callback(Code.MENU, "fresh")
            return [Reply(self.t(s.lang, "dlg.earlier"),
                          ((Button(self.t(s.lang, "dlg.btn.last_result"), callback(Code.MENU, "result")),
                            Button(self.t(s.lang, "dlg.btn.start_again"), fresh)),))]
        return self._start(s, today, topic=topic)

    def _fresh(self, s: SessionState, today: date, topic: str | None) -> list[Reply]:
        """Everything answered so far is dropped (the language and the live keyboard stay)."""
        keep_lang, ui_msg, ui_turn = s.lang, s.ui_msg, s.ui_turn
        s.__init__()  # type: ignore[misc]
        s.lang, s.ui_msg, s.ui_turn = keep_lang, ui_msg, ui_turn
        return self._start(s, today, topic)

    def _start(self, s: SessionState, today: date, topic: str | None) -> list[Reply]:
        s.mode, s.topic, s.current, s.ticked, s.left_shown = "assess", topic, None, [], None
        s.last_total = None
        intro = self.t(s.lang, "dlg.start_assess")
        if topic:
            intro += "\n" + self.t(s.lang, "dlg.start_topic", topic=escape(text(self.kb.policy.topics[topic], s.lang)))
        return [Reply(intro), *self._ask_next(s, today)]

    def _clause_by_ref(self, s: SessionState, ref: str) -> list[Reply]:
        """A clause deep link: one message, however many benefits the clause holds."""
        matches = [b for b in self.kb.benefits if b.ref == ref]
        if not matches:
            return [self.views.clause_menu(s.lang)]
        if len(matches) == 1:
            return [self.views.clause(matches[0], s.lang)]
        return [self.views.clause_group(matches, s.lang)]

    # -- buttons -----------------------------------------------------------------------------------
    def _button(self, s: SessionState, data: str, today: date) -> list[Reply]:
        code, rest = split(data)
        if code is Code.MENU:
            return self._menu_button(s, rest, today)
        if code is Code.CLAUSE:
            if rest in {b.id for b in self.kb.benefits}:
                return [self.views.clause(self.kb.benefit(rest), s.lang)]
            return [self.views.clause_menu(s.lang)]
        if code in (Code.CLAUSES, Code.ANSWERS):  # a level or a page of the clause list, or the answers
            group, _, page = rest.partition("|")
            number = int(page) if page.isdigit() else 0
            if code is Code.CLAUSES:
                return [self.views.clause_menu(s.lang, group or None, number, edit=True)]
            return [self.views.answers_menu(s.facts, s.lang, group or None, number, edit=True)]
        if code is Code.FORGET:  # "keep my data" under the /forget confirmation
            return [Reply(self.t(s.lang, "dlg.forget.kept"), edit=True)]
        if code is Code.NAV:
            action, _, qid = rest.partition("|")
            if action == "skip":
                if s.mode not in ("assess", "done") or s.current is None or qid != s.current:
                    return self._stale(s, today)
                if s.mode == "done":  # changing an answer to "not sure": the fact becomes unknown
                    return self._unsure_change(s, today)
                return self._skip(s, today, edit=True)
            if action == "back" and s.mode == "assess" and not s.history:
                return [Reply(self.t(s.lang, "dlg.tap.first"), popup=True)]
            return self._control(s, action, today)
        if code is Code.CHANGE:
            return self._change(s, rest, today)
        qid, _, arg = rest.partition("|")
        # An answer is taken for the question on screen: the assessment's, or the one being changed
        # after the result ("done" with a current question).
        if s.mode not in ("assess", "done") or s.current is None or qid != s.current:
            return self._stale(s, today)
        q = self._current_question(s, today)
        if q is None:
            return self._stale(s, today)
        if code is Code.ANSWER:
            return self._answer_button(s, q, arg, today)
        if code is Code.TICK and q.kind == "multi" and arg in q.facts:
            value = arg
            s.ticked = [v for v in s.ticked if v != value] if value in s.ticked else [*s.ticked, value]
            return [self.views.question(q, s.lang, number=s.asked, left=s.left_shown or self._left(s, today),
                                        ticked=s.ticked, edit=True)]
        if code is Code.DONE and q.kind == "multi":
            facts = group_answer(q, [v for v in s.ticked if v in q.facts], self.kb)
            return self._apply(s, q, Answer(facts), today, edit=True)
        return self._stale(s, today)

    def _menu_button(self, s: SessionState, rest: str, today: date) -> list[Reply]:
        action, _, arg = rest.partition("|")
        if action == "assess":
            return self._command(s, "assess", "", today)
        if action == "topic":
            return self._assess(s, today, topic=arg if arg in self.kb.policy.topics else None)
        if action == "fresh":
            return self._fresh(s, today, topic=arg if arg in self.kb.policy.topics else None)
        if action == "ask":
            return [Reply(escape(self.t(s.lang, "dlg.ask_prompt")))]
        if action == "clauses":
            return [self.views.clause_menu(s.lang)]
        if action == "lang":
            return self._switch_lang(s, "en" if s.lang == "zh" else "zh", today)
        if action in ("answers", "why", "result"):
            return self._control(s, action, today)
        return self._stale(s, today)

    def _answer_button(self, s: SessionState, q: Question, arg: str, today: date) -> list[Reply]:
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
            answer = Answer(group_answer(q, (), self.kb))
        if answer is None:
            return self._stale(s, today)
        return self._apply(s, q, answer, today, edit=True)

    def _stale(self, s: SessionState, today: date) -> list[Reply]:
        """A button of a question already answered (a double tap, an old message): a pop-up note on
        the button, nothing new in the chat."""
        key = "dlg.tap.answered" if s.mode == "assess" else "dlg.tap.answered_done"
        return [Reply(self.t(s.lang, key), popup=True)]

    def _reask(self, s: SessionState, today: date) -> list[Reply]:
        """Typed text that fits nothing: the current question again, or the menu."""
        if s.mode == "assess":
            return [Reply(self.t(s.lang, "dlg.stale")), *self._ask_next(s, today)]
        return [Reply(escape(self.t(s.lang, "dlg.idle_hint")), self._menu(s.lang))]

    # -- typed text --------------------------------------------------------------------------------
    # What is typed goes through the one understanding layer (eligibility.language): intents, the answer
    # to the question on screen, facts volunteered with it, corrections, notes to state back, and the
    # one short question to ask when the layer is not sure (nothing is recorded from an unsure figure).







    # -- answers -----------------------------------------------------------------------------------
    def _current_question(self, s: SessionState, today: date) -> Question | None:
        if s.current is None:
            return None
        return question_by_id(self.kb, s.current, s.typed_facts(), today, self.validity, topic=s.topic,
                              skipped=s.skipped, assessment=self._assessment(s, today))

    def _apply(self, s: SessionState, q: Question, answer: Answer, today: date, *, edit: bool) -> list[Reply]:
        previous = {f: s.facts[f] for f in answer.facts if f in s.facts}
        s.history.append(Step(question=q.id, set=dict(answer.facts), previous=previous))
        s.facts.update(answer.facts)
        s.ticked = []
        return self._after_answer(s, today, edit=edit)

    def _skip(self, s: SessionState, today: date, *, edit: bool) -> list[Reply]:
        q = self._current_question(s, today)
        if q is None:
            return self._ask_next(s, today)
        unknown = [f for f in q.facts if f not in s.facts]
        s.skipped = list(dict.fromkeys([*s.skipped, *unknown]))
        s.history.append(Step(question=q.id, set={}, skipped=unknown))
        s.ticked = []
        return self._ask_next(s, today, edit=edit)

    def _correct(self, s: SessionState, message: str, today: date) -> list[Reply]:
        """The message that gave the latest answer was edited: that answer is undone and the edited
        text read as the answer to the same question. Only a question's answer can be corrected."""
        if not s.history or s.history[-1].question == "volunteered" or s.mode not in ("assess", "done"):
            return []
        step = s.history.pop()
        for fact in step.set:
            s.facts.pop(fact, None)
        s.facts.update(step.previous)
        s.skipped = [f for f in s.skipped if f not in step.skipped]
        if s.mode == "assess":  # the question after it was on screen: the corrected one had the number before
            s.asked = max(s.asked - 1, 1)
        s.mode, s.current, s.ticked, s.left_shown = "assess", step.question, [], None
        if self._current_question(s, today) is None:
            s.current = None
            return [Reply(self.t(s.lang, "dlg.corrected")), *self._ask_next(s, today)]
        return [Reply(self.t(s.lang, "dlg.corrected")), *self.typed.read(s, message, today)]

    def _unsure_change(self, s: SessionState, today: date) -> list[Reply]:
        """"Not sure" on an answer being changed: the fact is unknown again, the result says what that changes."""
        q = self._current_question(s, today)
        if q is None:
            return self._result(s, today, show_diff=True)
        previous = {f: s.facts[f] for f in q.facts if f in s.facts}
        s.history.append(Step(question=q.id, set={}, skipped=list(q.facts), previous=previous))
        for fact in q.facts:
            s.facts.pop(fact, None)
        s.skipped = list(dict.fromkeys([*s.skipped, *q.facts]))
        return [Reply(self.t(s.lang, "dlg.change_done"), edit=True), *self._result(s, today, show_diff=True)]

    def _after_answer(self, s: SessionState, today: date, *, edit: bool) -> list[Reply]:
        if s.mode == "done":
            result = self._result(s, today, show_diff=True)
            return [Reply(self.t(s.lang, "dlg.change_done"), edit=True), *result] if edit else result
        return self._ask_next(s, today, edit=edit)

    def _left(self, s: SessionState, today: date) -> int:
        return plan(self.kb, s.typed_facts(), today, self.validity, topic=s.topic, skipped=s.skipped,
                    groups_done=s.groups_done(), assessment=self._assessment(s, today))[1]

    def _ask_next(self, s: SessionState, today: date, *, edit: bool = False) -> list[Reply]:
        q, left = plan(self.kb, s.typed_facts(), today, self.validity, topic=s.topic, skipped=s.skipped,
                       groups_done=s.groups_done(), assessment=self._assessment(s, today))
        if q is None:
            result = self._result(s, today, show_diff=False)
            if edit:  # the question message stops offering buttons that no longer apply
                return [Reply(self.t(s.lang, "dlg.all_answered"), edit=True), *result]
            return result
        if q.id != s.current:
            s.asked += 1
            s.ticked = []
            # A new question: the estimate falls by at least one (a follow-up that the last answer
            # opened does not make it rise), and never below one while questions remain.
            if s.left_shown is not None:
                left = max(1, min(left, s.left_shown - 1))
        elif s.left_shown is not None:
            left = max(1, min(left, s.left_shown))
        s.current, s.mode, s.left_shown = q.id, "assess", left
        return [self.views.question(q, s.lang, number=max(s.asked, 1), left=left, ticked=s.ticked, edit=edit)]

    def assessment(self, s: SessionState, today: date) -> Assessment:
        """The assessment a channel shows beside the replies (the web page's result and share link)."""
        return self._assessment(s, today)

    def _assessment(self, s: SessionState, today: date) -> Assessment:
        """The assessment of the session's facts, remembered for the few calls one input makes."""
        key = (json.dumps(s.facts, sort_keys=True), today)
        cached = self._assessments.get(key)
        if cached is None:
            if len(self._assessments) > 64:
                self._assessments.clear()
            cached = self._assessments[key] = assess(self.kb, s.typed_facts(), today, self.validity)
        return cached

    def _result(self, s: SessionState, today: date, *, show_diff: bool) -> list[Reply]:
        a = self._assessment(s, today)
        diff = ""
        new_total = [a.eligible_total.min, a.eligible_total.max]
        if show_diff and s.last_total is not None:
            old = self.r.amount(Amount(*s.last_total), s.lang)
            new = self.r.amount(a.eligible_total, s.lang)
            diff = self.t(s.lang, "dlg.result.changed", old=escape(old), new=escape(new)) if old != new else \
                self.t(s.lang, "dlg.result.unchanged", amount=escape(new))
        s.mode, s.current, s.ticked, s.last_total = "done", None, [], new_total
        return self.views.result(a, s.lang, topic=s.topic, diff=diff)

    # -- back, restart, change -----------------------------------------------------------------------
    def _control(self, s: SessionState, action: str, today: date) -> list[Reply]:
        lang = s.lang
        if action == "restart":
            return [Reply(self.t(lang, "dlg.restarted")), *self._fresh(s, today, s.topic)]
        if action == "back":
            if s.mode == "done" and s.current is not None:  # changing an answer: back cancels the change
                return self._result(s, today, show_diff=False)
            if s.history:
                step = s.history.pop()
                removed = {f: v for f, v in s.facts.items() if f in step.set}
                for fact in step.set:
                    s.facts.pop(fact, None)
                s.facts.update(step.previous)
                s.skipped = [f for f in s.skipped if f not in step.skipped]
                # A question step moves the numbering back one; a volunteered statement re-asks the same one.
                s.asked = max(s.asked - (1 if step.question == "volunteered" else 2), 0)
                s.mode, s.current, s.left_shown = "assess", None, None  # going back may add a question
                undone = self.t(lang, "dlg.back_done")
                if step.question == "volunteered" and removed:
                    undone = self.t(lang, "dlg.back_statement", items=self.views.fact_values(removed, lang))
                return [Reply(undone), *self._ask_next(s, today)]
            if s.mode == "assess":
                return [Reply(self.t(lang, "dlg.back_none")), *self._ask_next(s, today)]
            return self._reask(s, today)
        if action == "result":
            if s.mode == "idle" and not s.facts:
                return self._reask(s, today)
            return self._result(s, today, show_diff=False)
        if action == "why":
            return self.views.why_not(self._assessment(s, today), lang)
        if action == "answers":
            return [self.views.answers_menu(s.facts, lang)]
        return self._reask(s, today)

    def _change(self, s: SessionState, fact_id: str, today: date) -> list[Reply]:
        """Re-ask one answered fact; the old answer stays until the new one arrives."""
        if fact_id not in self.kb.facts:
            return self._stale(s, today)
        others = {k: v for k, v in s.typed_facts().items() if k != fact_id}
        q = question_by_id(self.kb, fact_id, others, today, self.validity, topic=s.topic)
        if q is None:
            return self._stale(s, today)
        if s.mode == "idle":
            s.mode = "done"
        if s.last_total is None:
            a = self._assessment(s, today)
            s.last_total = [a.eligible_total.min, a.eligible_total.max]
        s.skipped = [f for f in s.skipped if f != fact_id]
        s.current = q.id
        return [self.views.question(q, s.lang, number=s.asked, left=1, change=True)]

    # -- help desk and inline mode -----------------------------------------------------------------
    def inline(self, query: str, lang: Lang, limit: int = 50) -> list[InlineCard]:
        """Answer cards for inline mode (bot/dialog/inline.py), best first; the channel pages them."""
        return inline_cards(self.kb, self.r, self.validity, self.answerer, self.hints, query, lang, limit)

    def helpdesk(self, message: str, lang: Lang, today: date) -> list[Reply]:
        """A customer's message forwarded by staff: the paste, then the staff notes (bot/dialog/helpdesk.py)."""
        return self.help_desk().replies(message, lang, today)

    def help_desk(self) -> HelpDesk:
        """The help desk of this runtime, built on first use (its matcher index costs a few milliseconds)."""
        from bot.dialog.helpdesk import HelpDesk

        if self._help_desk is None:
            self._help_desk = HelpDesk(self.kb, self.r, self.validity, counted=self.answerer)
        return self._help_desk
