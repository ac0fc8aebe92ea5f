"""Checking a scenario's pinned shifts before planning (``domain.pins``).

The pins alone, as a schedule, go to the independent validator (hard rules only: the need they
leave open is no finding). A pin that breaks a rule on its own, or pins that break one
together (rest between two pins, a week's rest, the caps, a decision's hours), stop the plan
with ``PinError`` naming the pins and the rule: a pin is never dropped or "fixed" quietly.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.domain.pins import PinnedShift
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, SolveInfo
from scheduler.solver.candidates import candidate_shifts
from scheduler.solver.output import output_candidate, schedule_header
from scheduler.solver.problem import compile_problem
from scheduler.solver.shifts import break_slots
from scheduler.validator import check_schedule
from scheduler.validator.report import Violation


class PinError(ValueError):
    """Pinned shifts that no plan can keep; the message names them and the rule."""


def check_pins(scenario: Scenario) -> None:
    """``PinError`` if a pin breaks a hard rule alone or with the other pins."""
    pins = scenario.pinned_shifts
    if not pins:
        return
    problem = compile_problem(scenario)
    candidates = candidate_shifts(problem, [p.key for p in problem.pins])
    shifts: list[Shift] = []
    for pin, cut, shift in zip(pins, problem.pins, candidates, strict=True):
        if shift is None:
            raise PinError(f"pinned shift {pin.label}: no shift of this shape is possible "
                           "(no break fits it, nobody may work for its client or unit, or its "
                           "visits are no scattered clients' need its travel can reach)")
        shifts.append(output_candidate(problem.grid, pin.staff, shift,
                                       break_slots(shift, None, problem.demands[cut.owner].breaks)))
    together = _violations(scenario, shifts)
    if not together:
        return
    problems: list[str] = []
    for pin, alone in zip(pins, shifts, strict=True):
        problems += [f"pinned shift {pin.label} breaks {_rule(v)}"
                     for v in _violations(scenario, [alone])]
    if not problems:
        named = sorted({p.label for p in pins for v in together if _concerns(p, v)}
                       or {p.label for p in pins})
        problems = [f"the pins cannot be kept together: {_rule(v)}" for v in together]
        problems.append("pins concerned: " + "; ".join(named))
    raise PinError("\n".join(problems))


def _violations(scenario: Scenario, shifts: list[Shift]) -> list[Violation]:
    schedule = Schedule(**schedule_header(scenario), created=datetime.now(UTC),
                        solve=SolveInfo(status="greedy", objective=None, best_bound=None,
                                        gap=None, wall_seconds=0, time_limit_seconds=0,
                                        workers=1, seed=0, engine="pins"),
                        shifts=shifts)
    # A part of the pins is judged on its own: the missing ones are not its fault. Where a
    # group unit's unpaid breaks lie is the planner's choice, not the pin's (staggered around
    # the other staff's): the default placement here does not decide the unit's floor (a
    # finding on the unit, not on a shift: no "staff@"), so that is left to the planner.
    return [v for v in check_schedule(scenario, schedule).violations
            if v.rule != "pinned_shifts" and not (v.rule == "breaks" and "@" not in v.who)]


def _rule(v: Violation) -> str:
    return f"rule {v.rule} ({v.who}, {v.when}): {v.detail}"


def _concerns(pin: PinnedShift, v: Violation) -> bool:
    return v.who.split("@")[0] == pin.staff or pin.staff in v.detail
