"""Every candidate shift of a problem: the owners' shifts (``solver.shifts``), the scattered
clients' rounds and waiting shifts (``solver.rounds``) and the pinned shifts that are none of
them; and the candidate shift of a given span, when only a schedule's own are wanted."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.solver.problem import Problem, ShiftKey
from scheduler.solver.rounds import VisitShifts, scattered_shifts
from scheduler.solver.shifts import CandidateShift, OwnerShifts, owner_shifts


def generate_shifts(problem: Problem) -> list[CandidateShift]:
    """Every owner's candidate shifts, then each pinned shift that is none of them (a pin may
    be shorter or longer than the candidates, or reach past a stretch of need; the rules and
    the planning's check of the pins judge it). A pin no break fits is left out: the check
    reports it."""
    shifts: list[CandidateShift] = []
    for data in problem.demands.values():
        if data.eligible_staff:
            shifts.extend(owner_shifts(problem, data, first_index=len(shifts)))
    shifts.extend(scattered_shifts(problem, first_index=len(shifts)))
    have = {s.key for s in shifts} if problem.pins else set()
    given = VisitShifts(problem)
    for key, pin in {p.key: p for p in problem.pins}.items():
        if key in have or not problem.demands[pin.owner].eligible_staff:
            continue
        if pin.visits:
            pinned = given.shift(pin.visits, len(shifts), (pin.start, pin.end))
        else:
            pinned = OwnerShifts(problem, problem.demands[pin.owner]).shift(
                pin.start, pin.end, len(shifts))
        if pinned is not None:
            shifts.append(pinned)
    return shifts


def candidate_shifts(problem: Problem, spans: Sequence[tuple[str, int, int] | ShiftKey]
                     ) -> list[CandidateShift | None]:
    """The candidate shift of each (owner, start slot, end slot), or of each key with visits
    (a scattered clients' shift, as pinned), as ``generate_shifts`` makes it (pinned shifts
    included), numbered in order; None where ``generate_shifts`` makes no such shift. Much
    cheaper than generating them all when only a schedule's shifts are wanted."""
    cutters: dict[str, OwnerShifts] = {}
    given = VisitShifts(problem)
    out: list[CandidateShift | None] = []
    for index, span in enumerate(spans):
        owner, s, e, visits = ShiftKey(*span)
        if visits:
            out.append(given.shift(visits, index, (s, e)))
            continue
        if owner is None:
            out.append(None)
            continue
        data = problem.demands[owner]
        if owner not in cutters:
            cutters[owner] = OwnerShifts(problem, data)
        cutter = cutters[owner]
        ok = bool(data.eligible_staff) and (cutter.is_span(s, e) or (s, e) in cutter.pinned)
        out.append(cutter.shift(s, e, index) if ok else None)
    return out
