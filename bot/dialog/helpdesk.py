"""A customer's message forwarded by help-desk staff: a reply to paste as it is, and notes for the staff.

Two messages, because they go to two people. The first is the paste alone: polite prose in the
customer's language, with no bot command, no self-reference and no card label, and a tap-to-copy
button that carries exactly that text (Telegram's CopyTextButton holds at most 256 characters; a
longer paste keeps the message itself as the thing to copy, and the notes say so). The second is for
the staff, in the staff's language: the clause refs and confidence, the facts the customer stated,
the preliminary assessment with what it assumes, and the questions to ask the customer, in the
customer's wording. A section with nothing in it is left out.

First rule: a figure whose meaning is unsure, or the digits of a complaint (a hotline, a date), never
become money; the paste then asks the customer instead of computing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from bot.dialog.model import Button, Reply
from bot.dialog.views import Views, split_message
from bot.present.answer import AnswerRenderer
from bot.present.i18n import text
from bot.present.report import Renderer
from eligibility.ask import OWN_ROLES, PLACES_SUBJECT, AskResult, ask, read_question
from eligibility.ask.reading import dated
from eligibility.evaluate import assess
from eligibility.language import Clarify, Figure, Note, understand
from eligibility.language.lexicon import lexicon
from eligibility.matcher import Matcher, detect_lang
from eligibility.parsing import looks_like_question, normalize
from eligibility.questionnaire import plan
from eligibility.results import Amount, Assessment, Facts, Validity
from knowledge.models import KnowledgeBase, Lang

MAX_INPUT = 2000
COPY_TEXT_LIMIT = 256  # the Bot API's limit on CopyTextButton.text
MAX_QUESTIONS = 3
_YEAR = r"((?:19|20)\d{2}\s*年|去年|今年|大前年|前年|上年)"  # a year a figure stands under ("去年90万")
_CLAUSES = re.compile(r"[，,。；;！!？?\n]")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n")
_COMMANDS = re.compile(r"(?<!\S)/[A-Za-z_]+(@\w+)?")
# The language layer's intents that ask the bot to do something (a greeting, a menu label typed): forwarded,
# they ask the help desk nothing, as a forwarded "/assess" does not. "人工客服", "客户要电话" alone: the paste
# names the implementing agencies and the contacts the knowledge base holds (the chat's contacts rule).
# The layer's question for a figure that may be several years' sum: named per year when each has its own year.
_ONE_YEAR = "lang.ask.one_year"
_CLOSING = frozenset({"thanks", "cancel"})  # a thank-you or a goodbye forwarded: answered as one
_ASKS_NOTHING = frozenset({"greeting", "thanks", "assess", "ask", "menu", "clauses", "help", "lang", "lang_en",
                           "lang_zh", "cancel", "restart", "back", "human"})


@dataclass(frozen=True)
class Clarification:
    """A question to put to the customer because a word or figure could mean more than one thing."""

    fact: str
    question: str


@dataclass(frozen=True)
class Forward:
    """Everything the help desk works out for one forwarded message."""

    message: str
    customer_lang: Lang
    result: AskResult | None          # None: the message asks nothing (a bare "/start", a sticker's caption)
    complaint: bool
    facts: Facts
    assumed: Facts                    # common conditions assumed for the preliminary assessment
    assessment: Assessment | None     # only when the customer stated facts
    paste: str                        # plain text for the customer
    ask_customer: tuple[str, ...]     # questions, in the customer's wording and language
    clarify: tuple[Clarification, ...] = ()
    refs: tuple[str, ...] = field(default=())
    confidence: float = 0.0
    notes: tuple[Note, ...] = ()      # what the language layer read into the customer's figures
    hedged: tuple[tuple[str, str], ...] = ()  # (what the customer said, the fact) said with a hedge ("好像拿了银奖")
    human: bool = False               # the customer asks for a person or a phone number, and nothing else


def _distinct(clarify: tuple[Clarification, ...]) -> tuple[Clarification, ...]:
    """One question asked once: two facts unsure for the same reason (a year that both an award and a title
    hang on) give the customer one question, not the same one twice."""
    seen: set[str] = set()
    out = []
    for c in clarify:
        if c.question not in seen:
            seen.add(c.question)
            out.append(c)
    return tuple(out)


def read_facts(kb: KnowledgeBase, message: str,
               this_year: int | None = None) -> tuple[Facts, tuple[Clarify, ...], tuple[Note, ...]]:
    """The facts the customer states, what the language layer is unsure of, and what it reads into the
    figures (a period, an approximation): the one place the help desk reads facts (several award levels
    in one message stay out of the preliminary assessment). ``this_year`` settles an award's year ("2021年拿的")."""
    reading = dated(kb, read_question(kb, message), this_year)
    return _claimed(kb, message, reading.facts, reading.figures), reading.clarify, tuple(reading.notes)


def _claimed(kb: KnowledgeBase, message: str, facts: Facts, figures: tuple[Figure, ...]) -> Facts:
    """The facts the customer states as theirs (G26): what a clause that is no question says on its own ("我们是
    科研院所，能申请贯标吗"), and the customer's own figures. What only a question names is its topic ("创客空间
    要求多大面积", "专利导航项目和高价值专利组合能同时申报吗"), never a fact of the customer's."""
    # an English sentence's commas join a list ("1) the trademark reward 2) Madrid, how much each?"), not clauses
    split = _CLAUSES if re.search(r"[\u4e00-\u9fff]", message) else _SENTENCES
    clauses = [c for c in split.split(message) if c.strip()]
    asking = [looks_like_question(c) or understand(kb, c).is_question for c in clauses]
    if not any(asking):
        return dict(facts)
    figured = {f.fact for f in figures if f.fact and f.role in OWN_ROLES}
    stated: Facts = {}
    for clause, question in zip(clauses, asking, strict=True):
        if not question:
            stated.update({k: v for k, v in read_question(kb, clause).facts.items() if facts.get(k) == v})
    return {k: v for k, v in facts.items() if k in stated or k in figured}


def _computed_from(result: AskResult) -> Facts:
    """The facts the paste's amounts were computed from (the user's own figures), so that the notes and
    the preliminary assessment state the same amount as the paste, never a different one."""
    out: Facts = {}
    answers = [p.answer for p in result.parts] or ([result.answer] if result.answer is not None else [])
    for a in answers:
        if a.from_figures:
            out.update(a.facts)
    return out


def _elsewhere(result: AskResult) -> bool:
    """The reply says the customer is not in the city: the places subject, or a verdict for that reason."""
    return (result.subject is not None and result.subject.id == PLACES_SUBJECT) or \
        (result.verdict is not None and result.verdict.reason == "elsewhere")


def customer_lang(message: str, staff: Lang) -> Lang:
    """The customer's language, from their words (commands aside); the staff's when there are none."""
    words = _COMMANDS.sub(" ", message)
    if not re.search(r"[\u4e00-\u9fff]|[A-Za-z]{2,}", words):
        return staff
    return detect_lang(words)


class HelpDesk:
    """Builds the two help-desk messages; one per runtime (the matcher's index is built once)."""

    def __init__(self, kb: KnowledgeBase, renderer: Renderer, validity: Validity,
                 counted: Callable[[str, Lang], object] | None = None) -> None:
        """``counted``: the dialog's answerer, called once per forwarded question so that usage statistics
        (which wrap it) count the forward's question like any other; its answer is not used."""
        self.counted = counted
        self.kb = kb
        self.r = renderer
        self.views = Views(renderer)
        self.validity = validity
        self.matcher = Matcher(kb)
        self.answers = AnswerRenderer(kb, renderer.cat, renderer, validity)

    def t(self, lang: Lang, key: str, **params: object) -> str:
        return self.r.cat.t(lang, key, **params)

    # -- working it out -------------------------------------------------------------------------------
    def forward(self, message: str, staff_lang: Lang, today: date) -> Forward:
        message = message[:MAX_INPUT]
        lang = customer_lang(message, staff_lang)
        question = _COMMANDS.sub(" ", message).strip()
        complaint = self.answers.is_complaint(question)
        facts, unsure, notes = read_facts(self.kb, question, today.year) if question else ({}, (), ())
        apart = self._years_apart(question, facts, lang) if question and not complaint else None
        dropped: list[Clarify] = []
        if apart is not None:  # "2023年利息80万，2024年90万": no one year's figure silently used
            years = set(re.findall(r"(?:19|20)\d{2}(?=\s*年)", question))  # nor one of the years picked
            facts = {k: v for k, v in facts.items() if k != apart.fact and str(v) not in years}
            # the layer's own question about one of those figures ("您说的60万是几年的合计还是一年的？", "您说的
            # 120万是…吗？") is asked by the per-year question already: not a second time beside it
            dropped = [u for u in unsure if u.fact == apart.fact]
            unsure = (*(u for u in unsure if u.fact != apart.fact), apart)
        if complaint:  # "12345也投诉过了": a complaint's digits are not asked about as the customer's interest
            unsure = ()
        asked = [self.answers.clarify_question(c.fact, c.key, dict(c.params), lang) for c in unsure]
        by_year = [self._by_year(question, c.fact, c.key, dict(c.params), lang) for c in unsure]
        clarify = _distinct(tuple(Clarification(c.fact, self.views.name_the_options(y or q, c.fact, lang))
                                  for c, q, y in zip(unsure, asked, by_year, strict=True)))
        result = None
        said = understand(self.kb, question) if question else None
        # "谢谢，明白了", "Customer says thanks, that's all": a thank-you or goodbye is answered as one (G33d)
        closing = said is not None and said.intent in _CLOSING and not (said.facts or said.is_question)
        # "客户想找人工", "客户要电话": who implements the policy and what contact the knowledge base holds
        human = said is not None and said.intent == "human" and not (said.facts or said.is_question)
        # a forwarded "/human" (or "/contact"): the command's name read with the same intents as typed words,
        # so it gets what "转人工" gets, the contacts rule, never "which subsidy"
        human = human or (not question and self._commanded(message) == "human")
        if said is not None and said.intent in _ASKS_NOTHING and not (said.facts or said.is_question):
            # a bare greeting or thanks, or a menu label typed ("自助测评", "浏览政策条款") as a command forwarded
            # is: it asks nothing, and the paste asks what the customer wants
            question = ""
        if re.search(r"[\u4e00-\u9fffA-Za-z]", question):
            if self.counted is not None:
                self.counted(question, lang)
            # a complaint's digits never become money; an unsure money figure neither (ask's own rule, the same
            # as `ipbot ask`: an unsure year leaves the customer's interest figure usable)
            result = ask(self.matcher, question, use_figures=not (complaint or apart), today=today,
                         validity=self.validity)
        if result is not None and not result.refused:
            facts = {**_computed_from(result), **facts}  # the figure the paste computed from is in the notes too
        assumed: Facts = {}
        assessment = None
        if facts:
            assumed = {c.fact: c.equals for c in self.kb.policy.common_conditions
                       if c.fact not in facts and isinstance(c.equals, bool)}
            assessment = assess(self.kb, {**facts, **assumed}, today, self.validity)
        if result is not None and _elsewhere(result):  # not in the city: no figure of theirs is asked about (G4)
            clarify = ()
        to_ask = self._questions(result, facts, clarify, assessment, today, lang) \
            if result is None or not _elsewhere(result) else ()
        paste = self.t(lang, "dlg.hd.thanks") if closing and result is None else \
            self._human(lang) if human and result is None else self._paste(result, complaint, lang)
        for c in dropped:
            layer_asked = self.answers.clarify_question(c.fact, c.key, dict(c.params), lang)
            if layer_asked:
                paste = re.sub(r"\s*" + re.escape(layer_asked), "", paste)
        for c, q, y in zip(unsure, asked, by_year, strict=True):  # several years' figures: each named, and asked
            if y is not None and q in paste:
                paste = paste.replace(q, y)
            elif y is not None and apart is not None and y not in paste:  # ask took no figure: the question first
                hello = self.t(lang, "dlg.hd.hello")
                if paste.startswith(hello):
                    paste = hello + ("" if lang == "zh" else " ") + y + ("" if lang == "zh" else " ") \
                        + paste[len(hello):].lstrip()
            if y is not None:
                depends = self.t(lang, "dlg.hd.depends", facts=self.r.fact_label(c.fact, lang))
                paste = paste.replace(depends, "").rstrip()  # asked once, above
        for c in unsure:  # the customer sees no buttons: "请从选项中选一个" names the options
            paste = self.views.name_the_options(paste, c.fact, lang)
        refs = tuple(result.refs) if result is not None and not result.refused else ()
        confidence = result.confidence if result is not None else 0.0
        hedged = self._hedged(question, facts) if result is not None and not result.refused else ()
        if hedged:  # G36: said with a hedge, worked out as said, and said to be so; its question asked first
            shown: dict[str, object] = {fact: facts[fact] for _said, fact in hedged}
            quoted = self.t(lang, "list_sep").join(dict.fromkeys(x for x, _fact in hedged))
            line = self.t(lang, "dlg.hd.hedged", said=quoted, facts=html.unescape(self.views.fact_values(shown, lang)))
            close = self.t(lang, "dlg.hd.close")  # before the closing offer, not after it
            space = "" if lang == "zh" else " "
            paste = paste.replace(close, line + space + close) if close in paste else paste + space + line
            first = [q for _said, fact in hedged if (q := self.kb.facts[fact].question.get(lang))]
            to_ask = tuple(dict.fromkeys([*first, *to_ask]))[:MAX_QUESTIONS]
        return Forward(message, lang, result, complaint, facts, assumed, assessment, paste, to_ask, clarify,
                       refs, confidence, notes, hedged, human and result is None)

    def _commanded(self, message: str) -> str | None:
        """The intent of the first bot command forwarded ("/human" → human, "/assess" → assess), read by the
        language layer's intents as a typed word would be; None when no command is there."""
        m = _COMMANDS.search(message)
        if m is None:
            return None
        name = m.group(0).split("@", 1)[0].lstrip("/").replace("_", " ")
        return understand(self.kb, name).intent

    def _hedged(self, question: str, facts: Facts) -> tuple[tuple[str, str], ...]:
        """The facts a clause states with a hedge of the lexicon ("好像拿了银奖，不太确定", "我们可能是出口企业吧"),
        as the whole message reads them; a money figure's approximation is the layer's own note."""
        hedge = lexicon(self.kb).hedge_re
        out: list[tuple[str, str]] = []
        for clause in (c.strip() for c in _CLAUSES.split(question)):
            if not clause or not hedge.search(normalize(clause)):
                continue
            for fact, value in read_question(self.kb, clause).facts.items():
                known = self.kb.facts.get(fact)
                if known is not None and known.type not in ("money", "money_list") and facts.get(fact) == value \
                        and all(f != fact for _c, f in out):
                    out.append((clause, fact))
        return tuple(out)

    def _years_apart(self, message: str, facts: Facts, lang: Lang) -> Clarify | None:
        """F44: "2023年利息80万，2024年90万": the layer takes the figure its cue word names (80万) and leaves the
        next year's (90万, no cue) aside, so one year's amount would be computed as if it were the only one.
        When a yearly-capped amount's figure and another money figure the layer left unread each stand under
        a year of their own, the figures are asked about (each named with its year), never one used silently."""
        reading = read_question(self.kb, message)
        # the layer may already have withheld the figure ("几年的合计还是一年的？"): its figures count as used
        # ("几年的合计还是一年的？", or "您说的120万是…吗？" when each year's figure went to the fact)
        withheld = {c.fact for c in reading.clarify}
        used = [f for f in reading.figures if f.value is not None and f.fact is not None
                and ((f.role == "amount" and f.fact in facts) or (f.role == "other" and f.fact in withheld))]
        left = [f for f in reading.figures if f.role == "other" and f.fact is None and f.value is not None]
        if len(used) + len(left) < 2 or len({f.fact for f in used}) != 1:
            return None
        fact = str(used[0].fact)
        figures = [f.text for f in reading.figures if f in used or f in left]
        clarify = Clarify(fact, "lang.ask.which_figure", {"figures": figures}, None)
        return clarify if self._by_year(message, fact, clarify.key, dict(clarify.params), lang) else None

    def _by_year(self, message: str, fact: str, key: str, params: dict[str, object], lang: Lang) -> str | None:
        """F44: "2023年利息80万，2024年90万，分别能拿多少": several figures of one amount, each under a year of its
        own. No figure is picked (first rule), but the question names each year's figure as the customer gave
        it and says the subsidy is worked out per year, instead of "reply with one amount" as if they had
        erred; None when the figures are not each tied to a distinct year."""
        figures = params.get("figures")
        if key != "lang.ask.which_figure" or not isinstance(figures, list) or len(figures) < 2:
            return None
        # only an amount the text caps per year ("单个申请企业每年…不超过"): "worked out per year" is its rule
        if not any(getattr(b.amount, "of", None) == fact and getattr(b.amount, "cap_scope", None)
                   == "per_enterprise_per_year" for b in self.kb.benefits):
            return None
        pairs: list[tuple[str, str]] = []
        for fig in figures:
            m = re.search(_YEAR + r"[^，,。；;！？!?]*?" + re.escape(str(fig)), message)
            if m is None:
                return None
            pairs.append((re.sub(r"\s+", "", m.group(1)), str(fig)))
        if len({y for y, _ in pairs}) != len(pairs):
            return None
        items = self.t(lang, "list_sep").join(self.t(lang, "dlg.hd.year_figure", year=y, figure=f) for y, f in pairs)
        return self.t(lang, "dlg.hd.per_year", items=items)

    def _questions(self, result: AskResult | None, facts: Facts, clarify: tuple[Clarification, ...],
                   assessment: Assessment | None, today: date, lang: Lang) -> tuple[str, ...]:
        """What to ask the customer next: the unsure figures first, then what the amount or verdict needs."""
        wanted: list[str] = []
        answered = [p.answer for p in result.parts] or ([result.answer] if result and result.answer else []) \
            if result is not None else []
        if answered and all(a.ruled_out is not None for a in answered):
            return tuple(c.question for c in clarify)[:MAX_QUESTIONS]  # ruled out: nothing more to ask for it
        if facts and result is not None and not result.refused:
            # what an item the customer asked about still waits on (the planner's order first); never the
            # questionnaire's next question about an item not asked about (a patent award asked, Madrid asked back)
            asked = {p.benefit.id for p in result.parts} or ({result.best.id} if result.best is not None else set())
            waits = [m for r in (assessment.results if assessment is not None else ()) if r.id in asked
                     and r.status == "undetermined" for m in r.missing]
            waits += [c.fact for c in self.kb.policy.common_conditions if c.fact not in facts]  # assumed
            q, _left = plan(self.kb, facts, today, self.validity)
            first = [x for x in (q.facts if q is not None else ()) if x in waits]
            wanted += (first or waits)[:1]
        if result is not None:
            wanted += [f for f in result.depends_on if f not in facts]
        out = [c.question for c in clarify]
        for f in dict.fromkeys(wanted):
            fact = self.kb.facts.get(f)
            if fact is not None and not any(c.fact == f for c in clarify):
                out.append(fact.question.get(lang))
        return tuple(dict.fromkeys(out))[:MAX_QUESTIONS]  # one question asked once

    def _human(self, lang: Lang) -> str:
        """A person or a phone number asked for: the agencies the text names and the contacts the knowledge base
        holds (the chat's contacts rule), in the help desk's words; never a number of our own."""
        space = "" if lang == "zh" else " "
        contact = self.answers.contact(lang)
        held = self.t(lang, "ask.contact", contact=contact) if contact else self.t(lang, "dlg.hd.no_contact")
        agencies = text(self.kb.policy.implementing_agencies, lang)
        return space.join([self.t(lang, "dlg.hd.hello"), self.t(lang, "dlg.hd.human", agencies=agencies), held])

    def _paste(self, result: AskResult | None, complaint: bool, lang: Lang) -> str:
        """The customer's reply; an unsure figure is asked about inside it (AnswerRenderer.paste)."""
        if result is None:
            return self.t(lang, "dlg.hd.hello") + ("" if lang == "zh" else " ") + self.t(lang, "dlg.hd.empty")
        return self.answers.paste(result, lang, complaint=complaint)

    # -- the two messages -----------------------------------------------------------------------------
    def replies(self, message: str, staff_lang: Lang, today: date) -> list[Reply]:
        f = self.forward(message, staff_lang, today)
        copy = len(f.paste) <= COPY_TEXT_LIMIT
        button = ((Button(self.t(staff_lang, "dlg.hd.copy"), "", copy_text=f.paste),),) if copy else ()
        paste_parts = split_message(escape(f.paste, quote=False))
        first = [Reply(p) for p in paste_parts[:-1]] + [Reply(paste_parts[-1], button)]
        notes = self.notes(f, staff_lang, copyable=copy)
        return first + [Reply(p) for p in split_message("\n".join(notes))]

    def notes(self, f: Forward, lang: Lang, *, copyable: bool) -> list[str]:
        """The staff notes as HTML lines, in the staff's language; empty sections left out."""
        t = self.t
        lines = [t(lang, "dlg.hd.notes")]
        if not copyable:
            lines.append(escape(t(lang, "dlg.hd.too_long", limit=COPY_TEXT_LIMIT)))
        result = f.result
        if result is not None and not result.refused:
            refs = self.views.sep(lang).join(escape(self.r.ref(x, lang)) for x in f.refs)
            lines.append(t(lang, "dlg.hd.refs", refs=refs, confidence=f"{f.confidence:.0%}"))
            # first rule: what the customer's own facts rule out is said in the notes too, with no amount
            answered = [(p.benefit, p.answer) for p in result.parts] or (
                [(result.best, result.answer)] if result.best is not None and result.answer is not None else [])
            for b, a in answered:
                if a.ruled_out is not None:  # "已排除" only when it is; a case the text does not settle is said as such
                    key = "dlg.hd.ruled_out" if a.ruled_out.verdict == "no" else "dlg.hd.unsettled"
                    lines.append(escape(t(lang, key, why=self.answers.ruled_out(b, a.ruled_out, lang))))
        elif result is not None and result.introduced:
            lines.append(escape(t(lang, "dlg.hd.introduced")))
        elif result is not None and (result.place is not None or result.open_to or result.entity_type is not None):
            asked = {c.question for c in f.clarify}  # the place as read, not the out-of-scope refusal
            lines += [escape(x) for x in self.answers.place_lines(result, lang) if x not in asked]
        elif result is not None and f.complaint and self.answers.unmatched_complaint(result):
            lines.append(escape(t(lang, "dlg.hd.complaint_unmatched")))
        elif result is not None and result.subject is not None and result.subject.id == PLACES_SUBJECT:
            lines.append(escape(t(lang, "dlg.hd.elsewhere_note", why=self.answers.elsewhere(lang))))
        elif result is not None and result.subject is not None:  # its reply says "not in the policy" itself
            lines.append(escape(t(lang, "dlg.hd.out_of_scope_subject", reply=result.subject.reply.get(lang))))
        elif result is not None:
            lines.append(escape(t(lang, "dlg.hd.out_of_scope", subject="")))
        if f.complaint and not (result is not None and result.refused and self.answers.unmatched_complaint(result)):
            lines.append(escape(t(lang, "dlg.hd.complaint")))
        if result is not None and result.procedure:
            lines.append(escape(t(lang, "dlg.hd.procedure")))
        if f.clarify:
            money = any(self.kb.facts[c.fact].type in ("money", "money_list") for c in f.clarify
                        if c.fact in self.kb.facts)
            # "客户给出的金额已照算" only where the customer gave an amount ("河北的一所大学，去年新入选TISC" gave none)
            computed = any(self.kb.facts[k].type in ("money", "money_list") for k in f.facts if k in self.kb.facts)
            key = "dlg.hd.clarify" if money or result is None else \
                "dlg.hd.clarify_other" if computed else "dlg.hd.clarify_items"
            lines.append(escape(t(lang, key, items=self.views.sep(lang).join(c.question for c in f.clarify))))
        if f.facts:
            lines += ["", t(lang, "dlg.hd.facts", items=self.views.fact_values(dict(f.facts), lang))]
            if f.hedged:
                said = self.views.sep(lang).join(dict.fromkeys(x for x, _fact in f.hedged))
                lines.append(escape(t(lang, "dlg.hd.hedged_note", said=said)))
            # what the language layer read into the customer's figures (a month's interest made a year's, an
            # approximation): the staff see the amounts rest on it
            read_into = [n for n in f.notes if n.fact in f.facts]
            lines += [escape(x) for x in self.answers.note_lines(read_into, lang, staff=True)]
        lines += self._assessment_lines(f, lang)
        if result is None:
            lines.append(escape(t(lang, "dlg.hd.human_note" if f.human else "dlg.hd.nothing")))
        if f.ask_customer:
            lines += ["", t(lang, "dlg.hd.ask")]
            lines += [f"{i}. {escape(q)}" for i, q in enumerate(f.ask_customer, start=1)]
        return lines

    def _assessment_lines(self, f: Forward, lang: Lang) -> list[str]:
        """The preliminary assessment: what the facts make eligible or competitive, and what the paste
        answered that still waits on a fact (with what it waits on), so the notes never hold less than the
        paste; the total only of what is eligible, never a bare "0元"."""
        a = f.assessment
        if a is None:
            return []
        result = f.result
        answered: set[str] = set()
        if result is not None and not result.refused:
            answered = {p.benefit.id for p in result.parts} or ({result.best.id} if result.best is not None
                                                                  else set())
        found = [r for r in a.results if r.status in ("eligible", "competitive")
                 or (r.status == "undetermined" and r.id in answered)]
        if not found:
            return []
        t = self.t
        head = t(lang, "dlg.hd.assuming", items=self.views.fact_values(dict(f.assumed), lang)) if f.assumed \
            else t(lang, "dlg.hd.assessment")
        lines = ["", head]
        sep = self.views.sep(lang)
        for r in found:
            amount = f" {escape(self.r.amount(r.amount, lang))}" if r.amount is not None else ""
            status = re.sub(r"\s*[（(]([^（）()]*)[）)]", "，\\1" if lang == "zh" else ", \\1",
                            t(lang, f"status.{r.status}"))  # "可申报，择优评审": no brackets in brackets
            if r.status == "undetermined" and r.missing:
                status = t(lang, "dlg.hd.pending", items=escape(sep.join(self.r.fact_label(x, lang)
                                                                          for x in r.missing)))
            title = escape(r.benefit.title.get(lang))
            lines.append(f"• {title}{amount}（{status}）" if lang == "zh" else f"• {title}{amount} ({status})")
        if any(r.status == "eligible" for r in found):
            lines.append(t(lang, "dlg.result.total", amount=escape(self.r.amount(a.eligible_total, lang))))
        if any(r.status != "eligible" for r in found):
            lines.append(escape(t(lang, "dlg.hd.not_in_total")))
        lines += self._paste_total(f, {r.id for r in found if r.status == "eligible"}, lang)
        if a.assumptions:
            items = ("" if lang == "zh" else " ").join(x.get(lang) for x in a.assumptions)
            lines.append(escape(t(lang, "dlg.hd.assumptions", items=items)))
        return lines

    def _paste_total(self, f: Forward, eligible: set[str], lang: Lang) -> list[str]:
        """The paste's own total beside the staff estimate when it sums items the notes hold to be confirmed
        (a condition the customer has not stated): the staff see the same figure as the customer and why the
        two differ, never a bare "50万" against the customer's "72.5万"."""
        result = f.result
        total = result.total if result is not None and not result.refused else None
        if result is None or total is None or total.amount is None or not total.counted:
            return []
        keys = {p.key: p.benefit.id for p in result.parts}
        open_ = [k for k in total.counted if keys.get(k, k) not in eligible]
        if not open_:
            return []
        items = self.t(lang, "list_sep").join(self.answers.part_title(k, result, lang) for k in open_)
        split = self.answers.total_split(result)
        if split is not None:  # the paste parts the sum: the notes say its two figures, not one range
            sure, extra, _competitive = split
            return [escape(self.t(lang, "dlg.hd.paste_total_split", items=items,
                                  sure=self.answers.amount_said(result, sure, lang),
                                  extra=self.answers.amount_said(result, Amount(extra.max, extra.max), lang)))]
        return [escape(self.t(lang, "dlg.hd.paste_total", amount=self.answers.total_amount(result, lang),
                              items=items))]

    # -- the `ipbot helpdesk --json` contract ---------------------------------------------------------
    def to_json(self, f: Forward, lang: Lang) -> dict[str, Any]:
        facts: dict[str, Any] = dict(f.facts)
        return {
            "message": f.message,
            "facts": facts,
            "refs": list(f.refs),
            "assessment": self.r.to_json(f.assessment, lang) if f.assessment is not None else None,
            "paste": f.paste,
            "ask_customer": list(f.ask_customer),
            "confidence": f.confidence,
        }
