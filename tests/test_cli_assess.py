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
    assert data["policy"]["valid"] is True and data["policy"]["valid_until"] == "2027-12-31"
    by_id = {b["id"]: b for b in data["benefits"]}
    assert len(by_id) == 35
    assert by_id["china_patent_award"]["status"] == "eligible"
    assert by_id["china_patent_award"]["amount"] == {"min": 300000, "max": 300000}
    assert by_id["pledge_loan_interest"]["amount"] == {"min": 400000, "max": 400000}
    assert by_id["securitization_originator"]["amount"] == {"min": 3000000, "max": 3000000}
    assert by_id["madrid_trademark"]["status"] == "undetermined"
    assert set(by_id["madrid_trademark"]["missing"]) == {"is_exporter", "new_madrid_registration"}
    assert by_id["ip_operation_fund"]["status"] == "info" and by_id["ip_operation_fund"]["amount"] is None
    assert by_id["standardized_market_national"]["status"] == "ineligible"
    assert by_id["standardized_market_national"]["reasons"]
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
    assert code == 0 and "已于2027-12-31到期" in report


@pytest.mark.parametrize(("text", "message"), [
    ("facts: {pledge_interest: 5}\n", "pledge_interest: unknown fact id"),
    ("facts: {in_city: maybe}\n", "in_city: expected true or false"),
    ("facts: {pledge_loan_interest_paid_yuan: -5}\n", "cannot be negative"),
    ("facts: {pledge_loan_interest_paid_yuan: 很多}\n", "cannot read '很多' as an amount"),
    ("facts: {entity_type: company}\n", "expected one of enterprise"),
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
    assert code == 0 and "35 entries" in out
