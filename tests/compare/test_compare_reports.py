"""The CLI commands of a comparison (the HTML report in a browser: test_report_browser.py; the
workbook: test_workbook.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.cli import app


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
