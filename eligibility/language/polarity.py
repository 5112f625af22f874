"""Yes, no, "not sure", "none" and the user's own hedges, from the one lexicon of each."""

from __future__ import annotations

from eligibility.language.clauses import prepared, split
from eligibility.language.lexicon import Lexicon

_DONE_MAX = 6


def core(lex: Lexicon, s: str) -> str:
    """The message without trailing particles and punctuation ("是的呀~" -> "是")."""
    return s.strip(" ,;.!?~。、…").rstrip(lex.particles).strip()


def is_unknown(lex: Lexicon, s: str) -> bool:
    """The user does not know or skips ("不确定", "不太清楚", "跳过", "?")."""
    if s and not s.replace("?", "").strip():
        return True
    return lex.unknown.search(s) is not None


def hedged(lex: Lexicon, s: str) -> bool:
    return lex.hedge_re.search(s) is not None


def _without_hedges(lex: Lexicon, s: str) -> str:
    return lex.hedge_re.sub("", s).strip()


_CHAIN_MAX, _WORD_MAX = 12, 4


def _chain(word: str, words: frozenset[str]) -> bool:
    """``word`` is nothing but words of ``words`` one after another ("对对对", "没错没错", "嗯嗯对的")."""
    if not word or len(word) > _CHAIN_MAX or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    ends = {0}
    for i in range(1, len(word) + 1):
        if any(i - k in ends and word[i - k : i] in words for k in range(1, min(_WORD_MAX, i) + 1)):
            ends.add(i)
    return len(word) in ends


def _lookup(lex: Lexicon, word: str) -> bool | None:
    for w in (word, core(lex, word)):
        if w in lex.yes:
            return True
        if w in lex.no:
            return False
    w = core(lex, word).replace(" ", "")
    yes, no = _chain(w, lex.yes), _chain(w, lex.no)
    if yes != no:
        return yes  # "对对对", "没错没错": a yes said twice is a yes; "是不是" is neither
    return None


def yes_no(lex: Lexicon, s: str, head: str) -> bool | None:
    """Yes/no of a message ``s`` whose first clause is ``head``; None when neither or unsure.

    Whole-answer words first ("没错" is yes though it starts with 没), then the first clause, then the
    same without the user's hedges ("应该注册了吧" -> "注册了"), then a leading negation ("没有专利")
    or affirmation ("已取得证书"); an affirmation that also negates ("已经没有了") is None.
    """
    if not s or is_unknown(lex, s):
        return None
    leading = [head[len(h):] for h in lex.hedges if head.startswith(h) and len(head) > len(h)]
    for candidate in (s, head, *leading, _without_hedges(lex, head)):
        found = _lookup(lex, candidate)
        if found is not None:
            return found
    bare = _without_hedges(lex, head) or head
    if bare.startswith(lex.not_negations) or bare.startswith(lex.question_prefixes):
        return None
    if bare.startswith(lex.neg_prefixes):
        return False
    if bare.startswith(lex.yes_prefixes) and not negates(lex, bare):
        return True
    if _done(bare) and not negates(lex, bare) and not any(w in bare for w in lex.correction_words):
        return True  # "设了", "备案了", "批下来了": a short "done" is a yes; "答错了", "选错了" are no yes
    return None


def negates(lex: Lexicon, s: str) -> bool:
    """Any one-character negation of the lexicon in ``s`` ("已经没有了" affirms and negates), or an English
    one as a word ("we are not")."""
    return not lex.negation_chars.isdisjoint(s) or lex.negation_words.search(s) is not None


def _done(s: str) -> bool:
    c = s.rstrip(" .!~。啊呀哈")
    return c.endswith("了") and 2 <= len(c) <= _DONE_MAX


def is_none(lex: Lexicon, s: str) -> bool:
    """"None of these" ("都没有", "none") as a whole clause."""
    return core(lex, s) in lex.none or s in lex.none


def read_yes_no(lex: Lexicon, text: str) -> bool | None:
    """Yes/no of a raw message (normalised and cut into clauses here)."""
    s, cased = prepared(text)
    clauses = split(lex, s, cased)
    return yes_no(lex, s, clauses[0].s if clauses else s)


def read_unknown(lex: Lexicon, text: str) -> bool:
    return is_unknown(lex, prepared(text)[0])
