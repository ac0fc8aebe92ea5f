"""Pinned shifts in the engine: their assignments, and a start schedule that keeps them.

Every model fixes the pins (``rules.pins``). Here, before the search: each pin must be a
candidate shift, and each part's pins alone must make a valid schedule; otherwise the solve
stops with ``PinsInfeasible`` naming them, never drops one. Nobody else assigned is always
valid, so a part whose pins alone are valid has a pinned schedule, and a start: the greedy
baseline's (it plans around the pins), or the pins alone where the greedy one is not valid.
"""

from __future__ import annotations

import dataclasses

from scheduler.solver.baseline import greedy_pairs
from scheduler.solver.evaluation import Evaluation, evaluate, evaluate_parts
from scheduler.solver.parts import Component, Pairs
from scheduler.solver.problem import Problem
from scheduler.solver.shifts import CandidateShift


class PinsInfeasible(ValueError):
    """The pins cannot be kept together (or a pin is no possible shift at all)."""

    def __init__(self, message: str, pins: list[str]) -> None:
        super().__init__(message)
        self.pins = pins


def pinned_pairs(problem: Problem, shifts: list[CandidateShift]) -> Pairs:
    """(staff, candidate index) of every pin; ``PinsInfeasible`` if a pin is no candidate."""
    index = {s.key: s.index for s in shifts}
    out: Pairs = set()
    for pin in problem.pins:
        i = index.get(pin.key)
        if i is None:
            raise PinsInfeasible(f"the pinned shift {pin.label} is no possible shift (no break "
                                 "fits it, or nobody may work for its client or unit)",
                                 [pin.label])
        out.add((pin.staff, i))
    return out


def part_pins(part: Component, pinned: Pairs) -> Pairs:
    indices = {s.index for s in part.shifts}
    return {(sid, i) for sid, i in pinned if i in indices and sid in part.staff}


def keep_pins(problem: Problem, parts: list[Component], pinned: Pairs, hinted: Pairs | None,
              starts: list[Evaluation | None], *, workers: int, seed: int,
              deterministic: bool = False) -> tuple[Pairs | None, list[Evaluation | None]]:
    """The start schedule and its evaluations with every part's pins kept; ``PinsInfeasible``
    naming a part's pins when they alone break a hard rule of the model."""
    labels = {(pin.staff, pin.key): pin.label for pin in problem.pins}
    by_index = {s.index: s for part in parts for s in part.shifts}
    starts = list(starts)
    for k, part in enumerate(parts):
        own = part_pins(part, pinned)
        if not own or (hinted is not None and starts[k] is not None and own <= hinted):
            continue  # no pins, or a valid start keeps them all: they can be kept together
        alone = evaluate(problem, part, own, workers=workers, seed=seed,
                         deterministic=deterministic)
        if alone is None:
            names = sorted(labels[sid, by_index[i].key] for sid, i in own)
            raise PinsInfeasible("the pins cannot be kept together: " + "; ".join(names), names)
        if hinted is not None and (starts[k] is None or not own <= hinted):
            indices = {s.index for s in part.shifts}
            hinted = {(sid, i) for sid, i in hinted if i not in indices} | own
            starts[k] = alone
    return hinted, starts


def replan_start(problem: Problem, parts: list[Component], shifts: list[CandidateShift], *,
                 workers: int, seed: int, deterministic: bool = False
                 ) -> tuple[Pairs, list[Evaluation | None]]:
    """A re-plan's start and its evaluation per part: the previous plan's shifts that are still
    possible (their staff member available for all of it, the shift a candidate) and the
    greedy planner's cover of what they leave open (the sick member's shifts, say), as a
    coordinator would patch it. A part where that is not valid (a kept shift breaks a rule of
    the changed scenario) starts from the plain greedy schedule instead."""
    index = {s.key: s.index for s in shifts}
    kept = [
        p for p in problem.previous
        if p.key in index
        and problem.staff[p.staff].available_prefix[p.end]
        - problem.staff[p.staff].available_prefix[p.start] == p.end - p.start
    ]
    hinted = greedy_pairs(dataclasses.replace(problem, pins=[*problem.pins, *kept]), shifts)
    starts = evaluate_parts(problem, parts, hinted, workers=workers, seed=seed,
                            deterministic=deterministic)
    if all(start is not None for start in starts):
        return hinted, starts
    plain = greedy_pairs(problem, shifts)
    for k, part in enumerate(parts):
        if starts[k] is not None:
            continue
        indices = {s.index for s in part.shifts}
        hinted = {(sid, i) for sid, i in hinted if i not in indices} | {
            (sid, i) for sid, i in plain if i in indices}
        starts[k] = evaluate(problem, part, {(sid, i) for sid, i in plain if i in indices},
                             workers=workers, seed=seed, deterministic=deterministic)
    return hinted, starts
