"""Calendar periods and the shifts worked before the horizon, on the horizon's grid.

Plans follow each other without seams (docs/domain.md): weekly rest holds in every calendar week
that touches the horizon, the hour caps in every limiting period and 4-week window counted from
``rules.period_start``, and each of them counts the history's shifts. On the grid such a period
may begin before slot 0 (where only the history can be busy) and end after the last slot (time
the next plan inherits: free now). Work belongs to the period it is worked in, so a shift is
split at period boundaries by time.

The history's shifts are known as totals (presence, jour, unpaid breaks); one crossing a
period boundary is split pro rata, as the validator does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from scheduler.domain.scenario import Scenario
from scheduler.domain.settings import WorkingTimeRules
from scheduler.domain.timegrid import TimeGrid

EPS = 1e-6  # minutes: float noise when rounding what a cap leaves to whole minutes


@dataclass(frozen=True)
class CalendarPeriod:
    """A period of whole local days from ``rules.period_start`` (a week, a 4-week window, a
    limiting period) that touches the horizon."""

    day: int  # its first day, counted from the horizon's first day (< 0: it began before)
    days: int
    first: int  # slot of its start (< 0 before the horizon)
    end: int  # slot of its end, exclusive (> n_slots after the horizon)

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.first < end


def calendar_periods(grid: TimeGrid, days: int, anchor: date) -> list[CalendarPeriod]:
    """The periods of ``days`` days counted from ``anchor`` that touch the horizon."""
    k = (grid.start_date - anchor).days // days
    out: list[CalendarPeriod] = []
    while True:
        day0 = anchor + timedelta(days=k * days)
        offset = (day0 - grid.start_date).days
        if offset >= grid.days:
            return out
        out.append(CalendarPeriod(
            day=offset, days=days,
            first=grid.slot_floor(grid.local(day0, 0)),
            end=grid.slot_floor(grid.local(day0 + timedelta(days=days), 0)),
        ))
        k += 1


def daily_rest_minutes(rules: WorkingTimeRules, shift_minutes: float) -> float:
    """The daily rest owed after a shift: longer shifts are followed by at least their length."""
    rest = rules.daily_rest_hours * 60
    if shift_minutes > rules.long_shift_hours * 60:
        rest = max(rest, shift_minutes)
    return float(rest)


@dataclass(frozen=True)
class Worked:
    """A shift worked before the horizon, in real minutes from the horizon's start (< 0)."""

    start: float
    end: float
    on_call: float  # minutes of jour in it
    unpaid: float  # minutes of unpaid breaks in it
    present: float | None = None  # minutes at work; None: the whole span (a shift)

    @property
    def minutes(self) -> float:
        return self.end - self.start

    @property
    def presence(self) -> float:
        return self.minutes if self.present is None else self.present

    def share(self, a: float, b: float) -> float:
        """The part of the shift inside [a, b) minutes, as a share of it."""
        inside = min(self.end, b) - max(self.start, a)
        return max(0.0, inside) / self.minutes if self.minutes > 0 else 0.0


def worked_before(scenario: Scenario, grid: TimeGrid) -> dict[str, list[Worked]]:
    """Per staff id: the history's shifts on the grid's clock, by start."""
    out: dict[str, list[Worked]] = {}
    if scenario.history is None:
        return out
    for entry in scenario.history.staff:
        out[entry.staff] = sorted(
            (Worked(
                start=(grid.aware(s.start) - grid.origin).total_seconds() / 60,
                end=(grid.aware(s.end) - grid.origin).total_seconds() / 60,
                on_call=s.on_call_hours * 60,
                unpaid=s.unpaid_break_hours * 60,
            ) for s in entry.shifts),
            key=lambda w: (w.start, w.end))
    return out


def totals_before(scenario: Scenario, grid: TimeGrid) -> dict[str, list[Worked]]:
    """Per staff id: the history's totals (hours whose shifts are not listed) on the grid's
    clock; they count in the caps' periods pro rata over their span, never in rest."""
    out: dict[str, list[Worked]] = {}
    if scenario.history is None:
        return out
    for entry in scenario.history.staff:
        if entry.totals:
            out[entry.staff] = [Worked(
                start=(grid.aware(t.start) - grid.origin).total_seconds() / 60,
                end=(grid.aware(t.end) - grid.origin).total_seconds() / 60,
                on_call=t.on_call_hours * 60, unpaid=t.unpaid_break_hours * 60,
                present=t.presence_hours * 60) for t in entry.totals]
    return out


def busy_slots(worked: Sequence[Worked], rules: WorkingTimeRules, slot: int, *,
               with_rest: bool) -> list[tuple[int, int]]:
    """The history's shifts as [first, end) slots (widened to whole slots), each followed by
    its daily rest when ``with_rest``."""
    out = []
    for w in worked:
        end = w.end + (daily_rest_minutes(rules, w.minutes) if with_rest else 0.0)
        out.append((math.floor(w.start / slot + EPS), math.ceil(end / slot - EPS)))
    return out


def rested_from(worked: Sequence[Worked], rules: WorkingTimeRules, slot: int) -> int:
    """The first slot at which a shift may start after the history's last shift and its daily
    rest (≤ 0 when the rest is over before the horizon)."""
    if not worked:
        return 0
    last = max(worked, key=lambda w: w.end)
    return math.ceil((last.end + daily_rest_minutes(rules, last.minutes)) / slot - EPS)


@dataclass(frozen=True)
class PeriodCap:
    """What one period's caps leave the horizon, in whole minutes (rounded down)."""

    period: CalendarPeriod
    presence: int  # limiting period: presence left (48 h a week on average, jour in full)
    room: int  # limiting period: work left before overtime (< 0: the history is over it)
    jour: int  # 4-week window: jour left
    work: int  # 4-week window: work left (4 × full time + the overtime cap)


@dataclass(frozen=True)
class StaffCaps:
    """The hard hour caps (``hour_caps``) of one staff member over the aligned periods that
    touch the horizon, less what the history worked in them. Overtime of limiting period p is
    ``history_overtime[p] + max(0, work_p − max(room_p, 0))``; the sum is capped per year."""

    limiting: list[PeriodCap]  # presence and room used
    windows: list[PeriodCap]  # jour and work used
    overtime_year: int  # yearly overtime left for the horizon, less the history's overtime
    blocked: bool  # the history alone breaks a cap: any shift would be reported with it


def staff_caps(rules: WorkingTimeRules, overtime_this_year: float, worked: Sequence[Worked],
               limiting: Sequence[CalendarPeriod], windows: Sequence[CalendarPeriod],
               grid: TimeGrid) -> StaffCaps:
    fraction = rules.on_call_work_fraction
    slot = grid.slot_minutes

    def history(period: CalendarPeriod) -> tuple[float, float, float]:
        """(presence, jour, work) minutes of the history in the period."""
        a, b = period.first * slot, period.end * slot
        presence = jour = unpaid = 0.0
        for w in worked:
            share = w.share(a, b)
            presence += share * w.presence
            jour += share * w.on_call
            unpaid += share * w.unpaid
        return presence, jour, presence - unpaid - jour + fraction * jour

    def left(value: float) -> int:
        return math.floor(value + EPS)

    blocked = False
    limiting_caps = []
    history_overtime = 0
    for p in limiting:
        presence, _, work = history(p)
        cap = PeriodCap(
            period=p,
            presence=left(rules.max_average_hours_per_week * 60 * p.days / 7 - presence),
            room=left(rules.full_time_hours_per_week * 60 * p.days / 7 - work),
            jour=0, work=0)
        limiting_caps.append(cap)
        blocked |= cap.presence < 0
        history_overtime += max(0, -cap.room)
    window_caps = []
    for p in windows:
        _, jour, work = history(p)
        cap = PeriodCap(
            period=p, presence=0, room=0,
            jour=left(rules.max_on_call_hours_per_4_weeks * 60 - jour),
            work=left((rules.full_time_hours_per_week * 4 + rules.max_overtime_hours_per_4_weeks)
                      * 60 - work))
        window_caps.append(cap)
        blocked |= cap.jour < 0 or cap.work < 0
    year = left((rules.max_overtime_hours_per_year - overtime_this_year) * 60) - history_overtime
    return StaffCaps(limiting=limiting_caps, windows=window_caps, overtime_year=max(0, year),
                     blocked=blocked or year < 0)


def minutes_in(call_prefix: np.ndarray, start: int, end: int, unpaid_plans: Sequence[Sequence[int]],
               break_slots: int, period: CalendarPeriod, slot: int, on_call_work_fraction: float
               ) -> tuple[int, int, int]:
    """(presence, jour, work) minutes of the shift [start, end) inside ``period``. Work is
    rounded up and counts the unpaid breaks of whichever plan puts the fewest inside the period
    (so it holds for every plan); ``call_prefix``: the owner's jour slots, cumulated."""
    a, b = max(start, period.first), min(end, period.end)
    if a >= b:
        return 0, 0, 0
    presence = (b - a) * slot
    jour = int(call_prefix[b] - call_prefix[a]) * slot
    unpaid = min((sum(max(0, min(p + break_slots, b) - max(p, a)) for p in plan)
                  for plan in unpaid_plans), default=0) * slot
    work = math.ceil(presence - unpaid - jour * (1 - on_call_work_fraction) - EPS)
    return presence, jour, work
