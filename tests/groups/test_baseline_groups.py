"""The greedy baseline plans group units too (a valid starting point), and the engine's
neighbourhood search improves on it for units as for clients; both pass the validator."""

from __future__ import annotations

from builders import booking, build, stay_home_data
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.engine import _hinted_pairs
from scheduler.solver.problem import compile_problem

WEEKEND = [
    booking(f"K{i}", "K", "2027-03-05T15:00", "2027-03-07T18:00", one_to_one=(i == 4))
    for i in range(1, 5)
]
NIGHT = {"clients_per_staff": 2, "night": {"start": "22:00", "end": "07:00", "mode": "jour"}}


def scenario(**solver: object):
    data = stay_home_data(bookings=WEEKEND, density=NIGHT, days=7, n_staff=8, contract=25)
    data["solver"].update(solver)
    return build(data)


def test_greedy_plans_the_unit_with_breaks_and_jour(greedy_checked):
    sc = scenario()
    schedule = greedy_checked(sc)
    assert schedule.shifts and all(s.client is None and s.unit == "K" for s in schedule.shifts)
    assert any(s.on_call_hours > 0 for s in schedule.shifts)
    assert any(not b.paid for s in schedule.shifts for b in s.breaks)
    # Every greedy shift is one of the engine's candidates, so it can seed the engine.
    problem = compile_problem(sc)
    assert len(_hinted_pairs(problem, generate_shifts(problem), schedule)) == len(schedule.shifts)


def test_neighbourhood_search_improves_the_greedy_unit_schedule(solve_checked, greedy_checked):
    sc = scenario(full_model_max_assignments=0)  # force large-neighbourhood search
    greedy = greedy_checked(sc)
    schedule = solve_checked(sc, time_limit=2)
    assert schedule.solve.best_bound is not None
    assert schedule.solve.objective <= greedy.solve.objective + 1e-6
