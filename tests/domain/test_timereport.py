"""Reading time reports: Swedish or English column names, UTF-8 (BOM) or Windows-1252, ';' or
',' and decimal commas, CSV or XLSX; every error names the file, the row and the column."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from scheduler.domain.loader import InputError
from scheduler.domain.timereport import line_reference_errors, read_time_reports

SWEDISH = ("Anställd;Brukare;Datum;Från;Till;Jour;Rast;OB kväll;Jourersättning;Övertid;"
           "Övertid typ;Attesterad\n"
           "A1;C1;2027-01-04;14:00;22:00;0;0;3;0;0;enkel;ja\n"
           "A1;C1;2027-01-04;22:00;07:00;9;0;0;9;1,5;kvalificerad;nej\n")


def test_swedish_columns_in_windows_1252_with_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "tid.csv"
    path.write_bytes(SWEDISH.encode("cp1252"))
    first, night = read_time_reports(path)
    assert (first.staff, first.client, first.start, first.end) == (
        "A1", "C1", datetime(2027, 1, 4, 14), datetime(2027, 1, 4, 22))
    assert first.ob_hours == {"weekday_evening": 3.0} and first.approved
    # The end before the start: the next morning.
    assert night.end == datetime(2027, 1, 5, 7)
    assert (night.on_call_hours, night.jour_supplement_hours) == (9, 9)
    assert (night.overtime_hours, night.overtime_kind, night.approved) == (1.5, "qualified",
                                                                           False)
    assert (night.source, night.row) == ("tid.csv", 3)


def test_english_columns_utf8_bom_commas_and_full_times(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    path.write_text("staff,unit,start,end,break,ob_weekend_day,approved\n"
                    "A2,K1,2027-01-09 07:00,2027-01-09T15:30,0.5,8,yes\n", encoding="utf-8-sig")
    (only,) = read_time_reports(path)
    assert (only.unit, only.client, only.unpaid_break_hours) == ("K1", None, 0.5)
    assert only.end == datetime(2027, 1, 9, 15, 30)
    assert only.ob_hours == {"weekend_day": 8.0}


def test_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "tid.xlsx"
    pd.DataFrame([{"Anställd": "A1", "Brukare": "C1", "Från": datetime(2027, 1, 4, 7),
                   "Till": datetime(2027, 1, 4, 15), "OB kväll": None}]).to_excel(
        path, index=False)
    (only,) = read_time_reports(path)
    assert (only.staff, only.start, only.hours, only.ob_hours) == (
        "A1", datetime(2027, 1, 4, 7), 8.0, {})


def test_every_bad_cell_is_named_with_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("staff;client;date;start;end;jour;approved\n"
                    "A1;C1;2027-01-04;07:00;15:00;x;ja\n"
                    "A1;C1;2027-13-04;07:00;15:00;0;ja\n"
                    ";C1;2027-01-05;07:00;15:00;0;kanske\n"
                    "A1;C1;2027-01-06;07:00;07:00;0;ja\n"
                    "A1;C1;2027-01-06;07:00;09:00;3;ja\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_time_reports(path)
    problems = caught.value.problems
    assert "row 2, column on_call_hours: 'x' is not a number of hours" in problems
    assert any(p.startswith("row 3, column date: '2027-13-04' is not a date") for p in problems)
    assert "row 4, column staff: empty" in problems
    assert any(p.startswith("row 4, column approved: 'kanske'") for p in problems)
    # 07:00–07:00 on one date reads as a 24-hour shift; 3 h of jour in a 2 h shift does not fit.
    assert any(p.startswith("row 6, ") and "exceed the shift" in p for p in problems)
    assert str(path) in str(caught.value)


def test_unknown_columns_and_missing_ones(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("staff;start;slutet\nA1;2027-01-04 07:00;x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_time_reports(path)
    text = "\n".join(caught.value.problems)
    assert "column 3 'slutet': unknown column" in text
    assert "no column for end" in text
    assert "no column for the client or the unit" in text


def test_personal_numbers_and_unknown_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("staff,client,start,end\n"
                    "19790101-1234,C1,2027-01-04 07:00,2027-01-04 15:00\n"
                    "A9,C9,2027-01-04 07:00,2027-01-04 15:00\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column staff: .*personal identity number"):
        read_time_reports(path)
    path.write_text("staff,client,start,end\nA9,C9,2027-01-04 07:00,2027-01-04 15:00\n",
                    encoding="utf-8")
    lines = read_time_reports(path)
    assert line_reference_errors(lines, {"A1"}, {"C1"}, {"U1"}) == [
        "ids.csv, row 2, column staff: unknown staff 'A9'",
        "ids.csv, row 2, column client: unknown client 'C9'"]


def test_not_a_time_report(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_time_reports(tmp_path / "none.csv")
    other = tmp_path / "x.pdf"
    other.write_text("%PDF", encoding="utf-8")
    with pytest.raises(InputError, match="unknown file type"):
        read_time_reports(other)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        read_time_reports(broken)
