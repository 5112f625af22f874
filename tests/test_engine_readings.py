"""Readings of per-item counts, unnamed applicants and years at the engine's doors: the profile check
and the guided questionnaire (the golden cases hold the verdicts and amounts)."""

from __future__ import annotations

from datetime import date

import pytest

from eligibility.errors import ProfileError
from eligibility.evaluate import assess, policy_validity, year_cover
from eligibility.profile import validate_facts
from eligibility.questionnaire import plan
from knowledge.models import KnowledgeBase


def test_a_count_or_a_year_is_a_whole_number_within_its_bounds(kb: KnowledgeBase) -> None:
    facts = validate_facts(kb, {"trademark_guidance_station_count": "3", "application_year": 2027.0})
    assert facts == {"trademark_guidance_station_count": 3, "application_year": 2027}
    for bad in ({"trademark_guidance_station_count": 0}, {"trademark_guidance_station_count": True},
                {"trademark_guidance_station_count": "两个"}, {"application_year": 27},
                {"pledge_loan_interest_year": 2.5}):
        with pytest.raises(ProfileError) as info:
            validate_facts(kb, bad)
        assert info.value.fact == next(iter(bad)), bad


def test_the_guided_question_offers_no_unnamed_applicant_and_never_asks_a_count_a_year_or_whose_gi(
        kb: KnowledgeBase) -> None:
    validity = policy_validity(kb)
    question, _ = plan(kb, {}, date(2025, 3, 1), validity)
    assert question is not None and question.id == "entity_type"
    shown = [o.value for o in question.options]
    assert "other" in shown and not {"individual", "individual_business", "cooperative"} & set(shown)
    facts: dict[str, object] = {"entity_type": "service_agency", "in_city": True}
    asked = set()
    for _ in range(60):
        question, _ = plan(kb, validate_facts(kb, facts), date(2025, 3, 1), validity)
        if question is None:
            break
        asked.update(question.facts)
        for fact_id in question.facts:  # answer no to everything: the walk ends
            fact = kb.facts[fact_id]
            facts[fact_id] = {"bool": False, "money": 0, "money_list": []}.get(fact.type, "none") \
                if fact.type != "choice" or "none" in fact.option_ids() else fact.options[-1].id
    assert not {f for f in asked if kb.facts[f].type == "number" or f == "gi_applicant"}, asked
    assert "new_geographical_indication" in asked  # the GI itself is still asked of an agency


def test_a_calendar_year_is_covered_whole_in_part_or_not_at_all(kb: KnowledgeBase) -> None:
    assumed = policy_validity(kb)  # 2022-01-01 to 2027-12-30
    assert [year_cover(assumed, y) for y in (2021, 2022, 2026, 2027, 2028)] == [
        "before", "whole", "whole", "part", "after"]
    published = policy_validity(kb, date(2022, 6, 1))  # to 2027-05-31
    assert [year_cover(published, y) for y in (2022, 2023, 2027)] == ["part", "whole", "part"]


def test_a_count_of_one_or_unsaid_is_one_items_amount_and_adds_no_reading(kb: KnowledgeBase) -> None:
    validity = policy_validity(kb)
    base = {"entity_type": "enterprise", "in_city": True, "new_well_known_trademark": True}
    one = assess(kb, validate_facts(kb, {**base, "new_well_known_trademark_count": 1}), date(2025, 3, 1), validity)
    unsaid = assess(kb, validate_facts(kb, base), date(2025, 3, 1), validity)
    a, b = one.result("well_known_trademark"), unsaid.result("well_known_trademark")
    assert (a.amount, a.assumptions) == (b.amount, b.assumptions)
    assert a.amount is not None and (a.amount.min, a.amount.max) == (500000, 500000)


def test_a_year_the_validity_covers_in_part_still_lets_the_questionnaire_ask(kb: KnowledgeBase) -> None:
    """"2027年申请" holds every amount with the validity reading, but the questions are still asked."""
    validity = policy_validity(kb)
    facts = validate_facts(kb, {"entity_type": "enterprise", "in_city": True, "application_year": 2027})
    question, left = plan(kb, facts, date(2026, 12, 1), validity)
    assert question is not None and left > 1
    answered = validate_facts(kb, {**facts, "pledge_loan_interest_paid_yuan": 800000})
    r = assess(kb, answered, date(2026, 12, 1), validity).result("pledge_loan_interest")
    assert r.status == "undetermined" and r.reasons[0].code == "reading_outside" and r.reasons[0].value == "2027"
