"""The exact evaluation and hint completion (solver.evaluation): on models where every registered
rule adds its variables and constraints, a start schedule completes to a hint of every variable
that CP-SAT accepts as it stands, worth exactly the schedule's evaluated objective."""

from __future__ import annotations

from datetime import datetime

import pytest
from ortools.sat.python import cp_model

from builders import assistance_week as scenario
from scheduler.domain.pins import PinnedShift
from scheduler.domain.scenario import Scenario
from scheduler.solver.baseline import greedy_pairs
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.context import OBJECTIVE_SCALE, ModelContext
from scheduler.solver.evaluation import complete_hint, evaluate
from scheduler.solver.model import build_model
from scheduler.solver.parts import Component, components, eligible_pairs
from scheduler.solver.problem import Problem, compile_problem
from scheduler.solver.rules import REGISTRY
from scheduler.solver.rules.eligibility import by_construction


def _clients() -> Scenario:
    """Nights (fairness, long shifts), two decisions at once (charges), 30-h contracts
    (overtime possible) and weekly rest beside the bare shifts (the work timeline)."""
    lss = {"id": "D2", "kind": "lss_assistance", "granted_hours_per_week": 16,
           "settlement_period": {"start": "2027-02-01", "end": "2027-02-07"}, "reserve": "none"}
    staff = [{"id": f"A{i}", "home_unit": "U1", "contract_hours_per_week": 30} for i in range(3)]
    base = scenario(windows=[{"start": "20:00", "end": "08:00"}], granted=40,
                    extra_decisions=[lss], staff=staff,
                    rules={"weekly_rest_excludes_daily_rest": False})
    # A pinned shift off the shift grid (rules.pins).
    pin = PinnedShift(staff="A1", client="C1", start=datetime(2027, 2, 2, 21),
                      end=datetime(2027, 2, 3, 5))
    return base.model_copy(update={"pinned_shifts": [pin]})


def _unit() -> Scenario:
    """A short-term stay home: density, unpaid breaks staggered over several plans."""
    stay = {"kind": "short_term_stay", "granted_hours_per_week": 0,
            "settlement_period": {"start": "2027-01-01", "end": "2027-06-30"}}
    return Scenario.model_validate({
        "name": "unit",
        "horizon": {"start": "2027-03-01", "days": 3},
        "units": [{"id": "K", "kind": "short_term_stay", "density": {"clients_per_staff": 2}}],
        "clients": [{"id": f"K{i}", "unit": "K", "decisions": [{"id": f"DK{i}", **stay}],
                     "need": {}} for i in range(1, 5)],
        "bookings": [{"client": f"K{i}", "unit": "K", "start": "2027-03-01T08:00",
                      "end": "2027-03-01T20:00"} for i in range(1, 4)],
        "staff": [{"id": f"B{i}", "home_unit": "K", "contract_hours_per_week": 20}
                  for i in range(1, 7)],
    })


CASES = {"clients": _clients, "unit": _unit}


def _parts(case: str) -> tuple[Problem, list[Component], set[tuple[str, int]]]:
    problem = compile_problem(CASES[case]())
    shifts = generate_shifts(problem)
    return problem, components(problem, shifts), greedy_pairs(problem, shifts)


def test_the_cases_exercise_every_rule_that_adds_to_a_model():
    """So the completion below is checked on every kind of variable the rules make: a new rule
    fails here until a case exercises it."""
    exercised = set()
    for case in CASES:
        problem, parts, _ = _parts(case)
        for part in parts:
            ctx = ModelContext.build(problem, part.shifts, part.owners, part.staff)
            for rule in REGISTRY:
                before = len(ctx.model.proto.variables), len(ctx.model.proto.constraints)
                penalties = rule.add(ctx)
                after = len(ctx.model.proto.variables), len(ctx.model.proto.constraints)
                if after != before or penalties:  # uncovered need: an expression, no variable
                    exercised.add(rule.id)
    expected = {rule.id for rule in REGISTRY if rule.add is not by_construction}
    assert expected - exercised == set()


@pytest.mark.parametrize("case", list(CASES))
def test_a_start_schedule_completes_to_a_feasible_hint_of_every_variable(case):
    problem, parts, pairs = _parts(case)
    for part in parts:
        start = pairs & eligible_pairs(problem, part)
        exact = evaluate(problem, part, start, workers=1, seed=0)
        assert exact is not None
        built = build_model(problem, part.shifts, part.owners, part.staff)
        start &= set(built.ctx.x)
        assert complete_hint(built, start, workers=1, seed=0)
        model = built.model
        assert sorted(model.proto.solution_hint.vars) == list(range(len(model.proto.variables)))
        # CP-SAT takes the hint as it stands: the start schedule, at its exact objective.
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.num_workers = 1
        assert solver.solve(model) == cp_model.OPTIMAL
        assert solver.objective_value / OBJECTIVE_SCALE == pytest.approx(exact.objective)
        assert {key for key, var in built.ctx.x.items() if solver.boolean_value(var)} == start


def test_an_assignment_that_breaks_a_hard_rule_has_no_hint_and_no_figures():
    problem, parts, _ = _parts("clients")
    part = parts[0]
    # One assistant on two shifts that overlap.
    first, second = next((a, b) for a in part.shifts for b in part.shifts
                         if a.start < b.start < a.end)
    sid = problem.demands[first.owner].eligible_staff[0]
    pairs = {(sid, first.index), (sid, second.index)}
    assert evaluate(problem, part, pairs, workers=1, seed=0) is None
    built = build_model(problem, part.shifts, part.owners, part.staff)
    assert not complete_hint(built, pairs, workers=1)
    assert len(built.model.proto.solution_hint.vars) == 0
