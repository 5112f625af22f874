"""Reading one message as the language tests do: ``read`` (the layer's reading), ``asked`` (the facts it asks
about); the ``ask`` fixture (tests/conftest.py) builds the question the bot has just asked, by id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from eligibility.language import Reading, understand
from eligibility.questionnaire import Question
from knowledge.models import KnowledgeBase

AS_OF = date(2025, 6, 1)  # the day the questions are built for
Asker = Callable[[str], Question]


def read(kb: KnowledgeBase, text: str, expecting: Question | None = None) -> Reading:
    return understand(kb, text, expecting=expecting)


def asked(r: Reading) -> set[str]:
    return {c.fact for c in r.clarify}
