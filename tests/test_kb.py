"""The knowledge base loads, quotes the policy verbatim, and a broken one is reported precisely."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loader import DATA_DIR, KnowledgeBaseError, load_knowledge_base
from knowledge.models import KnowledgeBase

POLICY_TEXT = Path(__file__).parents[2] / "shared" / "policy" / "sjz-ip-policy-2022.txt"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_clause_and_benefit_is_there(kb: KnowledgeBase) -> None:
    assert len(kb.benefits) == 33
    refs = {b.ref for b in kb.benefits}
    assert refs == {"1", "2", "3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "6", "7", "8", "9", "10",
                    "11", "12", "13", "general"}
    assert [b.id for b in kb.benefits if b.ref == "3"] == ["madrid_trademark", "well_known_trademark",
                                                           "geographical_indication"]
    assert sum(1 for b in kb.benefits if b.is_info) == 4
    assert kb.policy.document_number.endswith("〔2022〕93号")


@pytest.mark.skipif(not POLICY_TEXT.exists(), reason="the shared policy text is not beside this checkout")
def test_clause_texts_are_verbatim_quotes_of_the_policy(kb: KnowledgeBase) -> None:
    policy = squash(POLICY_TEXT.read_text(encoding="utf-8"))
    for ref, clause in kb.policy.clauses.items():
        assert squash(clause.text) in policy, ref


def test_no_amount_of_the_policy_is_written_in_python() -> None:
    """Amounts live in YAML: none of the policy's figures appears as a literal in the engine or bot."""
    figures = {"500000", "300000", "100000", "1000000", "2000000", "3000000", "50000", "150000", "200000",
               "20000"}
    root = Path(__file__).parents[1]
    for package in ("eligibility", "bot"):
        for path in (root / package).rglob("*.py"):
            if path.name == "parsing.py":  # number units (万 = 10000, million), not policy amounts
                continue
            code = re.sub(r"#.*", "", path.read_text(encoding="utf-8"))
            for figure in figures:
                assert not re.search(rf"(?<![\w.]){re.escape(figure)}(?![\w.])", code.replace("_", "")), \
                    f"{path.name} contains the figure {figure}"


def copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def problems_for(root: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(root)
    return [str(p) for p in info.value.problems]


def test_an_unknown_fact_in_a_condition_names_file_path_and_line(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "2_finance.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("fact: pledge_loan_interest_paid_yuan\n      gt: 0",
                                 "fact: pledge_interest\n      gt: 0"), encoding="utf-8")
    line = next(i for i, x in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "pledge_interest\n" in
                x + "\n")
    problems = problems_for(root)
    assert any(("benefits/2_finance.yaml" in p and "[2].conditions[0]" in p and "unknown fact 'pledge_interest'" in p
               and f":{line - 1}:" in p) or f":{line}:" in p for p in problems), problems


def test_a_typo_in_a_key_a_bad_amount_and_a_bad_ref_are_all_reported(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "1_creation.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("amount: {kind: fixed, value: 500000}", "amount: {kind: fixed, value: -5}", 1)
    text = text.replace('ref: "2"', 'ref: "2.9"', 1)
    text = text.replace("  summary:", "  sumary:", 1)
    path.write_text(text, encoding="utf-8")
    problems = "\n".join(problems_for(root))
    assert "amount.value" in problems and "greater than or equal to 0" in problems
    assert "sumary" in problems
    assert "ref '2.9' is not a clause" in problems


def test_a_source_that_is_not_verbatim_is_refused(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "1_creation.yaml"
    text = path.read_text(encoding="utf-8").replace("市政府一次性给予 10 万元奖励", "市政府一次性给予 20 万元奖励", 1)
    path.write_text(text, encoding="utf-8")
    assert any("not a verbatim quote of clause 3" in p for p in problems_for(root))


def test_malformed_yaml_and_a_yaml_bomb_are_refused_quickly(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    (root / "facts.yaml").write_text("- id: entity_type\n  type: [unclosed\n", encoding="utf-8")
    assert any("facts.yaml" in p and "not valid YAML" in p for p in problems_for(root))
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b]\n'
    (root / "facts.yaml").write_text(bomb, encoding="utf-8")
    assert any("aliases" in p for p in problems_for(root))


def test_kb_check_command_exits_2_with_the_problems(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "4_services_protection.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("applicants: [market_operator]",
                                                             "applicants: [market]", 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check", str(root)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "4_services_protection.yaml:" in done.stderr and "unknown applicant type 'market'" in done.stderr
    ok = subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check"], capture_output=True, text=True,
                        timeout=60, check=False)
    assert ok.returncode == 0 and "33 entries" in ok.stdout


def test_the_engine_does_not_import_telegram_or_io_libraries() -> None:
    code = ("import sys, pkgutil, importlib, eligibility; "
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(eligibility.__path__, 'eligibility.')]; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('telegram', 'sqlalchemy', 'bot', 'httpx', 'aiohttp', 'sqlite3', 'aiosqlite', 'asyncpg')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_missing_tier_and_an_impossible_choice_value_are_caught(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "1_creation.yaml"
    text = path.read_text(encoding="utf-8").replace(", excellent: 100000}", "}", 1)
    path.write_text(text, encoding="utf-8")
    groups = root / "benefits" / "4_services_protection.yaml"
    groups.write_text(groups.read_text(encoding="utf-8").replace("in: [national]", "equals: platinum", 1),
                      encoding="utf-8")
    problems = "\n".join(problems_for(root))
    assert "no amount for excellent of china_patent_award_last_year" in problems
    assert "'platinum' is not an option of standardized_market" in problems


def test_not_with_must_name_another_benefit(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "3_industry.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("not_with: [national_ip_demo_enterprise]",
                                                             "not_with: [demo_enterprise]"), encoding="utf-8")
    assert any("not_with names 'demo_enterprise'" in p for p in problems_for(root))


# -- vocabulary (knowledge/data/vocabulary/*.yaml): words are validated like the law ----------------


def _line(path: Path, needle: str) -> int:
    return next(i for i, x in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in x)


def test_a_vocabulary_entry_naming_an_unknown_fact_option_or_intent_names_file_line_and_path(
        tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    facts = root / "vocabulary" / "facts.yaml"
    text = facts.read_text(encoding="utf-8").replace("is_exporter:\n", "is_exportr:\n", 1)
    text = text.replace("    gold: [", "    golden: [", 1)
    facts.write_text(text, encoding="utf-8")
    intents = root / "vocabulary" / "intents.yaml"
    intents.write_text(intents.read_text(encoding="utf-8").replace("- intent: thanks", "- intent: thank", 1),
                       encoding="utf-8")
    problems = problems_for(root)
    assert f"data/vocabulary/facts.yaml:{_line(facts, 'is_exportr:')}: is_exportr: unknown fact 'is_exportr'" \
        in "\n".join(problems), problems
    assert any(f"vocabulary/facts.yaml:{_line(facts, 'golden:')}: china_patent_award_last_year.options.golden: "
               "'golden' is not an option" in p for p in problems), problems
    where = f"vocabulary/intents.yaml:{_line(intents, '- intent: thank')}:"
    assert any(where in p and "intents[" in p and "].intent" in p for p in problems), problems


def test_an_applicant_word_for_an_unknown_type_is_reported(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "vocabulary" / "applicants.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("entity_type: university", "entity_type: school", 1),
                    encoding="utf-8")
    assert any("applicants.yaml" in p and "unknown applicant type 'school'" in p for p in problems_for(root))


def test_the_vocabulary_fills_the_words_code_reads(kb: KnowledgeBase) -> None:
    """Mentions, option aliases and benefit aliases come from the vocabulary files, not the legal entries."""
    assert "马德里" in kb.facts["new_madrid_registration"].mentions
    assert "律所" in next(o for o in kb.facts["entity_type"].options if o.id == "service_agency").aliases
    assert "贴息" in kb.benefit("pledge_loan_interest").aliases
    assert {p.name for p in kb.places.inside} >= {"长安区", "正定县", "辛集市", "石家庄高新技术产业开发区"}
