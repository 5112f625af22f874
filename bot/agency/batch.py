"""Batch matching of a register of enterprises: an xlsx/csv sheet in, a results workbook out.

Each row is read cell by cell (bot.agency.cells: the chat's own parsing), assessed with the same engine
call as ``ipbot assess`` and streamed to the results workbook. A bad cell never stops the rest: it is
listed on the errors sheet (row, column, value, what is wrong) and its fact stays unknown. A row whose
assessment date cannot be read is not assessed (the verdicts depend on the date), and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.agency.cells import CellReader
from bot.agency.columns import Layout, read_header
from bot.agency.problems import Problem
from bot.agency.sheets import DEFAULT_ENGINE, Engine, Row, SheetError, read_rows
from bot.agency.workbook import ResultsWriter
from bot.present.i18n import Catalog
from eligibility.evaluate import assess
from eligibility.profile import with_summaries
from eligibility.results import Facts, Validity
from knowledge.models import KnowledgeBase, Lang

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class BatchStats:
    rows: int
    assessed: int
    not_assessed: int
    errors: int


def read_as_of(value: object, today: date) -> date | Problem:
    """The row's assessment date, or what is wrong with the cell. Empty means today."""
    if value is None:
        return today
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _DATE.fullmatch(value.strip())
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return Problem("not_a_date", value)
    return Problem("bad_date", str(value))


def _free(value: object) -> object:
    """A free cell as written back: integral floats (phone numbers read by calamine) as integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def run_batch(kb: KnowledgeBase, cat: Catalog, validity: Validity, src: Path, dst: Path, today: date,
              lang: Lang = "zh", engine: Engine = DEFAULT_ENGINE) -> BatchStats:
    """Assess every row of ``src`` into the workbook ``dst``; SheetError if ``src`` cannot be read at all."""
    rows = read_rows(src, engine)
    layout: Layout | None = None
    header_row = 0
    for number, cells in rows:
        if any(c is not None for c in cells):
            layout, header_row = read_header(kb, cells), number
            break
    if layout is None or not layout.facts:
        raise SheetError(f"{src}: no column of the first row names a fact; is the first row the header "
                         "(see the template's instructions sheet)?")
    writer = ResultsWriter(kb, cat, lang, [c.header for c in layout.free])
    for header, problem in layout.problems:
        writer.add_error(header_row, header, None, problem)
    reader = CellReader(kb)
    n_rows = 0
    for number, cells in rows:
        if all(c is None for c in cells):
            continue
        n_rows += 1
        _one_row(kb, validity, layout, reader, writer, number, cells, today)
    writer.close(dst)
    t = writer.tally
    return BatchStats(rows=n_rows, assessed=t.assessed, not_assessed=t.not_assessed, errors=t.errors)


def _one_row(kb: KnowledgeBase, validity: Validity, layout: Layout, reader: CellReader, writer: ResultsWriter,
             number: int, cells: Row, today: date) -> None:
    width = len(cells)
    free = [_free(cells[c.index]) if c.index < width else None for c in layout.free]
    errors = 0
    facts: Facts = {}
    for col in layout.facts:
        raw = cells[col.index] if col.index < width else None
        if raw is None:
            continue
        assert col.fact is not None
        cell = reader.read(col.fact, raw)
        if cell.error is not None:
            errors += 1
            writer.add_error(number, col.header, raw, cell.error)
        elif cell.value is not None:
            facts[col.fact.id] = cell.value
    as_of = today
    if layout.as_of is not None:
        raw = cells[layout.as_of.index] if layout.as_of.index < width else None
        read = read_as_of(raw, today)
        if isinstance(read, Problem):
            errors += 1
            writer.add_error(number, layout.as_of.header, raw, read)
            writer.add_unassessed(number, free, read, errors)
            return
        as_of = read
    writer.add_result(number, free, assess(kb, with_summaries(kb, facts), as_of, validity), errors)
