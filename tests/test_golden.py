"""Golden cases written by hand from the policy text (tests/golden/*.yaml), one test per case.

Every case is validated against a strict schema first: an unknown or misspelt key (``statsu``,
``ammount``) is an error, so a case can never silently assert nothing.
"""

from __future__ import annotations

import shutil
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eligibility.evaluate import assess, policy_validity
from eligibility.profile import validate_facts
from eligibility.results import Amount, Assessment, Status, Validity
from knowledge.loader import DATA_DIR, load_knowledge_base
from knowledge.models import KnowledgeBase

GOLDEN_DIR = Path(__file__).parent / "golden"
AmountSpec = int | tuple[int, int] | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    status: Literal["eligible", "competitive", "supported", "undetermined", "ineligible", "info"]
    amount: AmountSpec = None  # checked only when written (null: no amount shown)
    missing: list[str] = []  # facts that must be among the missing ones
    reasons: list[str] = []  # reason codes that must be among the reasons
    assumption: str | None = None  # text one of the benefit's assumptions must contain (Chinese)
    quota: tuple[int, int] | None = None  # the yearly quota (min, max) of a competitive result


class Totals(_Strict):
    eligible: AmountSpec = None
    competitive: AmountSpec = None


class Case(_Strict):
    name: str = Field(min_length=10)
    as_of: date
    published_on: date | None = None  # as IPBOT_POLICY_PUBLISHED_ON would set it
    # A revision of the policy for this case: benefit id -> keys of its entry replaced (dated values).
    revise: dict[str, dict[str, Any]] = {}
    revise_policy: dict[str, Any] = {}  # ... and keys of policy.yaml replaced (an exclusion group)
    facts: dict[str, Any] = {}
    expect: dict[str, Expect] = Field(min_length=1)
    totals: Totals | None = None
    state: Literal["not_started", "in_force", "expired"] | None = None  # the policy on as_of
    assumption: str | None = None  # text one of the assessment's own assumptions must contain


def _raw_cases() -> list[tuple[str, Any]]:
    out = []
    for path in sorted(GOLDEN_DIR.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append((path.stem, raw))
    return out


def _cases() -> list[Any]:
    return [pytest.param(raw, id=f"{stem}: {raw.get('name', '?')}") for stem, raw in _raw_cases()]


def _amount(expected: AmountSpec) -> Amount | None:
    if expected is None:
        return None
    if isinstance(expected, int):
        return Amount(expected, expected)
    lo, hi = expected
    return Amount(int(lo), int(hi))


@cache
def _revised_kb(revise_yaml: str, tmp_root: str) -> KnowledgeBase:
    """The knowledge base with some entries' keys replaced, loaded (and validated) like the real one."""
    revise: dict[str, dict[str, Any]] = yaml.safe_load(revise_yaml)
    policy_keys = revise.pop("__policy__", {})
    target = Path(tmp_root) / f"kb{abs(hash(revise_yaml))}"
    if not target.exists():
        shutil.copytree(DATA_DIR, target)
        policy = yaml.safe_load((target / "policy.yaml").read_text(encoding="utf-8"))
        policy.update(policy_keys)
        (target / "policy.yaml").write_text(yaml.safe_dump(policy, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
        for path in (target / "benefits").glob("*.yaml"):
            entries = yaml.safe_load(path.read_text(encoding="utf-8"))
            for entry in entries:
                entry.update(revise.get(entry["id"], {}))
            path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_knowledge_base(target)


def _problems(case: Case, result: Assessment) -> list[str]:
    problems = []
    for benefit_id, exp in case.expect.items():
        got = result.result(benefit_id)
        if got.status != exp.status:
            problems.append(f"{benefit_id}: status {got.status}, expected {exp.status} "
                            f"(reasons: {[r.code + ':' + str(r.fact) for r in got.reasons]})")
            continue
        if "amount" in exp.model_fields_set:
            shown = got.amount if got.status in ("eligible", "competitive", "undetermined") else None
            if shown != _amount(exp.amount):
                problems.append(f"{benefit_id}: amount {shown}, expected {exp.amount}")
        problems += [f"{benefit_id}: {f} not among missing {list(got.missing)}" for f in exp.missing
                     if f not in got.missing]
        codes = [r.code for r in got.reasons]
        problems += [f"{benefit_id}: reason {c} not among {codes}" for c in exp.reasons if c not in codes]
        quota = next(((r.param("quota_min"), r.param("quota_max")) for r in got.reasons if r.code == "competitive"),
                     None)
        if exp.quota is not None and quota != exp.quota:
            problems.append(f"{benefit_id}: quota {quota}, expected {exp.quota}")
        if exp.assumption and not any(exp.assumption in a.zh for a in got.assumptions):
            problems.append(f"{benefit_id}: no assumption containing {exp.assumption!r}")
    if case.totals is not None:
        for name, got_total in (("eligible", result.eligible_total), ("competitive", result.competitive_total)):
            if name in case.totals.model_fields_set and got_total != _amount(getattr(case.totals, name)):
                problems.append(f"{name} total {got_total}, expected {getattr(case.totals, name)}")
    if case.state is not None and result.policy_state != case.state:
        problems.append(f"policy state {result.policy_state}, expected {case.state}")
    if case.assumption and not any(case.assumption in a.zh for a in result.assumptions):
        problems.append(f"no assessment assumption containing {case.assumption!r}")
    return problems


@pytest.mark.parametrize("raw", _cases())
def test_golden_case(raw: dict[str, Any], kb: KnowledgeBase, validity: Validity,
                     tmp_path_factory: pytest.TempPathFactory) -> None:
    case = Case.model_validate(raw)
    if case.revise or case.revise_policy:
        revise = {**case.revise, "__policy__": case.revise_policy}
        kb = _revised_kb(yaml.safe_dump(revise, sort_keys=True), str(tmp_path_factory.getbasetemp()))
    if case.published_on is not None:
        validity = policy_validity(kb, case.published_on)
    unknown = [b for b in case.expect if b not in {x.id for x in kb.benefits}]
    assert not unknown, f"no such benefit: {unknown}"
    result = assess(kb, validate_facts(kb, case.facts), case.as_of, validity)
    problems = _problems(case, result)
    assert not problems, "\n".join(problems)


def test_the_schema_refuses_a_misspelt_expectation() -> None:
    raw = {"name": "A case whose status key is misspelt", "as_of": "2025-01-01",
           "expect": {"china_patent_award": {"statsu": "eligible"}}}
    with pytest.raises(ValidationError, match="statsu"):
        Case.model_validate(raw)
    with pytest.raises(ValidationError, match="totls"):
        Case.model_validate({**raw, "expect": {"china_patent_award": {"status": "eligible"}}, "totls": {}})


def test_golden_cases_cover_every_benefit_and_status(kb: KnowledgeBase) -> None:
    seen_ids: set[str] = set()
    seen_status: set[str] = set()
    for _, raw in _raw_cases():
        case = Case.model_validate(raw)
        for benefit_id, exp in case.expect.items():
            seen_ids.add(benefit_id)
            seen_status.add(exp.status)
    assert {b.id for b in kb.benefits} <= seen_ids
    assert seen_status == set(get_args(Status))
    assert len(_raw_cases()) >= 40
