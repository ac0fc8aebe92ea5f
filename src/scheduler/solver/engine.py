"""Solving a scenario: split it in independent parts, solve each with CP-SAT, extract the schedule.

Demand owners (clients, group units) and staff that can never share work (no approval or unit
membership links them) form separate components; every rule is per owner or per staff member,
so solving components apart is exact and much faster. The time limit is shared out by what each
part has to gain (its start schedule's distance to its bound), after a minimum for every part;
time a part leaves unused passes on.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from ortools.sat.python import cp_model

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, SolveInfo
from scheduler.solver.baseline import plan_greedy
from scheduler.solver.bounds import lower_bound
from scheduler.solver.context import OBJECTIVE_SCALE
from scheduler.solver.lns import improve
from scheduler.solver.lp_bound import lp_bound
from scheduler.solver.model import BuiltModel, build_model
from scheduler.solver.output import output_shift, penalty_terms, schedule_header
from scheduler.solver.problem import Problem, compile_problem, linked_groups
from scheduler.solver.rules.breaks import plan_var_name
from scheduler.solver.shifts import CandidateShift, break_slots, generate_shifts
from scheduler.solver.uncovered import uncovered_intervals

MIN_PART_SECONDS = 3.0  # of search per part, when the time limit allows


@dataclass(frozen=True)
class Progress:
    component: int
    components: int
    objective: float  # best total so far (finished components + this one's incumbent)
    bound: float | None  # a valid lower bound on the whole objective (data-only, LP, CP-SAT)
    seconds: float


ProgressCallback = Callable[[Progress], None]


@dataclass
class Component:
    owners: list[str]  # demand owner keys (clients and group units)
    staff: list[str]
    shifts: list[CandidateShift] = field(default_factory=list)

    @property
    def size(self) -> int:
        """A rough count of assignment variables, to share out the time limit."""
        return max(1, len(self.shifts) * len(self.staff))


def components(problem: Problem, shifts: list[CandidateShift]) -> list[Component]:
    groups = [Component(owners, staff) for owners, staff in linked_groups(problem)]
    by_owner = {key: comp for comp in groups for key in comp.owners}
    for shift in shifts:
        by_owner[shift.owner].shifts.append(shift)
    # Staff nobody approved share one trivial model: only their unused hours count.
    idle = Component([], [s for comp in groups if not comp.owners for s in comp.staff])
    # Owners with no demand and nobody to staff them (children booked into a group unit) add
    # nothing to any objective: no model for them.
    out = sorted((c for c in groups if c.owners and (c.staff or any(
        problem.demands[o].demand.count.any() for o in c.owners))), key=lambda c: -c.size)
    if idle.staff:
        out.append(idle)
    return out


@dataclass
class _Outcome:
    status: str
    objective: float
    bound: float | None  # None: no proven bound (neighbourhood search)
    values: dict[str, float]  # penalty rule → raw value
    assigned: set[tuple[str, int]] | None  # (staff, candidate index); None: nothing found
    first_solution_seconds: float | None
    variables: int
    shifts: dict[int, CandidateShift]
    best_solution_seconds: float | None = None
    plan_counts: dict[int, list[int]] = field(default_factory=dict)  # unpaid-break plans
    fallback: bool = False  # no schedule at all in time: nobody assigned in this part


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


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


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
) -> Schedule:
    """Solve ``scenario``. ``hint`` seeds the search: by default the greedy baseline's schedule
    (a coordinator's way of planning, found in well under a second), so the engine starts from
    a complete, valid schedule and only ever improves on it. ``stop`` is polled between moves
    and at each new solution: once it answers True the best schedule so far is returned."""
    settings = scenario.solver
    time_limit = settings.time_limit_seconds if time_limit is None else time_limit
    workers = settings.workers if workers is None else workers
    seed = settings.seed if seed is None else seed
    started = time.perf_counter()

    problem = compile_problem(scenario)
    shifts = generate_shifts(problem)
    parts = components(problem, shifts)
    if hint == "greedy":
        hint = plan_greedy(scenario)
    hinted = _hinted_pairs(problem, shifts, hint) if isinstance(hint, Schedule) else None
    # With a hint, a complete valid schedule exists from here on; search only improves it.
    hint_ready = time.perf_counter() - started if hinted is not None else None
    floors = [lower_bound(problem, p.owners, p.staff, p.shifts).total for p in parts]
    if settings.lp_bound_share > 0 and time_limit > 0:
        now = time.perf_counter()
        _raise_floors_by_lp(problem, parts, floors, stop, deadline=min(
            now + settings.lp_bound_share * time_limit, started + time_limit))
    # Each part's start (the hint's exact value), so progress reports a whole schedule's
    # objective from the first second: finished parts + this one's best + the rest's starts.
    starts: list[tuple[dict[str, int], dict[str, float], float] | None] = [
        _evaluate(problem, p, hinted & _eligible_pairs(problem, p), workers, seed)
        if hinted is not None else None
        for p in parts
    ]
    # Time goes where there is most to gain: the distance from each part's start schedule to
    # its bound (by size without start schedules).
    if all(start is not None for start in starts):
        weights = [max(0.0, st[2] - floor) for st, floor in zip(starts, floors, strict=True)]
    else:
        weights = [float(part.size) for part in parts]
    outcomes: list[_Outcome] = []
    done_objective = 0.0
    done_bound = 0.0
    for index, part in enumerate(parts):
        if stop is not None and stop():
            time_limit = 0.0  # what is left gets its start schedule, unimproved
        elapsed = time.perf_counter() - started
        left = max(0.0, time_limit - elapsed)
        share = time_share(left, weights[index:])
        floor = floors[index]
        pending = sum(s[2] for s in starts[index + 1:] if s is not None)
        monitor = _Monitor(done_objective + pending, index, len(parts), started, progress, stop,
                           bound_offset=done_bound + sum(floors[index + 1:]), floor=floor)
        if part.size > settings.full_model_max_assignments:
            outcome = _search_part(problem, part, hinted or set(), share, workers, seed, monitor,
                                   None if starts[index] is None else starts[index][2])
            outcome.bound = min(floor, outcome.objective)
            outcomes.append(outcome)
            done_objective += outcome.objective
            done_bound += outcome.bound
            continue
        built = build_model(problem, part.shifts, part.owners, part.staff)
        fallback: set[tuple[str, int]] = set()  # nobody assigned is always feasible
        if hinted is not None and starts[index] is not None:
            _add_complete_hint(built, starts[index][0])
            fallback = hinted & set(built.ctx.x)
        share = max(0.1, share - (time.perf_counter() - started - elapsed))
        outcome = _solve_part(built, share, workers, seed, log, monitor)
        if outcome.assigned is None:  # no schedule found in time
            # The start schedule (valid, evaluated above) stands; without one, nobody works.
            outcome.assigned, outcome.fallback = fallback, not fallback
            outcome.status = "feasible" if fallback else "unknown"
        # Report the schedule's exact penalties (the incumbent's slack variables need not be
        # at their minimum when the search stops early).
        exact = _evaluate(problem, part, outcome.assigned, workers, seed)
        if exact is None:
            raise RuntimeError(f"component {index}: the chosen schedule does not re-evaluate")
        by_name, outcome.values, outcome.objective = exact
        outcome.plan_counts = _plan_counts(outcome.shifts, outcome.assigned, by_name)
        if outcome.status == "optimal":
            outcome.bound = outcome.objective
        else:
            outcome.bound = min(max(outcome.bound or 0.0, floor), outcome.objective)
        outcomes.append(outcome)
        done_objective += outcome.objective
        done_bound += outcome.bound
    return _schedule(problem, outcomes, time.perf_counter() - started, time_limit, workers, seed,
                     len(parts), hint_ready)


def scenario_bound(scenario: Scenario, *, lp: bool = True) -> float:
    """A valid lower bound on the objective of any schedule of ``scenario``: per part, the
    better of the data-only bound and (``lp``) its model's linear relaxation, without a time
    limit. The same for every run on the scenario, so benchmarks compute it once, apart from
    the timed solves."""
    problem = compile_problem(scenario)
    parts = components(problem, generate_shifts(problem))
    floors = [lower_bound(problem, p.owners, p.staff, p.shifts).total for p in parts]
    if lp:
        for index, part in enumerate(parts):
            floors[index] = max(floors[index], _part_lp_bound(problem, part) or 0.0)
    return sum(floors)


def _part_lp_bound(problem: Problem, part: Component, time_limit: float | None = None
                   ) -> float | None:
    """The bound of the part's full model's linear relaxation (objective units), or None if
    GLOP does not solve it within ``time_limit``."""
    built = build_model(problem, part.shifts, part.owners, part.staff)
    result = lp_bound(built.model, time_limit=time_limit)
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
        if _lp_seconds(len(_eligible_pairs(problem, part))) > deadline - time.perf_counter():
            continue
        found = _part_lp_bound(problem, part, time_limit=deadline - time.perf_counter())
        if found is not None:
            floors[index] = max(floors[index], found)


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
    return max(0.1, reserve + (spare * weights[0] / total if total > 0 else spare / count))


def _eligible_pairs(problem: Problem, part: Component) -> set[tuple[str, int]]:
    return {
        (sid, s.index) for s in part.shifts for sid in problem.demands[s.owner].eligible_staff
    }


def _search_part(problem: Problem, part: Component, start: set[tuple[str, int]],
                 seconds: float, workers: int, seed: int, monitor: _Monitor,
                 start_objective: float | None = None) -> _Outcome:
    """A large part: large-neighbourhood search from the hint (no proven bound)."""
    began = time.perf_counter()
    eligible = _eligible_pairs(problem, part)
    start = start & eligible

    def objective(pairs: set[tuple[str, int]]) -> float | None:
        # One thread: a fixed schedule solves at once, and moves run beside it.
        exact = _evaluate(problem, part, pairs, 1, seed)
        return None if exact is None else exact[2]

    def report(best: float) -> None:
        now = time.perf_counter() - monitor.started
        monitor.last = now
        if monitor.first is None:
            monitor.first = now
        if monitor.callback is not None:
            monitor.callback(Progress(monitor.index, monitor.total, monitor.offset + best,
                                      monitor.bound_offset + monitor.floor, now))

    pairs, _ = improve(problem, part.owners, part.staff, part.shifts, start, objective,
                       began + seconds, seed=seed, workers=workers, on_improvement=report,
                       stop=monitor.stop,
                       start_objective=start_objective)
    exact = _evaluate(problem, part, pairs, workers, seed)
    assert exact is not None  # every accepted move was evaluated feasible
    if monitor.first is None:
        monitor.first = time.perf_counter() - monitor.started
    by_index = {s.index: s for s in part.shifts}
    return _Outcome(
        status="feasible", objective=exact[2], bound=None, values=exact[1], assigned=pairs,
        first_solution_seconds=monitor.first, variables=len(eligible),
        shifts=by_index, best_solution_seconds=monitor.last,
        plan_counts=_plan_counts(by_index, pairs, exact[0]),
    )


def _plan_counts(shifts: dict[int, CandidateShift], pairs: set[tuple[str, int]] | None,
                 by_name: dict[str, int]) -> dict[int, list[int]]:
    """How many of each used shift's staff take each unpaid-break plan (rules.breaks)."""
    staffed: dict[int, int] = defaultdict(int)
    for _, i in pairs or ():
        staffed[i] += 1
    out: dict[int, list[int]] = {}
    for i, n in staffed.items():
        plans = shifts[i].break_plans
        if len(plans) > 1:
            out[i] = [int(by_name.get(plan_var_name(i, k), 0)) for k in range(len(plans))]
        elif plans:
            out[i] = [n]
    return out


def _hinted_pairs(problem: Problem, shifts: list[CandidateShift], hint: Schedule
                  ) -> set[tuple[str, int]]:
    """(staff, candidate index) for each hinted shift that is one of the candidates."""
    grid = problem.grid
    by_key = {(s.owner, s.start, s.end): s.index for s in shifts}
    pairs = set()
    for shift in hint.shifts:
        owner = shift.client if shift.client is not None else problem.unit_owner.get(shift.unit)
        key = (owner, grid.slot_floor(shift.start), grid.slot_floor(shift.end))
        if key in by_key:
            pairs.add((shift.staff, by_key[key]))
    return pairs


def _evaluate(problem: Problem, part: Component, pairs: set[tuple[str, int]], workers: int,
              seed: int) -> tuple[dict[str, int], dict[str, float], float] | None:
    """The exact penalties of one given assignment: the same rules on a model whose only
    assignment variables are these pairs, all fixed to 1. Returns every variable's value by
    name (to complete a hint), the penalty values and the objective; None if infeasible."""
    used = {i for _, i in pairs}
    built = build_model(problem, [s for s in part.shifts if s.index in used], part.owners,
                        part.staff, only=pairs)
    for var in built.ctx.x.values():
        built.model.add(var == 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if solver.solve(built.model) != cp_model.OPTIMAL:
        return None
    solution = solver.response_proto.solution
    by_name = {v.name: solution[i] for i, v in enumerate(built.model.proto.variables) if v.name}
    values: dict[str, float] = defaultdict(float)
    for p in built.penalties:
        values[p.rule] += solver.value(p.expr) / p.scale
    return by_name, dict(values), solver.objective_value / OBJECTIVE_SCALE


def _add_complete_hint(built: BuiltModel, by_name: dict[str, int]) -> None:
    """Hint every variable: CP-SAT takes a complete, feasible hint as its first solution at
    once, while a hint on the assignments alone may be lost in search."""
    model = built.model
    missing: list[str] = []
    for i, proto in enumerate(model.proto.variables):
        if not proto.name:
            continue
        value = by_name.get(proto.name)
        if value is None:
            # Not in the evaluated model: nothing assigned there, so these are at rest.
            prefix = proto.name.split("__", 1)[0]
            if prefix in _ZERO_WHEN_UNASSIGNED:
                value = 0
            elif prefix == "weekly_rest_start":
                value = proto.domain[0]  # a week with no hinted shift: rest anywhere
            else:
                missing.append(proto.name)
                continue
        model.add_hint(model.get_int_var_from_proto_index(i), value)
    if missing:
        raise RuntimeError(f"hint incomplete, e.g. {missing[:3]}")


_ZERO_WHEN_UNASSIGNED = {"assign", "staffed", "works_for", "ot", "charge", "break_plan",
                         "break_on"}


def _solve_part(built: BuiltModel, seconds: float, workers: int, seed: int, log: bool,
                monitor: _Monitor) -> _Outcome:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    # Probing in presolve costs tens of seconds on month-long models and finds little here.
    solver.parameters.cp_model_probing_level = 0
    done = threading.Event()
    if monitor.stop is not None:
        # A model that finds no new solution never calls back: watch the stop signal apart.
        def watch() -> None:
            while not done.wait(0.2):
                if monitor.stop():
                    solver.stop_search()
                    return

        threading.Thread(target=watch, daemon=True).start()
    try:
        code = solver.solve(built.model, monitor)
    finally:
        done.set()
    status = _STATUS.get(code, "unknown")
    ctx = built.ctx
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return _Outcome(
        status=status,
        objective=float("nan"),
        bound=solver.best_objective_bound / OBJECTIVE_SCALE if found else 0.0,
        values={},
        assigned={key for key, var in ctx.x.items() if solver.boolean_value(var)}
        if found else None,
        first_solution_seconds=monitor.first,
        variables=len(ctx.model.proto.variables),
        shifts=ctx.shifts_by_index,
        best_solution_seconds=monitor.last,
    )


def _schedule(problem: Problem, outcomes: list[_Outcome], wall: float, time_limit: float,
              workers: int, seed: int, n_components: int, hint_ready: float | None
              ) -> Schedule:
    grid = problem.grid
    scenario = problem.scenario
    solved = outcomes  # failed parts carry the (valid) empty assignment
    if any(o.fallback for o in outcomes):
        status = "unknown"
    elif all(o.status == "optimal" for o in outcomes):
        status = "optimal"
    else:
        status = "feasible"
    objective = sum(o.objective for o in solved) if solved else None
    bounds = [o.bound for o in solved]
    bound = sum(bounds) if solved and None not in bounds else None
    gap = None
    if objective is not None and bound is not None:
        gap = max(0.0, objective - bound) / max(abs(objective), 1e-9)
        if status == "optimal":
            gap = 0.0
    firsts = [o.first_solution_seconds for o in outcomes if o.first_solution_seconds is not None]
    if hint_ready is not None:
        firsts = [hint_ready]
    bests = [o.best_solution_seconds for o in outcomes if o.best_solution_seconds is not None]

    raw: dict[str, float] = defaultdict(float)
    for o in solved:
        for term, value in o.values.items():
            raw[term] += value
    penalties = penalty_terms(scenario, raw)

    assigned = sorted(((sid, o.shifts[i]) for o in solved for sid, i in o.assigned or ()),
                      key=lambda a: (a[1].start, a[0]))
    # Hand out each shift's unpaid-break plans to its staff (interchangeable for the unit).
    plans_left: dict[int, list[int]] = {}
    for o in solved:
        for i, counts in o.plan_counts.items():
            plans_left[i] = [k for k, c in enumerate(counts) for _ in range(c)]
    shifts = []
    for sid, s in assigned:
        left = plans_left.get(s.index)
        plan = left.pop(0) if left else None
        shifts.append(output_shift(
            grid, sid, s.client_id, s.unit_id, s.start, s.end, s.minutes, s.on_call_minutes,
            break_slots(s, plan, problem.demands[s.owner].breaks),
        ))
    return Schedule(
        **schedule_header(scenario),
        created=datetime.now(UTC),
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
            components=n_components,
            components_without_solution=sum(o.fallback for o in outcomes),
            variables=sum(o.variables for o in outcomes),
        ),
        penalties=penalties,
        shifts=shifts,
        uncovered=uncovered_intervals(problem, ((s.owner, s.start, s.end) for _, s in assigned)),
    )

