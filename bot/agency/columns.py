"""The columns of a batch sheet: which header is which fact, the ``as_of`` column and the free columns.

A fact's column may be headed by its Chinese question (as the template writes it), its English question,
its label in either language or its id; headers are compared without spaces and with full-width letters
folded, so a retyped header still matches. Any other header is a free column (enterprise name, credit code,
contact ...), copied to the results as it is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from bot.agency.problems import Problem
from knowledge.models import Fact, KnowledgeBase

# The free columns the template offers; any other unmatched header is kept too, and noted.
FREE_COLUMNS: tuple[str, ...] = ("企业名称", "统一社会信用代码", "联系人", "联系电话", "备注")
AS_OF_HEADER = "测评日期 as_of（默认今天）"
_AS_OF_KEYS = frozenset({"as_of", "asof", "测评日期", "评估日期", "date"})

Kind = Literal["fact", "as_of", "free"]


def header_key(text: str) -> str:
    """A header as compared: NFKC (full-width folded), no whitespace, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    header: str
    kind: Kind
    fact: Fact | None = None


@dataclass(frozen=True)
class Layout:
    """What each column of a sheet holds, and what is wrong with the header row (``problems``)."""

    columns: tuple[Column, ...]
    problems: tuple[tuple[str, Problem], ...] = field(default=())  # (column header, what is wrong)

    @property
    def free(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "free")

    @property
    def facts(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "fact")

    @property
    def as_of(self) -> Column | None:
        return next((c for c in self.columns if c.kind == "as_of"), None)


def fact_headers(kb: KnowledgeBase) -> dict[str, Fact]:
    """Every header that names a fact, by its compared form."""
    names: dict[str, Fact] = {}
    for fact in kb.facts.values():
        for name in (fact.id, fact.question.zh, fact.question.en, fact.label.zh, fact.label.en):
            names.setdefault(header_key(name), fact)
    return names


def read_header(kb: KnowledgeBase, cells: tuple[object, ...], names: dict[str, Fact] | None = None) -> Layout:
    names = names if names is not None else fact_headers(kb)
    free_keys = {header_key(h) for h in FREE_COLUMNS}
    columns: list[Column] = []
    problems: list[tuple[str, Problem]] = []
    seen: dict[str, str] = {}
    as_of_seen = False
    for index, raw in enumerate(cells):
        header = "" if raw is None else str(raw).strip()
        if not header:
            continue  # an empty header: the column is not read (nothing to call it in the results)
        key = header_key(header)
        fact = names.get(key)
        if fact is not None:
            if fact.id in seen:
                problems.append((header, Problem("dup_column", header, fact.id, seen[fact.id])))
                continue
            seen[fact.id] = header
            columns.append(Column(index, header, "fact", fact))
        elif key in _AS_OF_KEYS or key.startswith(("测评日期", "as_of")):
            if as_of_seen:
                problems.append((header, Problem("dup_as_of", header)))
                continue
            as_of_seen = True
            columns.append(Column(index, header, "as_of"))
        else:
            if key not in free_keys:
                problems.append((header, Problem("free_column", header)))
            columns.append(Column(index, header, "free"))
    return Layout(tuple(columns), tuple(problems))
