"""Facts a message states by naming them: "我们有马德里注册" (true), "没有驰名商标" (false), "拿了银奖".

Only what the text says outright: a yes/no fact is set when its mention appears in a clause (false
when the clause negates it), a choice when one of its options is named (not the vague "none"/"other"
in free text). Several China Patent Award levels are all kept, one per award ("金奖…也拿了银奖").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.language.clauses import Clause
from eligibility.language.lexicon import VAGUE_OPTIONS, Lexicon
from eligibility.language.model import Clarify, FactValue
from knowledge.models import KnowledgeBase

# Facts read by their own modules (places, applicants, figures).
_ELSEWHERE = frozenset({"in_city", "entity_type"})
LIST_CHOICES = frozenset({"china_patent_award_last_year"})


@dataclass
class MentionReading:
    facts: dict[str, FactValue] = field(default_factory=dict)
    mentioned: set[str] = field(default_factory=set)
    clarify: list[Clarify] = field(default_factory=list)


def read_mentions(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause]) -> MentionReading:
    out = MentionReading()
    bools: dict[str, set[bool]] = {}
    options: dict[str, list[str]] = {}
    negated_choice: set[str] = set()
    qualified: set[str] = set()  # facts a failed-condition phrase ("还没备案") states false
    for c in clauses:
        named_here = {t.key for h in c.hits for t in h.of("mention")}
        for h in c.hits:
            if c.about_clients(h):
                continue
            if c.pending(h) and not any(t.key in lex.planned_ok for t in h.of("mention")):
                out.mentioned.update(t.key for t in h.of("mention"))
                continue
            if c.topic(h):
                # Asked about, not stated; still context for the figures of the message.
                out.mentioned.update(t.key for t in h.of("mention"))
                continue
            for t in h.of("mention_false"):
                if t.key in kb.facts and kb.facts[t.key].type == "bool":
                    out.mentioned.add(t.key)
                    bools.setdefault(t.key, set()).add(c.negated(h))
                    if not c.negated(h):
                        qualified.add(t.key)
            for t in h.of("mention"):
                fact = kb.facts.get(t.key)
                if fact is None or fact.id in _ELSEWHERE:
                    continue
                out.mentioned.add(fact.id)
                if fact.type == "bool":
                    bools.setdefault(fact.id, set()).add(not c.negated(h))
                elif fact.type == "choice" and c.negated(h):
                    negated_choice.add(fact.id)
                elif fact.type in ("money", "money_list") and not c.kinds("cue") and any(
                        b.has("neg") for b in c.before(h, 2)):
                    out.facts[fact.id] = 0 if fact.type == "money" else []  # "没有质押贷款": none
            for t in h.of("option"):
                fact = kb.facts.get(t.key)
                if fact is None or fact.id in _ELSEWHERE or t.value in VAGUE_OPTIONS or len(h.term) < 2:
                    continue
                if fact.mentions and fact.id not in named_here and not h.has("mention"):
                    continue  # "国家级" names a level only next to its subject ("国家级示范区")
                context = lex.context.get(fact.id)
                if c.negated(h) or (context and not any(w in c.s for w in context)):
                    continue
                out.mentioned.add(fact.id)
                options.setdefault(fact.id, []).append(t.value)
    for fact_id, values in bools.items():
        if len(values) == 1:
            out.facts[fact_id] = values.pop()
        elif fact_id in qualified:
            # "联盟没有备案", "是创客空间但没有固定办公场所": the words that fail the condition are the more
            # specific statement; the bare mention of the thing does not outweigh them.
            out.facts[fact_id] = False
        else:
            out.clarify.append(Clarify(fact_id, "lang.ask.yes_no", {}))
    for fact_id, picked in options.items():
        distinct = list(dict.fromkeys(picked))
        if len(distinct) == 1:
            out.facts[fact_id] = distinct[0]
        elif fact_id in LIST_CHOICES:
            out.facts[fact_id] = distinct
        else:
            out.clarify.append(Clarify(fact_id, "lang.ask.choice", {"options": distinct}))
    for fact_id in negated_choice - set(options):
        if "none" in kb.facts[fact_id].option_ids():
            out.facts[fact_id] = "none"
    return out
