"""Unanswered questions as staff may read them: digits and names masked, before anything is stored.

Staff need the words ("风补", "专利池", "商标被抢注怎么办") to extend the vocabulary and the out-of-scope
list, not who asked or their figures: every digit becomes ＊, e-mail addresses and web links are dropped,
organisation names (…有限公司, …研究院, …事务所) become 某公司 / 某研究院 / …, and a person's name after
我叫 / 我是 / 联系人 / 姓名 becomes 某某.
"""

from __future__ import annotations

import re
from typing import Final

MAX_CHARS: Final = 300

_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL: Final = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_DIGITS: Final = re.compile(r"[0-9０-９]")
_ORG: Final = re.compile(
    r"[\u4e00-\u9fffA-Za-z（）()]{2,24}?(股份有限公司|有限责任公司|有限公司|公司|集团|研究院|研究所|事务所|大学|学院|协会|商会)")
_PERSON: Final = re.compile(r"(我叫|我是|本人|联系人|姓名|名字是)[:：]?\s*[\u4e00-\u9fff]{2,4}")
_LATIN_NAME: Final = re.compile(r"\b(?:my name is|i am|i'm|this is)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?", re.IGNORECASE)


def mask_question(text: str) -> str:
    s = " ".join(text.split())[:MAX_CHARS]
    s = _EMAIL.sub("[email]", s)
    s = _URL.sub("[link]", s)
    s = _PERSON.sub(lambda m: f"{m[1]}某某", s)
    s = _LATIN_NAME.sub(lambda m: m[0].split()[0] + " … [name]", s)
    s = _ORG.sub(lambda m: f"某{m[1]}", s)
    return _DIGITS.sub("＊", s)
