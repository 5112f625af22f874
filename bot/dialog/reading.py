"""Typed input read: what a message means for the dialog, through the one understanding layer.

What is typed goes through ``eligibility.language``: intents, the answer to the question on screen,
facts volunteered with it, corrections, notes to state back, and the one short question to ask when
the layer is not sure (nothing is recorded from an unsure figure). A button's label typed instead of
tapped does what the tap does; a question in passing gets a side answer and the assessment goes on.

:class:`TypedReader` belongs to one :class:`~bot.dialog.core.Dialog` and moves its session with the
dialog's own steps (ask next, apply, skip, show the result).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from bot.dialog.callbacks import FORGET_CONFIRM, Code, callback, code_of, split
from bot.dialog.model import Button, Reply, SessionState, Step
from bot.dialog.side import SideAnswer, contacts, lang_of
from bot.dialog.views import fit_label, split_message
from bot.present.i18n import LANGS, text
from eligibility.errors import ProfileError
from eligibility.evaluate import totals
from eligibility.language import Reading, understand
from eligibility.language.lexicon import lexicon
from eligibility.parsing import looks_like_question, normalize
from eligibility.profile import coerce_value, number_words
from eligibility.questionnaire import Question, group_answer, plan, question_by_id
from knowledge.models import Fact, Lang

if TYPE_CHECKING:
    from bot.dialog.core import Dialog

# Control words typed instead of tapped (catalogue keys dlg.words.*, "|"-separated, either language
# works); matched on the whole normalised message.
_CONTROL_ACTIONS = ("back", "restart", "cancel", "help", "result", "why", "answers", "lang_en", "lang_zh")


# Views the dialog names itself, typed by name: the layer has no intent for them.
_VIEW_WORDS = ("result", "why", "answers")
# Intents that give way to facts told with them ("你好，我们是正定的企业", "我想测一下，我们是律所").
_GIVES_WAY = ("greeting", "thanks", "assess", "ask")
# ... and these to a question asked with them ("你好，质押贴息怎么算", "我想问一下，银奖奖多少"): it is answered.
_GIVES_WAY_TO_QUESTIONS = ("greeting", "thanks", "ask")
# A pending clarifying question lives in ``SessionState.current`` as this prefix and a JSON object (the
# fact, the message key and params, the candidate value, the question that was on screen), so it survives
# a restart like any question; no question id starts with it.
_CLARIFY = "clarify:"
# Note parameters that are yuan amounts (lang-core.yaml: "{yearly}/{value} yuan"), formatted as amounts.
_YUAN_PARAMS = ("value", "yearly")
# Clarifying questions that offer two readings of a figure ("您说的80是80元还是80万元？"): "是" confirms neither.
_EITHER_OR = frozenset({"lang.ask.unit"})
_WAN = 10_000  # the unit 万 ("10,000 yuan" in the English question)
# 几 right after a numeral belongs to a figure ("十几万", "二十几个"): a range, not a question word ("能补几万").
_FIGURE_JI = re.compile(r"(?<=[十百千\d])几")
_MONEY = ("money", "money_list")
_SO_FAR_LINES = 6  # items of a kind listed in the estimate so far; the rest counted


# Buttons that belong to the question on screen: typed, they are read against the current question.
_QUESTION_CODES = (Code.ANSWER, Code.TICK, Code.DONE, Code.NAV)


def _label_forms(label: str) -> set[str]:
    """The ways a label is typed: whole, each "/" half ("语言 / Language"), without a count ("专利项目 8")
    and the part before a colon ("申请主体类型: 企业" -> "申请主体类型")."""
    forms = {label, *label.split("/"), re.sub(r"\s+\d+$", "", label), re.split(r"[:：]", label)[0]}
    return {_label_key(f) for f in forms} - {""}


def typed_label(message: str, label: str) -> bool:
    """Whether ``message`` is ``label`` typed (a channel's own buttons use it too: "政策调整时通知我")."""
    return _is_label(_label_key(message), label)


def _is_label(typed: str, label: str) -> bool:
    """``typed`` (a label key) is one of the label's forms; a label cut short with "…" ("Trademarks and…")
    is also the whole name typed ("trademarks and geographical indications")."""
    if not typed:
        return False
    if typed in _label_forms(label):
        return True
    stem = _label_key(label.split("…")[0]) if "…" in label else ""
    return len(stem) >= 4 and typed.startswith(stem)


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


def _affirms(value: object) -> bool:
    """An answer that says something is there: an option picked, a yes, an amount (not 否/没有/都没有/0)."""
    return bool(value) and value != "none"


def _yes_no(fact: Fact) -> Question:
    """The fact asked as a yes/no question: to read "是/对/不是" to a clarifying question about it."""
    return Question(fact.id, "bool", fact.question, (fact.id,), (), ())


class TypedReader:
    """The typed-text half of a :class:`~bot.dialog.core.Dialog`: :meth:`read` is its entry."""

    def __init__(self, dialog: Dialog) -> None:
        self.d = dialog
        cat = dialog.r.cat
        self._fixed: dict[str, dict[str, str]] = {}
        self.control_words = {
            action: {normalize(w) for lang in LANGS for w in cat.t(lang, f"dlg.words.{action}").split("|")}
            for action in _CONTROL_ACTIONS}

    def _control_word(self, message: str) -> str | None:
        """The dialog's own views typed by name ("结果", "为什么", "修改"): words the layer has no intent for."""
        norm = normalize(message).strip(" 。.!！?？~～")
        for action in _VIEW_WORDS:
            if norm in self.control_words[action]:
                return action
        return None

    def read(self, s: SessionState, message: str, today: date) -> list[Reply]:
        if not message.strip():
            return self.d._reask(s, today)
        tapped = self._typed_button(s, message, today)
        if tapped is not None:
            return tapped
        pending = _pending(s.current)
        if pending is not None:
            return self._clarified(s, pending, message, today)
        q = self.d._current_question(s, today) if s.mode != "idle" and s.current else None
        if q is not None and q.kind == "multi":
            ticked = self._typed_tick(s, q, message, today)
            if ticked is not None:
                return ticked
        reading = self._understood(message, q)
        if q is not None:
            reading = self._with_ticks(s, q, self._as_answer(s, q, reading, message))
        # A command ("不测了", "上一题", "人工") is obeyed over anything else read in it.
        told = reading.facts or reading.clarify or (reading.is_question and reading.intent in _GIVES_WAY_TO_QUESTIONS)
        if reading.intent == "assess" and reading.is_question and not told and q is not None and s.mode == "assess":
            return self._so_far(s, today)  # "能拿多少钱？" mid-assessment: what the answers so far give
        if reading.intent is not None and (reading.intent not in _GIVES_WAY or not told):
            return self._intent(s, reading.intent, today)
        action = self._control_word(message)
        if action is not None and s.mode != "idle":
            return self.d._control(s, action, today)
        earlier = self._earlier_figure(s, q, reading, message, today)
        if earlier is not None:
            return earlier
        if q is None:
            if reading.clarify and not reading.is_question and s.mode == "idle":
                # A figure the layer is unsure of told before any assessment ("利息付了十几万", "去年付了60万，今年
                # 预计付80万"): the assessment starts with the one short question about it, and what else the
                # message states is kept; nothing is computed from the figure until it is answered.
                ack = self._take(s, None, reading)
                intro = self.d._start(s, today, topic=None)[0]
                c = reading.clarify[0]
                head = [Reply(ack)] if ack else []
                return [*head, intro, self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, s.current or "")]
            wanted = self._wanted_figure(s, reading, message, today) \
                or self._unplaced_figure(s, reading, message, today)
            if wanted is not None:
                return wanted
            if reading.clarify and reading.is_question and s.mode in ("idle", "done"):
                # A question with a figure the layer is unsure of ("十几万的利息，能补多少"): the answer asks about
                # the figure; the reply to it is then that question's answer and is recorded, not refused.
                answer = self._free_question(s, message, today)
                c = reading.clarify[0]
                asked = self._clarify_text(s, c.fact, c.key, dict(c.params))
                if asked and any(asked in r.text for r in answer):
                    self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, "")
                return answer
            if reading.clarify and not reading.is_question and s.mode == "done":
                # After the result: a figure the layer is unsure of is asked about before it changes anything.
                ack = self._take(s, None, reading)
                c = reading.clarify[0]
                head = [Reply(ack)] if ack else []
                return [*head, self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, "")]
            if reading.facts and not reading.is_question and s.mode == "idle":
                # Facts told before any assessment ("我们是正定的制药企业"): kept, and the assessment starts.
                ack = self._take(s, None, reading)
                return [Reply(ack), *self.d._start(s, today, topic=None)] if ack else self.d._start(s, today, None)
            if reading.facts and not reading.is_question and s.mode == "done":
                ack = self._take(s, None, reading)
                return [Reply(ack), *self._next(s, today)] if ack else self._free_question(s, message, today)
            claimed = self._claimed(reading)
            if claimed and reading.is_question and not reading.clarify:
                # The user's own figures told with a question ("我们质押贷款利息80万，能拿多少？" before any
                # assessment) or a correction asked about ("我们其实还有马德里注册，能多拿多少？" after the
                # result): the question is answered and they are kept, so the assessment does not ask them
                # again; after the result, it shows what changed. A fact a question only names ("马德里商标
                # 奖励去哪报", "律所能申请贯标吗") is no claim and is kept out.
                ack = self._take(s, None, replace(reading, facts=claimed))
                answer = self._free_question(s, message, today)
                if not ack:
                    return answer
                if s.mode == "done":
                    return [*answer[:-1], replace(answer[-1], buttons=()), Reply(ack), *self._next(s, today)]
                return [*answer[:-1], replace(answer[-1], buttons=()), Reply(ack, answer[-1].buttons)]
            return self._free_question(s, message, today)
        if reading.is_question and not reading.unknown:
            # A question in passing is answered; the user's own figures stated with it ("对了利息付了20万，能补
            # 多少？") and a correction are kept. An option it names ("有马德里，这个能补多少？", "示范企业奖励是
            # 自动发吗") is no answer: the question on screen stays open for it, untouched.
            reading = replace(reading, facts=self._claimed(reading))
            ack = self._take(s, q, reading)
            side = self._side(s, message, s.lang)
            head = [Reply(ack)] if ack else []
            tail = [self._clarify_reply(s, c.fact, c.key, dict(c.params), c.value, q.id)
                    for c in reading.clarify[:1]] or self._next(s, today)
            if side is not None and side.in_scope:
                return [*head, Reply(side.text), Reply(self.d.t(s.lang, "dlg.side_resume")), *tail]
            reason = self._refusal_reason(side, s.lang) if side is not None else ""
            if reason:  # a near miss ("专利保险有补贴吗"): its reason, not "没看懂这个回答"
                return [*head, Reply(reason), Reply(self.d.t(s.lang, "dlg.side_resume")), *tail]
            if ack or reading.clarify:
                return [*head, *tail]
            return [Reply(self.d.t(s.lang, "dlg.not_understood", examples=self.d.views.examples(q, s.lang))),
                    *self.d._ask_next(s, today)]
        if reading.facts or reading.clarify or (reading.answered and q.kind == "multi"):
            return self._record(s, q, reading, today)
        if reading.unknown:
            return self.d._skip(s, today, edit=False)
        if self.d.answerer is not None and len(message) > 3:
            side = self._side(s, message, s.lang) or self.d.answerer(message, s.lang)
            if side.in_scope:
                return [Reply(side.text), Reply(self.d.t(s.lang, "dlg.side_resume")), *self.d._ask_next(s, today)]
        return [Reply(self.d.t(s.lang, "dlg.not_understood", examples=self.d.views.examples(q, s.lang))),
                *self.d._ask_next(s, today)]

    def _understood(self, message: str, expecting: Question | None) -> Reading:
        """The layer's reading of ``message``; a range's "几" ("十几万", "二十几个") does not make it a question
        (read as one, "我们贷款利息是十几万" got a side answer and its short question twice, "大概十几万吧" on the
        interest question got "没看懂")."""
        reading = understand(self.d.kb, message, expecting=expecting)
        if reading.is_question and not looks_like_question(_FIGURE_JI.sub("", message)):
            return replace(reading, is_question=False)
        return reading

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
        if q is not None and q.kind in _MONEY:
            return None  # the question on screen takes the figure: the layer reads it as its answer
        latest: dict[str, int] = {}
        for n, step in enumerate(s.history):
            for fact_id in step.set:
                latest[fact_id] = n
        recorded = sorted((f for f in s.facts if f in self.d.kb.facts and self.d.kb.facts[f].type in _MONEY),
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

    def _so_far(self, s: SessionState, today: date) -> list[Reply]:
        """"能拿多少钱？" asked in the middle of the assessment: what the answers so far give (the items due and
        open to application, and their total), then the question on screen; the full result comes when the
        questions are done. Never "没看懂", never a guess for what is not answered yet."""
        a, lang, views = self.d._assessment(s, today), s.lang, self.d.views
        shown = [r for r in a.results if s.topic is None or r.benefit.topic == s.topic]
        lines: list[str] = []
        for key in ("eligible", "competitive"):
            group = [r for r in shown if r.status == key]
            if group:
                lines += [self.d.t(lang, f"dlg.result.{key}"), *(views._line(r, lang) for r in group[:_SO_FAR_LINES])]
                if len(group) > _SO_FAR_LINES:
                    lines.append(self.d.t(lang, "dlg.result.more", n=len(group) - _SO_FAR_LINES))
        # Items whose own answers are all in, open only on the applicant's type or place (the interest told
        # first, "利息80万"): with their amount and what is still to be confirmed.
        pending = [r for r in shown if r.status == "undetermined" and r.amount is not None and r.missing
                   and all(views.fact_group(f) == "basic" for f in r.missing)]
        if pending:
            lines += [self.d.t(lang, "dlg.result.undetermined"),
                      *(views._line(r, lang) for r in pending[:_SO_FAR_LINES])]
        if not any(r.status in ("eligible", "competitive") for r in shown):
            lines.insert(0, self.d.t(lang, "dlg.result.none"))
        eligible, competitive = totals([r for r in shown if r.status in ("eligible", "competitive")])
        lines.append(self.d.t(lang, "dlg.result.total", amount=escape(self.d.r.amount(eligible, lang))))
        if competitive.max:
            lines.append(self.d.t(lang, "dlg.result.total_competitive",
                                  amount=escape(self.d.r.yuan(competitive.max, lang))))
        return [Reply("\n".join(lines)), Reply(self.d.t(lang, "dlg.side_resume")), *self.d._ask_next(s, today)]

    def _corrects(self, message: str) -> bool:
        """A correction word anywhere in the message ("刚才利息说错了，是30万"), not only where the layer takes a
        message for a correction (a clause that starts with one)."""
        norm = normalize(message)
        return any(re.search(rf"\b{re.escape(w)}\b", norm) if w.isascii() else w in norm
                   for w in lexicon(self.d.kb).corrections)

    def _as_answer(self, s: SessionState, q: Question, reading: Reading, message: str) -> Reading:
        """What of a reading answers the question on screen. Read against the question, a negation or an
        option's name becomes its answer; two kinds of message only look like one:

        - a question in passing: only what it states on its own counts ("我们拿了银奖，能补多少？" does), not an
          option it names ("什么是优秀奖？", "马德里注册能补多少？") nor a policy figure read as the amount on
          screen ("做了专利导航就一定能拿20万吗" on the interest question);
        - a correction ("不对，我们其实是服务机构", "不是，我们是高校"): its "不对/不是" is not "否/都没有" to
          the question on screen. A message that contradicts an earlier answer is a correction, and a
          negative answer that the message does not state on its own is dropped (the question stays open).
        """
        if reading.intent is not None:
            return reading
        own_facts = set(q.facts)
        if reading.is_question:
            alone = understand(self.d.kb, message)
            return replace(alone, answered=False) if alone.intent is None else reading
        if reading.correction and reading.facts and set(reading.facts) <= own_facts and not reading.clarify \
                and self._bare_correction(q, reading, message):
            return replace(reading, intent="back", facts={}, answered=False, correction=False)
        contradicts = any(k not in own_facts and k in s.facts and s.facts[k] != v
                          for k, v in self._valid(reading).items())
        if not (reading.correction or contradicts):
            return reading
        answer = {k: v for k, v in reading.facts.items() if k in own_facts}
        if not answer or q.kind not in ("bool", "multi"):
            return replace(reading, correction=True)  # a figure or an option named is the answer itself
        # Of the answer to the question on screen only what the message states on its own is kept: read
        # against the question, a correction's words become ticks too ("no wait, we are a university"
        # ticked a well-known trademark).
        stated = understand(self.d.kb, message).facts
        kept = {k: v for k, v in reading.facts.items() if k not in answer or k in stated}
        return replace(reading, facts=kept, correction=True,
                       answered=reading.answered and any(k in kept for k in own_facts))

    def _bare_correction(self, q: Question, reading: Reading, message: str) -> bool:
        """A correction that states nothing but the correction ("选错了", "不对不对" on a tick-all screen): it is
        about the answer before, and read against the question on screen it only looked like 是 or 都没有.
        A figure or an option given with it ("sorry, I meant 90k", "不对，是马德里") is an answer, and so is a
        bare "不对" to a yes/no question (否) or a correction that names the list's "none" ("不对，都没有")."""
        values = list(reading.facts.values())
        if any(f.value for f in reading.figures):
            return False  # "不对，是40万": a figure is given, for the question on screen or an earlier one
        if q.kind == "bool":
            looks_like = values == [True]
        elif q.kind == "multi":
            none = _label_key(text(q.options[-1].label, "zh")), _label_key(text(q.options[-1].label, "en"))
            looks_like = not any(_affirms(v) for v in values) and not any(n and n in _label_key(message) for n in none)
        else:
            return False
        stated = understand(self.d.kb, message).facts
        return looks_like and not any(k in stated for k in reading.facts)

    def _with_ticks(self, s: SessionState, q: Question, reading: Reading) -> Reading:
        """Options ticked on screen stay ticked when another is typed by name ("马德里" after ticking 贯标):
        a typed option adds to the ticks, as its tap and "完成" would; a typed "都没有" is 都没有, as its tap."""
        if q.kind != "multi" or not s.ticked or not reading.answered:
            return reading
        said = {k: v for k, v in reading.facts.items() if k in q.facts}
        picked = [f for f in q.facts if f not in said or _affirms(said[f])]
        if not picked or not said:
            return reading
        merged = {**group_answer(q, {*s.ticked, *picked}, self.d.kb), **{k: v for k, v in said.items() if _affirms(v)}}
        return replace(reading, facts={**{k: v for k, v in reading.facts.items() if k not in q.facts}, **merged})

    @staticmethod
    def _claimed(reading: Reading) -> dict[str, Any]:
        """The facts a question states as the user's own: an amount given by the user's figure, or anything
        said as a correction. The rest of what a question names is a topic, not a claim."""
        if reading.correction:
            return dict(reading.facts)
        figured = {f.fact for f in reading.figures if f.role == "amount" and f.fact}
        return {k: v for k, v in reading.facts.items() if k in figured}

    def _refusal_reason(self, side: SideAnswer, lang: Lang) -> str:
        """What an out-of-scope answer says before its general refusal ("本政策没有专利保险…的条款"); "" when
        it is the general refusal alone. Mid-assessment the reason is enough: the menu's pitch is not."""
        if side.in_scope:
            return ""
        marker = self.d.t(lang, "ask.out_of_scope", title="\x00").split("\x00")[0]
        return side.text.split(marker)[0].strip() if marker and marker in side.text else ""

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

    def _typed_button(self, s: SessionState, message: str, today: date) -> list[Reply] | None:
        """A button's label typed instead of tapped does what the tap does (either language)."""
        typed = _label_key(message)
        if not typed:
            return None
        for button in self._on_screen(s, today):
            if _is_label(typed, button.label):
                # Typed, nothing was pressed: no message to edit, so none is edited or marked "answered"
                # (nor "changed, the result follows": typed, the result is the very next line).
                notes = {self.d.t(s.lang, "dlg.all_answered"), self.d.t(s.lang, "dlg.change_done")}
                return [replace(r, edit=False) for r in self.d.buttons.press(s, button.data, today)
                        if not (r.edit and r.text in notes)]
        return None

    def _typed_tick(self, s: SessionState, q: Question, message: str, today: date) -> list[Reply] | None:
        """An option's whole label typed on a tick-all screen (either language) is that option alone, as its
        tap and "done" would be: read by the layer, a label naming two options' words ("Originated IP
        securitisation") could tick the wrong one."""
        typed = _label_key(message)
        for lang in LANGS:
            for row in self.d.views.question_buttons(q, lang, set(s.ticked)):
                for button in row:
                    if code_of(button.data) is Code.TICK and _is_label(typed, button.label.lstrip("✅▫️ ")):
                        if button.label.startswith("✅"):
                            return None  # already ticked: the layer reads what else the message says
                        self.d.buttons.press(s, button.data, today)  # the tick redraws the list: not shown
                        done = self.d.buttons.press(s, callback(Code.DONE, q.id), today)
                        return [replace(r, edit=False) for r in done]
        return None

    def confirms_forget(self, s: SessionState, message: str) -> bool:
        """Whether ``message`` is the label of the /forget confirmation on screen, typed (either language):
        the channel then deletes as for the tap, which the dialog core cannot do (it spans chats)."""
        typed = _label_key(message)
        shown = [Button(label, data) for label, data in s.shown if data == FORGET_CONFIRM]
        labels = [b.label for b in shown] + [self._label_in(s, b, x) for b in shown for x in LANGS if x != s.lang]
        return any(_is_label(typed, label) for label in labels if label)

    def _on_screen(self, s: SessionState, today: date) -> list[Button]:
        """The buttons the user can see now: those of the last message with buttons (the clause list, the
        answers summary, a card's "自助测评"), then the question's, the result's and the menu's in both
        languages. A question's own buttons come from the question on screen, never from an older message;
        ticking a screening option is left to the layer (a typed option name answers the question)."""
        # The channel's own buttons ("政策调整时通知我") are the channel's to read; the question's come below.
        shown = [Button(label, data) for label, data in s.shown
                 if code_of(data) is not None and code_of(data) not in _QUESTION_CODES]
        other = [Button(self._label_in(s, b, x), b.data) for x in LANGS if x != s.lang for b in shown]
        rows: list[tuple[Button, ...]] = [tuple(shown), tuple(b for b in other if b.label)]
        q = self.d._current_question(s, today) if s.mode != "idle" and s.current else None
        for lang in (s.lang, *(x for x in LANGS if x != s.lang)):
            if q is not None:
                rows += self.d.views.question_buttons(q, lang, set(s.ticked))
            elif s.mode == "done":
                rows += [row for reply in self.d.views.result(self.d._assessment(s, today), lang, topic=s.topic)
                         for row in reply.buttons]
            rows += self.d._menu(lang)
        return [b for row in rows for b in row if code_of(b.data) is not Code.TICK]

    def _label_in(self, s: SessionState, button: Button, lang: Lang) -> str:
        """The label the same button has in ``lang``, built as the view builds it: a clause's title, a
        topic or group with its count, an answer with its value, or the catalogue's wording of a fixed
        label ("查看结果" / "See the result"); "" when there is none."""
        fixed = self._fixed_labels(lang).get(button.label)
        if fixed is not None:  # the catalogue's (a page's previous / next / up buttons among them)
            return fixed
        views, kb = self.d.views, self.d.kb
        code, rest = split(button.data)
        head = rest.partition("|")[0]
        if code is Code.CLAUSE and head in {b.id for b in kb.benefits}:
            return views.short_title(kb.benefit(head), lang)
        if code is Code.CLAUSES and head in kb.policy.topics:
            count = sum(b.topic == head for b in kb.benefits)
            return fit_label(f"{text(kb.policy.topics[head], lang)} {count}")
        if code is Code.ANSWERS and head:
            count = sum(views.fact_group(f) == head for f in s.facts)
            return fit_label(f"{views.group_name(head, lang)} {count}")
        if code is Code.CHANGE and head in s.facts:
            return fit_label(f"{views.fact_short(head, lang)}: {self.d.r.value(head, s.facts[head], lang)}")
        return ""

    def _fixed_labels(self, lang: Lang) -> dict[str, str]:
        """Each fixed button label (dlg.btn.*, dlg.menu.*) of the other language, by its wording in this one's."""
        if lang not in self._fixed:
            msgs = self.d.r.cat.messages
            self._fixed[lang] = {msgs[x][k]: v for x in LANGS if x != lang for k, v in msgs[lang].items()
                                 if k.startswith(("dlg.btn.", "dlg.menu.")) and k in msgs[x]}
        return self._fixed[lang]

    def _intent(self, s: SessionState, intent: str, today: date) -> list[Reply]:
        lang = s.lang
        assessing = s.mode == "assess" and s.current is not None
        if intent in ("lang_en", "lang_zh"):
            return self.d._switch_lang(s, "en" if intent == "lang_en" else "zh", today)
        if intent == "lang":  # "change language" names neither: the other one, as the 语言 / Language button
            return self.d._switch_lang(s, "en" if s.lang == "zh" else "zh", today)
        if intent == "assess":
            return self.d._command(s, "assess", "", today)
        if intent == "cancel" and s.mode == "idle":
            # Nothing to stop ("谢了哈 拜拜", "算了"): a goodbye, not "已结束测评，您的回答已保存".
            return [Reply(self.d.t(lang, "dlg.ld.thanks"), self.d._menu(lang))]
        if intent in ("help", "cancel"):
            return self.d._command(s, intent, "", today)
        if intent in ("back", "restart"):
            if s.mode == "idle" and intent == "back":
                return self.d._reask(s, today)
            return self.d._control(s, intent, today)
        if intent == "ask":
            return [Reply(escape(self.d.t(lang, "dlg.ask_prompt")))]
        if intent == "menu":
            return [Reply(self.d.t(lang, "dlg.ld.menu_assess" if assessing else "dlg.ld.menu"), self.d._menu(lang))]
        if intent == "clauses":  # "看看政策条款", "show me the clauses": what the 浏览政策条款 button does
            return self.d._command(s, "clauses", "", today)
        if intent == "human":
            return [Reply(contacts(self.d.kb, self.d.r.cat, lang), () if assessing else self.d._menu(lang)),
                    *self._resume(s, today, assessing)]
        key = "dlg.ld.thanks" if intent == "thanks" else "dlg.ld.hi" if assessing else "dlg.ld.hello"
        return [Reply(self.d.t(lang, key), () if assessing else self.d._menu(lang)), *self._resume(s, today, assessing)]

    def _side(self, s: SessionState, message: str, lang: Lang) -> SideAnswer | None:
        """The free-text answer to a question asked in the chat. A follow-up that the answerer places on no
        item of its own (out of scope, or only a general item such as the procedure) and joins or sums
        things (questions.yaml ``joined``/``total``: "两个都申请能拿多少", "那两个一共多少" after 专利导航 and
        产业化 were asked about) is read about the items answered before, when that reading stays on them
        ("今天天气怎么样" stays out of scope). The items answered are remembered for the next one."""
        if self.d.answerer is None:
            return None
        side = self.d.answerer(message, lang)
        # What the answer is about: its items, unless it is about a general item first (the procedure, with a
        # "您是否也想了解" suggestion after it).
        main = [b for b in side.benefits if b in self._benefit_ids]
        specific = [b for b in main if not self.d.kb.benefit(b).is_info] if main and not \
            self.d.kb.benefit(main[0]).is_info else []
        if s.said and (not side.in_scope or not specific) and self._joins(message):
            sep, colon = ("、", "：") if lang == "zh" else (", ", ": ")
            named = sep.join(self.d.views.short_title(self.d.kb.benefit(b), lang) for b in s.said)
            again = self.d.answerer(f"{named}{colon}{message}", lang)
            if again.in_scope and again.benefits and set(again.benefits) <= set(s.said):
                return again
        if side.in_scope and specific:  # the latest items first; "两个" after two questions is both
            s.said = list(dict.fromkeys([*specific, *s.said]))[:max(2, len(specific))]
        s.wants = [f for f in side.depends_on if f in self.d.kb.facts and self.d.kb.facts[f].type in _MONEY]
        return side

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
        ack = self._take(s, None, replace(again, answered=False))
        return [*([Reply(ack)] if ack else []), *self.d._start(s, today, topic=None)]

    def _joins(self, message: str) -> bool:
        """The message joins or sums things ("都", "一共", "both", "total"): the question cues' own words."""
        cues = self.d.kb.vocabulary.questions
        if cues is None:
            return False
        norm = normalize(message)
        for word in {*cues.joined, *cues.total}:
            stem = normalize(word).rstrip("*")
            if stem and (re.search(rf"\b{re.escape(stem)}" + ("" if word.endswith("*") else r"\b"), norm)
                         if stem.isascii() else stem in norm):
                return True
        return False

    @property
    def _benefit_ids(self) -> frozenset[str]:
        return frozenset(b.id for b in self.d.kb.benefits)

    def _resume(self, s: SessionState, today: date, assessing: bool) -> list[Reply]:
        return [Reply(self.d.t(s.lang, "dlg.ld.resume")), *self.d._ask_next(s, today)] if assessing else []

    def _free_question(self, s: SessionState, message: str, today: date) -> list[Reply]:
        lang = lang_of(message, s.lang)
        if self.d.answerer is None:
            return [Reply(escape(self.d.t(lang, "dlg.idle_hint")), self.d._menu(lang))]
        side = self._side(s, message, lang) or self.d.answerer(message, lang)
        buttons = self.d._menu(lang) if not side.in_scope else (
            (Button(self.d.t(lang, "dlg.menu.assess"), callback(Code.MENU, "assess")),),)
        if s.mode == "done":
            buttons = ((Button(self.d.t(lang, "dlg.btn.result"), callback(Code.MENU, "result")),),)
        return [Reply(p) for p in split_message(side.text)[:-1]] + [Reply(split_message(side.text)[-1], buttons)]

    def _notes(self, reading: Reading, lang: Lang) -> list[str]:
        """What the layer states back (a period converted, an approximation, a hedge, registered elsewhere)."""
        out = []
        for note in reading.notes:
            params = _params(note.params, lang)
            for key in _YUAN_PARAMS:  # "按300000元估算" reads "按30万元估算": the template holds the unit
                amount = params.get(key)
                if isinstance(amount, int) and not isinstance(amount, bool):
                    params[key] = self.d.r.yuan(amount, lang).removesuffix("元").removesuffix(" yuan")
            try:
                out.append(self.d.t(lang, note.key, **params))
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
            return self.d.t(s.lang, key, **_params(params, s.lang))
        except (KeyError, IndexError, ValueError):
            return escape(text(self.d.kb.facts[fact].question, s.lang)) if fact in self.d.kb.facts else ""

    def _clarify_reply(self, s: SessionState, fact: str, key: str, params: dict[str, object], value: object,
                       asked: str, tries: int = 0) -> Reply:
        """ONE short question; it waits in the session (``current``) until answered. ``asked`` is the
        question that was on screen, to go back to; ``tries``, how often it was not understood."""
        s.current = _CLARIFY + json.dumps({"fact": fact, "key": key, "params": params, "value": value, "q": asked,
                                           "tries": tries}, ensure_ascii=False, default=str)
        confirmable = value is not None and key not in _EITHER_OR
        hint = self.d.t(s.lang, "dlg.ld.clarify_confirm" if confirmable else "dlg.ld.clarify_open")
        question = self.d.views.name_the_options(self._clarify_text(s, fact, key, params), fact, s.lang)
        return Reply(f"{question}\n{hint}")

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

        if pending.get("key") in _EITHER_OR:
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
        elif fact_id in reading.facts and not reading.clarify and (reading.figures or _affirms(reading.facts[fact_id])):
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
