"""Tiny scenarios and helpers for the comparison tests, built in Python with pseudonymous ids.

The week 22–28 March 2027 holds Good Friday (26th), Holy Saturday and Easter Sunday (major
holidays) and the spring change to summer time (night to Sunday 28th: 02:00 → 03:00).
"""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, SolveInfo

BASE: dict[str, Any] = {
    "name": "base",
    "description": "two small groups run apart",
    "horizon": {"start": "2027-03-22", "days": 7},
    "units": [{"id": "U1"}, {"id": "U2"}],
    "clients": [
        {
            "id": "C01",
            "unit": "U1",
            "decisions": [{
                "id": "D01",
                "kind": "sfb_assistance",
                # 42 h/week over 181 days = 1086 h; 1056 performed: 30 h left (+3 h exception).
                "granted_hours_per_week": 42,
                "settlement_period": {"start": "2027-01-01", "end": "2027-06-30"},
                "hours_performed": 1056,
                "reserve": "none",
                "exception": {"reference": "AC-1", "extra_hours": 3},
            }],
            "need": {"weekly": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "12:00"},
                {"days": ["sat", "sun"], "start": "10:00", "end": "14:00"},
                {"days": ["sat"], "start": "22:00", "end": "07:00", "on_call": True},
            ]},
            "approved_staff": ["A01", "A02", "A03"],
        },
        {
            "id": "C02",
            "unit": "U2",
            "decisions": [{
                "id": "D02",
                "kind": "lss_assistance",
                "granted_hours_per_week": 40,
                "settlement_period": {"start": "2027-03-01", "end": "2027-08-31"},
                "reserve": "none",
            }],
            "need": {"weekly": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "17:00", "end": "23:00"},
            ]},
            "approved_staff": ["B01", "B02"],
        },
    ],
    "staff": [
        {"id": "A01", "home_unit": "U1", "contract_hours_per_week": 30},
        # A family caregiver on weekday days only, so the jour night goes to someone paid for it.
        {"id": "A02", "home_unit": "U1", "contract_hours_per_week": 10, "employment": "pan",
         "family_caregiver": True,
         "availability": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00",
                           "end": "18:00"}]},
        {"id": "A03", "home_unit": "U1", "contract_hours_per_week": 0, "employment": "hourly",
         "hourly_wage": 180},
        {"id": "B01", "home_unit": "U2", "contract_hours_per_week": 20, "role": "senior"},
        {"id": "B02", "home_unit": "U2", "contract_hours_per_week": 0, "employment": "hourly"},
    ],
    "cost": {"wages": {"roles": {"senior": 200}}},
    "solver": {"time_limit_seconds": 3, "workers": 1},
}

VARIANT: dict[str, Any] = {
    "base": "base.yaml",
    "name": "pooled",
    "changes": [
        {"kind": "pool_units", "units": ["U1", "U2"], "approve_all": True},
        {"kind": "change_contract_hours", "staff": "B01", "hours": 25},
    ],
}


def base_data() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def hand_schedule(scenario: Scenario, shifts: list[Shift]) -> Schedule:
    """A schedule made by hand (no solver), for cost arithmetic on known shifts."""
    return Schedule(
        scenario=scenario.name,
        horizon_start=scenario.horizon.start.isoformat(),
        horizon_days=scenario.horizon.days,
        timezone=scenario.horizon.timezone,
        created=datetime(2027, 1, 1),
        solve=SolveInfo(status="feasible", objective=None, best_bound=None, gap=None,
                        wall_seconds=0, time_limit_seconds=1, workers=1, seed=0),
        shifts=shifts,
    )
