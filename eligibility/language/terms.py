"""Find every vocabulary term in a clause in one left-to-right pass (longest term at each position).

Terms are grouped by first character, so a position costs a dict lookup and a few ``startswith``
checks: linear in the text, whatever the size of the vocabulary. ASCII terms match whole words
only; a term written in capitals in the vocabulary ("IT", "GI") matches only as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eligibility.normalize import normalize


@dataclass(frozen=True, slots=True)
class Tag:
    """What a term means: ``kind`` (mention, option, cue, negation ...) and the fact/option/name it names."""

    kind: str
    key: str = ""
    value: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    term: str
    tags: tuple[Tag, ...]

    def has(self, kind: str) -> bool:
        return any(t.kind == kind for t in self.tags)

    def of(self, kind: str) -> list[Tag]:
        return [t for t in self.tags if t.kind == kind]


def _word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class TermIndex:
    def __init__(self, entries: Iterable[tuple[str, Tag]]) -> None:
        tags: dict[str, list[Tag]] = {}
        cased: dict[str, str] = {}
        for raw, tag in entries:
            term = normalize(raw)
            if not term:
                continue
            if raw.isascii() and raw.isupper() and len(raw) >= 2:
                cased[term] = normalize(raw, lower=False)
            bucket = tags.setdefault(term, [])
            if tag not in bucket:
                bucket.append(tag)
        self._cased = cased
        self._tags = {t: tuple(v) for t, v in tags.items()}
        first: dict[str, list[str]] = {}
        for term in self._tags:
            first.setdefault(term[0], []).append(term)
        self._first = {c: sorted(ts, key=len, reverse=True) for c, ts in first.items()}

    def scan(self, s: str, cased: str) -> list[Hit]:
        """Non-overlapping hits, the longest term winning at each position (``cased`` is ``s`` un-lowered)."""
        hits: list[Hit] = []
        i, n = 0, len(s)
        while i < n:
            found = None
            for term in self._first.get(s[i], ()):
                if not s.startswith(term, i):
                    continue
                end = i + len(term)
                if _word(term[0]) and i > 0 and _word(s[i - 1]):
                    continue
                if _word(term[-1]) and end < n and _word(s[end]):
                    continue
                exact = self._cased.get(term)
                if exact is not None and not cased.startswith(exact, i):
                    continue
                found = Hit(i, end, term, self._tags[term])
                break
            if found is None:
                i += 1
            else:
                hits.append(found)
                i = found.end
        return hits
