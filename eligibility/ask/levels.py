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
_EXPLICIT = re.compile(r"[\u4e00-\u9fff]级|\b[a-z]+-level\b")  # a level said outright ("省级", "provincial-level")


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
        levels = {level_of(cues, kb.benefit(i)) for i in h.benefits}
        # the words between the term and the one before it (another term ends the window: "国家级和省级…"); for an
        # entry with no level of its own, a level word that is itself a term qualifies the term right after it
        # ("省级专利导航": 省级 is a term of the provincial zone)
        loose = levels == {None}
        # a level word that is another entry's term ("省级" of the provincial zone) qualifies this term when it
        # names no level itself: "省级知识产权服务品牌机构" is a provincial title, not the zone
        bare = not any(rx.search(normalize(h.term)) for rx in cues.levels.values())
        before = max((o.end for o in result.hits if o.english == h.english and o.end <= h.start
                      and not (_level_word(cues, o.term) and (h.start - o.end <= 1 if loose else
                                                              bare and not set(o.benefits) & set(h.benefits)))),
                     default=0)
        if h.english:
            window = " ".join(words[max(before, h.start - _REACH_EN):h.start])
        else:
            window = re.split(r"[，,。？?！!；;、和与及跟或\s]", text[max(before, h.start - _REACH_ZH):h.start])[-1]
        named = [lv for lv, rx in cues.levels.items() if rx.search(window)]
        if len(named) != 1:
            continue
        if None in levels:
            # an entry with no level of its own is the city's (专利导航项目): only a level said outright with 级
            # ("省级专利导航项目") is another level's; a bare 国家 may be a standard's ("按国家标准做的专利导航")
            said = _EXPLICIT.search(window)
            sources = "".join(normalize(kb.benefit(i).source) for i in h.benefits)
            if named[0] != "municipal" and said and loose and said.group(0)[0] not in sources:
                return True  # "为县级…机构提供托管服务": the clause names 县（市、区） itself, not another level
            continue
        if named[0] not in levels:
            return True
    return False


def _level_word(cues: Cues, term: str) -> bool:
    """Whether a matched term is only a level word ("省级", "national"): it qualifies the term after it."""
    word = normalize(term).strip()
    return any(rx.fullmatch(word) for rx in cues.levels.values())

