"""Shared fixtures: a tiny scenario built in Python (pseudonymous ids), quick to solve."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scheduler.domain.scenario import Scenario

# 1 client, 3 assistants, 7 days (Mon 22 – Sun 28 March 2027, the spring DST change is on the
# last night), 4 hours of need a day: 28 person-hours. The decision leaves ~33 h for the week,
# so everything can be covered; a solve takes well under a second.
TINY: dict[str, Any] = {
    "format_version": "1",
    "name": "tiny",
    "horizon": {"start": "2027-03-22", "days": 7},
    "units": [{"id": "U1", "name": "Group 1"}],
    "clients": [
        {
            "id": "C01",
            "unit": "U1",
            "decisions": [
                {
                    "id": "D01",
                    "kind": "sfb_assistance",
                    "granted_hours_per_week": 30,
                    "settlement_period": {"start": "2027-01-01", "end": "2027-06-30"},
                    "hours_performed": 300,
                }
            ],
            "need": {
                "weekly": [
                    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "12:00"},
                    {"days": ["sat", "sun"], "start": "10:00", "end": "14:00"},
                ]
            },
            "approved_staff": ["A01", "A02", "A03"],
        }
    ],
    "staff": [
        {"id": "A01", "home_unit": "U1", "contract_hours_per_week": 20},
        {"id": "A02", "home_unit": "U1", "contract_hours_per_week": 10, "employment": "pan"},
        {"id": "A03", "home_unit": "U1", "contract_hours_per_week": 0, "employment": "hourly"},
    ],
    "solver": {"time_limit_seconds": 5, "workers": 2},
}


@pytest.fixture(scope="session")
def tiny_template() -> dict[str, Any]:
    """The tiny scenario's data for module- or session-scoped fixtures (copy before editing)."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny_data() -> Callable[..., dict[str, Any]]:
    """Factory: a fresh, editable copy of the tiny scenario as plain data (top-level overrides)."""

    def make(**overrides: Any) -> dict[str, Any]:
        data = copy.deepcopy(TINY)
        data.update(copy.deepcopy(overrides))
        return data

    return make


@pytest.fixture
def tiny_scenario(tiny_data: Callable[..., dict[str, Any]]) -> Callable[..., Scenario]:
    """Factory: the tiny scenario as a validated ``Scenario`` (top-level overrides)."""

    def make(**overrides: Any) -> Scenario:
        return Scenario.model_validate(tiny_data(**overrides))

    return make


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    """Write scenario data as YAML into the test's tmp dir; returns the path."""

    def write(data: dict[str, Any], name: str = "scenario.yaml") -> Path:
        return write_yaml(tmp_path / name, data)

    return write
