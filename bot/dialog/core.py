"""The dialog core: one function from (session state, input) to (replies, new state).

Every channel (console, Telegram, help-desk tools) calls ``Dialog.handle`` and renders the replies
its own way. No decision about the policy is taken outside this module and the engine below it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

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
from bot.dialog.views import MAX_MESSAGE, Views, split_message
from bot.present.i18n import LANGS, text
from bot.present.report import Renderer
from eligibility.answers import Answer
from eligibility.errors import ProfileError
from eligibility.evaluate import assess
from eligibility.language import Reading, understand
from eligibility.matcher import detect_lang
from eligibility.parsing import normalize
from eligibility.profile import coerce_value
from eligibility.questionnaire import NONE_OPTION, Question, group_answer, plan, question_by_id
from eligibility.results import Amount, Assessment, Validity
from knowledge.models import Fact, KnowledgeBase, Lang

if TYPE_CHECKING:
    from bot.dialog.helpdesk import HelpDesk

MAX_INPUT = 2000  # longer texts are cut before any parsing: nobody answers a question in a novel
# The button under the /forget confirmation. The channels turn its press into CommandInput("forget"),
# which the conversation (not the core) carries out: it deletes sessions across chats.
FORGET_CONFIRM = "f|yes"


@dataclass(frozen=True)
class SideAnswer:
    """What the free-text answerer says to a question: the text shown and what it matched."""

    text: str  # HTML, escaped
    in_scope: bool
    refs: tuple[str, ...] = ()
    benefits: tuple[str, ...] = ()
    confidence: float = 0.0
    depends_on: tuple[str, ...] = ()  # facts the answer depends on that the question did not give
    title: str = ""  # a short plain-text headline (inline cards)
    summary: str = ""  # one plain-text line (inline cards)


Answerer = Callable[[str, Lang], SideAnswer]

# Control words typed instead of tapped (catalogue keys dlg.words.*, "|"-separated, either language
# works); matched on the whole normalised message.
_CONTROL_ACTIONS = ("back", "restart", "cancel", "help", "result", "why", "answers", "lang_en", "lang_zh")


# Views the dialog names itself, typed by name: the layer has no intent for them.
_VIEW_WORDS = ("result", "why", "answers")
# Intents that give way to facts told with them ("你好，我们是正定的企业", "我想测一下，我们是律所").
_GIVES_WAY = ("greeting", "thanks", "assess", "ask")
# A pending clarifying question lives in ``SessionState.current`` as this prefix and a JSON object (the
# fact, the message key and params, the candidate value, the question that was on screen), so it survives
# a restart like any question; no question id starts with it.
_CLARIFY = "clarify:"


def _pending(current: str | None) -> dict[str, Any] | None:
    if not current or not current.startswith(_CLARIFY):
        return None
    try:
        data = json.loads(current.removeprefix(_CLARIFY))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _label_key(label: str) -> str:
    """A button label as typed: normalised, without marks, spaces or punctuation ("« 上一题" -> "上一题")."""
    return re.sub(r"[\W_]+", "", normalize(label))


def _params(params: Mapping[str, object], lang: Lang) -> dict[str, object]:
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


def _yes_no(fact: Fact) -> Question:
    """The fact asked as a yes/no question: to read "是/对/不是" to a clarifying question about it."""
    return Question(fact.id, "bool", fact.question, (fact.id,), (), ())


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


def _lang_of(message: str, default: Lang) -> Lang:
    """The language a free question is written in (answered in kind); the session's when it has no words."""
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", message):
        return default
    return detect_lang(message)


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

        # "Send /assess ..." in the free-text answers (catalogue keys ask.*): said once the user is
        # in an assessment, it would send them back to its start; those sentences are left out there.
        sentence = re.compile(r"[^。.!?！？]*/assess[^。.!?！？]*[。.!?！？]?")
        self._assess_hints = sorted({escape(hint) for lang in LANGS
                                     for key, template in renderer.cat.messages[lang].items()
                                     if key.startswith("ask.") and "/assess" in template
                                     for hint in sentence.findall(template)
                                     if not re.search(r"[{“\"]", hint)}, key=len, reverse=True)
        self.control_words = {
            action: {normalize(w) for lang in LANGS for w in renderer.cat.t(lang, f"dlg.words.{action}").split("|")}
            for action in _CONTROL_ACTIONS}

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
            replies = self._button(s, inp.data[:64], today)
        else:
            replies = self._text(s, inp.text[:MAX_INPUT], today)
        if assessing and s.mode == "assess":
            replies = [self._in_assessment(r) for r in replies]
        return coalesce(replies), s

    def _in_assessment(self, reply: Reply) -> Reply:
        """A side answer given in the middle of an assessment, without "send /assess" (the user is in it)."""
        body = reply.text
        for hint in self._assess_hints:
            body = body.replace(hint, "")
        return reply if body == reply.text else Reply(body.strip() or reply.text, reply.buttons, reply.edit,
                                                      reply.popup)

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
        return ((Button(t(lang, "dlg.menu.assess"), "m|assess"), Button(t(lang, "dlg.menu.ask"), "m|ask")),
                (Button(t(lang, "dlg.menu.clauses"), "m|clauses"), Button(t(lang, "dlg.menu.lang"), "m|lang")))

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
            fresh = f"m|fresh|{topic}" if topic else "m|fresh"
            return [Reply(self.t(s.lang, "dlg.earlier"),
                          ((Button(self.t(s.lang, "dlg.btn.last_result"), "m|result"),
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
        kind, _, rest = data.partition("|")
        if kind == "m":
            return self._menu_button(s, rest, today)
        if kind == "c":
            if rest in {b.id for b in self.kb.benefits}:
                return [self.views.clause(self.kb.benefit(rest), s.lang)]
            return [self.views.clause_menu(s.lang)]
        if kind in ("k", "v"):  # a level or a page of the clause list, or of the answers: in place
            group, _, page = rest.partition("|")
            number = int(page) if page.isdigit() else 0
            if kind == "k":
                return [self.views.clause_menu(s.lang, group or None, number, edit=True)]
            return [self.views.answers_menu(s.facts, s.lang, group or None, number, edit=True)]
        if kind == "f":  # "keep my data" under the /forget confirmation
            return [Reply(self.t(s.lang, "dlg.forget.kept"), edit=True)]
        if kind == "n":
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
        if kind == "x":
            return self._change(s, rest, today)
        qid, _, arg = rest.partition("|")
        # An answer is taken for the question on screen: the assessment's, or the one being changed
        # after the result ("done" with a current question).
        if s.mode not in ("assess", "done") or s.current is None or qid != s.current:
            return self._stale(s, today)
        q = self._current_question(s, today)
        if q is None:
            return self._stale(s, today)
        if kind == "a":
            return self._answer_button(s, q, arg, today)
        if kind == "t" and q.kind == "multi" and arg in q.facts:
            value = arg
            s.ticked = [v for v in s.ticked if v != value] if value in s.ticked else [*s.ticked, value]
            return [self.views.question(q, s.lang, number=s.asked, left=s.left_shown or self._left(s, today),
                                        ticked=s.ticked, edit=True)]
        if kind == "d" and q.kind == "multi":
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
    def _control_word(self, message: str) -> str | None:
        """The dialog's own views typed by name ("结果", "为什么", "修改"): words the layer has no intent for."""
        norm = normalize(message).strip(" 。.!！")
        for action in _VIEW_WORDS:
            if norm in self.control_words[action]:
                return action
        return None

    def _text(self, s: SessionState, message: str, today: date) -> list[Reply]:
        if not message.strip():
            return self._reask(s, today)
        tapped = self._typed_button(s, message, today)
        if tapped is not None:
            return tapped
        pending = _pending(s.current)
        if pending is not None and s.mode != "idle":
            return self._clarified(s, pending, message, today)
        q = self._current_question(s, today) if s.mode != "idle" and s.current else None
        reading = understand(self.kb, message, expecting=q)
        # A command ("不测了", "上一题", "人工") is obeyed over anything else read in it.
        if reading.intent is not None and (reading.intent not in _GIVES_WAY or not (reading.facts or reading.clarify)):
            return self._intent(s, reading.intent, today)
        action = self._control_word(message)
        if action is not None and s.mode != "idle":
            return self._control(s, action, today)
        if q is None:
            if reading.clarify and not reading.is_question and s.mode == "done":
                # After the result: a figure the layer is unsure of is asked about before it changes anything.
                ack = self._take(s, None, reading)
                c = reading.clarify[0]
                head = [Reply(ack)] if ack else []
                return [*head, self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, "")]
            if reading.facts and not reading.is_question and s.mode == "idle":
                # Facts told before any assessment ("我们是正定的制药企业"): kept, and the assessment starts.
                ack = self._take(s, None, reading)
                return [Reply(ack), *self._start(s, today, topic=None)] if ack else self._start(s, today, None)
            if reading.facts and not reading.is_question and s.mode == "done":
                ack = self._take(s, None, reading)
                return [Reply(ack), *self._next(s, today)] if ack else self._free_question(s, message, today)
            return self._free_question(s, message, today)
        if reading.is_question and not reading.unknown:
            # A question in passing is answered; facts stated with it ("对了利息付了20万，能补多少？") are kept.
            ack = self._take(s, q, reading)
            side = self.answerer(message, s.lang) if self.answerer is not None else None
            head = [Reply(ack)] if ack else []
            tail = [self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, q.id)
                    for c in reading.clarify[:1]] or self._next(s, today)
            if side is not None and side.in_scope:
                return [*head, Reply(side.text), Reply(self.t(s.lang, "dlg.side_resume")), *tail]
            if ack or reading.clarify:
                return [*head, *tail]
            return [Reply(self.t(s.lang, "dlg.not_understood", examples=self.views.examples(q, s.lang))),
                    *self._ask_next(s, today)]
        if reading.facts or reading.clarify or (reading.answered and q.kind == "multi"):
            return self._record(s, q, reading, today)
        if reading.unknown:
            return self._skip(s, today, edit=False)
        if self.answerer is not None and len(message) > 3:
            side = self.answerer(message, s.lang)
            if side.in_scope:
                return [Reply(side.text), Reply(self.t(s.lang, "dlg.side_resume")), *self._ask_next(s, today)]
        return [Reply(self.t(s.lang, "dlg.not_understood", examples=self.views.examples(q, s.lang))),
                *self._ask_next(s, today)]

    def _next(self, s: SessionState, today: date) -> list[Reply]:
        """Where to go after something typed in passing: the question on screen; after the result, the
        result with what changed, or the questions a correction opened again."""
        if s.mode == "done" and s.current is None:
            q, _left = plan(self.kb, s.typed_facts(), today, self.validity, topic=s.topic, skipped=s.skipped,
                            groups_done=s.groups_done(), assessment=self._assessment(s, today))
            if q is None:
                return self._result(s, today, show_diff=True)
            s.mode = "assess"
        return self._ask_next(s, today)

    def _typed_button(self, s: SessionState, message: str, today: date) -> list[Reply] | None:
        """A button's label typed instead of tapped does what the tap does (either language)."""
        typed = _label_key(message)
        if not typed:
            return None
        for button in self._on_screen(s, today):
            parts = {_label_key(button.label), *(_label_key(p) for p in button.label.split("/"))}
            if typed in parts - {""}:
                # Typed, nothing was pressed: no message to edit, so none is edited or marked "answered".
                done = self.t(s.lang, "dlg.all_answered")
                return [replace(r, edit=False) for r in self._button(s, button.data, today) if r.text != done]
        return None

    def _on_screen(self, s: SessionState, today: date) -> list[Button]:
        """The buttons the user can see now, in both languages; ticking a screening option is left to the
        layer (a typed option name answers the question instead of waiting for "完成")."""
        rows: list[tuple[Button, ...]] = []
        q = self._current_question(s, today) if s.mode != "idle" and s.current else None
        for lang in (s.lang, *(x for x in LANGS if x != s.lang)):
            if q is not None:
                rows += self.views.question_buttons(q, lang, set(s.ticked))
            elif s.mode == "done":
                rows += [row for reply in self.views.result(self._assessment(s, today), lang, topic=s.topic)
                         for row in reply.buttons]
            rows += self._menu(lang)
        return [b for row in rows for b in row if not b.data.startswith("t|")]

    def _intent(self, s: SessionState, intent: str, today: date) -> list[Reply]:
        lang = s.lang
        assessing = s.mode == "assess" and s.current is not None
        if intent in ("lang_en", "lang_zh"):
            return self._switch_lang(s, "en" if intent == "lang_en" else "zh", today)
        if intent == "assess":
            return self._command(s, "assess", "", today)
        if intent in ("help", "cancel"):
            return self._command(s, intent, "", today)
        if intent in ("back", "restart"):
            if s.mode == "idle" and intent == "back":
                return self._reask(s, today)
            return self._control(s, intent, today)
        if intent == "ask":
            return [Reply(escape(self.t(lang, "dlg.ask_prompt")))]
        if intent == "menu":
            return [Reply(self.t(lang, "dlg.ld.menu_assess" if assessing else "dlg.ld.menu"), self._menu(lang))]
        if intent == "human":
            return [Reply(self._contacts(lang), () if assessing else self._menu(lang)),
                    *self._resume(s, today, assessing)]
        key = "dlg.ld.thanks" if intent == "thanks" else "dlg.ld.hi" if assessing else "dlg.ld.hello"
        return [Reply(self.t(lang, key), () if assessing else self._menu(lang)), *self._resume(s, today, assessing)]

    def _resume(self, s: SessionState, today: date, assessing: bool) -> list[Reply]:
        return [Reply(self.t(s.lang, "dlg.ld.resume")), *self._ask_next(s, today)] if assessing else []

    def _contacts(self, lang: Lang) -> str:
        """Only what the knowledge base holds (knowledge/data/contact.yaml); without it, who implements the
        policy according to its text, and that the bot holds no contact details. Never an invented one."""
        if not self.kb.contacts:
            return self.t(lang, "dlg.ld.human_none", agencies=escape(text(self.kb.policy.implementing_agencies, lang)))
        lines = [self.t(lang, "dlg.ld.human_title")]
        for c in self.kb.contacts:
            lines.append(f"• <b>{escape(text(c.name, lang))}</b>")
            for key, value in (("phone", c.phone), ("hours", c.hours and text(c.hours, lang)),
                               ("address", c.address and text(c.address, lang)), ("url", c.url),
                               ("source", c.source)):
                if value:
                    lines.append("  " + self.t(lang, f"dlg.ld.contact.{key}", value=escape(value)))
        return "\n".join(lines)

    def _free_question(self, s: SessionState, message: str, today: date) -> list[Reply]:
        lang = _lang_of(message, s.lang)
        if self.answerer is None:
            return [Reply(escape(self.t(lang, "dlg.idle_hint")), self._menu(lang))]
        side = self.answerer(message, lang)
        buttons = self._menu(lang) if not side.in_scope else (
            (Button(self.t(lang, "dlg.menu.assess"), "m|assess"),),)
        if s.mode == "done":
            buttons = ((Button(self.t(lang, "dlg.btn.result"), "m|result"),),)
        return [Reply(p) for p in split_message(side.text)[:-1]] + [Reply(split_message(side.text)[-1], buttons)]

    def _notes(self, reading: Reading, lang: Lang) -> list[str]:
        """What the layer states back (a period converted, an approximation, a hedge, registered elsewhere)."""
        out = []
        for note in reading.notes:
            try:
                out.append(self.t(lang, note.key, **_params(note.params, lang)))
            except (KeyError, IndexError, ValueError):
                continue  # a note without wording yet is left out rather than breaking the reply
        return out

    def _valid(self, reading: Reading) -> dict[str, Any]:
        """The facts read that the engine takes as they are; any other value is left to be asked plainly."""
        out: dict[str, Any] = {}
        for fact_id, value in reading.facts.items():
            fact = self.kb.facts.get(fact_id)
            if fact is None:
                continue
            try:
                out[fact_id] = coerce_value(fact, value)
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
            now = self.views.fact_values({k: new[k] for k in previous}, lang)
            old = self.views.sep(lang).join(escape(self.r.value(k, v, lang)) for k, v in previous.items())
            lines.append(self.t(lang, "dlg.ld.corrected", items=now, old=old))
        told = {k: v for k, v in new.items() if k not in previous and not (q is not None and k in q.facts)}
        if told:
            lines.append(self.t(lang, "dlg.volunteered", items=self.views.fact_values(told, lang)))
        # An answer the layer had to read into (a period converted, an approximation, a hedge) is said back.
        noted = {k: v for k, v in new.items() if k not in previous and k not in told
                 and any(n.fact == k for n in reading.notes)}
        if noted:
            lines.append(self.t(lang, "dlg.ld.noted", items=self.views.fact_values(noted, lang)))
        return "\n".join([*lines, *self._notes(reading, lang)])

    def _record(self, s: SessionState, q: Question, reading: Reading, today: date) -> list[Reply]:
        """The answer and volunteered facts recorded together; then ONE short question if the layer asks one."""
        ack = self._take(s, q, reading)
        head = [Reply(ack)] if ack else []
        if reading.clarify:
            c = reading.clarify[0]
            return [*head, self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, q.id)]
        if reading.unknown and not any(f in reading.facts for f in q.facts):
            return [*head, *self._skip(s, today, edit=False)]
        return [*head, *self._after_answer(s, today, edit=False)]

    def _ask_plainly(self, s: SessionState, fact_id: str, today: date) -> list[Reply]:
        """The fact's own question, now: after the result it is a change of answer, as from the summary."""
        if s.mode == "done":
            return self._change(s, fact_id, today)
        q = question_by_id(self.kb, fact_id, s.typed_facts(), today, self.validity, topic=s.topic)
        if q is None:
            return self._ask_next(s, today)
        s.current = q.id
        return [self.views.question(q, s.lang, number=max(s.asked, 1), left=self._left(s, today))]

    def _clarify_reply(self, s: SessionState, fact: str, key: str, params: dict[str, object], value: object,
                       asked: str) -> Reply:
        """ONE short question; it waits in the session (``current``) until answered. ``asked`` is the
        question that was on screen, to go back to."""
        s.current = _CLARIFY + json.dumps({"fact": fact, "key": key, "params": params, "value": value, "q": asked},
                                          ensure_ascii=False, default=str)
        try:
            question = self.t(s.lang, key, **_params(params, s.lang))
        except (KeyError, IndexError, ValueError):
            question = escape(text(self.kb.facts[fact].question, s.lang)) if fact in self.kb.facts else ""
        hint = self.t(s.lang, "dlg.ld.clarify_confirm" if value is not None else "dlg.ld.clarify_open")
        return Reply(f"{question}\n{hint}")

    def _clarified(self, s: SessionState, pending: dict[str, Any], message: str, today: date) -> list[Reply]:
        """The reply to a clarifying question: "是/对" records the figure asked about, a figure replaces it,
        "不是" drops it (the fact is asked plainly later), "不确定" skips the fact; anything else goes on as
        ordinary text."""
        fact_id = str(pending.get("fact"))
        fact = self.kb.facts.get(fact_id)
        asked = question_by_id(self.kb, str(pending.get("q")), s.typed_facts(), today, self.validity,
                               topic=s.topic, skipped=s.skipped)
        s.current = asked.id if asked is not None else None
        if fact is None:
            return self._text(s, message, today)
        own = question_by_id(self.kb, fact_id, s.typed_facts(), today, self.validity, topic=s.topic)
        reading = understand(self.kb, message, expecting=own)
        if fact_id in reading.facts and not reading.clarify:
            return self._record(s, asked or own or _yes_no(fact), reading, today)
        confirm = understand(self.kb, message, expecting=_yes_no(fact))
        value = pending.get("value")
        if confirm.facts.get(fact_id) is True and value is not None:
            try:
                typed = coerce_value(fact, value)
            except ProfileError:
                typed = None
            if typed is not None:
                confirmed = replace(confirm, facts={fact_id: typed}, clarify=(), answered=True)
                return self._record(s, asked or _yes_no(fact), confirmed, today)
        if confirm.facts.get(fact_id) is not None:
            # "不是" to a figure offered, or a plain yes/no to a question that offered none: ask for the fact itself.
            head = [Reply(self.t(s.lang, "dlg.ld.clarify_no"))] if value is not None else []
            return [*head, *self._ask_plainly(s, fact_id, today)]
        if reading.unknown or confirm.unknown:
            s.skipped = list(dict.fromkeys([*s.skipped, fact_id]))
            return self._ask_next(s, today)
        if reading.intent is not None or reading.facts or reading.is_question:
            return self._text(s, message, today)
        if reading.clarify:  # still unsure ("四五十万"): the layer's new question about it
            c = reading.clarify[0]
            return [self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, str(pending.get("q")))]
        retry = self._clarify_reply(s, fact_id, str(pending.get("key")), dict(pending.get("params") or {}), value,
                                    str(pending.get("q")))
        return [Reply(self.t(s.lang, "dlg.ld.clarify_retry")), retry]

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
        return [Reply(self.t(s.lang, "dlg.corrected")), *self._text(s, message, today)]

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
    def helpdesk(self, message: str, lang: Lang, today: date) -> list[Reply]:
        """A customer's message forwarded by staff: the paste, then the staff notes (bot/dialog/helpdesk.py)."""
        return self.help_desk().replies(message, lang, today)

    def help_desk(self) -> HelpDesk:
        """The help desk of this runtime, built on first use (its matcher index costs a few milliseconds)."""
        from bot.dialog.helpdesk import HelpDesk

        if self._help_desk is None:
            self._help_desk = HelpDesk(self.kb, self.r, self.validity, counted=self.answerer)
        return self._help_desk

    def inline(self, query: str, lang: Lang, limit: int = 50) -> list[InlineCard]:
        """Answer cards for inline mode: the best matches of the query, best first (the channel pages them)."""
        query = query.strip()[:256]
        if not query:
            return [InlineCard(f"b{i}", text(b.title, lang), text(b.summary, lang),
                               self._card_text(b.id, lang)) for i, b in enumerate(self.kb.benefits[:limit])]
        if self.answerer is None:
            return []
        side = self.answerer(query, lang)
        if not side.in_scope:
            return []
        # Sent into someone else's chat: no "send /assess" there (that chat's bot may not be this one).
        cards = [InlineCard("a0", side.title or query, side.summary, self._in_assessment(Reply(side.text)).text)]
        for i, benefit_id in enumerate(side.benefits[1:limit], start=1):
            b = self.kb.benefit(benefit_id)
            cards.append(InlineCard(f"b{i}", text(b.title, lang), text(b.summary, lang), self._card_text(b.id, lang)))
        return cards

    def _card_text(self, benefit_id: str, lang: Lang) -> str:
        """An inline card: title, ref, summary and, for money, the amount line; no command to send."""
        from bot.present.answer import AnswerRenderer

        b = self.kb.benefit(benefit_id)
        ref = escape(self.r.ref(b.ref, lang))
        head = f"<b>{escape(text(b.title, lang))}</b>　{ref}" if lang == "zh" else \
            f"<b>{escape(text(b.title, lang))}</b> ({ref})"
        lines = [head, escape(text(b.summary, lang))]
        if not b.is_info:
            lines.append(escape(AnswerRenderer(self.kb, self.r.cat, self.r, self.validity).amount_rule_line(b, lang)))
        return "\n".join(lines)
