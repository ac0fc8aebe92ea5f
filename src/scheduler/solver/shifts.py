"""Candidate shifts: the columns the model chooses from.

A shift for a demand owner (a client or a group unit) lies inside one stretch of demand (no paid
waiting while nobody is needed), starts and ends on the local-clock shift grid or where the
demand changes, and is between the minimum and maximum shift length. Keeping the grid coarse
(120 min by default) keeps the model small; demand changes stay exact because they are always
allowed as boundaries.

Breaks: a stretch of active work (jour interrupts it) longer than the owner's ``after`` limit
needs breaks. Where they are unpaid (group units that allow them) each shift carries a few
break plans, all with the fewest breaks that keep every stretch within the limit, and the model
chooses among them so the unit keeps its staffing (``rules.breaks``); the unpaid minutes do not
count as work. Elsewhere the middle plan is recorded as paid meal pauses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.domain.schedule import Shift
from scheduler.solver.problem import (
    ROUND_PREFIX,
    BreakPolicy,
    DemandData,
    Problem,
    Served,
    ShiftKey,
    visited,
)

BREAK_STEP_MINUTES = 30  # breaks start on the half hour (or the slot, if coarser)
MAX_BREAK_PLANS = 5  # break positions offered per shift: enough to stagger, few variables

Plan = tuple[int, ...]  # start slots of one shift's breaks


@dataclass(frozen=True)
class VisitSlots:
    """One visit of a shift that serves scattered clients' need in pieces (``solver.rounds``):
    the client owner's need [start, end), after ``travel_minutes`` from the visit before, held
    ``moved`` slots later (earlier if negative) within the client's visit window."""

    owner: str
    start: int
    end: int
    travel_minutes: int = 0
    moved: int = 0

    @property
    def held(self) -> tuple[int, int]:
        """The slots the visit takes place in."""
        return self.start + self.moved, self.end + self.moved


@dataclass(frozen=True)
class CandidateShift:
    index: int
    owner: str  # the demand owner's key (problem.demands)
    client_id: str | None  # None for a group unit's shift
    unit_id: str
    start: int  # slot, inclusive
    end: int  # slot, exclusive
    minutes: int  # elapsed
    on_call_minutes: int
    work_minutes: int  # towards contract hours: active − unpaid breaks + jour × fraction
    night_minutes: int
    is_night: bool
    is_weekend: bool
    break_minutes: int = 0  # unpaid, the same in every plan
    break_plans: tuple[Plan, ...] = ()  # unpaid breaks: the model picks one plan per person
    pauses: Plan = ()  # paid meal pauses (recorded, no gap)
    # Scattered clients (``solver.rounds``): the visits served; () = the whole shift serves owner.
    visits: tuple[VisitSlots, ...] = ()
    visit_minutes: int = 0
    travel_minutes: int = 0
    waiting_minutes: int = 0

    @property
    def active_minutes(self) -> int:
        return self.minutes - self.on_call_minutes

    @property
    def served(self) -> Served:
        """(owner, first slot, end slot) of the need the shift staffs: its visits, or itself."""
        if self.visits:
            return tuple((v.owner, v.start, v.end) for v in self.visits)
        return ((self.owner, self.start, self.end),)

    @property
    def clients(self) -> set[str]:
        """The clients the shift works for, as continuity counts them: its visits' owners (a
        round's or waiting shift's), else its client; none for a group unit's shift."""
        if self.visits:
            return {v.owner for v in self.visits}
        return {self.client_id} if self.client_id is not None else set()

    @property
    def served_minutes(self) -> int:
        """Person-minutes of need one person on the shift staffs."""
        return self.visit_minutes if self.visits else self.minutes

    @property
    def key(self) -> ShiftKey:
        """What identifies the shift among the candidates (a round's span is not enough)."""
        if not self.visits:  # most shifts; asked of tens of thousands at a time
            return ShiftKey(self.owner, self.start, self.end)
        return ShiftKey(self.owner, self.start, self.end,
                        tuple([(v.owner, v.start, v.end, v.moved) for v in self.visits]))


def schedule_key(problem: Problem, shift: Shift) -> ShiftKey:
    """The ``CandidateShift.key`` a schedule's shift would have (None as owner: no owner)."""
    grid = problem.grid
    visits = tuple(visited(grid, v) for v in shift.visits)
    if shift.client is not None:
        owner: str | None = shift.client
    elif shift.visits:
        owner = ROUND_PREFIX + shift.unit
    else:
        owner = problem.unit_owner.get(shift.unit)
    return ShiftKey(owner, grid.slot_floor(shift.start), grid.slot_floor(shift.end), visits)


def break_plans(active: np.ndarray, start: int, policy: BreakPolicy, aligned: np.ndarray
                ) -> list[Plan] | None:
    """Break plans for the shift [start, start + len(active)): for every run of active work
    longer than the limit, the fewest breaks that cut it into stretches within the limit, each
    stretch at least ``policy.min_stretch_slots`` (no break just after arriving or just before
    leaving) where that fits; plans of several runs are combined. ``aligned`` marks slots
    where a break may start. [] when no break is due; None when none fits."""
    if len(active) <= policy.after_slots:
        return []
    # The same pattern of work and break grid recurs day after day (and in the greedy
    # baseline, which asks again): the plans relative to the start are cached.
    window = aligned[start : start + len(active) + 1]
    key = (active.tobytes(), window.tobytes(), policy)
    relative = _PLAN_CACHE.get(key, _MISSING)
    if relative is _MISSING:  # (get, not `in`: another thread may clear the cache meanwhile)
        if len(_PLAN_CACHE) >= _PLAN_CACHE_SIZE:
            _PLAN_CACHE.clear()
        relative = _PLAN_CACHE[key] = _relative_plans(active, policy, window)
    if relative is None:
        return None
    return [tuple([start + p for p in plan]) for plan in relative]  # (a list: faster here)


_PLAN_CACHE: dict[tuple[bytes, bytes, BreakPolicy], list[Plan] | None] = {}
_PLAN_CACHE_SIZE = 100_000
_MISSING: list[Plan] = []  # a sentinel: compared by identity


def _relative_plans(active: np.ndarray, policy: BreakPolicy, aligned: np.ndarray
                    ) -> list[Plan] | None:
    """``break_plans`` of a shift starting at slot 0 (``aligned`` from its start)."""
    start = 0
    limit, length = policy.after_slots, policy.length_slots
    per_run: list[list[Plan]] = []
    for a, b in _stretches(active):
        run = b - a
        if run <= limit:
            continue
        k = 1
        while (k + 1) * limit + k * length < run:
            k += 1
        found: list[Plan] = []
        tries = ((aligned, policy.min_stretch_slots), (aligned, 1), (np.ones_like(aligned), 1))
        for where, least in tries:
            _place(found, (), a, b, k, (least, limit), length, start, where)
            if found:
                break
        if not found:
            return None
        per_run.append(_spread(found, MAX_BREAK_PLANS))
    if not per_run:
        return []  # long, but jour cuts the work into short stretches
    plans: list[Plan] = [()]
    for options in per_run:
        plans = [p + q for p in plans for q in options]
    return _spread(plans, MAX_BREAK_PLANS)


def _place(out: list[Plan], chosen: Plan, cursor: int, end: int, k: int,
           stretch: tuple[int, int], length: int, offset: int, aligned: np.ndarray) -> None:
    """Depth-first: breaks left ``k``, work resumes at ``cursor`` (relative), run ends at end;
    every stretch of work between ``stretch`` = (least, limit) slots."""
    least, limit = stretch
    if k == 0:
        if least <= end - cursor <= limit:
            out.append(chosen)
        return
    for r in range(cursor + least, min(cursor + limit, end - length - least) + 1):
        rest = end - (r + length)
        if rest > k * limit + (k - 1) * length:
            continue  # too early: what is left cannot be cut small enough
        if aligned[offset + r]:
            _place(out, (*chosen, offset + r), r + length, end, k - 1, stretch, length, offset,
                   aligned)


def _spread(items: list[Plan], most: int) -> list[Plan]:
    """At most ``most`` items, evenly spread over the list (first and last kept)."""
    if len(items) <= most:
        return items
    picks = sorted({round(i * (len(items) - 1) / (most - 1)) for i in range(most)})
    return [items[i] for i in picks]


class OwnerShifts:
    """How one owner's candidate shifts are cut: boundaries, lengths, breaks, figures."""

    def __init__(self, problem: Problem, data: DemandData) -> None:
        grid, rules = problem.grid, problem.scenario.rules
        self.problem, self.data = problem, data
        self.slot = slot = grid.slot_minutes
        self.min_len = int(np.ceil(rules.min_shift_hours * 60 / slot))
        # Longer than max_shift_hours only for a client with an approved exception; the
        # context assigns those shifts only to the staff the exception names.
        self.max_len = int(rules.longest_shift_hours(data.client_id) * 60 // slot
                           if data.client_id is not None else rules.max_shift_hours * 60 // slot)
        step = max(problem.scenario.shifts.start_step_minutes, slot)
        self.count = count = np.where(data.decided, data.demand.count, 0)
        on_call = data.demand.on_call
        n = grid.n_slots

        # Boundaries: local clock on the shift grid, or a change of need.
        boundary = np.zeros(n + 1, dtype=bool)
        boundary[:n] = problem.minute_of_day % step == 0
        boundary[n] = True
        boundary[1:n] |= (count[1:] != count[:-1]) | (on_call[1:] != on_call[:-1])
        boundary[0] = True
        # A pinned shift's ends too, so shifts around it can meet it exactly.
        self.pinned = {(p.start, p.end) for p in problem.pins if p.owner == data.key}
        for a, b in self.pinned:
            boundary[[t for t in (a, b) if 0 <= t <= n]] = True
        self.boundary = boundary

        # Lists, not arrays: read one slot at a time for each of tens of thousands of shifts.
        self.night_prefix = np.concatenate([[0], np.cumsum(problem.night)]).tolist()
        self.call_prefix = np.concatenate([[0], np.cumsum(on_call & (count > 0))]).tolist()
        self.weekend = problem.weekend.tolist()
        self.need_prefix = np.concatenate([[0], np.cumsum(count > 0)])
        self.fraction = rules.on_call_work_fraction
        self.night_min_slots = rules.night_shift_min_hours * 60 / slot
        self.policy = data.breaks
        self.aligned = _aligned(problem)
        self.active_all = ~(on_call & (count > 0))

    def spans(self) -> list[tuple[int, int]]:
        """[start, end) of every candidate shift but those no break fits, in order."""
        out: list[tuple[int, int]] = []
        for a, b in _stretches(self.count > 0):
            for s in range(a, b):
                if not self.boundary[s]:
                    continue
                out.extend((s, e) for e in range(s + self.min_len, min(s + self.max_len, b) + 1)
                           if self.boundary[e])
        return out

    def is_span(self, s: int, e: int) -> bool:
        """Whether ``spans`` holds [s, e)."""
        return (s >= 0 and e < len(self.boundary) and self.min_len <= e - s <= self.max_len
                and bool(self.boundary[s]) and bool(self.boundary[e])
                and int(self.need_prefix[e] - self.need_prefix[s]) == e - s)

    def shift(self, s: int, e: int, index: int) -> CandidateShift | None:
        """The candidate shift [s, e); None if no break fits (it would break the 5-hour rule)."""
        slot, policy = self.slot, self.policy
        plans = break_plans(self.active_all[s:e], s, policy, self.aligned)
        if plans is None:
            return None
        on_call_minutes = (self.call_prefix[e] - self.call_prefix[s]) * slot
        minutes = (e - s) * slot
        night_slots = self.night_prefix[e] - self.night_prefix[s]
        unpaid = policy.unpaid and bool(plans)
        break_minutes = len(plans[0]) * policy.length_slots * slot if unpaid else 0
        return CandidateShift(
            index=index,
            owner=self.data.key,
            client_id=self.data.client_id,
            unit_id=self.data.unit,
            start=s,
            end=e,
            minutes=minutes,
            on_call_minutes=on_call_minutes,
            work_minutes=round(minutes - break_minutes - on_call_minutes * (1 - self.fraction)),
            night_minutes=night_slots * slot,
            is_night=night_slots >= self.night_min_slots,
            is_weekend=self.weekend[s],
            break_minutes=break_minutes,
            break_plans=tuple(plans) if unpaid else (),
            pauses=() if unpaid or not plans else plans[len(plans) // 2],
        )


def owner_shifts(problem: Problem, data: DemandData, first_index: int) -> list[CandidateShift]:
    cutter = OwnerShifts(problem, data)
    out: list[CandidateShift] = []
    for s, e in cutter.spans():
        shift = cutter.shift(s, e, first_index + len(out))
        if shift is not None:
            out.append(shift)
    return out



def _aligned(problem: Problem) -> np.ndarray:
    """Slots (and the end) on the local break grid: the half hour, or every slot if longer."""
    step = max(BREAK_STEP_MINUTES, problem.grid.slot_minutes)
    return np.append(problem.minute_of_day % step == 0, True)


def _stretches(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True as (start, end exclusive)."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def break_slots(shift: CandidateShift, plan: int | None, policy: BreakPolicy
                ) -> list[tuple[int, int, bool]]:
    """(start, end, paid) of the breaks of one person on ``shift`` taking unpaid-break plan
    ``plan`` (paid meal pauses when the shift has no unpaid plans)."""
    length = policy.length_slots
    if shift.break_plans:
        return [(p, p + length, False) for p in shift.break_plans[plan or 0]]
    return [(p, p + length, True) for p in shift.pauses]
