"""Bad dates, numbers and legal limits in a scenario get a named error and exit 2, never a
traceback (issue: continuous planning, findings 8 and 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.domain.loader import InputError, parse_document, parse_model
from scheduler.domain.scenario import Scenario

BASE = """\
name: bad-input
horizon: {start: 2027-03-01, days: 7}
units: [{id: U1}]
clients:
  - id: C01
    unit: U1
    approved_staff: [A01]
    decisions:
      - {id: D1, granted_hours_per_week: 40,
         settlement_period: {start: 2027-01-01, end: 2027-06-30}}
    need:
      weekly: [{start: "08:00", end: "16:00"}]
staff:
  - {id: A01, home_unit: U1, contract_hours_per_week: 40}
"""


def _validate(tmp_path: Path, text: str, suffix: str = ".yaml"):
    path = tmp_path / f"scenario{suffix}"
    path.write_text(text)
    return CliRunner().invoke(app, ["validate", str(path)])


def _refused(tmp_path: Path, text: str, *expected: str, suffix: str = ".yaml") -> str:
    result = _validate(tmp_path, text, suffix)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for part in expected:
        assert part in result.stderr, result.stderr
    return result.stderr


def test_the_base_document_is_valid(tmp_path: Path) -> None:
    assert _validate(tmp_path, BASE).exit_code == 0


def test_an_unquoted_date_that_does_not_exist_names_the_field(tmp_path: Path) -> None:
    _refused(tmp_path, BASE.replace("start: 2027-03-01", "start: 2027-02-30"),
             "horizon.start", "2027-02-30")


@pytest.mark.parametrize("start", ["9999-12-25", "0001-01-01"])
def test_a_horizon_near_the_ends_of_the_calendar_is_refused(tmp_path: Path, start: str) -> None:
    _refused(tmp_path, BASE.replace("start: 2027-03-01", f"start: {start}"),
             "horizon.start", "outside the years")


def test_a_need_exception_over_the_whole_calendar_is_refused(tmp_path: Path) -> None:
    text = BASE.replace(
        'weekly: [{start: "08:00", end: "16:00"}]',
        'weekly: [{start: "08:00", end: "16:00"}]\n      exceptions: '
        '[{start: "0001-01-01T00:00", end: "9999-12-31T00:00", staff: 0}]')
    _refused(tmp_path, text, "need.exceptions", "outside the years")


def test_an_absurd_time_zone_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, BASE.replace("days: 7}", f"days: 7, timezone: {'A' * 300}}}"),
             "horizon.timezone")
    _refused(tmp_path, BASE.replace("days: 7}", "days: 7, timezone: Europe/Nowhere}"),
             "horizon.timezone", "unknown time zone")


@pytest.mark.parametrize("field, value", [
    ("weights", "{uncovered: .nan}"),
    ("weights", "{uncovered: 100000000000000}"),
    ("rules", "{max_overtime_hours_per_4_weeks: .inf}"),
    ("cost", "{fk_hourly_amount: .nan}"),
    ("cost", "{wages: {monthly: .inf}}"),
])
def test_nan_infinity_and_absurd_numbers_are_refused(tmp_path: Path, field: str,
                                                     value: str) -> None:
    _refused(tmp_path, BASE + f"{field}: {value}\n", field)


def test_nan_in_json_is_refused_by_the_parser() -> None:
    data = yaml.safe_load(BASE)
    text = json.dumps(data, default=str).replace('"granted_hours_per_week": 40',
                                                   '"granted_hours_per_week": NaN')
    with pytest.raises(InputError, match="NaN is not a number"):
        parse_document(text, "x.json", json_only=True)


@pytest.mark.parametrize("setting", [
    "daily_rest_hours: 9", "weekly_rest_hours: 0", "max_shift_hours: 20",
    "long_shift_hours: 20", "max_average_hours_per_week: 60",
    "max_overtime_hours_per_4_weeks: 60", "max_overtime_hours_per_year: 300",
    "max_on_call_hours_per_4_weeks: 60",
])
def test_a_setting_weaker_than_the_law_needs_an_agreement_reference(tmp_path: Path,
                                                                    setting: str) -> None:
    field = setting.split(":")[0]
    _refused(tmp_path, BASE + f"rules: {{{setting}}}\n", field, "agreement_reference")
    cited = BASE + f"rules: {{{setting}, agreement_reference: 'Local agreement 2026:14'}}\n"
    assert _validate(tmp_path, cited).exit_code == 0


def test_stricter_settings_need_no_reference() -> None:
    data = yaml.safe_load(BASE)
    data["rules"] = {"daily_rest_hours": 12, "weekly_rest_hours": 47, "max_shift_hours": 10}
    assert parse_model(Scenario, data, "x").rules.agreement_reference is None


def test_breaks_after_more_than_five_hours_need_a_reference(tmp_path: Path) -> None:
    text = BASE.replace("units: [{id: U1}]", "units: [{id: U1, breaks: {after_hours: 8}}]")
    _refused(tmp_path, text, "breaks", "after_hours", "agreement_reference")
    cited = BASE.replace("units: [{id: U1}]", "units: [{id: U1, breaks: {after_hours: 8, "
                         "agreement_reference: 'Local agreement 2026:14'}}]")
    assert _validate(tmp_path, cited).exit_code == 0
