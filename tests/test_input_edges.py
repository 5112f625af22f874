"""Bad input at the doors of the CLI and the loader: a one-line message and exit code 2, never a traceback.

Each case was found by attacking the command as a careless or hostile user would: devices and pipes
instead of files, numbers with thousands of digits, nesting deeper than Python's recursion limit,
invalid UTF-8 in one line of a batch, and YAML 1.1's silent surprises (duplicate keys, base-60).
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from eligibility.profile import validate_facts
from knowledge.loader import DATA_DIR, KnowledgeBaseError, load_knowledge_base
from knowledge.models import KnowledgeBase
from knowledge.yaml_io import MAX_DEPTH, FileRefused, read_regular_file, safe_load


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue(), capsys.readouterr().err


@pytest.mark.parametrize("make", ["device", "fifo", "symlink to a device", "directory"])
def test_a_profile_that_is_not_a_regular_file_is_refused_at_once(
        make: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "profile.yaml"
    if make == "device":
        path = Path("/dev/zero")
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "symlink to a device":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    code, out, err = run(["assess", str(path)], capsys)
    assert code == 2 and out == ""
    assert "not a regular file" in err and "Traceback" not in err


def test_a_file_over_the_limit_is_read_only_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 5000)
    with pytest.raises(FileRefused, match="larger than 4096 bytes"):
        read_regular_file(path, 4096)
    assert read_regular_file(path, 5000) == b"#" * 5000


@pytest.mark.parametrize(("text", "value"), [
    ("a: yes", "yes"), ("a: no", "no"), ("a: on", "on"), ("a: off", "off"),
    ("a: 190:20:30", "190:20:30"), ("a: 0777", 777), ("a: 0o17", 15), ("a: 0x1F", 31),
    ("a: true", True), ("a: False", False), ("a: ~", None), ("a:", None), ("a: 1.5", 1.5),
    ("a: 2025-02-30", "2025-02-30"), ("a: 80万", "80万"), ("a: -3", -3),
])
def test_plain_scalars_are_read_the_yaml_1_2_way(text: str, value: object) -> None:
    assert safe_load(text) == {"a": value}


def test_a_duplicate_key_names_both_lines() -> None:
    with pytest.raises(Exception, match="duplicate key 'in_city': first on line 2, again on line 4"):
        safe_load("facts:\n  in_city: true\n  is_sme: true\n  in_city: false\n")


def test_nesting_deeper_than_the_limit_is_refused_before_recursion_fails() -> None:
    with pytest.raises(Exception, match=f"nested deeper than {MAX_DEPTH} levels"):
        safe_load("[" * 50_000 + "]" * 50_000)
    assert safe_load("[" * 10 + "]" * 10) == [[[[[[[[[[]]]]]]]]]]


@pytest.mark.parametrize(("profile", "message"), [
    ("facts:\n  in_city: true\n  in_city: false\n", "line 3, column 3: duplicate key 'in_city': first on line 2"),
    ("facts:\n  pledge_loan_interest_paid_yuan: 190:20:30\n", "cannot read '190:20:30' as an amount in yuan"),
    ("facts:\n  pledge_loan_interest_paid_yuan: " + "9" * 4000 + "\n",
     "a number of 4000 digits is implausibly large for an amount"),
    ("facts:\n  pledge_loan_interest_paid_yuan: " + "9" * 5000 + "\n", "a number with 5000 digits is too long"),
    ("[" * 50_000 + "]" * 50_000, "nested deeper than"),
])
def test_bad_profiles_get_one_line_and_exit_code_2(
        profile: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(profile, encoding="utf-8")
    code, out, err = run(["assess", str(path)], capsys)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_yes_in_a_profile_is_text_not_a_boolean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("facts:\n  entity_type: enterprise\n  in_city: yes\n", encoding="utf-8")
    code, out, err = run(["assess", str(path)], capsys)
    assert code == 2 and out == ""
    assert "in_city: expected true or false, got 'yes'" in err


def test_every_bad_line_of_a_batch_is_reported_and_the_rest_go_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = b'{"as_of": "2025-04-01", "facts": {"entity_type": "enterprise", "in_city": true, ' \
           b'"pledge_loan_interest_paid_yuan": 800000}}'
    lines = [
        good,
        b'{"facts": {"pledge_loan_interest_paid_yuan": ' + b"9" * 5000 + b"}}",
        b"[" * 30_000 + b"]" * 30_000,
        b'{"facts": {"entity_type": "\xff\xfe"}}',
        b'{"facts": {"pledge_loan_interest_paid_yuan": ' + b"9" * 4000 + b"}}",
        b'{"facts": ' + b" " * 200_000 + b"{}}",
        good,
    ]
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = run(["assess", "--batch", str(path)], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and len(rows) == 7
    assert rows[0]["as_of"] == "2025-04-01" and rows[6]["as_of"] == "2025-04-01"
    errors = {row["line"]: row["error"] for row in rows[1:6]}
    assert errors == {
        2: "not usable JSON: a number with thousands of digits",
        3: "nested too deeply",
        4: "not UTF-8 text (byte 28 of the line)",
        5: "pledge_loan_interest_paid_yuan: a number of 4000 digits is implausibly large for an amount",
        6: "line longer than 102400 bytes",
    }
    assert "Traceback" not in err and err.count("batch.jsonl:") == 5


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root


@pytest.mark.parametrize(("content", "message"), [
    ("[" * 50_000 + "]" * 50_000, "nested deeper than"),
    ("id: a\nid: b\n", "duplicate key 'id': first on line 1, again on line 2"),
    (None, "not a regular file"),
])
def test_kb_check_reports_a_broken_policy_file_with_its_name(
        content: str | None, message: str, kb_copy: Path) -> None:
    policy = kb_copy / "policy.yaml"
    policy.unlink()
    if content is None:
        policy.symlink_to("/dev/zero")
    else:
        policy.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(kb_copy)
    assert any(p.file.endswith("policy.yaml") and message in p.message for p in caught.value.problems)


@pytest.mark.parametrize("text", ["本金1000万", "每月10万", "10万/月", "每季度25万", "利息大概30来万"])
def test_an_amount_in_a_profile_is_a_figure_only_never_a_sentence_read_as_one(
        text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file has nobody to ask: words beside a figure (a principal, a period) are refused, not guessed."""
    path = tmp_path / "p.yaml"
    path.write_text(f"facts:\n  entity_type: enterprise\n  in_city: true\n  pledge_loan_interest_paid_yuan: {text}\n",
                    encoding="utf-8")
    code, out, err = run(["assess", str(path)], capsys)
    assert code == 2 and out == "" and "write the figure only" in err


@pytest.mark.parametrize(("text", "yuan"), [("80万", 800_000), ("1.2亿", 120_000_000), ("800,000元", 800_000),
                                           ("八十万", 800_000), ("¥ 300000", 300_000)])
def test_a_figure_with_its_unit_is_read(text: str, yuan: int, kb: KnowledgeBase) -> None:
    facts = validate_facts(kb, {"pledge_loan_interest_paid_yuan": text})
    assert facts == {"pledge_loan_interest_paid_yuan": yuan}
