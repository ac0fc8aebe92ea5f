"""The command line: exit codes (0 ok, 1 violations, 2 bad input) and messages, never tracebacks
for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from scheduler import cli
from scheduler.cli import app
from scheduler.domain.loader import load_schedule
from scheduler.results.export import SHIFT_COLUMNS

runner = CliRunner()


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def assert_bad_input(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


# --- validate ----------------------------------------------------------------------------------


def test_validate_ok(tiny_data, write_scenario):
    result = run("validate", write_scenario(tiny_data()))
    assert result.exit_code == 0, result.output
    # 7 days × 4 h of need = 28 person-hours.
    assert "OK" in result.stdout
    assert "1 clients, 3 staff, 1 decisions, 28.0 need person-hours" in result.stdout


def test_malformed_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: tiny\nunits: [{id: U1\nclients: []\n")
    assert_bad_input(run("validate", path), "broken.yaml", "line")


def test_missing_file(tmp_path):
    assert_bad_input(run("validate", tmp_path / "nowhere.yaml"), "nowhere.yaml", "not found")


def test_unknown_approved_staff(tiny_data, write_scenario):
    data = tiny_data()
    data["clients"][0]["approved_staff"].append("X99")
    assert_bad_input(run("validate", write_scenario(data, "unknown.yaml")),
                     "unknown.yaml", "clients[C01].approved_staff", "X99")


def test_negative_hours(tiny_data, write_scenario):
    data = tiny_data()
    data["clients"][0]["decisions"][0]["granted_hours_per_week"] = -5
    assert_bad_input(run("validate", write_scenario(data)),
                     "clients[C01].decisions[D01].granted_hours_per_week", "-5")


def test_inverted_settlement_period(tiny_data, write_scenario):
    data = tiny_data()
    data["clients"][0]["decisions"][0]["settlement_period"] = {
        "start": "2027-06-30", "end": "2027-01-01",
    }
    assert_bad_input(run("validate", write_scenario(data)),
                     "clients[C01].decisions[D01].settlement_period", "before it starts")


def test_not_a_mapping(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    assert_bad_input(run("validate", path), "list.json", "mapping")


# --- schema ------------------------------------------------------------------------------------


def test_schema():
    scenario = json.loads(run("schema").stdout)
    assert "properties" in scenario and "horizon" in scenario["properties"]
    schedule = json.loads(run("schema", "--schedule").stdout)
    assert "shifts" in schedule["properties"]


# --- solve and check ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def solved(tmp_path_factory, tiny_template) -> dict[str, Any]:
    """Solve the tiny scenario once for all solve/check tests (a solve is the slow part)."""
    folder = tmp_path_factory.mktemp("solve")
    scenario = folder / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(tiny_template))
    out = folder / "result" / "tiny.json"
    result = run("solve", scenario, "--out", out, "--time-limit", "5", "--workers", "2",
                 "--kpi-csv")
    return {"result": result, "scenario": scenario, "out": out, "data": tiny_template}


def test_solve_writes_json_and_csv(solved):
    result, out = solved["result"], solved["out"]
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    schedule = load_schedule(out)
    assert schedule.solve.status in ("optimal", "feasible")
    assert schedule.shifts, "the tiny scenario is fully coverable"
    frame = pd.read_csv(out.with_suffix(".csv"))
    assert list(frame.columns) == SHIFT_COLUMNS
    assert len(frame) == len(schedule.shifts)
    assert set(schedule.kpis) == {"decisions", "staff", "totals", "double_decisions", "clients",
                                  "units"}
    assert schedule.kpis["totals"]["need_person_hours"] == pytest.approx(28)
    assert (out.parent / "tiny.staff.csv").exists()
    # Swedish by default (--lang en: English).
    assert "Straff (mjuka regler)" in result.stdout and "Beslut (timmar)" in result.stdout


def test_solve_refuses_csv_out(tiny_data, write_scenario, tmp_path):
    assert_bad_input(run("solve", write_scenario(tiny_data()), "--out", tmp_path / "x.csv"),
                     "x.csv")


def test_solve_csv_dialect_excel_sv(tiny_data, write_scenario, tmp_path):
    out = tmp_path / "sv" / "tiny.json"
    result = run("solve", write_scenario(tiny_data()), "--out", out, "--time-limit", "5",
                 "--workers", "2", "--quiet", "--csv-dialect", "excel-sv")
    assert result.exit_code == 0, result.output
    schedule = load_schedule(out)
    frame = pd.read_csv(out.with_suffix(".csv"), sep=";", decimal=",", encoding="utf-8-sig")
    assert frame.columns[0] == "Medarbetare"
    assert frame["Timmar"].sum() == pytest.approx(sum(s.hours for s in schedule.shifts))
    assert out.with_suffix(".csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_solve_unknown_csv_dialect_is_bad_input(tiny_data, write_scenario, tmp_path):
    assert_bad_input(run("solve", write_scenario(tiny_data()), "--out", tmp_path / "x.json",
                         "--csv-dialect", "semicolons"), "--csv-dialect", "'semicolons'")


def test_solve_bad_scenario(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: [")
    assert_bad_input(run("solve", path, "--out", tmp_path / "x.json"), "bad.yaml")


def test_check_solved_schedule_is_clean(solved):
    result = run("check", solved["scenario"], solved["out"])
    assert result.exit_code == 0, result.output


def _tampered(solved, tmp_path: Path) -> tuple[Path, Path]:
    """The tiny scenario with A03 not approved, and its schedule with one shift moved to A03."""
    data = json.loads(json.dumps(solved["data"]))
    data["clients"][0]["approved_staff"] = ["A01", "A02"]
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(data))
    schedule = json.loads(solved["out"].read_text())
    schedule["shifts"][0]["staff"] = "A03"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(schedule))
    return scenario, path


def test_check_tampered_schedule(solved, tmp_path):
    scenario, schedule = _tampered(solved, tmp_path)
    result = run("check", scenario, schedule)
    assert result.exit_code == 1, result.output
    assert "A03" in result.output


def test_check_exit_codes_with_a_stub_validator(solved, tmp_path, monkeypatch):
    # The CLI's side of the contract, independent of the real validator's progress.
    outcome: dict[str, Any] = {"violations": [], "penalty_mismatches": [],
                               "uncovered_mismatch": None}
    monkeypatch.setattr(cli, "check_schedule", lambda scenario, schedule: types.SimpleNamespace(
        ok=not outcome["violations"], **outcome))
    monkeypatch.setattr(cli, "format_report",
                        lambda report: f"STUB REPORT {len(report.violations)}")

    clean = run("check", solved["scenario"], solved["out"])
    assert clean.exit_code == 0, clean.output
    assert "STUB REPORT 0" in clean.stdout

    outcome["violations"] = ["approved_assistant: A03 is not approved by C01"]
    dirty = run("check", solved["scenario"], solved["out"])
    assert dirty.exit_code == 1
    assert "STUB REPORT 1" in dirty.stdout


def test_check_bad_schedule_file(solved, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"scenario": "tiny", "shifts": [')
    assert_bad_input(run("check", solved["scenario"], broken), "broken.json")
    wrong = json.loads(solved["out"].read_text())
    wrong["shifts"][0]["start"] = "not a time"
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(wrong))
    assert_bad_input(run("check", solved["scenario"], path), "wrong.json", "shifts[0].start")


def test_check_other_horizon(solved, tmp_path):
    data = json.loads(json.dumps(solved["data"]))
    data["horizon"]["start"] = "2027-03-29"
    scenario = tmp_path / "later.yaml"
    scenario.write_text(yaml.safe_dump(data))
    assert_bad_input(run("check", scenario, solved["out"]), "horizon")


def test_progress_line_renders():
    from scheduler.solver.engine import Progress

    line = cli._ProgressLine()
    assert "no solution yet" in line.__rich__().plain
    line.update(Progress(component=0, components=2, objective=1234.5, bound=1000.0, seconds=1.0))
    text = line.__rich__().plain
    assert "best 1,234.50" in text and "bound 1,000.00" in text and "component 1/2" in text


# --- entry points ------------------------------------------------------------------------------


def test_python_dash_m(tiny_data, write_scenario):
    path = write_scenario(tiny_data())
    done = subprocess.run([sys.executable, "-m", "scheduler", "validate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout
    done = subprocess.run([sys.executable, "-m", "scheduler", "validate", str(path) + ".nope"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_main_turns_a_bug_into_exit_3(monkeypatch, capsys):
    def broken(**_: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "app", broken)
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 3
    assert "a bug" in capsys.readouterr().err


def test_check_fails_a_schedule_that_understates_its_uncovered_need(tmp_path, tiny_scenario):
    from scheduler.solver.engine import solve

    scenario = tiny_scenario()
    scenario_path = tmp_path / "s.json"
    scenario_path.write_text(scenario.model_dump_json())
    schedule = solve(scenario, time_limit=5)
    assert schedule.shifts
    # Drop a shift but keep the claim that the rest of the need is covered as before.
    tampered = schedule.model_copy(update={"shifts": schedule.shifts[1:]})
    schedule_path = tmp_path / "t.json"
    schedule_path.write_text(tampered.model_dump_json())
    load_schedule(schedule_path)  # still a well-formed schedule
    result = CliRunner().invoke(app, ["check", str(scenario_path), str(schedule_path)])
    assert result.exit_code == 1, result.output
    assert "uncovered" in result.output


def test_solve_a_pin_breaking_a_rule_exits_2_naming_the_pin_and_the_rule(
        tiny_data, write_scenario, tmp_path):
    # A02 is not approved for C01: the pin is reported before anything is planned.
    data = tiny_data()
    data["clients"][0]["approved_staff"] = ["A01", "A03"]
    data["pinned_shifts"] = [{"staff": "A02", "client": "C01", "start": "2027-03-23T08:00",
                              "end": "2027-03-23T12:00"}]
    result = run("solve", write_scenario(data), "--out", tmp_path / "s.json", "--quiet")
    assert_bad_input(result, "pinned_shifts", "A02 at C01 2027-03-23 08:00–12:00",
                     "approved_assistant")
    assert not (tmp_path / "s.json").exists()
