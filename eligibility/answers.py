"""Read a typed answer to a question: "有", "80万", "银奖", "1,3", "不确定".

A thin view of ``eligibility.language.understand`` for callers that want only the answer: what it
sets, or that the user is not sure, or that it could not be read (the dialog then re-asks with
examples and keeps everything already answered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from eligibility.language import understand
from eligibility.questionnaire import Question
from eligibility.results import Facts
from knowledge.models import KnowledgeBase


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


def read_answer(kb: KnowledgeBase, question: Question, text: str) -> Answer:
    reading = understand(kb, text, expecting=question)
    if reading.unknown:
        return Answer(unknown=True)
    if not reading.answered:
        return Answer()
    facts = cast(Facts, {k: v for k, v in reading.facts.items() if k in question.facts})
    return Answer(facts, read=question.kind == "multi")
