"""Back-to-back planning from the command line, as the README shows it: weeks 1–2, then weeks
3–4 with the first schedule as history; joined, the plans pass `scheduler check` against the
four weeks. Planned blind, the same join breaks the rules at the seam."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.domain.loader import load_schedule
from scheduler.planning.continuity import continue_from
from scheduler.planning.variants import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "back_to_back"


def _run(*args: object) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def _check(schedule: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", str(SCENARIOS / "four_weeks.yaml"), str(schedule)])
    return result.exit_code, result.output


def test_two_plans_joined_pass_the_check_of_the_four_weeks(tmp_path: Path) -> None:
    first, second = tmp_path / "w12.json", tmp_path / "w34.json"
    _run("solve", SCENARIOS / "weeks_1_2.yaml", "--out", first, "-q", "--time-limit", 3)
    _run("solve", SCENARIOS / "weeks_3_4.yaml", "--history", first, "--out", second, "-q",
         "--time-limit", 3)
    joined = tmp_path / "joined.json"
    _run("join", SCENARIOS / "four_weeks.yaml", first, second, "--out", joined)
    shifts = len(json.loads(first.read_text())["shifts"]) + len(
        json.loads(second.read_text())["shifts"])
    assert len(json.loads(joined.read_text())["shifts"]) == shifts
    code, output = _check(joined)
    assert code == 0, output


def test_the_same_join_without_history_fails_the_check(tmp_path: Path) -> None:
    first, blind = tmp_path / "w12.json", tmp_path / "w34_blind.json"
    _run("solve", SCENARIOS / "weeks_1_2.yaml", "--out", first, "-q", "--time-limit", 3)
    _run("solve", SCENARIOS / "weeks_3_4.yaml", "--out", blind, "-q", "--time-limit", 3)
    joined = tmp_path / "joined.json"
    _run("join", SCENARIOS / "four_weeks.yaml", first, blind, "--out", joined)
    code, output = _check(joined)
    assert code == 1, output
    assert "hour_caps" in output and "jour" in output


def test_a_history_that_overlaps_the_horizon_is_refused(tmp_path: Path) -> None:
    # The four weeks' schedule cannot be the history of weeks 3–4: it runs into them.
    whole = tmp_path / "whole.json"
    _run("solve", SCENARIOS / "four_weeks.yaml", "--out", whole, "-q", "--time-limit", 2)
    result = CliRunner().invoke(app, ["solve", str(SCENARIOS / "weeks_3_4.yaml"), "--history",
                                      str(whole), "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(whole) in result.stderr
    assert "end after the scenario's horizon starts (2027-01-18)" in result.stderr


def test_two_previous_schedules_make_one_history(tmp_path: Path) -> None:
    # Weeks 1–2 and 3–4 as the history of week 5: both schedules' shifts are in it (the longest
    # period a rule counts over, 4 weeks, reaches back to week 1).
    first, second = tmp_path / "w12.json", tmp_path / "w34.json"
    _run("solve", SCENARIOS / "weeks_1_2.yaml", "--out", first, "-q", "--time-limit", 2)
    _run("solve", SCENARIOS / "weeks_3_4.yaml", "--history", first, "--out", second, "-q",
         "--time-limit", 2)
    week5 = tmp_path / "week5.yaml"
    week5.write_text((SCENARIOS / "weeks_3_4.yaml").read_text()
                     .replace("start: 2027-01-18, days: 14", "start: 2027-02-01, days: 7")
                     .replace("name: weeks-3-4", "name: week-5"))
    scenario = load_scenario(week5)
    for path in (first, second):
        scenario = continue_from(scenario, load_schedule(path), str(path))
    assert scenario.history is not None
    listed = sum(len(entry.shifts) for entry in scenario.history.staff)
    assert listed == sum(len(json.loads(p.read_text())["shifts"]) for p in (first, second))
    _run("solve", week5, "--history", first, "--history", second, "--out",
         tmp_path / "w5.json", "-q", "--time-limit", 2)
