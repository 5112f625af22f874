"""Tests for eligibility.parsing: the answer parsers behind every question the bot asks.

Tables first (one row per way real applicants write an answer), then properties:
agreement with cn2an on generated Chinese numerals, round trips of Arabic numbers,
"never raises" on arbitrary text, and growth that stays linear on pathological text.
Yes/no and "not sure" come from the knowledge base's one lexicon (eligibility.language.polarity).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cn2an
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.language import understand
from eligibility.language.lexicon import lexicon
from eligibility.language.polarity import read_unknown, read_yes_no
from eligibility.normalize import normalize
from eligibility.parsing import find_amounts as _find_amounts
from eligibility.parsing import parse_amount as _parse_amount
from eligibility.parsing import parse_choice
from eligibility.parsing import parse_number_list as _parse_number_list
from knowledge.loader import load_knowledge_base

KB = load_knowledge_base()
LEX = lexicon(KB)


# The number readers take the lexicon's words (none, minus signs, other currencies): the one list of each.
def parse_amount(text: str) -> int | None:
    return _parse_amount(text, LEX.numbers)


def find_amounts(text: str) -> list[int]:
    return _find_amounts(text, LEX.numbers)


def parse_number_list(text: str) -> list[int] | None:
    return _parse_number_list(text, LEX.numbers)


def parse_yes_no(text: str) -> bool | None:
    return read_yes_no(LEX, text)


def is_unknown_answer(text: str) -> bool:
    return read_unknown(LEX, text)


AWARDS: dict[str, list[str]] = {
    "gold": ["金奖", "gold"],
    "silver": ["银奖", "silver"],
    "excellent": ["优秀奖", "excellent"],
    "none": ["没有", "无", "none"],
}
# Shaped like knowledge/data/facts.yaml: label zh, label en, aliases.
INDUSTRIES: dict[str, list[str]] = {
    "next_gen_it": ["新一代信息技术", "Next-generation IT", "信息技术", "软件", "IT", "software"],
    "biomedicine_health": ["生物医药健康", "Biomedicine and health", "医疗器械", "pharma", "medical"],
    "advanced_equipment": ["先进装备制造", "Advanced equipment manufacturing", "装备制造", "equipment"],
    "other": ["其他战略性新兴产业", "Another strategic emerging industry", "新能源", "新材料"],
}

# Shared by the property tests: no example database is written into the repository.
PROPERTY = settings(max_examples=300, deadline=None, database=None)
# Domain characters mixed into arbitrary Unicode so that generated text actually
# exercises the numeral scanner and not only the "no digits here" fast path.
DOMAIN_CHARS = list("0123456789,.，、;/ -~%¥万亿千百十拾佰仟一二两三五九零〇壹点元块多年月日个期第wkm没有是不否")
mixed_text = st.text(st.sampled_from(DOMAIN_CHARS) | st.characters(), max_size=80)


# ---------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("８０万", "80万"),  # full-width digits
        ("ＧＯＬＤ", "gold"),  # full-width letters, then lower-cased
        ("５０００万，１．２亿", "5000万,1.2亿"),  # full-width punctuation
        ("￥８０００", "¥8000"),
        ("  80 \t\n 万  ", "80 万"),  # trimmed, whitespace runs collapsed
        ("Silver", "silver"),
        ("專利權質押貸款", "专利权质押贷款"),
        ("商標", "商标"),
        ("獎補", "奖补"),
        ("證書", "证书"),
        ("知識產權", "知识产权"),
        ("馳名商標", "驰名商标"),
        ("1億", "1亿"),
        ("80萬圓", "80万圆"),
        ("銀獎", "银奖"),
        ("沒有", "没有"),
        ("元", "元"),  # already simplified: unchanged
        ("ÄÖ", "ÄÖ"),  # only ASCII is case-folded
        ("80\u200b万", "80万"),  # zero-width space from pasted text
        ("don\u2019t know", "don't know"),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@PROPERTY
@given(mixed_text)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once


# ---------------------------------------------------------------------------
# parse_amount
# ---------------------------------------------------------------------------

AMOUNTS: list[tuple[str, int]] = [
    # the brief's examples
    ("80万", 800_000),
    ("80万元", 800_000),
    ("800000", 800_000),
    ("80,0000", 800_000),
    ("800,000", 800_000),
    ("1.2亿", 120_000_000),
    ("三百万", 3_000_000),
    ("五千万元", 50_000_000),
    ("1200万", 12_000_000),
    ("0", 0),
    ("零", 0),
    ("两百万", 2_000_000),
    ("二百万", 2_000_000),
    ("一百五十万", 1_500_000),
    ("3.5万", 35_000),
    ("80w", 800_000),
    ("80W", 800_000),
    ("1.5 million", 1_500_000),
    ("2 million yuan", 2_000_000),
    ("300k", 300_000),
    ("RMB 800,000", 800_000),
    ("¥800000", 800_000),
    ("￥800000", 800_000),
    ("８０万", 800_000),
    ("去年质押贷款付了80万利息", 800_000),
    # more ways to write money
    ("1,000,000", 1_000_000),
    ("1,200,000元", 1_200_000),
    ("800000元", 800_000),
    ("80 万", 800_000),
    ("80万人民币", 800_000),
    ("人民币80万元", 800_000),
    ("rmb800000", 800_000),
    ("80万块", 800_000),
    ("500块钱", 500),
    ("一亿二千万", 120_000_000),
    ("1亿2000万", 120_000_000),
    ("3千万", 30_000_000),
    ("5千", 5_000),
    ("十万", 100_000),
    ("十五万", 150_000),
    ("一千零五十万", 10_500_000),
    ("一万五", 15_000),  # spoken shorthand for 一万五千
    ("1万5", 15_000),
    ("三千五", 3_500),
    ("1万5000", 15_000),
    ("一点五亿", 150_000_000),
    ("一万零七百八十一亿", 1_078_100_000_000),  # 万 inside the 亿 multiplier
    ("合同金额1,234,567.89元", 1_234_568),
    ("20万/年", 200_000),
    ("100万以上", 1_000_000),
    ("大概100来万", 1_000_000),
    ("十二点五万", 125_000),
    ("壹佰万元", 1_000_000),  # financial numerals on invoices
    ("贰拾万", 200_000),
    ("80多万", 800_000),  # approximate: the lower bound
    ("一百多万", 1_000_000),
    ("3000余元", 3_000),
    ("1.5m", 1_500_000),
    ("2bn", 2_000_000_000),
    ("5 thousand", 5_000),
    ("12.6元", 13),  # rounded to whole yuan
    ("500", 500),  # a bare number is accepted when it is the whole answer
    ("三百", 300),
    ("大约三百", 300),
    ("一共三百万", 3_000_000),
    ("约80万吧", 800_000),
    ("利息是0", 0),
    ("付了500", 500),  # one plain number in a sentence
    ("2023年付了80万利息", 800_000),  # the year is not money
    ("80万，即800000元", 800_000),  # the same amount twice
    ("5000万一年", 50_000_000),  # 一年 is "one year", not part of the number
    ("80万分两期支付", 800_000),  # 分 is the verb "split" here
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_parse_amount(text: str, expected: int) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "你好",
        "天气怎么样",
        "没有",
        "abc",
        "万",
        "千万不要忘记",  # 千万 = "by all means"
        "万一",  # "in case"
        "-5万",
        "−5万",
        "负五万",
        "亏损-80万",
        "2023年",
        "50%",
        "百分之五十",
        "3个项目",
        "第2期",
        "第二期",
        "2023-05-01",
        "2023/5/1",
        "2023.5.1",
        "5月1日",
        "12:30",
        "下午三点",
        "90分",
        "五成",
        "5万人",
        "3 years",
        "2nd",
        "邮编050000",  # zip code
        "电话13812345678",  # phone number
        "ISO 9001",
        "GB/T 29490-2013",
        "贷款500万，利息30万",  # two different amounts: ambiguous
        "50-100万",  # a range is not one amount
        "1" * 40,  # digit runs too long to be money
    ],
)
def test_parse_amount_none(text: str) -> None:
    assert parse_amount(text) is None


# ---------------------------------------------------------------------------
# find_amounts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两期分别融资5000万和1.2亿", [50_000_000, 120_000_000]),
        ("5000万，1.2亿", [50_000_000, 120_000_000]),
        ("去年质押贷款付了80万利息", [800_000]),
        ("2023年融资3000万，其中50%用于研发", [30_000_000]),
        ("共3个项目，总计800000元", [800_000]),
        ("第2期贷款500万", [5_000_000]),
        ("2023年5月1日获得贷款1000万", [10_000_000]),
        ("2022-2023年两年共200万", [2_000_000]),
        ("补贴50-100万", [500_000, 1_000_000]),  # the range borrows 万 from its right end
        ("费用5000-8000元", [5_000, 8_000]),
        ("800000", [800_000]),  # bare numbers count from 1000 upwards
        ("支付1500", [1_500]),
        ("支付500", []),
        ("支付500元", [500]),  # ... or with a currency word
        ("¥500", [500]),
        ("3个项目", []),
        ("第2期", []),
        ("2023年", []),
        ("50%", []),
        ("2023-05-01", []),
        ("5万人参加", []),  # a count, even with 万
        ("一万五千元和三千五", [15_000, 3_500]),
        ("80w和300k", [800_000, 300_000]),
        ("五千万元", [50_000_000]),
        ("500万，利息30万", [5_000_000, 300_000]),
        ("5000,8000", [5_000, 8_000]),  # a first group of 4 digits is not thousands grouping
        ("5000万1.2亿", [50_000_000, 120_000_000]),  # no separator, still two amounts
        ("一年利息80万，担保费5万", [800_000, 50_000]),
        ("2件专利各奖5000元", [5_000]),
        ("千万不要", []),
        ("你好", []),
        ("", []),
        ("-5万", []),
        ("十几万", []),  # too vague to be a number
        ("几百万", []),
    ],
)
def test_find_amounts(text: str, expected: list[int]) -> None:
    assert find_amounts(text) == expected


# ---------------------------------------------------------------------------
# parse_number_list
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000万，1.2亿", [50_000_000, 120_000_000]),
        ("5000万,1.2亿", [50_000_000, 120_000_000]),
        ("5000万、1.2亿", [50_000_000, 120_000_000]),
        ("5000万；1.2亿", [50_000_000, 120_000_000]),
        ("5000万/1.2亿", [50_000_000, 120_000_000]),
        ("5000万和1.2亿", [50_000_000, 120_000_000]),
        ("5000万 1.2亿", [50_000_000, 120_000_000]),
        ("80万", [800_000]),
        ("800,000", [800_000]),  # thousands grouping is not a list
        ("500，800", [500, 800]),  # the full-width comma always separates
        ("三百万、五百万", [3_000_000, 5_000_000]),
        ("三百、五百", [300, 500]),
        ("分别是5000万和1.2亿", [50_000_000, 120_000_000]),
        ("两期分别融资5000万和1.2亿", [50_000_000, 120_000_000]),  # a sentence: its amounts
        ("没有", []),
        ("无", []),
        ("0", []),
        ("零", []),
        ("none", []),
        ("你好", None),
        ("天气怎么样", None),
        ("", None),
        ("3个项目", None),
    ],
)
def test_parse_number_list(text: str, expected: list[int] | None) -> None:
    assert parse_number_list(text) == expected


# ---------------------------------------------------------------------------
# yes / no / unknown
# ---------------------------------------------------------------------------

YES = [
    "是", "是的", "有", "有的", "对", "对的", "嗯", "好", "是滴", "当然", "已经", "已取得",
    "yes", "y", "yep", "true", "1", "YES", "Yes.", "是的！", "有啊", "对啊", "没错", "没问题",
    "是的，我们有两项", "有专利", "已取得证书", "已经获得了", "嗯嗯", "ok",
]  # fmt: skip
NO = [
    "否", "不是", "没有", "没", "无", "不", "没呢", "还没有", "暂无", "no", "n", "nope",
    "false", "0", "NO", "No, we do not", "没有专利", "不是高新企业", "还没呢", "尚未取得",
    "没有，还在申请", "沒有", "無",
]  # fmt: skip
NEITHER = [
    "不确定", "不知道", "不清楚", "你好", "天气怎么样", "有没有", "是不是", "是否需要",
    "已经没有了", "2", "", "   ", "maybe", "不过我想问一下", "无论如何",
]  # fmt: skip


@pytest.mark.parametrize("text", YES)
def test_parse_yes_no_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", NO)
def test_parse_yes_no_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", NEITHER)
def test_parse_yes_no_neither(text: str) -> None:
    assert parse_yes_no(text) is None


UNKNOWN = [
    "不确定", "不知道", "不清楚", "跳过", "不晓得", "说不好", "skip", "not sure",
    "don't know", "don\u2019t know", "I don't know", "dunno", "?", "？", "??",
    "我也不太清楚", "Not Sure", "不好说", "不记得了",
]  # fmt: skip
KNOWN = ["是", "没有", "80万", "银奖", "no", "有没有?", "", "知道", "skipper"]


@pytest.mark.parametrize("text", UNKNOWN)
def test_is_unknown_answer(text: str) -> None:
    assert is_unknown_answer(text) is True


@pytest.mark.parametrize("text", KNOWN)
def test_is_not_unknown_answer(text: str) -> None:
    assert is_unknown_answer(text) is False


# ---------------------------------------------------------------------------
# parse_choice
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("金奖", "gold"),  # exact label
        ("gold", "gold"),  # exact id
        ("GOLD", "gold"),
        ("  Silver ", "silver"),
        ("ｇｏｌｄ", "gold"),  # full-width
        ("银奖", "silver"),
        ("銀奖", "silver"),  # traditional 銀, folded by normalize
        ("銀獎", "silver"),
        ("我们拿了银奖", "silver"),  # label inside the answer
        ("去年获得了优秀奖", "excellent"),
        ("sliver", "silver"),  # typo, fuzzy
        ("excelent", "excellent"),
        ("优秀", "excellent"),  # answer inside a label
        ("1", "gold"),  # 1-based option number
        ("2", "silver"),
        ("4", "none"),
        ("没有", "none"),
        ("无", "none"),
        ("我们没有获奖", "none"),
        ("你好", None),
        ("天气怎么样", None),
        ("", None),
        ("5", None),  # out of range
        ("0", None),
        ("奖", None),  # too short to tell
        ("铜奖", None),  # similar to every option, closest to none
        ("金奖和银奖", None),  # ambiguous
        ("没拿到金奖", None),  # a negated mention is not a choice
        ("not gold", None),
    ],
)
def test_parse_choice_awards(text: str, expected: str | None) -> None:
    assert parse_choice(text, AWARDS, negation=LEX.negation) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("生物医药", "biomedicine_health"),  # prefix of 生物医药健康
        ("生物医疗", "biomedicine_health"),  # fuzzy
        ("医药健康", "biomedicine_health"),
        ("我们是做软件的", "next_gen_it"),
        ("we make software", "next_gen_it"),
        ("we make sofware", "next_gen_it"),  # typo inside a sentence
        ("IT", "next_gen_it"),
        ("新材料", "other"),
        ("装备", "advanced_equipment"),
        ("3", "advanced_equipment"),
        ("item", None),  # "it" only as a whole word
        ("你好", None),
        ("天气怎么样", None),
        ("机器人", None),
        ("not medical", None),
    ],
)
def test_parse_choice_industries(text: str, expected: str | None) -> None:
    assert parse_choice(text, INDUSTRIES, negation=LEX.negation) == expected


def test_parse_choice_number_only_when_whole_text() -> None:
    assert parse_choice("第2个", AWARDS, negation=LEX.negation) is None
    assert parse_choice("2个", AWARDS, negation=LEX.negation) is None
    assert parse_choice("２", AWARDS, negation=LEX.negation) == "silver"  # full-width digit is still the number


def test_parse_choice_label_wins_over_number() -> None:
    options = {"a": ["2"], "b": ["其他"]}
    assert parse_choice("2", options, negation=LEX.negation) == "a"


def test_parse_choice_longest_label_wins() -> None:
    options = {"patent": ["专利"], "patent_gold": ["专利金奖"]}
    assert parse_choice("我们有专利金奖", options, negation=LEX.negation) == "patent_gold"


def test_parse_choice_tolerates_string_aliases_and_empty_options() -> None:
    assert parse_choice("金奖", {"gold": "金奖", "silver": "银奖"}, negation=LEX.negation) == "gold"
    assert parse_choice("金奖", {}, negation=LEX.negation) is None
    assert parse_choice("金奖", {"": []}, negation=LEX.negation) is None


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@PROPERTY
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_agree_with_cn2an(n: int) -> None:
    numeral = cn2an.an2cn(n)
    assert parse_amount(numeral) == n
    assert parse_amount(numeral + "元") == n


@PROPERTY
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_financial_numerals_agree_with_cn2an(n: int) -> None:
    assert parse_amount(cn2an.an2cn(n, "up")) == n  # 壹佰贰拾万 as on invoices


@PROPERTY
@given(st.integers(min_value=0, max_value=10**14))
def test_arabic_round_trips(n: int) -> None:
    # 11+ bare digits read as a phone number or id; grouped or with 元 they are money.
    assert parse_amount(str(n)) == (n if n < 10**10 else None)
    assert parse_amount(f"{n:,}") == n
    assert parse_amount(f"{n}元") == n
    assert parse_amount(f"¥{n}") == n


@PROPERTY
@given(st.integers(min_value=1, max_value=99_999), st.integers(min_value=0, max_value=99))
def test_wan_with_decimals(whole: int, hundredths: int) -> None:
    text = f"{whole}.{hundredths:02d}万"
    assert parse_amount(text) == whole * 10_000 + hundredths * 100


@PROPERTY
@given(
    st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=6),
    st.sampled_from(["，", "、", "；", " ", "和", " / ", ", "]),
)
def test_lists_of_wan_amounts(values: list[int], separator: str) -> None:
    text = separator.join(f"{v}万" for v in values)
    expected = [v * 10_000 for v in values]
    assert parse_number_list(text) == expected
    assert find_amounts(text) == expected


@PROPERTY
@given(mixed_text)
def test_parsers_never_raise(text: str) -> None:
    amount = parse_amount(text)
    assert amount is None or (isinstance(amount, int) and amount >= 0)
    amounts = find_amounts(text)
    assert all(isinstance(a, int) and a >= 0 for a in amounts)
    values = parse_number_list(text)
    assert values is None or all(v >= 0 for v in values)
    assert parse_yes_no(text) in (True, False, None)
    assert isinstance(is_unknown_answer(text), bool)
    assert parse_choice(text, AWARDS, negation=LEX.negation) in (None, *AWARDS)
    assert parse_choice(text, INDUSTRIES, negation=LEX.negation) in (None, *INDUSTRIES)


@PROPERTY
@given(mixed_text)
def test_unknown_answers_are_never_yes_or_no(text: str) -> None:
    if is_unknown_answer(text):
        assert parse_yes_no(text) is None


@PROPERTY
@given(mixed_text)
def test_parse_amount_is_one_of_the_found_amounts(text: str) -> None:
    found = find_amounts(text)
    amount = parse_amount(text)
    if found:
        assert amount == (found[0] if len(set(found)) == 1 else None)


# ---------------------------------------------------------------------------
# Long and hostile input: linear time, no catastrophic backtracking
# ---------------------------------------------------------------------------

SHORT, LONG = 2_000, 20_000
# Ten times the text may cost at most this many times the time: linear is 10, quadratic 100. The
# best of three runs is compared, so a busy machine does not make the test fail.
MAX_GROWTH = 40.0

ALL_PARSERS: list[Callable[[str], object]] = [
    parse_amount,
    find_amounts,
    parse_number_list,
    parse_yes_no,
    is_unknown_answer,
    lambda text: parse_choice(text, AWARDS, negation=LEX.negation),
    lambda text: parse_choice(text, INDUSTRIES, negation=LEX.negation),
    lambda text: understand(KB, text[:4000]),
]


def _best_time(text: str, reps: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(reps):
            for parser in ALL_PARSERS:
                parser(text)
        best = min(best, time.perf_counter() - start)
    return best


def _growth(unit: str) -> float:
    short = (unit * (SHORT // len(unit) + 1))[:SHORT]
    long = (unit * (LONG // len(unit) + 1))[:LONG]
    reps = 1
    while _best_time(short, reps) < 0.005 and reps < 64:  # time enough calls that noise does not dominate
        reps *= 4
    return _best_time(long, reps) / _best_time(short, reps)


@pytest.mark.parametrize(
    "unit",
    ["1", "1,", "1,0000", "1,000", "1.", "一", "十", "万", "一万", "1-", "1 ", "1多", "一千零", "没金奖", "?", "😀",
     "\x00\x1f\x7f", " ", "贷了800万，利息一年40来万。", "注册在衡水石家庄有分公司"],
    ids=repr,
)
def test_pathological_input_grows_linearly(unit: str) -> None:
    assert _growth(unit) < MAX_GROWTH


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.sampled_from(DOMAIN_CHARS) | st.characters(), min_size=1, max_size=20))
def test_long_random_text_grows_linearly(seed: str) -> None:
    assert _growth(seed) < MAX_GROWTH


@pytest.mark.parametrize("text", ["不是很确定", "不太清楚", "不大记得了", "我不是太确定"])
def test_hedged_dont_know_is_unknown_not_no(text: str) -> None:
    assert is_unknown_answer(text)


@pytest.mark.parametrize("text", ["50万美元", "$800,000", "80万港币", "2 million USD"])
def test_foreign_currency_is_not_taken_as_yuan(text: str) -> None:
    assert parse_amount(text) is None
    assert find_amounts(text) == []
