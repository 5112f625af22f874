"""Who applies: a description of the applicant ("我们是家律所") -> ``entity_type``.

A description of the applicant's clients ("主要给小微企业做维权") is not the applicant's; in free text
a description counts only after a self-reference ("我们是", "是一家"); "公司" is the generic word, so
an IP agency "registered as a company" is a service agency, as the question itself says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.language.clauses import Clause
from eligibility.language.lexicon import Lexicon
from eligibility.language.model import Clarify
from eligibility.language.terms import Hit

_SELF_REACH = 12
_ACTS_REACH = 1
_GENERIC = "enterprise"


@dataclass
class ApplicantReading:
    value: str | None = None
    clarify: list[Clarify] = field(default_factory=list)


def _types(h: Hit, asked: bool) -> list[str]:
    """Applicant words; the answer options' own aliases ("园区") only when the question is asked."""
    return [t.key for t in h.of("applicant")] + [t.value for t in h.of("option") if asked and t.key == "entity_type"]


def _acts_on_us(c: Clause, h: Hit) -> bool:
    """The description is of someone doing something for the applicant ("高校给我们许可了一项专利")."""
    after = c.after(h, _ACTS_REACH)
    return any(x.has("client") for x in after[:1]) and any(x.has("self") for x in after[1:2])




_NAME_REACH = 8


def _place(x: Hit) -> bool:
    return x.has("city") or x.has("inside") or x.has("outside") or x.has("somewhere")


def dealt_with(lex: Lexicon, c: Clause, h: Hit) -> bool:
    """The description is the other side of a deal or a partnership, perhaps with its name between
    ("受让了高校两项专利", "跟河北大学合作", "从石家庄某研究所买的")."""
    head = c.s[: h.start].rstrip()
    # "受让了高校两项专利", "从研究院买了专利", "跟大学合作"; "我们和河北大学合作" with 合作 after it
    words = lex.dealt_with + (lex.together if any(w in c.s[h.end :] for w in lex.partnered) else ())
    if head.endswith(words):
        return True
    prev_end = max((x.end for x in c.hits if x.end <= h.start and not _place(x)), default=0)
    for w in words:
        at = head.rfind(w, prev_end - len(w) if prev_end else 0)
        if at >= 0 and not w.isascii():
            name = head[at + len(w) :]
            if 0 < len(name) <= _NAME_REACH and all("\u4e00" <= ch <= "\u9fff" for ch in name) \
                    and at + len(w) >= prev_end:
                return True
    return False




def _owner_of_next(lex: Lexicon, c: Clause, h: Hit, asked: bool) -> bool:
    """"学校下属的研究院": the description names the owner of the next one, which is the applicant."""
    nxt = next((x for x in c.hits if x.start >= h.end and _types(x, asked)), None)
    return nxt is not None and _GENERIC not in _types(nxt, asked) \
        and lex.owned.fullmatch(c.s[h.end : nxt.start]) is not None


_NAME_MIN, _NAME_MAX = 2, 12


def _bare_name(clauses: list[Clause], c: Clause, h: Hit) -> bool:
    """The message is one name that ends with the description ("河北科技大学", "某某律师事务所"): Chinese characters
    only, nothing else named in it, not a question."""
    lead = c.s[: h.start]
    return len(clauses) == 1 and not c.question and c.s[h.end :].strip() in ("", "的") and h is c.hits[-1] \
        and all(_place(x) for x in c.hits[:-1]) \
        and _NAME_MIN <= len(lead) <= _NAME_MAX and all("\u4e00" <= ch <= "\u9fff" for ch in lead)


def _denied(clauses: list[Clause], asked: bool) -> set[str]:
    """Types the message says the applicant is not ("我们是生产企业，不是代理机构"): a later bare mention of one
    ("代理机构只是帮我们跑手续") speaks of someone else."""
    return {t for c in clauses for h in c.hits if c.negated(h) and not c.about_clients(h) for t in _types(h, asked)}


def read_applicant(lex: Lexicon, clauses: list[Clause], *, asked: bool, midway: bool = False) -> ApplicantReading:
    """``midway``: another question is being answered; the generic "公司/企业" is then not volunteered."""
    found: list[str] = []
    denied = _denied(clauses, asked)
    headed = False  # "研究院下属的公司": a specific description, then the generic one as the head noun
    for c in clauses:
        specific_end = -1  # where the last specific description of the clause ends
        for h in c.hits:
            types = _types(h, asked)
            if not types or c.about_clients(h) or c.negated(h) or c.asked_about(h) or c.pending(h) \
                    or _acts_on_us(c, h) or c.s[h.end :].lstrip().startswith((*lex.benefit_after, *lex.theirs_after)) \
                    or _owner_of_next(lex, c, h, asked) or dealt_with(lex, c, h):
                continue  # "产业知识产权联盟奖补能拿多少": the benefit's name, not who is asking
            lead = c.s[: h.start].strip()
            # "公司有50个人" describes no one; answering another question, "联盟成立了，也备案了" names the thing
            # asked about: a description opening a clause speaks of the applicant only when no question is
            # being answered ("律所，在长安区") or with a lead of its own ("其实是研究所").
            spoken = lead in lex.applicant_leads and (lead or (_GENERIC not in types and not midway))
            # "河北科技大学", "石家庄某某科技有限公司": a bare name of the applicant, the whole message.
            spoken = spoken or (not midway and _bare_name(clauses, c, h))
            # "本公司", "我司": the self-reference is the description.
            if not asked and not spoken and not h.has("self") and not h.term.startswith(lex.first_person) and not any(
                    s.has("self") for s in c.before(h, _SELF_REACH)):
                continue
            kept = [t for t in types if t not in ("other",)]
            if not lead and not h.has("self") and not any(s.has("self") for s in c.before(h, _SELF_REACH)) \
                    and set(kept) <= denied:
                continue  # "不是代理机构，代理机构只是帮我们跑手续": the one denied, named again bare
            # "专利代理公司" is one compound word (the agency is registered as a company); "研究院下属的公司"
            # puts words between: the company is another applicant than the institute.
            headed = headed or (0 <= specific_end < h.start and _GENERIC in kept)
            if any(t != _GENERIC for t in kept):
                specific_end = h.end
            found += kept
    distinct = list(dict.fromkeys(found))
    if (len(distinct) > 1 or midway) and _GENERIC in distinct and not headed:
        distinct.remove(_GENERIC)
    out = ApplicantReading()
    if len(distinct) == 1:
        out.value = distinct[0]
    elif len(distinct) > 1:
        out.clarify.append(Clarify("entity_type", "lang.ask.entity_type", {"options": distinct}))
    return out
