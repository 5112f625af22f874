"""Check a profile's facts against the catalogue before anything is assessed.

Profiles arrive from help-desk files and other systems; a wrong value must be named, not guessed.
Missing facts stay missing: the engine treats them as unknown, never as false or zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from fractions import Fraction

from eligibility.amounts import round_yuan
from eligibility.errors import ProfileError
from eligibility.language.lexicon import lexicon
from eligibility.normalize import normalize
from eligibility.parsing import NumberWords, parse_amount, parse_number_list
from eligibility.results import Facts, FactValue
from knowledge.models import Fact, KnowledgeBase, RoundingMode

MAX_YUAN = 10**13  # ten trillion yuan: larger figures are typing accidents
# Figures with their units and list separators, nothing else: what a profile's amount text may hold.
_FIGURES_ONLY = re.compile(
    r"(?:[\s¥,.、;/和]|[0-9]|[零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟元块]"
    r"|rmb|cny|yuan|million|billion|thousand|mn|bn|w|k|m|人民币)*")


def parse_as_of(value: object, default: date) -> date:
    """Accept a date, an ISO string or nothing (today, given by the caller)."""
    if value is None:
        return default
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ProfileError(f"{value!r} is not a valid date (use YYYY-MM-DD)", "as_of") from None
    raise ProfileError(f"expected a date YYYY-MM-DD, got {type(value).__name__}", "as_of")


def validate_facts(kb: KnowledgeBase, raw: Mapping[str, object]) -> Facts:
    """Return the typed facts; raise ProfileError naming the first bad one.

    A fact that sums up others (``summary_of`` in facts.yaml: "no transfer work at all") answered
    false makes each of those false unless the profile gives them."""
    facts: Facts = {}
    figures = kb.policy.rounding.figures
    words = number_words(kb)
    for key, value in raw.items():
        fact = kb.facts.get(str(key))
        if fact is None:
            raise ProfileError("unknown fact id (see the fact catalogue in knowledge/data/facts.yaml)", str(key))
        if value is None:
            continue
        facts[fact.id] = coerce_value(fact, value, words, figures)
    return with_summaries(kb, facts)


def with_summaries(kb: KnowledgeBase, facts: Facts) -> Facts:
    """Facts that sum up others (``summary_of``: "no transfer work at all") answered false make each
    of those false unless given: the one rule for every door (profiles, spreadsheets)."""
    for fact in kb.facts.values():
        if fact.summary_of and facts.get(fact.id) is False:
            for member in fact.summary_of:
                facts.setdefault(member, False)
    return facts


def number_words(kb: KnowledgeBase) -> NumberWords:
    """The vocabulary a figure in text is read with (the lexicon's, compiled once per knowledge base)."""
    return lexicon(kb).numbers


def coerce_value(fact: Fact, value: object, words: NumberWords, figures: RoundingMode | None = None) -> FactValue:
    """One fact's value in its catalogue type. ``words`` is the vocabulary a figure written as text is read
    with (``number_words(kb)``); ``figures`` is the knowledge base's rounding of a figure to whole yuan
    (``policy.rounding.figures``); without it a figure must be whole yuan."""
    if fact.type == "bool":
        if isinstance(value, bool):
            return value
        # Profiles are read as YAML 1.2: yes/no/on/off are text, and text is not guessed into a bool.
        raise ProfileError(f"expected true or false, got {_shown(value)}", fact.id)
    if fact.type == "choice":
        if isinstance(value, str) and value in fact.option_ids():
            return value
        if fact.multiple and isinstance(value, list | tuple):
            bad = [v for v in value if not (isinstance(v, str) and v in fact.option_ids())]
            if not bad:
                return [str(v) for v in value]
            raise ProfileError(f"expected a list of {', '.join(fact.option_ids())}, got {bad[0]!r}", fact.id)
        several = " (or a list of them, one per award)" if fact.multiple else ""
        raise ProfileError(f"expected one of {', '.join(fact.option_ids())}{several}, got {value!r}", fact.id)
    if fact.type == "money":
        return _money(fact.id, value, words, figures)
    if fact.type == "number":
        return _number(fact, value)
    if isinstance(value, list | tuple):
        return [_money(fact.id, v, words, figures) for v in value]
    if isinstance(value, str):
        values = parse_number_list(value, words) if _FIGURES_ONLY.fullmatch(normalize(value)) else None
        if values is None:
            raise ProfileError(f"cannot read {value!r} as amounts in yuan", fact.id)
        return values
    return [_money(fact.id, value, words, figures)]


def _money(fact_id: str, value: object, words: NumberWords, figures: RoundingMode | None) -> int:
    if isinstance(value, bool):
        raise ProfileError(f"expected an amount in yuan, got {value!r}", fact_id)
    if isinstance(value, str):
        # A profile is data: a figure and its unit only. "本金1000万" or "每月10万" is not the yearly
        # amount the fact asks for, and a file has nobody to ask, so words beside a figure are refused.
        parsed = parse_amount(value, words) if _FIGURES_ONLY.fullmatch(normalize(value)) else None
        if parsed is None:
            raise ProfileError(f"cannot read {_shown(value)} as an amount in yuan (write the figure only, "
                               "e.g. 800000, 80万 or 1.2亿)", fact_id)
        value = parsed
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ProfileError(f"expected a finite amount, got {value!r}", fact_id)
        if value < 0:
            raise ProfileError(f"an amount cannot be negative, got {_shown(value)}", fact_id)
        if value > MAX_YUAN:
            shown = f"{_shown(value)} yuan" if isinstance(value, float) or value.bit_length() <= 64 else _shown(value)
            raise ProfileError(f"{shown} is implausibly large for an amount", fact_id)
        if isinstance(value, int):
            return value
        exact = Fraction(str(value))  # the decimal as written: 0.5, not the float nearest to it
        if figures is None:
            if exact.denominator != 1:
                raise ProfileError(f"expected whole yuan, got {value!r}", fact_id)
            return int(exact)
        return round_yuan(exact, figures)
    raise ProfileError(f"expected an amount in yuan, got {type(value).__name__}", fact_id)


def _number(fact: Fact, value: object) -> int:
    """A whole number within the fact's bounds (items from 1, a year): a file has nobody to ask what
    "几个" or "前年" means, so nothing else is read."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProfileError(f"expected a whole number, got {_shown(value)}", fact.id)
    lo, hi = fact.minimum or 0, fact.maximum or 0
    if not lo <= value <= hi:
        raise ProfileError(f"expected a whole number from {lo} to {hi}, got {_shown(value)}", fact.id)
    return value


def _shown(value: object) -> str:
    """The value as the message quotes it: huge numbers by their size (their repr may not even exist)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number of {_digits(abs(value))} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _digits(n: int) -> int:
    """Decimal digits of a positive int too long for ``str`` (Python refuses over 4,300 digits)."""
    d = math.floor(math.log10(n)) + 1
    return d - 1 if 10 ** (d - 1) > n else d
