"""Need left uncovered, interval by interval, and why: one wording for every planner.

``uncovered_intervals`` lists the need a set of shifts leaves open. Why a slot is open comes from
``reason_from_data`` (what the scenario's data says: no decision, nobody eligible or available,
granted hours used up) unless the planner knows better (the greedy baseline records why it gave
up on each piece); either way the reasons are the ones defined here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from scheduler.domain.schedule import Blocker, BlockerKind, UncoveredInterval
from scheduler.solver.periods import daily_rest_minutes
from scheduler.solver.problem import DemandData, Problem, Served

NO_DECISION = "no decision covers this time"
NOT_ELIGIBLE = "no approved assistant with the required competences"
NOBODY_AVAILABLE = "no approved assistant is available (absence or availability)"
TOO_SHORT = "too short for a shift (below the minimum shift length or off the shift grid)"
STAFF_BUSY = "approved assistants are working, resting or at their hour caps"
NO_BREAK_POSITION = ("no break position keeps the unit's minimum staffing, and no shorter shift "
                     "fits")
NOT_WORTH_IT = "not covered: working-time rules or cost outweigh it (see penalties)"


def granted_hours_used_up(decision_ids: str) -> str:
    return f"granted hours used up in the settlement period ({decision_ids})"


def nobody_for_unit(units: str) -> str:
    return (f"nobody may work in {units} (home unit, also_units, pooling, co-location) "
            "with the required competences")


def density_above_staff(need: int, eligible: int, units: str) -> str:
    return f"the density rules need {need} staff at once; only {eligible} may work in {units}"


def density_above_available(need: int, available: int, units: str) -> str:
    return (f"the density rules need {need} staff at once; {available} of those who may work "
            f"in {units} are available (absence or availability)")


# Why slot t of an owner's need is open, given how many staff each slot of it has.
Reason = Callable[[DemandData, np.ndarray, int], str]


def uncovered_intervals(problem: Problem, shifts: Iterable[tuple[str, str, int, int, Served]],
                        reason: Reason | None = None) -> list[UncoveredInterval]:
    """The need ``shifts`` (staff, owner, first slot, end slot, the need it staffs: itself or
    its visits; one per person) leave open:
    maximal runs of slots with the same number missing and the same reason
    (``reason_from_data`` by default), each with its ``blockers``."""
    grid = problem.grid
    why = reason or reason_from_data(problem)
    staffed: dict[str, np.ndarray] = {
        key: np.zeros(grid.n_slots, dtype=np.int16) for key in problem.demands
    }
    own: dict[str, list[Span]] = {}
    for sid, owner, start, end, served in shifts:
        for piece_owner, a, b in served:
            staffed[piece_owner][a:b] += 1
        own.setdefault(sid, []).append(Span(owner, start, end))
    explain = Explainer(problem, own)
    out = []
    for key, data in problem.demands.items():
        missing = data.demand.count - staffed[key]
        t = 0
        while t < grid.n_slots:
            if missing[t] <= 0:
                t += 1
                continue
            start = t
            text = why(data, staffed[key], t)
            while (t < grid.n_slots and missing[t] == missing[start]
                   and why(data, staffed[key], t) == text):
                t += 1
            out.append(UncoveredInterval(
                client=data.client_id, unit=data.unit,
                start=grid.local_time(start), end=grid.local_time(t),
                missing=int(missing[start]), reason=text,
                blockers=explain.blockers(data, start, t, text),
            ))
    return out


def reason_from_data(problem: Problem) -> Reason:
    """Why need is open, as far as the data tells: no decision, nobody eligible or available,
    granted hours used up; else the rules or the cost."""
    available: dict[str, np.ndarray] = {}

    def available_now(data: DemandData) -> np.ndarray:
        if data.key not in available:
            count = np.zeros(problem.grid.n_slots, dtype=np.int16)
            for sid in data.eligible_staff:
                count += problem.staff[sid].available
            available[data.key] = count
        return available[data.key]

    def reason(data: DemandData, staffed: np.ndarray, t: int) -> str:
        if data.is_unit:
            return _unit_reason(data, available_now(data), t)
        if not data.decided[t]:
            return NO_DECISION
        if not data.eligible_staff:
            return NOT_ELIGIBLE
        if not available_now(data)[t]:
            return NOBODY_AVAILABLE
        hours_per_slot = problem.slot_minutes / 60
        for budget in data.budgets:
            if budget.first_slot <= t < budget.end_slot:
                used = int(staffed[budget.first_slot:budget.end_slot].sum()) * hours_per_slot
                if used >= budget.available_hours - problem.scenario.rules.min_shift_hours:
                    return granted_hours_used_up(budget.decision_id)
        return NOT_WORTH_IT

    return reason


def _unit_reason(data: DemandData, available_now: np.ndarray, t: int) -> str:
    units = "+".join(data.units)
    if not data.eligible_staff:
        return nobody_for_unit(units)
    need = int(data.demand.count[t])
    if need > len(data.eligible_staff):
        return density_above_staff(need, len(data.eligible_staff), units)
    if available_now[t] < need:
        return density_above_available(need, int(available_now[t]), units)
    return NOT_WORTH_IT


# --- who could have taken it (issue 13: reasons a coordinator can act on) ---------------------

SETTLEMENT_PREFIX = "granted hours used up"


@dataclass(frozen=True)
class Span:
    """One shift of a staff member: [start, end) slots for ``owner`` (a demand owner's key, or
    ``None`` for a shift of the history)."""

    owner: str | None
    start: int
    end: int


class Explainer:
    """For an uncovered interval, each eligible staff member and what stopped them, checked
    in this order: absent or outside availability; already working then; daily rest to their
    previous or next shift (the history's last shift included); an hour cap; the week's
    weekly rest; the decision's settlement period; else free (with the overtime or additional
    hours it would have cost). Simple checks against the finished schedule: an explanation
    for the coordinator, not a proof."""

    def __init__(self, problem: Problem, own: dict[str, list[Span]]) -> None:
        self.problem = problem
        self.rules = problem.scenario.rules
        self.slot = problem.slot_minutes
        self.history: dict[str, list[Span]] = {
            sid: [Span(None, a, b) for a, b in problem.history_busy(sid, with_rest=False)]
            for sid in problem.staff}
        self.own = {sid: sorted(spans, key=lambda s: s.start) for sid, spans in own.items()}

    def blockers(self, data: DemandData, start: int, end: int, reason: str) -> list[Blocker]:
        out = []
        for sid in data.eligible_staff:
            kind, detail = self.check(sid, data, start, end, reason)
            out.append(Blocker(staff=sid, kind=kind, detail=detail))
        return out

    def check(self, sid: str, data: DemandData, start: int, end: int,
              reason: str) -> tuple[BlockerKind, str]:
        shifts = self.own.get(sid, [])
        rested = self.rested_after_history(sid)
        available = self.problem.staff[sid].available
        off = [t for t in range(start, end) if not available[t] and t >= rested]
        if off:
            return "absent", self.absence_text(sid, off[0])
        for s in shifts:
            if s.start < end and start < s.end:
                where = ("here" if s.owner == data.key else self.owner_text(s.owner))
                when = f"{self.clock(s.start, start)}–{self.clock(s.end, s.start)}"
                return "busy", f"working {where} {when}"
        if rested > start:
            last = max(self.history[sid], key=lambda s: s.end)
            return "resting", (f"resting until {self.clock(rested, start)} after the "
                               f"history's last shift {self.span_text(last, start)}")
        resting = self.daily_rest(data, shifts, start, end)
        if resting:
            return "resting", resting
        cap = self.hour_cap(sid, shifts, start, end)
        if cap:
            return "hour_cap", cap
        weekly = self.weekly_rest(sid, shifts, start, end)
        if weekly:
            return "weekly_rest", weekly
        if reason.startswith(SETTLEMENT_PREFIX):
            return "settlement", f"free, but {reason}"
        return "free", self.cost_text(sid, shifts, start, end)

    # --- the checks -------------------------------------------------------------------------

    def rested_after_history(self, sid: str) -> int:
        """The first slot after the daily rest that follows the history's last shift."""
        history = self.history[sid]
        if not history:
            return 0
        last = max(history, key=lambda s: s.end)
        return last.end + self.rest_slots(last.end - last.start)

    def daily_rest(self, data: DemandData, shifts: list[Span], start: int,
                   end: int) -> str | None:
        before = [s for s in shifts if s.end <= start]
        after = [s for s in shifts if s.start >= end]
        if before:
            prev = max(before, key=lambda s: s.end)
            joined = self.extends(prev, data, start, end)
            until = prev.end + self.rest_slots(prev.end - prev.start)
            if not joined and until > start:
                return (f"resting until {self.clock(until, start)} after "
                        f"{self.span_text(prev, start)}")
        if after:
            nxt = min(after, key=lambda s: s.start)
            joined = self.extends(nxt, data, start, end)
            if not joined and end + self.rest_slots(end - start) > nxt.start:
                return f"the daily rest before {self.span_text(nxt, start)} would be cut"
        return None

    def extends(self, shift: Span, data: DemandData, start: int, end: int) -> bool:
        """The interval could be worked by lengthening ``shift`` (the same owner, within the
        longest shift): no daily rest between them."""
        span = max(shift.end, end) - min(shift.start, start)
        return (shift.owner == data.key
                and span * self.slot <= self.rules.max_shift_hours * 60 + 1e-9)

    def hour_cap(self, sid: str, shifts: list[Span], start: int, end: int) -> str | None:
        caps = self.problem.caps[sid]
        hours = self.rules.max_average_hours_per_week
        for cap in caps.limiting:
            add = self.minutes(start, end, cap.period.first, cap.period.end)
            if not add:
                continue
            done = sum(self.minutes(s.start, s.end, cap.period.first, cap.period.end)
                       for s in shifts)
            if done + add > cap.presence:
                return (f"{hours:g} h a week on average over the period from "
                        f"{self.day(cap.period.first)} would be exceeded "
                        f"({_h(done)} h scheduled, {_h(max(cap.presence, 0))} h allowed, "
                        f"+{_h(add)} h)")
        for cap in caps.windows:
            add = self.minutes(start, end, cap.period.first, cap.period.end)
            if not add:
                continue
            done = sum(self.minutes(s.start, s.end, cap.period.first, cap.period.end)
                       for s in shifts)
            if done + add > cap.work:
                return (f"the work cap of the 4 weeks from {self.day(cap.period.first)} "
                        f"would be exceeded ({_h(done)} h scheduled, "
                        f"{_h(max(cap.work, 0))} h allowed, +{_h(add)} h)")
        overtime = after = 0
        for cap in caps.limiting:
            done = sum(self.minutes(s.start, s.end, cap.period.first, cap.period.end)
                       for s in shifts)
            add = self.minutes(start, end, cap.period.first, cap.period.end)
            room = max(cap.room, 0)
            overtime += max(0, done - room)
            after += max(0, done + add - room)
        if after > overtime and after > caps.overtime_year:
            return (f"the yearly overtime cap would be exceeded ({_h(caps.overtime_year)} h "
                    f"left for the horizon, {_h(after)} h with it)")
        return None

    def weekly_rest(self, sid: str, shifts: list[Span], start: int, end: int) -> str | None:
        need = self.rules.weekly_rest_hours * 60 / self.slot
        for week in self.problem.weeks:
            if not (week.first < end and start < week.end):
                continue
            busy = sorted([(s.start, s.end) for s in [*self.history[sid], *shifts]]
                          + [(start, end)])
            longest, free_from = 0, week.first
            for a, b in busy:
                if b <= week.first or a >= week.end:
                    continue
                longest = max(longest, a - free_from)
                free_from = max(free_from, b)
            longest = max(longest, week.end - free_from)
            if longest + 1e-9 < need:
                return (f"the week from {self.day(max(week.first, 0))} would have no "
                        f"{self.rules.weekly_rest_hours:g} h off in a row "
                        f"(longest {_h(longest * self.slot)} h)")
        return None

    def cost_text(self, sid: str, shifts: list[Span], start: int, end: int) -> str:
        staff = self.problem.staff[sid].staff
        if not staff.contract_hours_per_week:
            return f"free: would cost {_h((end - start) * self.slot)} h of hourly pay"
        full = self.rules.full_time_hours_per_week
        extra = unused = 0
        for (first, last, _), target in zip(self.problem.limiting_periods(),
                                            self.problem.contract_targets[sid], strict=True):
            add = self.minutes(start, end, first, last)
            done = sum(self.minutes(s.start, s.end, first, last) for s in shifts)
            over = max(0, done + add - target.target_minutes)
            extra += min(add, over)
            if add:
                unused += max(0, target.target_minutes - done)
        if not extra:
            return f"free, within the contract ({_h(unused)} h of contract unused)"
        what = "overtime" if staff.contract_hours_per_week >= full else "additional hours"
        return f"free: would cost {_h(extra)} h of {what}"

    # --- wording ----------------------------------------------------------------------------

    def rest_slots(self, length_slots: int) -> int:
        rest = daily_rest_minutes(self.rules, length_slots * self.slot)
        return math.ceil(rest / self.slot - 1e-9)

    def minutes(self, a: int, b: int, first: int, last: int) -> int:
        return max(0, min(b, last) - max(a, first)) * self.slot

    def absence_text(self, sid: str, t: int) -> str:
        moment = self.problem.grid.instant(t)
        for absence in self.problem.staff[sid].staff.absences:
            if self.problem.grid.aware(absence.start) <= moment < self.problem.grid.aware(
                    absence.end):
                why = f" ({absence.reason})" if absence.reason else ""
                return (f"absent {absence.start:%Y-%m-%d %H:%M}–{absence.end:%Y-%m-%d %H:%M}"
                        f"{why}")
        start = self.problem.replan_start
        if start is not None and t < start:
            return f"before the re-plan's start ({self.clock(start, t)}): the past is kept"
        return f"outside availability at {self.clock(t, t)}"

    def owner_text(self, owner: str | None) -> str:
        if owner is None:
            return "(history)"
        data = self.problem.demands[owner]
        if data.is_round:
            return f"on a round in {data.unit}"
        return f"with client {data.label}" if not data.is_unit else f"in unit {data.label}"

    def span_text(self, s: Span, ref: int) -> str:
        data = None if s.owner is None else self.problem.demands[s.owner]
        label = ("" if data is None else f"round {data.unit} " if data.is_round
                 else data.label + " ")
        return f"{label}{self.clock(s.start, ref)}–{self.clock(s.end, s.start)}"

    def local(self, t: int) -> datetime:
        return self.problem.grid.local_time(t)

    def clock(self, t: int, ref: int) -> str:
        """HH:MM, with the day when it is another day than slot ``ref``'s."""
        moment, other = self.local(t), self.local(ref)
        return f"{moment:%H:%M}" if moment.date() == other.date() else f"{moment:%a %d %H:%M}"

    def day(self, t: int) -> str:
        return f"{self.local(t):%Y-%m-%d}"


def _h(minutes: float) -> str:
    return f"{round(minutes / 60, 1):g}"
