"""Read a typed answer to a question: "有", "80万", "银奖", "1,3", "不确定".

Returns what the answer sets, or says it is "not sure", or that it could not be read (the dialog
then re-asks with examples and keeps everything already answered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eligibility.parsing import (
    is_unknown_answer,
    normalize,
    parse_amount,
    parse_choice,
    parse_number_list,
    parse_yes_no,
)
from eligibility.questionnaire import NONE_OPTION, Question, group_answer
from eligibility.results import Facts
from knowledge.models import KnowledgeBase

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
