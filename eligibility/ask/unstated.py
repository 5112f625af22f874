"""What a yes/no question asks that no specific rule of verdicts.py settles: the verdict the entry itself makes
(a step of applying the text does not set, a fund paying no applicant, chosen on merit, conditions left open), and
whether what the question asks to be required is in the clause's text at all."""

from __future__ import annotations

import re

from eligibility.ask.conditions import condition_labels
from eligibility.ask.cues import Cues, alternation, cues_of
from eligibility.ask.kinds import yes_no_clauses
from eligibility.ask.model import PROCEDURE_ENTRY, AmountAnswer, YesNo
from eligibility.parsing import normalize
from eligibility.results import Facts
from knowledge.models import Benefit, KnowledgeBase


def fallback_verdict(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, text: str, facts: Facts,
                     procedure: bool) -> YesNo | None:
    """A yes/no question no specific rule settled still starts with a verdict when the entry itself decides it:
    a step of applying the text does not set (原文没有明确规定), a fund of the city that pays no applicant (不是),
    an entry chosen on merit (不一定, the quota), or conditions the question leaves open (不一定, with them).
    None when none of these holds: never a guessed yes."""
    cues = cues_of(kb)
    if procedure and (b.id == PROCEDURE_ENTRY or b.is_info):
        return YesNo("maybe", "procedure_unsaid")
    if b.is_info:
        return YesNo("no", "info_only") if b.ref != "general" and cues.support.search(text) else None
    if answer.ruled_out is not None:
        return answer.ruled_out
    if b.conditions and beyond_text(kb, cues, b, text):
        # "要先还完贷款才能申请吗": a requirement the clause's text does not hold; it asks only its own conditions
        first = next((c for c in b.conditions if c.fact != "entity_type"), b.conditions[0])
        return YesNo("no", "condition_unrequired", (("label_zh", first.label.zh), ("label_en", first.label.en))
                     if first.label is not None else (("fact", first.fact),))
    if b.award.mode == "competitive" and b.award.quota is not None and not cues.selected.search(text):
        return YesNo("maybe", "competitive", (("count", None),))
    open_ = [c.label for c in b.conditions if c.label is not None and c.fact not in facts
             and c.fact != "entity_type" and c.fact not in answer.facts and not said(c.label.zh, text)]
    if open_ and (cues.can.search(text) or cues.getting.search(text) or cues.support.search(text)):
        return YesNo("maybe", "if_conditions", (("claimed", None), ("labels_zh", "、".join(x.zh for x in open_)),
                                                ("labels_en", "; ".join(x.en for x in open_))))
    known = {**facts, **answer.facts}
    held = [c for c in b.conditions if c.fact != "entity_type"]  # the entry's own (the place is the policy's)
    if b.award.mode == "conditional" and held and all(c.fact in known or c.when_said for c in held) \
            and (cues.can.search(text) or cues.getting.search(text)) \
            and not (cues.twice.search(text) or cues.again_received.search(text)):  # twice: how often, stacking
        # "去年拿的中国专利金奖，今年能申请吗": every condition stated and none fails (a failed one is a no before)
        first = held[0]
        label = first.label or kb.facts[first.fact].label
        return YesNo("yes", "condition_required", (("label_zh", label.zh), ("label_en", label.en)))
    return None


def beyond_text(kb: KnowledgeBase, cues: Cues, b: Benefit, text: str) -> bool:
    """Whether what a yes/no question asks to be required shares no three characters with the clause's text and no
    two with its conditions (their facts' labels too: "必须是石家庄的企业吗" asks the place condition)."""
    asked = asked_requirement(cues, text)
    source = normalize(b.source)
    facts = [kb.facts.get(c.fact) for c in kb.conditions_of(b)]
    labels = "".join(normalize(x.zh) for x in condition_labels(kb, b)) \
        + "".join(normalize(f.label.zh) for f in facts if f is not None)
    return bool(asked) and not any(asked[i:i + 3] in source for i in range(len(asked) - 2)) \
        and not any(asked[i:i + 2] in labels for i in range(len(asked) - 1))


def names_beyond_text(kb: KnowledgeBase, cues: Cues, b: Benefit, text: str) -> bool:
    """Whether a requirement asked ("贴息必须是本市银行的贷款吗", "专利奖必须是第一专利权人吗") names a word of two
    characters that neither the clause's text, its conditions nor its title hold (the city itself set aside):
    the condition matched elsewhere in the question is not what is asked, so it is no yes."""
    asked = asked_requirement(cues, text)
    for word in sorted(cues.words.city_words, key=len, reverse=True):
        asked = asked.replace(normalize(word), " ")
    held = normalize(b.source) + normalize(b.title.zh) + "".join(normalize(x.zh) for x in condition_labels(kb, b)) \
        + "".join(normalize(f.label.zh) for f in (kb.facts.get(c.fact) for c in kb.conditions_of(b)) if f is not None)
    fillers = cues.words.requirement_filler_chars
    pairs = [asked[i:i + 2] for i in range(len(asked) - 1)]
    # a word the clause lacks: the pair is not in it, and one of its characters is nowhere in it ("按国家标准" of
    # "按照…国家标准" is held: 按 and 国 each are)
    return any(_is_han(p[0]) and _is_han(p[1]) and p[0] not in fillers and p[1] not in fillers and p not in held
               and (p[0] not in held or p[1] not in held) for p in pairs)


def unsaid_consequence(kb: KnowledgeBase, cues: Cues, b: Benefit, text: str) -> str:
    """The act a yes/no question asks to follow ("补贴会不会被收回" -> 收回) where the clause's text, its summary and
    its title name it nowhere (a word of two characters, one of them absent), or "" when the text names what is asked
    ("弄虚作假会被处理吗", "会有人来查吗"). Money words (补贴, 资金) and question forms name no act."""
    clause = normalize(" ".join(yes_no_clauses(cues, text)) or text)
    leads = cues.words.consequence_leads
    if leads:  # the act follows the last modal ("弄虚作假会被处理吗": 处理; "申报的时候" is no act)
        clause = re.split(alternation(sorted(leads, key=len, reverse=True)), clause)[-1]
    asked = "".join(c for c in clause if _is_han(c))
    for word in sorted((*cues.words.support, *cues.words.yes_no_phrases, *cues.words.money, *cues.words.city_words),
                       key=len, reverse=True):
        if _is_han(word[:1]):
            asked = asked.replace(normalize(word), " ")
    held = normalize(b.source) + normalize(b.summary.zh) + normalize(b.title.zh)
    fillers = cues.words.requirement_filler_chars + cues.words.consequence_filler_chars
    for i in range(len(asked) - 1):
        p = asked[i:i + 2]
        if all(_is_han(c) and c not in fillers for c in p) and p not in held and (p[0] not in held or p[1] not in held):
            return p
    return ""


def asked_requirement(cues: Cues, text: str) -> str:
    """The Chinese words a yes/no question asks to be required ("要先还完贷款才能…" -> 还完贷款), or ""."""
    m = cues.require.search(text) or cues.need.search(text)
    if m is None:
        return ""
    rest = text[m.start():]
    lead = max((w for w in (*cues.words.require, *cues.words.require_around, *cues.words.need) if rest.startswith(w)),
               key=len, default="")
    rest = re.split(r"才|吗|[？?，,。]", rest[len(lead):], maxsplit=1)[0]  # "只有拿到认证证书才": 拿到认证证书
    return "".join(c for c in rest if _is_han(c)) if len(rest) >= 3 else ""


def requirement_quoted(cues: Cues, b: Benefit, text: str, needed: YesNo) -> YesNo:
    """"专利导航必须按照《专利导航指南》吗": a requirement confirmed is said in the clause's own words where what is
    asked is a phrase of the clause's text the matched condition lacks (not "要求：开展专利导航项目")."""
    asked = asked_requirement(cues, text)
    label = normalize(str(needed.param("label_zh") or ""))
    title = normalize(b.title.zh)
    runs = [asked[i:i + 3] for i in range(len(asked) - 2)]
    fresh = [r for r in runs if r not in label and r not in title]
    for fragment in re.split(r"[，,。；;]", normalize(b.source)):
        if any(r in fragment for r in fresh):
            said = fragment.strip().removeprefix("对")
            return YesNo(needed.verdict, needed.reason,
                         (("label_zh", said), *((k, v) for k, v in needed.params if k != "label_zh")))
    return needed


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"



def said(label: str, text: str, run: int = 4) -> bool:
    """Whether a condition's label and the question share a run of ``run`` characters (获得中国专利奖)."""
    core = normalize(label)
    return any(core[i:i + run] in text for i in range(len(core) - run + 1))
