"""The Excel workbook: numbers with number formats (never text), readable headers in Swedish by
default, frozen headers, column widths, and the uncovered need with who could have taken it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import builders as kit
from checked import checked_greedy
from scheduler.planning.compare import ScenarioRun, comparison_table, make_run
from scheduler.reports.excel import DATETIME, HOURS, KR, PERCENT, SHEET_WRITERS, write_excel


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


def test_sheets_and_headers_are_swedish_by_default_english_on_request(
        compared: tuple[list[ScenarioRun], Any], tmp_path: Path) -> None:
    runs, table = compared
    labels = [r.label for r in runs]
    sv = openpyxl.load_workbook(write_excel(runs, table, tmp_path / "sv.xlsx"))
    weeks = [f"{label} {kind}" for label in labels for kind in ("brukare", "personal")]
    assert sv.sheetnames == ["Jämförelse", "Kostnad per enhet", "Personalkostnader",
                             "Otäckt behov", *labels, *weeks]
    assert _rows(sv["Jämförelse"])[0] == ("Nyckeltal", "Måttenhet", *labels)
    assert _rows(sv[labels[0]])[0] == (
        "Medarbetare", "Brukare", "Enhet", "Start", "Slut", "Timmar", "Jourtimmar",
        "Arbetstid (timmar)", "OB-tillägg", "Jourersättning", "Besök", "Besökstimmar",
        "Restid (timmar)", "Väntetid (timmar)")
    assert "Arbetsgivaravgifter" in _rows(sv["Personalkostnader"])[0]
    en = openpyxl.load_workbook(write_excel(runs, table, tmp_path / "en.xlsx", lang="en"))
    assert en.sheetnames[:4] == ["Comparison", "Cost per unit", "Staff costs", "Uncovered need"]
    assert _rows(en[labels[0]])[0][:3] == ("Staff member", "Client", "Unit")


def test_comparison_cells_are_numbers_formatted_by_their_unit(
        compared: tuple[list[ScenarioRun], Any], tmp_path: Path) -> None:
    runs, table = compared
    book = openpyxl.load_workbook(write_excel(runs, table, tmp_path / "c.xlsx"))
    sheet = book["Jämförelse"]
    assert sheet.freeze_panes == "C2"
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    expected_format = {"h": HOURS, "kr": KR, "%": PERCENT}
    for record in table.to_dict(orient="records"):
        row = cells[record["metric"]]
        for i, run in enumerate(runs):
            cell = row[2 + i]
            value = record[run.label]
            if record["key"] == "gap":
                gap = run.schedule.solve.gap
                assert cell.value == (None if gap is None else pytest.approx(gap))
                assert cell.number_format == PERCENT
            elif record["unit"] == "%":
                assert cell.value == pytest.approx(value / 100)  # Excel's percent is a fraction
                assert cell.number_format == PERCENT
            elif record["unit"] in expected_format:
                assert isinstance(cell.value, int | float), (record["metric"], cell.value)
                assert cell.value == pytest.approx(value, rel=1e-12)
                assert cell.number_format == expected_format[record["unit"]]
            else:
                assert cell.value == value
    texts = [c.value for row in sheet.iter_rows(min_row=2, min_col=3) for c in row
             if isinstance(c.value, str)]
    assert not [t for t in texts if t.rstrip().endswith("%")], texts


def test_schedule_sheets_hold_times_hours_and_kronor(
        compared: tuple[list[ScenarioRun], Any], tmp_path: Path) -> None:
    runs, table = compared
    book = openpyxl.load_workbook(write_excel(runs, table, tmp_path / "c.xlsx"))
    for run in runs:
        sheet = book[run.label]
        rows = list(sheet.iter_rows(min_row=2))
        assert len(rows) == len(run.schedule.shifts)
        assert sheet.freeze_panes == "A2"
        assert sum(r[8].value for r in rows) == pytest.approx(run.costs.total["ob"], abs=0.05)
        first = rows[0]
        assert isinstance(first[3].value, datetime) and first[3].number_format == DATETIME
        assert first[5].number_format == HOURS and first[8].number_format == KR
        assert sum(r[5].value for r in rows) == pytest.approx(
            sum(s.hours for s in run.schedule.shifts), abs=1e-6)
        # Widths follow the content: the datetime columns are wider than Excel's default.
        assert sheet.column_dimensions["D"].width >= 16


@pytest.fixture(scope="module")
def short_run() -> ScenarioRun:
    """One assistant for a 16-hour daily need: the greedy plan leaves need uncovered, with
    what stopped A1 (resting, hour cap, ...) on every interval A1 could not take."""
    scenario = kit.assistance_week(windows=[kit.window("06:00", "22:00")], granted=112,
                                   staff=[kit.staff("A1", 40)])
    return make_run(scenario, checked_greedy(scenario), label="kort")


def test_uncovered_sheet_one_row_per_interval_and_blocker(short_run: ScenarioRun,
                                                         tmp_path: Path) -> None:
    uncovered = short_run.schedule.uncovered
    assert uncovered and any(u.blockers for u in uncovered)
    book = openpyxl.load_workbook(write_excel([short_run], comparison_table([short_run]),
                                              tmp_path / "u.xlsx"))
    sheet = book["Otäckt behov"]
    header, *rows = _rows(sheet)
    assert header == ("Scenario", "Brukare", "Enhet", "Start", "Slut", "Timmar",
                      "Saknade assistenter", "Orsak", "Medarbetare", "Hinder", "Detalj")
    assert len(rows) == sum(max(1, len(u.blockers)) for u in uncovered)
    hours = {(r[3], r[4]): r[5] for r in rows}
    assert sum(hours.values()) == pytest.approx(
        sum((u.end - u.start).total_seconds() / 3600 for u in uncovered))
    blockers = [r[9] for r in rows if r[8] == "A1"]
    kinds = {b.kind for u in uncovered for b in u.blockers}
    swedish = {"absent": "frånvarande", "busy": "upptagen på annat håll", "resting": "vilar",
               "weekly_rest": "veckovila", "hour_cap": "timtak nått",
               "settlement": "avräkningsperioden förbrukad", "free": "ledig"}
    assert set(blockers) == {swedish[k] for k in kinds}
    assert sheet.freeze_panes == "A2"
    assert sheet["D2"].number_format == DATETIME and sheet["F2"].number_format == HOURS


def test_sheet_writers_are_a_list_a_new_sheet_is_one_function(
        short_run: ScenarioRun, tmp_path: Path) -> None:
    import pandas as pd

    def extra(wb: Any) -> None:
        wb.add("Extra", pd.DataFrame({"hours": [1.25]}), {"hours": HOURS})

    path = write_excel([short_run], comparison_table([short_run]), tmp_path / "x.xlsx",
                       writers=[*SHEET_WRITERS, extra])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-1] == "Extra"
    assert book["Extra"]["A1"].value == "Timmar" and book["Extra"]["A2"].number_format == HOURS
