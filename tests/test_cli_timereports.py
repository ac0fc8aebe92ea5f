"""`scheduler audit`, `performed` and `invoice` on the example in scenarios/time_reports:
every planted error is found as its kind, the files are written, bad input exits 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from scheduler.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "time_reports"
SCENARIO = EXAMPLE / "scenario.yaml"
REPORTS = EXAMPLE / "time_reports.csv"
runner = CliRunner()


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def test_audit_finds_every_planted_error(tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    result = run("audit", SCENARIO, REPORTS, "--schedule", EXAMPLE / "schedule.json",
                 "--out", out, "--lang", "en")
    assert result.exit_code == 1, result.output  # findings
    document = json.loads(out.read_text(encoding="utf-8"))
    found = {(f["reference"], f["kind"]) for f in document["findings"]}
    with (EXAMPLE / "planted.csv").open(encoding="utf-8") as handle:
        planted = {(r["reference"], r["kind"]) for r in csv.DictReader(handle)}
    assert len(planted) == 8 and planted <= found
    assert "beyond_settlement" in {kind for _, kind in found}  # D1 runs out in the month
    assert document["amount"] == round(sum(f["amount"] for f in document["findings"]), 2)
    assert sum(r["findings"] for r in document["totals"]["kind"].values()) == len(
        document["findings"])
    rows = pd.read_csv(tmp_path / "findings.csv")
    assert len(rows) == len(document["findings"])
    sheets = pd.read_excel(tmp_path / "findings.xlsx", sheet_name=None)
    assert list(sheets) == ["Audit", "Per kind", "Per staff member", "Per unit"]


def test_audit_in_swedish_by_default(tmp_path: Path) -> None:
    result = run("audit", SCENARIO, REPORTS, "--out", tmp_path / "a.json")
    assert "Familjevårdare" in result.output or "Anhörigvårdare" in result.output
    sheets = pd.read_excel(tmp_path / "a.xlsx", sheet_name=None)
    assert "Granskning" in sheets


def test_audit_of_a_correct_report_is_clean(tmp_path: Path) -> None:
    with REPORTS.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    with (EXAMPLE / "planted.csv").open(encoding="utf-8") as handle:
        planted = {r["reference"] for r in csv.DictReader(handle)}
    clean = tmp_path / "clean.csv"
    with clean.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [rows[0], *(r for r in rows[1:] if r[0] not in planted)])
    result = run("audit", SCENARIO, clean, "--schedule", EXAMPLE / "schedule.json",
                 "--out", tmp_path / "clean.json", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "findings: 0" in result.output
    assert not (tmp_path / "clean.json").exists() or json.loads(
        (tmp_path / "clean.json").read_text(encoding="utf-8"))["findings"] == []


def test_invoice_and_performed(tmp_path: Path) -> None:
    result = run("invoice", SCENARIO, "--month", "2027-03", "--time-reports", REPORTS,
                 "--out", tmp_path / "inv.csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(tmp_path / "inv.csv")
    assert set(rows["recipient_kind"]) == {"fk", "provider", "municipality", "own"}
    assert (tmp_path / "inv.xlsx").exists()
    assert "Lines not approved" not in result.output  # every example line is approved
    result = run("performed", SCENARIO, "--schedule", EXAMPLE / "schedule.json",
                 "--out", tmp_path / "perf.json")
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "perf.json").read_text(encoding="utf-8"))
    assert set(document["hours_performed"]) == {"D1", "D2L", "D2S", "D3", "D4", "D5"}


def test_bad_input_exits_2(tmp_path: Path) -> None:
    result = run("invoice", SCENARIO, "--month", "March", "--time-reports", REPORTS)
    assert result.exit_code == 2 and "YYYY-MM" in result.stderr
    result = run("invoice", SCENARIO, "--month", "2027-03")
    assert result.exit_code == 2 and "--time-reports or --schedule" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("staff;client;start;end\nZ9;C1;2027-03-01 07:00;2027-03-01 15:00\n",
                   encoding="utf-8")
    result = run("audit", SCENARIO, bad)
    assert result.exit_code == 2
    assert "bad.csv, row 2, column staff: unknown staff 'Z9'" in result.stderr
    assert "Traceback" not in result.output
    result = run("audit", SCENARIO, REPORTS, "--lang", "fi")
    assert result.exit_code == 2 and "--lang" in result.stderr


def test_lines_not_approved_are_not_invoiced(tmp_path: Path) -> None:
    reports = tmp_path / "r.csv"
    reports.write_text("anställd;brukare;från;till;attesterad\n"
                       "A5;C3;2027-03-08 08:00;2027-03-08 13:00;ja\n"
                       "A6;C3;2027-03-09 08:00;2027-03-09 13:00;nej\n", encoding="utf-8")
    result = run("invoice", SCENARIO, "--month", "2027-03", "--time-reports", reports,
                 "--out", tmp_path / "i.csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Lines not approved, not counted: 1" in result.output
    rows = pd.read_csv(tmp_path / "i.csv")
    basansvar = rows[rows["recipient_kind"] == "provider"]
    assert list(basansvar["quantity"]) == [5.0] and list(basansvar["amount"]) == [5 * 345.0]
