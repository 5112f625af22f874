"""The callback data of the dialog's buttons: one code per kind of press, every one within Telegram's 64 bytes."""

from __future__ import annotations

import pytest

from bot.dialog.callbacks import FORGET_CONFIRM, MAX_BYTES, MENU_ACTIONS, NAV_ACTIONS, Code, callback, code_of, split
from bot.dialog.views import PAGE
from eligibility.questionnaire import NONE_OPTION
from knowledge.models import KnowledgeBase


def longest(values: object) -> str:
    texts = [str(v) for v in values]  # type: ignore[attr-defined]
    assert texts
    return max(texts, key=lambda v: len(v.encode()))


def longest_payloads(kb: KnowledgeBase) -> dict[Code, list[str]]:
    """Each code with the longest payloads this knowledge base can give it (the module docstring's shapes)."""
    # A fact's question answers with its options (y/n, or 0 for "none" of a figure); a screening group's
    # question ticks its facts and answers "none of these".
    answers = [(f.id, o.id) for f in kb.facts.values() for o in f.options] + \
        [(f.id, v) for f in kb.facts.values() for v in ("y", "n", "0")] + \
        [(f"group:{g.id}", NONE_OPTION) for g in kb.question_groups]
    ticks = [(f"group:{g.id}", fact) for g in kb.question_groups for fact in g.facts]
    question = longest([*kb.facts, *(f"group:{g.id}" for g in kb.question_groups)])
    topic = longest(kb.policy.topics)
    group = longest([*kb.policy.topics, "basic"])
    page = -(-max(len(kb.benefits), len(kb.facts)) // PAGE) - 1  # the last page of the longest list
    return {
        Code.MENU: [callback(Code.MENU, a) for a in MENU_ACTIONS] + [callback(Code.MENU, a, topic)
                                                                     for a in ("topic", "fresh")],
        Code.CLAUSE: [callback(Code.CLAUSE, longest(b.id for b in kb.benefits))],
        Code.CLAUSES: [callback(Code.CLAUSES, topic, page)],
        Code.ANSWERS: [callback(Code.ANSWERS, group, page)],
        Code.FORGET: [FORGET_CONFIRM, callback(Code.FORGET, "no")],
        Code.NAV: [callback(Code.NAV, a) for a in NAV_ACTIONS] + [callback(Code.NAV, "skip", question)],
        Code.CHANGE: [callback(Code.CHANGE, longest(kb.facts))],
        Code.ANSWER: [longest(callback(Code.ANSWER, q, v) for q, v in answers)],
        Code.TICK: [longest(callback(Code.TICK, q, v) for q, v in ticks)],
        Code.DONE: [callback(Code.DONE, question)],
    }


def test_every_code_with_its_longest_payload_fits_in_64_bytes(kb: KnowledgeBase) -> None:
    payloads = longest_payloads(kb)
    assert set(payloads) == set(Code), "a new code needs its longest payload here"
    for code, datas in payloads.items():
        for data in datas:
            assert code_of(data) is code
            assert len(data.encode()) <= MAX_BYTES, f"{data!r} is {len(data.encode())} bytes"


@pytest.mark.parametrize("code", list(Code))
def test_a_code_reads_back_with_its_payload(code: Code) -> None:
    assert split(callback(code, "q_1", "opt")) == (code, "q_1|opt")
    assert split(callback(code)) == (code, "")


def test_data_of_no_code_is_no_button() -> None:
    assert code_of("z|anything") is None
    assert code_of("") is None
    assert split("zz") == (None, "")
