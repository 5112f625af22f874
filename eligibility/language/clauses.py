"""A message cut into clauses, each with its vocabulary hits: facts are read clause by clause.

"都没有，但我们有商标品牌指导站" is two clauses; a negation or a cue only reaches within its clause.
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.language.lexicon import Lexicon
from eligibility.language.terms import Hit
from eligibility.normalize import normalize
from eligibility.parsing import looks_like_question

# Concept kinds a negation or client cue applies to (the rest are cue words).
CONCEPTS = frozenset({"mention", "option", "applicant", "city", "inside", "outside"})


@dataclass(frozen=True)
class Clause:
    s: str  # normalised
    cased: str  # the same, ASCII case kept
    hits: tuple[Hit, ...]
    question: bool = False  # the clause asks something

    def negated(self, hit: Hit) -> bool:
        """A negation just before the hit ("没有马德里"), or after it at the clause's end ("马德里还没有")."""
        for h in self.hits:
            if not h.has("neg"):
                continue
            if h.end <= hit.start and hit.start - h.end <= 6:
                return True
            if h.start >= hit.end and h.start - hit.end <= 4 and not any(
                    k.start >= h.end and any(t.kind in CONCEPTS for t in k.tags) for k in self.hits):
                return True
        return False

    def asked_about(self, hit: Hit) -> bool:
        """After "想了解", "问", "有没有", "是否": what follows is asked about, whatever the clause."""
        return any((h.has("topic") or h.has("question")) and h.end <= hit.start for h in self.hits)

    def topic(self, hit: Hit) -> bool:
        """The hit is what the user asks about ("想了解贯标补贴", "有没有马德里的补贴", "马德里注册能补多少？").

        In a question a mention is a topic unless the clause states it before ("我们拿了银奖能补多少")."""
        before = [h for h in self.hits if h.end <= hit.start]
        if any(h.has("topic") or h.has("question") for h in before):
            return True
        return self.question and not any(h.has("achieved") for h in before)

    def about_clients(self, hit: Hit) -> bool:
        """The hit describes the applicant's clients ("主要给小微企业做维权"), not the applicant."""
        for h in self.hits:
            if h.has("client") and h.end <= hit.start and hit.start - h.end <= 4:
                between = [k for k in self.hits if h.end <= k.start and k.end <= hit.start]
                if not any(k.has("self") or any(t.kind in CONCEPTS for t in k.tags) for k in between):
                    return True
        return False

    def kinds(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.has(kind)]


def prepared(text: str) -> tuple[str, str]:
    """The message normalised (and with ASCII case kept); the full-width comma becomes a clause break."""
    raw = text.replace("，", ";").replace("﹐", ";")
    return normalize(raw), normalize(raw, lower=False)


def split(lex: Lexicon, s: str, cased: str) -> list[Clause]:
    out: list[Clause] = []
    pos = 0
    bounds = [(m.start(), m.end()) for m in lex.clause_split.finditer(s)] + [(len(s), len(s))]
    for start, end in bounds:
        a, b = pos, start
        pos = end
        piece, piece_cased = s[a:b], cased[a:b]
        lead = len(piece) - len(piece.lstrip())
        piece, piece_cased = piece.strip(), piece_cased[lead:lead + len(piece.strip())]
        if piece:
            asks = looks_like_question(piece) or (end > start and "?" in s[start:end])
            out.append(Clause(piece, piece_cased, tuple(lex.index.scan(piece, piece_cased)), asks))
    return out
