"""Rows of a batch file (xlsx or csv), streamed, with their row numbers as the spreadsheet shows them.

Two xlsx readers are kept, because the benchmark (bench/batch_bench.py) compares them on the same generated
file: python-calamine (Rust) and openpyxl's read-only mode. On 100,000 rows × 39 columns (15.8 MB) calamine
read the sheet in 3.0–6.6 s against openpyxl's 69–129 s (11–26× over three runs; see the README), so calamine
is the default. But calamine holds the whole sheet in memory (346 MB peak for that file) where openpyxl
read-only holds one row (74 MB), so a file over CALAMINE_MAX_BYTES is read with openpyxl: memory then no
longer grows with the file.

CSV is read as UTF-8 (with or without the BOM Excel writes); a file that is not UTF-8 is read as GB18030,
the encoding Chinese Excel uses for "CSV" by default.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from knowledge.errors import IpbotError

Engine = Literal["auto", "calamine", "openpyxl"]
DEFAULT_ENGINE: Engine = "auto"
CALAMINE_MAX_BYTES = 20_000_000  # measured: ~18 MB of memory per MB of xlsx over a ~70 MB base: ~420 MB
DATA_SHEET = "企业清单"
Row = tuple[object, ...]


class SheetError(IpbotError):
    """The file cannot be read at all (not a workbook, no sheet): one line naming the file."""


def read_rows(path: Path, engine: Engine = DEFAULT_ENGINE) -> Iterator[tuple[int, Row]]:
    """(row number, cell values) for every row of the data sheet; empty cells are ``None``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        if engine == "auto":
            try:
                engine = "calamine" if path.stat().st_size <= CALAMINE_MAX_BYTES else "openpyxl"
            except OSError as exc:
                raise SheetError(f"{path}: cannot read ({exc.strerror or exc})") from None
        return _calamine_rows(path) if engine == "calamine" else _openpyxl_rows(path)
    raise SheetError(f"{path}: expected an .xlsx or .csv file (or .jsonl for JSON lines)")


def _csv_rows(path: Path) -> Iterator[tuple[int, Row]]:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise SheetError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with raw:
        head = raw.read(1 << 16)
        raw.seek(0)
        encoding = "utf-8-sig" if _is_utf8(head) else "gb18030"
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            for number, cells in enumerate(csv.reader(text), start=1):
                yield number, tuple(c if c.strip() else None for c in cells)
        except UnicodeDecodeError:
            raise SheetError(f"{path}: neither UTF-8 nor GB18030 text") from None
        except csv.Error as exc:
            raise SheetError(f"{path}: not a readable CSV file ({exc})") from None


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # cut in the middle of a character at the end of the sample
    return True


def _calamine_rows(path: Path) -> Iterator[tuple[int, Row]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        sheet = book.get_sheet_by_name(DATA_SHEET) if DATA_SHEET in names else book.get_sheet_by_index(0)
        first_row, first_col = sheet.start or (0, 0)
        pad = (None,) * first_col
        for offset, cells in enumerate(sheet.iter_rows()):
            yield first_row + offset + 1, pad + tuple(None if c == "" else c for c in cells)
    except (CalamineError, OSError, ValueError) as exc:
        raise SheetError(f"{path}: not a readable workbook ({exc})") from None


def _openpyxl_rows(path: Path) -> Iterator[tuple[int, Row]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SheetError(f"{path}: not a readable workbook ({exc})") from None
    try:
        sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, tuple(None if c == "" else c for c in cells)
    finally:
        book.close()
