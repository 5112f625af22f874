"""Sentences of an answer as a person writes them: one end each, a name mid-sentence in lower case, nothing
said twice. Plain functions of text and language, shared by the chat card, the paste and the verdict."""

from __future__ import annotations

import re

from knowledge.models import Lang


def without_title(summary: str, title: str) -> str:
    """A summary after its title, without a heading of its own that the title already says ("Interest
    subsidy on IP pledge loans: IP pledge loans: 50% of …" -> "…: 50% of …")."""
    head = re.match(r"([^:：，,。.]{3,60})[:：]\s*", summary)
    if head and head.group(1).strip().lower() in title.lower() and head.end() < len(summary):
        return summary[head.end():]
    return summary


def listed(items: list[str], lang: Lang) -> list[str]:
    """Items of an English list after its first: "Enterprise, university, research institute"."""
    return items if lang == "zh" else items[:1] + [mid_sentence(x) for x in items[1:]]


def mid_sentence(name: str) -> str:
    """An English label inside a sentence: "University" -> "university"; "IP, legal ..." keeps its acronym."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def place_name(place: str) -> str:
    """A place as written, an English name capitalised ("beijing" -> "Beijing", "xi'an" -> "Xi'an")."""
    if place.isascii():
        return " ".join(w[:1].upper() + w[1:] for w in place.split(" "))
    return place


def shown(value: object) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def sentence(s: str, lang: Lang) -> str:
    s = s.rstrip()
    if lang == "zh":
        return s if s.endswith(("。", "！", "？")) else s.rstrip("，；") + "。"
    return s if s.endswith((".", "!", "?")) else s + "."


def after_comma(s: str, proper: frozenset[str] = frozenset()) -> str:
    """"Under the city's IP policy, how and when …": an English word after the comma is not capitalised
    (an acronym such as "IP", or a name such as "China" in ``proper``, is kept)."""
    first = re.match(r"[A-Za-z]+", s)
    if first and len(s) > 1 and s[0].isupper() and s[1].islower() and first.group(0) not in proper:
        return s[0].lower() + s[1:]
    return s


_SENTENCE_END = {"zh": re.compile(r"(?<=[。！？])"), "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"])")}
_CLAUSE_SEP = {"zh": "，", "en": ", "}
_MIN_CLAUSE = {"zh": 4, "en": 16}  # shorter clauses ("每个", "each") may well recur with a meaning of their own
_OPENS, _CLOSES = "（(“「《[", "）)”」》]"


def clauses(body: str, sep: str) -> list[str]:
    """A sentence's clauses at ``sep``, none cut inside brackets or quotes ("（有效期按“自发布之日起实施，有效期5年”
    估算，以实际发布日期为准）" is one clause of its sentence, so that cutting a repeated clause never leaves a
    bracket or a quote open)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(body):
        ch = body[i]
        if ch in _OPENS:
            depth += 1
        elif ch in _CLOSES:
            depth = max(0, depth - 1)
        elif depth == 0 and body.startswith(sep, i):
            out.append(body[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    return [*out, body[start:]]


def once(pieces: list[str], lang: Lang) -> list[str]:
    """No sentence said twice in a paste, and no clause of one repeated from an earlier sentence ("每年择优5个
    项目" in the verdict, then in the provision's summary): a repeated sentence is dropped, a repeated clause
    is cut from its sentence; a sentence's first clause (its subject, a heading) always stays."""
    said: set[str] = set()
    sentences: set[str] = set()
    out: list[str] = []
    sep = _CLAUSE_SEP[lang]
    for piece in pieces:
        kept_sentences = []
        for sentence in (x for x in _SENTENCE_END[lang].split(piece) if x.strip()):
            key = sentence.strip()
            if key in sentences:
                continue
            sentences.add(key)
            end = re.search(r"[。！？.!?]$", key)
            body = key[: end.start()] if end else key
            parts = clauses(body, sep)
            kept = parts[:1] + [c for c in parts[1:] if not (len(c.strip()) >= _MIN_CLAUSE[lang]
                                                                  and c.strip() in said)]
            said.update(c.strip() for c in parts)
            if len(kept) < len(parts):
                sentence = sep.join(kept) + (end.group(0) if end else "")
            kept_sentences.append(sentence.strip())
        if kept_sentences:
            out.append(("" if lang == "zh" else " ").join(kept_sentences))
    return out


def tidy(s: str) -> str:
    """One sentence end, not two ("。。", ".."), and no space before Chinese punctuation; an ellipsis ("agencies
    ...") is the text's own and stays."""
    return re.sub(r"(?<!\.)\.\.(?!\.)", ".", re.sub(r"。{2,}", "。", s)).replace(" 。", "。")


def no_doubled_lead(s: str) -> str:
    """"按按月60万…": a template's own "按" before a figure said with its "按" ("按月60万") is said once."""
    return re.sub(r"按(?=按)", "", s)
