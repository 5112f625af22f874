"""What a message asks the bot to do (start the assessment, the menu, a person ...), from intents.yaml."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from eligibility.language.lexicon import Lexicon, sounds
from eligibility.language.polarity import core, negates

_SOUND_MIN_CHARS, _SOUND_MAX_CHARS = 2, 8
_FUZZY_MIN_CHARS, _FUZZY_SCORE, _WORD_SCORE = 5, 80.0, 70.0
_SOCIAL = frozenset({"greeting", "thanks"})
# The commands a dialog takes alongside the facts stated with them ("你好 我们是企业", "开始吧，我们是高校"): a
# greeting, thanks, the start of the assessment or of a question; any other command ("上一题", "菜单") would
# drop the facts, so it is read only from a message that states none.
_WITH_FACTS = frozenset({"greeting", "thanks", "assess", "ask"})
_CLAUSE = re.compile(r"[;,.!?~。、…]+")
_MAX_CONTAINS = 30  # a longer message is about something else, even if it says "测评"
_MAX_CONTAINS_ASCII = 60  # English takes about twice the characters ("I want to check what subsidies we can get")
_MAX_KEYWORD, _MAX_KEYWORD_ASCII = 10, 32
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = re.compile(r"[;,.!?~。、…]+ ?")  # "好，开始" and "你好，在吗" are one command


def _trimmed(lex: Lexicon, c: str) -> list[str]:
    """The message without polite fillers at either end ("我想测评一下吧" -> "测评")."""
    out = [c]
    for _ in range(3):
        nxt = c
        for w in lex.filler_start:
            if nxt.startswith(w) and len(nxt) > len(w):
                nxt = nxt[len(w):].strip()
                break
        for w in lex.filler_end:
            if nxt.endswith(w) and len(nxt) > len(w):
                nxt = core(lex, nxt[: -len(w)])
                break
        if nxt == c:
            break
        c = nxt
        out.append(c)
    return out


def _exact(lex: Lexicon, s: str) -> str | None:
    c = core(lex, _PUNCT.sub(lambda m: " " if m.group().strip(" ") == "" else "", s)).strip()
    return next((lex.intents_exact[x] for x in (s.strip(), *_trimmed(lex, c)) if x in lex.intents_exact), None)


def _by_clause(lex: Lexicon, s: str) -> str | None:
    """A command in one clause of a message that states nothing ("你好，我想测评一下", "不测了，谢谢",
    "谢谢，很有帮助"): a greeting or thanks gives way to the one other command; two commands, none."""
    parts = _parts(s)
    if len(parts) < 2:
        return None
    found = [_exact(lex, p) or (_contained(lex, p) if len(p) <= _MAX_CONTAINS else None) for p in parts]
    commands = {f for f in found if f is not None and f not in _SOCIAL}
    if commands:
        return commands.pop() if len(commands) == 1 else None
    social = {f for f in found if f is not None}
    short = all(f is not None or _short(core(lex, p)) for p, f in zip(parts, found, strict=True))
    return social.pop() if len(social) == 1 and short else None


def _beside_facts(lex: Lexicon, s: str) -> str | None:
    """A greeting, thanks or start typed as a clause of its own beside the facts stated ("你好 我们是企业",
    "谢谢，我们公司在桥西区注册的", "开始吧，我们是高校"): that one command, at the message's start or end."""
    parts = _parts(s)
    if len(parts) < 2:
        return None
    ends = {_exact(lex, parts[0]), _exact(lex, parts[-1])} - {None}
    inner = {_exact(lex, p) for p in parts[1:-1]} - {None}
    if len(ends) == 1 and not inner:
        found = ends.pop()
        if found == "assess" and any(p.rstrip(" ,;.!?~。、…").endswith("了") for p in (parts[0], parts[-1])):
            return None  # "开始了，我们去年开始出口": what has begun, not a start asked for
        return found if found in _WITH_FACTS else None
    return None


def _parts(s: str) -> list[str]:
    # Chinese typed on a phone puts a space where a comma goes ("算了 不弄了", "你好 有人工吗").
    return [q for p in _CLAUSE.split(s) for q in (p.split() if _CJK.search(p) else [p.strip()]) if q]


def intent_of(lex: Lexicon, s: str, *, plain: bool = False, quiet: bool = False, untopical: bool = False,
              stated: bool = False) -> str | None:
    """The intent of the whole message; None when it asks or states something else.

    ``plain``: the message asks nothing and states no fact or figure; then broad keywords count too.
    ``quiet``: it states no fact or figure (it may ask: "您好，请问怎么测评"); then a clause may be a command.
    ``untopical``: it names no benefit's fact and no figure (it may say who the applicant is); then a long
    message's one command phrase in a short clause counts ("您好，我是一家企业的工作人员，想先看看我们能申请哪些
    补贴，应该怎么操作？").
    ``stated``: it states facts and asks nothing; then a greeting, thanks or start in a clause of its own counts."""
    c = core(lex, _PUNCT.sub(lambda m: " " if m.group().strip(" ") == "" else "", s)).strip()
    found = _exact(lex, s)
    if found is not None:
        return found
    if quiet or plain:
        found = _by_clause(lex, s)
        if found is not None:
            return found
    if plain:
        typed = _mistyped(lex, _trimmed(lex, c))
        if typed is not None:
            return typed
    long = len(c) > (_MAX_CONTAINS_ASCII if c.isascii() else _MAX_CONTAINS)
    if not long:
        found = _contained(lex, s)
        if found == "assess" and not untopical:
            found = None  # "金奖能拿多少钱？" asks what one benefit pays: a question to answer, not the assessment
        if found not in _WITH_FACTS and not quiet:
            found = None  # "等下，上一个答错了，我们是中小企业": the fact is the answer; no command drops it
        if found is not None and (quiet or found not in _SOCIAL):
            return found  # "谢谢你的帮助，利息80万能补多少" asks about the interest: no thanks to answer alone
        for word in lex.intent_except:
            c = c.replace(word, " ")
        if plain and _short(c):
            for word, intent in lex.intents_keywords:
                # "菜单上没有我们的行业", "没有英文名字": a broad word in a denial commands nothing
                if _has_word(c, word) and (negates(lex, word) or not negates(lex, c)):
                    return intent
    if stated:
        found = _beside_facts(lex, s)
        if found is not None:
            return found
    if long and untopical:
        found_in = {_contained(lex, p) for p in _CLAUSE.split(s) if p.strip() and len(p.strip()) <= _MAX_CONTAINS}
        commands = found_in - {None} - _SOCIAL
        if len(commands) == 1:
            return commands.pop()
    return None


def _contained(lex: Lexicon, s: str) -> str | None:
    """The first intent one of whose ``contains`` phrases is in the message, trailing particles kept ("我不想测了"
    holds "不想测了") and words of ``except`` taken out first ("人工智能" asks for no person)."""
    c = _PUNCT.sub(lambda m: " " if m.group().strip(" ") == "" else "", s).strip()
    for word in lex.intent_except:
        c = c.replace(word, " ")
    return next((intent for word, intent in lex.intents_contains if word in c), None)


def _same_words(typed: str, command: str) -> bool:
    """Each word of ``typed`` is a slip of the command's word in its place ("main manu"), never another word
    ("stop the test" is not "start the test")."""
    a, b = typed.split(), command.split()
    return len(a) == len(b) and all(x == y or fuzz.ratio(x, y) >= _WORD_SCORE for x, y in zip(a, b, strict=True))


def _mistyped(lex: Lexicon, candidates: list[str]) -> str | None:
    """A command typed with a typo: a Chinese homophone ("侧评", "才单") or an English slip ("main manu").

    Only for a short message that states and asks nothing (``plain``); a sound or spelling two intents
    share was left out of the lexicon, so this never guesses between two commands."""
    for c in candidates:
        if _SOUND_MIN_CHARS <= len(c) <= _SOUND_MAX_CHARS and all("\u4e00" <= ch <= "\u9fff" for ch in c):
            found = lex.intents_sound.get(sounds(c))
            if found is not None:
                return found
        if c.isascii() and len(c) >= _FUZZY_MIN_CHARS:
            best = max(((fuzz.ratio(c, w), w, i) for w, i in lex.intents_ascii), default=(0.0, "", ""))
            if best[0] >= _FUZZY_SCORE and _same_words(c, best[1]):
                return best[2]
    return None


def _short(c: str) -> bool:
    return len(c) <= (_MAX_KEYWORD_ASCII if c.isascii() else _MAX_KEYWORD)


def _has_word(c: str, word: str) -> bool:
    if not word.isascii():
        return word in c
    return re.search(rf"(?<![a-z]){re.escape(word)}", c) is not None


def exact_intent(lex: Lexicon, s: str) -> bool:
    """The message is nothing but a command ("上一题", "菜单吧", "不测了，算了"): it states no fact."""
    if _exact(lex, s) is not None:
        return True
    parts = _parts(s)
    return len(parts) > 1 and len({_exact(lex, p) for p in parts}) == 1 and _exact(lex, parts[0]) is not None
