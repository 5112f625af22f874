"""Yes or no on the rule's own numbers: a figure claimed, a quota, a rate, the base of a percentage, a figure
asked to be passed. Used by the verdicts (verdicts.py)."""

from __future__ import annotations

import re
from fractions import Fraction

from eligibility.amounts import nominal_amount
from eligibility.ask.cues import Cues
from eligibility.ask.model import AmountAnswer, YesNo
from eligibility.parsing import find_amounts, normalize
from eligibility.results import Facts
from knowledge.models import (
    Benefit,
    FixedAmount,
    KnowledgeBase,
    PercentageAmount,
    RangeAmount,
    UpToAmount,
)

# "每年选1到2个": a range of counts with its unit (grammar of numbers).
_COUNT_SPAN = re.compile(r"(\d+)\s*(?:到|至|-|—|–|~|to)\s*(\d+)\s*(?:个|家|项|projects?|enterprises?|places)")

def exceed_verdict(cues: Cues, b: Benefit, text: str) -> YesNo | None:
    """"贴息一年能不能超过100万", "can it be more than 3 million": a figure asked to be passed against the
    most the rule pays (a cap, or the top of a fixed or ranged amount): at or above it no, below it yes."""
    m = cues.exceed.search(text)
    if m is None:
        return None
    amounts = find_amounts(text[m.end():m.end() + 16])
    if len(amounts) != 1:
        return None
    rule = b.amount
    most: int | None = None
    if isinstance(rule, PercentageAmount) and rule.cap is not None:
        most = int(rule.cap)
    elif isinstance(rule, FixedAmount):
        most = rule.value
    elif isinstance(rule, RangeAmount | UpToAmount):
        most = rule.max
    if most is None:
        return None
    over = amounts[0] < most
    return YesNo("yes" if over else "no", "exceed_yes" if over else "exceed_no",
                 (("claimed", amounts[0]), ("actual_max", most)))


# "按贷款本金算的吗", "is it based on the loan amount": what a percentage is taken of, asked about.
_BASIS_ZH = re.compile(r"按(?:照)?(.{1,14}?)(?:来|的)?(?:算|计算|计|核算|为基数|给)")


_BASIS_EN = re.compile(r"\b(?:based on|calculated on|calculated from|computed on|worked out on|percentage of|"
                       r"share of|paid on)\s+(?:the\s+|our\s+)?([a-z][a-z ]{2,40})")
# The base right before or after the rate ("按贷款金额的50%", "是融资额的3%", "50% of the loan"): only a loan's
# principal named there is read as another base (the words of the entry's own base vary: 融资额, financing).
_BASIS_BY_RATE = re.compile(r"按(?:照)?(.{1,14}?)的?\s*\d+(?:\.\d+)?\s*%"
                            r"|(?:是|为)([^\W\d按是]{2,10})的\s*\d+(?:\.\d+)?\s*%"
                            r"|\d+(?:\.\d+)?\s*%\s*of\s+(?:the\s+|our\s+)?([a-z][a-z ]{2,40})")


def basis_verdict(kb: KnowledgeBase, b: Benefit, text: str) -> YesNo | None:
    """The quantity a yes/no question names as the base of a percentage against the rule's ``of``: the
    words of the base fact say yes; the words of another figure (the principal, another fact's cue) no."""
    rule = b.amount
    if rule.kind != "percentage":
        return None
    m = _BASIS_ZH.search(text) or _BASIS_EN.search(text)
    if m is None:
        by_rate = _BASIS_BY_RATE.search(text)
        named = next((g for g in by_rate.groups() if g), "") if by_rate is not None else ""
        principal = [normalize(w) for w in kb.vocabulary.figures.principal]
        if any(_cue_in(w, named) for w in principal):
            return YesNo("no", "basis_differs", (("claimed_base", named.strip()),))
        return None
    named = m.group(1)
    base = kb.facts.get(rule.of)
    own = [normalize(c) for c in (base.figure_cues if base is not None else ())]
    if any(_cue_in(c, named) for c in own):
        return YesNo("yes", "basis_same")
    others = [normalize(w) for w in kb.vocabulary.figures.principal] + [
        normalize(c) for f in kb.facts.values() if f.id != rule.of for c in f.figure_cues]
    hit = next((c for c in others if c not in own and _cue_in(c, named)), None)
    if hit is None:
        return None
    return YesNo("no", "basis_differs", (("claimed_base", named.strip()),))


def _cue_in(cue: str, text: str) -> bool:
    if re.search(r"[\u4e00-\u9fff]", cue):
        return len(cue) >= 2 and cue in text
    return re.search(rf"\b{re.escape(cue)}", text) is not None


# A small count written in words before its unit ("两个", "五家"): grammar of numbers.
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_COUNT_NUMERAL = re.compile(r"(?<![一二两三四五六七八九十百千万])([一两二三四五六七八九十])"
                            r"(\s*(?:个|家|项|到|至|—|-|~))")


def quota_verdict(cues: Cues, b: Benefit, text: str, counts: tuple[int, ...]) -> YesNo | None:
    """The yearly quota a yes/no question states ("每年支持8个吗", "每年选1到2个") against the rule's."""
    q = b.award.quota
    text = _COUNT_NUMERAL.sub(lambda m: f"{_NUMERALS[m.group(1)]}{m.group(2)}", text)  # "选两个", "六到十个"
    if q is None or not cues.quota.search(text):
        return None
    span = _COUNT_SPAN.search(text)
    if span is not None:  # "1到2个": one range, whatever the figures read of it
        counts = (int(span.group(1)), int(span.group(2)))
    if not counts:
        counts = tuple(int(n) for n in cues.count_near.findall(text))
    if not counts or len(counts) > 2:
        return None
    low, high = min(counts), max(counts)
    params = (("claimed_min", low), ("claimed_max", high))
    if (low, high) == (q.min, q.max):
        return YesNo("yes", "quota_same", params)
    if low == high == q.max and cues.ceiling_any.search(text):
        return YesNo("yes", "quota_same", params)  # "每年最多支持10个" of 6—10: its most
    if low == high and q.min <= low <= q.max:
        return YesNo("maybe", "quota_range", params)  # "每年选6个吗" of 6—10: within it, not the rule
    return YesNo("no", "quota_differs", params)


def ceiling_claimed(cues: Cues, text: str) -> tuple[int, ...]:
    """The figure right after a ceiling word ("pays at most 50,000 yuan", "最多5万"): a ceiling claimed, which the
    language layer reads as a bound of the user's own figure (approximate) and gives no claim."""
    m = cues.ceiling_any.search(text)
    if m is None:
        return ()
    amounts = find_amounts(text[m.end():m.end() + 16])
    return (amounts[0],) if len(amounts) == 1 else ()


# Several issues or years said ("三期", "两年", "2023年"): the cap is paid more than once, no claim is beyond it.
_SEVERAL_PERIODS = re.compile(r"(?:[两二三四五六七八九十几多]|\d+)\s*(?:个)?\s*(?:期|年(?!度))|(?:19|20)\d\d"
                              r"|\b(?:years|issues)\b")
_ONE_ISSUE = re.compile(r"一期|\b(?:one|an|a single) issue\b")


def beyond_cap(b: Benefit, text: str, asked: list[str]) -> YesNo | None:
    """"我们贷款3000万，是不是能拿1500万", "发起了一期3亿的证券化产品，能奖600万吗": a figure asked that is above the
    most the entry pays one enterprise (a year, or one issue said), whatever the user's own figures (even unread)."""
    rule = b.amount
    if not isinstance(rule, PercentageAmount) or rule.cap is None:
        return None
    several = _SEVERAL_PERIODS.search(_ONE_ISSUE.sub(" ", text))
    if several is not None or (rule.cap_scope == "per_issue" and not _ONE_ISSUE.search(text)):
        return None
    claimed = [a for c in asked for a in find_amounts(c) if a > rule.cap]
    if len(claimed) != 1:
        return None
    return YesNo("no", "amount_differs", (("claimed", claimed[0]), ("actual_max", rule.cap)))


def items_stated(b: Benefit, text: str, counts: tuple[int, ...] = ()) -> int | None:
    """How many items of a per-item entry the question states ("两个项目", "3个指导站"): a count figure, or a
    number right before the unit of the entry's quota."""
    if len(counts) == 1 and counts[0] > 1:
        return counts[0]
    q = b.award.quota
    if q is None:
        return None
    text = _COUNT_NUMERAL.sub(lambda m: f"{_NUMERALS[m.group(1)]}{m.group(2)}", text)
    unit = normalize(q.unit.zh)
    m = re.search(rf"(\d+)\s*{re.escape(unit)}", text) or re.search(rf"(\d+)\s*{re.escape(unit[-1:])}", text)
    return int(m.group(1)) if m is not None and int(m.group(1)) > 1 else None


def rate_verdict(b: Benefit, percents: tuple[int, ...]) -> YesNo | None:
    """The rate a yes/no question states ("按3%算吗", "50% of the interest?") against the rule's."""
    rule = b.amount
    if rule.kind != "percentage" or len(percents) != 1:
        return None
    same = Fraction(percents[0], 100) == Fraction(str(rule.rate))
    return YesNo("yes" if same else "no", "rate_same" if same else "rate_differs", (("claimed", percents[0]),))


def claims(figures: tuple[int, ...], facts: Facts) -> list[int]:
    """The figures of a question that are not the user's own amounts: what the user asks to have confirmed."""
    own = {v for v in facts.values() if isinstance(v, int) and not isinstance(v, bool)}
    own |= {x for v in facts.values() if isinstance(v, list) for x in v if isinstance(x, int)}
    return [f for f in figures if f not in own]


def amount_verdict(cues: Cues, b: Benefit, answer: AmountAnswer, text: str,
                    figures: tuple[int, ...]) -> YesNo | None:
    """"银奖是30万吗": the figure asked about against what the rule pays (or its ceiling)."""
    rule = b.amount
    claimed = figures[0]
    if rule.kind == "percentage":
        if rule.cap is None:
            return None
        same = claimed == rule.cap
        return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                     (("claimed", claimed), ("actual_max", rule.cap)))
    actual = answer.amount or nominal_amount(rule)
    if rule.kind == "tiered" and answer.amount is None:
        same = claimed in rule.tiers.values()
        return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs", (("claimed", claimed),))
    if actual is None:
        return None
    params = (("claimed", claimed), ("actual_min", actual.min), ("actual_max", actual.max))
    pair = (min(figures[:2]), max(figures[:2]))
    if actual.min < actual.max and len(figures) >= 2 and pair == (actual.min, actual.max):
        return YesNo("yes", "amount_same", params)  # "每个项目是20到30万吗" of 20—30万: the range itself
    ceiling = claimed == actual.max and bool(cues.ceiling_any.search(text))  # "最高20万吗" of 10—20万: yes
    if actual.min != 0 and actual.min < actual.max and actual.min <= claimed <= actual.max and not ceiling:
        # "专利导航一个项目20万是吗" of 10—20万: not necessarily; "每个都是30万吗", "固定给20万吗": no, a range is paid
        return YesNo("no" if cues.uniform.search(text) else "maybe", "amount_in_range", params)
    if actual.min == 0 and claimed == actual.max and cues.uniform.search(text):
        return YesNo("no", "amount_in_range", params)  # "贯标补贴是不是固定5万" of 不超过5万: a ceiling, not fixed
    same = actual.min <= claimed <= actual.max if actual.min != 0 else claimed == actual.max
    return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs", params)
