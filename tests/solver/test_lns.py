"""Large-neighbourhood search with concurrent moves: moves running at the same time re-plan
disjoint owners with disjoint staff, and whatever is kept passes the independent validator."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest

import builders as kit
from checked import assert_valid
from scheduler.planning.instances import generate, generate_scattered
from scheduler.solver import engine, lns
from scheduler.solver.baseline import greedy_pairs, plan_greedy
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.engine import _hinted_pairs
from scheduler.solver.evaluation import evaluate
from scheduler.solver.lns import Neighbourhood
from scheduler.solver.move_kinds import KindChooser
from scheduler.solver.parts import components, eligible_pairs
from scheduler.solver.problem import compile_problem


def hood(owners: set[str], staff: set[str]) -> Neighbourhood:
    return Neighbourhood(frozenset(owners), frozenset(staff), 0, 96, seed=1)


def test_neighbourhoods_overlap_when_they_share_an_owner_or_a_staff_member():
    a = hood({"C1"}, {"A1", "A2"})
    assert a.overlaps(hood({"C1"}, {"A3"}))
    assert a.overlaps(hood({"C2"}, {"A2"}))
    assert not a.overlaps(hood({"C2"}, {"A3"}))


@pytest.fixture(scope="module")
def unit_week():
    # One unit of 12 clients for a week, forced into neighbourhood search.
    sc = generate("M", seed=1, days=7)
    return sc.model_copy(update={"solver": sc.solver.model_copy(
        update={"full_model_max_assignments": 0})})


def test_concurrent_moves_are_disjoint_and_the_result_is_valid(unit_week, solve_checked,
                                                               monkeypatch):
    running: list[Neighbourhood] = []
    overlapping: list[tuple[Neighbourhood, Neighbourhood]] = []
    concurrent = 0
    lock = threading.Lock()
    move = lns.Space.move

    def watched(self, hood, *args, **kwargs):
        nonlocal concurrent
        with lock:
            overlapping.extend(
                (hood, other) for other in running
                if hood.owners & other.owners or hood.staff & other.staff
            )
            concurrent += bool(running)
            running.append(hood)
        try:
            return move(self, hood, *args, **kwargs)
        finally:
            with lock:
                running.remove(hood)

    monkeypatch.setattr(lns.Space, "move", watched)
    # Moves on threads, where this process sees them (the engine's worker processes get the
    # same disjoint neighbourhoods, checked in tests/solver/test_move_pool.py).
    monkeypatch.setattr(engine, "pool_for_moves", lambda *args: None)
    greedy = plan_greedy(unit_week)
    schedule = solve_checked(unit_week, time_limit=8, workers=2, seed=0)
    assert concurrent > 0  # two moves did run at once
    assert not overlapping
    assert schedule.solve.objective < greedy.solve.objective


@pytest.mark.parametrize("case", ["one worker", "one client"])
def test_one_move_at_a_time_without_workers_or_owners_to_spare(case, unit_week, solve_checked,
                                                               monkeypatch):
    if case == "one worker":
        sc, workers = unit_week, 1
    else:  # two workers, but every neighbourhood holds the only client: one move, two threads
        sc = generate("S", seed=0, days=7)
        sc = sc.model_copy(update={"solver": sc.solver.model_copy(
            update={"full_model_max_assignments": 0})})
        workers = 2
    active = 0
    most = 0
    threads: set[int] = set()
    lock = threading.Lock()
    move = lns.Space.move

    def counted(self, hood, current, deadline, sub_threads):
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
            threads.add(sub_threads)
        try:
            return move(self, hood, current, deadline, sub_threads)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(lns.Space, "move", counted)
    solve_checked(sc, time_limit=3, workers=workers, seed=0)
    assert most == 1
    assert threads == {workers}


def test_sub_solves_lengthen_while_they_run_out_of_time_and_shorten_again(unit_week,
                                                                          solve_checked,
                                                                          monkeypatch):
    # The first four moves report a sub-solve that ended before any solution; the rest run.
    given: list[float] = []
    move = lns.Space.move

    def timed(self, hood, current, seconds, threads):
        limit = seconds()
        given.append(limit)
        if len(given) <= 4:
            return None, 0.0, True
        return move(self, hood, current, lambda: limit, threads)

    monkeypatch.setattr(lns.Space, "move", timed)
    solve_checked(unit_week, time_limit=8, workers=1, seed=0, deterministic=True)
    assert given[0] == pytest.approx(lns.SUB_SOLVE_SECONDS)
    # One move at a time: each limit is set after the previous move's outcome.
    assert given[1:5] == sorted(given[1:5]) and given[4] > 2 * lns.SUB_SOLVE_SECONDS
    assert max(given) <= lns.MAX_SUB_SOLVE_SECONDS
    assert given[-1] < given[4]  # moves that finish bring it back down


def _two_clients():
    c1 = kit.client("C1", windows=[kit.window("08:00", "16:00")], approved=["A1", "A2", "A3"],
                    competences=())
    c2 = kit.client("C2", windows=[kit.window("08:00", "16:00")], approved=["A3", "A4"],
                    competences=())
    sc = kit.scenario([c1, c2], [kit.staff(f"A{i}", 20) for i in range(1, 5)], days=7)
    problem = compile_problem(sc)
    shifts = generate_shifts(problem)
    return problem, lns.Space(problem, ["C1", "C2"], ["A1", "A2", "A3", "A4"], shifts)


class _Always(random.Random):
    """random() always 0: every branch that asks for an aimed choice takes it."""

    def random(self) -> float:
        return 0.0


def test_aims_measure_uncovered_payable_need_and_contract_balance():
    _, space = _two_clients()
    c1_shifts = sorted(space.by_owner["C1"], key=lambda s: s.start)
    worked = c1_shifts[0]
    aims = space.aims({("A1", worked.index)})
    assert aims.uncovered["C1"] == 7 * 8 * 60 - worked.minutes
    assert aims.uncovered["C2"] == 7 * 8 * 60
    assert aims.unused["A1"] == 20 * 60 - worked.work_minutes and aims.beyond["A1"] == 0
    assert aims.unused["A2"] == 20 * 60


def test_aimed_windows_hold_a_day_where_payable_need_is_uncovered():
    # C1 and C2 (08–16 daily) staffed by whole-day shifts on every day but C1's day 4, by
    # two assistants each, nobody beyond full time (no overtime to relieve).
    problem, space = _two_clients()
    starts = problem.grid.day_starts()
    current = set()
    for owner, first, second in (("C1", "A1", "A2"), ("C2", "A3", "A4")):
        for shift in space.by_owner[owner]:
            day = problem.grid.day_of(shift.start)
            if shift.minutes == 8 * 60 and not (owner == "C1" and day == 4):
                current.add((first if day < 3 else second, shift.index))
    assert len(current) == 13  # one whole-day shift per client and day, but C1's day 4
    aims = space.aims(current)
    assert aims.gaps == {"C1": [0, 0, 0, 0, 8 * 60, 0, 0]}  # C2 is covered: no gaps
    for seed in range(10):
        # random() 0: the first kind that applies, an aimed move on uncovered need with a
        # 3-day window; its place varies by seed.
        hood = space.neighbourhood(_Always(seed), aims)
        assert "C1" in hood.owners
        assert hood.first_slot <= starts[4] and starts[5] <= hood.end_slot


def test_aimed_moves_go_where_need_is_uncovered_or_hours_could_move():
    problem, space = _two_clients()
    with pytest.raises(ValueError, match="no neighbourhood of kind 'uncovered-3'"):
        space._of_kind("uncovered-3", random.Random(0), None)  # aimed kinds need their aims
    only_c2 = lns._Aims({"C1": 0, "C2": 480}, dict.fromkeys(space.staff, 0),
                        dict.fromkeys(space.staff, 0))
    assert lns._idle_aim(problem, random.Random(0), space.owners, space.staff, only_c2) is None
    for seed in range(10):
        rng = _Always(seed)
        aimed = lns._uncovered_aim(problem, rng, space.staff, space.neighbours, only_c2)
        assert aimed is not None
        chosen, movers, _ = aimed
        assert chosen[0] == "C2" and movers >= {"A3", "A4"}
    # A1 has contract hours unused, A2 (same client) works beyond contract: both move.
    idle = lns._Aims(dict.fromkeys(space.owners, 0), {**dict.fromkeys(space.staff, 0), "A1": 600},
                     {**dict.fromkeys(space.staff, 0), "A2": 300})
    assert lns._uncovered_aim(problem, random.Random(0), space.staff, space.neighbours,
                              idle) is None
    assert space.allowed(idle) == {"idle", "assistants", "clients-3", "clients-5", "clients-7"}
    for seed in range(10):
        hood = space.neighbourhood(random.Random(seed), idle,
                                   KindChooser({"idle": 1.0, "clients-3": 0.0}))
        assert hood.kind == "idle" and {"A1", "A2"} <= hood.staff
        assert hood.end_slot - hood.first_slot == problem.grid.n_slots  # min(14, 7) days


def test_kinds_of_move_are_drawn_by_what_they_gained_per_second():
    chooser = KindChooser({"a": 1.0, "b": 1.0, "c": 2.0})

    def shares(draws: int = 4000) -> Counter[str]:
        rng = random.Random(1)
        return Counter(chooser.draw(rng, ["a", "b", "c"]) for _ in range(draws))

    before = shares()
    assert 0.45 < before["c"] / 4000 < 0.55  # no evidence yet: the priors
    for _ in range(20):
        chooser.record("a", 300.0, 0.5)  # 600 a second
        chooser.record("b", 0.0, 0.5)
        chooser.record("c", 10.0, 0.5)  # 20 a second, twice the prior
    after = shares()
    assert after["a"] > 0.7 * 4000 and after["c"] < before["c"] / 2
    assert after["b"] > 0  # a kind that gains nothing is still tried now and then
    assert chooser.draw(random.Random(0), ["d"]) is None  # no prior, never drawn
    # Per second: the same gains, one kind in a tenth of the time.
    timed = KindChooser({"fast": 1.0, "slow": 1.0})
    for _ in range(20):
        timed.record("fast", 10.0, 0.1)
        timed.record("slow", 10.0, 1.0)
    rng = random.Random(2)
    drawn = Counter(timed.draw(rng, ["fast", "slow"]) for _ in range(2000))
    assert drawn["fast"] > 3 * drawn["slow"] > 0
    assert chooser.moves == {"a": 20, "b": 20, "c": 20} and chooser.improved["a"] == 6000.0


def test_the_search_reports_what_each_kind_of_move_gained(unit_week):
    scenario = unit_week
    problem = compile_problem(scenario)
    shifts = generate_shifts(problem)
    part = max(components(problem, shifts), key=lambda p: p.size)
    start = greedy_pairs(problem, shifts) & eligible_pairs(problem, part)

    def value(pairs):
        found = evaluate(problem, part, pairs, workers=1, seed=0)
        return None if found is None else found.objective

    first = value(start)
    chooser = KindChooser(lns.kind_priors())
    runs = []
    for seed in (0, 1):  # two searches sharing what the kinds gained, as the engine's parts do
        _, stats = lns.improve(problem, part.owners, part.staff, part.shifts, start, value,
                               time.perf_counter() + 3, seed=seed, workers=1,
                               start_objective=first, budget=10.0, chooser=chooser)
        runs.append(stats)
        # Each search reports its own moves and gains, not the chooser's history.
        assert stats.iterations > 0
        assert sum(n for n, _ in stats.kinds.values()) == stats.iterations
        assert set(stats.kinds) <= {*lns.kind_priors(), "relieve"}
        gained = sum(g for _, g in stats.kinds.values())
        assert gained == pytest.approx(first - stats.objective)
    assert sum(chooser.moves.values()) == sum(stats.iterations for stats in runs)


def _overtime_week():
    """A1 works C1's five weekdays 08–18 (50 h against 40 h full time: 10 h overtime), A2 its
    weekend (20 h of a 40-h contract), A3 C2's weekdays 08–16 (40 h: no room)."""
    c1 = kit.client("C1", windows=[kit.window("08:00", "18:00")], approved=["A1", "A2", "A3"],
                    competences=())
    c2 = kit.client("C2", windows=[kit.window("08:00", "16:00", days=kit.WEEKDAYS)],
                    approved=["A3"], competences=())
    sc = kit.scenario([c1, c2], [kit.staff(f"A{i}", 40) for i in range(1, 4)], days=7)
    problem = compile_problem(sc)
    shifts = generate_shifts(problem)
    hand = [kit.shift("A1" if day < 5 else "A2", "C1", f"2027-01-{4 + day:02d}T08:00",
                      f"2027-01-{4 + day:02d}T18:00") for day in range(7)]
    hand += [kit.shift("A3", "C2", f"2027-01-{4 + day:02d}T08:00",
                       f"2027-01-{4 + day:02d}T16:00") for day in range(5)]
    current = _hinted_pairs(problem, shifts, kit.schedule(sc, hand))
    assert len(current) == len(hand)  # every hand-made shift is a candidate
    space = lns.Space(problem, ["C1", "C2"], ["A1", "A2", "A3"], shifts)
    return sc, problem, shifts, space, current


def test_aims_measure_overtime_and_room_per_limiting_period():
    _, _, _, space, current = _overtime_week()
    aims = space.aims(current)
    worked = {sid: sum(space.by_index[i].work_minutes for s, i in current if s == sid)
              for sid in ("A1", "A2", "A3")}
    assert worked["A1"] > 40 * 60  # the case is what it claims
    assert aims.overtime == {"A1": worked["A1"] - 40 * 60, "A2": 0, "A3": 0}
    assert aims.room == {"A1": 0, "A2": 40 * 60 - worked["A2"], "A3": 40 * 60 - worked["A3"]}
    # Only A1 works overtime: the starts of A1's shifts, per client.
    assert aims.overtime_shifts == {
        "A1": {"C1": sorted(space.by_index[i].start for s, i in current if s == "A1")}}


def test_overtime_is_handed_to_a_colleague_with_room_and_the_result_is_valid():
    sc, problem, shifts, space, current = _overtime_week()
    aims = space.aims(current)
    assert aims.room["A3"] == 0  # A3, approved for C1 too, has no room: not a taker
    part = next(p for p in components(problem, shifts) if "C1" in p.owners)
    before = evaluate(problem, part, current, workers=1, seed=0)
    assert before is not None and before.penalties["overtime"] > 0
    starts = problem.grid.day_starts()
    a1_starts = {space.by_index[i].start for s, i in current if s == "A1"}
    for seed in range(5):
        # random() 0: the overtime branch; the rest of the draws vary by seed.
        hood = space.neighbourhood(_Always(seed), aims)
        assert hood.owners == {"C1"} and hood.staff == {"A1", "A2"}
        assert hood.end_slot - hood.first_slot <= starts[3] - starts[0]  # one to three days
        assert any(hood.first_slot <= a < hood.end_slot for a in a1_starts)
        # The move re-plans C1 in the window for A1 and A2; kept as the LNS keeps it: exactly
        # evaluated and better.
        move, _, _ = space.move(hood, frozenset(current), lambda: 5.0, 1)
        assert move is not None
        after_pairs = {(s, i) for s, i in current if s not in hood.staff or i not in move.freed}
        after_pairs |= move.chosen
        after = evaluate(problem, part, after_pairs, workers=1, seed=0)
        assert after is not None and after.objective < before.objective
        assert after.penalties["overtime"] < before.penalties["overtime"]
        # A2 (room) took over weekday work from A1 (overtime).
        assert any(s == "A2" and space.by_index[i].start < starts[5] for s, i in after_pairs)
        # The independent validator passes the schedule the move made, and recomputes the
        # penalties the exact evaluation gave it (the part is the whole scenario).
        grid = problem.grid
        hand = [kit.shift(s, space.by_index[i].owner,
                          grid.local_time(space.by_index[i].start).strftime("%Y-%m-%dT%H:%M"),
                          grid.local_time(space.by_index[i].end).strftime("%Y-%m-%dT%H:%M"))
                for s, i in sorted(after_pairs)]
        assert_valid(sc, kit.schedule(sc, hand, penalties=dict(after.penalties)))


def test_no_relief_without_overtime_or_without_a_colleague_with_room():
    _, problem, _, space, current = _overtime_week()
    aims = space.aims(current)
    args = (problem, _Always(0), space.owners, space.staff, space.days)
    assert lns._relieve(*args, aims) is not None
    calm = lns._Aims(aims.uncovered, aims.unused, aims.beyond, dict.fromkeys(space.staff, 0),
                     aims.room, aims.overtime_shifts)
    assert lns._relieve(*args, calm) is None
    full = lns._Aims(aims.uncovered, aims.unused, aims.beyond, aims.overtime,
                     dict.fromkeys(space.staff, 0), aims.overtime_shifts)
    assert lns._relieve(*args, full) is None


def test_a_recut_move_reshapes_a_days_rounds_for_the_staff_who_work_them():
    # The hand greedy's rounds as the current schedule (no cut at the start); a re-cut of one
    # unit-day frees those who work its visits that day, to choose among their own shifts and
    # the day's cut of the visits into as many shifts (solver.round_cut).
    problem = compile_problem(generate_scattered(0, clients=8, units=1, days=3, staffing=3))
    shifts = generate_shifts(problem)
    current = greedy_pairs(problem, shifts)
    part = next(p for p in components(problem, shifts) if any(s.visits for s in p.shifts))
    space = lns.Space(problem, part.owners, part.staff, part.shifts)
    before = evaluate(problem, part, current, workers=1, seed=0)
    assert before is not None
    aims = space.aims(current)
    starts = problem.grid.day_starts()
    improved = 0
    for seed in range(3):
        hood = space.neighbourhood(_Always(seed), aims)
        day = starts.index(hood.first_slot)
        assert hood.recut == "U1" and hood.end_slot == starts[day + 1]
        assert hood.staff == aims.visiting["U1", day]
        move, _, _ = space.move(hood, frozenset(current), lambda: 5.0, 1)
        assert move is not None
        after = {(s, i) for s, i in current if s not in hood.staff or i not in move.freed}
        result = evaluate(problem, part, after | move.chosen, workers=1, seed=0)
        assert result is not None and result.objective <= before.objective + 1e-6
        improved += result.penalties["waiting"] < before.penalties["waiting"]
    assert improved  # without the day's cut among the free shifts: none
