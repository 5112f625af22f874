"""The yes/no verdict grid: every entry with money, each claim its structure settles (its own amount, another one,
a tier, its range, cap, rate, quota, once-only, applicants, a sure payment, another place, two entries stacked),
in the sentence shapes of tests/grid/verdict_shapes.yaml, zh and en. A general reading, not hand-picked sentences."""

from __future__ import annotations

from collections import Counter

import pytest

from eligibility.matcher import Matcher
from fakes.verdict_grid import Case, cases, verdict
from knowledge.models import KnowledgeBase


@pytest.fixture(scope="module")
def answered(kb: KnowledgeBase, matcher: Matcher) -> list[tuple[Case, str | None, str | None]]:
    return [(c, *verdict(matcher, c)) for c in cases(kb)]


def test_the_grid_covers_every_entry_with_money_and_both_languages(kb: KnowledgeBase) -> None:
    grid = cases(kb)
    paid = {b.id for b in kb.benefits if not b.is_info and b.amount.kind != "none"}
    assert {c.benefit for c in grid} == paid | {"validity_and_implementation"}  # its years asked too
    assert {c.lang for c in grid} == {"zh", "en"}
    assert {"amount_other", "tier_other", "rate_other", "ceiling_other", "quota_other", "applicant_out",
            "yearly_of_once", "guarantee_competitive", "elsewhere", "stacking_flagged"} <= {c.claim for c in grid}


def test_a_claim_the_entry_contradicts_is_never_confirmed(
        answered: list[tuple[Case, str | None, str | None]]) -> None:
    # the worst failure: a wrong figure, rate, cap or applicant answered 是的 (where the entry asked is answered)
    confirmed = [c.question for c, got, best in answered if c.verdict == "no" and got == "yes" and best == c.benefit]
    assert confirmed == []


def test_the_grid_verdicts_where_the_entry_is_answered(answered: list[tuple[Case, str | None, str | None]]) -> None:
    on_entry = [(c, got) for c, got, best in answered if best == c.benefit]
    wrong = Counter(c.claim for c, got in on_entry if got != c.verdict)
    assert len(on_entry) >= 0.95 * len(answered)
    # 97.7% of the whole grid when written, 90.7% before this reading (the misses left: English quotas of units
    # the cue words lack, a can-question or cap of a percentage entry in English); the grid may only get better
    assert sum(wrong.values()) <= 0.015 * len(on_entry), wrong


@pytest.mark.parametrize(("claim", "want"), [
    ("amount_other", "no"), ("tier_other", "no"), ("rate_other", "no"), ("ceiling_other", "no"),
    ("amount_own", "yes"), ("tier_own", "yes"), ("range_own", "yes"), ("yearly_of_once", "no"),
    ("guarantee_competitive", "no"), ("own_competitive", "maybe"), ("stacking_flagged", "maybe"),
    ("basis_principal", "no"), ("fixed_of_ceiling", "no"), ("quota_most", "yes"), ("event_old", "no"),
    ("above_cap", "no"), ("duration", "no"), ("applicant_title_in", "yes"), ("applicant_title_out", "no"),
    ("applicant_title_out", "maybe"),
])
def test_each_claim_kind_is_read_the_same_for_every_entry(
        answered: list[tuple[Case, str | None, str | None]], claim: str, want: str) -> None:
    rows = [(c, got) for c, got, best in answered if c.claim == claim and best == c.benefit]
    rows = [(c, got) for c, got in rows if c.verdict == want]
    assert rows
    misses = [c.question for c, got in rows if got != want]
    assert len(misses) <= max(1, len(rows) // 20), misses
