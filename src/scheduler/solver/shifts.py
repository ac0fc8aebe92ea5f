"""Candidate shifts: the columns the model chooses from.

A shift for a client lies inside one stretch of need (no paid waiting while the client needs no
one), starts and ends on the local-clock shift grid or where the need changes, and is between
the minimum and maximum shift length. Keeping the grid coarse (60 min by default) keeps the
model small; need changes stay exact because they are always allowed as boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.solver.problem import ClientData, Problem


@dataclass(frozen=True)
class CandidateShift:
    index: int
    client_id: str
    unit_id: str
    start: int  # slot, inclusive
    end: int  # slot, exclusive
    minutes: int  # elapsed
    on_call_minutes: int
    work_minutes: int  # towards contract hours: active + jour × on_call_work_fraction
    night_minutes: int
    is_night: bool
    is_weekend: bool

    @property
    def active_minutes(self) -> int:
        return self.minutes - self.on_call_minutes


def generate_shifts(problem: Problem) -> list[CandidateShift]:
    shifts: list[CandidateShift] = []
    for data in problem.clients.values():
        if data.eligible_staff:
            shifts.extend(_client_shifts(problem, data, first_index=len(shifts)))
    return shifts


def _client_shifts(problem: Problem, data: ClientData, first_index: int) -> list[CandidateShift]:
    grid, rules = problem.grid, problem.scenario.rules
    slot = grid.slot_minutes
    min_len = int(np.ceil(rules.min_shift_hours * 60 / slot))
    max_len = int(rules.max_shift_hours * 60 // slot)
    step = max(problem.scenario.shifts.start_step_minutes, slot)
    count = np.where(data.decided, data.demand.count, 0)
    on_call = data.demand.on_call
    n = grid.n_slots

    # Boundaries: local clock on the shift grid, or a change of need.
    boundary = np.zeros(n + 1, dtype=bool)
    for t in range(n):
        local = grid.local_time(t)
        boundary[t] = (local.hour * 60 + local.minute) % step == 0
    boundary[n] = True
    boundary[1:n] |= (count[1:] != count[:-1]) | (on_call[1:] != on_call[:-1])
    boundary[0] = True

    night_prefix = np.concatenate([[0], np.cumsum(problem.night)])
    call_prefix = np.concatenate([[0], np.cumsum(on_call & (count > 0))])
    fraction = rules.on_call_work_fraction
    night_min_slots = rules.night_shift_min_hours * 60 / slot

    out: list[CandidateShift] = []
    for a, b in _stretches(count > 0):
        starts = [t for t in range(a, b) if boundary[t]]
        for s in starts:
            for e in range(s + min_len, min(s + max_len, b) + 1):
                if not boundary[e]:
                    continue
                on_call_minutes = int(call_prefix[e] - call_prefix[s]) * slot
                minutes = (e - s) * slot
                night_slots = int(night_prefix[e] - night_prefix[s])
                out.append(
                    CandidateShift(
                        index=first_index + len(out),
                        client_id=data.client.id,
                        unit_id=data.client.unit,
                        start=s,
                        end=e,
                        minutes=minutes,
                        on_call_minutes=on_call_minutes,
                        work_minutes=round(minutes - on_call_minutes * (1 - fraction)),
                        night_minutes=night_slots * slot,
                        is_night=night_slots >= night_min_slots,
                        is_weekend=bool(problem.weekend[s]),
                    )
                )
    return out


def _stretches(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True as (start, end exclusive)."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
