"""What a question states, read once by the language layer: facts, figures with their roles, counts of awards."""

from __future__ import annotations

import re
from dataclasses import replace

from eligibility.ask.cues import Cues
from eligibility.ask.model import QuestionReading
from eligibility.language import Clarify, understand
from eligibility.language.counts import settle_event_years
from eligibility.parsing import normalize
from eligibility.results import Facts
from knowledge.models import Fact, KnowledgeBase


def dated(kb: KnowledgeBase, reading: QuestionReading, this_year: int | None) -> QuestionReading:
    """The reading with an award's or title's year settled against the current year, when it is given ("2021年拿的
    银奖，今年还能申请吗" in 2026: not last year's); without it the question about the year stays. A title or award
    of another year only is no for this application ("今年刚评上示范企业，现在能申请吗")."""
    facts, clarify, notes = settle_event_years(kb, reading.facts, reading.clarify, reading.notes, this_year)
    return replace(reading, facts=facts, clarify=clarify, notes=notes)


def read_question(kb: KnowledgeBase, question: str) -> QuestionReading:
    """The one place ask reads facts and figures from text: the language layer."""
    r = understand(kb, question)
    facts: Facts = dict(r.facts)  # several award levels stay a list: the engine pays them as a range
    unsure: list[str] = []
    text = normalize(question)
    for fact in kb.facts.values():
        if fact.type != "choice" or not fact.multiple:
            continue
        counted = level_counts(fact, text)
        value = facts.get(fact.id)
        layer_counts = [f.value for f in r.figures if f.role == "count" and f.value is not None]
        if isinstance(value, list) and set(value) == {lv for lv, _ in counted}:
            # the layer's levels, each counted: the count before the level here, or the layer's ("优秀奖2项")
            facts[fact.id] = [lv for lv, n in counted for _ in range(max(n, sum(x == lv for x in value)))]
        elif any(n > 1 for _, n in counted):
            if isinstance(value, str) and len(counted) == 1 and counted[0][0] == value \
                    and counted[0][1] in layer_counts:
                facts[fact.id] = [value] * counted[0][1]  # the layer's level and its count figure
            else:
                facts.pop(fact.id, None)  # a count the layer did not read: asked, never paid as one award
                unsure.append(fact.id)
    return QuestionReading(facts, r.figures, tuple(_as_typed(c, text) for c in r.clarify), r.notes, tuple(unsure),
                           r.denied)


# The characters a figure as typed runs over: digits, numerals, units and range words ("三四十万", "30到40万").
_NUMERAL_RUN = re.compile(r"[0-9０-９一二三四五六七八九十两百千万亿几多来余.,~～\-到至]*$")


def _as_typed(c: Clarify, text: str) -> Clarify:
    """A clarifying question quotes the figure as the user typed it: the layer's figure text widened to the
    whole run of numerals it stands in ("三四十万" is quoted whole, not as "四十万")."""
    figure = c.params.get("figure")
    if c.key != "lang.ask.amount_range" or not isinstance(figure, str) or not figure or figure not in text:
        return c
    at = text.find(figure)
    run = _NUMERAL_RUN.search(text[:at])
    lead = run.group(0).lstrip(",.到至~～-") if run else ""
    if not lead:
        return c
    return replace(c, params={**c.params, "figure": lead + figure})


# Numerals of a count written before an award ("两个银奖"): grammar of numbers, not words people choose.
_COUNT_WORDS = {"一": 1, "两": 2, "二": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                "十": 10, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


_COUNT_BEFORE = re.compile(r"(\d+|[一两二俩三四五六七八九十]|\b(?:a|an|one|two|three|four|five)\b)\s*(?:个|项|枚|次)?"
                           r"\s*(?:外观设计|中国专利|专利)?\s*$")


def level_counts(fact: Fact, text: str) -> list[tuple[str, int]]:
    """Each level of a multiple-choice fact the (normalised) text names, with the number word before it
    ("两个银奖一个优秀奖" -> [(silver, 2), (excellent, 1)]); 1 where no number word stands before it."""
    out: dict[str, int] = {}
    at: dict[str, int] = {}
    for option in fact.options:
        if option.id == "none":
            continue
        for label in (option.label.zh, option.label.en, *option.aliases):
            norm = normalize(label).strip()
            if not norm:
                continue
            pattern = re.escape(norm) if re.search(r"[\u4e00-\u9fff]", norm) else rf"\b{re.escape(norm)}s?\b"
            for m in re.finditer(pattern, text):
                before = _COUNT_BEFORE.search(text[max(0, m.start() - 12):m.start()])
                n = 1
                if before:
                    word = before.group(1)
                    n = int(word) if word.isdigit() else _COUNT_WORDS.get(word, 1)
                out[option.id] = out.get(option.id, 0) + max(n, 1)
                at.setdefault(option.id, m.start())
            if option.id in out:
                break
    return sorted(out.items(), key=lambda kv: at[kv[0]])


# "奖不奖", "要不要": a character, 不, the same character (grammar: the words are any verb).
A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")


def plain_question(cues: Cues, question: str) -> str:
    """The question with its yes/no forms made plain, the same length, before the language layer reads
    facts from it: "奖不奖", "要不要" and a trailing "…不", "…没" ask, they deny nothing."""
    # "…30万没错吧": a confirmation asked for, not a negation ("没错" denies nothing)
    for tail in cues.words.confirm_tails:
        question = question.replace(tail, "吗" + " " * (len(tail) - 1))
    # 是不是, 能不能, 有没有 … are the language layer's own question words; the others are made plain
    out = A_NOT_A.sub(lambda m: m.group(0) if m.group(1) in "是能可有会对行算" else m.group(1) + "吗 ", question)
    return cues.trailing_not.sub(lambda m: "吗" + " " * (len(m.group(1)) - 1) + m.group(2), out)


def supposed_facts(kb: KnowledgeBase, cues: Cues, question: str, conditions: set[str]) -> Facts:
    """"大企业买专利也有补贴吗", "非出口企业能拿马德里奖励吗": the case a yes/no question supposes, read as if stated
    (the layer reads no fact in the clause that asks). Only yes/no facts among ``conditions`` are kept (the
    entry's own conditions): the applicant type and the place have their own readings."""
    text = normalize(plain_question(cues, question))  # "…能申请不": the trailing 不 asks, it denies nothing
    at = [m.start() for rx in (cues.can, cues.exists, cues.support) for m in [rx.search(text)] if m and m.start() > 1]
    if not at:
        return {}
    cut = min(at)
    supposed = understand(kb, text[:cut] + "，" + text[cut:]).facts
    return {k: v for k, v in supposed.items() if k in conditions and isinstance(v, bool)
            and kb.facts[k].type == "bool"}

