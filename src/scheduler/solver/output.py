"""From slots to the schedule contract: shared by the engine and the greedy baseline, so both
write shifts and penalty terms the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Break, PenaltyTerm, Shift, Visit
from scheduler.domain.timegrid import TimeGrid
from scheduler.solver.rules import PENALTY_SPECS
from scheduler.solver.shifts import CandidateShift, VisitSlots


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
                 breaks: Iterable[tuple[int, int, bool]],
                 visits: Sequence[VisitSlots] = (), travel_minutes: int = 0,
                 waiting_minutes: int = 0) -> Shift:
    """A shift in slots as the schedule states it: local times with offset, elapsed hours;
    a shift of scattered clients with its visits, travel and waiting."""
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
        visits=[Visit(client=v.owner, start=grid.local_time(v.held[0]),
                      end=grid.local_time(v.held[1]), travel_minutes=v.travel_minutes,
                      asked_start=grid.local_time(v.start) if v.moved else None)
                for v in visits],
        travel_hours=round(travel_minutes / 60, 4),
        waiting_hours=round(waiting_minutes / 60, 4),
    )


def output_candidate(grid: TimeGrid, staff: str, shift: CandidateShift,
                     breaks: Iterable[tuple[int, int, bool]]) -> Shift:
    """``output_shift`` of a candidate shift worked by ``staff``."""
    return output_shift(grid, staff, shift.client_id, shift.unit_id, shift.start, shift.end,
                        shift.minutes, shift.on_call_minutes, breaks, shift.visits,
                        shift.travel_minutes, shift.waiting_minutes)


def schedule_header(scenario: Scenario) -> dict[str, Any]:
    """The fields that tie a schedule to its scenario and horizon."""
    return {
        "scenario": scenario.name,
        "horizon_start": scenario.horizon.start.isoformat(),
        "horizon_days": scenario.horizon.days,
        "timezone": scenario.horizon.timezone,
    }
