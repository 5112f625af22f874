"""Numbers and option labels in text: the low-level readers under ``eligibility.language``.

Applicants answer "how much interest did you pay?" with "80万", "８０W", "八十万元" or
"去年付了80万利息"; they pick an award level by writing "我们拿了银奖". These functions read
such figures and labels, and return ``None`` rather than guess when the text is ambiguous,
because a wrong number silently produces a wrong subsidy estimate whereas ``None`` only makes
the bot ask again. Which figure belongs to which fact, yes/no, hedges and negations are the
language layer's (its words are knowledge-base data); ``scan_numbers`` gives it every number
with its span and kind.

Everything here is pure: no I/O, no caches, no module state beyond constant tables.
Every scan is one left-to-right pass and no regex has nested or overlapping
quantifiers (nothing can backtrack catastrophically), so cost stays linear in the
input: about 5 µs per number found, 0.5 s for 100k characters of digits.

Chinese numerals are parsed by the small hand-written parser in ``_read_number``
rather than by cn2an. Measured with timeit on the dev box (CPython 3.11, 50k calls):
the hand parser reads "一百五十万" in about 3.3 µs, cn2an.cn2an(..., "strict") in 5.5 µs
and cn2an.cn2an(..., "smart") in 10 µs, plus 65 ms to import cn2an; a complete
``parse_amount`` call (normalise, scan, classify) is about 7 µs, where
cn2an.transform on a sentence is about 23 µs. cn2an also raises ValueError on
"80w", "300k" and "80,0000" and cannot pick the amount out of a sentence, so the hand
parser is both faster and a better fit; the tests cross-check it against
cn2an.an2cn on generated integers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, Literal

from rapidfuzz import fuzz

from eligibility.normalize import normalize

__all__ = [
    "Negation",
    "Number",
    "NumberWords",
    "find_amounts",
    "looks_like_question",
    "normalize",
    "parse_amount",
    "parse_choice",
    "parse_number_list",
    "prepare",
    "scan_numbers",
]

# ---------------------------------------------------------------------------
# Numeral tables
# ---------------------------------------------------------------------------

_CN_DIGITS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "零": 0, "〇": 0,
        "一": 1, "壹": 1,
        "二": 2, "两": 2, "俩": 2, "贰": 2,
        "三": 3, "叁": 3,
        "四": 4, "肆": 4,
        "五": 5, "伍": 5,
        "六": 6, "陆": 6,
        "七": 7, "柒": 7,
        "八": 8, "捌": 8,
        "九": 9, "玖": 9,
    }
)  # fmt: skip
_SMALL_UNITS: Final[Mapping[str, int]] = MappingProxyType(
    {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
)
_WAN: Final = 10_000
_YI: Final = 100_000_000
_BIG_UNITS: Final[Mapping[str, int]] = MappingProxyType({"万": _WAN, "亿": _YI})
#: Shorthand multipliers written after an Arabic number ("80w", "300k", "1.5 million").
_EN_UNITS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "w": _WAN,
        "wan": _WAN,  # 万 in pinyin, as people typing English write it ("about 30 wan")
        "kw": 10 * _WAN * 100,  # 千万: "2kw" is 2000万
        "k": 1_000,
        "thousand": 1_000,
        "m": 1_000_000,
        "mn": 1_000_000,
        "million": 1_000_000,
        "bn": 1_000_000_000,
        "billion": 1_000_000_000,
    }
)

# A number may start with an Arabic digit, a Chinese digit or 十 ("十五万"), but not
# with 百/千/万/亿: "千万不要" and "万一" are words, not amounts.
_START_RE: Final = re.compile("[0-9" + "".join(_CN_DIGITS) + "十拾]")
# Comma grouping: Chinese style in fours ("80,0000") or Western in threes ("800,000").
# The first group is at most three digits so that the list "5000,8000" stays two numbers.
_AR_RE: Final = re.compile(
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{4})+(?![0-9])|[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)"
    r"(?P<frac>\.[0-9]+)?"
)
_EN_UNIT_RE: Final = re.compile(r" ?(million|billion|thousand|wan|mn|bn|kw|w|k|m)(?![a-z])")
_APPROX: Final = frozenset("多余来")  # "80多万", "3000余元": approximate, read as the lower bound
_MAX_DIGITS: Final = 15  # longer digit runs are ids, not money (and keep Decimal cheap)
_MAX_YUAN: Final = Decimal(10) ** 15

# ---------------------------------------------------------------------------
# Context that decides whether a number is money
# ---------------------------------------------------------------------------

_CURRENCY_PREFIXES: Final = ("¥", "rmb", "cny", "人民币")
_CURRENCY_SUFFIX_RE: Final = re.compile(r" ?(?:元|圆|块钱?|人民币|(?:yuan|rmb|cny)(?![a-z]))")
#: Words right before a number that make it an ordinal, id, standard or fraction.
_EXCLUDED_PREFIXES: Final = (
    "第", "分之", "#", "no.", "编号", "电话", "手机", "邮编", "代码", "号码", "尾号",
    "iso", "gb/t", "gb/z", "gbt", "gb", "iec", "ieee", "tel",
)  # fmt: skip
#: Counters and time/percent words after a number: "2023年", "3个", "50%", "5万人".
_COUNT_SUFFIX_RE: Final = re.compile(
    r" ?[多余来几]?(?:[年月日号天周岁%‰个项件次期家人名位倍台套篇条款类种份届轮批级星"
    r"页张章节户所座栋辆只头本部组支亩吨斤楼层笔场回遍代季]"
    r"|小时|分钟|百分点"
    r"|(?:years?|yrs?|days?|months?|weeks?|hours?|people|persons?|projects?|patents?|times|items?"
    r"|percent|pct)(?![a-z]))"
)
#: Weaker counters, only checked when the number has no 万/亿 or currency: "90分" is a
#: score, but in "80万分两期" 分 is the verb "split".
_WEAK_SUFFIX_RE: Final = re.compile(r" ?[多余来几]?[分秒时点米平克度成折]")
_RANGE_SEPS: Final = frozenset({"-", "~", "到", "至", "—", "–"})
_DATE_SEPS: Final = frozenset({"-", "/", ".", ":"})
#: Connectors and filler allowed around amounts in a list or a one-amount answer.
_FILLER_RE: Final = re.compile(
    r"[\s、,;/。.!?~]+|以及|还有|分别是|分别|大约|大概|差不多|一共|共计|合计|总共|左右|上下"
    r"|[和及与跟约共吧啊呢了是为各]"
)
_LIST_BOUNDARY: Final = frozenset(" 、,;/和及与跟")


@dataclass(frozen=True, slots=True)
class NumberWords:
    """The vocabulary the number readers need, from the one lexicon of each (``eligibility.language.lexicon``
    builds it from vocabulary/polarity.yaml and figures.yaml): the words that answer "none" ("没有", "none"),
    the minus signs ("-", "负") and the other currencies ("美元", "usd"). Only the syntax of numerals is here."""

    none: frozenset[str]
    minus: frozenset[str]
    foreign: re.Pattern[str]

    @classmethod
    def of(cls, none: frozenset[str], minus: frozenset[str], foreign: Sequence[str]) -> NumberWords:
        """``foreign`` as normalised words; ASCII ones match whole words only ("usd", not "usdt")."""
        parts = [rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() and w.isalpha() else re.escape(w)
                 for w in sorted(set(foreign) - {""}, key=len, reverse=True)]
        return cls(none, minus, re.compile("|".join(parts) or r"(?!)"))


@dataclass(frozen=True, slots=True)
class _Num:
    """The numeric part of a match, before its surroundings are looked at."""

    end: int
    value: Decimal
    arabic: bool  # first token is an Arabic number
    bare: bool  # one number token and no unit at all
    magnitude: bool  # has 万/亿 or an English multiplier
    trailing_factor: int  # multiplier of the final unit ("50-100万" lends 万 to 50)
    int_digits: int
    leading_zero: bool
    grouped: bool  # written with thousands separators


@dataclass(frozen=True, slots=True)
class _Item:
    """A number found in the text together with what its context says about it."""

    start: int  # span including a currency prefix
    end: int  # span including a currency suffix
    num: _Num
    value: Decimal
    currency: bool
    magnitude: bool
    excluded: bool  # year, date, count, percent, ordinal, negative ...
    suffix_at: int | None = None  # the left figure of a range ("1到2个") is what the right one is: read there

    @property
    def yuan(self) -> int:
        return int(self.value.to_integral_value(rounding=ROUND_HALF_UP))

    @property
    def id_like(self) -> bool:
        """A bare digit string that looks like a phone number, zip code or id.

        Eleven or more bare digits (10 billion yuan and up) is read as a phone number
        or id unless a currency word or thousands separators say it is money.
        """
        n = self.num
        plain = n.arabic and n.bare and not n.grouped and not self.currency
        return plain and (n.leading_zero or n.int_digits > 10)

    @property
    def usable(self) -> bool:
        return not self.excluded and not self.id_like and self.value <= _MAX_YUAN

    @property
    def is_money(self) -> bool:
        """Money needs a currency word, a 万/亿-style unit, or a bare value of at least 1000."""
        if not self.usable:
            return False
        return self.currency or self.magnitude or self.value >= 1000


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# After a spoken shorthand, words that close the figure ("1万5左右" is about 15000, not 1万 and a 5 starting a phrase).
_AROUND = ("左右", "上下", "的样子", "出头")


def _read_number(s: str, pos: int) -> tuple[int, _Num | None]:
    """Read one number starting at ``pos``; return where it ends and its value.

    Accepts Arabic numbers (with comma grouping and decimals), Chinese numerals
    (including financial 壹贰叁 forms, 零 placeholders and 点 decimals), mixtures such
    as "1亿2000万" or "3千万", the spoken shorthand "一万五" (= 15000) and English
    multipliers ("80w", "1.5 million"). ``None`` means the characters look numeric but
    form no valid number; the caller skips to the returned end.
    """
    n = len(s)
    i = pos
    high = Decimal(0)  # completed 亿 chunks
    mid = Decimal(0)  # completed 万 chunks below the current 亿
    section = Decimal(0)  # value below 万
    cur: Decimal | None = None
    cur_start = pos
    cur_single = False  # cur is one digit: candidate for the "一万五" shorthand
    last_small = 10**5  # small units must strictly decrease within a section
    last_unit = 0
    seen_wan = False
    zero_gap = False
    tokens = 0
    arabic = "0" <= s[pos] <= "9"
    magnitude = False
    bare = True
    int_digits = 0
    leading_zero = False
    grouped = False
    en_factor = 1

    while i < n:
        c = s[i]
        if "0" <= c <= "9":
            if cur is not None:
                break
            m = _AR_RE.match(s, i)
            if m is None:  # unreachable: a digit always matches
                break
            int_text = m.group("int")
            int_part = int_text.replace(",", "")
            if len(int_part) > _MAX_DIGITS:
                return m.end(), None
            frac = m.group("frac") or ""
            cur = Decimal(int_part + frac)
            cur_single = len(int_part) == 1 and not frac
            if tokens == 0:
                int_digits = len(int_part)
                leading_zero = len(int_part) > 1 and int_part[0] == "0"
                grouped = "," in int_text
            else:
                bare = False
            tokens += 1
            cur_start = i
            i = m.end()
            continue
        digit = _CN_DIGITS.get(c)
        if digit is not None:
            if cur is not None:
                break
            if digit == 0 and last_unit:
                zero_gap = True  # placeholder as in 一千零五
                i += 1
                continue
            if tokens:
                bare = False
            tokens += 1
            cur, cur_single, cur_start = Decimal(digit), True, i
            i += 1
            if i + 1 < n and s[i] == "点" and s[i + 1] in _CN_DIGITS:
                j = i + 1
                while j < n and s[j] in _CN_DIGITS:
                    j += 1
                frac = "".join(str(_CN_DIGITS[ch]) for ch in s[i + 1 : j])
                cur, cur_single, i = Decimal(f"{digit}.{frac}"), False, j
            continue
        small = _SMALL_UNITS.get(c)
        if small is not None:
            if small >= last_small:
                break
            section += (cur if cur is not None else Decimal(1)) * small
            cur, last_small, last_unit, zero_gap, bare = None, small, small, False, False
            i += 1
            continue
        big = _BIG_UNITS.get(c)
        if big is not None:
            chunk = section + (cur if cur is not None else 0)
            if big == _WAN:
                if chunk == 0 or seen_wan:
                    break
                mid += chunk * _WAN
                seen_wan = True
            else:
                chunk += mid
                if chunk == 0 or (seen_wan and cur is not None and section == 0 and not zero_gap):
                    break  # "5000万1.2亿" is two amounts; "一万零七百八十一亿" is one
                high = (high + chunk) * _YI
                mid, seen_wan = Decimal(0), False
            section, cur, last_small, last_unit = Decimal(0), None, 10**5, big
            zero_gap, bare, magnitude = False, False, True
            i += 1
            continue
        # "80w", and a Chinese numeral with an English unit ("八十W", "五十w"): the unit multiplies the whole number.
        if (cur is not None or (section and not seen_wan and last_unit < 10**4)) and (c == " " or "a" <= c <= "z"):
            m = _EN_UNIT_RE.match(s, i)
            if m is not None:
                en_factor = _EN_UNITS[m.group(1)]
                magnitude, bare = True, False
                i = m.end()
                break
        nxt = s[i + 1] if i + 1 < n else ""
        before_unit = nxt in _SMALL_UNITS or nxt in _BIG_UNITS or nxt in "元块"
        if c in _APPROX and (tokens or last_unit) and before_unit:
            i += 1
            continue
        # "2个亿", "80个w"
        if c in " 个" and (cur is not None or section) and (nxt in _SMALL_UNITS or nxt in _BIG_UNITS
                                                           or (c == "个" and nxt != "" and nxt in "wk")):
            i += 1
            continue
        break

    if cur is not None and last_unit and en_factor == 1:
        nxt = s[i] if i < n else ""
        if last_unit >= _WAN and _is_cjk(nxt) and nxt not in "元块多余" and not s.startswith(_AROUND, i):
            # "5000万一年": the trailing digit starts the next phrase, not this number.
            i, cur = cur_start, None
        elif cur_single and last_unit >= 100 and not zero_gap:
            cur *= last_unit // 10  # 一万五 = 15000, 三千五 = 3500
    value = (high + mid + section + (cur if cur is not None else 0)) * en_factor
    if value > _MAX_YUAN:
        return i, None
    trailing = en_factor if en_factor > 1 else (last_unit if cur is None and last_unit else 1)
    return i, _Num(i, value, arabic, bare, magnitude, trailing, int_digits, leading_zero, grouped)


def _classify(s: str, start: int, num: _Num, minus: frozenset[str]) -> _Item:
    """Look around a number for currency words and for signs that it is not money."""
    end = num.end
    span_start, span_end = start, end
    currency = False
    excluded = False

    before = start - 1 if start > 0 and s[start - 1] == " " else start
    prev = s[start - 1] if start > 0 else ""
    for word in _CURRENCY_PREFIXES:
        if s.endswith(word, 0, before):
            currency, span_start = True, before - len(word)
            break
    if prev in minus:
        prev2 = s[start - 2] if start > 1 else ""
        is_range = prev != "负" and ("0" <= prev2 <= "9" or prev2 in _CN_DIGITS or prev2 in _BIG_UNITS)
        excluded = not is_range
    if not currency and ("a" <= prev <= "z" or s.endswith(_EXCLUDED_PREFIXES, 0, before)):
        excluded = True

    m = _CURRENCY_SUFFIX_RE.match(s, end)
    if m is not None:
        currency, span_end = True, m.end()
    else:
        counted = _COUNT_SUFFIX_RE.match(s, end) is not None
        glued_letter = end < len(s) and "a" <= s[end] <= "z"  # "2nd", "5g", "10x"
        weak = not num.magnitude and _WEAK_SUFFIX_RE.match(s, end) is not None
        excluded = excluded or counted or glued_letter or weak
    return _Item(span_start, span_end, num, num.value, currency, num.magnitude, excluded)


def _link(s: str, items: list[_Item]) -> list[_Item]:
    """Resolve dates and ranges, which need two neighbouring numbers at once.

    "2023-05-01", "12:30" and "1/3" are not money; in "50-100万" and "5000-8000元" the
    bare left number borrows the unit, currency and exclusions of the right one.
    """
    out = list(items)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        gap = s[a.end : b.start].strip(" ")
        if not (gap in _DATE_SEPS or gap in _RANGE_SEPS) or a.currency or not a.num.bare:
            continue
        if gap in _DATE_SEPS and b.num.bare and not b.currency:
            out[k] = replace(a, excluded=True)
            out[k + 1] = replace(b, excluded=True)
        elif gap in _RANGE_SEPS:
            out[k] = replace(
                a,
                value=a.value * b.num.trailing_factor,
                currency=b.currency,
                magnitude=b.magnitude,
                excluded=a.excluded or b.excluded,
                suffix_at=b.end,
            )
    return out


def _scan(s: str, minus: frozenset[str]) -> list[_Item]:
    """Every number in normalised text ``s``, classified, in order of appearance."""
    items: list[_Item] = []
    pos = 0
    while (m := _START_RE.search(s, pos)) is not None:
        start = m.start()
        end, num = _read_number(s, start)
        pos = max(end, start + 1)
        if num is not None:
            items.append(_classify(s, start, num, minus))
    return _link(s, items)


def _prep(text: str) -> str:
    """Normalise for number parsing, keeping the full-width comma as a list separator.

    NFKC would turn "，" into ",", making "500，800" look like the number 500,800;
    Chinese IMEs type "，" between list items and never as a thousands separator.
    """
    return normalize(text.replace("，", "、").replace("﹐", "、"))


def _is_filler(text: str) -> bool:
    return not _FILLER_RE.sub("", text)


def _sole_amount(s: str, items: Sequence[_Item]) -> _Item | None:
    """The one usable number when everything around it is filler ("零", "大约三百")."""
    if len(s) > 200:
        return None
    usable = [it for it in items if it.usable]
    for it in usable:
        if _is_filler(s[: it.start] + " " + s[it.end :]):
            return it
    return None


# ---------------------------------------------------------------------------
# Public amount parsers
# ---------------------------------------------------------------------------

NumberKind = Literal["money", "number", "year", "percent", "count", "id", "other"]
_YEAR_RANGE: Final = (1949, 2100)


@dataclass(frozen=True, slots=True)
class Number:
    """A number in prepared text: its span, value (yuan when money) and what it is."""

    start: int
    end: int
    value: int
    kind: NumberKind
    bare: bool  # written as a plain number: no unit, no currency word

    def text(self, s: str) -> str:
        return s[self.start : self.end]


def prepare(text: str) -> str:
    """The text the number scanner reads: normalised, the full-width comma kept as a list separator."""
    return _prep(text)


def _kind(s: str, it: _Item) -> NumberKind:
    if it.is_money:
        return "money"
    if it.id_like:
        return "id"
    if it.usable:
        return "number"
    end = it.end if it.suffix_at is None else it.suffix_at
    after = s[end : end + 3].lstrip(" ")
    if after.startswith("年") and _YEAR_RANGE[0] <= it.value <= _YEAR_RANGE[1] and it.num.arabic:
        return "year"
    if after.startswith(("%", "‰", "百分", "percent", "pct")):
        return "percent"
    if _COUNT_SUFFIX_RE.match(s, end) is not None or _WEAK_SUFFIX_RE.match(s, end) is not None:
        return "count"
    return "id" if s.endswith(_EXCLUDED_PREFIXES, 0, it.start) else "other"


def scan_numbers(s: str, words: NumberWords) -> list[Number]:
    """Every number in prepared text ``s`` (see ``prepare``), classified, in order of appearance."""
    out: list[Number] = []
    for it in _scan(s, words.minus):
        value = it.yuan if it.value <= _MAX_YUAN else 0
        out.append(Number(it.start, it.end, value, _kind(s, it), it.num.bare and not it.currency))
    return out


def find_amounts(text: str, words: NumberWords | None = None) -> list[int]:
    """Every money amount in ``text``, in yuan, in order of appearance.

    Years, dates, times, percentages, ordinals, counts ("3个项目") and negative numbers
    are skipped; a number without 万/亿/元-style context counts only from 1000 upwards,
    so "第2期" or "3 次" never become money while "800000" does. The policy pays in yuan: with
    ``words``, a text naming another currency gives none. Without them (a caller that cut the figure
    out of its text itself: digits and units only) no word is read, and no sign is a minus.
    """
    s = _prep(text)
    if words is not None and words.foreign.search(s):
        return []
    return [it.yuan for it in _scan(s, words.minus if words else frozenset()) if it.is_money]


def parse_amount(text: str, words: NumberWords) -> int | None:
    """The single amount, in yuan, that an answer states; ``None`` if there is none.

    Two different amounts in one answer ("贷款500万，利息30万") give ``None``: picking
    one would be a guess, and the caller can ask again or use ``find_amounts``. A bare
    small number is accepted when it is the whole answer ("0", "500", "零").
    """
    s = _prep(text)
    if not s or words.foreign.search(s):
        return None
    items = _scan(s, words.minus)
    money = [it for it in items if it.is_money]
    if money:
        return money[0].yuan if len({it.yuan for it in money}) == 1 else None
    sole = _sole_amount(s, items)
    if sole is not None:
        return sole.yuan
    arabic = {it.yuan for it in items if it.usable and it.num.arabic}
    return arabic.pop() if len(arabic) == 1 else None


def parse_number_list(text: str, words: NumberWords) -> list[int] | None:
    """Amounts listed in one answer ("5000万，1.2亿"); ``[]`` for "没有"/"无"/"0".

    Items may be separated by 、，, ; / 和 or spaces. If the text is more than a list
    (a sentence), the money amounts found in it are returned; ``None`` if there are none.
    """
    s = _prep(text)
    core = s.strip(" 。.!~")
    if core in words.none:
        return []
    usable = [it for it in _scan(s, words.minus) if it.usable]

    def listed(it: _Item) -> bool:
        if it.num.arabic or it.magnitude or it.currency:
            return True
        left = s[it.start - 1] if it.start else " "
        right = s[it.end] if it.end < len(s) else " "
        return left in _LIST_BOUNDARY and right in _LIST_BOUNDARY

    real = [it for it in usable if listed(it)]
    bounds = [0, *(p for it in real for p in (it.start, it.end)), len(s)]
    if real and all(_is_filler(s[bounds[k] : bounds[k + 1]]) for k in range(0, len(bounds), 2)):
        values = [it.yuan for it in real]
    else:
        values = [it.yuan for it in usable if it.is_money]
        if not values:
            return None
    return [] if all(v == 0 for v in values) else values


# ---------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------

_INDEX_RE: Final = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True, slots=True)
class Negation:
    """The negations a choice is read with, from the one negation list of the vocabulary (polarity.yaml):
    its one-character words ("没", "不") and its English words ("not", "don't")."""

    chars: frozenset[str]
    words: tuple[str, ...]
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, chars: frozenset[str], words: Sequence[str]) -> Negation:
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return cls(chars, tuple(words), re.compile(rf"\b(?:{alternatives})\b" if alternatives else r"(?!)"))

    def in_words(self, s: str) -> bool:
        return self.pattern.search(s) is not None

    def ends_before(self, s: str, idx: int) -> bool:
        """An English negation word ends right before ``idx`` ("not gold")."""
        head = s[:idx].rstrip()
        return head != s[:idx] and any(head.endswith(w) and (len(head) == len(w) or not head[-len(w) - 1].isalnum())
                                       for w in self.words)
_FUZZY_MIN_SCORE: Final = 70.0
_FUZZY_MARGIN: Final = 10.0
_PARTIAL_MIN_LABEL: Final = 4


def _labels(key: str, aliases: Sequence[str]) -> list[str]:
    raw = (aliases,) if isinstance(aliases, str) else tuple(aliases)
    seen: list[str] = []
    for label in (key, *raw):
        norm = normalize(label)
        if norm and norm not in seen:
            seen.append(norm)
    return seen


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _contains_affirmed(s: str, label: str, negation: Negation) -> bool:
    """``label`` occurs in ``s`` as a whole word and not right after a negation."""
    ascii_edges = _is_word_char(label[0]), _is_word_char(label[-1])
    idx = s.find(label)
    while idx != -1:
        end = idx + len(label)
        whole = not (ascii_edges[0] and idx > 0 and _is_word_char(s[idx - 1])) and not (
            ascii_edges[1] and end < len(s) and _is_word_char(s[end])
        )
        negated = bool(negation.chars.intersection(s[max(0, idx - 3) : idx])) or negation.ends_before(s, idx)
        if whole and (not negated or label[0] in negation.chars):
            return True
        idx = s.find(label, idx + 1)
    return False


def _unique(keys: Sequence[str]) -> str | None:
    distinct = set(keys)
    return keys[0] if len(distinct) == 1 else None


def parse_choice(text: str, options: Mapping[str, Sequence[str]], *, negation: Negation,
                 fuzzy: bool = True) -> str | None:
    """The option id the answer means, or ``None`` if it matches none or is ambiguous.

    ``fuzzy`` False: the last step (a guess by similarity) is not tried; the language layer asks instead.

    Tried in order: exact id/label, a 1-based option number ("2"), a label contained
    in the answer (longest wins, negated mentions such as "没拿到金奖" ignored), the
    answer contained in exactly one label ("生物医药" -> "生物医药健康"), then a fuzzy
    match that must clear a threshold and beat the runner-up by a margin so that
    unrelated text gives ``None``.
    """
    s = normalize(text)
    if not s or not options:
        return None
    keys = list(options)
    labels = [(key, label) for key in keys for label in _labels(key, options[key])]
    if not labels:
        return None
    for key, label in labels:
        if label == s:
            return key
    if _INDEX_RE.fullmatch(s):
        index = int(s)
        return keys[index - 1] if 1 <= index <= len(keys) else None

    best_len, best_keys = 0, list[str]()
    for key, label in labels:
        if len(label) >= best_len and _contains_affirmed(s, label, negation):
            if len(label) > best_len:
                best_len, best_keys = len(label), []
            best_keys.append(key)
    if best_keys:
        return _unique(best_keys)

    cjk_negation = negation.chars.intersection(s)
    en_negation = negation.in_words(s)

    def compatible(label: str) -> bool:
        """A negated answer ("没拿到金奖", "not gold") only matches labels negated too."""
        if cjk_negation - set(label):
            return False
        return not en_negation or negation.in_words(label)

    if len(s) >= 2:
        # English is matched by whole words: "it" is not inside "certification", nor "station" in "stations".
        inside = [key for key, label in labels if compatible(label) and (
            re.search(rf"(?<![a-z0-9]){re.escape(s)}(?![a-z0-9])", label) if s.isascii() else s in label)]
        if inside:
            return _unique(inside)

    longest = max(len(label) for _, label in labels)
    if not fuzzy or len(s) < 2 or len(s) > 4 * longest + 8:
        return None
    scores: dict[str, float] = {}
    for key, label in labels:
        if not compatible(label):
            continue
        # WRatio's partial matching would find a 2-letter label like "it" inside "item",
        # skipping the word-boundary and negation checks above, so short labels use ratio.
        score = fuzz.WRatio(s, label) if len(label) >= _PARTIAL_MIN_LABEL else fuzz.ratio(s, label)
        scores[key] = max(scores.get(key, 0.0), score)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < _FUZZY_MIN_SCORE:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < _FUZZY_MARGIN:
        return None
    return ranked[0][0]


_QUESTION_END: Final = re.compile(r"[?？]\s*$|(?:吗|呢|么|嘛)[\s。.!！]*$")
_QUESTION_WORDS: Final = re.compile(
    r"多少|几[个家期年万]|怎么|怎样|如何|什么|哪些|哪个|哪里|是否|能否|可否|能不能|可不可以|有没有|是不是|上限|最多|最高"
    r"|\b(?:how|what|which|when|where|why|who|can|could|is there|are there|does|do i|do we)\b")


def looks_like_question(text: str) -> bool:
    """A question rather than an answer or a statement ("贴息上限多少？", "是什么意思？", "how much ...").

    A question typed in the middle of the questionnaire is answered, never read as facts.
    """
    s = normalize(text)
    return bool(_QUESTION_END.search(s) or _QUESTION_WORDS.search(s))
