"""The relaxation's cuts (``solver.cuts``): they remove no schedule and tighten the LP bound."""

from __future__ import annotations

import random

import pytest
from ortools.sat.python import cp_model

from builders import (
    assistance_week,
    build,
    client,
    decision,
    scenario,
    staff,
    stay_home_data,
    window,
)
from scheduler.domain.scenario import Scenario
from scheduler.planning.instances import generate, generate_scattered
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.context import OBJECTIVE_SCALE
from scheduler.solver.engine import scenario_bound
from scheduler.solver.lp_bound import lp_bound
from scheduler.solver.model import BuiltModel, build_model
from scheduler.solver.parts import components
from scheduler.solver.problem import compile_problem


def part_time_team() -> Scenario:
    """06–22 every day (112 h) for four assistants on 20-h contracts: the need takes every
    contract and 32 h beyond, so continuity costs four assistants, or hours beyond contract."""
    return assistance_week(windows=[window("06:00", "22:00")], granted=112,
                           staff=[staff(f"A{i}", 20) for i in range(1, 5)])


def hourly_for_two() -> Scenario:
    """Two clients, a part-timer each, and an assistant on hourly pay (no contract target, so no
    cut of their own) approved for both."""
    clients = [
        client("C1", decisions=[decision("D1", "2027-02-01", "2027-02-07", 70)],
               windows=[window("08:00", "18:00")], approved=["A1", "H1"], competences=()),
        client("C2", decisions=[decision("D2", "2027-02-01", "2027-02-07", 70)],
               windows=[window("12:00", "20:00")], approved=["A2", "H1"], competences=()),
    ]
    return scenario(clients, [staff("A1", 30), staff("A2", 30), staff("H1", 0,
                                                                      employment="hourly")],
                    start="2027-02-01", days=7, solver={"time_limit_seconds": 10, "workers": 2})


CASES = {
    "part-time team": part_time_team,
    "hourly for two clients": hourly_for_two,
    "tiny, seed 0": lambda: generate("tiny", seed=0),
    "tiny, seed 2, 10 days": lambda: generate("tiny", seed=2, days=10),
}


def built_parts(sc: Scenario, cuts: bool) -> list[BuiltModel]:
    problem = compile_problem(sc)
    return [build_model(problem, part.shifts, part.owners, part.staff, cuts=cuts)
            for part in components(problem, generate_shifts(problem))]


def optimum(built: BuiltModel) -> tuple[float, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return solver.objective_value / OBJECTIVE_SCALE, solver


def lp(sc: Scenario, cuts: bool) -> float:
    total = 0.0
    for built in built_parts(sc, cuts):
        result = lp_bound(built.model)
        assert result is not None
        total += result.value / OBJECTIVE_SCALE
    return total


@pytest.mark.parametrize("case", CASES)
def test_cuts_remove_no_schedule_the_optimum_stays(case):
    sc = CASES[case]()
    plain = built_parts(sc, cuts=False)
    cut = built_parts(sc, cuts=True)
    assert sum(len(b.model.proto.constraints) for b in cut) > sum(
        len(b.model.proto.constraints) for b in plain)  # some cut was added
    for without, with_cuts in zip(plain, cut, strict=True):
        value, _ = optimum(without)
        assert optimum(with_cuts)[0] == pytest.approx(value, abs=1e-6)


def test_each_cut_holds_the_hours_beyond_contract_where_they_are_worked():
    # The four part-timers' 112 h: whoever works beyond their 20 h does so for C1 alone, and
    # the optimum holds exactly those minutes as the pair's excess (none where nobody is
    # beyond): an excess bounded too low would make the optimum infeasible or dearer.
    (built,) = built_parts(part_time_team(), cuts=True)
    _, solver = optimum(built)
    names = {v.name: v for v in (built.model.get_int_var_from_proto_index(i)
                                  for i in range(len(built.model.proto.variables)))}
    total = 0
    for sid in ("A1", "A2", "A3", "A4"):
        beyond = sum(solver.value(v) for v in built.ctx.beyond_contract[sid])
        assert solver.value(names[f"cut_excess__C1__{sid}"]) == beyond
        total += beyond
    assert total == 32 * 60


def several_periods() -> Scenario:
    """Three 1-week limiting periods, an absence, two part-timers of 20 and 10 h beside one of
    30 h and an assistant on hourly pay, two clients."""
    absent = {"start": "2027-02-03T00:00", "end": "2027-02-06T00:00"}
    people = [staff("A1", 20), staff("A2", 30, absences=[absent]),
              staff("H1", 0, employment="hourly"), staff("A3", 10)]
    clients = [
        client("C1", decisions=[decision("D1", "2027-02-01", "2027-02-21", 70)],
               windows=[window("08:00", "18:00")], approved=["A1", "A2", "H1"], competences=()),
        client("C2", decisions=[decision("D2", "2027-02-01", "2027-02-21", 50)],
               windows=[window("12:00", "20:00")], approved=["A2", "A3", "H1"], competences=()),
    ]
    return scenario(clients, people, start="2027-02-01", days=21,
                    rules={"limiting_period_weeks": 1},
                    solver={"time_limit_seconds": 10, "workers": 1})


SCHEDULES = {
    "several periods, an absence": several_periods,
    "rounds": lambda: generate_scattered(0, clients=4, units=1, days=3),
    "tiny, seed 1, 10 days": lambda: generate("tiny", seed=1, days=10),
}


def test_a_group_units_shifts_get_no_cut():
    # A stay home's shifts serve the unit, no one client: continuity does not count them.
    assert all(not b.ctx.works_for and len(b.model.proto.variables) == len(p.model.proto.variables)
               for b, p in zip(built_parts(build(stay_home_data(days=3)), cuts=True),
                               built_parts(build(stay_home_data(days=3)), cuts=False),
                               strict=True))


@pytest.mark.parametrize("case", SCHEDULES)
def test_cuts_keep_every_schedule(case):
    # Schedules far from the optimum too: each of the model without cuts, under a random
    # objective on the assignments (some sought, some shunned), fixed in the model with the
    # cuts, must stay feasible there. (A cut with the first period's target only, or a round
    # counted for each client it visits, removed such schedules.)
    sc = SCHEDULES[case]()
    rng = random.Random(case)
    cuts = 0
    for plain, cut in zip(built_parts(sc, cuts=False), built_parts(sc, cuts=True), strict=True):
        count = len(plain.model.proto.variables)
        cuts += len(cut.model.proto.variables) - count
        for trial in range(3):
            model = plain.model.clone()
            # The first trial seeks every assignment: as many hours as the rules allow.
            low, high = (-10, -1) if trial == 0 else (-10, 5)
            model.minimize(sum(rng.randint(low, high) * var for var in plain.ctx.x.values()))
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.random_seed = trial
            solver.parameters.max_time_in_seconds = 5
            assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            fixed = cut.model.clone()
            for index in range(count):
                value = solver.value(model.get_int_var_from_proto_index(index))
                fixed.add(fixed.get_int_var_from_proto_index(index) == value)
            check = cp_model.CpSolver()
            check.parameters.num_workers = 1
            check.parameters.max_time_in_seconds = 10
            assert check.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE), trial
    assert cuts > 0  # the schedules met some cut


@pytest.mark.parametrize("case", CASES)
def test_cuts_tighten_the_lp_bound_and_stay_below_the_optimum(case):
    sc = CASES[case]()
    best = sum(optimum(b)[0] for b in built_parts(sc, cuts=False))
    without, with_cuts = lp(sc, cuts=False), lp(sc, cuts=True)
    assert without - 1e-6 <= with_cuts <= best + 1e-6


def test_cuts_price_continuity_where_the_need_takes_several_contracts():
    # Measured: 324.7 without the cuts, 352.0 with them, the proven optimum 352 (32 h beyond
    # contract and four assistants).
    sc = part_time_team()
    without, with_cuts = lp(sc, cuts=False), lp(sc, cuts=True)
    best = sum(optimum(b)[0] for b in built_parts(sc, cuts=False))
    assert without + 20 < with_cuts <= best + 1e-6
    assert scenario_bound(sc, cliques=False) == pytest.approx(with_cuts, abs=1e-3)
