"""How questions, results and clauses look in a chat: HTML text and buttons, short enough for a phone.

Everything that comes from the knowledge base or the user is escaped here, once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape
from typing import TypeVar

from bot.dialog.callbacks import Code, callback
from bot.dialog.model import Button, Reply
from bot.present.i18n import text
from bot.present.report import Renderer
from eligibility.evaluate import totals

__all__ = ["MAX_MESSAGE", "Views", "split_message", "totals"]  # totals: for channels that draw their own result
from eligibility.questionnaire import NONE_OPTION, Question
from eligibility.results import Assessment, BenefitResult
from knowledge.models import Benefit, Lang, Text

MAX_MESSAGE = 4096
PAGE = 8  # buttons in one page of a long list
T = TypeVar("T")
RESULT_ITEM_LINES = 12  # benefit lines (and their headings) shown before the rest is folded away


def fold(body: str) -> str:
    """An expandable quote (Bot API 7.3): two lines on screen, the rest a tap away."""
    return f"<blockquote expandable>{body}</blockquote>"


def split_message(body: str, limit: int = MAX_MESSAGE, *, measure: Callable[[str], int] = len,
                  prefix: Callable[[str, int], int] | None = None) -> list[str]:
    """Split at line boundaries so no part passes ``limit`` (as ``measure`` counts; Telegram: 4096).

    A single overlong line is cut hard, at ``prefix(line, limit)`` characters (default ``limit``); the
    Telegram channel passes UTF-16 counting and a cut that never ends inside an HTML entity.
    """
    parts: list[str] = []
    current = ""
    for line in body.split("\n"):
        while measure(line) > limit:  # a single overlong line: hard cut
            if current:
                parts.append(current)
                current = ""
            cut = prefix(line, limit) if prefix is not None else limit
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if measure(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def fit_label(label: str) -> str:
    """A button label cut to a phone's row, at a word where there are words, with "…"."""
    from knowledge.loader import SHORT_LABEL_LIMITS, label_width

    limit = SHORT_LABEL_LIMITS["en"]
    if label_width(label) <= limit:
        return label
    cut = label
    while cut and label_width(cut) > limit - 1:
        cut = cut[:-1]
    if " " in cut and not re.search(r"[\u4e00-\u9fff]", cut):
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:：，") + "…"


def pairs(buttons: list[Button]) -> tuple[tuple[Button, ...], ...]:
    """Buttons two to a row."""
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


class Views:
    def __init__(self, renderer: Renderer) -> None:
        self.r = renderer
        self.kb = renderer.kb
        self.cat = renderer.cat
        # A channel that can tell users of policy changes (Telegram) sets the button it offers under
        # a result ("政策调整时通知我"); the others leave it None and offer nothing.
        self.notices_button: Callable[[Lang], Button] | None = None
        self._fact_groups: dict[str, str] = {}
        common = {c.fact for c in self.kb.policy.common_conditions} | {"entity_type"}
        for b in self.kb.benefits:
            asked = [c.fact for c in b.conditions]
            asked += [getattr(b.amount, "by", None) or getattr(b.amount, "of", None) or ""]
            for fact_id in asked:
                if fact_id and fact_id not in common:
                    self._fact_groups.setdefault(fact_id, b.topic)

    def t(self, lang: Lang, key: str, **params: object) -> str:
        return self.cat.t(lang, key, **params)

    def sep(self, lang: Lang) -> str:
        return self.t(lang, "list_sep")

    # -- questions -------------------------------------------------------------------------------
    def question(self, q: Question, lang: Lang, *, number: int, left: int, ticked: Iterable[str] = (),
                 edit: bool = False, prefix: str = "", change: bool = False) -> Reply:
        """A question; ``change``: one answer asked again after the result (no number, nothing left)."""
        ticked = set(ticked)
        lines = [prefix] if prefix else []
        key = "dlg.question_change" if change else "dlg.question"
        lines.append(self.t(lang, key, n=number, text=escape(text(q.text, lang))))
        # A multiple choice says "tick all that apply" in its own text; its options are the buttons
        # (a console numbers them), never listed twice.
        if q.kind == "money":
            lines.append(self.t(lang, "dlg.money_hint"))
        elif q.kind == "money_list":
            lines.append(self.t(lang, "dlg.money_list_hint"))
        # Why, in one short line: how much hangs on the answer, not a list of benefit names.
        if len(q.decides) == 1:
            item = self.short_title(self.kb.benefit(q.decides[0]), lang)
            lines.append(self.t(lang, "dlg.why_one", item=escape(item)))
        elif q.decides:
            lines.append(self.t(lang, "dlg.why", n=len(q.decides)))
        if not change:
            lines.append(self.t(lang, "dlg.left", n=max(left, 1)))
        return Reply("\n".join(lines), self.question_buttons(q, lang, ticked), edit=edit)

    def question_buttons(self, q: Question, lang: Lang, ticked: set[str]) -> tuple[tuple[Button, ...], ...]:
        rows: list[tuple[Button, ...]] = []
        if q.kind == "bool":
            rows.append((Button(self.t(lang, "dlg.btn.yes"), callback(Code.ANSWER, q.id, "y")),
                         Button(self.t(lang, "dlg.btn.no"), callback(Code.ANSWER, q.id, "n"))))
        elif q.kind == "choice":
            opts = [Button(self.option_short(q, o.value, o.label, lang), callback(Code.ANSWER, q.id, o.value))
                    for o in q.options]
            rows += [tuple(opts[i:i + 2]) for i in range(0, len(opts), 2)]
        elif q.kind in ("money", "money_list"):
            rows.append((Button(self.t(lang, "dlg.btn.none_money"), callback(Code.ANSWER, q.id, "0")),))
        elif q.kind == "number":
            pass  # a count or a year is typed; only the navigation row below
        else:
            for o in q.options:
                if o.value == NONE_OPTION:
                    continue
                mark = "✅ " if o.value in ticked else "▫️ "
                label = mark + self.option_short(q, o.value, o.label, lang)
                rows.append((Button(label, callback(Code.TICK, q.id, o.value)),))
            rows.append((Button(text(q.options[-1].label, lang), callback(Code.ANSWER, q.id, NONE_OPTION)),
                         Button(self.t(lang, "dlg.btn.done"), callback(Code.DONE, q.id))))
        rows.append((Button(self.t(lang, "dlg.btn.back"), callback(Code.NAV, "back")),
                     Button(self.t(lang, "dlg.btn.unsure"), callback(Code.NAV, "skip", q.id)),
                     Button(self.t(lang, "dlg.btn.restart"), callback(Code.NAV, "restart"))))
        return tuple(rows)

    def name_the_options(self, question: str, fact_id: str, lang: Lang) -> str:
        """"具体是哪一项？请从选项中选一个。" said where no buttons are shown (a help-desk paste, a question
        after the result): the options are named in it, the "none" option left out."""
        generic = self.t(lang, "lang.ask.choice")
        fact = self.kb.facts.get(fact_id)
        if generic not in question or fact is None or fact.type != "choice":
            return question
        names = self.sep(lang).join(text(o.label, lang) for o in fact.options if o.id != "none")
        named = f"{generic[:-1]}：{names}。" if lang == "zh" else f"{generic.rstrip('.')}: {names}."
        return question.replace(generic, named)

    def option_short(self, q: Question, value: str, label: Text, lang: Lang) -> str:
        """An option's button label: its short form from the knowledge base where the full one is long."""
        if q.kind == "multi":
            fact = self.kb.facts.get(value)
            short = fact.short if fact is not None else None
        else:
            fact = self.kb.facts.get(q.facts[0])
            short = next((o.short for o in fact.options if o.id == value), None) if fact is not None else None
        return text(short if short is not None else label, lang)

    def examples(self, q: Question, lang: Lang) -> str:
        if q.kind == "choice":
            opts = self.sep(lang).join(f"“{text(o.label, lang)}”" if lang == "zh" else f'"{text(o.label, lang)}"'
                                       for o in q.options[:3])
            return self.t(lang, "dlg.examples.choice", options=escape(opts))
        return self.t(lang, f"dlg.examples.{q.kind}")

    def fact_values(self, facts: dict[str, object], lang: Lang) -> str:
        items = []
        for fact_id, value in facts.items():
            label = self.r.fact_label(fact_id, lang)
            shown = self.r.value(fact_id, value, lang)  # type: ignore[arg-type]
            items.append(f"{escape(label)}：{escape(shown)}" if lang == "zh" else f"{escape(label)}: {escape(shown)}")
        return self.sep(lang).join(items)

    # -- results ---------------------------------------------------------------------------------
    def _quota(self, b: Benefit, lang: Lang) -> str:
        if b.award.quota is None:
            return ""
        n = self.r.quota_count(b, lang)
        review = self.t(lang, "dlg.result.review_expert" if b.award.expert_review else "dlg.result.review_select")
        return self.t(lang, "dlg.result.quota", quota=n, review=review)

    def _line(self, r: BenefitResult, lang: Lang) -> str:
        """One benefit in one line: name, amount, clause; a competitive one adds its yearly quota."""
        b = r.benefit
        ref = escape(self.r.ref(b.ref, lang))
        head = f"• {escape(text(b.title, lang))}"
        if r.amount is not None:
            amount = escape(self.r.amount(r.amount, lang))
            head += f"：{amount}" if lang == "zh" else f": {amount}"
        head += f"　{ref}" if lang == "zh" else f" ({ref})"
        if r.status == "competitive" and b.award.quota is not None:
            head += ("，" if lang == "zh" else "; ") + escape(self._quota(b, lang))
        if r.status == "undetermined":
            facts = self.sep(lang).join(escape(self.r.fact_label(f, lang)) for f in r.missing)
            if facts:
                head += "\n  " + self.t(lang, "dlg.result.missing", facts=facts)
            # a reading of a silent text (an applicant the text does not name) leaves it open: say which
            head += "".join(f"\n  {escape(self.r.reason(b, x, lang))}" for x in r.reasons
                            if x.code == "reading_outside")
        return head

    def result(self, a: Assessment, lang: Lang, *, topic: str | None = None, diff: str = "") -> list[Reply]:
        """The result on one phone screen (about 20 lines): what is due, what may be applied for, the
        total; the rest (what is still open, the readings applied, who decides) folded in an
        expandable quote, the ineligible ones behind a button."""
        def shown(r: BenefitResult) -> bool:
            return topic is None or r.benefit.topic == topic

        lines = [self.t(lang, "dlg.result.title")]
        if diff:
            lines.append(diff)
        if a.policy_state == "expired":
            lines.append(self.t(lang, "dlg.result.expired", date=a.validity.valid_until.isoformat()))
        elif a.policy_state == "not_started":
            lines.append(self.t(lang, "dlg.result.not_started", date=str(a.validity.valid_from)))
        eligible = [r for r in a.by_status("eligible") if shown(r)]
        competitive = [r for r in a.by_status("competitive") if shown(r)]
        supported = [r for r in a.by_status("supported") if shown(r)]
        # Outside our reading of an applicant the text does not name, and the work itself not said:
        # long shots, folded into one line so the open questions stay readable on a phone.
        long_shots = [r for r in a.by_status("undetermined") if shown(r) and r.missing
                      and any(x.code == "reading_outside" for x in r.reasons)]
        undetermined = [r for r in a.by_status("undetermined") if shown(r) and r not in long_shots]
        ineligible = [r for r in a.by_status("ineligible") if shown(r)]
        items: list[str] = []
        for key, group in (("eligible", eligible), ("competitive", competitive), ("supported", supported)):
            if group:
                items += ["", self.t(lang, f"dlg.result.{key}")]
                items += [self._line(r, lang) for r in group]
        overflow: list[str] = []
        if len(items) > RESULT_ITEM_LINES:  # a long list: the first lines shown, the rest folded
            items, overflow = items[:RESULT_ITEM_LINES - 1], items[RESULT_ITEM_LINES - 1:]
            items.append(self.t(lang, "dlg.result.more", n=sum(line.startswith("• ") for line in overflow)))
        lines += items
        if not eligible and not competitive:
            lines += ["", self.t(lang, "dlg.result.none")]
        eligible_total, competitive_total = totals(eligible + competitive)
        lines += ["", self.t(lang, "dlg.result.total", amount=escape(self.r.amount(eligible_total, lang)))]
        if competitive_total.max:
            lines.append(self.t(lang, "dlg.result.total_competitive",
                                amount=escape(self.r.yuan(competitive_total.max, lang))))
        if undetermined:
            lines.append(self.t(lang, "dlg.result.open", n=len(undetermined)))
        if ineligible:
            lines.append(self.t(lang, "dlg.result.ineligible", n=len(ineligible)))
            lines += [self.t(lang, "dlg.result.common_failed", condition=escape(c))
                      for c in self._failed_common(ineligible, lang)]
        folded = [line for line in overflow if line]
        if undetermined:
            folded += [self.t(lang, "dlg.result.undetermined")] + [self._line(r, lang) for r in undetermined]
        if long_shots:  # outside our reading of an applicant the text does not name: one line, folded
            titles = [escape(text(r.benefit.title, lang)) for r in long_shots]
            # a title with the list's own separator inside ("…服务品牌机构、分析评议示范机构、TISC奖励"): the
            # items are set apart with "；" so that eight read as eight (G39)
            sep = self.sep(lang) if not any(self.sep(lang) in x for x in titles) else "；" if lang == "zh" else "; "
            names = sep.join(titles)
            folded.append(self.t(lang, "dlg.result.readings_folded", n=len(long_shots), items=names))
        used = [x for r in eligible + competitive for x in r.assumptions]
        notes = list(dict.fromkeys([*a.assumptions, *used]))
        if notes:
            folded += [self.t(lang, "dlg.result.assumptions")] + [f"- {escape(text(n, lang))}" for n in notes]
        agency = escape(text(self.kb.policy.implementing_agencies, lang))
        folded += [self.t(lang, "dlg.result.agency", agency=agency),
                   f"<i>{escape(text(self.kb.policy.disclaimer, lang))}</i>"]
        buttons: tuple[tuple[Button, ...], ...] = (
            (Button(self.t(lang, "dlg.btn.change"), callback(Code.MENU, "answers")),
             Button(self.t(lang, "dlg.btn.why_not"), callback(Code.MENU, "why"))),
            (Button(self.t(lang, "dlg.btn.restart"), callback(Code.NAV, "restart")),))
        if self.notices_button is not None:
            buttons = (*buttons, (self.notices_button(lang),))
        quote = fold("\n".join(folded))
        body = "\n".join(lines)
        if len(body) + 1 + len(quote) <= MAX_MESSAGE:
            return [Reply(f"{body}\n{quote}", buttons)]
        return [Reply(body), *(Reply(fold(p)) for p in split_message("\n".join(folded), MAX_MESSAGE - 40)[:-1]),
                Reply(fold(split_message("\n".join(folded), MAX_MESSAGE - 40)[-1]), buttons)]

    def _failed_common(self, ineligible: list[BenefitResult], lang: Lang) -> list[str]:
        """The policy-wide conditions (in the city) that rule everything out, said in the result itself."""
        common = {c.fact: c for c in self.kb.policy.common_conditions}
        failed = {x.fact for r in ineligible for x in r.reasons if x.code == "condition_failed" and x.fact in common}
        return [self.r.condition(common[f], lang) for f in common if f in failed]

    def why_not(self, a: Assessment, lang: Lang) -> list[Reply]:
        lines = [self.t(lang, "dlg.result.ineligible_all")]
        for r in a.by_status("ineligible"):
            reasons = "；".join(self.r.reason(r.benefit, x, lang) for x in r.reasons) if lang == "zh" else \
                "; ".join(self.r.reason(r.benefit, x, lang) for x in r.reasons)
            lines.append(f"• {escape(text(r.benefit.title, lang))}：{escape(reasons)}" if lang == "zh"
                         else f"• {escape(text(r.benefit.title, lang))}: {escape(reasons)}")
        return [Reply(p) for p in split_message("\n".join(lines))]

    # -- clauses ---------------------------------------------------------------------------------
    def clause_menu(self, lang: Lang, topic: str | None = None, page: int = 0, *, edit: bool = False) -> Reply:
        """The clauses by topic: the topics first, then a topic's benefits, a page at a time."""
        if topic is None or topic not in self.kb.policy.topics:
            counts = {t: sum(b.topic == t for b in self.kb.benefits) for t in self.kb.policy.topics}
            buttons = [Button(fit_label(f"{text(name, lang)} {counts[t]}"), callback(Code.CLAUSES, t))
                       for t, name in self.kb.policy.topics.items() if counts[t]]
            return Reply(self.t(lang, "dlg.clauses.title"), pairs(buttons), edit=edit)
        benefits = [b for b in self.kb.benefits if b.topic == topic]
        shown, nav = self._page(benefits, page, callback(Code.CLAUSES, topic), callback(Code.CLAUSES, ""), lang)
        rows = [(Button(self.short_title(b, lang), callback(Code.CLAUSE, b.id)),) for b in shown]
        head = self.t(lang, "dlg.clauses.topic", topic=escape(text(self.kb.policy.topics[topic], lang)))
        return Reply(head + self._page_note(benefits, page, lang), (*rows, nav), edit=edit)

    def answers_menu(self, facts: dict[str, object], lang: Lang, group: str | None = None, page: int = 0,
                     *, edit: bool = False) -> Reply:
        """The answers given, to pick one to change: by topic when there are many, a page at a time.
        The message holds each answer in full; the buttons are short."""
        result = (Button(self.t(lang, "dlg.btn.result"), callback(Code.MENU, "result")),)
        if not facts:
            return Reply(self.t(lang, "dlg.answers.none"), edit=edit)
        by_group: dict[str, list[str]] = {}
        for fact_id in facts:
            by_group.setdefault(self.fact_group(fact_id), []).append(fact_id)
        if group is None and len(facts) > PAGE:
            buttons = [Button(fit_label(f"{self.group_name(g, lang)} {len(ids)}"), callback(Code.ANSWERS, g))
                       for g, ids in by_group.items()]
            return Reply(self.t(lang, "dlg.answers.groups"), (*pairs(buttons), result), edit=edit)
        ids = list(facts) if group is None else by_group.get(group, [])
        up = callback(Code.ANSWERS, "") if group is not None else ""
        shown, nav = self._page(ids, page, callback(Code.ANSWERS, group), up, lang)
        lines = [self.t(lang, "dlg.answers.title")]
        rows = []
        for fact_id in shown:
            value = self.r.value(fact_id, facts[fact_id], lang)  # type: ignore[arg-type]
            full = self.r.fact_label(fact_id, lang)
            lines.append(f"• {escape(full)}：{escape(value)}" if lang == "zh" else f"• {escape(full)}: {escape(value)}")
            label = fit_label(f"{self.fact_short(fact_id, lang)}: {value}")
            rows.append((Button(label, callback(Code.CHANGE, fact_id)),))
        if group is not None:
            lines[0] += self._page_note(ids, page, lang)
        return Reply("\n".join(lines), (*rows, *((nav,) if nav else ()), result), edit=edit)

    def fact_short(self, fact_id: str, lang: Lang) -> str:
        fact = self.kb.facts.get(fact_id)
        if fact is None:
            return fact_id
        return text(fact.short if fact.short is not None else fact.label, lang)

    def fact_group(self, fact_id: str) -> str:
        """The topic an answer belongs to: that of the first benefit that asks it ("basic" for the
        applicant's type and place, which every benefit asks)."""
        return self._fact_groups.get(fact_id, "basic")

    def group_name(self, group: str, lang: Lang) -> str:
        if group in self.kb.policy.topics:
            return text(self.kb.policy.topics[group], lang)
        return self.t(lang, "dlg.answers.basic")

    def _page(self, items: list[T], page: int, data: str, back: str, lang: Lang) -> tuple[list[T], tuple[Button, ...]]:
        """One page of ``items`` and its row of buttons: previous, next, and back to the list above."""
        pages = max(1, -(-len(items) // PAGE))
        page = min(max(page, 0), pages - 1)
        nav: list[Button] = []
        if page > 0:
            nav.append(Button(self.t(lang, "dlg.btn.prev_page"), f"{data}|{page - 1}"))
        if page < pages - 1:
            nav.append(Button(self.t(lang, "dlg.btn.next_page"), f"{data}|{page + 1}"))
        if back:
            nav.append(Button(self.t(lang, "dlg.btn.up"), back))
        return items[page * PAGE:(page + 1) * PAGE], tuple(nav)

    def _page_note(self, items: list[T], page: int, lang: Lang) -> str:
        pages = max(1, -(-len(items) // PAGE))
        return self.t(lang, "dlg.page", page=min(max(page, 0), pages - 1) + 1, pages=pages) if pages > 1 else ""

    def clause_group(self, benefits: list[Benefit], lang: Lang) -> Reply:
        """Several benefits of one clause (a deep link to it) in one message: each in two lines, the
        verbatim text once, a button per benefit for its details."""
        ref = benefits[0].ref
        lines = [self.t(lang, "dlg.clause.group", ref=escape(self.r.ref(ref, lang)), n=len(benefits))]
        for b in benefits:
            lines.append(f"• <b>{escape(text(b.title, lang))}</b>")
            lines.append(f"  {escape(text(b.summary, lang))}")
        clause = self.kb.policy.clauses.get(ref)
        source = clause.text if clause is not None else "".join(b.source for b in benefits)
        lines.append(self.t(lang, "dlg.clause.text", text=escape(source)))
        rows = [(Button(self.short_title(b, lang), callback(Code.CLAUSE, b.id)),) for b in benefits]
        topic = benefits[0].topic
        rows.append((Button(self.t(lang, "dlg.menu.assess"), callback(Code.MENU, "topic", topic)),))
        return Reply("\n".join(lines), tuple(rows))

    def short_title(self, b: Benefit, lang: Lang) -> str:
        """A benefit's name that fits a phone's button row."""
        return text(b.short_title, lang) if b.short_title is not None else text(b.title, lang)

    def forget_confirm(self, lang: Lang, confirm_data: str) -> Reply:
        return Reply(self.t(lang, "dlg.forget.ask"),
                     ((Button(self.t(lang, "dlg.btn.forget_yes"), confirm_data),
                       Button(self.t(lang, "dlg.btn.forget_no"), callback(Code.FORGET, "no"))),))

    def clause(self, b: Benefit, lang: Lang) -> Reply:
        lines = [f"<b>{escape(text(b.title, lang))}</b>　{escape(self.r.ref(b.ref, lang))}" if lang == "zh"
                 else f"<b>{escape(text(b.title, lang))}</b> ({escape(self.r.ref(b.ref, lang))})",
                 escape(text(b.summary, lang))]
        from eligibility.amounts import nominal_amount

        nominal = nominal_amount(b.amount)
        if nominal is not None:
            lines.append(self.t(lang, "dlg.clause.amount", amount=escape(self.r.amount(nominal, lang))))
        if b.award.mode == "competitive":
            lines.append(self.t(lang, "dlg.clause.mode.competitive", quota=escape(self._quota(b, lang))))
        else:
            lines.append(self.t(lang, f"dlg.clause.mode.{b.award.mode}"))
        if not b.is_info:
            types = self.t(lang, "dlg.clause.any_applicant") if b.applicants == "any" else self.sep(lang).join(
                self.r.value("entity_type", a, lang) for a in b.applicants)
            lines.append(self.t(lang, "dlg.clause.applicants", types=escape(types)))
            if b.conditions:
                conds = self.sep(lang).join(self.r.condition(c, lang) for c in b.conditions)
                lines.append(self.t(lang, "dlg.clause.conditions", conditions=escape(conds)))
        lines.append(self.t(lang, "dlg.clause.text", text=escape(b.source)))
        rendering, notice = self.kb.translation(b.id, lang), self.kb.translations.get(lang)
        if lang != "zh" and rendering and notice is not None:  # below the verbatim Chinese, marked unofficial
            shown = self.t(lang, "card.translation", notice=text(notice.notice, lang), text=rendering)
            lines.append(f"<i>{escape(shown)}</i>")
        for a in b.assumptions:
            lines.append(f"<i>{escape(self.t(lang, 'report.assumption', text=text(a, lang)))}</i>")
        share = Button(self.t(lang, "dlg.btn.share"), "", share=self.short_title(b, lang))
        if b.is_info:
            return Reply("\n".join(lines), ((share,),))
        start = Button(self.t(lang, "dlg.menu.assess"), callback(Code.MENU, "topic", b.topic))
        return Reply("\n".join(lines), ((start, share),))
