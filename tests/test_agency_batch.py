"""Batch matching from Excel, as agency staff use it: the template filled as a person types, assessed,
and the results workbook read back; every row must equal `ipbot assess` on the same facts."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from bot.agency.columns import AS_OF_HEADER
from bot.agency.sheets import read_rows
from bot.cli import main
from bot.present.i18n import Catalog
from knowledge.models import Fact, KnowledgeBase

PROFILES = yaml.safe_load((Path(__file__).parent.parent / "bench" / "profiles.yaml").read_text("utf-8"))
YES_WORDS = ["是", "有", "是的", "对", "有的"]
NO_WORDS = ["否", "没有", "无", "不是", "没"]


def typed_money(rng: random.Random, yuan: int) -> object:
    """An amount as people type it: 80万, 1.2亿, a plain number, or 没有 for nothing."""
    if yuan == 0:
        return rng.choice(["0", "没有", 0])
    if yuan >= 100_000_000 and yuan % 10_000_000 == 0:
        return f"{yuan / 100_000_000:g}亿"
    if yuan % 1000 == 0 and rng.random() < 0.7:
        return f"{yuan / 10_000:g}万"
    return yuan if rng.random() < 0.5 else str(yuan)


def typed(rng: random.Random, fact: Fact, value: Any) -> object:
    if fact.type == "bool":
        return rng.choice(YES_WORDS if value else NO_WORDS)
    if fact.type == "choice":
        option = next(o for o in fact.options if o.id == value)
        return rng.choice([option.label.zh, option.label.zh, *option.aliases[:2]])
    if fact.type == "money":
        return typed_money(rng, int(value))
    if not value:
        return rng.choice(["没有", "无"])
    return "，".join(str(typed_money(rng, int(v))) for v in value)


def fill_template(kb: KnowledgeBase, template: Path, filled: Path, profiles: list[dict[str, Any]],
                  seed: int = 17) -> None:
    """Open the template as a spreadsheet program would and type one profile per row."""
    rng = random.Random(seed)
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    by_question = {f.question.zh: f for f in kb.facts.values()}
    for n, profile in enumerate(profiles):
        row = n + 2
        sheet.cell(row, headers.index("企业名称") + 1, profile["name"])
        sheet.cell(row, headers.index("统一社会信用代码") + 1, f"91130100MA{n:07d}X")
        sheet.cell(row, headers.index("联系电话") + 1, 13800000000 + n)
        if "as_of" in profile:
            sheet.cell(row, headers.index(AS_OF_HEADER) + 1, profile["as_of"])
        for col, header in enumerate(headers, start=1):
            fact = by_question.get(str(header))
            if fact is not None and fact.id in profile["facts"]:
                sheet.cell(row, col, typed(rng, fact, profile["facts"][fact.id]))
    book.save(filled)


def cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def expected_results(tmp_path: Path, profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`ipbot assess` on the same facts (its JSON-lines batch, one profile per line)."""
    lines = tmp_path / "profiles.jsonl"
    lines.write_text("".join(json.dumps({"facts": p["facts"], **({"as_of": p["as_of"]} if "as_of" in p else {})},
                                        default=str) + "\n" for p in profiles), encoding="utf-8")
    code, out = cli(["assess", "--batch", str(lines)])
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def amount_shown(amount: dict[str, int] | None) -> object:
    if amount is None:
        return None
    return amount["max"] if amount["min"] == amount["max"] else f"{amount['min']}–{amount['max']}"


def sheet_rows(path: Path, name: str) -> list[dict[str, Any]]:
    book = load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    book.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def check_row_equals(row: dict[str, Any], expected: dict[str, Any], catalog: Catalog) -> None:
    label = {catalog.t("zh", f"status.{s}"): s for s in ("eligible", "competitive", "supported", "undetermined",
                                                         "ineligible")}
    for b in expected["benefits"]:
        if b["status"] == "info":
            continue
        status_col = next(h for h in row if h.endswith(f" {b['title']}：状态"))
        amount_col = next(h for h in row if h.endswith(f" {b['title']}：金额（元）"))
        assert label[row[status_col]] == b["status"], (row["企业名称"], b["id"])
        assert row[amount_col] == amount_shown(b["amount"]), (row["企业名称"], b["id"])
    assert row["符合条件合计（元，最低）"] == expected["totals"]["eligible"]["min"]
    assert row["符合条件合计（元，最高）"] == expected["totals"]["eligible"]["max"]
    assert row["择优评审项目合计（元，最高）"] == expected["totals"]["competitive"]["max"]
    assert row["测评日期"] == expected["as_of"]


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "模板.xlsx"
    code, out = cli(["template", "-o", str(path)])
    assert code == 0 and "模板.xlsx" in out
    return path


def test_the_template_has_a_column_per_fact_drop_downs_and_instructions(kb: KnowledgeBase, template: Path) -> None:
    book = load_workbook(template)
    data = book.worksheets[0]
    headers = [c.value for c in data[1]]
    assert headers[:4] == ["企业名称", "统一社会信用代码", "联系人", "联系电话"]
    assert AS_OF_HEADER in headers
    assert {f.question.zh for f in kb.facts.values()} <= set(headers)
    lists = {re.match(r"[A-Z]+", str(dv.sqref))[0]: dv for dv in data.data_validations.dataValidation
             if dv.type == "list"}
    lists_sheet = book["选项"]
    award_col = headers.index(kb.facts["china_patent_award_last_year"].question.zh) + 1
    from openpyxl.utils import get_column_letter

    formula = lists[get_column_letter(award_col)].formula1
    cells = lists_sheet[formula.split("!")[1].replace("$", "")]
    assert [c[0].value for c in cells] == [o.label.zh for o in kb.facts["china_patent_award_last_year"].options]
    in_city_col = get_column_letter(headers.index(kb.facts["in_city"].question.zh) + 1)
    yes_no = lists_sheet[lists[in_city_col].formula1.split("!")[1].replace("$", "")]
    assert [c[0].value for c in yes_no] == ["是", "否", "不确定"]
    instructions = [r[1] for r in book["填写说明"].iter_rows(values_only=True)]
    assert set(kb.facts) <= set(instructions)  # every fact id explained


def test_a_filled_template_is_assessed_as_ipbot_assess_would(kb: KnowledgeBase, catalog: Catalog, template: Path,
                                                              tmp_path: Path) -> None:
    profiles = [dict(p) for p in PROFILES]
    profiles[0] = {**profiles[0], "as_of": "2025-04-01"}
    profiles[1] = {**profiles[1], "as_of": "2030-01-01"}  # after the validity: nothing eligible
    filled, result = tmp_path / "filled.xlsx", tmp_path / "结果.xlsx"
    fill_template(kb, template, filled, profiles)
    # rows without a date are dated by the clock: `assess` runs before and after the batch, so a run that
    # crosses midnight compares each row with the day it was dated (a busy machine's run once did)
    expected_before = expected_results(tmp_path, profiles)
    code, out = cli(["assess", "--batch", str(filled), "-o", str(result)])
    assert code == 0, out
    assert f"{len(profiles)} of {len(profiles)} rows assessed, 0 problem(s)" in out

    rows = sheet_rows(result, "测评结果")
    expected = expected_results(tmp_path, profiles)
    assert len(rows) == len(expected) == len(profiles)
    for n, (row, exp, exp_before) in enumerate(zip(rows, expected, expected_before, strict=True)):
        assert row["企业名称"] == profiles[n]["name"]
        assert row["统一社会信用代码"] == f"91130100MA{n:07d}X"
        assert row["联系电话"] == 13800000000 + n
        assert row["原表行号"] == n + 2
        check_row_equals(row, exp if row["测评日期"] == exp["as_of"] else exp_before, catalog)
    assert sheet_rows(result, "错误") == []

    summary = list(load_workbook(result)["汇总"].iter_rows(values_only=True))
    by_title = {r[0]: r for r in summary[3:] if r[0]}
    for b in (b for b in kb.benefits if not b.is_info):
        statuses = [next(x for x in e["benefits"] if x["id"] == b.id) for e in expected]
        row = next(v for k, v in by_title.items() if str(k).endswith(b.title.zh))
        assert row[1] == sum(s["status"] == "eligible" for s in statuses)
        assert row[2] == sum(s["status"] == "competitive" for s in statuses)
        assert row[5] == sum((s["amount"] or {"max": 0})["max"] for s in statuses if s["status"] == "eligible")
    charts = load_workbook(result)["汇总"]._charts
    assert len(charts) == 2


def test_bad_cells_land_in_the_errors_sheet_and_the_rest_goes_on(kb: KnowledgeBase, catalog: Catalog,
                                                                 template: Path, tmp_path: Path) -> None:
    profiles = [dict(p) for p in PROFILES[:3]]
    filled, result = tmp_path / "filled.xlsx", tmp_path / "结果.xlsx"
    fill_template(kb, template, filled, profiles)
    book = load_workbook(filled)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    col = {fid: headers.index(f.question.zh) + 1 for fid, f in kb.facts.items()}
    sheet.cell(2, col["pledge_loan_interest_paid_yuan"], "有")          # yes, but how much?
    sheet.cell(2, col["china_patent_award_last_year"], "铜奖")          # no such level
    sheet.cell(3, col["in_city"], "見下頁")                              # not a yes/no (see next page)
    sheet.cell(3, col["is_sme"], "不确定")                               # not sure: unknown, not an error
    sheet.cell(4, headers.index(AS_OF_HEADER) + 1, "2025-02-30")       # no such day
    book.save(filled)

    code, out = cli(["assess", "--batch", str(filled), "-o", str(result)])
    assert code == 2
    assert "2 of 3 rows assessed, 4 problem(s)" in out
    errors = sheet_rows(result, "错误")
    assert [(e["行号"], e["列"], e["填写的内容"]) for e in errors] == [
        (2, kb.facts["china_patent_award_last_year"].question.zh, "铜奖"),
        (2, kb.facts["pledge_loan_interest_paid_yuan"].question.zh, "有"),
        (3, kb.facts["in_city"].question.zh, "見下頁"),
        (4, AS_OF_HEADER, "2025-02-30"),
    ]
    assert all(e["问题"] for e in errors)

    # The unreadable facts stay unknown: the rows equal `ipbot assess` without them.
    known = [dict(profiles[0]["facts"]), dict(profiles[1]["facts"])]
    del known[0]["pledge_loan_interest_paid_yuan"], known[0]["china_patent_award_last_year"]
    del known[1]["in_city"]
    known[1].pop("is_sme", None)
    rows = sheet_rows(result, "测评结果")
    for row, exp in zip(rows[:2], expected_results(tmp_path, [{"facts": f} for f in known]), strict=True):
        check_row_equals(row, exp, catalog)
        assert row["无法识别的单元格"] in (1, 2)
    assert str(rows[2]["测评日期"]).endswith("该行未测评")
    assert errors[0]["问题"] == "无法识别“铜奖”，应填：金奖、银奖、优秀奖、没有获奖；该项按未知处理"
    assert errors[1]["问题"] == "无法识别“有”，应填：金额（如 80万、800000）；该项按未知处理"
    assert errors[3]["问题"] == "“2025-02-30”不是真实存在的日期，该行未测评"
    still_missing = rows[0]["尚需确认的信息"]
    assert still_missing and kb.facts["pledge_loan_interest_paid_yuan"].label.zh in still_missing


def test_a_csv_from_chinese_excel_with_fact_ids_as_headers(kb: KnowledgeBase, catalog: Catalog,
                                                           tmp_path: Path) -> None:
    """Excel in China saves "CSV" as GB18030; fact ids work as headers; extra columns are kept."""
    profiles = [dict(p) for p in PROFILES[:5]]
    rng = random.Random(3)
    fact_ids = sorted({fid for p in profiles for fid in p["facts"]})
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["企业名称", "所属区县", *fact_ids])
    for p in profiles:
        w.writerow([p["name"], "鹿泉区", *(typed(rng, kb.facts[f], p["facts"][f]) if f in p["facts"] else ""
                                          for f in fact_ids)])
    src, result = tmp_path / "清单.csv", tmp_path / "结果.xlsx"
    src.write_bytes(buf.getvalue().encode("gb18030"))
    code, _ = cli(["assess", "--batch", str(src), "-o", str(result)])
    assert code == 2  # the unknown header 所属区县 is noted on the errors sheet ...
    errors = sheet_rows(result, "错误")
    assert [(e["行号"], e["列"]) for e in errors] == [(1, "所属区县")]
    rows = sheet_rows(result, "测评结果")
    for row, exp in zip(rows, expected_results(tmp_path, profiles), strict=True):
        assert row["所属区县"] == "鹿泉区"  # ... and kept as a free column
        check_row_equals(row, exp, catalog)


def test_both_xlsx_readers_read_the_same_cells(kb: KnowledgeBase, template: Path, tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    fill_template(kb, template, filled, PROFILES[:6])
    assert list(read_rows(filled, "calamine")) == [
        (n, tuple(int(v) if isinstance(v, float) and v.is_integer() else v for v in row))
        for n, row in read_rows(filled, "openpyxl")][: len(list(read_rows(filled, "calamine")))]


def test_usage_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a zip")
    assert cli(["assess", "--batch", str(bad), "-o", str(tmp_path / "r.xlsx")])[0] == 2
    assert "坏.xlsx" in capsys.readouterr().err
    assert cli(["assess", "--batch", str(bad)])[0] == 2
    assert "-o RESULT.xlsx" in capsys.readouterr().err


def test_text_that_looks_like_a_formula_stays_text(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A register is data: "=HYPERLINK(...)" typed in a free column must not become a formula in the results."""
    src, result = tmp_path / "清单.csv", tmp_path / "结果.xlsx"
    src.write_text("企业名称,=1+1,entity_type,in_city\n=HYPERLINK(\"http://x\"),x,企业,=2\n", encoding="utf-8")
    code, _ = cli(["assess", "--batch", str(src), "-o", str(result)])
    assert code == 2  # "=2" is no yes/no
    book = load_workbook(result)
    row = [c.value for c in book["测评结果"][2]]
    assert row[0] == '=HYPERLINK("http://x")' and book["测评结果"]["A2"].data_type == "s"
    assert book["测评结果"]["B1"].data_type == "s"
    assert [c.data_type for c in book["错误"][3]][:3] == ["n", "s", "s"]


def test_a_sheet_without_a_fact_column_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "名单.csv"
    src.write_text("序号,单位\n1,甲公司\n", encoding="utf-8")
    assert cli(["assess", "--batch", str(src), "-o", str(tmp_path / "r.xlsx")])[0] == 2
    assert "名单.csv: no column of the first row names a fact" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()


def test_the_results_workbook_in_english(kb: KnowledgeBase, tmp_path: Path) -> None:
    src, result = tmp_path / "register.csv", tmp_path / "results.xlsx"
    src.write_text("企业名称,entity_type,in_city,pledge_loan_interest_paid_yuan\n"
                   "Acme,company,yes,300万\nBeta,企业,是,lots\n", encoding="utf-8")
    code, _ = cli(["assess", "--batch", str(src), "-o", str(result), "--lang", "en"])
    assert code == 2
    book = load_workbook(result)
    assert book.sheetnames == ["Results", "Summary", "Errors"]
    [error] = sheet_rows(result, "Errors")
    assert error["Problem"] == 'cannot read "lots": expected an amount (e.g. 80万, 800000); left unknown'
    acme = sheet_rows(result, "Results")[0]
    assert acme["clause 4.1 Interest subsidy on IP pledge loans: status"] == "Eligible"
    assert acme["clause 4.1 Interest subsidy on IP pledge loans: amount (yuan)"] == 1_000_000
