"""Small scenarios built in code for solver tests (pseudonymous ids only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from scheduler.domain.scenario import Scenario


def scenario(
    *,
    start: date = date(2027, 2, 1),
    days: int = 7,
    windows: list[dict[str, Any]] | None = None,
    granted: float = 56,
    period: tuple[str, str] = ("2027-02-01", "2027-02-07"),
    performed: float = 0,
    reserve: str = "none",
    exception: dict[str, Any] | None = None,
    staff: list[dict[str, Any]] | None = None,
    rules: dict[str, Any] | None = None,
    weights: dict[str, Any] | None = None,
    extra_decisions: list[dict[str, Any]] | None = None,
    time_limit: float = 10,
) -> Scenario:
    staff = staff or [
        {"id": f"A{i}", "home_unit": "U1", "contract_hours_per_week": 40} for i in (1, 2, 3)
    ]
    decision: dict[str, Any] = {
        "id": "D1",
        "granted_hours_per_week": granted,
        "settlement_period": {"start": period[0], "end": period[1]},
        "hours_performed": performed,
        "reserve": reserve,
    }
    if exception:
        decision["exception"] = exception
    data: dict[str, Any] = {
        "name": "test",
        "horizon": {"start": start.isoformat(), "days": days},
        "units": [{"id": "U1"}],
        "clients": [
            {
                "id": "C1",
                "unit": "U1",
                "decisions": [decision, *(extra_decisions or [])],
                "need": {"weekly": windows or [{"start": "08:00", "end": "16:00"}]},
                "approved_staff": [s["id"] for s in staff],
            }
        ],
        "staff": staff,
        "solver": {"time_limit_seconds": time_limit, "workers": 2},
    }
    if rules:
        data["rules"] = rules
    if weights:
        data["weights"] = weights
    return Scenario.model_validate(data)
