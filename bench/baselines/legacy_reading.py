"""Today's reading path, frozen as it was before issue 10: the same-run baseline of the
understanding benchmark (bench/understand_bench.py).

Copied verbatim from eligibility/extract.py (``extract_facts``) and eligibility/answers.py
(``read_answer``, ``read_ticks``), with eligibility/parsing.py and normalize.py beside it
(legacy_parsing.py, legacy_normalize.py), so the bench can still run them after the new
language layer replaces them. ``control_word`` is the dialog core's typed control words of the
same day (dlg.words.* of the catalogue, matched on the whole message): the intent baseline.
Never edit this to improve it; it is the measure of where we started.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bench.baselines.legacy_parsing import (
    find_amounts,
    is_unknown_answer,
    normalize,
    parse_amount,
    parse_choice,
    parse_number_list,
    parse_yes_no,
)
from eligibility.questionnaire import NONE_OPTION, Question, group_answer
from eligibility.results import Facts
from knowledge.models import Fact, KnowledgeBase

# --- eligibility/extract.py -----------------------------------------------------------------------

# Clause breaks, but not the "." and "," inside figures ("1.5万", "800,000").
_CLAUSE_SPLIT = re.compile(r"[，。;；!！?？\n]+|(?<!\d)[.,](?!\d)|[.,](?=\s)|但是|不过|另外|而且|并且|同时")
_NEGATION = re.compile(
    r"(没有|没|未|无|不是|不在|不|尚未|还没|并非|非|暂无|not|no|never|haven't|didn't|isn't)\s*\S{0,6}$")
# Choice values that are too vague to take from free text.
_VAGUE_OPTIONS = {"other", "none"}


def _negated(clause: str, index: int) -> bool:
    return bool(_NEGATION.search(clause[max(0, index - 12):index]))


@lru_cache(maxsize=1024)
def _normalized(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Terms normalised once, longest first (the knowledge base does not change under a running bot)."""
    return tuple(sorted((normalize(t) for t in terms), key=len, reverse=True))


def _find(clause: str, terms: list[str]) -> int:
    """Position of the first (longest) term found in the clause, or -1."""
    for term in _normalized(tuple(terms)):
        pos = clause.find(term)
        if pos >= 0:
            return pos
    return -1


def _choice(fact: Fact, clause: str) -> str | None:
    hits: list[tuple[int, str]] = []
    for option in fact.options:
        if option.id in _VAGUE_OPTIONS:
            continue
        for t in _normalized((option.label.zh, option.label.en, *option.aliases)):
            if len(t) >= 2 and t in clause:
                hits.append((len(t), option.id))
    return max(hits)[1] if hits else None


def extract_facts(kb: KnowledgeBase, text: str) -> Facts:
    """Facts stated in the text; nothing is guessed from what the text leaves out."""
    found: Facts = {}
    for raw_clause in _CLAUSE_SPLIT.split(normalize(text)):
        clause = raw_clause.strip()
        if not clause:
            continue
        for fact in kb.facts.values():
            pos = _find(clause, fact.mentions) if fact.mentions else 0
            if pos < 0:
                continue
            if fact.type == "choice":
                value = _choice(fact, clause)
                if value is not None:
                    found[fact.id] = value
                elif fact.mentions and _negated(clause, pos) and "none" in fact.option_ids():
                    found[fact.id] = "none"
            elif not fact.mentions:
                continue
            elif fact.type == "bool":
                found[fact.id] = not _negated(clause, pos)
            elif _negated(clause, pos):
                found[fact.id] = 0 if fact.type == "money" else []
            else:
                amounts = find_amounts(clause)
                if amounts:
                    found[fact.id] = amounts[0] if fact.type == "money" else amounts
    return found


# --- eligibility/answers.py -----------------------------------------------------------------------

_NUMBERS = re.compile(r"^\s*\d{1,2}(\s*[,，、/ ]\s*\d{1,2})*\s*$")
_SPLIT = re.compile(r"[,，、/;；\s]+|和|及|以及|还有|and")


@dataclass(frozen=True)
class Answer:
    """``facts`` set by the answer; ``unknown`` when the user is not sure; neither when unreadable."""

    facts: Facts = field(default_factory=dict)
    unknown: bool = False
    # A screening answer can be read and still set nothing yet (only money options ticked).
    read: bool = False

    @property
    def understood(self) -> bool:
        return self.unknown or self.read or bool(self.facts)


def _choice_options(question: Question) -> dict[str, list[str]]:
    return {o.value: [o.label.zh, o.label.en] for o in question.options}


def read_answer(kb: KnowledgeBase, question: Question, text: str) -> Answer:
    if is_unknown_answer(text):
        return Answer(unknown=True)
    fact_id = question.facts[0]
    if question.kind == "bool":
        yes = parse_yes_no(text)
        return Answer({fact_id: yes}) if yes is not None else Answer()
    if question.kind == "choice":
        fact = kb.facts[fact_id]
        options = {o.id: [o.label.zh, o.label.en, *o.aliases] for o in fact.options}
        value = parse_choice(text, options)
        if value is None and "none" in options and parse_yes_no(text) is False:
            value = "none"
        return Answer({fact_id: value}) if value is not None else Answer()
    if question.kind == "money":
        if parse_yes_no(text) is False:
            return Answer({fact_id: 0})
        amount = parse_amount(text)
        return Answer({fact_id: amount}) if amount is not None else Answer()
    if question.kind == "money_list":
        values = parse_number_list(text)
        if values is None and parse_yes_no(text) is False:
            values = []
        return Answer({fact_id: values}) if values is not None else Answer()
    ticked = read_ticks(question, text)
    return Answer(group_answer(question, ticked, kb), read=True) if ticked is not None else Answer()


def read_ticks(question: Question, text: str) -> set[str] | None:
    """Options of a tick-all question named in text: by number ("1,3"), by name, or none at all."""
    norm = normalize(text)
    if parse_yes_no(norm) is False or norm in {"都没有", "都没", "全无", "均无", "none", "none of these"}:
        return set()
    options = [o for o in question.options if o.value != NONE_OPTION]
    if _NUMBERS.match(norm):
        picked: set[str] = set()
        for part in re.findall(r"\d+", norm):
            index = int(part) - 1
            if index == len(options):  # the "none" button's number
                return set()
            if not 0 <= index < len(options):
                return None
            picked.add(options[index].value)
        return picked
    mapping = {o.value: [o.label.zh, o.label.en] for o in options}
    picked = set()
    for part in _SPLIT.split(norm):
        if part:
            value = parse_choice(part, mapping)
            if value is not None:
                picked.add(value)
    return picked or None


# --- bot/dialog/core.py: typed control words ------------------------------------------------------
CONTROL_WORDS: dict[str, tuple[str, ...]] = {
    "back": ("上一题", "返回", "上一步", "撤销", "back", "undo", "previous"),
    "restart": ("重新开始", "重来", "重新测评", "restart", "start over"),
    "cancel": ("取消", "退出", "结束", "cancel", "quit", "stop"),
    "help": ("帮助", "怎么用", "？", "help", "?"),
    "lang_en": ("英文", "英语", "english"),
    "lang_zh": ("中文", "汉语", "chinese"),
}


def control_word(message: str) -> str | None:
    """The intent today's dialog core took from a typed message (a whole-message control word)."""
    norm = normalize(message).strip(" 。.!！")
    for action, words in CONTROL_WORDS.items():
        if norm in {normalize(w) for w in words}:
            return action
    return None
