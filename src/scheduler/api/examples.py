"""Example payloads for the OpenAPI docs (and the API tests): pseudonymous ids only."""

from __future__ import annotations

import copy
from typing import Any

# One client in unit U1 with a need 08:00–16:00 every day for a week, three assistants.
_SCENARIO: dict[str, Any] = {
    "name": "example-week",
    "horizon": {"start": "2027-02-01", "days": 7},
    "units": [{"id": "U1", "name": "Assistance group 1"}],
    "clients": [
        {
            "id": "C1",
            "unit": "U1",
            "decisions": [
                {
                    "id": "D1",
                    "granted_hours_per_week": 56,
                    "settlement_period": {"start": "2027-02-01", "end": "2027-02-07"},
                    "reserve": "none",
                }
            ],
            "need": {"weekly": [{"start": "08:00", "end": "16:00"}]},
            "approved_staff": ["A1", "A2", "A3"],
        }
    ],
    "staff": [
        {"id": f"A{i}", "home_unit": "U1", "contract_hours_per_week": 40} for i in (1, 2, 3)
    ],
    "solver": {"time_limit_seconds": 2, "workers": 1},
}


def example_scenario(unit: str = "U1", name: str = "example-week") -> dict[str, Any]:
    """A fresh copy of the example scenario, moved to ``unit`` if asked."""
    data = copy.deepcopy(_SCENARIO)
    data["name"] = name
    data["units"][0]["id"] = unit
    data["clients"][0]["unit"] = unit
    for staff in data["staff"]:
        staff["home_unit"] = unit
    return data


SCENARIO_EXAMPLES = {
    "week": {"summary": "One client, one week, 08:00–16:00", "value": example_scenario()},
}

JOB_EXAMPLES = {
    "stored": {
        "summary": "Solve a stored scenario",
        "value": {"scenario_id": "3f2c9a0d1b7e4c55a1d2e3f4a5b6c7d8", "time_limit_seconds": 10},
    },
    "inline": {
        "summary": "Send the scenario along",
        "value": {"scenario": example_scenario(), "time_limit_seconds": 5, "seed": 1},
    },
}
