"""Claims of a yes/no question about time, read against the entry: an event said to be years back
("前年拿的金奖，今年还能申请吗") against an entry paying for 上一年度's event; a duration ("有效期是3年吧") against the
policy's validity. Used by the verdicts (verdicts.py); the words are questions.yaml's ``years_ago`` and ``duration``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eligibility.ask.cues import alternation, word_pattern
from eligibility.ask.model import VALIDITY_ENTRY, YesNo
from knowledge.models import Benefit, KnowledgeBase

# A count of years ("3年", "五年", "3 years"), not a year ("2027年") nor a year's name ("2022年度", "3年期").
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_YEARS_COUNT = re.compile(r"(?<![\d.])(\d{1,2}|[一两二三四五六七八九十])\s*(?:个)?\s*(?:年(?![度期])|years?\b)")
_A_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class _Words:
    years_ago: tuple[tuple[re.Pattern[str], int], ...]
    duration: re.Pattern[str]


def _words(kb: KnowledgeBase) -> _Words:
    def build(kb: KnowledgeBase) -> _Words:
        q = kb.vocabulary.questions
        ago = q.years_ago if q is not None else {}
        duration = q.duration if q is not None else []
        ordered = sorted(ago.items(), key=lambda kv: len(kv[0]), reverse=True)  # "大前年" before "前年"
        return _Words(tuple((re.compile(word_pattern(w)), n) for w, n in ordered), re.compile(alternation(duration)))
    return kb.memo("ask.claims_time", build)


# A figure of money right after the time word: the time is when money was paid ("前年奖过5万了"), not the event's.
_PAID_THEN = re.compile(r"^[^，,。；;？?！!\d]{0,4}\d")


def years_back(kb: KnowledgeBase, text: str) -> int | None:
    """The most years back a time word of the question says of an event ("前年" 2, "三年前" 3), or None."""
    found: list[int] = []
    rest = text
    for rx, n in _words(kb).years_ago:
        for m in rx.finditer(rest):
            if not _PAID_THEN.match(rest[m.end():]):
                found.append(n)
        rest = rx.sub(lambda m: " " * len(m.group(0)), rest)  # "大前年" is not a "前年" too
    return max(found) if found else None


def event_too_old(kb: KnowledgeBase, b: Benefit, text: str) -> YesNo | None:
    """"前年拿的专利优秀奖，今年还能申请奖励吗", "前几年就评上的示范企业还能领10万吗": an event two or more years back
    is no 上一年度 event, so a no with the entry's condition. Not when the question names a year of its own (the
    application year, read by the engine), nor for an entry without such a window."""
    if b.is_info or _A_YEAR.search(text):
        return None
    back = years_back(kb, text)
    if back is None or back < 2:
        return None
    for c in kb.conditions_of(b):
        fact = kb.facts.get(c.fact)
        if fact is None or fact.window is None or fact.type not in ("bool", "choice"):
            continue
        label = c.label or fact.label
        return YesNo("no", "condition_fails", (("label_zh", label.zh), ("label_en", label.en)))
    return None


def duration_verdict(kb: KnowledgeBase, b: Benefit, text: str) -> YesNo | None:
    """"政策有效期是3年吧", "Is the policy valid for 5 years?": a count of years asked of the validity against the
    policy's ("有效期5年")."""
    if b.id != VALIDITY_ENTRY or not _words(kb).duration.search(text) or _A_YEAR.search(text):
        return None
    counts = {int(m.group(1)) if m.group(1).isdigit() else _NUMERALS[m.group(1)] for m in _YEARS_COUNT.finditer(text)}
    if len(counts) != 1:
        return None
    claimed, years = counts.pop(), kb.policy.validity.years
    same = claimed == years
    return YesNo("yes" if same else "no", "duration_same" if same else "duration_differs",
                 (("claimed", claimed), ("years", years)))
