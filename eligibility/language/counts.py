"""Counts and years people volunteer: "我们建了2个商标品牌指导站" -> trademark_guidance_station_count 2,
"2028年申请" -> application_year 2028, "2021年付的利息" -> pledge_loan_interest_year 2021.

Precision first: a count is read only with a counter right before the thing counted (or right after it,
closing the clause), a year only with one of its fact's cues right after it. A count left open ("几个"),
negated, supposed, planned or someone else's is no count; a year is never an amount (figures.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from eligibility.language.clauses import Clause
from eligibility.language.lexicon import Lexicon, lexicon
from eligibility.language.model import Clarify, FactValue, Note
from eligibility.language.polarity import negates
from eligibility.parsing import normalize, scan_numbers
from knowledge.models import KnowledgeBase

_ARTICLE = frozenset({"一", "one"})
_CENTURY = 2000  # "21年付的利息": a two-digit year is this century's


def read_counts(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause]) -> tuple[dict[str, int], list[Clarify]]:
    """Every count fact stated once in the message; a fact counted twice with different counts is left out.

    The things counted must be the applicant's own: a count whose words are planned, supposed or the clients'
    is none ("准备建3个指导站"; "为小微企业免费维权援助项目3个" still counts the agency's projects: the clients are
    the aid's beneficiaries, not the projects' owners). A count of things that count only when they meet the
    fact's condition ("3个联盟", "3个规范化市场"), not said to, is asked about: how many do is unclear."""
    found: dict[str, set[int]] = {}
    unclear: dict[str, int] = {}
    said = " ".join(c.s for c in clauses)
    met = {fact_id for fact_id, _, all_met in lex.item_counts if all_met is not None and all_met.search(said)}
    # "有3个驰名商标，一个是子公司的", "5个示范企业，其中2个是去年认定的": a part of the count told apart
    apart = {ci for ci in range(len(clauses) - 1) if _part_apart(clauses[ci + 1])}
    for ci, c in enumerate(clauses):
        if c.of_clients or negates(lex, c.s) or lex.quota_marks.search(c.s):
            continue  # "每年只选5个维权援助项目，对吗": the policy's quota, not the applicant's count
        nxt = clauses[ci + 1].s if ci + 1 < len(clauses) and not negates(lex, clauses[ci + 1].s) else ""
        for fact_id, patterns, all_met in lex.item_counts:
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
                    if value is None or not (fact.minimum or 1) <= value <= (fact.maximum or value):
                        continue
                    if ci in apart:
                        unclear.setdefault(fact_id, value)  # how many are the applicant's own, and new, is asked
                        continue
                    if all_met is not None and fact_id not in met:
                        # "3个联盟，1个备案了": how many are filed is unclear (one fact of those sharing the words)
                        if not met & lex.count_siblings.get(fact_id, frozenset()):
                            unclear.setdefault(fact_id, value)
                        continue
                    found.setdefault(fact_id, set()).add(value)
    counts = {k: v.pop() for k, v in found.items() if len(v) == 1}
    asked: list[Clarify] = []
    for fact_id in unclear:
        if fact_id not in counts and not any(s in counts or s in {c.fact for c in asked}
                                             for s in lex.count_siblings.get(fact_id, ())):
            asked.append(Clarify(fact_id, "lang.ask.count", {"n": unclear[fact_id]}))
    return counts, asked


# "一个是子公司的", "其中2个是去年认定的", "one of them is our parent's": a part of a count just given, then what it is
_PART_LEAD = re.compile(r"^(?:其中|这里面|里面|当中|这中间)?\s*(?:有)?\s*(?:[一二两三四五六七八九十几\d]+)\s*"
                        r"(?:个|件|项|家|所|只)?\s*(?:是|为|属于|归)"
                        r"|^(?:one|two|three|four|five|\d+) of (?:them|these|those|which)\b")
_APART = re.compile(r"年|以前|之前|早就|before|last year|years? ago|\d{4}")


def _part_apart(c: Clause) -> bool:
    """The clause tells a part of a count apart: someone else's ("一个是子公司的") or of another year ("其中2个是去年
    认定的"); then the count is not the applicant's new ones, and how many are is asked."""
    return _PART_LEAD.search(c.s) is not None and (any(h.has("party") for h in c.hits)
                                                   or _APART.search(c.s) is not None)


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
                year = full_year(int(next(g for g in m.groups() if g)))
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


# -- the year of an award or title -------------------------------------------------------------------------------
# The policy pays titles and awards of "上一年度" (the year before the application): "今年获得的" is for next year's
# application, "2025年获得…2026年申请" is last year's, "2021年拿的" is not (applying now). A year said as a number
# and one said in words ("2021年拿的…今年还能申请吗") are compared only with the current year, which the engine is
# given as a parameter (``settle_event_years``); the layer knows no clock.

_EVENT_NOTE = "lang.note.event_year"  # _this: for next year's application; _before: for an earlier one
EVENT_NOTES = (f"{_EVENT_NOTE}_this", f"{_EVENT_NOTE}_before")
_EVENT_ASK = "lang.ask.event_year"


@dataclass(frozen=True)
class _Signal:
    start: int
    shown: str
    absolute: int | None  # 2021
    offset: int | None  # from the current year: 去年 -1, 今年 0


@dataclass(frozen=True)
class _Event:
    value: FactValue  # True for a yes/no fact, the level for a choice
    signal: _Signal | None


def read_event_years(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause], facts: dict[str, FactValue],
                     said: set[int]) -> tuple[dict[str, FactValue | None], list[Note], list[Clarify], set[str]]:
    """The windowed facts ("上一年度…", "新认定…") whose events the message dates: the facts so settled (a level of
    another year left out, a title of this year false), a note for each event that is not last year's, and for a
    year the layer cannot place without the current year ("2021年拿的银奖" applying now) the question, with what
    ``settle_event_years`` needs to settle it. ``said``: the years read as year facts ("2026年申请")."""
    app_abs = facts.get("application_year")
    app_year = app_abs if isinstance(app_abs, int) and not isinstance(app_abs, bool) else None
    app_offset, app_spots = _application_offset(kb, lex, clauses)
    signals = [[s for s in _signals(lex, c, said) if s.start not in app_spots.get(ci, set())]
               for ci, c in enumerate(clauses)]
    updates: dict[str, FactValue | None] = {}  # None: the fact is not recorded (no event of last year)
    notes: list[Note] = []
    asks: list[Clarify] = []
    settled: set[str] = set()
    for fact_id, value in list(facts.items()):
        fact = kb.facts.get(fact_id)
        if fact is None or fact.window is None or fact.type not in ("bool", "choice") or value is False \
                or value == "none" or value == []:
            continue
        events = _events(fact_id, fact.type, clauses, signals)
        if not events or all(e.signal is None for e in events):
            continue
        relations = [_kept(lex, fact_id, _relation(e.signal, app_year, app_offset, None)) for e in events]
        if any(r == "unknown" for r in relations):
            if all(r != "after" for r in relations):
                asks.append(Clarify(fact_id, _EVENT_ASK, {
                    "year": next(e.signal.shown for e, r in zip(events, relations, strict=True)
                                 if r == "unknown" and e.signal is not None),
                    "events": tuple((e.value, e.signal.absolute if e.signal else None,
                                     e.signal.offset if e.signal else None, e.signal.shown if e.signal else "")
                                    for e in events),
                    "application": (app_year, app_offset)}))
                settled.add(fact_id)
            continue
        if "after" in relations:
            continue  # a year after the application: asked, as before
        new, said_notes = _settle(kb, fact_id, value, list(zip(events, relations, strict=True)))
        updates[fact_id] = new
        notes += said_notes
        settled.add(fact_id)
    return updates, notes, asks, settled


def _kept(lex: Lexicon, fact_id: str, relation: str) -> str:
    """A fact whose clause does not say 上一年度 ("新取得马德里注册") keeps an event of the application's own year."""
    return "last" if relation == "this" and fact_id not in lex.last_year_facts else relation


def settle_event_years(kb: KnowledgeBase, facts: Mapping[str, FactValue], clarify: tuple[Clarify, ...],
                       notes: tuple[Note, ...],
                       this_year: int | None) -> tuple[dict[str, FactValue], tuple[Clarify, ...], tuple[Note, ...]]:
    """The questions ``read_event_years`` left about an event's year, settled with the current year: "2021年拿的银奖，
    今年还能申请吗" in 2026 is not last year's; "2025年获得金奖" applying this year (2026) is. A fact with events of
    other years only is no for this application (without the current year too: "今年刚评上示范企业")."""
    lex = lexicon(kb)
    out = dict(facts)
    kept: list[Clarify] = []
    said = list(notes)
    for c in clarify:
        events = c.params.get("events") if c.key == _EVENT_ASK and this_year is not None else None
        application = c.params.get("application")
        if not isinstance(events, tuple) or not isinstance(application, tuple):
            kept.append(c)
            continue
        app_year, app_offset = application
        pairs = []
        for told, absolute, offset, shown in events:
            signal = _Signal(0, shown, absolute, offset) if shown else None
            relation = _relation(signal, app_year, app_offset, this_year)
            pairs.append((_Event(told, signal), _kept(lex, c.fact, relation)))
        if any(r in ("unknown", "after") for _, r in pairs):
            kept.append(c)
            continue
        levels = [str(e.value) for e, _ in pairs]
        stated: FactValue = True if kb.facts[c.fact].type != "choice" else levels if len(levels) > 1 else levels[0]
        new, more = _settle(kb, c.fact, stated, pairs)
        if new is not None:
            out[c.fact] = new
        said += more
    for n in said:  # applying now, a fact with events of other years only is no for this application
        if n.key in EVENT_NOTES and n.fact is not None and n.fact not in out:
            out[n.fact] = _not_this_application(kb, n.fact)
    return out, tuple(kept), tuple(said)


def _application_offset(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause]) -> tuple[int, dict[int, set[int]]]:
    """The application year in words ("今年申报", "明年申请", "applying next year"), from the current year (0 when
    unsaid), and where those words stand (clause index -> starts), so they are no event's year."""
    cues = kb.vocabulary.facts.get("application_year")
    words = [normalize(w) for w in (cues.year_cues if cues else [])]
    spots: dict[int, set[int]] = {}
    offsets: set[int] = set()
    for ci, c in enumerate(clauses):
        for word, offset in lex.year_offsets:
            at = c.s.find(word)
            while at >= 0:
                rest = c.s[at + len(word):].lstrip()
                lead = c.s[max(0, at - 12):at].rstrip()
                if any(rest.startswith(w) for w in words if w) or lead.endswith(lex.apply_leads):
                    spots.setdefault(ci, set()).add(at)
                    offsets.add(offset)
                at = c.s.find(word, at + len(word))
    return (offsets.pop() if len(offsets) == 1 else 0), spots


def _signals(lex: Lexicon, c: Clause, said: set[int]) -> list[_Signal]:
    out = [_Signal(n.start, c.s[n.start : n.end], full_year(int(n.value)), None)
           for n in scan_numbers(c.s, lex.numbers) if n.kind == "year" and full_year(int(n.value)) not in said]
    taken: list[tuple[int, int]] = []
    for word, offset in lex.year_offsets:  # longest first: "大前年" is not "前年"
        at = c.s.find(word)
        while at >= 0:
            if not any(a <= at < b for a, b in taken) and not (word.isascii() and _inside_word(c.s, at, word)):
                taken.append((at, at + len(word)))
                out.append(_Signal(at, word, None, offset))
            at = c.s.find(word, at + len(word))
    return sorted(out, key=lambda s: s.start)


def _inside_word(s: str, at: int, word: str) -> bool:
    end = at + len(word)
    return (at > 0 and s[at - 1].isalnum()) or (end < len(s) and s[end].isalnum())


def _events(fact_id: str, kind: str, clauses: list[Clause], signals: list[list[_Signal]]) -> list[_Event]:
    """Each event of the fact the message names, with the year said in its stretch of the clause (before it in
    Chinese, after it in English; else the other side), or in a next clause that names no fact ("…，前年入选的")."""
    out: list[_Event] = []
    for ci, c in enumerate(clauses):
        tag = "option" if kind == "choice" else "mention"
        hits = [(h, t) for h in c.hits for t in h.of(tag) if t.key == fact_id and not c.negated(h)]
        if kind == "choice" and not hits:
            continue
        for k, (h, t) in enumerate(hits):
            lo = hits[k - 1][0].end if k else 0
            hi = hits[k + 1][0].start if k + 1 < len(hits) else len(c.s)
            before = [s for s in signals[ci] if lo <= s.start < h.start]
            after = [s for s in signals[ci] if h.end <= s.start < hi]
            english = c.s.isascii()
            signal = (after[0] if after else before[-1] if before else None) if english \
                else (before[-1] if before else after[0] if after else None)
            if signal is None and ci + 1 < len(clauses) and signals[ci + 1] and not any(
                    t2.kind in ("mention", "option") for h2 in clauses[ci + 1].hits for t2 in h2.tags):
                signal = signals[ci + 1][0]
            out.append(_Event(t.value if kind == "choice" else True, signal))
    return out


def _relation(signal: _Signal | None, app_year: int | None, app_offset: int, this_year: int | None) -> str:
    """"last" (the year before the application), "this" (the application's year), "before", "after", or "unknown"
    (a number against words, or words against a number, with no current year given)."""
    if signal is None:
        return "last"  # no year said: read as the window says
    if signal.absolute is not None and app_year is not None:
        diff = signal.absolute - app_year
    elif signal.offset is not None and app_year is None:
        diff = signal.offset - app_offset
    elif signal.offset == -1 and app_year is not None and this_year is None:
        diff = -1  # "去年拿了金奖，2027年申请": 去年 is the year before the application, as the window reads it
    elif this_year is None:
        return "unknown"
    elif signal.absolute is not None:
        diff = signal.absolute - (this_year + app_offset)
    else:
        diff = this_year + (signal.offset or 0) - (app_year or this_year)
    return "last" if diff == -1 else "this" if diff == 0 else "before" if diff < -1 else "after"


def _settle(kb: KnowledgeBase, fact_id: str, value: FactValue,
            pairs: list[tuple[_Event, str]]) -> tuple[FactValue | None, list[Note]]:
    """The fact for this application: only last year's events; a note for each of another year. None: no event
    is last year's, so nothing is recorded (the note says why; the question of the fact stays open)."""
    fact = kb.facts[fact_id]
    notes = []
    dropped = [(e, r) for e, r in pairs if r != "last"]
    for e, r in dropped:
        option = next((o for o in fact.options if o.id == e.value), None) if fact.type == "choice" else None
        thing = option.label if option is not None else (fact.short or fact.label)
        assert e.signal is not None
        shown = e.signal.shown
        shown_en = f"in {shown.rstrip('年')}" if e.signal.absolute is not None else shown
        shown_zh = shown if e.signal.offset is not None or shown.endswith("年") else f"{shown}年"
        notes.append(Note(f"{_EVENT_NOTE}_{r}", {"thing_zh": thing.zh, "thing_en": thing.en,
                                        "year_zh": shown_zh, "year_en": shown_en}, fact_id))
    if fact.type == "bool":
        return (True if any(r == "last" for _, r in pairs) else None), notes
    levels: list[FactValue] = list(value) if isinstance(value, list) else [value]
    for e, _ in dropped:
        if e.value in levels and (levels.count(e.value) > 1 or not any(
                r == "last" and x.value == e.value for x, r in pairs)):
            levels.remove(e.value)
    if not levels:
        return None, notes
    return ([str(x) for x in levels] if len(levels) > 1 else levels[0]), notes


def _not_this_application(kb: KnowledgeBase, fact_id: str) -> FactValue:
    """The value of a fact whose only events are of another year, for this application: no (or no award)."""
    fact = kb.facts[fact_id]
    if fact.type == "bool":
        return False
    return "none" if "none" in fact.option_ids() else []
