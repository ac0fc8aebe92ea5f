"""The day's rounds cut with every visit in view (``solver.round_cut``): the engine's start for
scattered clients, staffed by the greedy."""

from __future__ import annotations

from collections import Counter

import builders as kit
from checked import checked_engine
from scheduler.planning.instances import generate_scattered
from scheduler.solver.baseline import greedy_pairs
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.problem import Problem, compile_problem
from scheduler.solver.round_cut import cut_rounds, day_staff
from scheduler.solver.shifts import CandidateShift


def hours(shifts: list[CandidateShift], pairs: set[tuple[str, int]]) -> tuple[float, float]:
    """(waiting, visit) hours of the shifts staffed in ``pairs``."""
    worked = [shifts[i] for _, i in pairs]
    return (sum(s.waiting_minutes for s in worked) / 60,
            sum(s.visit_minutes for s in worked) / 60)


def day_of(problem: Problem, shift: CandidateShift) -> int:
    return problem.grid.day_of(shift.start)


def test_the_cut_rounds_wait_less_than_the_greedy_rounds_for_the_same_visits() -> None:
    # Eight scattered clients, three days, staff enough: the greedy's rounds, taken one at a
    # time from the earliest open visit, leave later visits alone in padded shifts.
    problem = compile_problem(generate_scattered(0, clients=8, units=1, days=3, staffing=3))
    shifts = generate_shifts(problem)
    hand_waiting, hand_visits = hours(shifts, greedy_pairs(problem, shifts))
    cut = cut_rounds(problem, shifts)
    waiting, visits = hours(shifts, greedy_pairs(problem, shifts, cut))
    assert visits >= hand_visits
    assert waiting <= 0.8 * hand_waiting, (waiting, hand_waiting)


def test_a_visit_is_never_cut_into_more_shifts_than_it_asks_for() -> None:
    problem = compile_problem(generate_scattered(1, clients=8, units=1, days=2, staffing=3))
    cut = cut_rounds(problem, generate_shifts(problem))
    served = Counter((v.owner, v.start, v.end) for s in cut for v in s.visits)
    assert served
    for (owner, start, _), times in served.items():
        assert times <= problem.demands[owner].demand.count[start]
    caps = day_staff(problem)
    for (unit, day), count in Counter((s.unit_id, day_of(problem, s)) for s in cut).items():
        assert count <= caps[unit, day]


def test_with_one_assistant_a_day_the_cut_keeps_the_round_that_serves_most() -> None:
    # Four clients' staggered visits: one round can take a morning's four visits (or an
    # afternoon's); with one assistant the cut keeps one shift a day, the fullest.
    problem = compile_problem(kit.build(kit.rounds_data(n_staff=1)))
    assert set(day_staff(problem).values()) == {1}
    cut = cut_rounds(problem, generate_shifts(problem))
    assert sorted(day_of(problem, s) for s in cut) == [0, 1]
    assert all(len({v.owner for v in s.visits}) == 4 for s in cut)


def test_the_engine_starting_from_the_cut_rounds_keeps_every_rule() -> None:
    sc = generate_scattered(2, clients=6, units=1, days=2, staffing=2)
    result = checked_engine(default_time_limit=10)(sc)  # the validator re-checks it
    assert any(s.client is None and len(s.visits) >= 2 for s in result.shifts)
