"""A schedule's own candidate shifts (shifts.candidate_shifts) are the ones generate_shifts makes,
and spans it does not make are refused: the greedy baseline is scored on them."""

from __future__ import annotations

import dataclasses

import pytest

from scheduler.planning.instances import generate
from scheduler.solver.candidates import candidate_shifts, generate_shifts
from scheduler.solver.problem import compile_problem


@pytest.mark.parametrize("size", ["tiny", "S"])
def test_candidate_shifts_are_the_generated_ones(size):
    problem = compile_problem(generate(size, seed=0))
    generated = generate_shifts(problem)
    rebuilt = candidate_shifts(problem, [(s.owner, s.start, s.end) for s in generated])
    assert [dataclasses.replace(s, index=g.index) if s is not None else None
            for s, g in zip(rebuilt, generated, strict=True)] == generated
    assert [s.index for s in rebuilt if s is not None] == list(range(len(generated)))


def test_spans_generate_shifts_does_not_make_are_refused():
    problem = compile_problem(generate("S", seed=0))
    generated = generate_shifts(problem)
    made = {(s.owner, s.start, s.end) for s in generated}
    shift = max(generated, key=lambda s: s.end - s.start)
    owner, start, end = shift.owner, shift.start, shift.end
    spans = [
        (owner, start, start + 1),  # too short
        (owner, start, end + 1),  # off the grid (or too long)
        (owner, start - 1, end),  # off the grid
        (owner, -1, end),
        (owner, start, problem.grid.n_slots + 1),
    ]
    spans = [span for span in spans if span not in made]
    assert len(spans) == 5
    assert candidate_shifts(problem, spans) == [None] * len(spans)
