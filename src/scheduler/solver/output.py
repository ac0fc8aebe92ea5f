"""From slots to the schedule contract: shared by the engine and the greedy baseline, so both
write shifts and penalty terms the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Break, PenaltyTerm, Shift
from scheduler.domain.timegrid import TimeGrid
from scheduler.solver.rules import PENALTY_SPECS


def penalty_terms(scenario: Scenario, raw: Mapping[str, float]) -> list[PenaltyTerm]:
    """Every registered term in registry order: raw value, weight and contribution."""
    out = []
    for spec in PENALTY_SPECS:
        value = round(raw.get(spec.id, 0.0), 4)
        weight = int(getattr(scenario.weights, spec.weight_field))
        out.append(PenaltyTerm(rule=spec.id, raw=value, unit=spec.unit, weight=weight,
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
