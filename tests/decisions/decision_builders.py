"""Small scenarios for decisions and the need they pay for (pseudonymous ids): one client in an
assistance group, the week of Monday 1 February 2027 (no holiday, no DST change)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.domain.scenario import Scenario

TZ = ZoneInfo("Europe/Stockholm")
WEEK = ("2027-02-01", "2027-02-07")  # a settlement period of exactly the horizon


def decision(did: str, kind: str = "sfb_assistance", per_week: float = 60, *,
             period: tuple[str, str] = WEEK, **fields: Any) -> dict[str, Any]:
    """A decision; by default its period is the horizon week and nothing is reserved."""
    return {"id": did, "kind": kind, "granted_hours_per_week": per_week,
            "settlement_period": {"start": period[0], "end": period[1]}, "reserve": "none",
            **fields}


def window(start: str, end: str, days: list[str] | None = None, **fields: Any
           ) -> dict[str, Any]:
    return {"start": start, "end": end, **({"days": days} if days else {}), **fields}


WEEKDAYS_8_16 = window("08:00", "16:00", ["mon", "tue", "wed", "thu", "fri"])  # 40 h


def build(decisions: list[dict[str, Any]], windows: list[dict[str, Any]], *,
          exceptions: list[dict[str, Any]] | None = None, staff: int = 4,
          **top: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "decisions",
        "horizon": {"start": WEEK[0], "days": 7},
        "units": [{"id": "U1", "kind": "assistance_group"}],
        "clients": [{
            "id": "C1", "unit": "U1", "decisions": decisions,
            "need": {"weekly": windows, "exceptions": exceptions or []},
            "approved_staff": [f"A{i}" for i in range(1, staff + 1)],
        }],
        "staff": [{"id": f"A{i}", "home_unit": "U1", "contract_hours_per_week": 30}
                  for i in range(1, staff + 1)],
        "solver": {"time_limit_seconds": 5, "workers": 2},
    }
    data.update(copy.deepcopy(top))
    return Scenario.model_validate(copy.deepcopy(data))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600
