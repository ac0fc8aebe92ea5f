"""From slots to the schedule contract: shared by the engine and the greedy baseline, so both
write shifts and penalty terms the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Break, PenaltyTerm, Shift
from scheduler.domain.timegrid import TimeGrid
from scheduler.solver.rules import PENALTY_TERMS

# Each penalty term's unit as reported, and the `weights` field that prices it.
PENALTY_UNITS = {
    "uncovered_need": "person-hours",
    "overtime": "hours",
    "additional_hours": "hours",
    "unused_contract": "hours",
    "fair_nights": "night shifts per FTE (spread)",
    "fair_weekends": "weekend shifts per FTE (spread)",
    "continuity": "assistants per client, summed",
}
WEIGHT_FIELD = {"uncovered_need": "uncovered", "fair_nights": "fairness",
                "fair_weekends": "fairness"}


def penalty_terms(scenario: Scenario, raw: Mapping[str, float]) -> list[PenaltyTerm]:
    """Every registered term in registry order: raw value, weight and contribution."""
    weights = scenario.weights.model_dump()
    out = []
    for term in PENALTY_TERMS:
        value = round(raw.get(term, 0.0), 4)
        weight = int(weights[WEIGHT_FIELD.get(term, term)])
        out.append(PenaltyTerm(rule=term, raw=value, unit=PENALTY_UNITS[term], weight=weight,
                               contribution=round(value * weight, 4)))
    return out


def output_shift(grid: TimeGrid, staff: str, client: str | None, unit: str, start: int,
                 end: int, minutes: int, on_call_minutes: int,
                 breaks: Iterable[tuple[int, int, bool]]) -> Shift:
    """A shift in slots as the schedule states it: local times with offset, elapsed hours."""
    return Shift(
        staff=staff,
        client=client,
        unit=unit,
        start=grid.local_time(start),
        end=grid.local_time(end),
        hours=minutes / 60,
        on_call_hours=on_call_minutes / 60,
        breaks=[Break(start=grid.local_time(a), end=grid.local_time(b), paid=paid)
                for a, b, paid in breaks],
    )


def schedule_header(scenario: Scenario) -> dict[str, Any]:
    """The fields that tie a schedule to its scenario and horizon."""
    return {
        "scenario": scenario.name,
        "horizon_start": scenario.horizon.start.isoformat(),
        "horizon_days": scenario.horizon.days,
        "timezone": scenario.horizon.timezone,
    }
