"""The dialog core: one function from (session state, input) to (replies, new state).

Every channel (console, Telegram, help-desk tools) calls ``Dialog.handle`` and renders the replies
its own way. No decision about the policy is taken outside the dialog package and the engine below it.
Here: the entry point, commands and the steps of an assessment (the next question, an answer applied,
a skip, the result); typed text is read in ``bot.dialog.reading``, pressed buttons in
``bot.dialog.buttons``, back, corrections and changed answers in ``bot.dialog.changes``, side answers
and contacts live in ``bot.dialog.side``, inline cards in ``bot.dialog.inline``, the help desk in
``bot.dialog.helpdesk``.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from bot.dialog.buttons import Buttons
from bot.dialog.callbacks import FORGET_CONFIRM, MAX_BYTES, Code, callback
from bot.dialog.changes import Changes
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
from eligibility.questionnaire import Question, plan, question_by_id
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
        self.buttons = Buttons(self)
        self.changes = Changes(self)

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
            replies = self.buttons.press(s, inp.data[:MAX_BYTES], today)
        else:
            replies = self.typed.read(s, inp.text[:MAX_INPUT], today)
        if assessing and s.mode == "assess":
            replies = [self.hints.strip(r) for r in replies]
        replies = coalesce(replies)
        keyboards = [r.buttons for r in replies if r.buttons and not r.popup]
        if keyboards:
            s.shown = [[b.label, b.data] for row in keyboards[-1] for b in row
                       if b.url is None and b.share is None and b.copy_text is None]
        return replies, s

    def confirms_forget(self, state: SessionState, inp: Input) -> bool:
        """Whether ``inp`` is the /forget confirmation's label typed while it is on screen: the channel's
        conversation then deletes, exactly as for the tap (``FORGET_CONFIRM``)."""
        return isinstance(inp, TextInput) and self.typed.confirms_forget(state, inp.text[:MAX_INPUT])

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
            return self.changes.correct(s, arg[:MAX_INPUT], today)
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
        if s.facts and s.last_total is None:
            # Never finished: cancelled midway ("已结束测评，您的回答已保存，发送 /assess 可继续") goes on where
            # it stopped; facts told before any assessment are kept and not asked again.
            if not any(step.question != "volunteered" for step in s.history):
                return self._start(s, today, topic=topic)
            s.mode, s.topic = "assess", topic or s.topic
            s.asked = max(0, s.asked - 1)  # the question shown again keeps the number it had
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
        s.last_total, s.asked = None, 0  # a new start is numbered from 1 (not after a cancelled question 1)
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

    def _reask(self, s: SessionState, today: date) -> list[Reply]:
        """Typed text that fits nothing: the current question again, or the menu."""
        if s.mode == "assess":
            return [Reply(self.t(s.lang, "dlg.stale")), *self._ask_next(s, today)]
        return [Reply(escape(self.t(s.lang, "dlg.idle_hint")), self._menu(s.lang))]

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

    def _after_answer(self, s: SessionState, today: date, *, edit: bool) -> list[Reply]:
        if s.mode == "done" and self._plan(s, today)[0] is not None:
            # A changed answer that opens questions ("注册在石家庄：否" changed to 是): they are asked now, as
            # after a correction typed in words, instead of a result full of "还不能确定".
            s.mode, s.current = "assess", None
            return self._ask_next(s, today, edit=edit)
        if s.mode == "done":
            result = self._result(s, today, show_diff=True)
            return [Reply(self.t(s.lang, "dlg.change_done"), edit=True), *result] if edit else result
        return self._ask_next(s, today, edit=edit)

    def _plan(self, s: SessionState, today: date) -> tuple[Question | None, int]:
        """The next question for the session's answers and about how many are left."""
        return plan(self.kb, s.typed_facts(), today, self.validity, topic=s.topic, skipped=s.skipped,
                    groups_done=s.groups_done(), assessment=self._assessment(s, today))

    def _left(self, s: SessionState, today: date) -> int:
        return self._plan(s, today)[1]

    def _ask_next(self, s: SessionState, today: date, *, edit: bool = False) -> list[Reply]:
        q, left = self._plan(s, today)
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

    # -- back, restart, the result's views ---------------------------------------------------------
    def _control(self, s: SessionState, action: str, today: date) -> list[Reply]:
        lang = s.lang
        if action == "restart":
            return [Reply(self.t(lang, "dlg.restarted")), *self._fresh(s, today, s.topic)]
        if action == "back":
            return self.changes.back(s, today)
        if action == "result":
            if s.mode == "idle" and not s.facts:
                return self._reask(s, today)
            return self._result(s, today, show_diff=False)
        if action == "why":
            return self.views.why_not(self._assessment(s, today), lang)
        if action == "answers":
            return [self.views.answers_menu(s.facts, lang)]
        return self._reask(s, today)

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
