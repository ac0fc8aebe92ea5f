"""A greedy "manual planning" baseline: what a coordinator does by hand, for comparison.

It walks through the need in time order, the clients' and the group units' alike. For each piece
not yet staffed it cuts a shift of typical length (a whole short stretch, an 8-hour day, a jour
night) and gives it to the least-loaded approved (or, in a group unit, the unit's), competent
assistant who is available, not already working, rested (daily
rest after every shift, weekly rest in every calendar week; those who have not had this week's
rest yet are asked last) and within the hour caps and the decision's granted hours. The rules
run on from the scenario's history: rest after its last shift, its shifts in this week's rest,
its hours in the caps' periods (counted from ``rules.period_start``, work split where worked).
Assistants within their contract come first, then additional hours (mertid, hourly staff), then
overtime.
What nobody can take stays uncovered, with the reason. A group-unit shift long enough to need
an unpaid break gets the first break position (middle first) at which the others on shift keep
the unit's floor; if none does, a shorter shift is cut. Other long shifts get paid meal pauses.

Shifts are the engine's candidate shifts (same boundaries, lengths and stretches of need, see
``scheduler.solver.shifts``), so a greedy schedule can seed the engine as hints. Its penalties and
objective are the exact evaluation's (``scheduler.solver.evaluation``: the engine's registered
rules with these assignments fixed), so the two are compared term by term on one definition.
The planner's own bookkeeping (hours, rest, breaks) serves only its decisions.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
import sys
import time
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np

from scheduler.domain.budget import charge_classes
from scheduler.domain.clients import Service
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, SolveInfo
from scheduler.solver import uncovered
from scheduler.solver.candidates import candidate_shifts
from scheduler.solver.evaluation import evaluate_parts, total_penalties
from scheduler.solver.output import (
    output_candidate,
    output_shift,
    penalty_terms,
    schedule_header,
)
from scheduler.solver.parts import components
from scheduler.solver.problem import (
    DemandData,
    Problem,
    Served,
    ShiftKey,
    StaffData,
    compile_problem,
)
from scheduler.solver.rounds import VisitShifts, scattered_shifts
from scheduler.solver.rules.fairness import rate_factor
from scheduler.solver.shifts import (
    BREAK_STEP_MINUTES,
    CandidateShift,
    Plan,
    break_plans,
)

TYPICAL_SHIFT_HOURS = 8.0  # a day or evening shift when a stretch of need is too long for one


@dataclass(frozen=True)
class GreedyShift:
    """A shift the greedy planner gave to one assistant (slots on the problem's grid)."""

    staff_id: str
    owner: str  # the demand owner's key (a client id, or 'unit:…')
    client_id: str | None  # None for a group unit's shift
    unit_id: str
    start: int
    end: int  # exclusive
    minutes: int
    on_call_minutes: int
    breaks: tuple[tuple[int, int, bool], ...] = ()  # (start, end, paid)
    round: CandidateShift | None = None  # a scattered clients' shift: the candidate it is

    @property
    def key(self) -> ShiftKey:
        """``CandidateShift.key`` of the shift."""
        return self.round.key if self.round is not None else ShiftKey(
            self.owner, self.start, self.end)

    @property
    def served(self) -> Served:
        return self.round.served if self.round is not None else (
            (self.owner, self.start, self.end),)


@dataclass
class _ClientState:
    """One demand owner's progress: a client, or a group unit (``data.client`` None)."""

    data: DemandData
    count: np.ndarray  # need where a decision covers it / the unit is open (what shifts staff)
    boundary: np.ndarray  # n + 1: where a shift may start or end
    call_prefix: np.ndarray
    staffed: np.ndarray
    away: np.ndarray  # staff on an unpaid break, per slot
    reason: dict[int, str] = field(default_factory=dict)  # slot → why left uncovered
    remaining: dict[str, int] = field(default_factory=dict)  # decision → charge units left
    cuts: list[int] = field(default_factory=list)
    classes: dict[tuple[Service, bool], np.ndarray] = field(default_factory=dict)  # charge_classes
    plans: dict[tuple[int, int], list[Plan] | None] = field(default_factory=dict)  # by (t, e)
    # Per slot: where its run of jour (or of awake need) ends; precomputed, a hot loop.
    call_run_end: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def id(self) -> str:
        return self.data.key


@dataclass
class _StaffState:
    data: StaffData
    busy: list[tuple[int, int]] = field(default_factory=list)  # [start, end + daily rest)
    work_busy: list[tuple[int, int]] = field(default_factory=list)  # bare shifts
    work: list[int] = field(default_factory=list)  # per contract block, minutes
    # Per aligned limiting period (presence, work) and 4-week window (jour, work), minutes in
    # the horizon, split where worked (the caps: problem.caps).
    presence: list[int] = field(default_factory=list)
    period_work: list[int] = field(default_factory=list)
    on_call: list[int] = field(default_factory=list)
    window_work: list[int] = field(default_factory=list)
    nights: int = 0
    weekends: int = 0
    clients: set[str] = field(default_factory=set)


@dataclass
class _Limits:
    """Per contract block (``problem.limiting_periods``), in minutes (rounded as the engine
    rounds them); the hard caps are ``problem.caps``."""

    contract: list[int]
    full: list[int]


def plan_greedy(scenario: Scenario, *, rolling_weekly_rest: bool = False) -> Schedule:
    """Plan ``scenario`` by hand-style greedy rules; see the module docstring.

    ``rolling_weekly_rest``: also keep 36 h of rest in every 7-day window of the horizon, not
    only in each calendar week (safer against a stricter reading of the rule).
    """
    started = time.perf_counter()
    problem = compile_problem(scenario)
    planner = _Planner(problem, rolling_weekly_rest=rolling_weekly_rest)
    assigned = planner.run()
    # Score the schedule on the engine's candidate shifts (only its own, not all of them).
    spans = sorted({(s.owner, s.start, s.end) for s in assigned if s.round is None})
    candidates = candidate_shifts(problem, spans)
    missing = [span for span, c in zip(spans, candidates, strict=True) if c is None]
    if missing:
        raise RuntimeError(f"greedy shifts that are no candidate shift, e.g. {missing[:3]}")
    own = [c for c in candidates if c is not None]
    rounds = {s.round.key: s.round for s in assigned if s.round is not None}
    own += [dataclasses.replace(r, index=len(own) + k) for k, r in enumerate(rounds.values())]
    index = {c.key: c.index for c in own}
    pairs = {(s.staff_id, index[s.key]) for s in assigned}
    parts = components(problem, own)
    # One thread and a fixed seed: a fixed schedule solves at once, and the figures repeat.
    evaluations = evaluate_parts(problem, parts, pairs, workers=1, seed=0)
    if any(e is None for e in evaluations):
        raise RuntimeError("the greedy schedule breaks one of the engine's hard rules")
    scored = [e for e in evaluations if e is not None]
    grid = problem.grid
    shifts = [
        output_shift(grid, s.staff_id, s.client_id, s.unit_id, s.start, s.end, s.minutes,
                     s.on_call_minutes, s.breaks)
        if s.round is None else output_candidate(grid, s.staff_id, s.round, s.breaks)
        for s in sorted(assigned, key=lambda s: (s.start, s.staff_id))
    ]
    objective = sum(e.objective for e in scored)
    return Schedule(
        **schedule_header(scenario),
        created=datetime.now(UTC),
        solve=SolveInfo(
            status="greedy",
            objective=round(objective, 4),
            best_bound=None,
            gap=None,
            wall_seconds=round(time.perf_counter() - started, 3),
            time_limit_seconds=0.0,
            workers=1,
            seed=0,
            components=len(parts),
            variables=0,
            engine="greedy",
        ),
        penalties=penalty_terms(scenario, total_penalties(scored)),
        shifts=shifts,
        uncovered=uncovered.uncovered_intervals(
            problem, ((s.staff_id, s.owner, s.start, s.end, s.served) for s in assigned),
            planner.reason),
    )


def greedy_pairs(problem: Problem, shifts: list[CandidateShift],
                 rounds: Sequence[CandidateShift] = ()) -> set[tuple[str, int]]:
    """The greedy schedule as (staff, candidate index) among ``shifts``: the engine's start,
    without building or scoring a schedule. ``rounds``: shifts with visits to staff first, in
    their order (``solver.round_cut``), before the greedy's own rounds."""
    index = {s.key: s.index for s in shifts}
    return {(s.staff_id, index[s.key]) for s in _Planner(problem).run(rounds)
            if s.key in index}


class _Planner:
    def __init__(self, problem: Problem, *, rolling_weekly_rest: bool = False) -> None:
        self.problem = problem
        self.rolling_weekly_rest = rolling_weekly_rest
        self.grid = problem.grid
        self.rules = problem.scenario.rules
        slot = self.grid.slot_minutes
        self.slot = slot
        self.n = self.grid.n_slots
        self.min_len = math.ceil(self.rules.min_shift_hours * 60 / slot)
        self.max_len = int(self.rules.max_shift_hours * 60 // slot)
        self.typical_len = round(TYPICAL_SHIFT_HOURS * 60 / slot)
        self.night_min_slots = self.rules.night_shift_min_hours * 60 / slot
        self.night_prefix = np.concatenate([[0], np.cumsum(problem.night)]).tolist()
        self.rest_slots: dict[int, int] = {}  # shift minutes → slots of rest after it
        self.periods = problem.limiting_periods()
        self.period_of = np.zeros(self.n, dtype=np.int16)
        for index, (a, b, _) in enumerate(self.periods):
            self.period_of[a:b] = index
        self.weeks = problem.weeks
        # Weekly rest is looked for from the first week's start to the last one's end: before
        # the horizon only the history is busy, after it nothing is.
        self.week_span = (min(0, self.weeks[0].first), max(self.n, self.weeks[-1].end))
        self.weekly_rest = math.ceil(self.rules.weekly_rest_hours * 60 / slot)
        self.week_slots = 7 * 1440 // slot
        # Shift grid on the local clock, shared by all clients (as in solver.shifts).
        step = max(problem.scenario.shifts.start_step_minutes, slot)
        self.clock_boundary = np.zeros(self.n + 1, dtype=bool)
        for t in range(self.n):
            local = self.grid.local_time(t)
            self.clock_boundary[t] = (local.hour * 60 + local.minute) % step == 0
        step = max(BREAK_STEP_MINUTES, slot)
        self.break_grid = np.append(problem.minute_of_day % step == 0, True)
        self.clients = {key: self._client_state(d) for key, d in problem.demands.items()}
        self.staff = {sid: self._staff_state(d) for sid, d in problem.staff.items()}
        self.limits = {sid: self._limits(d) for sid, d in problem.staff.items()}
        full_time = self.rules.full_time_hours_per_week
        self.rate_factor = {
            sid: rate_factor(full_time, d.staff.contract_hours_per_week, self.grid.days,
                              d.available_days)
            for sid, d in problem.staff.items() if d.is_regular and d.available_days > 0
        }
        self.off_prefix = self._planned_days_off()
        self.splits: dict[tuple[str, int, int],
                          tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]] = {}
        self.assigned: list[GreedyShift] = []

    # --- set-up ---------------------------------------------------------------------------------

    def _planned_days_off(self) -> dict[str, np.ndarray]:
        """Two days off in a row per calendar week, staggered within each assistance group and
        moving on every week (a rotating roster): shifts there are asked of others first, so
        weekly rests are spread out instead of all falling due at the weekend."""
        starts = self.grid.day_starts()
        out: dict[str, np.ndarray] = {}
        for data in self.problem.demands.values():
            group = [sid for sid in data.eligible_staff if sid not in out]
            size = len(data.eligible_staff)
            for rank, sid in enumerate(data.eligible_staff):
                if sid not in group:
                    continue
                base = rank * 6 // size if size <= 6 else rank % 6
                off = np.zeros(self.n, dtype=bool)
                for week in self.weeks:
                    # Counted on from the period start, so the rota runs on across plans.
                    first = self.grid.start_date + timedelta(days=week.day)
                    number = (first - self.rules.period_start).days // 7
                    d = week.day + (base + 3 * number) % 6
                    lo, hi = min(max(d, 0), self.grid.days), min(max(d + 2, 0), self.grid.days)
                    off[starts[lo] : starts[hi]] = True
                out[sid] = np.concatenate([[0], np.cumsum(off)])
        return out


    def _client_state(self, data: DemandData) -> _ClientState:
        count = np.where(data.decided, data.demand.count, 0).astype(np.int16)
        on_call = data.demand.on_call
        boundary = self.clock_boundary.copy()
        boundary[1 : self.n] |= (count[1:] != count[:-1]) | (on_call[1:] != on_call[:-1])
        boundary[0] = boundary[self.n] = True
        for pin in self.problem.pins:  # shifts around a pin meet it (as in solver.shifts)
            if pin.owner == data.key:
                boundary[[t for t in (pin.start, pin.end) if 0 <= t <= self.n]] = True
        state = _ClientState(
            data=data,
            count=count,
            boundary=boundary,
            call_prefix=np.concatenate([[0], np.cumsum(on_call & (count > 0))]),
            staffed=np.zeros(self.n, dtype=np.int16),
            away=np.zeros(self.n, dtype=np.int16),
            call_run_end=_run_ends(data.demand.on_call),
        )
        for b in data.budgets:
            state.remaining[b.decision_id] = b.available_units
        state.cuts = sorted({b.first_slot for b in data.budgets}
                            | {b.end_slot for b in data.budgets})
        state.classes = charge_classes(data.demand) if data.budgets else {}
        return state

    def _staff_state(self, data: StaffData) -> _StaffState:
        caps = self.problem.caps[data.id]
        return _StaffState(
            data=data,
            # The history's shifts (slots before the horizon) count for weekly rest.
            busy=self.problem.history_busy(data.id, with_rest=True),
            work_busy=self.problem.history_busy(data.id, with_rest=False),
            work=[0] * len(self.periods),
            presence=[0] * len(caps.limiting),
            period_work=[0] * len(caps.limiting),
            on_call=[0] * len(caps.windows),
            window_work=[0] * len(caps.windows),
        )

    def _limits(self, data: StaffData) -> _Limits:
        r = self.rules
        return _Limits(
            # The hours to work per period: the contract less what absences replace.
            contract=[t.target_minutes for t in self.problem.contract_targets[data.id]],
            full=[round(r.full_time_hours_per_week * 60 * d / 7) for _, _, d in self.periods],
        )

    # --- the sweep ------------------------------------------------------------------------------

    def run(self, rounds: Sequence[CandidateShift] = ()) -> list[GreedyShift]:
        # Pinned shifts first, as they are: their time is taken and their need staffed.
        given = VisitShifts(self.problem)
        for pin in self.problem.pins:
            shift = given.shift(pin.visits, -1, (pin.start, pin.end)) if pin.visits else None
            self._assign(self.clients[pin.owner], pin.start, pin.staff, pin.end, shift)
        for shift in rounds:  # cut beforehand: staffed if someone can take them as they are
            self._take_round([shift])
        self._plan_rounds()
        # Hardest clients first at equal times (fewest eligible assistants), as planners do.
        order = {cid: (len(c.data.eligible_staff), i)
                 for i, (cid, c) in enumerate(self.clients.items())}
        heap = [(0, order[cid], cid) for cid in self.clients]
        heapq.heapify(heap)
        while heap:
            t, _, cid = heapq.heappop(heap)
            client = self.clients[cid]
            nxt = self._step(client, t)
            if nxt is not None:
                heapq.heappush(heap, (nxt, order[cid], cid))
        return self.assigned

    def _next_room(self, client: _ClientState, t: int) -> int | None:
        room = np.flatnonzero(client.count[t:] > client.staffed[t:])
        return None if room.size == 0 else t + int(room[0])

    def _step(self, client: _ClientState, t: int) -> int | None:
        """Staff (or give up) one piece of the client's need starting at or after ``t``; returns
        where to look next."""
        room = self._next_room(client, t)
        if room is None:
            return None
        t = room
        if not client.boundary[t]:  # no shift may start here: skip to the next grid point
            nb = t + 1
            while nb < self.n and not client.boundary[nb]:
                nb += 1
            self._give_up(client, t, nb, client.reason.get(t - 1, uncovered.TOO_SHORT))
            return nb
        full = np.flatnonzero(client.count[t:] <= client.staffed[t:])  # numpy: a hot loop
        room_end = t + int(full[0]) if full.size else self.n
        ends = [e for e in range(t + self.min_len, min(t + self.max_len, room_end) + 1)
                if client.boundary[e]]
        choice, reason = (self._choose(client, t, room_end, ends) if ends
                          else (None, uncovered.TOO_SHORT))
        if choice is None:
            nb = t + 1
            while nb < self.n and not client.boundary[nb]:
                nb += 1
            self._give_up(client, t, nb, reason)
            return nb if nb < self.n else None
        self._assign(client, t, *choice)
        return t

    def _give_up(self, client: _ClientState, a: int, b: int, reason: str) -> None:
        for t in range(a, b):
            if client.count[t] > client.staffed[t]:
                client.reason[t] = reason

    def _preferred_ends(self, client: _ClientState, t: int, room_end: int,
                        ends: list[int]) -> dict[int, int]:
        """Rank of each possible end: the piece of need (awake or jour) taken whole when it fits a
        shift, else cut into near-equal shifts of typical length; never leave a scrap too short
        to staff."""
        v = min(int(client.call_run_end[t]), room_end)
        piece_end = v if v - t >= self.min_len else room_end
        if 0 < room_end - piece_end < self.min_len and room_end - t <= self.max_len:
            piece_end = room_end  # take the scrap along (e.g. the horizon's last hours of jour)
        length = piece_end - t
        if length <= self.max_len:
            target = piece_end
        else:
            target = t + round(length / math.ceil(length / self.typical_len))
        ranks = {}
        for e in ends:
            rank = abs(e - target) * 2 + (0 if e >= target else 1)  # ties: the longer shift
            if e > piece_end:
                rank += 1000  # spans awake time and jour: only if nothing else fits
            elif 0 < piece_end - e < self.min_len:
                rank += 500  # leaves a scrap nobody can take
            ranks[e] = rank
        return ranks

    def _choose(self, client: _ClientState, t: int, room_end: int, ends: list[int]
                ) -> tuple[tuple[str, int], str] | tuple[None, str]:
        eligible = client.data.eligible_staff
        if not eligible:
            data = client.data
            return None, (uncovered.nobody_for_unit(data.label) if data.is_unit
                          else uncovered.NOT_ELIGIBLE)
        budget_ok = [e for e in ends if self._charge(client, t, e) is not None]
        if not budget_ok:
            used = ", ".join(b.decision_id for b in client.data.budgets
                             if b.first_slot <= t < b.end_slot
                             and client.data.demand.is_service(b.service)[t]) or "-"
            return None, uncovered.granted_hours_used_up(used)
        budget_ok = [e for e in budget_ok if self._break_choice(client, t, e) is not None]
        if not budget_ok:
            return None, uncovered.NO_BREAK_POSITION
        ranks = self._preferred_ends(client, t, room_end, budget_ok)
        any_available = False
        options = []
        # What does not depend on who works it, once per end.
        shapes = {e: self._shape(client, t, e) for e in budget_ok}
        for sid in eligible:
            available = self.staff[sid].data.available_prefix
            free = [e for e in budget_ok if available[e] - available[t] == e - t]
            if not free:
                continue
            any_available = True
            for key, e in self._keys(sid, client, t, free, shapes):
                options.append(((key[0], ranks[e], *key[1:]), sid, e))
        if not options:
            return None, uncovered.STAFF_BUSY if any_available else uncovered.NOBODY_AVAILABLE
        options.sort()
        for _, sid, e in options:  # the expensive checks only for the best ones
            if self._fits(sid, client, t, e):
                return (sid, e), ""
        return None, uncovered.STAFF_BUSY

    def _shape(self, client: _ClientState, t: int, e: int) -> tuple[int, int, int]:
        """(minutes, on-call minutes, work minutes) of the shift [t, e)."""
        minutes = (e - t) * self.slot
        on_call = int(client.call_prefix[e] - client.call_prefix[t]) * self.slot
        plans = self._plans(client, t, e)
        unpaid = (len(plans[0]) * client.data.breaks.length_slots * self.slot
                  if plans and client.data.breaks.unpaid else 0)
        work = round(minutes - unpaid - on_call * (1 - self.rules.on_call_work_fraction))
        return minutes, on_call, work

    def _plans(self, client: _ClientState, t: int, e: int) -> list[Plan] | None:
        """The shift's break plans, as the engine's candidate shift has them."""
        key = (t, e)
        if key not in client.plans:
            active = ~(client.data.demand.on_call[t:e] & (client.count[t:e] > 0))
            client.plans[key] = break_plans(active, t, client.data.breaks, self.break_grid)
        return client.plans[key]

    def _break_choice(self, client: _ClientState, t: int, e: int
                      ) -> tuple[tuple[int, int, bool], ...] | None:
        """The breaks of a new shift [t, e): paid meal pauses (the middle plan), or the first
        unpaid plan (middle first) at which those already on shift keep the unit's floor.
        None: no plan fits."""
        plans = self._plans(client, t, e)
        if plans is None:
            return None
        if not plans:
            return ()
        length = client.data.breaks.length_slots
        middle = len(plans) // 2
        if not client.data.breaks.unpaid:
            return tuple((a, a + length, True) for a in plans[middle])
        floor = client.data.break_floor
        order = sorted(range(len(plans)), key=lambda k: abs(k - middle))
        for k in order:
            if floor is None or all(
                (client.staffed[a : a + length] - client.away[a : a + length]
                 >= floor[a : a + length]).all()
                for a in plans[k]
            ):
                return tuple((a, a + length, False) for a in plans[k])
        return None

    def _rest_after(self, minutes: int) -> int:
        slots = self.rest_slots.get(minutes)
        if slots is None:
            rest = self.rules.daily_rest_hours * 60
            if minutes > self.rules.long_shift_hours * 60:
                rest = max(rest, minutes)
            slots = self.rest_slots[minutes] = math.ceil(int(rest) / self.slot)
        return slots

    def _key(self, sid: str, client: _ClientState, t: int, e: int
             ) -> tuple[float | str, ...] | None:
        """``_keys`` of the one shift [t, e)."""
        found = self._keys(sid, client, t, [e], {e: self._shape(client, t, e)})
        return found[0][0] if found else None

    def _keys(self, sid: str, client: _ClientState, t: int, ends: list[int],
              shapes: dict[int, tuple[int, int, int]]
              ) -> list[tuple[tuple[float | str, ...], int]]:
        """(sort key, end) of each shift [t, e) for ``sid`` among ``ends`` (``shapes``: their
        ``_shape``) that runs into none of ``sid``'s shifts or daily rests (the hour caps and
        weekly rest: ``_fits``, asked only of the best keys). The key: contract first, then
        additional hours, then overtime; not on a planned day off; weekly rest already had;
        fair share of nights and weekends; least loaded; an assistant the client already
        knows. What depends on the person alone is worked out once, not once per end."""
        staff, limits = self.staff[sid], self.limits[sid]
        free = self._free_until(staff, t)
        if free is None:
            return []  # still working or resting after the previous shift
        p = int(self.period_of[t])
        done, contract, full = staff.work[p], limits.contract[p], limits.full[p]
        regular = staff.data.is_regular
        factor = self.rate_factor.get(sid, 0)
        weekends = staff.weekends if self.problem.weekend[t] else 0
        off = self.off_prefix.get(sid)
        unknown = client.id not in staff.clients
        had_rest: bool | None = None
        out: list[tuple[tuple[float | str, ...], int]] = []
        for e in ends:
            minutes, _, work = shapes[e]
            if free < e + self._rest_after(minutes):
                continue  # its rest would run into the next shift
            worked = done + work
            if regular and worked <= contract:
                tier, load = 0, done / max(contract, 1)
            else:
                tier, load = (1 if worked <= full else 2), done / max(full, 1)
            fair = factor * ((staff.nights if self._is_night(t, e) else 0) + weekends)
            day_off = off is not None and bool(off[e] - off[t])
            if had_rest is None:
                had_rest = self._rested(sid, t)
            out.append(((tier, day_off, not had_rest, fair, round(load, 3), unknown, sid), e))
        return out

    @staticmethod
    def _free_until(staff: _StaffState, t: int) -> int | None:
        """Where ``staff``'s next shift starts after ``t`` (a large number: none); None while
        still working or resting after the previous one at ``t``."""
        busy = staff.busy
        i = bisect_left(busy, (t, -1))
        if i > 0 and busy[i - 1][1] > t:
            return None
        return busy[i][0] if i < len(busy) else sys.maxsize

    def _fits(self, sid: str, client: _ClientState, t: int, e: int) -> bool:
        """The rules ``_key`` leaves out: the hour caps, then weekly rest."""
        return self._within_caps(sid, client, t, e) and self._weekly_rest_ok(sid, t, e)

    def _split(self, client: _ClientState, t: int, e: int
               ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """(presence, jour, work) minutes of the shift [t, e) in each aligned limiting period
        and each 4-week window, split where worked, as the engine's caps split them."""
        key = (client.id, t, e)
        if key not in self.splits:
            plans = self._plans(client, t, e) if client.data.breaks.unpaid else None
            unpaid = plans or []
            self.splits[key] = (
                [self.problem.minutes_in(client.id, t, e, unpaid, p)
                 for p in self.problem.cap_periods],
                [self.problem.minutes_in(client.id, t, e, unpaid, p)
                 for p in self.problem.four_weeks])
        return self.splits[key]

    def _within_caps(self, sid: str, client: _ClientState, t: int, e: int) -> bool:
        """The hour caps over the aligned periods, the history's hours counted
        (``problem.caps``): presence and yearly overtime per limiting period, jour and work per
        4-week window."""
        caps, staff = self.problem.caps[sid], self.staff[sid]
        if caps.blocked:
            return False
        by_period, by_window = self._split(client, t, e)
        for k, (cap, (presence, _, _)) in enumerate(zip(caps.limiting, by_period, strict=True)):
            if presence and staff.presence[k] + presence > cap.presence:
                return False
        for k, (cap, (_, jour, work)) in enumerate(zip(caps.windows, by_window, strict=True)):
            if jour and staff.on_call[k] + jour > cap.jour:
                return False
            if work and staff.window_work[k] + work > cap.work:
                return False
        rooms = [max(0, cap.room) for cap in caps.limiting]
        before = sum(max(0, w - r) for w, r in zip(staff.period_work, rooms, strict=True))
        after = sum(max(0, w + add - r) for w, (_, _, add), r
                    in zip(staff.period_work, by_period, rooms, strict=True))
        return not (after > before and after > caps.overtime_year)

    def _is_night(self, t: int, e: int) -> bool:
        return int(self.night_prefix[e] - self.night_prefix[t]) >= self.night_min_slots

    def _gaps(self, sid: str, extra: tuple[int, int] | None = None) -> list[tuple[int, int]]:
        """Free stretches of ``sid`` from the first week's start to the last week's end
        (outside shifts, the history's included, and their daily rest where the weekly rest may
        not overlap it), optionally with one more shift [t, e) added. Time after the horizon
        is free; before it, only the history is busy."""
        staff = self.staff[sid]
        excludes = self.rules.weekly_rest_excludes_daily_rest
        intervals = list(staff.busy if excludes else staff.work_busy)
        if extra is not None:
            t, e = extra
            end = e + self._rest_after((e - t) * self.slot) if excludes else e
            intervals = sorted([*intervals, (t, end)])
        lo, hi = self.week_span
        gaps, free_from = [], lo
        for a, b in intervals:
            if a > free_from:
                gaps.append((free_from, min(a, hi)))
            free_from = max(free_from, b)
        if free_from < hi:
            gaps.append((free_from, hi))
        return gaps

    def _weekly_rest_ok(self, sid: str, t: int, e: int) -> bool:
        """36 h of weekly rest still fit in every calendar week the shift [t, e) touches (as
        the engine and the validator read the rule: partial weeks too, the history counted),
        and with ``rolling_weekly_rest`` also in every 7-day window of the horizon (a stricter
        reading), with the shift added."""
        if self.weekly_rest == 0:
            return True
        gaps = self._gaps(sid, (t, e))
        length = self.weekly_rest
        for a, b in ((w.first, w.end) for w in self.weeks):
            if a < e + self._rest_after((e - t) * self.slot) and t < b and not any(
                min(g1, b) - max(g0, a) >= length for g0, g1 in gaps
            ):
                return False
        if not self.rolling_weekly_rest:
            return True
        # Rolling windows [x, x + week): x is covered by a gap [g0, g1) when the window holds
        # 36 h of it, i.e. g0 + 36 h − week ≤ x ≤ g1 − 36 h.
        last = self.n - self.week_slots
        if last < 0:
            return True
        covered = sorted((g0 + length - self.week_slots, g1 - length)
                         for g0, g1 in gaps if g1 - g0 >= length)
        reach = 0  # every x < reach is covered
        for lo, hi in covered:
            if lo > reach:
                break
            reach = max(reach, hi + 1)
        return reach > last

    def _rested(self, sid: str, t: int) -> bool:
        """Has ``sid`` already had this calendar week's weekly rest before ``t`` (the history
        counted)? Those who have not are asked last, so rests get staggered instead of all
        falling due at the weekend."""
        week = next(((w.first, w.end) for w in self.weeks if w.first <= t < w.end), None)
        if week is None or self.weekly_rest == 0:
            return True
        a = week[0]
        staff = self.staff[sid]
        intervals = staff.busy if self.rules.weekly_rest_excludes_daily_rest else staff.work_busy
        cursor = a
        for s0, s1 in intervals:
            if s0 >= t:
                break
            if s1 <= a:
                continue
            if s0 - cursor >= self.weekly_rest:
                return True
            cursor = max(cursor, s1)
        return t - cursor >= self.weekly_rest

    def _charge(self, client: _ClientState, t: int, e: int) -> dict[str, int] | None:
        """Charge units for [t, e) per decision, or None if granted hours do not allow it. Each
        class of need (service, awake or jour) goes to the decisions paying for that service,
        at their rate; where periods overlap, the decision whose period ends first pays first."""
        charge: dict[str, int] = defaultdict(int)
        for a, b in pairwise(client.cuts):
            lo, hi = max(a, t), min(b, e)
            if lo >= hi:
                continue
            for (service, on_call), prefix in client.classes.items():
                need = int(prefix[hi] - prefix[lo]) * self.slot  # minutes
                if need == 0:
                    continue
                active = sorted((d for d in client.data.budgets if d.service is service
                                 and d.first_slot <= a and b <= d.end_slot),
                                key=lambda d: (d.end_slot, d.decision_id))
                for d in active:
                    units = d.units_per_minute(on_call)
                    left = client.remaining[d.decision_id] - charge[d.decision_id]
                    take = min(need, left // units)
                    if take > 0:
                        charge[d.decision_id] += take * units
                        need -= take
                if need > 0:
                    return None
        return dict(charge)

    def _assign(self, client: _ClientState, t: int, sid: str, e: int,
                shift: CandidateShift | None = None) -> None:
        """``sid`` works [t, e) for ``client``; ``shift``: a scattered clients' shift, which
        staffs (and charges) its visits."""
        staff = self.staff[sid]
        minutes, on_call, work = self._shape(client, t, e)
        if shift is None:
            for did, minutes_charged in (self._charge(client, t, e) or {}).items():
                client.remaining[did] -= minutes_charged
            breaks = self._break_choice(client, t, e) or ()
            client.staffed[t:e] += 1
        else:
            breaks = tuple((a, a + client.data.breaks.length_slots, True) for a in shift.pauses)
            for (owner, did), units in (self._round_charge(shift) or {}).items():
                self.clients[owner].remaining[did] -= units
            for v in shift.visits:
                self.clients[v.owner].staffed[v.start:v.end] += 1
            work = shift.work_minutes
        for a, b, paid in breaks:
            if not paid:
                client.away[a:b] += 1
        insort(staff.busy, (t, e + self._rest_after(minutes)))
        insort(staff.work_busy, (t, e))
        staff.work[int(self.period_of[t])] += work
        by_period, by_window = self._split(client, t, e)
        for k, (presence, _, period_work) in enumerate(by_period):
            staff.presence[k] += presence
            staff.period_work[k] += period_work
        for k, (jour, window_work) in enumerate((j, w) for _, j, w in by_window):
            staff.on_call[k] += jour
            staff.window_work[k] += window_work
        night, weekend = self._is_night(t, e), bool(self.problem.weekend[t])
        staff.nights += night
        staff.weekends += weekend
        staff.clients.update({v.owner for v in shift.visits} if shift else {client.id})
        self.assigned.append(GreedyShift(
            staff_id=sid, owner=client.id, client_id=client.data.client_id,
            unit_id=client.data.unit, start=t, end=e, minutes=minutes, on_call_minutes=on_call,
            breaks=breaks, round=shift,
        ))

    # --- scattered clients: rounds ---------------------------------------------------------------

    def _plan_rounds(self) -> None:
        """Scattered clients' visits first, as a coordinator plans a home-care round by hand:
        from the earliest visit nobody serves yet, the longest chain of still-open visits
        (fewest idle minutes among equals: ``solver.rounds``' chains) that someone approved for
        all of them can take, to the assistant the sweep would choose; else a shorter chain,
        down to one client's own (waiting) shift. What nobody takes is left to the sweep."""
        candidates = scattered_shifts(self.problem, 0)
        by_first: dict[tuple[str, int], list[CandidateShift]] = defaultdict(list)
        for c in candidates:
            by_first[c.visits[0].owner, c.visits[0].start].append(c)
        for options in by_first.values():
            options.sort(key=lambda c: (-len(c.visits), c.waiting_minutes + c.travel_minutes,
                                        c.start, c.end))
        firsts = sorted(by_first, key=lambda k: (k[1], k[0]))
        for owner, start in firsts:
            first = self.clients[owner]
            while first.count[start] > first.staffed[start]:
                if not self._take_round(by_first[owner, start]):
                    break

    def _open(self, shift: CandidateShift) -> bool:
        return all((self.clients[v.owner].count[v.start:v.end]
                    > self.clients[v.owner].staffed[v.start:v.end]).all() for v in shift.visits)

    def _take_round(self, options: list[CandidateShift]) -> bool:
        for shift in options:
            if not self._open(shift):
                continue
            if self._round_charge(shift) is None:
                continue
            owner = self.clients[shift.owner]
            visited = [set(self.clients[v.owner].data.eligible_staff) for v in shift.visits]
            best = None
            for sid in owner.data.eligible_staff:
                if not all(sid in e for e in visited):
                    continue
                available = self.staff[sid].data.available_prefix
                if available[shift.end] - available[shift.start] != shift.end - shift.start:
                    continue
                key = self._key(sid, owner, shift.start, shift.end)
                if (key is not None and (best is None or key < best[0])
                        and self._fits(sid, owner, shift.start, shift.end)):
                    best = (key, sid)
            if best is not None:
                self._assign(owner, shift.start, best[1], shift.end, shift)
                return True
        return False

    def _round_charge(self, shift: CandidateShift) -> dict[tuple[str, str], int] | None:
        """Charge units per (client, decision) of a shift with visits: each visit, and the
        travel before it where the decisions paying for it charge travel
        (``charges_travel``); None if that is more than the decisions have left."""
        total: dict[tuple[str, str], int] = defaultdict(int)
        for v in shift.visits:
            client = self.clients[v.owner]
            charge = self._charge(client, v.start, v.end)
            if charge is None:
                return None
            for did, units in charge.items():
                total[v.owner, did] += units
            travels = ({d.id for d in client.data.client.decisions if d.charges_travel}
                       if client.data.client is not None else set())
            payers = [d for d in client.data.budgets if d.decision_id in charge]
            if v.travel_minutes and payers and all(d.decision_id in travels for d in payers):
                d = payers[0]
                total[v.owner, d.decision_id] += v.travel_minutes * d.units_per_minute(False)
        if any(units > self.clients[owner].remaining.get(did, 0)
               for (owner, did), units in total.items()):
            return None
        return dict(total)

    # --- output ---------------------------------------------------------------------------------

    def reason(self, data: DemandData, staffed: np.ndarray, t: int) -> str:
        """Why slot ``t`` of ``data``'s need is open: why the planner gave up on it."""
        if not data.decided[t]:
            return uncovered.NO_DECISION
        return self.clients[data.key].reason.get(t, uncovered.STAFF_BUSY)


def _run_ends(values: np.ndarray) -> np.ndarray:
    """For each index, the end (exclusive) of the run of equal values holding it."""
    n = len(values)
    change = np.flatnonzero(values[1:] != values[:-1]) + 1  # starts of runs after the first
    ends = np.append(change, n)
    return ends[np.searchsorted(change, np.arange(n), side="right")]
