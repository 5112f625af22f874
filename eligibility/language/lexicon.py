"""The knowledge base's vocabulary compiled for reading: built once per knowledge base, never per message.

Every word list comes from ``knowledge/data/vocabulary/*.yaml`` and ``places.yaml`` (through the
loaded ``KnowledgeBase``); this module only normalises them and indexes them for one-pass scanning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from eligibility.language.terms import Tag, TermIndex
from eligibility.normalize import normalize
from eligibility.parsing import Negation, NumberWords
from knowledge.models import KnowledgeBase, Polarity

# Options too vague to take from free text (they are fine as a typed answer to their own question).
VAGUE_OPTIONS = frozenset({"none", "other"})
PARTIAL = "partial"  # the period of a figure for part of a year


def _norm(words: list[str]) -> frozenset[str]:
    return frozenset(w for w in (normalize(x) for x in words) if w)


def _phrases(words: frozenset[str]) -> re.Pattern[str]:
    """Any of the words; ASCII words only as whole words ("skip" is not in "skipper")."""
    parts = [rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" if w.isascii() else re.escape(w)
             for w in sorted(words, key=len, reverse=True)]
    return re.compile("|".join(parts) or r"(?!)")


def _longest_first(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _correction_gap(words: tuple[str, ...], alone: tuple[str, ...], leads: tuple[str, ...], fillers: list[str],
                    is_words: list[str]) -> re.Pattern[str]:
    """The whole text between a figure (or an option) and the one that replaces it: leads ("现在", "后来又说"),
    a filler ("哦"), a correction word, and "是" (``is_words``, in their order); a word of ``alone`` ("不", "no")
    only with a break after it ("80万？不，是60万")."""
    def either(ws: tuple[str, ...] | list[str]) -> str:
        return "|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in ws) or r"(?!)"
    # A dash or an ellipsis breaks like a comma ("interest 800k — no wait, 600k", "80万……不对，60万").
    return re.compile(rf"[\s;,.!?、。—–…-]*(?:(?:{either(leads)})[\s;,—–…-]*)*(?:{either(fillers)})?[\s;,—–…-]*"
                      rf"(?:{either(words)}|(?:{either(alone)})(?=[\s;,.!?—–…-]))(?:[\s;,!.—–…-]*(?:{either(words)}))*"
                      rf"[\s;,!.—–…-]*"
                      rf"(?:{'|'.join(re.escape(w) for w in is_words)}"
                      r"|[\u4e00-\u9fff]{1,4}?是)?[\s]*")


@dataclass(frozen=True)
class Lexicon:
    index: TermIndex
    yes: frozenset[str]
    no: frozenset[str]
    yes_prefixes: tuple[str, ...]
    neg_prefixes: tuple[str, ...]
    not_negations: tuple[str, ...]
    question_prefixes: tuple[str, ...]
    none: frozenset[str]
    unknown: re.Pattern[str]
    hedges: tuple[str, ...]
    hedge_re: re.Pattern[str]
    corrections: tuple[str, ...]
    not_it: tuple[str, ...]  # "不是" before a figure that a "是…" after it replaces ("利息不是80万，是50万")
    instead: re.Pattern[str]  # the gap between the two: "，是", ", it's"
    tag_questions: frozenset[str]  # "right?", "对吧？": they ask the clause before them
    correction_words: tuple[str, ...]  # every correction word, standing alone or not
    correction_gap: re.Pattern[str]  # between two figures: the second corrects the first ("80万，哦不对70万")
    clause_split: re.Pattern[str]
    intents_exact: dict[str, str]
    intents_sound: dict[tuple[str, ...], str]  # the toneless pinyin of a Chinese command ("侧评" sounds like 测评)
    intents_ascii: tuple[tuple[str, str], ...]  # English commands, for a typo ("main manu")
    intents_contains: tuple[tuple[str, str], ...]
    intents_keywords: tuple[tuple[str, str], ...]
    filler_start: tuple[str, ...]
    filler_end: tuple[str, ...]
    intent_except: tuple[str, ...]
    period_factor: dict[str, int]
    yearly_facts: frozenset[str]
    approximate: tuple[str, ...]
    context: dict[str, tuple[str, ...]]
    requires: dict[str, tuple[str, ...]]  # a fact true in free text only with one of these in the message
    plausible_max: dict[str, int]  # a money fact's figure above this is confirmed, never computed from
    ongoing: tuple[str, ...]  # "正在", "在做", "在": work under way, right before a mention
    progress: dict[str, tuple[str, ...]]  # fact -> the ongoing/planned words that answer it yes
    planned_ok: frozenset[str]  # facts a plan states ("打算申报高价值专利组合培育项目")
    minus_signs: frozenset[str]
    misspellings: tuple[tuple[str, str], ...]  # phone slips by sound ("至押" -> "质押"), longest first
    currency_marks: tuple[str, ...]  # "人民币", "rmb", "¥" before a figure
    negation_chars: frozenset[str]  # the one-character negations ("没", "不", "未" ...) of the one negation list
    negation_words: re.Pattern[str]  # its English words ("not", "don't"), whole words
    negation: Negation  # the same, for reading a choice (parse_choice)
    numbers: NumberWords  # "none" and "no" words, minus signs, other currencies: for the number readers
    last_year: tuple[str, ...]
    other_years: tuple[str, ...]  # "今年", "前年": a year in words other than the one before the application
    # "不是去年，是今年": a year corrected (group 1 the year said instead), no "no".
    year_corrected: re.Pattern[str]
    vague_numerals: tuple[str, ...]
    over_marks: frozenset[str]
    alternatives: re.Pattern[str]  # the whole gap between two figures that are alternatives ("还是")
    range_gap: re.Pattern[str]  # the whole gap between the two ends of a range ("十到十五万")
    all_words: re.Pattern[str]
    except_words: re.Pattern[str]
    year_span: re.Pattern[str]  # "2023-2024年", "23年和24年", "22年到现在": several years
    durations: re.Pattern[str]  # "贷了3年": a count of years
    issue_count: re.Pattern[str]  # "两期", "3期": a count of issues (group 1 the count)
    award_count_before: re.Pattern[str]  # "两个", "2项中国专利" right before an award (group 1 the count)
    award_count_after: re.Pattern[str]  # "1项", "两个" right after one
    count_words: dict[str, int]  # "two": 2
    year_sets: dict[str, frozenset[str]]  # a set of parts -> the parts that make the whole year
    originators: tuple[tuple[str, str], ...]  # (originator fact, financed fact)
    list_gap: re.Pattern[str]  # the whole text between two items of a list ("和", "、", "")
    list_split: re.Pattern[str]  # where a list is cut into its items
    theirs_after: tuple[str, ...]  # "是人家的" right after a fact named: someone else's
    first_person: tuple[str, ...]  # "我们", "本所", "we": the speaker itself, never a forwarded customer
    serving_types: frozenset[str]  # entity types that serve clients ("我们是代理机构…有个客户")
    client_words: tuple[str, ...]  # "客户": in a client cue, the message's 客户 are the applicant's clients
    applicant_leads: frozenset[str]  # "其实是研究所": the words before a description that speak of oneself
    place_like: re.Pattern[str]  # "注册在某某县": a place's name (group 1) this knowledge base may not know
    not_places: tuple[str, ...]
    somewhere: tuple[str, ...]
    near: tuple[str, ...]
    registered_only: frozenset[str]  # places deciding in_city only when registered there or asked
    beyond: tuple[str, ...]  # after a place: everywhere but it ("石家庄以外")
    beyond_not: tuple[str, ...]
    party_after: re.Pattern[str]  # right after a place: another party's ("北京的银行")
    party_before: re.Pattern[str]  # right before a place: another party's ("客户在北京")
    subsidiary_before: re.Pattern[str]  # right before a place: a unit of the applicant's group ("子公司在邢台")
    headcount: re.Pattern[str]  # "300人", "200 employees": a head count
    benefit_after: tuple[str, ...]  # "奖补", "补贴", "政策" right after a description: a benefit's name
    street_after: tuple[str, ...]  # "路", "大街": the place before names a street ("中山东路")
    place_topic: re.Pattern[str]  # right after a place: its policy or body ("河北省的X政策")
    # A count fact and its patterns: the count before the thing ("2个指导站"), after it ("指导站建了2个");
    # group 1 or 2 is the count.
    item_counts: tuple[tuple[str, tuple[re.Pattern[str], ...], re.Pattern[str] | None], ...]
    year_offsets: tuple[tuple[str, int], ...]  # "去年": -1, longest first
    apply_leads: tuple[str, ...]  # "applying": before a year in words that is the application's
    last_year_facts: frozenset[str]  # the facts whose clause says 上一年度 (this year's is next year's)
    count_siblings: dict[str, frozenset[str]]  # counted_all facts counting the same things (national/municipal markets)
    quota_marks: re.Pattern[str]  # "择优", "are chosen": a count beside them is the policy's quota
    # A year fact and its pattern: the year (group 1) right before one of its cues ("2028年申请").
    year_cues: tuple[tuple[str, re.Pattern[str]], ...]
    alternative_leads: tuple[str, ...]  # "也可能是": a clause giving another figure as an alternative
    compared_years: tuple[str, ...]  # "比去年": this year's figure told against another year's
    compared_others: tuple[str, ...]  # "比他们": a figure told against someone else's (a difference)
    actually_paid: tuple[str, ...]  # "实际只付了": the figure after is the one actually paid
    of_which: re.Pattern[str]  # "其中", "including": a part of a figure told apart follows
    of_which_after: tuple[str, ...]  # "of it": right after the part's figure
    particles: str  # trailing particles and punctuation ("是的呀~" -> "是的"), one character each
    these: tuple[str, ...]  # "这两样": the list named before a bare denial
    still: str  # "都也还": adverbs before a bare denial, one character each
    lead_adverbs: frozenset[str]  # "还", "去年": before the originator's subject-less verb ("" too)
    numeral_ranges: re.Pattern[str]  # "七八": two numerals that make a range
    list_markers: tuple[str, ...]  # "1）", "2、": after a bare number, an item of a numbered list
    ordinal: re.Pattern[str]  # "第二期的金额": an issue or payment by its ordinal (group 1 the ordinal)
    dealt_with: tuple[str, ...]  # "受让了", "从": the other side of a deal before a description
    together: tuple[str, ...]  # "和": a partnership's other side, with ``partnered`` after
    partnered: tuple[str, ...]
    owned: re.Pattern[str]  # "下属的一家": between an owner's description and the applicant's
    disowning_leads: tuple[str, ...]  # "这个": before "不是我们的"
    ours_tails: frozenset[str]  # "拿的", "ours": after the pronoun of "不是我们拿的" ("" too)
    ours_words: tuple[str, ...]  # "ours", "us": pronouns of a disowning clause besides ``first_person``
    ongoing_where: tuple[str, ...]  # "注册": after a mention, 在 before it says where ("在贯标学习平台注册了")
    sits: frozenset[str]  # "在", "位于": the applicant put at a place ("" too)
    partner_links: tuple[str, ...]  # "跟", "从": before a place, a partner's or a seller's
    month_span: re.Pattern[str]  # "1-6月", "1月到6月", "6月份": a month or a span of months, part of a year
    month_before: re.Pattern[str]  # a month's number right before a word ("6月付利息": 月付 is no period)


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted({normalize(x) for x in words} - {""}, key=len, reverse=True)) \
        or r"(?!)"


def _words(words: list[str]) -> str:
    """Alternatives, ASCII words only whole ("and" is not in "standard")."""
    parts = [rf"\b{re.escape(w)}\b" if w.isascii() and w.isalnum() else re.escape(w)
             for w in sorted({normalize(x) for x in words} - {""}, key=len, reverse=True)]
    return "|".join(parts) or r"(?!)"


# A year as people write it: "2023", or two digits with 年 ("23年"); only the syntax of numerals is here.
_YEAR = r"(?<!\d)(?:(?:19|20)\d{2}(?!\d)|\d{2}\s*年)"


def _year_span(joiners: list[str], to_now: list[str]) -> re.Pattern[str]:
    j, now = _alternatives(joiners), _alternatives(to_now)
    return re.compile(rf"{_YEAR}\s*年?\s*(?:{j})\s*(?:{_YEAR}|\d{{2}}\s*年)|(?<!\d)\d{{2}}\s*(?:{j})\s*\d{{2}}\s*年"
                      rf"|{_YEAR}\s*年?\s*(?:{now})")


def _durations(units: list[str], not_after: list[str]) -> re.Pattern[str]:
    after = f"(?!{_alternatives(not_after)})" if not_after else ""
    return re.compile(rf"(?<![\d年])(?:[2-9]|[1-9]\d)\s*(?:{_alternatives(units)}){after}")


# A count of things: digits or a Chinese numeral, nothing left open ("几个指导站" is no count).
_ITEMS = r"(?<![0-9.第])(?:[0-9]{1,3}(?![0-9.])|[一两二俩三四五六七八九十]{1,3})"
# A year before 年: four digits, or two ("21年" is 2021).
_YEAR_BEFORE = r"(?<![0-9.])((?:19|20)[0-9]{2}|[0-9]{2})\s*年"


def _item_counts(kb: KnowledgeBase) -> tuple[tuple[str, tuple[re.Pattern[str], ...], re.Pattern[str] | None], ...]:
    """Per count fact: the patterns of a count of its things (group: the count), and for things counted only
    when all of them meet the fact's condition (``counted_all``), the pattern of the words saying so."""
    f = kb.vocabulary.figures
    counters, mods, verbs = _alternatives(f.item_counters), _alternatives(f.item_modifiers), _alternatives(f.item_verbs)
    nouns = _alternatives(f.item_nouns)
    kinds, adverbs, links = _alternatives(f.item_kinds), _alternatives(f.item_adverbs), _words(f.item_links)
    words = _words(list(f.count_words))

    def patterns(counted: list[str]) -> tuple[re.Pattern[str], ...]:
        things = _words(counted)
        before = re.compile(rf"(?:({_ITEMS})\s*(?:{counters})|(?<![0-9.])([0-9]{{1,3}}|{words})\s+)\s*(?:{mods})?\s*"
                            rf"(?:{things})(?:s\b)?")
        after = re.compile(rf"(?:{things})\s*(?:{verbs})?\s*({_ITEMS})\s*(?:{counters})\s*(?:{nouns})?"
                           rf"(?![\u4e00-\u9fffa-z0-9])")
        # "两个商标同时被认定为驰名商标", "2 trademarks were recognised as well-known trademarks"
        becomes = re.compile(rf"(?:({_ITEMS})\s*(?:{counters})|(?<![0-9.])([0-9]{{1,3}}|{words})\s+)\s*(?:{kinds})\s*"
                             rf"(?:(?:{adverbs})\s*){{0,2}}(?:{links})\s*(?:{mods})?\s*(?:{things})")
        return before, after, becomes

    out: list[tuple[str, tuple[re.Pattern[str], ...], re.Pattern[str] | None]] = []
    for fact_id, w in kb.vocabulary.facts.items():
        if w.counted:
            out.append((fact_id, patterns(w.counted), None))
    for fact_id, qualified in f.counted_all.items():
        out.append((fact_id, patterns(qualified.things), re.compile(_words(qualified.all))))
    return tuple(out)


def _year_corrected(years: list[str]) -> re.Pattern[str]:
    """"不是去年，是今年", "不是2023年的，是2024年": group 1 the year said instead."""
    said = rf"{_alternatives(years)}|(?:19|20)[0-9]{{2}}\s*年|[0-9]{{2}}\s*年"
    return re.compile(rf"不是\s*(?:{said})\s*(?:的)?[\s,;.!，。]*(?:而是|是|应该是)?\s*({said})")


def _year_cues(kb: KnowledgeBase) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # "2023年申请的专利", "2022年申请了马德里": a past application of something else, not the year applied in.
    # "apply in 2028", "申请年度是2028年": a lead right before a four-digit year (group 2).
    # "our 2020 interest": English writes the year bare, right before the cue (group 3).
    return tuple((fact_id, re.compile(rf"{_YEAR_BEFORE}\s*(?:{_alternatives(w.year_cues)})(?![的了过])"
                                      rf"|(?:{_words(w.year_leads)})\s*((?:19|20)[0-9]{{2}})(?![0-9])"
                                      rf"|(?<![0-9.])((?:19|20)[0-9]{{2}})\s+(?:{_words(_ascii(w.year_cues))})"))
                 for fact_id, w in kb.vocabulary.facts.items() if w.year_cues or w.year_leads)


def _ascii(words: list[str]) -> list[str]:
    return [w for w in words if w.isascii()]


# A month by its number ("6月", "十二月"): the syntax of dates, not words people choose.
_MONTH = r"(?<![0-9])(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"


def _month_span(joiners: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?:{_MONTH}\s*(?:月份?)?\s*(?:{_alternatives(joiners)})\s*)?{_MONTH}\s*月")


# A count of awards: digits, a Chinese numeral, or a count left open ("几", "好几"): asked about.
_COUNT = r"(?<![0-9.])[0-9]{1,2}(?![0-9.])|[一两二俩三四五六七八九十]{1,3}|好几|几|数|若干"

_FUZZY_MIN = 5  # an English command shorter than this is matched exactly only ("menu", "back")
_SOUND_MIN = 2


def sounds(word: str) -> tuple[str, ...]:
    """Toneless pinyin of a Chinese word, one syllable per character."""
    return tuple(lazy_pinyin(word))


def _sounds(exact: dict[str, str]) -> dict[tuple[str, ...], str]:
    """Chinese commands by sound; a sound two intents share is left out (never a guess between them)."""
    out: dict[tuple[str, ...], str] = {}
    clash: set[tuple[str, ...]] = set()
    for word, intent in exact.items():
        if len(word) < _SOUND_MIN or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
            continue
        key = sounds(word)
        if out.get(key, intent) != intent:
            clash.add(key)
        out[key] = intent
    return {k: v for k, v in out.items() if k not in clash}


def lexicon(kb: KnowledgeBase) -> Lexicon:
    """The compiled vocabulary of ``kb`` (cached on the knowledge base object)."""
    return kb.memo("language.lexicon", _build)


def _build(kb: KnowledgeBase) -> Lexicon:
    v = kb.vocabulary
    p = v.polarity or Polarity(yes=[], no=[], negations=[], none=[], unknown=[])
    entries: list[tuple[str, Tag]] = []
    for fact_id, fact_words in v.facts.items():
        entries += [(w, Tag("mention_false", fact_id)) for w in fact_words.mentions_false]
    for fact in kb.facts.values():
        cues = [normalize(c) for c in fact.figure_cues]
        for m in fact.mentions:
            entries.append((m, Tag("city" if fact.id == "in_city" else "mention", fact.id)))
            if any(c and c in normalize(m) for c in cues):  # "证券化融资" is also the cue 融资
                entries.append((m, Tag("cue", fact.id)))
        for c in fact.figure_cues:
            entries.append((c, Tag("cue", fact.id)))
        mentions = [normalize(m) for m in fact.mentions]
        for o in fact.options:
            for w in (o.label.zh, o.label.en, *o.aliases):
                entries.append((w, Tag("option", fact.id, o.id)))
                if any(m and m in normalize(w) for m in mentions):  # "专利银奖" names the award too
                    entries.append((w, Tag("mention", fact.id)))
    for t in v.applicants.types:
        for w in t.words:
            entries.append((w, Tag("applicant", t.entity_type)))
    entries += [(w, Tag("client")) for w in v.applicants.client_cues]
    entries += [(w, Tag("self")) for w in v.applicants.self_cues]
    entries += [(w, Tag("their")) for w in v.applicants.their_words]
    entries += [(w, Tag("topic")) for w in v.applicants.others]
    entries += [(w, Tag("party")) for w in v.applicants.others]
    entries += [(w, Tag("party")) for w in (*v.applicants.parties, *v.applicants.payers, *v.applicants.refunds)]
    f = v.figures
    a = v.applicants
    entries += [(w, Tag("principal")) for w in f.principal]
    entries += [(w, Tag("period", pw.period)) for pw in f.periods for w in pw.words]
    entries += [(w, Tag("period", PARTIAL)) for w in f.partial_periods]
    entries += [(w, Tag("period", PARTIAL)) for yp in f.year_parts for w in yp.words]
    entries += [(w, Tag("year_part", yp.of, yp.part)) for yp in f.year_parts for w in yp.words]
    entries += [(w, Tag("approx")) for w in f.approximate if len(normalize(w)) > 1]
    entries += [(w, Tag("policy")) for w in f.policy]
    entries += [(w, Tag("received")) for w in f.received]
    entries += [(w, Tag("bound")) for w in f.bounds]
    entries += [(w, Tag("total")) for w in f.totals]
    entries += [(w, Tag("unpaid")) for w in f.unpaid]
    entries += [(w, Tag("one_of")) for w in f.one_of]
    entries += [(w, Tag("per_payment")) for w in f.per_payment]
    entries += [(w, Tag("each_issue")) for w in f.issue_each]
    entries += [(w, Tag("phone")) for w in f.phone]
    entries += [(w, Tag("foreign")) for w in f.foreign_currencies]
    entries += [(w, Tag("quantity")) for w in f.other_quantities]
    entries += [(w, Tag("fraction", "", str(fw.percent))) for fw in f.fractions for w in fw.words]
    pl = kb.places
    if pl.city is not None:
        entries += [(w, Tag("city", "", pl.city.name)) for w in (pl.city.name, *pl.city.aliases)]
    entries += [(w, Tag("inside", "", x.name)) for x in pl.inside for w in (x.name, *x.aliases)]
    entries += [(w, Tag("outside", "", x.name)) for x in pl.outside for w in x.aliases]
    entries += [(w, Tag("somewhere", "", x.name)) for x in pl.ambiguous for w in x.aliases]
    entries += [(w, Tag("reg")) for w in pl.registration_cues]
    entries += [(w, Tag("branch")) for w in pl.branch_cues]
    entries += [(w, Tag("neg")) for w in p.negations]
    entries += [(w, Tag("notneg")) for w in p.not_negations]
    entries += [(w, Tag("question")) for w in p.question_prefixes]
    entries += [(w, Tag("hedge")) for w in p.hedges]
    entries += [(w, Tag("topic")) for w in p.inquiries]
    entries += [(w, Tag("supposed")) for w in p.suppositions]
    entries += [(w, Tag("achieved")) for w in p.achieved]
    entries += [(w, Tag("pending")) for w in p.pending]
    entries += [(w, Tag("neutral")) for w in (*p.neutral, *p.other_levels.words())]

    breaks = sorted(_norm(p.clause_breaks), key=len, reverse=True)
    words = "|".join(rf"\b{re.escape(b)}\b" if b.isascii() else re.escape(b) for b in breaks)
    # A colon cuts a clause unless a figure follows it ("12:30", "利息：RMB 150,000": the label and its figure).
    marks = _alternatives(f.currency_marks)
    figure_next = rf"(?!\s*(?:{marks})?\s*[0-9零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾])"
    # A space between two Chinese words is typed as a comma ("应该算吧 新产线刚投产", "都有 驰名商标没有").
    punctuation = (rf"[;。!?\n]+|:{figure_next}|(?<!\d)[.,](?!\d)|[.,](?=\s)"
                   r"|(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
    # "一期5000万一期2亿": each issue named after a figure opens the next item, as a comma would.
    counters = _alternatives(f.issue_counters)
    issue_next = rf"|(?<=[万亿元])(?=(?:一|另一|第[0-9一二三四五六七八九十]{{1,3}})(?:{counters}))"  # none: (?!)
    clause_split = re.compile(punctuation + issue_next + (f"|{words}" if words else ""))

    particles = "".join(p.particles)
    exact: dict[str, str] = {}
    contains: list[tuple[str, str]] = []
    keywords: list[tuple[str, str]] = []
    for iw in v.intents.intents:
        keywords += [(w, iw.intent) for w in (normalize(x) for x in iw.keywords) if w]
        for w in _norm(iw.exact):
            exact.setdefault(w, iw.intent)
            bare = w.rstrip(particles).strip()
            if bare and bare.isascii() == w.isascii():
                exact.setdefault(bare, iw.intent)  # "不弄了" also as "不弄": a filler may come first ("先不弄了")
        contains += [(w, iw.intent) for w in _norm(iw.contains)]

    return Lexicon(
        intents_sound=_sounds(exact),
        intents_ascii=tuple((w, i) for w, i in exact.items() if w.isascii() and len(w) >= _FUZZY_MIN),
        index=TermIndex(entries),
        yes=_norm(p.yes),
        no=_norm(p.no),
        yes_prefixes=_longest_first(_norm(p.yes_prefixes)),
        neg_prefixes=_longest_first(_norm(p.negations)),
        not_negations=_longest_first(_norm(p.not_negations)),
        question_prefixes=_longest_first(_norm(p.question_prefixes)),
        none=_norm(p.none),
        unknown=_phrases(_norm(p.unknown)),
        hedges=_longest_first(_norm(p.hedges)),
        hedge_re=_phrases(_norm(p.hedges)),
        corrections=_longest_first(_norm(p.corrections)),
        not_it=_longest_first(_norm(p.not_it)),
        instead=re.compile(rf"[\s;,.]*(?:{_words(p.instead)})\s*"),
        tag_questions=_norm(p.tag_questions),
        correction_words=_longest_first(_norm(p.corrections) | _norm(p.corrections_alone)),
        correction_gap=_correction_gap(_longest_first(_norm(p.corrections)),
                                       _longest_first(_norm(p.corrections_alone)),
                                       _longest_first(_norm(p.correction_leads)),
                                       p.correction_fillers, p.correction_is),
        clause_split=clause_split,
        intents_exact=exact,
        intents_contains=tuple(contains),
        intents_keywords=tuple(keywords),
        filler_start=_longest_first(_norm(v.intents.fillers.start)),
        filler_end=_longest_first(_norm(v.intents.fillers.end)),
        intent_except=_longest_first(_norm(v.intents.except_)),
        period_factor={pw.period: pw.factor for pw in f.periods},
        yearly_facts=frozenset(f.yearly_facts),
        approximate=_longest_first(_norm(f.approximate)),
        context={k: _longest_first(_norm(w.context)) for k, w in v.facts.items() if w.context},
        requires={k: _longest_first(_norm(w.requires)) for k, w in v.facts.items() if w.requires},
        plausible_max={k: w.plausible_max for k, w in v.facts.items() if w.plausible_max is not None},
        ongoing=_longest_first(_norm([*p.ongoing, *p.ongoing_before])),
        progress={k: _longest_first(_norm([*(p.ongoing if "ongoing" in w.yes_when else []),
                                            *(p.planned if "planned" in w.yes_when else [])]))
                  for k, w in v.facts.items() if w.yes_when},
        planned_ok=frozenset(k for k, w in v.facts.items() if "planned" in w.yes_when),
        minus_signs=frozenset(f.minus_signs),
        misspellings=tuple(sorted(((normalize(a), normalize(b)) for a, b in f.misspellings.items()
                                   if len(normalize(a)) == len(normalize(b))), key=lambda ab: -len(ab[0]))),
        currency_marks=_longest_first(_norm(f.currency_marks)),
        negation_chars=frozenset(w for w in _norm(p.negations) if len(w) == 1 and not w.isascii()),
        negation_words=_phrases(frozenset(w for w in _norm(p.negations) if w.isascii())),
        negation=Negation.of(frozenset(w for w in _norm(p.negations) if len(w) == 1 and not w.isascii()),
                             sorted(w for w in _norm(p.negations) if w.isascii())),
        numbers=NumberWords.of(_norm(p.none) | _norm(p.no), _norm(f.minus_signs), sorted(_norm(f.foreign_currencies))),
        last_year=_longest_first(_norm(f.last_year)),
        other_years=_longest_first(_norm(f.other_years)),
        year_corrected=_year_corrected([*f.last_year, *f.other_years]),
        vague_numerals=_longest_first(_norm(f.vague_numerals)),
        over_marks=frozenset(_norm(f.over_marks)),
        alternatives=re.compile(rf"\s*(?:{_words(f.alternatives)})\s*"),
        range_gap=re.compile(rf"\s*(?:{_words(f.range_joiners)})\s*"),
        all_words=re.compile(_words(p.all_words)),
        except_words=re.compile(_words(p.except_words)),
        year_span=_year_span(f.years.span_joiners, f.years.to_now),
        durations=_durations(f.years.duration_units, f.years.not_after),
        award_count_before=re.compile(rf"(?:({_COUNT})\s*(?:{_alternatives(f.award_counters)})\s*(?:中国)?(?:外观设计|专利)?"
                                      rf"|(?<![0-9.])([0-9]{{1,2}}) |({_words(list(f.count_words))}) )\s*$"),
        count_words={normalize(k): v for k, v in f.count_words.items()},
        award_count_after=re.compile(rf"\s*({_COUNT})\s*(?:{_alternatives(f.award_counters)})"),
        year_sets={k: frozenset(yp.part for yp in f.year_parts if yp.of == k) for k in {yp.of for yp in f.year_parts}},
        issue_count=re.compile(rf"([0-9]{{1,2}}|[一两二三四五六七八九十]{{1,3}}|\b(?:{_words(list(f.count_words))}))\s*"
                               rf"(?:{_alternatives(f.issue_counters)})"),
        originators=tuple((o.originator, o.financed) for o in f.originators),
        list_gap=re.compile(rf"\s*(?:{_words(p.list_joiners)})?\s*"),
        list_split=re.compile(rf"[\s;]+|{_words(p.list_joiners)}"),
        client_words=_longest_first(_norm(v.applicants.client_words)),
        serving_types=frozenset(v.applicants.serving_types),
        first_person=_longest_first(_norm(v.applicants.first_person)),
        theirs_after=_longest_first(_norm(v.applicants.theirs_after)),
        applicant_leads=_norm(v.applicants.leads) | {""},
        place_like=re.compile(rf"(?:{_alternatives(pl.unknown.leads)})([\u4e00-\u9fff]{{2,5}}?"
                              rf"(?:{_alternatives(pl.unknown.suffixes)}))"),
        not_places=_longest_first(_norm(pl.unknown.not_places)),
        somewhere=_longest_first(_norm(pl.unknown.vague)),
        near=_longest_first(_norm(pl.unknown.near)),
        registered_only=frozenset(x.name for x in pl.outside if x.registered_only),
        beyond=_longest_first(_norm(pl.unknown.beyond)),
        beyond_not=_longest_first(_norm(pl.unknown.beyond_not)),
        party_after=re.compile(rf"\s*(?:{_alternatives(pl.unknown.party_place_words)})?\s*"
                               rf"(?:{_alternatives(pl.unknown.party_links)})?\s*(?:{_words(pl.unknown.other_parties)})"
                               rf"|\s*(?:市|省)?\s*(?:的)?\s*(?:{_words(pl.unknown.several)})"
                               rf"|\s+(?:{_words(pl.unknown.names_after)})"),
        headcount=re.compile(rf"[0-9零〇一二三四五六七八九十百千两]+\s*(?:多|来|余)?\s*(?:{_words(f.headcount)})"),
        benefit_after=_longest_first(_norm(pl.unknown.topics_after)),
        street_after=_longest_first(_norm(pl.unknown.street_after)),
        place_topic=re.compile(rf"\s*(?:省|市|县|区)?\s*(?:的|'s)?\s*"
                               rf"(?:[a-z0-9]{{1,6}}\s*|(?!企业|公司|单位|厂)[\u4e00-\u9fff]{{0,4}}?)"
                               rf"(?:{_words(pl.unknown.topics_after)})"),
        party_before=re.compile(rf"(?:{_words(pl.unknown.markets)})\s*(?:the\s+)?$"
                                rf"|(?:{_words(pl.unknown.other_parties)})\s*(?:的)?\s*"
                                rf"(?:{_alternatives(pl.unknown.party_bodies)})?\s*(?:{_alternatives(pl.unknown.party_some)})?"
                                rf"\s*(?:{_alternatives(pl.unknown.party_verbs)})?\s*$"),
        subsidiary_before=re.compile(rf"(?:{_words(pl.unknown.subsidiaries)})\s*(?:is|are)?\s*"
                                     rf"(?:in|在|位于|注册在|落在|registered in|based in|located in)\s*$"),
        item_counts=_item_counts(kb),
        year_offsets=tuple(sorted(((normalize(w), n) for w, n in f.year_offsets.items() if normalize(w)),
                                  key=lambda wn: -len(wn[0]))),
        apply_leads=_longest_first(_norm(f.apply_leads)),
        last_year_facts=frozenset(f.last_year_facts),
        quota_marks=re.compile(_words(f.quota_marks)),
        count_siblings={k: frozenset(o for o, w in f.counted_all.items() if set(w.things) == set(q.things))
                        for k, q in f.counted_all.items()},
        year_cues=_year_cues(kb),
        alternative_leads=_longest_first(_norm(f.alternative_leads)),
        compared_years=_longest_first(_norm(f.compared_years)),
        compared_others=_longest_first(_norm(f.compared_others)),
        actually_paid=_longest_first(_norm(f.actually_paid)),
        of_which=re.compile(rf"(?:{_words(f.of_which)})\s*"),
        of_which_after=_longest_first(_norm(f.of_which_after)),
        particles=particles,
        these=tuple(p.these),
        still="".join(p.still),
        lead_adverbs=frozenset({"", *f.lead_adverbs}),
        numeral_ranges=re.compile(_alternatives(f.numeral_ranges)),
        list_markers=tuple(f.list_markers),
        ordinal=re.compile(rf"[\s;,]*第\s*([一二三四五六七八九十两0-9]{{1,3}})\s*(?:{_alternatives(f.ordinal_units)})\s*(?:的)?\s*"
                           rf"(?:{_alternatives(f.ordinal_figures)})?"),
        dealt_with=tuple(a.dealt_with),
        together=tuple(a.together),
        partnered=tuple(a.partnered),
        owned=re.compile(rf"\s*(?:{_alternatives(a.owned)})(?:的)?\s*(?:{_alternatives(a.owned_counters)})?\s*"),
        disowning_leads=tuple(a.disowning_leads),
        ours_tails=frozenset({"", *a.ours_tails}),
        ours_words=tuple(a.ours_words),
        ongoing_where=tuple(p.ongoing_where),
        sits=frozenset({"", *pl.unknown.sits}),
        partner_links=tuple(pl.unknown.partner_links),
        month_span=_month_span(f.range_joiners),
        month_before=re.compile(rf"{_MONTH}$"),
    )
