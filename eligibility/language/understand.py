"""One message -> a Reading: intent, the answer to the question asked, volunteered facts, figures,
corrections, notes to state back and questions to ask when unsure.

Precision before recall: a fact is recorded only when the text says it outright; a figure only through
a cue of its fact or as the answer to its question; anything unsure becomes a Clarify, never a guess.
"""

from __future__ import annotations

import re
from itertools import pairwise

from eligibility.language.applicants import read_applicant
from eligibility.language.clauses import CONCEPTS, Clause, led_by_others, prepared, split
from eligibility.language.counts import EVENT_NOTES, full_year, read_counts, read_event_years, read_years
from eligibility.language.figures import read_figures, self_corrected
from eligibility.language.intents import exact_intent, intent_of
from eligibility.language.lexicon import PARTIAL, VAGUE_OPTIONS, Lexicon, lexicon
from eligibility.language.mentions import LIST_CHOICES, counted_levels, only_denies, read_mentions
from eligibility.language.model import Clarify, FactValue, Note, Reading
from eligibility.language.places import read_place
from eligibility.language.polarity import core, hedged, is_none, is_unknown, negates, yes_no
from eligibility.parsing import Number, looks_like_question, parse_choice, scan_numbers
from eligibility.questionnaire import NONE_OPTION, Question, group_answer
from knowledge.models import KnowledgeBase

MAX_CHARS = 4000  # a message longer than this is read from its start (a forward, not a novel)
_TICK_NUMBERS = re.compile(r"^\s*\d{1,2}(\s*[,;、/ ]\s*\d{1,2})*\s*$")
_EN_LIST = re.compile(r"\s*(?:[,;/]|\band\b|\bor\b|\bplus\b)\s*")


def understand(kb: KnowledgeBase, text: str, *, expecting: Question | None = None) -> Reading:
    """Read one message; ``expecting`` is the question the bot just asked (None for free text)."""
    lex = lexicon(kb)
    typed = prepared(text[:MAX_CHARS])
    s, cased = self_corrected(lex, *_respelled(lex, *_zeros_respelled(*_english_numerals(*typed))))
    slipped = _LETTER_O.search(typed[0]) is not None
    clauses = split(lex, s, cased)
    notes: list[Note] = []
    clarify: list[Clarify] = []
    asked_fact = expecting.facts[0] if expecting is not None and expecting.kind != "multi" else None
    asked_money = asked_fact if expecting is not None and expecting.kind in ("money", "money_list") else None

    mentions = read_mentions(kb, lex, clauses)
    facts: dict[str, FactValue] = dict(mentions.facts)
    clarify += mentions.clarify
    counted, unclear_counts = read_counts(kb, lex, clauses)
    facts.update(counted)
    clarify += unclear_counts
    years, said_years = read_years(kb, lex, clauses)
    facts.update(years)

    place = read_place(lex, clauses, asked=asked_fact == "in_city")
    if place.value is not None:
        facts["in_city"] = place.value
    notes += place.notes
    if not (asked_fact == "in_city" and not place.named and clauses
            and yes_no(lex, s, clauses[0].s) is not None):
        clarify += place.clarify  # "是的，我们在这边" answers the question; "我们在城南那边" does not

    applicant = read_applicant(lex, clauses, asked=asked_fact == "entity_type",
                               midway=expecting is not None and asked_fact != "entity_type")
    if applicant.value is not None:
        facts["entity_type"] = applicant.value
    clarify += applicant.clarify

    mentioned = set(mentions.mentioned) | ({asked_fact} if asked_fact else set())
    figures = read_figures(kb, lex, clauses, expecting=asked_money, mentioned=mentioned)
    for fact_id, values in figures.amounts.items():
        if kb.facts[fact_id].type == "money_list":
            facts[fact_id] = values
        elif fact_id not in {c.fact for c in figures.clarify}:
            facts[fact_id] = values[0]
    notes += figures.notes
    clarify += figures.clarify

    def confirm(fact_id: str, value: int) -> None:
        """The figure read for ``fact_id`` is asked back to be confirmed, never computed from."""
        label = kb.facts[fact_id].label
        facts.pop(fact_id, None)
        clarify.append(Clarify(fact_id, "lang.ask.confirm_amount", {
            "figure": next((f.text for f in figures.figures if f.fact == fact_id and f.role == "amount"), ""),
            "label_zh": label.zh, "label_en": label.en}, value))

    for fact_id, values in figures.amounts.items():
        most = lex.plausible_max.get(fact_id)
        if most is not None and any(v > most for v in values) and fact_id in facts:
            # "利息800000万": 80亿 of interest is more likely a slip than a loan; confirmed, never computed from.
            confirm(fact_id, values[0])
    if slipped:
        # "利息6O万": the letter O typed for a zero is read as 0, and the figure so read is confirmed, never
        # computed from (nor read as 6元).
        for fact_id, values in figures.amounts.items():
            confirm(fact_id, values[0])
    if figures.amounts and any(_unsure_alone(lex, c) for c in clauses):
        # "利息是80万吗？我同事说的，我不确定": the user doubts the figure; it is confirmed, never computed from.
        for fact_id, values in figures.amounts.items():
            confirm(fact_id, values[0])
    # A money fact named and negated ("没有质押贷款") is none; named without a figure says nothing.
    for fact_id in list(facts):
        if kb.facts[fact_id].type in ("money", "money_list") and facts[fact_id] is False:
            facts[fact_id] = 0 if kb.facts[fact_id].type == "money" else []

    is_question = looks_like_question(text[:MAX_CHARS])
    told = [f for f in figures.figures if f.role != "phone"]  # "我电话138…，让人联系我吧" states no figure of a fact
    plain = not facts and not clarify and not told and not is_question
    intent = intent_of(lex, s, plain=plain, quiet=not facts and not clarify and not told,
                       untopical=not mentions.mentioned and not told and not clarify,
                       stated=bool(facts) and not is_question)
    if intent is not None and exact_intent(lex, s):
        # A command typed ("上一题", "菜单") states nothing, whatever digits its words hold.
        return Reading(intent=intent, is_question=False)
    unknown = is_unknown(lex, s)
    correction = _is_correction(lex, clauses)
    answered = False
    moved = lex.year_corrected.search(s) if asked_fact and kb.facts[asked_fact].window else None
    if moved is not None:
        # "不是去年，是今年": the year is corrected, not the fact denied; whether it is the year is asked.
        clarify.append(Clarify(asked_fact or "", "lang.ask.event_year", {"year": moved.group(1)}))
    elif expecting is not None and not unknown:
        others = {k for k in facts if k not in expecting.facts}
        answer, extra_notes, extra_clarify = _answer(kb, lex, expecting, s, cased, clauses, facts,
                                                     polar=not (correction and others))
        clarify += extra_clarify
        if answer is not None:
            answered = True
            facts.update(answer)
            notes += extra_notes
    dated, dated_notes, dated_asks, settled = read_event_years(kb, lex, clauses, facts, said_years)
    for fact_id, value in dated.items():  # an award or title of another year only: not recorded as last year's
        if value is None:
            facts.pop(fact_id, None)
        else:
            facts[fact_id] = value
    notes += dated_notes
    clarify += dated_asks
    clarify += _event_years(kb, lex, clauses, {k: v for k, v in facts.items() if k not in settled},
                            mentions.mentioned - settled,
                            asked_fact if expecting is not None and expecting.kind != "multi" else None, said_years)
    clarify += _alternative_options(lex, clauses)
    for fact_id in _not_last_years(kb, lex, clauses, facts) if moved is None else ():
        # "我们是国家知识产权示范企业，但不是去年新增的": a fact of last year's window said not to be last year's
        facts[fact_id] = False if kb.facts[fact_id].type == "bool" else NONE_OPTION
    clarified = {c.fact for c in clarify}
    facts = {k: v for k, v in facts.items() if k not in clarified and not _summed_up(kb, k, facts)}
    # nothing stated back for a fact asked about; an award of another year is said (it is why none is recorded)
    notes = [n for n in notes if n.fact is None or n.fact in facts or n.key in EVENT_NOTES]
    if answered and expecting is not None and all(f in clarified for f in expecting.facts):
        answered = False

    return Reading(
        intent=intent,
        answered=answered,
        unknown=unknown and not answered,
        facts=facts,
        correction=correction and bool(facts),
        is_question=is_question,
        notes=tuple(notes),
        clarify=tuple(_dedupe(clarify)),
        figures=tuple(figures.figures),
        # someone else's is denied only beside the applicant's own words ("合作方拿了金奖，我们能拿多少"); a rumour
        # ("同行说优势企业奖5万") is about the policy
        denied=frozenset((mentions.denied | (mentions.theirs if any(h.has("self") for c in clauses for h in c.hits)
                                             else set())) - set(facts)),
    )


def _unsure_alone(lex: Lexicon, c: Clause) -> bool:
    """A clause that only says the user is not sure ("我不确定", "not sure"), naming no fact or figure."""
    return is_unknown(lex, c.s) and not any(t.kind in CONCEPTS or t.kind == "cue" for h in c.hits for t in h.tags) \
        and not any(ch.isdigit() for ch in c.s)


def _event_years(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause], facts: dict[str, FactValue],
                 mentioned: set[str], asked: str | None, said: set[int]) -> list[Clarify]:
    """"2024年获得的专利金奖", "驰名商标2019年认定的", "前年入选的": an event of a year the policy may not
    count (it pays for 上一年度 / 新取得 …, read as the year before the application; the layer knows no
    clock). A fact with such a window is asked about, not recorded; "去年" is that year and fine. ``said``: the
    years read as a year fact ("2028年申请"): no event's year."""
    def signals(c: Clause) -> list[str]:
        found = [c.s[n.start : n.end] for n in scan_numbers(c.s, lex.numbers)
                 if (n.kind == "year" or _english_year(c.s, n)) and full_year(int(n.value)) not in said]
        return found + [h.term for h in c.hits
                        if h.has("pending") and any(t.key == PARTIAL for t in h.of("period"))]

    per_clause = [signals(c) for c in clauses]
    years = [y for ys in per_clause for y in ys]
    if not years:
        return []
    out = []
    for fact_id in sorted({*mentioned, *facts, *([asked] if asked else [])}):
        fact = kb.facts.get(fact_id)
        if fact is None or fact.window is None or fact.type not in ("bool", "choice"):
            continue
        named_in = [i for i, c in enumerate(clauses)
                    if any(t.key == fact_id for h in c.hits for t in (*h.of("mention"), *h.of("option")))]
        if named_in and not any(per_clause[i] for i in named_in) and any(
                w in clauses[i].s for i in named_in for w in lex.last_year):
            continue  # "我们2010年成立，去年拿了银奖": the award's own clause says last year
        value = facts.get(fact_id)
        if value is False or value == NONE_OPTION or value == []:
            continue  # "2023年没拿奖": a no is a no, whatever the year
        out.append(Clarify(fact_id, "lang.ask.event_year", {"year": years[0]}))
    return out


_EN_YEAR = re.compile(r"(?:19|20)\d\d")


def _english_year(s: str, n: Number) -> bool:
    """"we won the silver award in 2021": English writes a year with no 年; a bare four-digit figure of these
    centuries not followed by what it counts ("2000 employees")."""
    return s.isascii() and n.bare and _EN_YEAR.fullmatch(s[n.start : n.end]) is not None \
        and re.match(r" ?[a-z]", s[n.end :]) is None


def _not_last_years(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause], facts: dict[str, FactValue]) -> list[str]:
    """Windowed facts read as had, named in a clause that says "不是去年" (or in the clause before one that names
    nothing else): not last year's, so not the fact."""
    def named(c: Clause) -> set[str]:
        return {t.key for h in c.hits for t in (*h.of("mention"), *h.of("option"))}
    out: list[str] = []
    for i, c in enumerate(clauses):
        if not any(w + y in c.s for w in lex.not_it for y in lex.last_year):
            continue
        said = named(c) or (named(clauses[i - 1]) if i > 0 else set())
        out += [f for f in said if f in facts and kb.facts[f].window is not None
                and kb.facts[f].type in ("bool", "choice") and facts[f] not in (False, NONE_OPTION, [])]
    return out


def _alternative_options(lex: Lexicon, clauses: list[Clause]) -> list[Clarify]:
    """Two options of one fact given as alternatives ("金奖还是银奖来着", "gold or silver"): which one is asked."""
    out = []
    for c in clauses:
        options = [(h, t) for h in c.hits for t in h.of("option")]
        for (a, ta), (b, tb) in pairwise(options):
            if ta.key == tb.key and ta.value != tb.value and lex.alternatives.fullmatch(c.s[a.end : b.start]):
                out.append(Clarify(ta.key, "lang.ask.choice", {"options": [ta.value, tb.value]}))
    for c, d in pairwise(clauses):
        # "好像是银奖，也可能是优秀奖": the next clause gives another option as an alternative (J3)
        if not d.s.startswith(lex.alternative_leads):
            continue
        before = {t.key: t.value for h in c.hits for t in h.of("option")}
        for t in (t for h in d.hits for t in h.of("option")):
            if t.key in before and before[t.key] != t.value:
                out.append(Clarify(t.key, "lang.ask.choice", {"options": [before[t.key], t.value]}))
    return out


def _summed_up(kb: KnowledgeBase, fact_id: str, facts: dict[str, FactValue]) -> bool:
    """A fact that sums up others (``summary_of``) read true while one of its members is read true:
    the member says it more precisely ("获取专利技术" is the SME's own transfer work), so only the
    member is recorded; a summary read false still makes its members false (``with_summaries``), unless a member
    is read false with it: then the member is what was denied, and only it is recorded."""
    members = kb.facts[fact_id].summary_of
    if facts.get(fact_id) is False and any(facts.get(m) is False for m in members):
        # "没有对外输出专利" denies the universities' licensing out, not every kind of transfer work the summary holds
        return True
    return facts.get(fact_id) is True and any(facts.get(m) is True for m in members)


def _dedupe(items: list[Clarify]) -> list[Clarify]:
    seen: set[str] = set()
    out = []
    for c in items:
        if c.fact not in seen:
            seen.add(c.fact)
            out.append(c)
    return out


def _is_correction(lex: Lexicon, clauses: list[Clause]) -> bool:
    # "不对，是30万", "其实是…", "刚才利息说错了，是30万": a correction word opening a clause or closing it
    return any(c.s.startswith(lex.corrections) or c.s.rstrip(" !.~,;。、…吧啊呀").endswith(lex.corrections)
               or "其实" in c.s for c in clauses[:2])


_Answered = tuple[dict[str, FactValue] | None, list[Note], list[Clarify]]


# The letter O typed for a zero inside a figure ("6O万", "6O0k", "1O0000"): after a digit, before digits, a unit
# or the figure's end. The syntax of a figure, not words people choose.
_LETTER_O = re.compile(r"(?<=[0-9])o(?=[0-9o]*(?:[0-9]|万|千|百|亿|元|块|k\b|w\b))")


# English numerals before a scale ("one million", "half a million", "two hundred thousand"): the syntax of
# English figures, written in digits so the number readers see them ("1 million").
_EN_DIGITS = {"a": "1", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
              "eight": "8", "nine": "9", "ten": "10", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
              "half a": "0.5", "a half": "0.5", "one and a half": "1.5"}
_EN_NUMERAL = re.compile(rf"\b({'|'.join(sorted(map(re.escape, _EN_DIGITS), key=len, reverse=True))})"
                         r" (million|billion|hundred thousand|thousand)\b")


def _english_numerals(s: str, cased: str) -> tuple[str, str]:
    """"we paid interest of one million yuan" is read as 1 million; padded with spaces, so positions keep."""
    for m in reversed(list(_EN_NUMERAL.finditer(s))):
        digits = _EN_DIGITS[m.group(1)]
        scale = m.group(2)
        if scale == "hundred thousand":
            digits, scale = digits + "00", "thousand"
        said = f"{digits} {scale}"
        if len(said) > m.end() - m.start():
            continue
        said = said.ljust(m.end() - m.start())
        s, cased = s[: m.start()] + said + s[m.end() :], cased[: m.start()] + said + cased[m.end() :]
    return s, cased


def _zeros_respelled(s: str, cased: str) -> tuple[str, str]:
    """"6O万" is read as 60万 (then confirmed); same length, so positions keep."""
    for m in reversed(list(_LETTER_O.finditer(s))):
        s, cased = s[: m.start()] + "0" + s[m.end() :], cased[: m.start()] + "0" + cased[m.end() :]
    return s, cased


def _respelled(lex: Lexicon, s: str, cased: str) -> tuple[str, str]:
    """Phone slips by sound read as the word meant ("至押融资利习30万" is 质押融资利息30万); same length and places."""
    for typed, meant in lex.misspellings:
        if typed in s:
            s, cased = s.replace(typed, meant), cased.replace(typed, meant)
    return s, cased


def _answer(kb: KnowledgeBase, lex: Lexicon, q: Question, s: str, cased: str, clauses: list[Clause],
            read: dict[str, FactValue], *, polar: bool = True) -> _Answered:
    """What the message answers to ``q``: its facts, and a note of the user's own hedge.

    ``polar`` False: a correction of another answer ("不对，产业是…"): its "不对" is not a no to ``q``."""
    fact_id = q.facts[0]
    head = clauses[0].s if clauses else s
    if q.kind == "multi":
        ticked = _ticks(kb, lex, q, s, clauses)
        return (dict(group_answer(q, ticked, kb)), [], []) if ticked is not None else (None, [], [])
    if fact_id in read and q.kind != "bool":
        return {fact_id: read[fact_id]}, [], []
    yes = yes_no(lex, s, head) if polar else None
    if yes is not None and clauses and core(lex, head) not in lex.yes | lex.no and _names_another(clauses[0], q):
        yes = None  # "我们有出口" to "are you an SME?": the yes is about exporting, not the question
    if yes is True and q.kind == "bool" and core(lex, head) not in lex.yes and lex.headcount.search(head):
        yes = None  # "我们有300人", "we have about 300 staff": a head count describes; it answers no yes/no
    hedge = [Note("lang.note.hedged", {"text": s}, fact_id)] if hedged(lex, head) else []
    if q.kind == "bool" and polar and _contradicts(lex, clauses, q):
        # "不是，等等，是的", "有，但是还没批": a yes and a no to the same question; asked, never picked.
        return None, [], [Clarify(fact_id, "lang.ask.yes_no", {})]
    if q.kind == "bool":
        if any(c.disowned and any(t.key == fact_id for h in c.hits for t in h.of("mention")) for c in clauses):
            return {fact_id: False}, [], []  # "马德里是集团总部拿的，不是我们": someone else's, so not ours
        if fact_id == "in_city" and "in_city" in read:
            if yes is not None and yes != read["in_city"]:
                return None, [], []
            return {fact_id: read["in_city"]}, [], []
        if fact_id in read and yes is not None and yes != read[fact_id]:
            return None, [], [Clarify(fact_id, "lang.ask.yes_no", {})]
        if fact_id in read:
            return {fact_id: read[fact_id]}, hedge, []
        if yes is not None:
            return {fact_id: yes}, hedge, []
        progress = lex.progress.get(fact_id, ())
        if progress and head.startswith(progress) and not negates(lex, head):
            return {fact_id: True}, hedge, []
        return None, [], []
    if q.kind == "choice":
        fact = kb.facts[fact_id]
        options = {o.id: [o.label.zh, o.label.en, *_usable(o.aliases, cased)] for o in fact.options}
        theirs = [c for c in clauses if any((c.topic(h) or c.about_clients(h) or (led_by_others(c) and h.start > 0))
                                            and any(t.key == fact_id for t in h.of("option")) for h in c.hits)]
        if theirs:
            # "我同行拿了金奖 我们啥也没拿": someone else's option is no answer; the applicant's own clauses are read.
            own = [c for c in clauses if c not in theirs]
            if not own:
                return None, [], []
            s, cased, head = " ".join(c.s for c in own), " ".join(c.cased for c in own), own[0].s
            yes = yes_no(lex, s, head) if polar else None
        if fact_id in LIST_CHOICES:
            levels = counted_levels(lex, fact_id, clauses, _named_options(fact_id, clauses))
            if levels is None:
                return None, [], [Clarify(fact_id, "lang.ask.choice", {})]  # "几个金奖": how many is asked
            if len(levels) > 1:
                return {fact_id: levels}, [], []
        plain = core(lex, s) in lex.yes or s in lex.yes  # a bare yes names no option, whatever fuzzy matching says
        if yes is True and (plain or parse_choice(s, options, negation=lex.negation) is None):
            # "批了", "拿了", "yes it is": yes, but which option? Ask, record nothing.
            return None, [], [Clarify(fact_id, "lang.ask.choice", {})]
        said_no = yes is False and (core(lex, s) in lex.no or s in lex.no)
        value = None if said_no else parse_choice(s, options, negation=lex.negation, fuzzy=False)
        named = _named_options(fact_id, clauses)
        if value in _denied_options(fact_id, clauses) - {NONE_OPTION, *named} or (
                value is None and not said_no and len(named) == 1 and yes is False):
            # "国家级没有，市级有", "国家级规范化市场没有，市级的去年续延了": the option denied first is not the answer;
            # the one named and not denied is (the 没有 of the first clause is no "none")
            value = named[0] if len(named) == 1 else None
        denied = _denied_options(fact_id, clauses) - {NONE_OPTION}
        if value in (None, NONE_OPTION) and NONE_OPTION in options and (yes is False or is_none(lex, head)) \
                and not named:
            if denied and not is_none(lex, head):
                # "没有国家级规范化市场", "金奖没有": one level denied says nothing of the others; asked
                return None, [], [Clarify(fact_id, "lang.ask.choice", {})]
            value = NONE_OPTION
        if value is None and yes is None and parse_choice(s, options, negation=lex.negation) is not None:
            # Only like an option ("事业单位" is not "企业单位"): a guess by similarity is asked, never recorded.
            return None, [], [Clarify(fact_id, "lang.ask.choice", {})]
        if len(named) > 1 and fact_id not in LIST_CHOICES:
            # "生物医药和新材料都有": two options of a one-option question; which one is asked.
            return None, [], [Clarify(fact_id, "lang.ask.choice", {"options": named})]
        return ({fact_id: value}, hedge, []) if value is not None else (None, [], [])
    if yes is False or is_none(lex, head):
        return {fact_id: 0 if q.kind == "money" else []}, hedge, []
    return None, [], []


def _contradicts(lex: Lexicon, clauses: list[Clause], q: Question) -> bool:
    """Clauses of the message, each about nothing else, answer both yes and no. A clause with a figure in it
    describes ("不算吧，我们有一千多人": a head count), it does not answer yes or no."""
    said = {yes_no(lex, c.s, c.s) for c in clauses if not _names_another(c, q)
            and not any(n.kind != "other" for n in scan_numbers(c.s, lex.numbers))}
    return {True, False} <= said


def _names_another(c: Clause, q: Question) -> bool:
    return any(t.key not in q.facts for h in c.hits for t in (*h.of("mention"), *h.of("mention_false")))


def _named_options(fact_id: str, clauses: list[Clause]) -> list[str]:
    """Every option of ``fact_id`` named and not negated, in order ("gold and silver" -> [gold, silver]);
    someone else's ("我同行拿了金奖") and the ones asked about are not."""
    found: list[str] = []
    for c in clauses:
        for h in c.hits:
            for t in h.of("option"):
                if t.key == fact_id and t.value not in VAGUE_OPTIONS and not c.negated(h) and not c.topic(h) \
                        and not c.about_clients(h):
                    found.append(t.value)
    return list(dict.fromkeys(found))


def _denied_options(fact_id: str, clauses: list[Clause]) -> set[str]:
    """Options of ``fact_id`` named and negated ("国家级没有")."""
    return {t.value for c in clauses for h in c.hits for t in h.of("option") if t.key == fact_id and c.negated(h)
            and t.value not in VAGUE_OPTIONS}


def _usable(aliases: list[str], cased: str) -> list[str]:
    """Aliases written in capitals ("IT") count only when the message writes them so ("yes it is" is not IT)."""
    return [a for a in aliases if not (a.isascii() and a.isupper() and len(a) >= 2)
            or re.search(rf"(?<![A-Za-z]){re.escape(a)}(?![A-Za-z])", cased)]


def _names_all(lex: Lexicon, c: Clause, members: set[str]) -> bool:
    """An all-word of the clause names every option ("全都有", "除了马德里都有", "其他都有"), unless it closes
    a list of options named before it ("马德里和贯标证书都有": those two, not all)."""
    for m in lex.all_words.finditer(c.s):
        if not any(h.end <= m.start() and any(t.key in members for t in h.of("mention")) and not c.negated(h)
                   and lex.except_words.search(c.s[: h.start]) is None for h in c.hits):
            return True
    return False


def _ticks(kb: KnowledgeBase, lex: Lexicon, q: Question, s: str, clauses: list[Clause]) -> set[str] | None:
    """Options of a tick-all question named in the message: by number ("1,3"), by name, or none at all.

    Read clause by clause: "都没有，但我们有商标品牌指导站" ticks the station and nothing else.
    """
    options = [o for o in q.options if o.value != NONE_OPTION]
    if _TICK_NUMBERS.match(s):
        picked: set[str] = set()
        for part in re.findall(r"\d+", s):
            index = int(part) - 1
            if index == len(options):
                return set()
            if not 0 <= index < len(options):
                return None
            picked.add(options[index].value)
        return picked
    members = set(q.facts)
    picked, read = set(), False
    every = any(_names_all(lex, c, members) for c in clauses)
    if lex.except_words.search(s) is not None and not every:
        return None  # "除了马德里": except what? Not read; the question is asked again
    excluded: set[str] = set()
    for ci, c in enumerate(clauses):
        named = False
        # "马德里注册跟驰名商标，我们都还没有": the next clause denies what this one names
        denied = ci + 1 < len(clauses) and only_denies(lex, clauses[ci + 1])
        for h in c.hits:
            for t in h.of("mention"):
                if t.key in members and not c.about_clients(h):
                    named = True
                    if every and (c.negated(h) or lex.except_words.search(c.s[: h.start]) is not None):
                        excluded.add(t.key)  # "马德里没有，其他都有", "除了马德里都有"
                    elif not c.negated(h) and not denied and not (c.pending(h) and t.key not in lex.planned_ok):
                        picked.add(t.key)
        if not named:
            mapping = {o.value: [o.label.zh, o.label.en] for o in options}
            # English is split by its list words only, never at each space ("the" alone is inside a label), and
            # no guess by similarity: "write me a poem about spring" would tick an IP certification.
            english = c.s.isascii()
            for part in (_EN_LIST.split(c.s) if english else lex.list_split.split(c.s)):
                value = parse_choice(part, mapping, negation=lex.negation, fuzzy=not english) if part else None
                if value is not None:
                    picked.add(value)
                    named = True
        if named or is_none(lex, c.s) or yes_no(lex, c.s, c.s) is False:
            read = True
    if every:
        return {o.value for o in options} - excluded  # "全都有": every option but the ones excluded
    return picked if read else None


__all__ = ["LIST_CHOICES", "understand"]
