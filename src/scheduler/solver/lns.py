"""Large-neighbourhood search for components too big to solve as one model in the time given.

Start from a complete, valid schedule (the greedy baseline's). Repeatedly free the shifts of one
or two demand owners (clients, group units) that share staff within a window of days, keep every
other shift of the staff involved fixed, and let CP-SAT re-plan that neighbourhood with the same
registered rules (so the sub-model can never break a hard rule). A move is kept only if the
whole component's exact objective improves, so the schedule never gets worse. With two workers
two moves on disjoint neighbourhoods run at once (see ``improve``); in deterministic mode moves
run one after another and the budget is deterministic time, not the clock.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from ortools.sat.python import cp_model

from scheduler.solver.evaluation import complete_hint, fix_assignments
from scheduler.solver.model import build_model
from scheduler.solver.move_kinds import KindChooser
from scheduler.solver.params import configure, deterministic_time
from scheduler.solver.parts import Pairs
from scheduler.solver.problem import Problem
from scheduler.solver.round_cut import cut_day
from scheduler.solver.shifts import CandidateShift

if TYPE_CHECKING:
    from scheduler.solver.move_pool import MovePool

log = logging.getLogger(__name__)

SUB_SOLVE_SECONDS = 0.5  # many short moves beat fewer long ones (M, 60 s, 3 seeds: 0.5 ≈ 1 < 2 s)
# The most a sub-solve is given after sub-solves ran out of time before their first solution.
MAX_SUB_SOLVE_SECONDS = 3.0
# The least a sub-solve is given near the deadline: enough to load its complete hint.
MIN_SUB_SOLVE_SECONDS = 0.1
# No new move this close to the deadline: it could not be solved and evaluated in time.
DEADLINE_MARGIN_SECONDS = 0.2
# A sub-model with the current schedule fixed solves in milliseconds; one that does not within
# this is skipped rather than let its hint eat the search's time.
HINT_SECONDS = 5.0
# Deterministic mode: what one move costs beyond its sub-solve's deterministic time (building the
# sub-model and its hint, the exact evaluation: Python, not counted by CP-SAT), charged so the
# budget follows wall time roughly (measured on M: see README, "Reproducible runs").
MOVE_OVERHEAD = 0.1
# The kinds of move's prior shares (``kind_priors``; the search then favours the kinds that
# gain most per second, ``solver.move_kinds``). Aimed where the objective is (``Space.aims``);
# the rest random, which finds what the estimates miss (fairness, continuity, rest patterns).
AIMED_SHARE = 0.5
# While anyone in a part works overtime, the share of moves that hand some of their work to a
# colleague with room (``_relieve``): overtime is the dearest hour worked, and these moves are
# small (one client, a few days), so they cost little time.
OVERTIME_SHARE = 0.5
# Prior share of moves on a unit's rounds, in parts that have them (``_round_neighbourhood``).
ROUNDS_SHARE = 0.3
# Of those, the prior share that re-cut a unit-day (``Space.recut``): everyone who works the
# unit's visits that day, choosing among their shifts and a fresh cut of the day's visits.
RECUT_SHARE = 0.5
# Window lengths (days) of the moves on one or two clients, each its own kind of move.
CLIENT_WINDOWS = (3, 5, 7)
# The kind drawn when none of the others applies (one or two clients always do).
FALLBACK_KIND = "clients-5"
Evaluate = Callable[[Pairs], float | None]
_Key = TypeVar("_Key", str, int)


def kind_priors() -> dict[str, float]:
    """Each kind of move's prior weight, in the order kinds are drawn; a kind applies only
    where ``Space.allowed`` says so. Overtime relief is not among them: it keeps its fixed
    share (``OVERTIME_SHARE``, ``Space.neighbourhood``)."""
    aimed = (1 - ROUNDS_SHARE) * AIMED_SHARE
    unaimed = (1 - ROUNDS_SHARE) * (1 - AIMED_SHARE)
    windows = len(CLIENT_WINDOWS)
    return {
        "recut": ROUNDS_SHARE * RECUT_SHARE,
        "rounds": ROUNDS_SHARE * (1 - RECUT_SHARE),
        **{f"uncovered-{w}": aimed / 2 / windows for w in CLIENT_WINDOWS},
        "idle": aimed / 2,
        **{f"clients-{w}": unaimed / 2 / windows for w in CLIENT_WINDOWS},
        "assistants": unaimed / 2,
    }


class WorkerEnded(RuntimeError):
    """A move worker process (``solver.move_pool``) ended or its stream failed: the search
    goes on with threads. A move that fails in a worker raises a plain ``RuntimeError``."""


def concurrent_moves(owners: int, workers: int, deterministic: bool) -> int:
    """How many moves run at once (``improve``'s lanes): disjoint moves need owners to spare,
    so one per two owners, at most one per worker; one at a time in deterministic mode."""
    return 1 if deterministic else max(1, min(workers, owners // 2))


def sub_solve_seconds(seconds: float, left: float) -> float:
    """A sub-solve's time: ``seconds``, no more than is ``left`` before the deadline, never
    less than ``MIN_SUB_SOLVE_SECONDS``."""
    return max(MIN_SUB_SOLVE_SECONDS, min(seconds, left))


@dataclass
class LnsStats:
    iterations: int = 0
    improvements: int = 0
    first_objective: float = 0.0
    objective: float = 0.0
    deterministic_time: float = 0.0  # charged to the budget (deterministic mode)
    # Per kind of move: how many ran and what they gained in all.
    kinds: dict[str, tuple[int, float]] = field(default_factory=dict)


def improve(
    problem: Problem,
    owners: list[str],
    staff: list[str],
    shifts: list[CandidateShift],
    start: Pairs,
    evaluate: Evaluate,
    deadline: float,
    *,
    seed: int,
    workers: int,
    on_improvement: Callable[[float], None] | None = None,
    stop: Callable[[], bool] | None = None,
    start_objective: float | None = None,
    budget: float | None = None,
    chooser: KindChooser | None = None,
    pool: MovePool | None = None,
) -> tuple[Pairs, LnsStats]:
    """Improve ``start`` until ``deadline``. With ``workers`` > 1, as many moves run at once
    (``concurrent_moves``), each sub-solve on one thread, where one move with two CP-SAT workers
    leaves a core idle a third of the time (measured on the M instance). They run on threads
    by default and in ``pool``'s worker processes when given one: building a sub-model is
    Python, and on threads two moves' builds take turns on one interpreter. A move
    found on an older schedule is re-applied to the current one and, like every move, kept only
    if the exact evaluation finds it feasible and better.

    ``budget`` (deterministic mode): instead of ``deadline``, stop once the moves' deterministic
    time (their sub-solves' plus ``MOVE_OVERHEAD`` each) reaches it; moves run one at a time, so
    the result depends on the input and ``seed`` only. ``chooser``: what kinds of move gained
    so far (the engine's, over the parts searched before this one); a fresh one without.
    ``pool``: run concurrent moves in its worker processes instead of on threads (never with
    one lane, so never in deterministic mode)."""
    rng = random.Random(seed)
    deterministic = budget is not None
    space = Space(problem, owners, staff, shifts, deterministic)
    current = set(start)
    best = evaluate(current) if start_objective is None else start_objective
    if best is None:
        raise RuntimeError("the starting schedule breaks a hard rule")
    stats = LnsStats(first_objective=best, objective=best)
    # Disjoint moves need owners to spare: a one-client group runs one move on all workers.
    # Deterministic: one move at a time on one thread; CP-SAT's interleaved workers cost a
    # sub-solve of half a second more than they bring (M: 14 moves in the time of 36).
    lanes = concurrent_moves(len(owners), workers, deterministic)
    threads = 1 if lanes > 1 or deterministic else workers
    processes = pool if lanes > 1 else None
    spec = processes.part(owners, staff, shifts) if processes is not None else None
    spent = 0.0  # deterministic time charged so far (deterministic mode)

    def stopped() -> bool:
        if stop is not None and stop():
            return True
        if budget is not None:
            return spent >= budget - DEADLINE_MARGIN_SECONDS
        return time.perf_counter() >= deadline - DEADLINE_MARGIN_SECONDS

    sub_seconds = SUB_SOLVE_SECONDS  # adapted: longer while sub-solves run out of time

    def sub_limit() -> float:
        left = budget - spent if budget is not None else deadline - time.perf_counter()
        return sub_solve_seconds(sub_seconds, left)

    chooser = chooser or KindChooser(kind_priors())
    moves_before = dict(chooser.moves)
    improved_before = dict(chooser.improved)
    with ThreadPoolExecutor(max_workers=lanes) as threads_pool:
        # Each running move's neighbourhood, when it was submitted and whether to a worker.
        running: dict[Future[tuple[Move | None, float, bool]],
                      tuple[Neighbourhood, float, bool]] = {}
        while True:
            while len(running) < lanes and not stopped():
                # Concurrent moves re-plan disjoint owners with disjoint staff, so each one's
                # fixed surroundings are what the others leave untouched: they commute.
                busy = [hood for hood, *_ in running.values()]
                aims = space.aims(current)
                for _ in range(20):
                    hood = space.neighbourhood(rng, aims, chooser)
                    if not any(hood.overlaps(other) for other in busy):
                        break
                else:
                    break  # nothing disjoint found: wait for a running move
                stats.iterations += 1
                if processes is not None and spec is not None:
                    future = processes.submit(spec, hood, frozenset(current), sub_seconds,
                                              deadline)
                else:
                    future = threads_pool.submit(space.move, hood, frozenset(current),
                                                 sub_limit, threads)
                running[future] = hood, time.perf_counter(), processes is not None
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                hood, submitted, in_worker = running.pop(future)
                movers = hood.staff
                try:
                    move, used, timed_out = future.result()
                except WorkerEnded as failure:
                    if not in_worker:
                        raise
                    # A worker process ended: the search goes on with threads.
                    if processes is not None:
                        log.warning("moves go on in this process: %s", failure)
                    processes = None
                    move, used, timed_out = None, 0.0, False
                spent += used + MOVE_OVERHEAD
                before = best
                # A sub-solve that ends without even its hinted schedule was still in presolve
                # (large neighbourhoods, or a loaded machine: 7 of 15 moves on M, measured):
                # give the next ones longer, and come back down once they finish again.
                if timed_out:
                    sub_seconds = min(MAX_SUB_SOLVE_SECONDS, sub_seconds * 1.5)
                else:
                    sub_seconds = max(SUB_SOLVE_SECONDS, sub_seconds * 0.9)
                if move is not None and not stopped():
                    candidate = {
                        (sid, i) for sid, i in current if sid not in movers or i not in move.freed
                    } | move.chosen
                    value = evaluate(candidate) if candidate != current else None
                    if value is not None and value < best - 1e-6:
                        current, best = candidate, value
                        stats.improvements += 1
                        if on_improvement is not None:
                            on_improvement(best)
                # What the move cost: deterministic time, or the clock from its submission to
                # its evaluation (a move waiting for a core costs what it waits).
                cost = (used + MOVE_OVERHEAD if deterministic
                        else time.perf_counter() - submitted)
                chooser.record(hood.kind, before - best, cost)
    stats.objective = best
    stats.kinds = {kind: (n - moves_before.get(kind, 0),
                          chooser.improved[kind] - improved_before.get(kind, 0.0))
                   for kind, n in chooser.moves.items() if n > moves_before.get(kind, 0)}
    stats.deterministic_time = spent
    return current, stats


@dataclass(frozen=True)
class Neighbourhood:
    owners: frozenset[str]  # whose shifts in the window are re-planned
    staff: frozenset[str]  # who may take them (the movers)
    first_slot: int  # the window: shifts starting in [first_slot, end_slot)
    end_slot: int
    seed: int  # the sub-solve's
    # A re-cut (``Space.recut``): the unit whose visits are re-cut; only the movers' shifts
    # and the day's cut are free then, not every candidate in the window.
    recut: str | None = None
    kind: str = ""  # which kind of move made it (``kind_priors``)

    def overlaps(self, other: Neighbourhood) -> bool:
        return bool(self.owners & other.owners or self.staff & other.staff)


@dataclass(frozen=True)
class Move:
    """What re-planning a neighbourhood found, for its movers (the neighbourhood's staff)."""

    freed: set[int]  # the candidate shifts re-planned
    chosen: Pairs  # the movers' new assignments among them


class Space:
    """The neighbourhoods of one component and how to re-plan one. Shared by concurrent
    moves on threads: read-only but for the re-cut cache (``recut``), where a race computes a
    cut twice, never a wrong one; each move worker process (``solver.move_pool``) has its own.
    """

    def __init__(self, problem: Problem, owners: list[str], staff: list[str],
                 shifts: list[CandidateShift], deterministic: bool = False) -> None:
        self.problem, self.owners = problem, owners
        self.deterministic = deterministic
        self.by_index = {s.index: s for s in shifts}
        self.by_owner: dict[str, list[CandidateShift]] = {o: [] for o in owners}
        for s in shifts:
            self.by_owner[s.owner].append(s)
        self.staff = set(staff)
        self.neighbours = _neighbours(problem, owners, self.staff)
        self.rounds = any(problem.demands[o].is_round for o in owners)
        self.day_starts = problem.grid.day_starts()
        self.days = problem.grid.days
        self.cuts: dict[tuple[str | None, int, int], set[int]] = {}  # (``recut``)
        # For aiming moves (``aims``): each owner's need (minutes) its decisions could pay for
        # at most, and each staff member's contract minutes in the horizon.
        slot = problem.slot_minutes
        self.payable: dict[str, int] = {}
        for o in owners:
            data = problem.demands[o]
            need = int(data.demand.count.sum()) * slot
            if not data.is_unit:
                rate = min((b.on_call_counts_as for b in data.budgets), default=1.0)
                need = min(need, int(sum(b.available_hours for b in data.budgets) * 60 / rate))
            self.payable[o] = need
        self.contract = {s: sum(t.target_minutes for t in problem.contract_targets[s])
                         for s in self.staff}
        # Overtime is work beyond full time per limiting period (rules/working_hours.py), each
        # shift counted in the period it starts in.
        full_time = problem.scenario.rules.full_time_hours_per_week
        self.periods = [(a, b, round(full_time * 60 * days / 7))
                        for a, b, days in problem.limiting_periods()]

    def aims(self, current: Pairs) -> _Aims:
        """Where the current schedule's objective is: per owner the need left uncovered that
        its decisions could still pay for, per staff member the contract hours left unused and
        the hours worked beyond the contract (each a rough estimate over the horizon); and,
        exactly as the rule counts them, overtime and the room left below full time per
        limiting period, and the start of each shift worked in a period of overtime; per owner
        with payable need uncovered, the decided need uncovered on each day."""
        staffed: dict[str, int] = dict.fromkeys(self.owners, 0)
        # Persons at each slot of each owner's need, for the days it is left uncovered.
        present = {o: np.zeros(self.problem.grid.n_slots, dtype=np.int32) for o in self.owners}
        work: dict[str, int] = dict.fromkeys(self.staff, 0)
        in_period = {s: [0] * len(self.periods) for s in self.staff}
        own: dict[str, list[CandidateShift]] = {s: [] for s in self.staff}
        visiting: dict[tuple[str, int], set[str]] = {}
        for sid, i in current:
            shift = self.by_index[i]
            for owner, a, b in shift.served:
                staffed[owner] += (b - a) * self.problem.slot_minutes
                present[owner][a:b] += 1
            work[sid] += shift.work_minutes
            own[sid].append(shift)
            if shift.visits:
                day = self.problem.grid.day_of(shift.start)
                visiting.setdefault((shift.unit_id, day), set()).add(sid)
            for k, (a, b, _) in enumerate(self.periods):
                if a <= shift.start < b:
                    in_period[sid][k] += shift.work_minutes
                    break
        uncovered = {o: max(0, self.payable[o] - staffed[o]) for o in self.owners}
        gaps = {o: self._gaps(o, present[o]) for o in self.owners if uncovered[o] > 0}
        unused = {s: max(0, self.contract[s] - work[s]) for s in self.staff}
        beyond = {s: max(0, work[s] - self.contract[s]) for s in self.staff}
        overtime = {s: sum(max(0, w - full) for w, (_, _, full) in zip(in_period[s], self.periods,
                                                                        strict=True))
                    for s in self.staff}
        room = {s: sum(max(0, full - w) for w, (_, _, full) in zip(in_period[s], self.periods,
                                                                    strict=True))
                for s in self.staff}
        overtime_shifts: dict[str, dict[str, list[int]]] = {}
        for sid in sorted(s for s in self.staff if overtime[s] > 0):
            over = [(a, b) for w, (a, b, full) in zip(in_period[sid], self.periods, strict=True)
                    if w > full]
            by_owner = overtime_shifts.setdefault(sid, {})
            for shift in sorted(own[sid], key=lambda s: s.start):
                if any(a <= shift.start < b for a, b in over):
                    by_owner.setdefault(shift.owner, []).append(shift.start)
        return _Aims(uncovered, unused, beyond, overtime, room, overtime_shifts, visiting, gaps)

    def _gaps(self, owner: str, present: np.ndarray) -> list[int]:
        """Per day, the owner's person-minutes of need left uncovered where a decision pays
        for it (or the unit is open)."""
        data = self.problem.demands[owner]
        missing = np.where(data.decided, np.maximum(0, data.demand.count - present), 0)
        per_day = np.add.reduceat(missing, self.day_starts[:-1]) * self.problem.slot_minutes
        return [int(m) for m in per_day]

    def allowed(self, aims: _Aims | None) -> set[str]:
        """The kinds of move that apply to this part and schedule."""
        kinds = {f"clients-{w}" for w in CLIENT_WINDOWS} | {"assistants"}
        if self.rounds:
            kinds.add("rounds")
        if aims is None:
            return kinds
        if self.rounds and aims.visiting:
            kinds.add("recut")
        if any(aims.overtime.values()):
            kinds.add("relieve")
        if any(aims.uncovered.values()):
            kinds |= {f"uncovered-{w}" for w in CLIENT_WINDOWS}
        if any(aims.unused.values()):
            kinds.add("idle")
        return kinds

    def neighbourhood(self, rng: random.Random, aims: _Aims | None = None,
                      chooser: KindChooser | None = None) -> Neighbourhood:
        """A neighbourhood of a kind ``chooser`` draws (by the priors alone without one)
        among those that apply; a kind that finds nothing to re-plan gives way to another."""
        chooser = chooser or KindChooser(kind_priors())
        allowed = self.allowed(aims)
        # Overtime relief stays a fixed share, outside the choice by gain: its gains are
        # small next to uncovered need's (a few hours at overtime's weight), and learned
        # rates drew it so rarely that L kept 10–18 h of overtime at 60 s (0.5–5.5 h with the
        # fixed share, 0–3 h before the choice by gain); the department's target is overtime
        # itself (half of it gone).
        if "relieve" in allowed:
            allowed.discard("relieve")
            if rng.random() < OVERTIME_SHARE:
                hood = self._of_kind("relieve", rng, aims)
                if hood is not None:
                    return hood
        while True:
            kind = chooser.draw(rng, allowed) or FALLBACK_KIND
            hood = self._of_kind(kind, rng, aims)
            if hood is not None:
                return hood
            allowed.discard(kind)

    def _of_kind(self, kind: str, rng: random.Random, aims: _Aims | None
                 ) -> Neighbourhood | None:
        """A neighbourhood of ``kind``, or None if the schedule gives it nothing to do."""
        problem, owners, staff, days = self.problem, self.owners, self.staff, self.days
        name, _, window = kind.partition("-")
        around: int | None = None
        if name == "relieve" and aims is not None:
            relief = _relieve(problem, rng, owners, staff, days, aims)
            if relief is None:
                return None
            chosen, movers, first_day, window_days = relief
            return self._window(kind, chosen, movers, first_day, window_days, rng)
        if name == "recut" and aims is not None and aims.visiting:
            unit, day = rng.choice(sorted(aims.visiting))
            movers = aims.visiting[unit, day] & staff
            return Neighbourhood(frozenset(_unit_visits(problem, owners, unit)),
                                  frozenset(movers), self.day_starts[day],
                                  self.day_starts[day + 1], rng.randrange(1 << 30), unit, kind)
        if name == "rounds":
            chosen, movers, window_days = _round_neighbourhood(problem, rng, owners, staff, days)
        elif name == "uncovered" and aims is not None:
            aimed = _uncovered_aim(problem, rng, staff, self.neighbours, aims)
            if aimed is None:
                return None
            chosen, movers, around = aimed
            window_days = min(days, int(window))
        elif name == "idle" and aims is not None:
            idle = _idle_aim(problem, rng, owners, staff, aims)
            if idle is None:
                return None
            chosen, movers = idle
            window_days = min(days, 14)
        elif name == "assistants":
            spread = _assistants(problem, rng, owners, staff)
            if spread is None:
                return None
            chosen, movers = spread
            window_days = min(days, 14)
        elif name == "clients":
            chosen, movers = _clients(problem, rng, owners, staff, self.neighbours)
            window_days = min(days, int(window))
        else:  # a kind without its aims, or none of ours: a caller's mistake, not a move
            raise ValueError(f"no neighbourhood of kind {kind!r} here")
        if around is None:
            first_day = rng.randrange(0, days - window_days + 1)
        else:  # a window that holds the day
            first_day = min(max(0, around - rng.randrange(window_days)), days - window_days)
        return self._window(kind, chosen, movers, first_day, window_days, rng)

    def _window(self, kind: str, chosen: list[str], movers: set[str], first_day: int,
                window_days: int, rng: random.Random) -> Neighbourhood:
        return Neighbourhood(frozenset(chosen), frozenset(movers), self.day_starts[first_day],
                              self.day_starts[first_day + window_days], rng.randrange(1 << 30),
                              kind=kind)

    def recut(self, hood: Neighbourhood, options: list[CandidateShift]) -> set[int]:
        """The day's cut of the unit's visits into as many shifts as it has movers, computed
        once per unit, day and number in this process (``solver.round_cut``; its seed the
        first such neighbourhood's)."""
        key = (hood.recut, hood.first_slot, len(hood.staff))
        if key not in self.cuts:
            cut = cut_day(self.problem, options, len(hood.staff), seed=hood.seed,
                          deterministic=self.deterministic)
            self.cuts[key] = {s.index for s in cut}
        return self.cuts[key]

    def move(self, hood: Neighbourhood, current: frozenset[tuple[str, int]],
             seconds: Callable[[], float], threads: int) -> tuple[Move | None, float, bool]:
        """Re-plan ``hood`` in ``current`` with a sub-solve of ``seconds()`` (asked just before
        it; deterministic time in deterministic mode); None if nothing came of it. With it the
        deterministic time the sub-solve took, and whether it ran out of time before any
        solution. Sets are walked in sorted order: a model's
        variable order steers CP-SAT, and string hashes (so set order) differ from one process
        to the next."""
        problem, by_index = self.problem, self.by_index
        chosen, movers, lo, hi = hood.owners, hood.staff, hood.first_slot, hood.end_slot
        free = [s for c in sorted(chosen) for s in self.by_owner[c] if lo <= s.start < hi]
        if hood.recut is not None:
            worked = {i for sid, i in current if sid in movers}
            cut = self.recut(hood, [s for s in free if s.visits])
            free = [s for s in free if s.index in worked or s.index in cut]
        free_index = {s.index for s in free}
        # The owners whose need the free shifts serve (a round's visits reach other clients).
        touched = set(chosen) | _served_owners(free)
        # Fixed: the movers' other work (their rest and hours depend on it), and the touched
        # owners' shifts worked by others (their staffing cap, granted hours and break floor
        # depend on it).
        fixed = {
            (sid, i) for sid, i in current
            if (sid in movers and i not in free_index)
            or (sid not in movers and _touches(by_index[i], touched))
        }
        free_pairs = {
            (sid, s.index)
            for s in free
            for sid in problem.demands[s.owner].eligible_staff
            if sid in movers
        }
        sub_shifts = free + [by_index[i] for i in sorted({i for _, i in fixed} - free_index)]
        sub_owners = sorted(set(chosen) | _served_owners(sub_shifts))
        sub_staff = sorted(movers | {sid for sid, _ in fixed})
        built = build_model(problem, sub_shifts, sub_owners, sub_staff,
                            only=free_pairs | fixed)
        fix_assignments(built, built.model, fixed, others_free=True)
        # A complete hint: CP-SAT starts from the current schedule at once, so a short
        # sub-solve can only improve on it.
        if not complete_hint(built, current, workers=threads, seconds=HINT_SECONDS,
                             deterministic=self.deterministic):
            return None, 0.0, False
        solver = cp_model.CpSolver()
        configure(solver, seconds=seconds(), workers=threads, seed=hood.seed,
                  deterministic=self.deterministic)
        solver.parameters.cp_model_probing_level = 0
        code = solver.solve(built.model)
        used = deterministic_time(solver)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, used, code == cp_model.UNKNOWN
        return Move(free_index, {
            key for key, var in built.ctx.x.items()
            if key not in fixed and solver.boolean_value(var)
        }), used, False


def _served_owners(shifts: list[CandidateShift]) -> set[str]:
    """The shifts' owners and every owner whose need they staff (their visits')."""
    return {s.owner for s in shifts} | {v.owner for s in shifts for v in s.visits}


def _touches(shift: CandidateShift, owners: set[str]) -> bool:
    """``_served_owners([shift])`` meets ``owners`` (without a set per shift: a move asks this
    of every assignment of the current schedule)."""
    return shift.owner in owners or any(v.owner in owners for v in shift.visits)


@dataclass(frozen=True)
class _Aims:
    """Minutes per owner (uncovered, payable) and per staff member (unused, beyond contract;
    overtime and room below full time, summed over the limiting periods); per staff member in
    overtime, per owner, the start slots of the shifts they work in periods of overtime; per
    owner with payable need uncovered, its uncovered minutes per day (``gaps``)."""

    uncovered: dict[str, int]
    unused: dict[str, int]
    beyond: dict[str, int]
    overtime: dict[str, int] = field(default_factory=dict)
    room: dict[str, int] = field(default_factory=dict)
    overtime_shifts: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # Per (unit, day): who works a shift with visits of the unit starting that day.
    visiting: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    # Per owner with payable need uncovered: per day, its person-minutes of decided need
    # uncovered (where to place an aimed move's window).
    gaps: dict[str, list[int]] = field(default_factory=dict)


def _weighted(rng: random.Random, weights: dict[_Key, int]) -> _Key | None:
    """A key drawn with probability proportional to its weight (sorted: the same draw in
    every process); None if every weight is 0."""
    keys = sorted(k for k, w in weights.items() if w > 0)
    if not keys:
        return None
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _uncovered_aim(problem: Problem, rng: random.Random, staff: set[str],
                   neighbours: dict[str, list[str]], aims: _Aims
                   ) -> tuple[list[str], set[str], int | None] | None:
    """(owners, movers, a day the window must hold or None): an owner with payable need left
    uncovered, drawn by its minutes (with a neighbour sharing staff, half the time), all their
    assistants, and a day drawn by its uncovered minutes (a window drawn anywhere mostly misses
    need left uncovered on a few days). None if no payable need is left uncovered."""
    first = _weighted(rng, aims.uncovered)
    if first is None:
        return None
    chosen, movers = _with_neighbour(problem, rng, first, staff, neighbours)
    gaps = aims.gaps.get(first, [])
    around = _weighted(rng, dict(enumerate(gaps))) if gaps else None
    return chosen, movers, around


def _idle_aim(problem: Problem, rng: random.Random, owners: list[str], staff: set[str],
              aims: _Aims) -> tuple[list[str], set[str]] | None:
    """(owners, movers): a staff member with contract hours unused (drawn by them), with
    assistants of one of the same clients, those beyond their contract first (their hours could
    move to the first at a tenth of the price), and every client the movers serve. None if
    nobody has contract hours unused, or the one drawn serves no client of the part."""
    idle = _weighted(rng, aims.unused)
    if idle is None:
        return None
    serves = sorted(c for c in owners if idle in problem.demands[c].eligible_staff)
    if not serves:
        return None
    client = rng.choice(serves)
    others = [s for s in problem.demands[client].eligible_staff if s in staff and s != idle]
    busy = sorted((s for s in others if aims.beyond[s] > 0), key=lambda s: -aims.beyond[s])
    rest = [s for s in others if aims.beyond[s] == 0]
    rng.shuffle(rest)
    movers = {idle, *(busy + rest)[: rng.choice((1, 2, 3))]}
    return _served_by(problem, owners, movers), movers


def _relieve(problem: Problem, rng: random.Random, owners: list[str], staff: set[str],
             days: int, aims: _Aims
             ) -> tuple[list[str], set[str], int, int] | None:
    """(owners, movers, first day, window in days): a staff member in overtime (drawn by its
    minutes), one client they work for in a period of overtime, one to three of its
    assistants with room below full time (most unused contract hours first), and a window of
    one to three days around one of the member's shifts there. Each hour handed over saves
    overtime's weight and costs at most additional hours' (or fills a contract paid anyway).
    Random and wider aimed neighbourhoods rarely hold the member together with a colleague who
    has room, and on a department there are few moves per part (L at 60 s on a loaded machine:
    4–14; the greedy start's 24.5 h of overtime stayed as they were); these sub-models are
    small, so they solve within the short sub-solve. None if nobody works overtime or nobody
    could take over."""
    member = _weighted(rng, aims.overtime)
    if member is None:
        return None
    part = set(owners)
    shifts = {o: starts for o, starts in aims.overtime_shifts.get(member, {}).items()
              if o in part}
    client = _weighted(rng, {o: len(starts) for o, starts in shifts.items()})
    if client is None:
        return None
    takers = sorted((s for s in problem.demands[client].eligible_staff
                     if s in staff and s != member and aims.room.get(s, 0) > 0),
                    key=lambda s: (-aims.unused.get(s, 0), -aims.room[s], s))[:5]
    if not takers:
        return None
    movers = {member, *rng.sample(takers, min(len(takers), rng.choice((1, 2, 3))))}
    day = problem.grid.day_of(rng.choice(shifts[client]))
    window = min(days, rng.choice((1, 2, 3)))
    first = min(max(0, day - rng.randrange(window)), days - window)
    return [client], movers, first, window


def _clients(problem: Problem, rng: random.Random, owners: list[str], staff: set[str],
             neighbours: dict[str, list[str]]) -> tuple[list[str], set[str]]:
    """(owners, movers): one client, with a neighbour sharing staff half the time, and all
    their assistants."""
    return _with_neighbour(problem, rng, rng.choice(owners), staff, neighbours)


def _with_neighbour(problem: Problem, rng: random.Random, first: str, staff: set[str],
                    neighbours: dict[str, list[str]]) -> tuple[list[str], set[str]]:
    """(owners, movers): ``first``, with a neighbour sharing staff half the time, and all
    their assistants."""
    chosen = [first]
    if neighbours[first] and rng.random() < 0.5:
        chosen.append(rng.choice(neighbours[first]))
    return chosen, {s for c in chosen for s in problem.demands[c].eligible_staff if s in staff}


def _served_by(problem: Problem, owners: list[str], movers: set[str]) -> list[str]:
    """The owners any of ``movers`` may work for, sorted."""
    return sorted({c for c in owners for s in movers if s in problem.demands[c].eligible_staff})


def _assistants(problem: Problem, rng: random.Random, owners: list[str], staff: set[str]
                ) -> tuple[list[str], set[str]] | None:
    """(owners, movers): a few assistants of one client and every client they may work for
    (for two weeks: moves work between clients and weeks, where contract hours and weekly
    rest bind). None if the client drawn has no assistant in the part."""
    first = rng.choice(owners)
    eligible = [s for s in problem.demands[first].eligible_staff if s in staff]
    if not eligible:
        return None
    movers = set(rng.sample(eligible, min(len(eligible), rng.choice((2, 3, 4)))))
    return _served_by(problem, owners, movers), movers


def _round_neighbourhood(problem: Problem, rng: random.Random, owners: list[str],
                         staff: set[str], days: int) -> tuple[list[str], set[str], int]:
    """(owners, movers, window in days) on a unit's rounds: the rounds and every scattered
    client of the unit, a few of its assistants, a day or two. Rounds share visits, so they
    are re-cut together; a neighbourhood of one client frees none of them. The part has
    rounds (``Space.allowed``)."""
    rounds = [o for o in owners if problem.demands[o].is_round]
    key = rng.choice(rounds)
    chosen = _unit_visits(problem, owners, problem.demands[key].unit)
    eligible = [s for s in problem.demands[key].eligible_staff if s in staff]
    movers = set(rng.sample(eligible, min(len(eligible), rng.choice((3, 4, 6)))))
    return chosen, movers, min(days, rng.choice((1, 2)))


def _unit_visits(problem: Problem, owners: list[str], unit: str) -> list[str]:
    """The unit's rounds and its scattered clients among ``owners``."""
    return [o for o in owners if (data := problem.demands[o]).unit == unit
            and (data.is_round or (data.client is not None and data.client.scattered))]


def _neighbours(problem: Problem, owners: list[str], staff: set[str]) -> dict[str, list[str]]:
    """Owners sharing at least one eligible staff member with each owner."""
    serving: dict[str, set[str]] = {}
    for c in owners:
        for sid in problem.demands[c].eligible_staff:
            if sid in staff:
                serving.setdefault(sid, set()).add(c)
    out: dict[str, list[str]] = {}
    for c in owners:
        near = set().union(*(serving.get(s, set()) for s in problem.demands[c].eligible_staff))
        out[c] = sorted(near - {c})
    return out
