"""Counts and years people volunteer: "我们建了2个商标品牌指导站" -> trademark_guidance_station_count 2,
"2028年申请" -> application_year 2028, "2021年付的利息" -> pledge_loan_interest_year 2021.

Precision first: a count is read only with a counter right before the thing counted (or right after it,
closing the clause), a year only with one of its fact's cues right after it. A count left open ("几个"),
negated, supposed, planned or someone else's is no count; a year is never an amount (figures.py).
"""

from __future__ import annotations

from eligibility.language.clauses import Clause
from eligibility.language.lexicon import Lexicon
from eligibility.language.polarity import negates
from eligibility.parsing import scan_numbers
from knowledge.models import KnowledgeBase

_ARTICLE = frozenset({"一", "one"})
_CENTURY = 2000  # "21年付的利息": a two-digit year is this century's


def read_counts(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause]) -> dict[str, int]:
    """Every count fact stated once in the message; a fact counted twice with different counts is left out.

    The things counted must be the applicant's own: a count whose words are planned, supposed or the clients'
    is none ("准备建3个指导站"; "为小微企业免费维权援助项目3个" still counts the agency's projects: the clients are
    the aid's beneficiaries, not the projects' owners)."""
    found: dict[str, set[int]] = {}
    said = " ".join(c.s for c in clauses)
    for ci, c in enumerate(clauses):
        if c.of_clients or negates(lex, c.s):
            continue
        nxt = clauses[ci + 1].s if ci + 1 < len(clauses) and not negates(lex, clauses[ci + 1].s) else ""
        for fact_id, patterns, all_met in lex.item_counts:
            if all_met is not None and not all_met.search(said):
                continue  # "3个联盟": only the ones that meet the condition count, and the message does not say all do
            before, after, becomes = patterns
            # "两个商标，同时被认定为驰名商标": the generic thing's clause and the next that says what it became
            runs = ((before, c.s), (after, c.s), (becomes, c.s + nxt))
            for pattern, text in runs:
                for m in pattern.finditer(text):
                    if m.start() >= len(c.s):
                        continue
                    if c.supposed(m.start()) or _not_own(c, m.start(), m.end()):
                        continue
                    word = next(g for g in m.groups() if g)
                    if word in _ARTICLE:
                        continue  # "有一个地理标志": an article more often than a count; one is the default
                    value = _count(lex, word)
                    fact = kb.facts[fact_id]
                    if value is not None and (fact.minimum or 1) <= value <= (fact.maximum or value):
                        found.setdefault(fact_id, set()).add(value)
    return {k: v.pop() for k, v in found.items() if len(v) == 1}


def _not_own(c: Clause, start: int, end: int) -> bool:
    """The words of a count at ``start:end`` are planned or someone else's; with no hit among them, the clause
    decides (any planned or clients' words in it)."""
    inside = [h for h in c.hits if start <= h.start < end]
    return any(c.pending(h) or c.about_clients(h) for h in (inside or c.hits))


def read_years(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause]) -> tuple[dict[str, int], set[int]]:
    """Year facts stated ("2028年申请"), and every year so read (no event's year, for the windowed facts)."""
    found: dict[str, set[int]] = {}
    used: set[int] = set()
    for c in clauses:
        if lex.year_span.search(c.s):
            continue  # "2023-2024年利息40万", "2021年至今的利息": several years, no one year
        for fact_id, pattern in lex.year_cues:
            for m in pattern.finditer(c.s):
                if c.supposed(m.start()) or c.of_clients:
                    continue
                year = full_year(int(m.group(1) or m.group(2)))
                fact = kb.facts[fact_id]
                if (fact.minimum or 0) <= year <= (fact.maximum or year):
                    found.setdefault(fact_id, set()).add(year)
                    used.add(year)
    return {k: v.pop() for k, v in found.items() if len(v) == 1}, used


def full_year(year: int) -> int:
    """"21年" is 2021."""
    return year + _CENTURY if year < _CENTURY else year


def _count(lex: Lexicon, word: str) -> int | None:
    if word in lex.count_words:
        return lex.count_words[word]
    numbers = scan_numbers(word, lex.numbers)
    return int(numbers[0].value) if len(numbers) == 1 and numbers[0].value >= 1 else None
