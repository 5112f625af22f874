"""`ipbot assess` as a help-desk officer runs it: reports, the JSON contract, batches and bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue(), capsys.readouterr().err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


SME = """as_of: 2025-04-01
facts:
  entity_type: enterprise
  in_city: true
  industry: biomedicine_health
  china_patent_award_last_year: silver
  pledge_loan_interest_paid_yuan: "80万"
  securitization_originator_issues_yuan: [50000000, 150000000]
"""


def test_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["assess", write(tmp_path, "p.yaml", SME), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2025-04-01"
    assert data["policy"]["valid"] is True and data["policy"]["valid_until"] == "2027-12-30"
    by_id = {b["id"]: b for b in data["benefits"]}
    assert len(by_id) == 39
    assert by_id["china_patent_award"]["status"] == "eligible"
    assert by_id["china_patent_award"]["amount"] == {"min": 300000, "max": 300000}
    assert by_id["pledge_loan_interest"]["amount"] == {"min": 400000, "max": 400000}
    assert by_id["securitization_originator"]["amount"] == {"min": 3000000, "max": 3000000}
    assert by_id["madrid_trademark"]["status"] == "undetermined"
    assert set(by_id["madrid_trademark"]["missing"]) == {"is_exporter", "new_madrid_registration"}
    assert by_id["ip_operation_fund"]["status"] == "info" and by_id["ip_operation_fund"]["amount"] is None
    assert by_id["ip_legal_aid"]["status"] == "ineligible" and by_id["ip_legal_aid"]["reasons"]
    market = by_id["standardized_market_national"]
    assert market["status"] == "undetermined" and "政策未写明申请主体" in market["reasons"][0]
    assert "质押贷款" in by_id["pledge_loan_interest"]["source"]
    assert data["totals"]["eligible"] == {"min": 3700000, "max": 3700000}
    assert any("2027" in a for a in data["assumptions"])


def test_readable_report_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.yaml", SME)
    code, zh, _ = run(["assess", path], capsys)
    assert code == 0
    assert "符合条件" in zh and "预计可获得：370万元" in zh and "原文（四）1：" in zh
    code, en, _ = run(["assess", path, "--lang", "en"], capsys)
    assert "Expected: 3,700,000 yuan" in en and "Eligible" in en


def test_an_expired_policy_pays_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.yaml", SME.replace("as_of: 2025-04-01", "as_of: 2028-01-01"))
    code, out, _ = run(["assess", path, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["policy"]["valid"] is False
    assert data["totals"]["eligible"] == {"min": 0, "max": 0}
    assert all(b["status"] in ("ineligible", "info") for b in data["benefits"])
    code, report, _ = run(["assess", path], capsys)
    assert code == 0 and "已于2027-12-30到期" in report


def test_before_the_start_the_report_says_not_yet_in_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.yaml", SME.replace("as_of: 2025-04-01", "as_of: 2021-06-30"))
    code, out, _ = run(["assess", path, "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["policy"]["state"] == "not_started" and data["policy"]["valid_from"] == "2022-01-01"
    assert data["totals"]["eligible"] == {"min": 0, "max": 0}
    code, report, _ = run(["assess", path], capsys)
    assert "政策尚未实施" in report and "已于" not in report
    code, en, _ = run(["assess", path, "--lang", "en"], capsys)
    assert "not yet in force" in en and "expired on" not in en


def test_the_published_date_setting_moves_both_ends(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPBOT_POLICY_PUBLISHED_ON", "2022-10-15")
    path = write(tmp_path, "p.yaml", SME.replace("as_of: 2025-04-01", "as_of: 2027-10-14"))
    data = json.loads(run(["assess", path, "--json"], capsys)[1])
    assert data["policy"]["valid_from"] == "2022-10-15" and data["policy"]["valid_until"] == "2027-10-14"
    assert data["policy"]["valid"] is True and data["policy"]["valid_until_assumed"] is False


def test_unseen_profiles_get_the_corrected_readings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Profiles this suite was not written around: a large buyer of patents, two awards, a station."""
    text = """as_of: 2026-03-02
facts:
  entity_type: enterprise
  in_city: true
  is_sme: false
  acquired_patent_technology: true
  china_patent_award_last_year: [silver, excellent]
  runs_trademark_guidance_station: true
  securitization_originator_issues_yuan: ["3000万"]
  securitization_financing_yuan: 30000000
"""
    data = json.loads(run(["assess", write(tmp_path, "p.yaml", text), "--json"], capsys)[1])
    by_id = {b["id"]: b for b in data["benefits"]}
    assert by_id["ip_transfer"]["status"] == "ineligible"
    assert by_id["china_patent_award"]["amount"] == {"min": 300000, "max": 400000}
    station = by_id["trademark_guidance_station"]
    assert station["status"] == "undetermined" and any("政策未写明申请主体" in r for r in station["reasons"])
    assert by_id["securitization_originator"]["amount"] == {"min": 0, "max": 600000}
    assert by_id["securitization_financing"]["amount"] == {"min": 900000, "max": 900000}
    assert data["totals"]["eligible"] == {"min": 1200000, "max": 1900000}


def test_a_supported_direction_has_no_amount_and_counts_in_no_total(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = "facts: {entity_type: university, in_city: true, licensed_out_patents: true}\n"
    path = write(tmp_path, "p.yaml", text)
    data = json.loads(run(["assess", path, "--json"], capsys)[1])
    outbound = {b["id"]: b for b in data["benefits"]}["ip_transfer_outbound"]
    assert outbound["status"] == "supported" and outbound["amount"] is None
    assert data["totals"]["eligible"] == {"min": 0, "max": 0}
    report = run(["assess", path], capsys)[1]
    assert "政策支持此类工作，标准待实施细则" in report and "达到条件即可获得）\n• 高校院所" not in report


@pytest.mark.parametrize(("number", "typed"), [(0.5, "0.5元"), (1.5, "1.5元"), (2.5, "2.5元"), (999.49, "999.49元")])
def test_a_figure_is_rounded_alike_as_a_number_and_as_text(number: float, typed: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    amounts = []
    for value in (number, typed):
        text = json.dumps({"facts": {"entity_type": "enterprise", "in_city": True,
                                     "pledge_loan_interest_paid_yuan": value}})
        data = json.loads(run(["assess", write(tmp_path, "p.json", text), "--json"], capsys)[1])
        amounts.append({b["id"]: b for b in data["benefits"]}["pledge_loan_interest"]["amount"])
    assert amounts[0] == amounts[1]


@pytest.mark.parametrize(("text", "message"), [
    ("facts: {pledge_interest: 5}\n", "pledge_interest: unknown fact id"),
    ("facts: {in_city: maybe}\n", "in_city: expected true or false"),
    ("facts: {pledge_loan_interest_paid_yuan: -5}\n", "cannot be negative"),
    ("facts: {pledge_loan_interest_paid_yuan: 很多}\n", "cannot read '很多' as an amount"),
    ("facts: {entity_type: company}\n", "expected one of enterprise"),
    ("facts: {china_patent_award_last_year: [gold, platinum]}\n", "expected a list of gold, silver, excellent, none"),
    ("facts: {china_patent_award_last_year: bronze}\n", "(or a list of them, one per award)"),
    ("facts: {industry: [next_gen_it, other]}\n", "expected one of next_gen_it"),
    ("as_of: 2025-02-30\nfacts: {}\n", "not a valid date"),
    ("facts: [1, 2]\n", "'facts' must be a mapping"),
    ("- just\n- a list\n", "a profile is a mapping"),
    ("facts: {in_city: true\n", "not valid YAML"),
    ("a: &a [x,x,x,x,x,x,x,x]\nb: [*a,*a,*a,*a,*a,*a,*a,*a]\n", "aliases"),
])
def test_bad_profiles_get_a_clear_error_and_exit_2(text: str, message: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["assess", write(tmp_path, "bad.yaml", text)], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""


def test_missing_and_huge_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["assess", str(tmp_path / "nope.yaml")], capsys)
    assert code == 2 and "cannot read" in err
    huge = tmp_path / "huge.yaml"
    huge.write_text("facts: {}\n" + "#" * (2 << 20), encoding="utf-8")
    code, _, err = run(["assess", str(huge)], capsys)
    assert code == 2 and "larger than" in err


def test_batch_keeps_order_and_reports_bad_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        {"id": "a", "as_of": "2025-01-01", "facts": {"entity_type": "enterprise", "in_city": True,
                                                     "pledge_loan_interest_paid_yuan": 3000000}},
        "this is not json",
        {"id": "c", "facts": {"in_city": "yes"}},
        {"id": "d", "as_of": "2025-01-01", "facts": {"entity_type": "market_operator", "in_city": True,
                                                     "standardized_market": "municipal"}},
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    code, out, err = run(["assess", "--batch", write(tmp_path, "b.jsonl", text)], capsys)
    assert code == 2
    results = [json.loads(x) for x in out.splitlines()]
    assert len(results) == 4
    first = {b["id"]: b for b in results[0]["benefits"]}
    assert results[0]["id"] == "a" and first["pledge_loan_interest"]["amount"] == {"min": 1000000, "max": 1000000}
    assert results[1]["line"] == 2 and "not valid JSON" in results[1]["error"]
    assert results[2]["line"] == 3 and "in_city" in results[2]["error"]
    last = {b["id"]: b for b in results[3]["benefits"]}
    assert last["standardized_market_municipal"]["status"] == "competitive"
    assert "b.jsonl:2:" in err and "b.jsonl:3:" in err


def test_amount_lists_may_be_written_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = 'facts: {entity_type: enterprise, in_city: true, securitization_originator_issues_yuan: "5000万，1.5亿"}\n'
    code, out, _ = run(["assess", write(tmp_path, "p.yaml", text), "--json"], capsys)
    assert code == 0
    by_id = {b["id"]: b for b in json.loads(out)["benefits"]}
    assert by_id["securitization_originator"]["amount"] == {"min": 3000000, "max": 3000000}


def test_an_env_file_copied_from_the_example_works(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).parents[1] / ".env.example"
    (tmp_path / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for var in ("IPBOT_POLICY_PUBLISHED_ON", "IPBOT_KB_DIR", "TELEGRAM_BOT_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    code, out, _ = run(["kb", "check"], capsys)
    assert code == 0 and "39 entries" in out
