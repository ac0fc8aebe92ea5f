"""Solving a scenario: split it in independent parts, solve each with CP-SAT, extract the schedule.

Demand owners (clients, group units) and staff that can never share work (no approval or unit
membership links them) form separate components; every rule is per owner or per staff member,
so solving components apart is exact and much faster. The time limit is shared out by what each
part has to gain (its start schedule's distance to its bound), after a minimum for every part;
time a part leaves unused passes on.

Deterministic mode (``solver.deterministic``): the same input and seed give the same schedule.
Every limit is CP-SAT's deterministic time (solver.params), what a part leaves unused is counted
in it too, neighbourhood moves run one at a time, the LP bound (a wall-clock race) is skipped,
and the schedule's measurements of time (``created``, ``wall_seconds``, time to first and best
solution) are left out: the epoch, 0 and none.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from ortools.sat.python import cp_model

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, SolveInfo, SolveStatus
from scheduler.solver.baseline import greedy_pairs
from scheduler.solver.blocks import block_shifts
from scheduler.solver.bounds import lower_bound
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.context import OBJECTIVE_SCALE
from scheduler.solver.evaluation import (
    Evaluation,
    complete_hint,
    evaluate,
    evaluate_parts,
    total_penalties,
)
from scheduler.solver.lns import concurrent_moves, improve, kind_priors
from scheduler.solver.lp_bound import lp_bound
from scheduler.solver.model import BuiltModel, build_model
from scheduler.solver.move_kinds import KindChooser
from scheduler.solver.move_pool import MovePool
from scheduler.solver.output import output_candidate, penalty_terms, schedule_header
from scheduler.solver.params import (
    DETERMINISTIC_TIME_PER_SECOND,
    configure,
    deterministic_time,
    status_name,
)
from scheduler.solver.parts import Component, Pairs, components, eligible_pairs
from scheduler.solver.pinning import keep_pins, pinned_pairs, replan_start
from scheduler.solver.problem import Problem, compile_problem
from scheduler.solver.round_cut import cut_rounds
from scheduler.solver.rules.breaks import plan_var_name
from scheduler.solver.shifts import CandidateShift, break_slots, schedule_key
from scheduler.solver.uncovered import uncovered_intervals

logger = logging.getLogger(__name__)  # not ``log``: solve's parameter of that name

# Search set aside for every part before the rest is shared by weight (see time_share): taken
# from what larger parts leave, a small part got nothing and stayed at its start schedule.
MIN_PART_SECONDS = 3.0
# The least a CP-SAT call is given: enough to load a complete hint as its first solution, so a
# part whose share has run out still ends with its start schedule.
MIN_SOLVE_SECONDS = 0.1
# The shortest run that starts move worker processes (``pool_for_moves``): they take about a
# second to be ready, time shorter runs leave to moves on threads.
POOL_MIN_SECONDS = 5.0
# How soon a stop request ends a search that finds no new solution (and so never calls back):
# quick enough for someone pressing stop, rare enough to cost nothing.
STOP_POLL_SECONDS = 0.2
# ``created`` of a deterministic run's schedule: no clock in the output.
DETERMINISTIC_CREATED = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Progress:
    component: int
    components: int
    objective: float  # best total so far (finished components + this one's incumbent)
    bound: float | None  # a valid lower bound on the whole objective (data-only, LP, CP-SAT)
    seconds: float


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class _Search:
    """What searching one part found, before its exact evaluation."""

    status: SolveStatus
    bound: float | None  # CP-SAT's; None: no proven bound (neighbourhood search)
    assigned: Pairs | None  # None: no schedule found in time
    first_solution_seconds: float | None
    best_solution_seconds: float | None
    variables: int
    used: float = 0.0  # deterministic time the search took


@dataclass(frozen=True)
class _Outcome:
    """One part's schedule with its exact figures."""

    status: SolveStatus
    evaluation: Evaluation
    bound: float
    assigned: Pairs
    first_solution_seconds: float | None
    best_solution_seconds: float | None
    variables: int
    shifts: dict[int, CandidateShift]
    plan_counts: dict[int, list[int]]  # unpaid-break plans
    fallback: bool  # no schedule at all in time: nobody assigned in this part

    @property
    def objective(self) -> float:
        return self.evaluation.objective


class _Monitor(cp_model.CpSolverSolutionCallback):
    """Reports progress for the whole scenario: ``offset`` is the objective of every other part
    (finished, or not started: its start schedule), ``bound_offset`` their bounds, ``floor``
    this part's bound before the search (data-only or LP)."""

    def __init__(self, offset: float, index: int, total: int, started: float,
                 callback: ProgressCallback | None, stop: Callable[[], bool] | None = None,
                 bound_offset: float = 0.0, floor: float = 0.0):
        super().__init__()
        self.offset, self.index, self.total = offset, index, total
        self.started, self.callback, self.stop = started, callback, stop
        self.bound_offset, self.floor = bound_offset, floor
        self.first: float | None = None
        self.last: float | None = None  # when this part's best schedule was found

    def on_solution_callback(self) -> None:
        if self.stop is not None and self.stop():
            self.stop_search()
        now = time.perf_counter() - self.started
        self.last = now
        if self.first is None:
            self.first = now
        if self.callback is not None:
            self.callback(Progress(
                component=self.index,
                components=self.total,
                objective=self.offset + self.objective_value / OBJECTIVE_SCALE,
                bound=self.bound_offset
                + max(self.floor, self.best_objective_bound / OBJECTIVE_SCALE),
                seconds=now,
            ))




def solve(
    scenario: Scenario,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
    log: bool = False,
    hint: Schedule | Literal["greedy"] | None = "greedy",
    stop: Callable[[], bool] | None = None,
    deterministic: bool | None = None,
) -> Schedule:
    """Solve ``scenario``. ``hint`` seeds the search: by default the greedy baseline's schedule
    (a coordinator's way of planning, found in seconds even for a whole department), so the
    engine starts from a complete, valid schedule and only ever improves on it. ``stop`` is
    polled between moves and at each new solution: once it answers True the best schedule so
    far is returned.
    ``deterministic`` (default: the scenario's ``solver.deterministic``): the same schedule for
    the same input and seed, ``time_limit`` a budget of deterministic time (solver.params:
    ``DETERMINISTIC_TIME_PER_SECOND`` units a second)."""
    settings = scenario.solver
    det = settings.deterministic if deterministic is None else deterministic
    time_limit = settings.time_limit_seconds if time_limit is None else time_limit
    workers = settings.workers if workers is None else workers
    seed = settings.seed if seed is None else seed
    started = time.perf_counter()
    # Deterministic: the time limit becomes a budget of deterministic time, shared out the same.
    budget = time_limit * DETERMINISTIC_TIME_PER_SECOND if det else time_limit

    problem = compile_problem(scenario)
    shifts = generate_shifts(problem)
    parts = components(problem, shifts)
    with ExitStack() as closing:
        starts: list[Evaluation | None] | None = None
        hinted: Pairs | None
        if hint == "greedy" and problem.previous:
            # A re-plan starts from the previous plan, patched where it no longer holds.
            hinted, starts = replan_start(problem, parts, shifts, workers=workers, seed=seed,
                                          deterministic=det)
        elif hint == "greedy":
            hinted = greedy_pairs(problem, shifts,
                                  cut_rounds(problem, shifts, seed=seed, deterministic=det))
        elif isinstance(hint, Schedule):
            hinted = _hinted_pairs(problem, shifts, hint)
        else:
            hinted = None
        # With a hint, a complete valid schedule exists from here on; search only improves it.
        hint_ready = time.perf_counter() - started if hinted is not None else None
        # Started after the start schedule (beside it they slowed it by 0.7 s on L): the workers
        # load the solver while the bounds and the start's evaluation are computed.
        pool = pool_for_moves(parts, settings.full_model_max_assignments, workers, det,
                              time_limit)
        if pool is not None:
            closing.enter_context(pool)
        floors = [lower_bound(problem, p.owners, p.staff, p.shifts).total for p in parts]
        if settings.lp_bound_share > 0 and time_limit > 0 and not det:
            now = time.perf_counter()
            _raise_floors_by_lp(problem, parts, floors, stop, deadline=min(
                now + settings.lp_bound_share * time_limit, started + time_limit))
        # Each part's start (the hint's exact value), so progress reports a whole schedule's
        # objective from the first second: finished parts + this one's best + the rest's starts.
        if starts is None:
            starts = (
                evaluate_parts(problem, parts, hinted, workers=workers, seed=seed,
                               deterministic=det)
                if hinted is not None else [None] * len(parts)
            )
        # Pins: each part's pins alone are valid (else PinsInfeasible), and the start keeps them.
        pinned = pinned_pairs(problem, shifts) if problem.pins else set()
        if pinned:
            hinted, starts = keep_pins(problem, parts, pinned, hinted, starts, workers=workers,
                                       seed=seed, deterministic=det)
        # Time goes where there is most to gain: the distance from each part's start schedule to
        # its bound (by size without start schedules).
        evaluated = [st for st in starts if st is not None]
        if len(evaluated) == len(parts):
            weights = [max(0.0, st.objective - floor)
                       for st, floor in zip(evaluated, floors, strict=True)]
        else:
            weights = [float(part.size) for part in parts]
        outcomes: list[_Outcome] = []
        done_objective = 0.0
        done_bound = 0.0
        spent = 0.0  # deterministic time the searches took (deterministic mode)
        # What each kind of move gained carries from part to part: on a department a part gets
        # from tens to a few hundred moves, few to learn the kinds' worth from scratch (L,
        # deterministic, 5 seeds, relief then chosen by gain too: median 168,363 learned per
        # part, 167,974 carried).
        chooser = KindChooser(kind_priors())
        if pool is not None:
            pool.load(problem, shifts)
        for index, part in enumerate(parts):
            if stop is not None and stop():
                time_limit = budget = 0.0  # what is left gets its start schedule, unimproved
            elapsed = spent if det else time.perf_counter() - started
            left = max(0.0, budget - elapsed)
            share = time_share(left, weights[index:])
            floor = floors[index]
            start = starts[index]
            pending = sum(s.objective for s in starts[index + 1:] if s is not None)
            monitor = _Monitor(done_objective + pending, index, len(parts), started, progress, stop,
                               bound_offset=done_bound + sum(floors[index + 1:]), floor=floor)
            fallback: Pairs = set()  # if the search finds nothing: nobody assigned is feasible
            if part.size > settings.full_model_max_assignments:
                search = _search_part(problem, part, hinted or set(), share, workers, seed, monitor,
                                      None if start is None else start.objective, det, chooser,
                                      pool if pool is not None and pool.usable else None)
            else:
                built = build_model(problem, part.shifts, part.owners, part.staff)
                if hinted is not None and start is not None:
                    fallback = hinted & set(built.ctx.x)  # the pins included
                    if not complete_hint(built, fallback, workers=workers, seed=seed,
                                         deterministic=det):
                        raise RuntimeError(f"component {index}: the start schedule, valid on its "
                                           "own, does not complete to a hint of the part's model")
                if not det:  # building counts against the wall clock, not deterministic time
                    share = max(MIN_SOLVE_SECONDS,
                                share - (time.perf_counter() - started - elapsed))
                search = _solve_part(built, share, workers, seed, log, monitor, det)
            spent += search.used
            outcome = _outcome(problem, index, part, search, fallback, floor, workers, seed, det)
            outcomes.append(outcome)
            done_objective += outcome.objective
            done_bound += outcome.bound
        return _schedule(problem, outcomes, time.perf_counter() - started, time_limit, workers,
                         seed, len(parts), hint_ready, det)


def solve_plain(scenario: Scenario, *, time_limit: float, workers: int, seed: int,
                log: bool = False) -> Schedule:
    """The plain CP-SAT model, a comparator for the benchmark (what one would build without
    this engine): shifts fixed to the need blocks (``solver.blocks``), one Boolean per eligible
    assistant and block, every registered rule and the same objective; each part one model,
    no start schedule and no neighbourhood search, the time limit shared by size. Scored by the
    same exact evaluation as the engine's schedules; its bound and gap (and "optimal") hold
    for the block model only, not for the scenario."""
    started = time.perf_counter()
    problem = compile_problem(scenario)
    shifts = block_shifts(problem, generate_shifts(problem))
    parts = components(problem, shifts)
    weights = [float(part.size) for part in parts]
    outcomes: list[_Outcome] = []
    for index, part in enumerate(parts):
        left = max(0.0, time_limit - (time.perf_counter() - started))
        share = time_share(left, weights[index:])
        floor = lower_bound(problem, part.owners, part.staff, part.shifts).total
        monitor = _Monitor(0.0, index, len(parts), started, None)
        began = time.perf_counter()
        built = build_model(problem, part.shifts, part.owners, part.staff)
        share = max(MIN_SOLVE_SECONDS, share - (time.perf_counter() - began))
        search = _solve_part(built, share, workers, seed, log, monitor)
        outcomes.append(_outcome(problem, index, part, search, set(), floor, workers, seed))
    return _schedule(problem, outcomes, time.perf_counter() - started, time_limit, workers, seed,
                     len(parts), None)


def _outcome(problem: Problem, index: int, part: Component, search: _Search, fallback: Pairs,
             floor: float, workers: int, seed: int, deterministic: bool = False) -> _Outcome:
    """The part's schedule (the search's; without one, ``fallback``: the start schedule, or
    nobody) with its exact penalties: the incumbent's slack variables need not be at their
    minimum when the search stops early."""
    if search.assigned is not None:
        status, assigned, failed = search.status, search.assigned, False
    else:
        # The start schedule (valid, evaluated before) stands; without one, nobody works.
        assigned = fallback
        status, failed = ("feasible", False) if assigned else ("unknown", True)
    exact = evaluate(problem, part, assigned, workers=workers, seed=seed,
                     deterministic=deterministic)
    if exact is None:
        raise RuntimeError(f"component {index}: the chosen schedule does not re-evaluate")
    if status == "optimal":
        bound = exact.objective
    elif search.bound is None:  # neighbourhood search: the bound from before the search
        bound = min(floor, exact.objective)
    else:
        bound = min(max(search.bound, floor), exact.objective)
    by_index = {s.index: s for s in part.shifts}
    return _Outcome(
        status=status, evaluation=exact, bound=bound, assigned=assigned,
        first_solution_seconds=search.first_solution_seconds,
        best_solution_seconds=search.best_solution_seconds, variables=search.variables,
        shifts=by_index, plan_counts=_plan_counts(by_index, assigned, exact.values_by_name),
        fallback=failed,
    )


def scenario_bound(scenario: Scenario, *, lp: bool = True, cliques: bool = True) -> float:
    """A valid lower bound on the objective of any schedule of ``scenario``: per part, the
    better of the data-only bound and (``lp``) its model's linear relaxation with the cuts
    (``solver.cuts``), without a time limit; ``cliques``: with the staff timelines' clique rows
    (``solver.lp_bound``: nobody twice at once, nor twice within a daily rest), which the
    search's own bound leaves out for time. On the generated L the cliques lift a short-term
    stay home's part (one unit, 11 staff) from 348 (its data-only bound; the LP without them:
    161) to 1,273, and the whole bound (with GLOP's duals taken where it stops short of OPTIMAL)
    from 120,362 to 122,568, computed in 610 s; the cuts then to 123,177, in 1,373 s
    (bench/README.md). The same for every run on the scenario, so benchmarks compute it once,
    apart from the timed solves."""
    problem = compile_problem(scenario)
    parts = components(problem, generate_shifts(problem))
    floors = [lower_bound(problem, p.owners, p.staff, p.shifts).total for p in parts]
    if lp:
        for index, part in enumerate(parts):
            floors[index] = max(floors[index], _part_lp_bound(problem, part, cliques=cliques)
                                or 0.0)
    return sum(floors)


def _part_lp_bound(problem: Problem, part: Component, time_limit: float | None = None,
                   cliques: bool = False) -> float | None:
    """The bound of the linear relaxation of the part's full model with its cuts
    (``solver.cuts``), in objective units, or None if GLOP gives nothing usable within
    ``time_limit``."""
    built = build_model(problem, part.shifts, part.owners, part.staff, cuts=True)
    result = lp_bound(built.model, time_limit=time_limit, cliques=cliques)
    return None if result is None else result.value / OBJECTIVE_SCALE


def _lp_seconds(pairs: int) -> float:
    """A rough, generous estimate of a part's LP bound time from its possible assignments:
    building, exporting and relaxing the model grow linearly (≈ 4e-5 s each), GLOP about
    quadratically (0.7–1.2e-9 s per pair squared), measured on the generated S, M and L."""
    return 4.5e-5 * pairs + 1.2e-9 * pairs**2


def _raise_floors_by_lp(problem: Problem, parts: list[Component], floors: list[float],
                        stop: Callable[[], bool] | None, deadline: float) -> None:
    """Raise each part's data-only floor to the bound of its model's linear relaxation
    (``solver.lp_bound``) while the time before ``deadline`` allows, largest parts first;
    a part whose estimate does not fit in what is left is skipped for the smaller ones. Done
    before the search, so progress reports carry the better bound from the start and the search
    gets whatever time this leaves. A relaxation GLOP does not solve in time gives nothing."""
    for index, part in enumerate(parts):
        if stop is not None and stop():
            return
        if _lp_seconds(len(eligible_pairs(problem, part))) > deadline - time.perf_counter():
            continue
        found = _part_lp_bound(problem, part, time_limit=deadline - time.perf_counter())
        if found is not None:
            floors[index] = max(floors[index], found)


def pool_for_moves(parts: list[Component], full_model_max_assignments: int, workers: int,
                   deterministic: bool, time_limit: float) -> MovePool | None:
    """Worker processes for concurrent moves (``solver.move_pool``): as many as the part
    searched by moves with the most owners runs at once (``lns.concurrent_moves``). None where
    every such part runs one move at a time (deterministic mode among them), for runs too short
    to repay the workers' start (about a second to load the solver and the problem), or where
    the platform cannot start them: the moves then run on threads."""
    lanes = max((concurrent_moves(len(part.owners), workers, deterministic) for part in parts
                 if part.size > full_model_max_assignments), default=1)
    if lanes < 2 or time_limit < POOL_MIN_SECONDS:
        return None
    try:
        return MovePool(lanes)
    except OSError as failure:
        logger.warning("moves run on threads, no worker process started: %s", failure)
        return None


def time_share(left: float, weights: list[float]) -> float:
    """Seconds for the first of the parts still to solve (``weights``, in order) out of
    ``left``: each is set aside a minimum of 3 s (less only when time is short), the rest goes
    by weight. Reserving the minimum matters: taken from what the larger parts leave, it was
    nothing, and a group unit's part (1 owner, but a model of breaks and density) got 1–2 moves
    on L in 120 s, where alone it improves by half in 20 s."""
    count = len(weights)
    reserve = min(MIN_PART_SECONDS, left / count)
    spare = left - reserve * count
    total = sum(weights)
    return max(MIN_SOLVE_SECONDS,
               reserve + (spare * weights[0] / total if total > 0 else spare / count))


def _search_part(problem: Problem, part: Component, start: Pairs, seconds: float, workers: int,
                 seed: int, monitor: _Monitor, start_objective: float | None = None,
                 deterministic: bool = False, chooser: KindChooser | None = None,
                 pool: MovePool | None = None) -> _Search:
    """A large part: large-neighbourhood search from the hint (no proven bound); in
    deterministic mode ``seconds`` is the moves' deterministic-time budget."""
    began = time.perf_counter()
    eligible = eligible_pairs(problem, part)
    start = start & eligible

    def objective(pairs: Pairs) -> float | None:
        # One thread: a fixed schedule solves at once, and moves run beside it.
        exact = evaluate(problem, part, pairs, workers=1, seed=seed, deterministic=deterministic)
        return None if exact is None else exact.objective

    def report(best: float) -> None:
        now = time.perf_counter() - monitor.started
        monitor.last = now
        if monitor.first is None:
            monitor.first = now
        if monitor.callback is not None:
            monitor.callback(Progress(monitor.index, monitor.total, monitor.offset + best,
                                      monitor.bound_offset + monitor.floor, now))

    pairs, stats = improve(problem, part.owners, part.staff, part.shifts, start, objective,
                           began + seconds, seed=seed, workers=workers, on_improvement=report,
                           stop=monitor.stop, start_objective=start_objective,
                           budget=seconds if deterministic else None, chooser=chooser,
                           pool=pool)
    if monitor.first is None:
        monitor.first = time.perf_counter() - monitor.started
    # Every accepted move was evaluated feasible, so the result is a schedule.
    return _Search(status="feasible", bound=None, assigned=pairs,
                   first_solution_seconds=monitor.first, best_solution_seconds=monitor.last,
                   variables=len(eligible), used=stats.deterministic_time)


def _plan_counts(shifts: dict[int, CandidateShift], pairs: Pairs,
                 by_name: Mapping[str, int]) -> dict[int, list[int]]:
    """How many of each used shift's staff take each unpaid-break plan (rules.breaks)."""
    staffed: dict[int, int] = defaultdict(int)
    for _, i in pairs:
        staffed[i] += 1
    out: dict[int, list[int]] = {}
    for i, n in staffed.items():
        plans = shifts[i].break_plans
        if len(plans) > 1:
            out[i] = [int(by_name.get(plan_var_name(i, k), 0)) for k in range(len(plans))]
        elif plans:
            out[i] = [n]
    return out


def _hinted_pairs(problem: Problem, shifts: list[CandidateShift], hint: Schedule) -> Pairs:
    """(staff, candidate index) for each hinted shift that is one of the candidates."""
    by_key = {s.key: s.index for s in shifts}
    pairs = set()
    for shift in hint.shifts:
        key = schedule_key(problem, shift)
        if key in by_key:
            pairs.add((shift.staff, by_key[key]))
    return pairs


def _solve_part(built: BuiltModel, seconds: float, workers: int, seed: int, log: bool,
                monitor: _Monitor, deterministic: bool = False) -> _Search:
    solver = cp_model.CpSolver()
    configure(solver, seconds=seconds, workers=workers, seed=seed, deterministic=deterministic)
    solver.parameters.log_search_progress = log
    # Probing in presolve costs tens of seconds on month-long models and finds little here.
    solver.parameters.cp_model_probing_level = 0
    done = threading.Event()
    stop = monitor.stop
    if stop is not None:
        # A model that finds no new solution never calls back: watch the stop signal apart.
        def watch() -> None:
            while not done.wait(STOP_POLL_SECONDS):
                if stop():
                    solver.stop_search()
                    return

        threading.Thread(target=watch, daemon=True).start()
    try:
        code = solver.solve(built.model, monitor)
    finally:
        done.set()
    ctx = built.ctx
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return _Search(
        status=status_name(code),
        bound=solver.best_objective_bound / OBJECTIVE_SCALE if found else 0.0,
        assigned={key for key, var in ctx.x.items() if solver.boolean_value(var)}
        if found else None,
        first_solution_seconds=monitor.first,
        best_solution_seconds=monitor.last,
        variables=len(ctx.model.proto.variables),
        used=deterministic_time(solver),
    )


def _schedule(problem: Problem, outcomes: list[_Outcome], wall: float, time_limit: float,
              workers: int, seed: int, n_components: int, hint_ready: float | None,
              deterministic: bool = False) -> Schedule:
    grid = problem.grid
    scenario = problem.scenario
    # Every part has a schedule: failed parts carry the (valid) empty assignment.
    status: SolveStatus
    if any(o.fallback for o in outcomes):
        status = "unknown"
    elif all(o.status == "optimal" for o in outcomes):
        status = "optimal"
    else:
        status = "feasible"
    objective = sum(o.objective for o in outcomes) if outcomes else None
    bound = sum(o.bound for o in outcomes) if outcomes else None
    gap = None
    if objective is not None and bound is not None:
        gap = max(0.0, objective - bound) / max(abs(objective), 1e-9)
        if status == "optimal":
            gap = 0.0
    firsts = [o.first_solution_seconds for o in outcomes if o.first_solution_seconds is not None]
    if hint_ready is not None:
        firsts = [hint_ready]
    bests = [o.best_solution_seconds for o in outcomes if o.best_solution_seconds is not None]
    if deterministic:  # measurements of time would differ from run to run: none in the output
        wall, firsts, bests = 0.0, [], []

    penalties = penalty_terms(scenario, total_penalties(o.evaluation for o in outcomes))

    assigned = sorted(((sid, o.shifts[i]) for o in outcomes for sid, i in o.assigned),
                      key=lambda a: (a[1].start, a[0]))
    # Hand out each shift's unpaid-break plans to its staff (interchangeable for the unit).
    plans_left: dict[int, list[int]] = {}
    for o in outcomes:
        for i, counts in o.plan_counts.items():
            plans_left[i] = [k for k, c in enumerate(counts) for _ in range(c)]
    shifts = []
    for sid, s in assigned:
        left = plans_left.get(s.index)
        plan = left.pop(0) if left else None
        shifts.append(output_candidate(
            grid, sid, s, break_slots(s, plan, problem.demands[s.owner].breaks)))
    return Schedule(
        **schedule_header(scenario),
        created=DETERMINISTIC_CREATED if deterministic else datetime.now(UTC),
        solve=SolveInfo(
            status=status,
            objective=None if objective is None else round(objective, 4),
            best_bound=None if bound is None else round(bound, 4),
            gap=None if gap is None else round(gap, 6),
            wall_seconds=round(wall, 3),
            time_to_first_solution_seconds=round(max(firsts), 3) if firsts else None,
            time_to_best_seconds=round(max(bests + firsts), 3) if bests or firsts else None,
            time_limit_seconds=time_limit,
            workers=workers,
            seed=seed,
            deterministic=deterministic,
            components=n_components,
            components_without_solution=sum(o.fallback for o in outcomes),
            variables=sum(o.variables for o in outcomes),
        ),
        penalties=penalties,
        shifts=shifts,
        uncovered=uncovered_intervals(problem,
                                      ((sid, s.owner, s.start, s.end, s.served)
                                       for sid, s in assigned)),
    )

