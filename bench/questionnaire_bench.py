"""How many questions the adaptive questionnaire asks, against asking the whole fact catalogue.

A simulated user answers from a complete profile (bench/profiles.yaml); the count runs until
every benefit is settled. Also checks that no question was irrelevant to the applicant type.
Run: `make bench-questions` (or `python -m bench.questionnaire_bench [--json]`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from eligibility.evaluate import assess, policy_validity
from eligibility.profile import validate_facts
from eligibility.questionnaire import group_answer, plan, ticks
from eligibility.results import Facts
from knowledge.loader import load_knowledge_base
from knowledge.models import KnowledgeBase

PROFILES = Path(__file__).parent / "profiles.yaml"
AS_OF = date(2025, 3, 1)


def relevant_facts(kb: KnowledgeBase, entity_type: str | None) -> set[str]:
    """Facts a condition of some benefit open to this applicant type depends on."""
    out = {"entity_type", "in_city"}
    for b in kb.benefits:
        if b.is_info:
            continue
        if b.applicants == "any" or entity_type is None or entity_type in b.applicants:
            out |= {c.fact for c in kb.conditions_of(b)}
    return out


def askable_facts(kb: KnowledgeBase) -> set[str]:
    """The facts a questionnaire could ask: those some condition tests (a summary of others too). Facts
    only read when said (counts of items, years, conditions tested when said) are not a baseline question."""
    tested = {c.fact for conds in kb.all_conditions().values() for c in conds if not c.when_said}
    return {f.id for f in kb.facts.values() if f.id in tested or f.summary_of}


def simulate(kb: KnowledgeBase, truth: Facts) -> tuple[int, list[str], Facts]:
    validity = policy_validity(kb)
    known: Facts = {}
    skipped: list[str] = []
    asked: list[str] = []
    for _ in range(100):
        q, _left = plan(kb, known, AS_OF, validity, skipped=skipped, groups_done=asked)
        if q is None:
            break
        asked.append(q.id)
        if q.kind == "multi":
            known.update(group_answer(q, ticks(q, truth), kb))
        else:
            fact = q.facts[0]
            if fact in truth:
                known[fact] = truth[fact]
            else:
                skipped.append(fact)
    return len(asked), asked, known


def run() -> dict[str, Any]:
    kb = load_knowledge_base()
    validity = policy_validity(kb)
    profiles = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    rows = []
    by_type: dict[str, list[int]] = defaultdict(list)
    irrelevant_total = 0
    mismatches = 0
    t0 = time.perf_counter()
    for p in profiles:
        truth = validate_facts(kb, p["facts"])
        n, asked, known = simulate(kb, truth)
        et = str(truth.get("entity_type"))
        rel = relevant_facts(kb, et)
        asked_facts = [a for a in asked if not a.startswith("group:")]
        irrelevant = [a for a in asked_facts if a not in rel]
        irrelevant_total += len(irrelevant)
        final = assess(kb, known, AS_OF, validity)
        expected = assess(kb, truth, AS_OF, validity)
        same = [(r.status, r.amount) for r in final.results] == [(r.status, r.amount) for r in expected.results]
        mismatches += 0 if same else 1
        by_type[et].append(n)
        rows.append({"name": p["name"], "type": et, "questions": n, "irrelevant": irrelevant, "same_result": same})
    elapsed = time.perf_counter() - t0
    # Same-run baseline: the same adaptive engine without the screening ("tick all that apply") questions.
    singles_kb = kb.model_copy(update={"question_groups": []})
    singles = [simulate(singles_kb, validate_facts(kb, p["facts"]))[0] for p in profiles]
    catalogue = len(askable_facts(kb))
    counts = [r["questions"] for r in rows]
    return {
        "profiles": len(rows), "catalogue_facts": catalogue,
        "mean_questions": statistics.mean(counts), "max_questions": max(counts),
        "ratio_to_catalogue": statistics.mean(counts) / catalogue,
        "by_type": {k: statistics.mean(v) for k, v in sorted(by_type.items())},
        "mean_questions_without_groups": statistics.mean(singles),
        "irrelevant_questions": irrelevant_total, "results_differing_from_full_profile": mismatches,
        "ms_per_profile": elapsed / len(rows) * 1000, "rows": rows,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = run()
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
        return 0
    print(f"profiles: {r['profiles']}   fact catalogue (baseline: ask everything): {r['catalogue_facts']} questions")
    print("| applicant type | mean questions |")
    print("|---|---|")
    for k, v in r["by_type"].items():
        print(f"| {k} | {v:.1f} |")
    print(f"| **all** | **{r['mean_questions']:.1f}** (max {r['max_questions']}); "
          f"{r['ratio_to_catalogue']:.0%} of the catalogue |")
    print(f"same engine without screening questions: {r['mean_questions_without_groups']:.1f} questions "
          f"({r['mean_questions'] / r['mean_questions_without_groups']:.2f}× as many with them)")
    print(f"irrelevant questions asked: {r['irrelevant_questions']}; final results differing from the "
          f"full profile: {r['results_differing_from_full_profile']}; {r['ms_per_profile']:.1f} ms per profile")
    ok = r["ratio_to_catalogue"] <= 1 / 3 and r["irrelevant_questions"] == 0
    print("target (mean <= 1/3 of the catalogue, no irrelevant question):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
