"""Who applies: a description of the applicant ("我们是家律所") -> ``entity_type``.

A description of the applicant's clients ("主要给小微企业做维权") is not the applicant's; in free text
a description counts only after a self-reference ("我们是", "是一家"); "公司" is the generic word, so
an IP agency "registered as a company" is a service agency, as the question itself says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.language.clauses import Clause
from eligibility.language.model import Clarify
from eligibility.language.terms import Hit

_SELF_REACH = 12
_GENERIC = "enterprise"


@dataclass
class ApplicantReading:
    value: str | None = None
    clarify: list[Clarify] = field(default_factory=list)


def _types(h: Hit) -> list[str]:
    return [t.key for t in h.of("applicant")] + [t.value for t in h.of("option") if t.key == "entity_type"]


def read_applicant(clauses: list[Clause], *, asked: bool, midway: bool = False) -> ApplicantReading:
    """``midway``: another question is being answered; the generic "公司/企业" is then not volunteered."""
    found: list[str] = []
    for c in clauses:
        for h in c.hits:
            types = _types(h)
            if not types or c.about_clients(h) or c.negated(h) or c.asked_about(h):
                continue
            if not asked and not any(s.has("self") and s.end <= h.start and h.start - s.end <= _SELF_REACH
                                     for s in c.hits):
                continue
            found += [t for t in types if t not in ("other",)]
    distinct = list(dict.fromkeys(found))
    if (len(distinct) > 1 or midway) and _GENERIC in distinct:
        distinct.remove(_GENERIC)
    out = ApplicantReading()
    if len(distinct) == 1:
        out.value = distinct[0]
    elif len(distinct) > 1:
        out.clarify.append(Clarify("entity_type", "lang.ask.entity_type", {"options": distinct}))
    return out
