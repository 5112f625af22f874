"""Facts a message states by naming them: "我们有马德里注册" (true), "没有驰名商标" (false), "拿了银奖".

Only what the text says outright: a yes/no fact is set when its mention appears in a clause (false
when the clause negates it), a choice when one of its options is named (not the vague "none"/"other"
in free text). Several China Patent Award levels are all kept, one per award ("金奖…也拿了银奖").
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from eligibility.language.clauses import Clause, led_by_others
from eligibility.language.lexicon import VAGUE_OPTIONS, Lexicon
from eligibility.language.model import Clarify, FactValue
from eligibility.language.polarity import core
from eligibility.language.terms import Hit
from eligibility.parsing import scan_numbers
from eligibility.questionnaire import NONE_OPTION
from knowledge.models import KnowledgeBase

# Facts read by their own modules (places, applicants, figures).
_ELSEWHERE = frozenset({"in_city", "entity_type"})
LIST_CHOICES = frozenset({"china_patent_award_last_year"})
_ONGOING_REACH = 4


@dataclass
class MentionReading:
    facts: dict[str, FactValue] = field(default_factory=dict)
    mentioned: set[str] = field(default_factory=set)
    clarify: list[Clarify] = field(default_factory=list)
    denied: set[str] = field(default_factory=set)  # "不是优势企业，是示范企业": the one said not to be it
    theirs: set[str] = field(default_factory=set)  # "合作方拿了金奖": named as someone else's


def read_mentions(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause]) -> MentionReading:
    out = MentionReading()
    bools: dict[str, set[bool]] = {}
    options: dict[str, list[str]] = {}
    negated_choice: set[str] = set()
    qualified: set[str] = set()  # facts a failed-condition phrase ("还没备案") states false
    # "马德里注册跟驰名商标，我们都还没有": a clause that only denies speaks of what the clause before named.
    denied_after = [ci + 1 < len(clauses) and only_denies(lex, clauses[ci + 1]) and not any(
        ch.isdigit() for ch in c.s) for ci, c in enumerate(clauses)]
    for ci, c in enumerate(clauses):
        named_here = {t.key for h in c.hits for t in h.of("mention")}
        for h in c.hits:
            if c.about_clients(h):
                continue  # "给客户做贯标": the clients' (or what the applicant does for them)
            if c.s[h.end :].lstrip().startswith(lex.theirs_after) or (
                    led_by_others(c) and h.start > 0) or _anothers_after_ours(c, h):
                # "金奖是人家的", "合作的高校拿了银奖": someone else's, so not the applicant's (unless said elsewhere)
                out.theirs.update(t.key for t in (*h.of("mention"), *h.of("option")) if t.key in kb.facts)
                continue
            if (c.pending(h) and not any(t.key in lex.planned_ok for t in h.of("mention"))) or (
                    c.s[max(0, h.start - _ONGOING_REACH) : h.start].endswith(lex.ongoing)
                    and not c.s[h.end :].startswith(lex.ongoing_where)  # "在贯标学习平台注册了": 在 says where
                    and not any(t.key in lex.progress for t in h.of("mention"))):
                # "准备申请驰名商标"; "在贯标", "正在做贯标": work under way is the fact only where the fact says so
                out.mentioned.update(t.key for t in h.of("mention"))
                continue
            if c.topic(h):
                # Asked about, not stated; still context for the figures of the message.
                out.mentioned.update(t.key for t in h.of("mention"))
                continue
            for t in h.of("mention_false"):
                if t.key in kb.facts and kb.facts[t.key].type == "bool":
                    out.mentioned.add(t.key)
                    bools.setdefault(t.key, set()).add(c.negated(h))
                    if not c.negated(h):
                        qualified.add(t.key)
            contrast = _contrasted(lex, clauses, ci, h)
            for t in h.of("mention"):
                fact = kb.facts.get(t.key)
                if fact is None or fact.id in _ELSEWHERE:
                    continue
                out.mentioned.add(fact.id)
                if fact.type == "bool" and contrast:
                    out.denied.add(fact.id)
                    continue  # "是示范企业不是优势企业": what the user meant instead of it; nothing said of it
                if fact.type == "bool":
                    bools.setdefault(fact.id, set()).add(not c.negated(h) and not denied_after[ci])
                elif fact.type == "choice" and c.negated(h) and not _levelled(c, h, fact.id):
                    negated_choice.add(fact.id)  # "没有规范化市场" (none); "国家级规范化市场没有" denies one level only
                elif fact.type in ("money", "money_list") and not c.kinds("cue") and any(
                        b.has("neg") for b in c.before(h, 2)):
                    out.facts[fact.id] = 0 if fact.type == "money" else []  # "没有质押贷款": none
            for t in h.of("option"):
                fact = kb.facts.get(t.key)
                if fact is None or fact.id in _ELSEWHERE or t.value in VAGUE_OPTIONS or len(h.term) < 2:
                    continue
                if fact.mentions and fact.id not in named_here and not h.has("mention"):
                    continue  # "国家级" names a level only next to its subject ("国家级示范区")
                context = lex.context.get(fact.id)
                if c.negated(h) or (context and not any(w in c.s for w in context)) or _names_association(c, h):
                    continue
                if t.value == NONE_OPTION and h.has("neg") and any(
                        x is not h and any(o.key == fact.id and o.value != NONE_OPTION for o in x.of("option"))
                        for x in c.hits):
                    continue  # "国家级规范化市场没有", "没有金奖": the 没有 denies the level named, not "none"
                if fact.id in LIST_CHOICES and quoted_amount(lex, c, h):
                    out.mentioned.add(fact.id)  # "金奖50万": the policy's figure quoted, a topic
                    continue
                out.mentioned.add(fact.id)
                options.setdefault(fact.id, []).append(t.value)
    said = " ".join(c.s for c in clauses)
    for fact_id, values in bools.items():
        if values == {True} and fact_id in lex.requires and not any(w in said for w in lex.requires[fact_id]):
            continue  # "我们是产业知识产权联盟": named, not said to be filed; the question asks it
        if len(values) == 1:
            out.facts[fact_id] = values.pop()
        elif fact_id in qualified:
            # "联盟没有备案", "是创客空间但没有固定办公场所": the words that fail the condition are the more
            # specific statement; the bare mention of the thing does not outweigh them.
            out.facts[fact_id] = False
        else:
            out.clarify.append(Clarify(fact_id, "lang.ask.yes_no", {}))
    for fact_id, picked in options.items():
        distinct = list(dict.fromkeys(picked))
        if fact_id in LIST_CHOICES:
            counted = counted_levels(lex, fact_id, clauses, distinct)
            if counted is None:
                out.clarify.append(Clarify(fact_id, "lang.ask.choice", {"options": distinct}))
            elif counted:
                out.facts[fact_id] = counted if len(counted) > 1 else counted[0]
            continue
        if len(distinct) == 1:
            out.facts[fact_id] = distinct[0]
        else:
            out.clarify.append(Clarify(fact_id, "lang.ask.choice", {"options": distinct}))
    for fact_id in negated_choice - set(options):
        if "none" in kb.facts[fact_id].option_ids():
            out.facts[fact_id] = "none"
    return out




def _levelled(c: Clause, h: Hit, fact_id: str) -> bool:
    """The choice named in ``h`` comes with one of its options ("国家级规范化市场", "国家级示范区"): a level of it."""
    def level(x: Hit) -> bool:
        return any(o.key == fact_id and o.value != NONE_OPTION for o in x.of("option"))
    return level(h) or any(level(x) and x.end == h.start for x in c.hits)


def only_denies(lex: Lexicon, c: Clause) -> bool:
    """The clause is a bare denial, perhaps with its subject ("我们都还没有", "都没有", "也没有"), naming nothing."""
    if any(t.kind in ("mention", "option", "applicant", "city", "inside", "outside") for h in c.hits for t in h.tags
           if not h.has("neg")):
        return False
    rest = core(lex, c.s)
    for _ in range(2):  # "这两样我们都还没有", "我们这两个都没有"
        for w in (*lex.first_person, *lex.these):
            if rest.startswith(w):
                rest = rest[len(w) :].lstrip()
                break
    return bool(rest) and (rest in lex.none or rest.lstrip(lex.still) in lex.no or rest in lex.no)


_INSTEAD_AFTER = re.compile(r"[\s;,.]*(?:而|其实|应该|实际)?是")


def _anothers_after_ours(c: Clause, h: Hit) -> bool:
    """"we won a silver and our partner won a gold", "我们拿了银奖和合作方拿的金奖": after the applicant's own deed,
    someone else named as the subject of another (a party, then 拿/won, or 的, before ``h``) is theirs."""
    before = [x for x in c.hits if x.end <= h.start]
    party = next((x for x in reversed(before) if x.has("party")), None)
    if party is None or any(x.has("self") and x.start > party.start for x in before):
        return False
    ours = [x for x in before if x.end <= party.start]
    if not any(x.has("self") for x in ours) or not any(x.has("mention") or x.has("option") for x in ours):
        return False
    between = c.s[party.end : h.start].strip()
    return any(x.has("achieved") and x.start >= party.end for x in before) or between in ("的", "拿的", "获得的")


def _contrasted(lex: Lexicon, clauses: list[Clause], ci: int, h: Hit) -> bool:
    """"是示范企业不是优势企业", "不是优势企业，是示范企业": a fact named with 不是 against another fact said
    instead; the user corrects which one it is (an earlier word, perhaps), so nothing is said of the one denied."""
    c = clauses[ci]
    before = c.before(h, 1)
    if not h.has("mention") or not before or not before[0].has("neg") or before[0].term not in lex.not_it:
        return False
    keys = {t.key for t in h.of("mention")}

    def other(x: Hit) -> bool:
        return x.has("mention") and not keys & {t.key for t in x.of("mention")}

    said = c.before(before[0], 1)
    if said and other(said[0]) and not c.negated(said[0]) and c.s[: said[0].start].rstrip().endswith("是"):
        return True  # 是A不是B
    m = _INSTEAD_AFTER.match(c.s, h.end)
    if m is not None and any(other(x) and x.start - m.end() <= 1 for x in c.hits if x.start >= m.end()):
        return True  # 不是B而是A
    if ci + 1 >= len(clauses) or h is not c.hits[-1]:
        return False
    nxt = clauses[ci + 1]
    m = _INSTEAD_AFTER.match(nxt.s)
    return m is not None and any(other(x) and x.start - m.end() <= 1 for x in nxt.hits)  # 不是B，是A


_QUOTE_GAP = re.compile(r"\s*(?:是|为|奖励|奖|有|能拿|能奖|可以拿|:)?\s*(?:是|为)?\s*$")


def quoted_amount(lex: Lexicon, c: Clause, h: Hit) -> bool:
    """A level named with a money figure right after it ("专利奖金奖50万，我们拿的是银奖", "金奖是50万吧"): the
    policy's payment quoted, not an award the applicant won."""
    numbers = [n for n in scan_numbers(c.s[h.end : h.end + 12], lex.numbers) if n.kind == "money"]
    return bool(numbers) and _QUOTE_GAP.match(c.s[h.end : h.end + numbers[0].start]) is not None


def _award_count(lex: Lexicon, c: Clause, h: Hit) -> int | None:
    """How many awards of the level ``h`` names: the count right before it ("两个银奖", "2项中国专利金奖") or right
    after it ("银奖2项", "金奖一个"); 1 when none is said, None when it is left open ("几个金奖")."""
    m = lex.award_count_before.search(c.s[: h.start]) or lex.award_count_after.match(c.s, h.end)
    if m is None:
        return 1
    word = next(g for g in m.groups() if g)
    if word in lex.count_words:
        return lex.count_words[word]
    if word.endswith(lex.vague_numerals):
        return None
    numbers = scan_numbers(word, lex.numbers)
    return int(numbers[0].value) if len(numbers) == 1 and numbers[0].value >= 1 else None


def counted_levels(lex: Lexicon, fact_id: str, clauses: list[Clause],
                   levels: Collection[str] | None = None) -> list[str] | None:
    """The levels of a multiple-choice fact named and not negated, one per award, in order: "金奖1项、银奖2项" ->
    [gold, silver, silver] (the knowledge base pays each award for the upper bound); None when a count is left
    open. A level named twice ("拿了金奖，金奖是去年评的") is one award unless a count says more. ``levels``: the
    levels already read as stated (the others are not counted)."""
    counts: dict[str, int] = {}
    for c in clauses:
        for h in c.hits:
            for t in h.of("option"):
                if t.key != fact_id or t.value in VAGUE_OPTIONS or c.negated(h) or c.about_clients(h) \
                        or (levels is not None and t.value not in levels) or quoted_amount(lex, c, h) \
                        or c.topic(h) or c.s[h.end :].lstrip().startswith(lex.theirs_after):
                    continue
                n = _award_count(lex, c, h)
                if n is None:
                    return None
                counts[t.value] = max(counts.get(t.value, 0), n)
    return [level for level, n in counts.items() for _ in range(n)]


_TRADE = re.compile(r"\s*(?:行业|产业|industry|trade)?\s*")


def _names_association(c: Clause, h: Hit) -> bool:
    """An option named as what an association gathers ("软件行业协会", "software association"): the members'
    trade, not the applicant's own option."""
    return any(b.start >= h.end and _TRADE.fullmatch(c.s[h.end : b.start]) is not None
               and any(t.key == "association" for t in b.of("applicant")) for b in c.hits)

