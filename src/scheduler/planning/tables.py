"""Tables people keep in spreadsheets, read as rows with their place (file, sheet, row, column).

- ``.xlsx`` through openpyxl (values, not formulas; dates and times as Excel stores them);
- ``.csv`` / ``.txt`` in any common encoding: UTF-8 with or without a byte-order mark, UTF-16
  with one (Excel's "Unicode text"), else cp1252 (Swedish Excel's "CSV (semikolonavgränsad)"),
  which decodes every byte latin-1 does; the separator (``;``, ``,`` or tab) is the one the
  header line uses most, as a header holds no decimal commas.

Values stay as read (strings from CSV, numbers/dates from Excel); the ``parse_*`` functions
below turn one cell into a value or a ValueError whose message says what is wrong, so each
problem can name the cell it comes from.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from scheduler.domain.common import check_id

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


# --- cells -------------------------------------------------------------------------------------

_TRUE = {"ja", "j", "x", "yes", "y", "true", "sant", "1"}
_FALSE = {"nej", "n", "no", "false", "falskt", "0", ""}
_DAY_NAMES = {
    "mon": ("mon", "monday", "man", "mandag", "ma", "mandagar"),
    "tue": ("tue", "tuesday", "tis", "tisdag", "ti", "tisdagar"),
    "wed": ("wed", "wednesday", "ons", "onsdag", "on", "onsdagar"),
    "thu": ("thu", "thursday", "tor", "tors", "torsdag", "to", "torsdagar"),
    "fri": ("fri", "friday", "fre", "fredag", "fr", "fredagar"),
    "sat": ("sat", "saturday", "lor", "lordag", "lo", "lordagar"),
    "sun": ("sun", "sunday", "son", "sondag", "so", "sondagar"),
}
WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_GROUPS = {
    **{n: WEEK for n in ("all", "alla", "alladagar", "dagligen", "varjedag", "everyday",
                          "daily", "mansun", "mandagsondag")},
    **{n: WEEK[:5] for n in ("vardagar", "weekdays", "vardag")},
    **{n: WEEK[5:] for n in ("helg", "helger", "helgdagar", "weekend", "weekends")},
}


def lookup(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise(name): key for key, names in table.items() for name in names}




def parse_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps 1001 as 1001.0
    return check_id(str(value).strip())


def parse_ids(value: Any) -> list[str]:
    if isinstance(value, int | float):
        return [parse_id(value)]
    return [parse_id(p) for p in re.split(r"[,;\s/]+", str(value)) if p]


def parse_number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = re.sub(r"(h|tim|timmar|kr|kr/h)$", "", text, flags=re.I)
    if re.fullmatch(r"[-+]?\d+(,\d+)?", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(f"not a number: {str(value)!r}")
    return float(text)


def parse_hours(value: Any) -> float:
    hours = parse_number(value)
    if hours < 0:
        raise ValueError(f"negative hours: {value!r}")
    return hours


def parse_degree(value: Any) -> float:
    """Employment degree as a fraction: '75 %', 75 and 0.75 are all three quarters."""
    text = str(value).strip()
    percent = text.endswith("%")
    number = parse_number(text.rstrip("%").strip()) if isinstance(value, str) else float(value)
    if percent or number > 1.5:
        number /= 100
    if not 0 <= number <= 1:
        raise ValueError(f"employment degree out of range: {value!r} (give e.g. 75 % or 0,75)")
    return number


def parse_bool(value: Any) -> bool:
    text = normalise(str(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not yes or no: {value!r} (ja/nej, x, yes/no)")


def choice(table: Mapping[str, tuple[str, ...]], what: str) -> Callable[[Any], str]:
    known = lookup(table)

    def parse(value: Any) -> str:
        key = known.get(normalise(str(value)))
        if key is None:
            raise ValueError(f"unknown {what} {value!r}; one of: "
                             + ", ".join(n for names in table.values() for n in names[:2]))
        return key

    return parse


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (write YYYY-MM-DD)") from None


def parse_moment(value: Any) -> tuple[datetime, bool]:
    """(local datetime, whether a time of day was given)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None), value.time() != time(0)
    if isinstance(value, date):
        return datetime.combine(value, time(0)), False
    text = str(value).strip().replace("T", " ")
    try:
        if len(text) <= 10:
            return datetime.combine(date.fromisoformat(text), time(0)), False
        day, clock = text[:10], text[10:].strip().replace(".", ":")
        return datetime.combine(date.fromisoformat(day),
                                time.fromisoformat(_clock_text(clock, allow_24=False))), True
    except ValueError:
        raise ValueError(f"not a date or date and time: {text!r} (write YYYY-MM-DD or "
                         "YYYY-MM-DD HH:MM)") from None


def _clock_text(text: str, allow_24: bool) -> str:
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(?::00)?", text.strip())
    if not match:
        raise ValueError(f"not a time of day: {text!r} (write HH:MM)")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if minute >= 60 or hour > 24 or (hour == 24 and (minute or not allow_24)):
        raise ValueError(f"not a time of day: {text!r}")
    return f"{hour:02d}:{minute:02d}"


def parse_clock(value: Any) -> str:
    """'07:00', '7', '7.30', an Excel time, or a fraction of a day → 'HH:MM' ('24:00' allowed)."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and 0 < value < 1:  # an Excel time stored as a day fraction
        minutes = round(value * 1440)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, int | float):
        if float(value).is_integer():
            return _clock_text(str(int(value)), allow_24=True)
        raise ValueError(f"not a time of day: {value!r}")
    return _clock_text(str(value), allow_24=True)


def parse_days(value: Any) -> list[str]:
    text = re.sub(r"\s*[-–]\s*", "-", str(value).strip().lower())
    days: list[str] = []
    names = lookup(_DAY_NAMES)
    for token in (t for t in re.split(r"[,;/\s]+|\boch\b|\band\b", text) if t):
        group = _DAY_GROUPS.get(normalise(token))
        if group is not None:
            days += group
            continue
        ends = [names.get(normalise(p)) for p in token.split("-")]
        if len(ends) == 1 and ends[0] is not None:
            days.append(ends[0])
        elif len(ends) == 2 and None not in ends:
            a, b = WEEK.index(str(ends[0])), WEEK.index(str(ends[1]))
            days += WEEK[a:b + 1] if a <= b else WEEK[a:] + WEEK[:b + 1]
        else:
            raise ValueError(f"unknown days {value!r} (e.g. mån-fre, lör, sön, alla; "
                             "mon-fri, all)")
    return [d for d in WEEK if d in days]
