"""What is wrong with a cell or a header, as data; worded in the workbook's language when it is written.

The engine's own ProfileError texts (a negative or implausible amount) are English; they are quoted as the
detail of an ``invalid`` problem rather than reworded here, so there stays one source for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.present.i18n import Catalog
from knowledge.models import KnowledgeBase, Lang


@dataclass(frozen=True, slots=True)
class Problem:
    """``key`` picks the message (agency.problem.<key>); ``fact`` names the fact a cell was meant for."""

    key: str
    value: str = ""
    fact: str = ""
    detail: str = ""

    def render(self, cat: Catalog, lang: Lang, kb: KnowledgeBase) -> str:
        expected = ""
        fact = kb.facts.get(self.fact)
        if fact is not None:
            if fact.type == "choice":
                expected = "、".join(o.label.get(lang) for o in fact.options)
            else:
                expected = cat.t(lang, f"agency.expected.{fact.type}")
        return cat.t(lang, f"agency.problem.{self.key}", value=self.value[:80], fact=self.fact,
                     detail=self.detail, expected=expected)
