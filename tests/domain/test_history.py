"""The history in a scenario: shifts before the horizon, checked like every other input."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from scheduler.domain.loader import InputError, parse_model
from scheduler.domain.scenario import Scenario

BASE = yaml.safe_load("""
name: history
horizon: {start: 2027-03-08, days: 7}
units: [{id: U1}]
clients:
  - id: C01
    unit: U1
    approved_staff: [A01, A02]
    decisions:
      - {id: D1, granted_hours_per_week: 40,
         settlement_period: {start: 2027-01-01, end: 2027-06-30}}
    need: {weekly: [{start: "08:00", end: "16:00"}]}
staff:
  - {id: A01, home_unit: U1, contract_hours_per_week: 40}
  - {id: A02, home_unit: U1, contract_hours_per_week: 40}
""")


def _with(history: dict[str, Any]) -> dict[str, Any]:
    return {**BASE, "history": history}


def _shift(start: str, end: str, **fields: Any) -> dict[str, Any]:
    return {"start": start, "end": end, **fields}


def test_a_history_is_read() -> None:
    scenario = parse_model(Scenario, _with({"since": "2027-02-08T00:00", "staff": [
        {"staff": "A01", "shifts": [_shift("2027-03-07T14:00", "2027-03-07T22:00", client="C01")]},
    ]}), "x")
    assert scenario.history is not None
    assert [s.hours for s in scenario.history.shifts_of("A01")] == [8]
    assert scenario.history.shifts_of("A02") == []


@pytest.mark.parametrize("history, expected", [
    ({"since": "2027-02-08T00:00", "staff": [{"staff": "A99", "shifts": []}]},
     "history.staff[A99]: unknown staff 'A99'"),
    ({"since": "2027-02-08T00:00", "staff": [{"staff": "A01", "shifts": [
        _shift("2027-03-07T20:00", "2027-03-08T04:00")]}]},
     "outside the history"),
    ({"since": "2027-02-08T00:00", "staff": [{"staff": "A01", "shifts": [
        _shift("2027-03-06T08:00", "2027-03-06T16:00"),
        _shift("2027-03-06T15:00", "2027-03-06T20:00")]}]},
     "overlaps the shift before it"),
    ({"since": "2027-02-08T00:00", "staff": [{"staff": "A01", "shifts": [
        _shift("2027-03-06T08:00", "2027-03-06T16:00", client="C77")]}]},
     "unknown client 'C77'"),
    ({"since": "2027-02-08T00:00", "staff": [{"staff": "A01", "shifts": [
        _shift("2027-03-06T08:00", "2027-03-06T10:00", on_call_hours=3)]}]},
     "exceed the shift"),
    ({"since": "2027-03-09T00:00", "staff": []}, "history.since"),
])
def test_bad_history_is_refused_with_the_place_named(history: dict[str, Any],
                                                     expected: str) -> None:
    with pytest.raises(InputError) as error:
        parse_model(Scenario, _with(history), "x.yaml")
    assert expected in str(error.value), str(error.value)


def test_the_period_start_falls_on_the_week_start_day() -> None:
    data = {**BASE, "rules": {"period_start": "2027-01-05"}}  # a Tuesday
    with pytest.raises(InputError, match="period_start"):
        parse_model(Scenario, data, "x.yaml")
    data = {**BASE, "rules": {"period_start": "2027-01-05", "week_start_day": "tue"}}
    assert parse_model(Scenario, data, "x.yaml").rules.period_start.isoformat() == "2027-01-05"
