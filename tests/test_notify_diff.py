"""A knowledge-base change told to the users it concerns: the difference between two assessments.

The knowledge base is copied to a temporary directory and one cap edited, as a policy officer would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.agency.kb_version import kb_version
from bot.agency.policy_diff import diff, render, snapshot
from bot.present.i18n import Catalog
from eligibility.evaluate import assess, policy_validity
from eligibility.profile import validate_facts
from fakes.kb import edited_kb
from knowledge.loader import DATA_DIR, load_knowledge_base
from knowledge.models import KnowledgeBase

AS_OF = date(2025, 6, 1)
PLEDGE = {"entity_type": "enterprise", "in_city": True, "pledge_loan_interest_paid_yuan": "300万"}


def snap(kb: KnowledgeBase, facts: dict[str, object]) -> dict[str, object]:
    return snapshot(assess(kb, validate_facts(kb, facts), AS_OF, policy_validity(kb)))


@pytest.fixture
def raised_cap(tmp_path: Path) -> KnowledgeBase:
    """（四）1: the interest subsidy's yearly cap raised from 1,000,000 to 1,200,000 yuan."""
    return load_knowledge_base(edited_kb(tmp_path, "cap: 1000000, cap_scope: per_enterprise_per_year",
                                         "cap: 1200000, cap_scope: per_enterprise_per_year"))


def test_a_raised_cap_is_told_to_a_user_above_the_old_cap(kb: KnowledgeBase, raised_cap: KnowledgeBase,
                                                          catalog: Catalog) -> None:
    d = diff(snap(kb, PLEDGE), snap(raised_cap, PLEDGE))
    assert d.changed
    [change] = d.changes
    assert change.id == "pledge_loan_interest"
    assert change.old_amount == (1_000_000, 1_000_000) and change.new_amount == (1_200_000, 1_200_000)
    assert [(r.what, r.old, r.new) for r in change.rule] == [("cap", 1_000_000, 1_200_000)]
    zh = render(catalog, "zh", d)
    assert "• （四）1 知识产权质押贷款贴息：上限由100万元调整为120万元，您的预计金额从100万元变为120万元" in zh
    assert "符合条件的预计合计：100万元 → 120万元" in zh
    en = render(catalog, "en", d)
    assert "1,000,000" in en and "1,200,000" in en and "cap" in en


def test_a_user_under_both_caps_is_not_told(kb: KnowledgeBase, raised_cap: KnowledgeBase) -> None:
    facts = {**PLEDGE, "pledge_loan_interest_paid_yuan": "40万"}  # half is 200,000: under either cap
    assert not diff(snap(kb, facts), snap(raised_cap, facts)).changed


def test_an_unknown_fact_keeps_the_verdict_undetermined_on_both_sides(kb: KnowledgeBase,
                                                                      raised_cap: KnowledgeBase) -> None:
    facts = {"entity_type": "enterprise", "in_city": True}
    d = diff(snap(kb, facts), snap(raised_cap, facts))
    # Still undetermined; only the ceiling of what it could pay moves, and that is said, never a guess.
    for c in d.changes:
        assert c.old_status == c.new_status == "undetermined"


def test_the_message_fits_telegram(kb: KnowledgeBase, raised_cap: KnowledgeBase, catalog: Catalog) -> None:
    d = diff(snap(kb, PLEDGE), snap(raised_cap, PLEDGE))
    many = type(d)(d.changes * 200, d.old_eligible, d.new_eligible)
    text = render(catalog, "zh", many)
    assert len(text) <= 4096
    assert "另有" in text and text.endswith(catalog.t("zh", "notify.footer"))


def test_the_version_is_a_hash_of_the_knowledge_base_data(tmp_path: Path) -> None:
    same = edited_kb(tmp_path / "a", "cap: 1000000, cap_scope: per_enterprise_per_year",
                     "cap: 1000000, cap_scope: per_enterprise_per_year")
    other = edited_kb(tmp_path / "b", "cap: 1000000, cap_scope: per_enterprise_per_year",
                      "cap: 1200000, cap_scope: per_enterprise_per_year")
    assert kb_version(same) == kb_version(DATA_DIR)
    assert kb_version(other) != kb_version(DATA_DIR)
