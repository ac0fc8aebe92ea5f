"""Block shifts (the plain model's candidates) and the plain CP-SAT model itself."""

from __future__ import annotations

import builders as kit
from checked import assert_valid
from scheduler.solver.blocks import block_shifts
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.engine import solve_plain
from scheduler.solver.problem import compile_problem


def _blocks(scenario):
    problem = compile_problem(scenario)
    shifts = generate_shifts(problem)
    return problem, shifts, block_shifts(problem, shifts)


def test_a_day_of_need_is_cut_at_the_maximum_shift_length_by_level():
    # 06:00–24:00 (18 h), two assistants 07:00–10:00: level 1 is one 18-h block a day, cut
    # at the longest shift that ends on the 2-hour grid (12 h, as 13 h would end at 19:00)
    # and the rest; level 2 the 3-h double morning (its ends are changes of need).
    c1 = kit.client("C1", windows=[kit.window("06:00", "00:00"),
                                    kit.window("07:00", "10:00", staff=2)], competences=())
    scenario = kit.scenario([c1], [kit.staff(f"A{i}") for i in (1, 2, 3)], days=2)
    problem, shifts, blocks = _blocks(scenario)
    by_index = {s.index: s for s in shifts}
    assert all(by_index[b.index] is b for b in blocks)  # candidates, same index
    local = problem.grid.local_time
    hours = {(local(b.start).strftime("%a %H:%M"), b.minutes / 60) for b in blocks}
    assert hours == {("Mon 06:00", 12.0), ("Mon 18:00", 6.0), ("Mon 07:00", 3.0),
                     ("Tue 06:00", 12.0), ("Tue 18:00", 6.0), ("Tue 07:00", 3.0)}
    assert len(shifts) > 10 * len(blocks)


def test_a_remainder_shorter_than_the_minimum_shift_is_not_left():
    # 14 h of need from 06:00: 12 h (to 18:00, on the grid) would leave 2 h, less than the
    # 3-h minimum nobody may work, so the first piece ends at 16:00: 10 h + 4 h.
    c1 = kit.client("C1", windows=[kit.window("06:00", "20:00")], competences=())
    scenario = kit.scenario([c1], [kit.staff(f"A{i}") for i in (1, 2, 3)], days=1)
    _, _, blocks = _blocks(scenario)
    assert sorted(b.minutes / 60 for b in blocks) == [4.0, 10.0]


def test_the_plain_model_keeps_every_rule_and_works_only_block_shifts():
    scenario = kit.build(kit.heavy_data())
    schedule = solve_plain(scenario, time_limit=5, workers=2, seed=0)
    assert schedule.solve.status in ("optimal", "feasible")
    assert_valid(scenario, schedule)
    problem, _, blocks = _blocks(scenario)
    spans = {(b.start, b.end) for b in blocks}
    grid = problem.grid
    assert schedule.shifts
    assert all((grid.slot_floor(s.start), grid.slot_floor(s.end)) in spans
               for s in schedule.shifts)
