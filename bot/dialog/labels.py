"""Buttons typed instead of tapped: which buttons are on screen, the ways a label is typed, and the
dialog's own views typed by name ("结果", "为什么"). A label typed does what its tap does, in either
language; a channel's own buttons use :func:`typed_label` too ("政策调整时通知我")."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from bot.dialog.callbacks import FORGET_CONFIRM, Code, callback, code_of, split
from bot.dialog.model import Button, Reply, SessionState
from bot.dialog.views import fit_label
from bot.present.i18n import LANGS, text
from eligibility.parsing import normalize
from eligibility.questionnaire import Question
from knowledge.models import Lang

if TYPE_CHECKING:
    from bot.dialog.core import Dialog


# Control words typed instead of tapped (catalogue keys dlg.words.*, "|"-separated, either language
# works); matched on the whole normalised message.
_CONTROL_ACTIONS = ("back", "restart", "cancel", "help", "result", "why", "answers", "lang_en", "lang_zh")
# Views the dialog names itself, typed by name: the layer has no intent for them.
_VIEW_WORDS = ("result", "why", "answers")
# Buttons that belong to the question on screen: typed, they are read against the current question.
_QUESTION_CODES = (Code.ANSWER, Code.TICK, Code.DONE, Code.NAV)


def _label_forms(label: str) -> set[str]:
    """The ways a label is typed: whole, each "/" half ("语言 / Language"), without a count ("专利项目 8")
    and the part before a colon ("申请主体类型: 企业" -> "申请主体类型")."""
    forms = {label, *label.split("/"), re.sub(r"\s+\d+$", "", label), re.split(r"[:：]", label)[0]}
    return {label_key(f) for f in forms} - {""}


def typed_label(message: str, label: str) -> bool:
    """Whether ``message`` is ``label`` typed (a channel's own buttons use it too: "政策调整时通知我")."""
    return is_label(label_key(message), label)


def is_label(typed: str, label: str) -> bool:
    """``typed`` (a label key) is one of the label's forms; a label cut short with "…" ("Trademarks and…")
    is also the whole name typed ("trademarks and geographical indications")."""
    if not typed:
        return False
    if typed in _label_forms(label):
        return True
    stem = label_key(label.split("…")[0]) if "…" in label else ""
    return len(stem) >= 4 and typed.startswith(stem)


def label_key(label: str) -> str:
    """A button label as typed: normalised, without marks, spaces or punctuation ("« 上一题" -> "上一题")."""
    return re.sub(r"[\W_]+", "", normalize(label))


class TypedLabels:
    """What of a typed message is a button's label or a view's name, for one :class:`~bot.dialog.core.Dialog`."""

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

    def _typed_button(self, s: SessionState, message: str, today: date) -> list[Reply] | None:
        """A button's label typed instead of tapped does what the tap does (either language)."""
        typed = label_key(message)
        if not typed:
            return None
        for button in self._on_screen(s, today):
            if is_label(typed, button.label):
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
        typed = label_key(message)
        for lang in LANGS:
            for row in self.d.views.question_buttons(q, lang, set(s.ticked)):
                for button in row:
                    if code_of(button.data) is Code.TICK and is_label(typed, button.label.lstrip("✅▫️ ")):
                        if button.label.startswith("✅"):
                            return None  # already ticked: the layer reads what else the message says
                        self.d.buttons.press(s, button.data, today)  # the tick redraws the list: not shown
                        done = self.d.buttons.press(s, callback(Code.DONE, q.id), today)
                        return [replace(r, edit=False) for r in done]
        return None

    def confirms_forget(self, s: SessionState, message: str) -> bool:
        """Whether ``message`` is the label of the /forget confirmation on screen, typed (either language):
        the channel then deletes as for the tap, which the dialog core cannot do (it spans chats)."""
        typed = label_key(message)
        shown = [Button(label, data) for label, data in s.shown if data == FORGET_CONFIRM]
        labels = [b.label for b in shown] + [self._label_in(s, b, x) for b in shown for x in LANGS if x != s.lang]
        return any(is_label(typed, label) for label in labels if label)

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
