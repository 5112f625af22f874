"""Batch matching from Excel at scale: 100,000 generated rows, against reading and writing alone.

The input is the template's sheet filled with the profiles of bench/profiles.yaml, cycled, each cell typed
as people type it (typed_cell: "是", "没有", "18.6万", "公司", "银奖", plain numbers). Each measurement runs
in a fresh subprocess so its peak memory (resource.getrusage, ru_maxrss) is its own:

- read alone: every row of the input with python-calamine, then with openpyxl's read-only mode;
- write alone: the same results workbook (ResultsWriter, the same assessments, cycled) without reading
  or assessing anything;
- the whole batch: `run_batch`, i.e. read, parse every cell, assess, write.

Target: whole batch <= 3x (read alone + write alone), peak memory <= 500 MB.
Run: `make bench-batch` (or `python -m bench.batch_bench [--rows N] [--json]`).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

from bot.agency.columns import AS_OF_HEADER, FREE_COLUMNS
from bot.agency.sheets import CALAMINE_MAX_BYTES, DATA_SHEET, Engine, read_rows
from knowledge.models import Fact, KnowledgeBase

PROFILES = Path(__file__).parent / "profiles.yaml"
TODAY = date(2025, 6, 1)
TARGET_RATIO = 3.0
TARGET_MB = 500.0

# Words people type for an option, written by hand (not the knowledge base's aliases); the option's own
# label, as the drop-down gives it, is used most of the time.
TYPED_OPTIONS: dict[str, list[str]] = {
    "enterprise": ["公司", "企业"], "university": ["大学"], "research_institute": ["研究院"],
    "service_agency": ["服务机构"], "association": ["协会"], "government": ["政府"],
    "market_operator": ["市场开办方"], "gold": ["金奖"], "silver": ["银奖"], "excellent": ["优秀奖"],
    "none": ["没有", "无"], "national": ["国家级"], "provincial": ["省级"], "municipal": ["市级"],
}
YES_WORDS = ["是", "有", "是的", "对", "有的"]
NO_WORDS = ["否", "没有", "无", "不是", "没"]


def load_profiles() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    return data


def typed_money(rng: random.Random, yuan: int) -> object:
    """An amount as people type it: 80万, 1.2亿, a plain number, or 没有 for nothing."""
    if yuan == 0:
        return rng.choice(["0", "没有", 0])
    if yuan >= 100_000_000 and yuan % 10_000_000 == 0:
        return f"{yuan / 100_000_000:g}亿"
    if yuan % 1000 == 0 and rng.random() < 0.7:
        return f"{yuan / 10_000:g}万"
    return yuan if rng.random() < 0.5 else str(yuan)


def typed_cell(rng: random.Random, fact: Fact, value: Any) -> object:
    """One fact's value as a person fills the template's cell."""
    if fact.type == "bool":
        return rng.choice(YES_WORDS if value else NO_WORDS)
    if fact.type == "choice":
        option = next(o for o in fact.options if o.id == value)
        return rng.choice([option.label.zh, option.label.zh, *TYPED_OPTIONS.get(option.id, [])])
    if fact.type == "money":
        return typed_money(rng, int(value))
    if not value:
        return rng.choice(["没有", "无"])
    return "，".join(str(typed_money(rng, int(v))) for v in value)


def headers(kb: KnowledgeBase) -> list[str]:
    return [*FREE_COLUMNS, AS_OF_HEADER, *(f.question.zh for f in kb.facts.values())]


def generate(kb: KnowledgeBase, path: Path, rows: int, seed: int = 2022) -> None:
    """The filled register, written in write-only mode (not measured)."""
    rng = random.Random(seed)
    profiles = load_profiles()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.append(headers(kb))
    facts = list(kb.facts.values())
    for n in range(rows):
        p = profiles[n % len(profiles)]
        sheet.append([f"{p['name']} #{n}", f"91130100MA{n:07d}X", "张经理", 13800000000 + n, None, None,
                      *(typed_cell(rng, f, p["facts"][f.id]) if f.id in p["facts"] else None for f in facts)])
    book.save(path)


# -- the measurements, each in its own process ---------------------------------------------------------

def _child(mode: str, src: Path, dst: Path) -> dict[str, float]:
    from bot.agency.batch import run_batch
    from bot.agency.workbook import ResultsWriter
    from bot.present.i18n import Catalog
    from eligibility.evaluate import assess, policy_validity
    from eligibility.profile import validate_facts
    from knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    cat = Catalog.load()
    validity = policy_validity(kb)
    count = 0
    if mode.startswith("read-"):
        engine: Engine = "calamine" if mode == "read-calamine" else "openpyxl"
        assert src.stat().st_size <= CALAMINE_MAX_BYTES or engine == "openpyxl", "auto would pick openpyxl"
        start = time.perf_counter()
        for _, row in read_rows(src, engine):
            count += len(row)
        seconds = time.perf_counter() - start
    elif mode.startswith("write:"):
        n_rows = int(mode.partition(":")[2])
        profiles = load_profiles()
        results = [assess(kb, validate_facts(kb, p["facts"]), TODAY, validity) for p in profiles]
        start = time.perf_counter()
        writer = ResultsWriter(kb, cat, "zh", FREE_COLUMNS)
        for n in range(n_rows):
            p = profiles[n % len(profiles)]
            writer.add_result(n + 2, [f"{p['name']} #{n}", f"91130100MA{n:07d}X", "张经理", 13800000000 + n, None],
                              results[n % len(profiles)], 0)
        writer.close(dst)
        seconds = time.perf_counter() - start
        count = n_rows
    else:
        start = time.perf_counter()
        stats = run_batch(kb, cat, validity, src, dst, TODAY, "zh")
        seconds = time.perf_counter() - start
        count = stats.assessed
        if stats.errors:
            raise SystemExit(f"{stats.errors} unreadable cells in generated data")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": rss_mb, "count": count}


def _run_child(mode: str, src: Path, dst: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.batch_bench", "--child", mode, str(src), str(dst)],
                         check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _check_same_results(batch_out: Path, write_out: Path, sample: int = 200) -> bool:
    """The baseline wrote the same results sheet as the batch (first rows compared cell by cell)."""
    a = [r for _, r in zip(range(sample), read_rows(batch_out), strict=False)]
    b = [r for _, r in zip(range(sample), read_rows(write_out), strict=False)]
    return a == b


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "SRC", "DST"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        mode, src, dst = args.child
        print(json.dumps(_child(mode, Path(src), Path(dst))))
        return 0

    from knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        src = Path(tmp) / "register.xlsx"
        t0 = time.perf_counter()
        generate(kb, src, args.rows)
        gen_s = time.perf_counter() - t0
        m = {mode.partition(":")[0]: _run_child(mode, src, Path(tmp) / f"{mode.partition(':')[0]}.xlsx")
             for mode in ("read-calamine", "read-openpyxl", f"write:{args.rows}", "batch")}
        same = _check_same_results(Path(tmp) / "batch.xlsx", Path(tmp) / "write.xlsx")
        size_mb = src.stat().st_size / 1e6
        out_mb = (Path(tmp) / "batch.xlsx").stat().st_size / 1e6
    read_best = min(m["read-calamine"]["seconds"], m["read-openpyxl"]["seconds"])
    baseline = read_best + m["write"]["seconds"]
    ratio = m["batch"]["seconds"] / baseline
    peak = m["batch"]["peak_mb"]
    report = {"rows": args.rows, "columns": len(headers(kb)), "input_mb": round(size_mb, 1),
              "output_mb": round(out_mb, 1), "generate_s": round(gen_s, 1),
              **{f"{k}_s": round(v["seconds"], 2) for k, v in m.items()},
              **{f"{k}_peak_mb": round(v["peak_mb"]) for k, v in m.items()},
              "ratio": round(ratio, 2), "baseline_matches_batch_output": same}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
        n = args.rows
        print(f"### Batch matching from Excel: {n:,} rows × {report['columns']} columns "
              f"(input {report['input_mb']} MB, results {report['output_mb']} MB)\n")
        print("| measure | seconds | µs per row | peak memory | target | |")
        print("|---|---:|---:|---:|---|---|")
        for key, label in (("read-calamine", "read alone, python-calamine"),
                           ("read-openpyxl", "read alone, openpyxl read-only"),
                           ("write", "write alone (the same results workbook)"),
                           ("batch", "whole batch: read, parse, assess, write")):
            s, mb = m[key]["seconds"], m[key]["peak_mb"]
            print(f"| {label} | {s:.1f} | {s / n * 1e6:.0f} | {mb:.0f} MB | | |")
        print(f"| whole batch ÷ (fastest read + write) | {ratio:.2f}× | | | ≤ {TARGET_RATIO:g}× | "
              f"{met(ratio <= TARGET_RATIO)} |")
        print(f"| peak memory of the whole batch | | | {peak:.0f} MB | ≤ {TARGET_MB:g} MB | {met(peak <= TARGET_MB)} |")
        faster = "python-calamine" if m["read-calamine"]["seconds"] <= m["read-openpyxl"]["seconds"] else "openpyxl"
        print(f"\nFaster reader: {faster} "
              f"({m['read-openpyxl']['seconds'] / m['read-calamine']['seconds']:.1f}× openpyxl's time over calamine's)."
              f" Baseline wrote the same results sheet as the batch: {'yes' if same else 'NO'}.")
    return 0 if ratio <= TARGET_RATIO and peak <= TARGET_MB and same else 1


if __name__ == "__main__":
    raise SystemExit(main())
