"""Golden cases written by hand from the policy text (tests/golden/*.yaml), one test per case."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligibility.evaluate import assess
from eligibility.profile import validate_facts
from eligibility.results import Amount, Validity
from knowledge.models import KnowledgeBase

GOLDEN_DIR = Path(__file__).parent / "golden"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(GOLDEN_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


def _amount(expected: Any) -> Amount | None:
    if expected is None:
        return None
    if isinstance(expected, int):
        return Amount(expected, expected)
    lo, hi = expected
    return Amount(int(lo), int(hi))


@pytest.mark.parametrize("case", _cases())
def test_golden_case(case: dict[str, Any], kb: KnowledgeBase, validity: Validity) -> None:
    as_of = case["as_of"] if isinstance(case["as_of"], date) else date.fromisoformat(case["as_of"])
    result = assess(kb, validate_facts(kb, case.get("facts") or {}), as_of, validity)
    problems = []
    for benefit_id, exp in case["expect"].items():
        got = result.result(benefit_id)
        if got.status != exp["status"]:
            problems.append(f"{benefit_id}: status {got.status}, expected {exp['status']} "
                            f"(reasons: {[r.code + ':' + str(r.fact) for r in got.reasons]})")
            continue
        if "amount" in exp:
            shown = got.amount if got.status in ("eligible", "competitive", "undetermined") else None
            if shown != _amount(exp["amount"]):
                problems.append(f"{benefit_id}: amount {shown}, expected {exp['amount']}")
        for fact in exp.get("missing", []):
            if fact not in got.missing:
                problems.append(f"{benefit_id}: {fact} not among missing {list(got.missing)}")
    totals = case.get("totals") or {}
    if "eligible" in totals and result.eligible_total != _amount(totals["eligible"]):
        problems.append(f"eligible total {result.eligible_total}, expected {totals['eligible']}")
    if "competitive" in totals and result.competitive_total != _amount(totals["competitive"]):
        problems.append(f"competitive total {result.competitive_total}, expected {totals['competitive']}")
    assert not problems, "\n".join(problems)


def test_golden_cases_cover_every_benefit_and_status(kb: KnowledgeBase) -> None:
    seen_ids: set[str] = set()
    seen_status: set[str] = set()
    for param in _cases():
        case = param.values[0]
        for benefit_id, exp in case["expect"].items():
            seen_ids.add(benefit_id)
            seen_status.add(exp["status"])
    assert {b.id for b in kb.benefits} <= seen_ids
    assert seen_status == {"eligible", "competitive", "undetermined", "ineligible", "info"}
    assert len(_cases()) >= 40
