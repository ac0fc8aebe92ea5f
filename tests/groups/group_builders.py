"""Small group-unit scenarios built in Python (pseudonymous ids only): a week in March 2027."""

from __future__ import annotations

import copy
from typing import Any

from scheduler.domain.scenario import Scenario

MONDAY = "2027-03-01"  # no holiday, no DST change in the week


def stay_client(cid: str, unit: str) -> dict[str, Any]:
    """A child with a short-term stay decision and no personal assistance of their own."""
    return {
        "id": cid,
        "unit": unit,
        "decisions": [{
            "id": f"D{cid}", "kind": "short_term_stay", "granted_hours_per_week": 0,
            "settlement_period": {"start": "2027-01-01", "end": "2027-06-30"},
        }],
        "need": {},
    }


def staff(sid: str, unit: str, hours: float = 30, **fields: Any) -> dict[str, Any]:
    return {"id": sid, "home_unit": unit, "contract_hours_per_week": hours, **fields}


def booking(cid: str, unit: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
    return {"client": cid, "unit": unit, "start": start, "end": end, **fields}


def ktv_data(*, bookings: list[dict[str, Any]] | None = None, n_staff: int = 6,
             density: dict[str, Any] | None = None, breaks: dict[str, Any] | None = None,
             days: int = 3, contract: float = 20) -> dict[str, Any]:
    """One short-term stay home K with four booked children and ``n_staff`` staff."""
    unit: dict[str, Any] = {"id": "K", "kind": "short_term_stay",
                            "density": density or {"clients_per_staff": 2}}
    if breaks is not None:
        unit["breaks"] = breaks
    return {
        "name": "ktv-test",
        "horizon": {"start": MONDAY, "days": days},
        "units": [unit],
        "clients": [stay_client(f"K{i}", "K") for i in range(1, 5)],
        "bookings": bookings if bookings is not None else [
            booking("K1", "K", "2027-03-01T08:00", "2027-03-01T20:00"),
            booking("K2", "K", "2027-03-01T08:00", "2027-03-01T20:00"),
            booking("K3", "K", "2027-03-01T08:00", "2027-03-01T20:00"),
        ],
        "staff": [staff(f"B{i}", "K", contract) for i in range(1, n_staff + 1)],
        "solver": {"time_limit_seconds": 5, "workers": 2},
    }


def build(data: dict[str, Any], **overrides: Any) -> Scenario:
    data = copy.deepcopy(data)
    data.update(copy.deepcopy(overrides))
    return Scenario.model_validate(data)
