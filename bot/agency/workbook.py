"""The results workbook: a results sheet (one row per enterprise), a summary with charts, an errors sheet.

openpyxl's write-only mode streams every row to disk as it is appended, so memory stays flat however
many enterprises the register holds; the summary is written last from counters kept on the way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, get_args

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from bot.agency.problems import Problem
from bot.present.i18n import Catalog, format_ref
from eligibility.results import Amount, Assessment, Status
from knowledge.models import Benefit, KnowledgeBase, Lang

_BOLD = Font(bold=True)


def amount_cell(amount: Amount | None) -> int | str | None:
    """A number when the amount is one figure; "min–max" (yuan) when the policy gives a range or a ceiling."""
    if amount is None:
        return None
    return amount.max if amount.min == amount.max else f"{amount.min}–{amount.max}"


@dataclass
class Tally:
    """What the summary sheet counts, per benefit id."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (benefit id, status)
    eligible_min: Counter[str] = field(default_factory=Counter)
    eligible_max: Counter[str] = field(default_factory=Counter)
    competitive_max: Counter[str] = field(default_factory=Counter)
    assessed: int = 0
    not_assessed: int = 0
    errors: int = 0

    def add(self, a: Assessment) -> None:
        self.assessed += 1
        for r in a.results:
            self.counts[r.benefit.id, r.status] += 1
            if r.amount is None:
                continue
            if r.status == "eligible":
                self.eligible_min[r.benefit.id] += r.amount.min
                self.eligible_max[r.benefit.id] += r.amount.max
            elif r.status == "competitive":
                self.competitive_max[r.benefit.id] += r.amount.max


class ResultsWriter:
    """Appends results and errors as they come; ``close`` writes the summary and saves the file."""

    def __init__(self, kb: KnowledgeBase, cat: Catalog, lang: Lang, free_headers: Sequence[str]) -> None:
        self.kb, self.cat, self.lang = kb, cat, lang
        self.benefits: tuple[Benefit, ...] = tuple(b for b in kb.benefits if not b.is_info)
        self.tally = Tally()
        self.book = Workbook(write_only=True)
        t = cat.t
        self.results = self.book.create_sheet(t(lang, "agency.sheet.results"))
        self.summary = self.book.create_sheet(t(lang, "agency.sheet.summary"))
        self.errors = self.book.create_sheet(t(lang, "agency.sheet.errors"))
        self.status_label = {s: t(lang, f"status.{s}") for s in get_args(Status)}
        self.fact_label = {fid: f.label.get(lang) for fid, f in kb.facts.items()}
        per_benefit: list[str] = []
        for b in self.benefits:
            ref, title = format_ref(b.ref, lang, cat), b.title.get(lang)
            per_benefit += [t(lang, "agency.res.status", ref=ref, title=title),
                            t(lang, "agency.res.amount", ref=ref, title=title)]
        self.width_free = len(free_headers)
        header = [*free_headers, t(lang, "agency.res.row"), t(lang, "agency.res.as_of"), *per_benefit,
                  t(lang, "agency.res.eligible_min"), t(lang, "agency.res.eligible_max"),
                  t(lang, "agency.res.competitive_max"), t(lang, "agency.res.missing"),
                  t(lang, "agency.res.assumptions"), t(lang, "agency.res.errors")]
        self.results.freeze_panes = "A2"
        self.results.append([self._bold(h, self.results) for h in header])
        self.errors.append([self._bold(t(lang, f"agency.err.{k}"), self.errors)
                            for k in ("row", "column", "value", "problem")])

    @staticmethod
    def _bold(value: object, sheet: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # a free column's header from the input: text, never a formula
        cell.font = _BOLD
        return cell

    def _plain(self, sheet: Any, value: object) -> object:
        """A cell copied from the input as data: text starting with "=" stays text, never a formula."""
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value if isinstance(value, int | float | str | date) or value is None else str(value)

    def add_error(self, row: int, column: str, value: object, problem: Problem) -> None:
        self.tally.errors += 1
        self.errors.append([row, self._plain(self.errors, column), self._plain(self.errors, value),
                            problem.render(self.cat, self.lang, self.kb)])

    def add_result(self, row: int, free: Sequence[object], a: Assessment, errors: int) -> None:
        self.tally.add(a)
        by_id = {r.benefit.id: r for r in a.results}
        cells: list[object] = [*(self._plain(self.results, v) for v in free), row, a.as_of.isoformat()]
        missing: dict[str, None] = {}
        for b in self.benefits:
            r = by_id[b.id]
            cells.append(self.status_label[r.status])
            cells.append(None if r.status == "ineligible" else amount_cell(r.amount))
            for fid in r.missing:
                missing.setdefault(fid)
        cells += [a.eligible_total.min, a.eligible_total.max, a.competitive_total.max,
                  "；".join(self.fact_label[f] for f in missing) or None,
                  "\n".join(x.get(self.lang) for x in a.assumptions) or None, errors or None]
        self.results.append(cells)

    def add_unassessed(self, row: int, free: Sequence[object], why: Problem, errors: int) -> None:
        self.tally.not_assessed += 1
        note = why.render(self.cat, self.lang, self.kb)  # says the row was not assessed
        self.results.append([*(self._plain(self.results, v) for v in free), row, note,
                             *([None] * (2 * len(self.benefits) + 5)), errors or None])

    def close(self, path: Path) -> None:
        self._write_summary()
        self.book.save(path)

    def _write_summary(self) -> None:
        t, lang, s, tally = self.cat.t, self.lang, self.summary, self.tally
        s.append([t(lang, "agency.sum.rows", assessed=tally.assessed, errors=tally.errors)])
        s.append([])
        s.append([self._bold(t(lang, f"agency.sum.{k}"), s) for k in
                  ("benefit", "eligible", "competitive", "undetermined", "money_min", "money_max",
                   "competitive_max")])
        for b in self.benefits:
            s.append([f"{format_ref(b.ref, lang, self.cat)} {b.title.get(lang)}",
                      tally.counts[b.id, "eligible"], tally.counts[b.id, "competitive"],
                      tally.counts[b.id, "undetermined"], tally.eligible_min[b.id], tally.eligible_max[b.id],
                      tally.competitive_max[b.id]])
        first, last = 4, 3 + len(self.benefits)
        names = Reference(s, min_col=1, min_row=first, max_row=last)

        counts = BarChart()
        counts.type, counts.grouping, counts.overlap = "bar", "stacked", 100
        counts.title = t(lang, "agency.sum.chart_count")
        counts.add_data(Reference(s, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
        counts.set_categories(names)
        counts.height, counts.width = 18, 24
        s.add_chart(counts, "I3")

        money = BarChart()
        money.type = "bar"
        money.title = t(lang, "agency.sum.chart_money")
        money.add_data(Reference(s, min_col=6, max_col=6, min_row=first - 1, max_row=last), titles_from_data=True)
        money.set_categories(names)
        money.height, money.width = 18, 24
        s.add_chart(money, "I40")
