"""The level of a title or project (national, provincial, municipal, county): an entry whose title names one
answers only that level. "市级知识产权优势企业", "县级规范化市场": a level named right before an entry's term that
no entry holding the term has is an IP matter this policy does not cover (refused with the reason)."""

from __future__ import annotations

import re

from eligibility.ask.cues import Cues
from eligibility.matcher import MatchResult, english_words
from eligibility.parsing import normalize
from knowledge.models import Benefit, KnowledgeBase

LEVELS_SUBJECT = "other_levels_titles"  # the out-of-scope subject of a level the policy does not reward

_REACH_ZH = 6  # characters before a term a level word qualifies it from ("市级知识产权…", "县级的…")
_REACH_EN = 3  # words


def level_of(cues: Cues, b: Benefit) -> str | None:
    """The level an entry's own title names (国家知识产权示范企业 -> national), or None."""
    title = normalize(b.title.zh)
    found = [lv for lv, rx in cues.levels.items() if rx.search(title)]
    return found[0] if len(found) == 1 else None


def other_level(kb: KnowledgeBase, cues: Cues, result: MatchResult, text: str) -> bool:
    """Whether a level named right before an entry's term is one no entry holding that term has."""
    if result.refused or not result.ranked:
        return False
    words = english_words(text)
    for h in result.hits:
        if not h.benefits:
            continue
        # the words between the term and the one before it (another term ends the window: "国家级和省级…")
        before = max((o.end for o in result.hits if o.english == h.english and o.end <= h.start), default=0)
        if h.english:
            window = " ".join(words[max(before, h.start - _REACH_EN):h.start])
        else:
            window = re.split(r"[，,。？?！!；;、和与及跟或\s]", text[max(before, h.start - _REACH_ZH):h.start])[-1]
        named = [lv for lv, rx in cues.levels.items() if rx.search(window)]
        if len(named) != 1:
            continue
        levels = {level_of(cues, kb.benefit(i)) for i in h.benefits}
        if None in levels:
            continue  # a term of an entry with no level of its own (贯标 …): the level word says nothing of it
        if named[0] not in levels:
            return True
    return False
