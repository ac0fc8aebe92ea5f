"""Time reports: what was actually worked, line by line, and the reader of CSV and XLSX exports.

A line is one reported shift (staff, client or unit, start, end, jour and unpaid break hours)
with what it claims: OB hours per OB class, jour supplement hours, overtime hours and kind, and
whether the line is approved (attesterad). Naive times are local wall-clock time in the
scenario's zone, as everywhere in the input.

The reader takes Swedish or English column names (``COLUMNS``), UTF-8 (with or without BOM) or
Windows-1252, ``;``, ``,`` or tab as separator and decimal commas; every error names the file,
the row (as a spreadsheet numbers it, the header being row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from scheduler.domain.common import Frozen, Id, LocalDateTime, NonNegativeHours, check_id
from scheduler.domain.costs import OB_CLASSES
from scheduler.domain.loader import InputError

OvertimeKind = Literal["simple", "qualified"]


class ReportLine(Frozen):
    """One reported shift and its claims. ``row`` is the file's row (header = 1)."""

    source: str = ""
    row: int = Field(default=0, ge=0)
    reference: str = Field(default="", description="The payroll system's id of the line.")
    staff: Id
    client: Id | None = None
    unit: Id | None = None
    start: LocalDateTime
    end: LocalDateTime
    on_call_hours: NonNegativeHours = Field(default=0, description="Of which sleeping jour.")
    unpaid_break_hours: NonNegativeHours = Field(default=0, description="Unpaid breaks.")
    ob_hours: dict[str, NonNegativeHours] = Field(
        default_factory=dict, description="Claimed OB hours per OB class (OB_CLASSES)."
    )
    jour_supplement_hours: NonNegativeHours = Field(
        default=0, description="Claimed hours of jour supplement."
    )
    overtime_hours: NonNegativeHours = Field(default=0, description="Claimed overtime hours.")
    overtime_kind: OvertimeKind = "simple"
    approved: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> ReportLine:
        if self.client is None and self.unit is None:
            raise ValueError("give the client or the unit worked for")
        if self.end <= self.start:
            raise ValueError(f"the shift ends ({self.end:%Y-%m-%d %H:%M}) before or when it "
                             f"starts ({self.start:%Y-%m-%d %H:%M})")
        if self.hours > 48:
            raise ValueError(f"a {self.hours:g} h shift: more than 48 h is no shift")
        if self.on_call_hours + self.unpaid_break_hours > self.hours + 1e-9:
            raise ValueError(f"jour and unpaid breaks ({self.on_call_hours:g} + "
                             f"{self.unpaid_break_hours:g} h) exceed the shift ({self.hours:g} h)")
        unknown = sorted(set(self.ob_hours) - set(OB_CLASSES))
        if unknown:
            raise ValueError(f"unknown OB class(es) {unknown}")
        return self

    @property
    def hours(self) -> float:
        """Elapsed wall-clock hours (the audit converts to real time with the zone)."""
        return (self.end - self.start).total_seconds() / 3600

    @property
    def where(self) -> str:
        return f"{self.source}, row {self.row}" if self.source else f"row {self.row}"

    @property
    def label(self) -> str:
        """What a finding names: file and row, and the payroll reference if any."""
        return self.where + (f" ({self.reference})" if self.reference else "")


# --- column names ------------------------------------------------------------------------------

# field → accepted header names (compared after ``_normalise``: lower case, no accents on a-z,
# spaces, dots and hyphens as "_"). Swedish and English, as payroll exports spell them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "ref", "line_id", "referens", "rad_id", "radid"),
    "staff": ("staff", "staff_id", "employee", "anstalld", "medarbetare", "personal"),
    "client": ("client", "client_id", "brukare", "kund"),
    "unit": ("unit", "enhet", "arbetsstalle"),
    "date": ("date", "datum"),
    "start": ("start", "from", "starttid", "fran", "start_time"),
    "end": ("end", "to", "sluttid", "slut", "till", "end_time"),
    "on_call_hours": ("jour", "on_call", "on_call_hours", "jour_h", "jourtimmar", "jourtid"),
    "unpaid_break_hours": ("break", "breaks", "unpaid_break_hours", "rast", "rast_h",
                           "obetald_rast"),
    "ob_weekday_evening": ("ob_weekday_evening", "ob_evening", "ob_kvall", "ob_vardag_kvall"),
    "ob_weekday_night": ("ob_weekday_night", "ob_night", "ob_natt", "ob_vardag_natt"),
    "ob_weekend_day": ("ob_weekend_day", "ob_helg_dag", "ob_helg"),
    "ob_weekend_night": ("ob_weekend_night", "ob_helg_natt"),
    "ob_major_holiday_day": ("ob_major_holiday_day", "ob_storhelg_dag", "ob_storhelg"),
    "ob_major_holiday_night": ("ob_major_holiday_night", "ob_storhelg_natt"),
    "jour_supplement_hours": ("jour_supplement", "jour_supplement_hours", "jourersattning",
                              "jourtillagg"),
    "overtime_hours": ("overtime", "overtime_hours", "overtid", "overtid_h"),
    "overtime_kind": ("overtime_kind", "overtid_typ", "overtidstyp", "overtidsslag"),
    "approved": ("approved", "attesterad", "godkand", "attest"),
}
_BY_NAME = {name: field for field, names in COLUMNS.items() for name in names}
_TRUE = {"1", "yes", "y", "true", "ja", "j", "x", "sant"}
_FALSE = {"0", "no", "n", "false", "nej", "", "falskt"}
_KINDS = {"simple": "simple", "enkel": "simple", "qualified": "qualified",
          "kvalificerad": "qualified", "kval": "qualified"}


def _normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\(h\)|\(tim\)", "", text)
    return re.sub(r"[\s.\-/]+", "_", text).strip("_")


# --- reading -----------------------------------------------------------------------------------


def read_time_reports(path: Path | str) -> list[ReportLine]:
    """Every line of a CSV or XLSX time report; InputError listing every bad cell."""
    path = Path(path)
    source = path.name
    if not path.exists():
        raise InputError(str(path), ["file not found"])
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            header, rows = _xlsx_rows(path)
        elif suffix in (".csv", ".txt", ".tsv"):
            header, rows = _csv_rows(path.read_bytes(), str(path))
        else:
            raise InputError(str(path), [f"unknown file type {suffix!r}: give a .csv or .xlsx "
                                         "time report"])
    except OSError as exc:
        raise InputError(str(path), [f"cannot read the file: {exc}"]) from exc
    return parse_rows(header, rows, source, str(path))


def _csv_rows(data: bytes, where: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Swedish Windows saves CSV as Windows-1252 (å, ä, ö as single bytes).
        text = data.decode("cp1252", errors="strict")
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = list(reader)
    if not records:
        raise InputError(where, ["the file is empty: expected a header row"])
    body = [(i, r) for i, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    return records[0], [(i, list(r)) for i, r in body]


def _xlsx_rows(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The first sheet's cells (pandas reads it with openpyxl); empty cells are None."""
    import pandas as pd

    try:
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object)
    except Exception as exc:  # several kinds for a file that is not a workbook
        raise InputError(str(path), [f"not a readable Excel workbook: {exc}"]) from exc
    rows = [[None if _missing(v) else v for v in record]
            for record in frame.itertuples(index=False, name=None)]
    if not rows:
        raise InputError(str(path), ["the first sheet is empty"])
    header = ["" if v is None else str(v) for v in rows[0]]
    # pandas drops leading empty rows; row numbers are counted from the header as row 1.
    body = [(i, r) for i, r in enumerate(rows[1:], start=2)
            if any(v is not None and str(v).strip() for v in r)]
    return header, body


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def parse_rows(header: list[str], rows: Iterable[tuple[int, list[Any]]], source: str,
               where: str | None = None) -> list[ReportLine]:
    """Header names → fields, then every row → a ReportLine; all problems at once."""
    where = where or source
    problems: list[str] = []
    fields: list[str | None] = []
    for k, name in enumerate(header):
        if not str(name).strip():
            fields.append(None)
            continue
        field = _BY_NAME.get(_normalise(str(name)))
        if field is None:
            problems.append(f"column {k + 1} {name!r}: unknown column (known: "
                            + ", ".join(names[0] for names in COLUMNS.values()) + ")")
        elif field in fields:
            problems.append(f"column {k + 1} {name!r}: a second column for {field}")
        fields.append(field)
    for required in ("staff", "start", "end"):
        if required not in fields:
            problems.append(f"no column for {required} (e.g. {COLUMNS[required][0]!r} or "
                            f"{COLUMNS[required][-1]!r})")
    if "client" not in fields and "unit" not in fields:
        problems.append("no column for the client or the unit")
    if problems:
        raise InputError(where, problems)
    lines: list[ReportLine] = []
    for number, values in rows:
        cells = {f: v for f, v in zip(fields, values, strict=False) if f is not None}
        line, errors = _line(cells, source, number)
        problems += [f"row {number}, {e}" for e in errors]
        if line is not None:
            lines.append(line)
    if problems:
        raise InputError(where, problems)
    if not lines:
        raise InputError(where, ["no time report lines below the header"])
    return lines


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _hours(value: Any, column: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    if isinstance(value, bool):
        raise ValueError(f"column {column}: {value!r} is not a number of hours")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, time):  # Excel "7:30" formatted as a time
        number = value.hour + value.minute / 60
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if clock:
            number = int(clock.group(1)) + int(clock.group(2)) / 60
        else:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                raise ValueError(f"column {column}: {text!r} is not a number of hours") from None
    if not 0 <= number <= 10_000 or number != number:
        raise ValueError(f"column {column}: {number:g} hours is not between 0 and 10 000")
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y")


def _date(value: Any, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"column {column}: {text!r} is not a date (YYYY-MM-DD)")


def _moment(value: Any, day: date | None, column: str) -> tuple[datetime | None, time | None]:
    """(a full date and time, or only a time of day to put on the row's date)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0), None
    if isinstance(value, time):
        return None, value
    text = _text(value)
    if not text:
        raise ValueError(f"column {column}: empty")
    clock = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if hour == 24 and minute == 0:
            return None, time(0)  # 24:00: midnight at the end of the day (see below)
        if hour > 23 or minute > 59:
            raise ValueError(f"column {column}: {text!r} is not a time of day")
        return None, time(hour, minute)
    try:
        return datetime.fromisoformat(text.replace("T", " ")).replace(tzinfo=None), None
    except ValueError:
        raise ValueError(f"column {column}: {text!r} is not a date and time "
                         "(YYYY-MM-DD HH:MM) or a time of day (HH:MM)") from None


def _line(cells: dict[str, Any], source: str, number: int
          ) -> tuple[ReportLine | None, list[str]]:
    errors: list[str] = []
    data: dict[str, Any] = {"source": source, "row": number}
    for field in ("staff", "client", "unit"):
        text = _text(cells.get(field))
        if text:
            try:
                data[field] = check_id(text)
            except ValueError as exc:
                errors.append(f"column {field}: {exc}")
        elif field == "staff":
            errors.append("column staff: empty")
    data["reference"] = _text(cells.get("reference"))
    day: date | None = None
    if _text(cells.get("date")):
        try:
            day = _date(cells["date"], "date")
        except ValueError as exc:
            errors.append(str(exc))
    moments: dict[str, datetime] = {}
    for field in ("start", "end"):
        try:
            full, clock = _moment(cells.get(field), day, field)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if full is not None:
            moments[field] = full
        elif day is None:
            errors.append(f"column {field}: a time of day needs a date column")
        elif clock is not None:
            moments[field] = datetime.combine(day, clock)
    if "start" in moments and "end" in moments and moments["end"] <= moments["start"] \
            and day is not None and not isinstance(cells.get("end"), datetime) \
            and not re.search(r"\d{4}-", _text(cells.get("end"))):
        moments["end"] += timedelta(days=1)  # a night shift: the end time is the next day
    data.update(moments)
    ob: dict[str, float] = {}
    for field in ("on_call_hours", "unpaid_break_hours", "jour_supplement_hours",
                  "overtime_hours", *(f"ob_{c}" for c in OB_CLASSES)):
        if field not in cells:
            continue
        try:
            hours = _hours(cells[field], field)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if field.startswith("ob_"):
            if hours:
                ob[field.removeprefix("ob_")] = hours
        else:
            data[field] = hours
    data["ob_hours"] = ob
    kind = _text(cells.get("overtime_kind")).lower()
    if kind:
        if kind not in _KINDS:
            errors.append(f"column overtime_kind: {kind!r} is not simple/enkel or "
                          "qualified/kvalificerad")
        else:
            data["overtime_kind"] = _KINDS[kind]
    if "approved" in cells:
        value = cells["approved"]
        flag = _text(value).lower() if not isinstance(value, bool) else str(value).lower()
        if flag in _TRUE:
            data["approved"] = True
        elif flag in _FALSE:
            data["approved"] = False
        else:
            errors.append(f"column approved: {flag!r} is not yes/ja or no/nej")
    if errors or "start" not in moments or "end" not in moments:
        return None, errors
    try:
        return ReportLine.model_validate(data), []
    except ValidationError as exc:
        out = []
        for e in exc.errors():
            loc = ".".join(str(p) for p in e["loc"])
            message = e["msg"].removeprefix("Value error, ")
            out.append(f"column {loc}: {message}" if loc else message)
        return None, out


def line_reference_errors(lines: Iterable[ReportLine], staff: set[str], clients: set[str],
                          units: set[str]) -> list[str]:
    """Ids the scenario does not know, each with its file, row and column."""
    out: list[str] = []
    for line in lines:
        if line.staff not in staff:
            out.append(f"{line.where}, column staff: unknown staff {line.staff!r}")
        if line.client is not None and line.client not in clients:
            out.append(f"{line.where}, column client: unknown client {line.client!r}")
        if line.unit is not None and line.unit not in units:
            out.append(f"{line.where}, column unit: unknown unit {line.unit!r}")
    return out
