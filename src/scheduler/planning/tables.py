"""Tables people keep in spreadsheets, read as rows with their place (file, sheet, row, column).

- ``.xlsx`` through openpyxl (values, not formulas; dates and times as Excel stores them);
- ``.csv`` / ``.txt`` in any common encoding: UTF-8 with or without a byte-order mark, UTF-16
  with one (Excel's "Unicode text"), else cp1252 (Swedish Excel's "CSV (semikolonavgränsad)"),
  which decodes every byte latin-1 does; the separator (``;``, ``,`` or tab) is the one the
  header line uses most, as a header holds no decimal commas.

Values stay as read (strings from CSV, numbers/dates from Excel); ``importer`` parses them, so
each problem can name the cell it comes from.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SEPARATORS = (";", "\t", ",")  # preferred in this order when the header uses them equally


@dataclass(frozen=True)
class Place:
    """Where a value came from, as a person finds it: file, sheet, row number as the
    spreadsheet shows it (the header is row 1), column header as written."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class TableError(ValueError):
    """One or more problems, each naming its place; raised once every row has been read."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass
class Table:
    """A header and the rows under it (empty rows left out), with their row numbers."""

    file: str
    sheet: str | None
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)

    def place(self, row: int | None = None, column: str | None = None) -> Place:
        return Place(self.file, self.sheet, row, column)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise(header: str) -> str:
    """A header as compared with the known names: case, accents kept apart from å/ä/ö
    (folded to a/a/o so 'Franvaro' matches too), spaces, dashes and punctuation ignored."""
    text = unicodedata.normalize("NFKD", str(header).strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z%]+", "", text)


# --- CSV ---------------------------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # 0x81, 0x8d, ... are undefined in cp1252; latin-1 has them
        return raw.decode("latin-1"), "latin-1"


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def detect_separator(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: (counts[s], -SEPARATORS.index(s)))
    return best if counts[best] > 0 else ","  # one column: any separator reads it


def read_csv_table(path: Path, label: str | None = None) -> Table:
    text, _encoding = decode(path.read_bytes())
    separator = detect_separator(text)
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    return _table(label or path.name, None, lines)


# --- Excel -------------------------------------------------------------------------------------


def read_xlsx_tables(path: Path, label: str | None = None) -> dict[str, Table]:
    """Every worksheet of the workbook, by sheet name."""
    import openpyxl  # only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableError([Problem(Place(label or path.name),
                                  f"not a readable .xlsx workbook ({exc})")]) from None
    except Exception as exc:  # zipfile.BadZipFile and relatives: a renamed or broken file
        raise TableError([Problem(Place(label or path.name),
                                  f"not a readable .xlsx workbook ({type(exc).__name__})")]
                         ) from None
    try:
        return {sheet.title: _table(label or path.name, sheet.title,
                                    [list(r) for r in sheet.iter_rows(values_only=True)])
                for sheet in book.worksheets}
    finally:
        book.close()


def _table(file: str, sheet: str | None, lines: list[list[Any]]) -> Table:
    numbered = [(i, line) for i, line in enumerate(lines, start=1)
                if any(not is_blank(v) for v in line)]
    if not numbered:
        return Table(file, sheet, [])
    _, header = numbered[0]
    names = ["" if is_blank(h) else str(h).strip() for h in header]
    table = Table(file, sheet, names)
    for number, line in numbered[1:]:
        values = [_plain(v) for v in line] + [None] * max(0, len(names) - len(line))
        table.rows.append((number, values))
    return table


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime | date | time | int | float) or value is None:
        return value
    return str(value)


def read_tables(path: Path) -> dict[str, Table]:
    """A workbook's sheets, or a CSV file as one table named after the file."""
    if not path.exists():
        raise TableError([Problem(Place(str(path)), "no such file")])
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx_tables(path, str(path))
    if suffix in CSV_SUFFIXES:
        return {path.stem: read_csv_table(path, str(path))}
    raise TableError([Problem(Place(str(path)), f"unknown file type {path.suffix!r}: give a "
                              f".xlsx workbook or a .csv file")])
