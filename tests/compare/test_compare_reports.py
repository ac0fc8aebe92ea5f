"""The Excel workbook and the CLI commands of a comparison (the HTML report in a browser:
test_report_browser.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.planning.compare import ScenarioRun
from scheduler.reports import write_excel


def test_excel_workbook(compared: tuple[list[ScenarioRun], Any], tmp_path: Path) -> None:
    runs, table = compared
    path = write_excel(runs, table, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(path)
    weeks = [f"{r.label} {kind}" for r in runs for kind in ("brukare", "personal")]
    assert book.sheetnames == ["comparison", "cost per unit", "staff costs",
                               *[r.label for r in runs], *weeks]
    rows = list(book["comparison"].iter_rows(values_only=True))
    assert rows[0] == ("metric", "unit", *[r.label for r in runs])
    by_metric = {row[0]: row for row in rows[1:]}
    for record in table.to_dict(orient="records"):
        for i, run in enumerate(runs):
            expected = record[run.label]
            if isinstance(expected, float):
                expected = pytest.approx(expected, rel=1e-12)
            assert by_metric[record["metric"]][2 + i] == expected
    for run in runs:
        sheet = list(book[run.label].iter_rows(values_only=True))
        assert len(sheet) - 1 == len(run.schedule.shifts)
        ob_column = sheet[0].index("OB kr")
        assert sum(r[ob_column] for r in sheet[1:]) == pytest.approx(run.costs.total["ob"],
                                                                     abs=0.05)


def test_cli_compare_writes_everything(variant_files: tuple[Path, Path],
                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["compare", *map(str, variant_files), "--out-dir",
                                      str(out), "--time-limit", "2", "--workers", "2",
                                      "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Scenarios side by side" in result.output
    for fragment in ("hours beyond granted (exception)", "uncovered need", "overtime",
                     "unused contract", "staff hours in U1", "OB supplements",
                     "employer's contributions",
                     "revenue", "net", "base", "pooled"):
        assert fragment in result.output, fragment
    for name in ("comparison.html", "comparison.xlsx", "comparison.csv", "base.json",
                 "pooled.json", "pooled.csv"):
        assert (out / name).exists(), name


def test_cli_compare_bad_variant_is_bad_input(variant_files: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"base: {variant_files[0]}\nchanges:\n  - {{kind: remove_staff, staff: Z1}}\n")
    result = CliRunner().invoke(app, ["compare", str(variant_files[0]), str(bad)])
    assert result.exit_code == 2
    assert "changes[0] (remove_staff).staff: unknown staff member 'Z1'" in result.stderr


def test_cli_solve_a_variant_with_report(variant_files: tuple[Path, Path],
                                         tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    result = CliRunner().invoke(app, ["solve", str(variant_files[1]), "--out", str(out),
                                      "--time-limit", "2", "--quiet", "--report"])
    assert result.exit_code == 0, result.output
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert 'id="kpi-table"' in html and "pooled" in html


@pytest.mark.parametrize(("scenarios", "workers", "expected"), [
    (4, 2, (2, 1)),  # two solves at a time, one thread each
    (1, 4, (1, 4)),  # one solve gets every thread
    (3, 8, (3, 2)),
    (2, 1, (1, 1)),  # one thread in all: one after the other, in this process
])
def test_workers_are_a_total(scenarios: int, workers: int, expected: tuple[int, int]) -> None:
    from scheduler.planning.compare import plan_workers

    processes, threads = plan_workers(scenarios, workers)
    assert (processes, threads) == expected
    assert processes * threads <= workers
