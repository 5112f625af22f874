# Frozen copy of eligibility/normalize.py before issue 10: the baseline of bench/understand_bench.py.
"""Text normalisation shared by the answer parsers.

Users type on phones with Chinese IMEs, so the same answer arrives as full-width
("８０万"), traditional ("專利"), mixed-case ("Gold") or with stray spaces. Every
parser compares against ``normalize(text)`` so that it only has to know one form.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["VARIANTS", "normalize"]

#: Traditional/variant characters seen in this domain -> simplified form.
#: Deliberately small and data-like: it covers the policy vocabulary (专利, 质押贷款,
#: 奖补, 知识产权 ...), yes/no words and the financial numerals, not all of Chinese.
VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # policy vocabulary
        "專": "专",
        "權": "权",
        "標": "标",
        "質": "质",
        "貸": "贷",
        "獎": "奖",
        "補": "补",
        "證": "证",
        "識": "识",
        "產": "产",
        "馳": "驰",
        "許": "许",
        "審": "审",
        "請": "请",
        "資": "资",
        "費": "费",
        "項": "项",
        "業": "业",
        "創": "创",
        "術": "术",
        "國": "国",
        "區": "区",
        "縣": "县",
        "級": "级",
        "優": "优",
        "銀": "银",
        "銅": "铜",
        "醫": "医",
        "藥": "药",
        "發": "发",
        "額": "额",
        "單": "单",
        "認": "认",
        "構": "构",
        "機": "机",
        "試": "试",
        "點": "点",
        "們": "们",
        "號": "号",
        "個": "个",
        "對": "对",
        "無": "无",
        "沒": "没",
        "確": "确",
        "經": "经",
        "過": "过",
        "還": "还",
        "際": "际",
        "與": "与",
        "為": "为",
        "書": "书",
        "獲": "获",
        "範": "范",
        "辦": "办",
        "條": "条",
        "數": "数",
        "總": "总",
        "負": "负",
        "歲": "岁",
        # money and numerals
        "億": "亿",
        "萬": "万",
        "圓": "元",
        "塊": "块",
        "錢": "钱",
        "兩": "两",
        "貳": "贰",
        "參": "叁",
        "陸": "陆",
        # typographic punctuation NFKC leaves alone
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)

# Zero-width characters pasted from web pages/WeChat: deleted, not turned into spaces.
_INVISIBLE: Final[str] = "\u200b\u200c\u200d\u2060\ufeff"

_TABLE: Final[dict[int, str | None]] = {
    **{ord(src): dst for src, dst in VARIANTS.items()},
    **{ord(c): None for c in _INVISIBLE},
    **{code: chr(code + 32) for code in range(ord("A"), ord("Z") + 1)},
}


def normalize(text: str) -> str:
    """Return the canonical form every parser matches against.

    NFKC folds full-width digits/letters/punctuation to ASCII, the variant table maps
    traditional characters to simplified, ASCII is lower-cased (non-ASCII case is left
    alone so that no character changes length unexpectedly) and runs of whitespace
    become one space.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return " ".join(folded.split())
