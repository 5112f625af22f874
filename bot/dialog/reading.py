"""Typed input read: what a message means for the dialog, through the one understanding layer.

What is typed goes through ``eligibility.language``: intents, the answer to the question on screen,
facts volunteered with it, corrections, notes to state back, and the one short question to ask when
the layer is not sure (nothing is recorded from an unsure figure). A button's label typed instead of
tapped does what the tap does; a question in passing gets a side answer and the assessment goes on.

:class:`TypedReader` belongs to one :class:`~bot.dialog.core.Dialog` and moves its session with the
dialog's own steps (ask next, apply, skip, show the result). Its layers, one module each: a label typed
for a tap (:mod:`bot.dialog.labels`), what a reading states recorded and the short question asked
(:mod:`bot.dialog.recording`), the reply to that question (:mod:`bot.dialog.clarify`), figures typed
outside their question (:mod:`bot.dialog.figures`); this module reads the message as a whole.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html import escape
from typing import Any

from bot.dialog.callbacks import Code, callback
from bot.dialog.figures import FigureReader
from bot.dialog.labels import label_key
from bot.dialog.model import Button, Reply, SessionState
from bot.dialog.recording import _FIGURE_JI, MONEY, affirms, pending_clarify
from bot.dialog.side import SideAnswer, contacts, lang_of
from bot.dialog.views import split_message
from bot.present.i18n import text
from eligibility.evaluate import totals
from eligibility.language import Reading, understand
from eligibility.parsing import looks_like_question, normalize
from eligibility.questionnaire import Question, group_answer
from knowledge.models import Lang

# Intents that give way to facts told with them ("你好，我们是正定的企业", "我想测一下，我们是律所").
_GIVES_WAY = ("greeting", "thanks", "assess", "ask")
# ... and these to a question asked with them ("你好，质押贴息怎么算", "我想问一下，银奖奖多少"): it is answered.
_GIVES_WAY_TO_QUESTIONS = ("greeting", "thanks", "ask")
# Figures a follow-up gives ("那如果是120万呢" is a supposition, "那3件呢" a count); never a phone or a year.
_FOLLOW_UP_ROLES = ("supposed", "other", "count", "amount")
_CLAUSE = re.compile(r"[，,。；;！!？?\n]")  # a message's clauses, each read on its own for what it states
_SO_FAR_LINES = 6  # items of a kind listed in the estimate so far; the rest counted


class TypedReader(FigureReader):
    """The typed-text half of a :class:`~bot.dialog.core.Dialog`: :meth:`read` is its entry."""

    def read(self, s: SessionState, message: str, today: date) -> list[Reply]:
        if not message.strip():
            return self.d._reask(s, today)
        tapped = self._typed_button(s, message, today)
        if tapped is not None:
            return tapped
        pending = pending_clarify(s.current)
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
                # Facts told before any assessment ("我们是正定的制药企业"): kept, and the assessment starts; the
                # figure the answer before asked for ("质押贷款贴息怎么算" - "我们利息付了70万") is worked out first.
                asked_for = [f for f in s.wants if f in reading.facts]
                s.wants = []
                worked = self._worked_out(s, asked_for[0], message) if asked_for else []
                ack = self._take(s, None, reading)
                return [*worked, *([Reply(ack)] if ack else []), *self.d._start(s, today, topic=None)]
            if reading.facts and not reading.is_question and s.mode == "done":
                ack = self._take(s, None, reading)
                return [Reply(ack), *self._next(s, today)] if ack else self._free_question(s, message, today)
            claimed = self._claimed(reading)
            if s.mode == "idle" and reading.is_question:
                claimed = {**self._stated(message, reading), **claimed}
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
            none = label_key(text(q.options[-1].label, "zh")), label_key(text(q.options[-1].label, "en"))
            looks_like = not any(affirms(v) for v in values) and not any(n and n in label_key(message) for n in none)
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
        picked = [f for f in q.facts if f not in said or affirms(said[f])]
        if not picked or not said:
            return reading
        merged = {**group_answer(q, {*s.ticked, *picked}, self.d.kb), **{k: v for k, v in said.items() if affirms(v)}}
        return replace(reading, facts={**{k: v for k, v in reading.facts.items() if k not in q.facts}, **merged})

    @staticmethod
    def _claimed(reading: Reading) -> dict[str, Any]:
        """The facts a question states as the user's own: an amount given by the user's figure, or anything
        said as a correction. The rest of what a question names is a topic, not a claim."""
        if reading.correction:
            return dict(reading.facts)
        figured = {f.fact for f in reading.figures if f.role == "amount" and f.fact}
        return {k: v for k, v in reading.facts.items() if k in figured}

    def _stated(self, message: str, reading: Reading) -> dict[str, Any]:
        """What a question's own statements say of the asker before any assessment ("我们是正定的企业，利息付了
        一百二十万，去年拿了优秀奖，能拿多少": the applicant, the place, the award): a fact a clause that is no
        question states on its own, as the whole message reads it. What the question clause names is a topic
        ("律所能申请贯标吗"), and an option of a tick-all list is left to the list, ticked with the rest."""
        listed = {f for g in self.d.kb.question_groups for f in g.facts}
        out: dict[str, Any] = {}
        for clause in _CLAUSE.split(message):
            if not clause.strip() or looks_like_question(_FIGURE_JI.sub("", clause)):
                continue
            alone = understand(self.d.kb, clause)
            if alone.intent is not None or alone.clarify:
                continue
            out.update({k: v for k, v in alone.facts.items() if k not in listed and reading.facts.get(k) == v})
        return out

    def _refusal_reason(self, side: SideAnswer, lang: Lang) -> str:
        """What an out-of-scope answer says before its general refusal ("本政策没有专利保险…的条款"); "" when
        it is the general refusal alone. Mid-assessment the reason is enough: the menu's pitch is not."""
        if side.in_scope:
            return ""
        marker = self.d.t(lang, "ask.out_of_scope", title="\x00").split("\x00")[0]
        return side.text.split(marker)[0].strip() if marker and marker in side.text else ""

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
        applicant = self._applicant_follow_up(message)
        unplaced = not side.in_scope or not specific
        joined = unplaced and (self._joins(message) or self._figure_follow_up(message))
        # a yes/no question that names nothing ("是按年算吗" after the interest card): about those items when,
        # read about them, it is a yes/no question of theirs ("今天天气怎么样" is none)
        bare = unplaced and not joined and not applicant and looks_like_question(message) \
            and not understand(self.d.kb, message).facts
        if s.said and (applicant or joined or bare):
            sep, colon = ("、", "：") if lang == "zh" else (", ", ": ")
            named = sep.join(self.d.views.short_title(self.d.kb.benefit(b), lang) for b in s.said)
            again = self.d.answerer(f"{named}{colon}{message}", lang)
            if again.in_scope and again.benefits and set(again.benefits) <= set(s.said) \
                    and (not bare or again.verdict is not None):
                s.wants = [f for f in again.depends_on if f in self.d.kb.facts and self.d.kb.facts[f].type in MONEY]
                return again
            # not about them ("明天会下雨吗"): the answer shown is the message's own, and usage statistics count the
            # answerer's last answer as the one shown, so it is given last
            side = self.d.answerer(message, lang)
        if side.in_scope and specific:  # the latest items first; "两个" after two questions is both
            s.said = list(dict.fromkeys([*specific, *s.said]))[:max(2, len(specific))]
        s.wants = [f for f in side.depends_on if f in self.d.kb.facts and self.d.kb.facts[f].type in MONEY]
        return side

    def _figure_follow_up(self, message: str) -> bool:
        """A question that gives a figure and names nothing ("那如果是120万呢", "换成200万呢", "那3件呢"): a
        follow-up about the items just answered, not a question of its own."""
        if not looks_like_question(message):
            return False
        return any(f.value and f.role in _FOLLOW_UP_ROLES for f in understand(self.d.kb, message).figures)

    def _applicant_follow_up(self, message: str) -> bool:
        """A question that names an applicant and nothing else ("我们是高校可以吗", "那科研院所呢", "What about an
        individual?"): about the items just answered (G6), not a search of its own for what that applicant may get."""
        if not looks_like_question(message) or not set(understand(self.d.kb, message).facts) <= {"entity_type"}:
            return False
        norm = normalize(message)
        kinds = self.d.kb.facts.get("entity_type")
        names = [normalize(w) for o in (kinds.options if kinds is not None else ()) if o.id != "other"
                 for w in (o.label.zh, o.label.en, *o.aliases)]
        return any(len(w) >= 2 and (re.search(rf"\b{re.escape(w)}\b", norm) if w.isascii() else w in norm)
                   for w in names)

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
