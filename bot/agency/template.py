"""The batch template: one column per fact headed by its question, drop-down lists, an instructions sheet.

Written with openpyxl in normal mode (a template is small) because data validation needs it.
The drop-down lists read their options from a hidden sheet, so labels with commas and lists longer than
Excel's 255-character inline limit work; typing another word is allowed (a warning, not a refusal),
since the batch reads typed values as the chat does.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bot.agency.columns import AS_OF_HEADER, FREE_COLUMNS
from bot.agency.sheets import DATA_SHEET
from bot.present.i18n import Catalog
from knowledge.models import Fact, KnowledgeBase, Lang

TEMPLATE_ROWS = 5000  # rows the drop-downs cover; rows below are read all the same
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FREE_FILL = PatternFill("solid", fgColor="EDEDED")


def template_facts(kb: KnowledgeBase) -> list[Fact]:
    """The facts in the order the template lists them: the catalogue's order."""
    return list(kb.facts.values())


def write_template(kb: KnowledgeBase, cat: Catalog, path: Path, lang: Lang = "zh") -> None:
    t = cat.t
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = DATA_SHEET
    lists = book.create_sheet(t(lang, "agency.sheet.lists"))
    info = book.create_sheet(t(lang, "agency.sheet.instructions"))

    facts = template_facts(kb)
    headers = [*FREE_COLUMNS, AS_OF_HEADER, *(f.question.get(lang) for f in facts)]
    data.append(headers)
    for col in range(1, len(headers) + 1):
        cell = data.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = _FREE_FILL if col <= len(FREE_COLUMNS) + 1 else _HEADER_FILL
        data.column_dimensions[get_column_letter(col)].width = 14 if col <= len(FREE_COLUMNS) + 1 else 22
    data.row_dimensions[1].height = 96
    data.freeze_panes = "B2"

    yes_no = [t(lang, "agency.yes"), t(lang, "agency.no"), t(lang, "agency.unsure")]
    lists_col = 0
    for offset, fact in enumerate(facts):
        col = get_column_letter(len(FREE_COLUMNS) + 2 + offset)
        cells = f"{col}2:{col}{TEMPLATE_ROWS + 1}"
        if fact.type in ("bool", "choice"):
            values = yes_no if fact.type == "bool" else [o.label.get(lang) for o in fact.options]
            lists_col += 1
            letter = get_column_letter(lists_col)
            lists.cell(row=1, column=lists_col, value=fact.id)
            for i, value in enumerate(values, start=2):
                lists.cell(row=i, column=lists_col, value=value)
            dv = DataValidation(type="list", formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}",
                                allow_blank=True, showDropDown=False, errorStyle="warning",
                                error=t(lang, "agency.dv.typed"))
        else:
            dv = DataValidation(allow_blank=True)
        dv.promptTitle = fact.label.get(lang)[:32]
        dv.prompt = t(lang, f"agency.hint.{fact.type}")[:255]
        dv.showInputMessage = True
        dv.add(cells)
        data.add_data_validation(dv)
    lists.sheet_state = "hidden"

    _instructions(info, kb, cat, lang, facts)
    book.save(path)


def _instructions(sheet: object, kb: KnowledgeBase, cat: Catalog, lang: Lang, facts: list[Fact]) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(sheet, Worksheet)
    t = cat.t
    sheet.append([t(lang, "agency.instructions.title", title=kb.policy.title.get(lang))])
    sheet["A1"].font = Font(bold=True, size=13)
    for n in range(1, 9):
        sheet.append([t(lang, f"agency.instructions.{n}")])
    sheet.append([])
    head = [t(lang, "agency.col.header"), t(lang, "agency.col.fact_id"), t(lang, "agency.col.type"),
            t(lang, "agency.col.values")]
    sheet.append(head)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.append([AS_OF_HEADER, "as_of", t(lang, "agency.type.date"), t(lang, "agency.hint.date")])
    for fact in facts:
        if fact.type == "choice":
            values = "、".join(o.label.get(lang) for o in fact.options)
        else:
            values = t(lang, f"agency.hint.{fact.type}")
        sheet.append([fact.question.get(lang), fact.id, t(lang, f"agency.type.{fact.type}"), values])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 12
    sheet.column_dimensions["D"].width = 60
