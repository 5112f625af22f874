"""The adaptive questionnaire: which question settles the most open benefits next.

After every answer the whole policy is re-assessed; only facts that an undetermined benefit is
still missing can be asked, so a question whose answer changes no verdict is never asked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from eligibility.amounts import nominal_amount
from eligibility.evaluate import assess
from eligibility.results import Assessment, Facts, Validity
from knowledge.models import Benefit, KnowledgeBase, Text

QuestionKind = Literal["bool", "choice", "money", "money_list", "number", "multi"]
GROUP_PREFIX = "group:"
NONE_OPTION = "none"
# Question-ranking weights, not policy amounts: a benefit weighs 1 plus its money in millions,
# and one without a figure in the text counts as a tenth of a million.
_STAKE_UNIT = 10**6
_DEFAULT_STAKE = 10**5
# A supported direction has no money at stake (the implementing rules set it): half a benefit.
_SUPPORTED_STAKE = 0.5


@dataclass(frozen=True)
class QuestionOption:
    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    """What to ask next; ``facts`` are the facts the answer sets, ``decides`` the benefits at stake."""

    id: str
    kind: QuestionKind
    text: Text
    facts: tuple[str, ...]
    options: tuple[QuestionOption, ...]
    decides: tuple[str, ...]


def _stake(benefit: Benefit) -> float:
    if benefit.award.mode == "supported":
        return _SUPPORTED_STAKE
    nominal = nominal_amount(benefit.amount)
    money = nominal.max if nominal is not None else _DEFAULT_STAKE
    return 1.0 + money / _STAKE_UNIT


def in_topic(benefit: Benefit, topic: str | None) -> bool:
    return topic is None or benefit.topic == topic


def open_facts(kb: KnowledgeBase, assessment: Assessment, *, topic: str | None = None,
               skipped: Collection[str] = ()) -> dict[str, list[Benefit]]:
    """Unknown facts that some undetermined benefit (in the topic) still needs, with those benefits."""
    needed: dict[str, list[Benefit]] = {}
    for r in assessment.results:
        if r.status != "undetermined" or not in_topic(r.benefit, topic):
            continue
        if any(x.code == "reading_outside" for x in r.reasons):
            continue  # outside our reading of a silent text: a long shot, not worth a question
        for fact in r.missing:
            if fact not in skipped:
                needed.setdefault(fact, []).append(r.benefit)
    return needed


def _scores(kb: KnowledgeBase, assessment: Assessment, needed: dict[str, list[Benefit]],
            skipped: Collection[str]) -> dict[str, float]:
    """Money-weighted share of each open benefit a fact settles (fewer missing facts, more settled)."""
    remaining = {r.benefit.id: len([f for f in r.missing if f not in skipped]) for r in assessment.results}
    return {fact: sum(_stake(b) / max(remaining[b.id], 1) for b in benefits) for fact, benefits in needed.items()}


def _fact_question(kb: KnowledgeBase, fact_id: str, decides: Iterable[Benefit]) -> Question:
    fact = kb.facts[fact_id]
    # Applicants the text never names are read when said, not offered: the question stays short.
    options = tuple(QuestionOption(o.id, o.label) for o in fact.options if not o.volunteered)
    return Question(fact_id, fact.type, fact.question, (fact_id,), options,
                    tuple(dict.fromkeys(b.id for b in decides)))


def question_by_id(kb: KnowledgeBase, question_id: str, facts: Facts, as_of: date, validity: Validity,
                   *, topic: str | None = None, skipped: Collection[str] = (),
                   assessment: Assessment | None = None) -> Question | None:
    """Rebuild a question (a stored session names it by id); None if it no longer exists.

    ``assessment`` of these facts, when the caller has it already, saves assessing them again."""
    if question_id.startswith(GROUP_PREFIX):
        group_id = question_id.removeprefix(GROUP_PREFIX)
        assessment = assessment or assess(kb, facts, as_of, validity)
        needed = open_facts(kb, assessment, topic=topic, skipped=skipped)
        for group in kb.question_groups:
            if group.id == group_id:
                return _group_question(kb, group.id, [f for f in group.facts if f in needed], needed)
        return None
    if question_id not in kb.facts:
        return None
    assessment = assessment or assess(kb, facts, as_of, validity)
    needed = open_facts(kb, assessment, topic=topic, skipped=skipped)
    return _fact_question(kb, question_id, needed.get(question_id, []))


def _group_question(kb: KnowledgeBase, group_id: str, members: list[str],
                    needed: dict[str, list[Benefit]]) -> Question:
    group = next(g for g in kb.question_groups if g.id == group_id)
    options = [QuestionOption(f, group.option_labels.get(f) or kb.facts[f].label) for f in members]
    options.append(QuestionOption(NONE_OPTION, group.none_label))
    decides = [b for f in members for b in needed.get(f, [])]
    return Question(GROUP_PREFIX + group_id, "multi", group.question, tuple(members), tuple(options),
                    tuple(dict.fromkeys(b.id for b in decides)))


def plan(kb: KnowledgeBase, facts: Facts, as_of: date, validity: Validity, *, topic: str | None = None,
         skipped: Collection[str] = (), groups_done: Collection[str] = (),
         assessment: Assessment | None = None) -> tuple[Question | None, int]:
    """The next question and about how many are left (including it); (None, 0) when done.

    ``groups_done`` are screening questions already answered: what they left open (a ticked
    money fact whose figure is still unknown) is asked on its own.
    """
    assessment = assessment or assess(kb, facts, as_of, validity)
    if not assessment.policy_in_force:
        return None, 0
    needed = open_facts(kb, assessment, topic=topic, skipped=skipped)
    if not needed:
        return None, 0
    scores = _scores(kb, assessment, needed, skipped)
    first = sorted((kb.facts[f].ask_first, f) for f in needed if kb.facts[f].ask_first is not None)
    grouped: set[str] = set()
    # (score, tie-break, group members or None for a single fact, fact or group id); the question
    # itself is built for the winner only.
    candidates: list[tuple[float, int, list[str] | None, str]] = []
    for order, group in enumerate(kb.question_groups):
        if GROUP_PREFIX + group.id in groups_done:
            continue
        members = [f for f in group.facts if f in needed]
        if len(members) >= 2:
            grouped.update(members)
            candidates.append((sum(scores[f] for f in members), -order, members, group.id))
    singles = [f for f in needed if f not in grouped]
    left = len(candidates) + len(singles)
    if first:
        fact_id = first[0][1]
        return _fact_question(kb, fact_id, needed[fact_id]), left
    # Follow-ups of a screening answer (the figure of a ticked loan) come right after it.
    done = {f for g in kb.question_groups if GROUP_PREFIX + g.id in groups_done for f in g.facts}
    conditions = kb.all_conditions()
    followups = [f for f in singles if f in done or any(
        c.fact in done and c.fact in facts for b in needed[f] for c in conditions[b.id])]
    if followups:
        fact_id = max(followups, key=lambda f: scores[f])
        return _fact_question(kb, fact_id, needed[fact_id]), left
    if singles:
        catalogue_order = {f: i for i, f in enumerate(kb.facts)}
        candidates += [(scores[f], -len(kb.question_groups) - catalogue_order[f], None, f) for f in singles]
    _, _, chosen_members, chosen = max(candidates, key=lambda c: (c[0], c[1]))
    if chosen_members is None:
        return _fact_question(kb, chosen, needed[chosen]), left
    return _group_question(kb, chosen, chosen_members, needed), left


def group_answer(question: Question, ticked: Collection[str], kb: KnowledgeBase) -> Facts:
    """Facts set by a screening answer: ticked yes/no facts true, unticked false or zero."""
    out: Facts = {}
    for fact_id in question.facts:
        fact = kb.facts[fact_id]
        if fact_id in ticked:
            if fact.type == "bool":
                out[fact_id] = True
        elif fact.type == "bool":
            out[fact_id] = False
        elif fact.type == "money":
            out[fact_id] = 0
        else:
            out[fact_id] = []
    return out


def ticks(question: Question, facts: Facts) -> list[str]:
    """The options of a screening question that these facts tick (the inverse of ``group_answer``)."""
    out = []
    for fact_id in question.facts:
        value = facts.get(fact_id)
        if value is True or (isinstance(value, int) and not isinstance(value, bool) and value > 0) or (
                isinstance(value, list) and any(isinstance(v, int) and v > 0 for v in value)):
            out.append(fact_id)
    return out
