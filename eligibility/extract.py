"""Facts a person states in free text ("我们是生物医药企业，去年拿了专利银奖，质押贷款付息80万").

Used for volunteered answers in the questionnaire and for help-desk forwards. It only takes what
the text says outright: a fact is set when its mention appears in a clause, negated when the
clause negates it, and a money fact takes the figures of its own clause.
"""

from __future__ import annotations

import re
from functools import lru_cache

from eligibility.parsing import find_amounts, normalize
from eligibility.results import Facts
from knowledge.models import Fact, KnowledgeBase

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
