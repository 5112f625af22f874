"""The knowledge base loads, quotes the policy verbatim, and a broken one is reported precisely."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from fakes.kb import copied_kb as copy_kb
from fakes.kb import kb_problems as problems_for
from fakes.kb import line_of as _line
from knowledge.models import KnowledgeBase

POLICY_TEXT = next((p / "shared" / "policy" / "sjz-ip-policy-2022.txt" for p in Path(__file__).parents
                    if (p / "shared" / "policy" / "sjz-ip-policy-2022.txt").exists()),
                   Path(__file__).parents[2] / "shared" / "policy" / "sjz-ip-policy-2022.txt")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_clause_and_benefit_is_there(kb: KnowledgeBase) -> None:
    assert len(kb.benefits) == 39
    refs = {b.ref for b in kb.benefits}
    assert refs == {"1", "2", "3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "6", "7", "8", "9", "10",
                    "11", "12", "13", "general"}
    assert [b.id for b in kb.benefits if b.ref == "3"] == ["madrid_trademark", "well_known_trademark",
                                                           "geographical_indication"]
    assert sum(1 for b in kb.benefits if b.is_info) == 6
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
    text = text.replace("{kind: fixed, value: 500000,", "{kind: fixed, value: -5,", 1)
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
    assert ok.returncode == 0 and "39 entries" in ok.stdout


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


def line_of(path: Path, needle: str) -> int:
    return next(i for i, x in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in x)


def test_an_exclusion_group_naming_an_unknown_benefit_is_reported_with_its_line(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "policy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "benefits: [national_ip_demo_enterprise, national_ip_advantage_enterprise]",
        "benefits: [national_ip_demo_enterprise, demo_enterprise]"), encoding="utf-8")
    line = line_of(path, "demo_enterprise]")
    problems = problems_for(root)
    assert any(f"policy.yaml:{line}:" in p and "no_double_subsidy.exclusions[0].benefits[1]" in p
               and "unknown benefit 'demo_enterprise'" in p for p in problems), problems


def test_not_with_is_refused_in_favour_of_the_exclusion_groups(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "3_industry.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "- id: national_ip_advantage_enterprise\n",
        "- id: national_ip_advantage_enterprise\n  not_with: [national_ip_demo_enterprise]\n")
    path.write_text(text, encoding="utf-8")
    assert any("not_with is replaced by no_double_subsidy.exclusions" in p for p in problems_for(root))


def test_the_assumed_end_must_follow_from_the_latest_publication_date(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "policy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("assumed_valid_until: 2027-12-30",
                                                             "assumed_valid_until: 2027-12-31"), encoding="utf-8")
    problems = problems_for(root)
    assert any("validity.assumed_valid_until" in p and "the last day in force is 2027-12-30" in p
               for p in problems), problems


def test_dated_values_are_validated_with_file_line_and_path(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "2_finance.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "cap: 1000000, cap_scope: per_enterprise_per_year}",
        "cap: [{since: 2025-07-01, value: 1500000}, {since: 2022-01-01, value: 1000000}], "
        "cap_scope: per_enterprise_per_year}")
    text = text.replace("cap: 3000000, cap_scope: per_enterprise}",
                        "cap: [{since: 2025-02-30, value: 3000000}], cap_scope: per_enterprise}")
    path.write_text(text, encoding="utf-8")
    problems = "\n".join(problems_for(root))
    assert "[2].amount" in problems and "in order of their since dates" in problems, problems
    assert "[1].amount.cap[0].since" in problems, problems


def test_a_plain_number_that_is_negative_is_reported_once_without_the_dated_alternative(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "3_industry.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{kind: fixed, value: 150000,",
                                                             "{kind: fixed, value: -1,", 1), encoding="utf-8")
    problems = [p for p in problems_for(root) if "amount.value" in p]
    assert len(problems) == 1 and "greater than or equal to 0" in problems[0], problems


def test_an_entry_without_an_amount_must_be_supported_or_info(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "3_industry.yaml"
    text = path.read_text(encoding="utf-8").replace("award: {mode: supported}", "award: {mode: conditional}", 1)
    path.write_text(text, encoding="utf-8")
    assert any("is award mode supported" in p for p in problems_for(root))


def test_several_awards_need_their_reading_and_an_applicant_reading_needs_a_list(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "1_creation.yaml"
    text = path.read_text(encoding="utf-8").replace("    several: {min: highest, max: each}\n", "")
    text = text.replace("  applicants: any\n", "  applicants: any\n  applicant_reading: {zh: 任何, en: any}\n", 1)
    path.write_text(text, encoding="utf-8")
    problems = "\n".join(problems_for(root))
    assert "china_patent_award_last_year may hold several values" in problems
    assert "an applicant reading needs the list of applicants" in problems


def test_the_knowledge_base_states_its_readings_as_data(kb: KnowledgeBase) -> None:
    """Issue 11: start and end of validity, rounding, exclusions, readings of applicants the text does not name."""
    v = kb.policy.validity
    assert (v.published_on, v.earliest_start, v.assumed_valid_until) == (None, date(2022, 1, 1), date(2027, 12, 30))
    assert kb.policy.rounding.figures == "half_up" and kb.policy.rounding.payments == "down"
    assert kb.policy.no_double_subsidy.competitive_displaces_conditional is False
    named = {"madrid_trademark", "securitization_financing", "pledge_loan_interest", "patent_industrialization",
             "gi_mark_use", "ip_certification", "national_ip_demo_enterprise", "national_ip_advantage_enterprise",
             "ip_legal_aid", "overseas_risk_warning", "ip_transfer", "ip_transfer_outbound",
             "ip_transfer_data_matchmaking", "ip_transfer_pledge_services", "ip_transfer_product_filing"}
    for b in kb.benefits:
        if b.applicants == "any" or b.is_info:
            continue
        assert (b.applicant_reading is None) == (b.id in named), b.id
    assert [b.id for b in kb.benefits if b.award.mode == "supported"] == [
        "ip_transfer", "ip_transfer_outbound", "ip_transfer_data_matchmaking", "ip_transfer_pledge_services",
        "ip_transfer_product_filing"]


def test_a_per_item_count_names_a_count_fact_says_the_count_and_caps_at_the_quota(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    path = root / "benefits" / "3_industry.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("count: {fact: trademark_guidance_station_count, most: 10,",
                        "count: {fact: application_year, most: 9,", 1)
    text = text.replace("您说有{n}个指导站", "您说有几个指导站", 1)
    path.write_text(text, encoding="utf-8")
    problems = "\n".join(problems_for(root))
    assert "count needs a number fact counting from 1 (not a year), got 'application_year'" in problems
    assert "put {n} in both languages" in problems
    assert "most should be 10" in problems


def test_unnamed_applicants_and_year_facts_are_checked(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    policy = root / "policy.yaml"
    text = policy.read_text(encoding="utf-8").replace("    near: [enterprise]\n", "    near: [company]\n", 1)
    text = text.replace("application_year: application_year", "application_year: pledge_loan_interest_year", 1)
    policy.write_text(text, encoding="utf-8")
    finance = root / "benefits" / "2_finance.yaml"
    finance.write_text(finance.read_text(encoding="utf-8").replace(
        "fact: pledge_loan_interest_year", "fact: application_year", 1), encoding="utf-8")
    problems = "\n".join(problems_for(root))
    assert "'company' is not an entity_type option" in problems
    assert "'pledge_loan_interest_year' is not a year fact with year_of: application" in problems
    assert "'application_year' is not a year fact with year_of: event" in problems


def test_applicants_the_text_never_names_are_options_read_when_said_not_buttons(kb: KnowledgeBase) -> None:
    """个人, 个体工商户, 合作社: each has its reading in policy.yaml and no button (事业单位 is asked about)."""
    options = {o.id: o for o in kb.facts["entity_type"].options}
    unnamed = kb.policy.unnamed_applicants
    assert set(unnamed) == {o for o, opt in options.items() if opt.volunteered}
    assert set(unnamed) == {"individual", "individual_business", "cooperative"}
    assert not unnamed["individual"].organisation and not unnamed["individual_business"].organisation


# -- vocabulary (knowledge/data/vocabulary/*.yaml): words are validated like the law ----------------


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
