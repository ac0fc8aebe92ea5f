"""Block shifts: the coarse candidate set a plain CP-SAT model would use.

Each owner's need is cut into levels (the first assistant wherever anyone is needed, the second
wherever two are, ...); every maximal run of a level is one block, cut from its start into
shifts of the maximum ordinary length (the last piece shorter, never below the minimum). So a
block model has one candidate per block piece instead of every start and length on the shift
grid: a few hundred shifts where the full set has thousands. Every block shift is one of
``generate_shifts``' candidates (same index), so a block schedule is a schedule of the full
model too: it can seed the search on the full set, and is scored by the same evaluation.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from scheduler.solver.problem import Problem
from scheduler.solver.shifts import CandidateShift


def block_shifts(problem: Problem, shifts: list[CandidateShift]) -> list[CandidateShift]:
    """The block shifts among ``shifts`` (``generate_shifts``' candidates), pinned shifts
    kept, in index order. A run no candidate fits (shorter than the minimum shift, or no break
    fits) has none: the plain model leaves it uncovered."""
    rules = problem.scenario.rules
    slot = problem.slot_minutes
    min_len = int(np.ceil(rules.min_shift_hours * 60 / slot))
    max_minutes = rules.max_shift_hours * 60
    by_start: dict[str, dict[int, list[CandidateShift]]] = defaultdict(lambda: defaultdict(list))
    for s in shifts:
        if s.minutes <= max_minutes + 1e-9:
            by_start[s.owner][s.start].append(s)
    chosen: dict[int, CandidateShift] = {}
    for owner, starts in by_start.items():
        data = problem.demands[owner]
        count = np.where(data.decided, data.demand.count, 0)
        for level in range(1, int(count.max(initial=0)) + 1):
            for a, b in _runs(count >= level):
                at = a
                while at < b:
                    # The longest piece from here that leaves nothing or at least a shift.
                    fits = [s for s in starts.get(at, ())
                            if s.end == b or (s.end < b and b - s.end >= min_len)]
                    if not fits:
                        at += 1  # no candidate starts here (off the grid, or no break fits)
                        continue
                    piece = max(fits, key=lambda s: s.end)
                    chosen[piece.index] = piece
                    at = piece.end
    pinned = {(p.owner, p.start, p.end) for p in problem.pins}
    for s in shifts:
        if (s.owner, s.start, s.end) in pinned:
            chosen[s.index] = s
    return [chosen[i] for i in sorted(chosen)]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True as (start, end exclusive)."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
