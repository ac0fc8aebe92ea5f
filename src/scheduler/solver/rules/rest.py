"""Nobody in two places at once, daily rest and weekly rest, as NoOverlap timelines per staff.

Daily rest: each shift occupies [start, end + rest) on the "rest" timeline, so two chosen shifts
are at least the rest apart (rest ≥ the shift itself after long shifts). After the history's
last shift the rest is kept by the staff member's availability (``solver.problem``: nobody is
available before their rest after it is over).

Weekly rest: one 36-hour interval with a free start in every calendar week that touches the
horizon (``problem.weeks``, from ``rules.week_start_day`` 00:00), the first and last partial
weeks included. The interval may lie before the horizon (free unless the history worked there:
its start's domain leaves out the history's shifts) and after it (the next plan's time, free
now: the week's interval runs to the week's end, past the last slot, and so may the daily rest
of shifts it must not overlap). It lies beside the bare work intervals (docs/domain.md's default:
the 36 h may include a daily rest), or on the rest timeline when
``weekly_rest_excludes_daily_rest`` says it may not overlap a shift's daily rest (36 + 11 h).
A week the history leaves no room in is kept free of shifts.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from scheduler.solver.context import ModelContext, Penalty
from scheduler.solver.rules.base import Rule

WORK = "work"
REST = "rest"


def rest_after_minutes(ctx: ModelContext, shift_minutes: int) -> int:
    rules = ctx.problem.scenario.rules
    rest = rules.daily_rest_hours * 60
    if shift_minutes > rules.long_shift_hours * 60:
        rest = max(rest, shift_minutes)
    return int(rest)


def add_no_overlap(ctx: ModelContext) -> list[Penalty]:
    rules = ctx.problem.scenario.rules
    if rules.daily_rest_hours > 0 and rules.weekly_rest_excludes_daily_rest:
        return []  # each shift's rest interval contains it: the rest timeline forbids overlap
    for sid in ctx.staff_ids:
        for shift, var in ctx.by_staff.get(sid, []):
            ctx.timelines[sid, WORK].append(
                ctx.model.new_optional_fixed_size_interval_var(
                    shift.start, shift.end - shift.start, var, f"work__{sid}__{shift.index}"
                )
            )
    return []


def add_daily_rest(ctx: ModelContext) -> list[Penalty]:
    slot = ctx.problem.slot_minutes
    for sid in ctx.staff_ids:
        for shift, var in ctx.by_staff.get(sid, []):
            rest = math.ceil(rest_after_minutes(ctx, shift.minutes) / slot)
            ctx.timelines[sid, REST].append(
                ctx.model.new_optional_fixed_size_interval_var(
                    shift.start, shift.end - shift.start + rest, var, f"rest__{sid}__{shift.index}"
                )
            )
    return []


def add_weekly_rest(ctx: ModelContext) -> list[Penalty]:
    problem = ctx.problem
    rules = problem.scenario.rules
    slot = problem.slot_minutes
    length = math.ceil(rules.weekly_rest_hours * 60 / slot)
    if length == 0:
        return []
    excludes = rules.weekly_rest_excludes_daily_rest
    timeline = REST if excludes else WORK
    for sid in ctx.staff_ids:
        own = [(s, v, s.end + (math.ceil(rest_after_minutes(ctx, s.minutes) / slot)
                               if excludes else 0))
               for s, v in ctx.by_staff.get(sid, [])]
        history = problem.history_busy(sid, with_rest=excludes)
        for week in problem.weeks:
            touching = [v for s, v, busy_end in own if week.overlaps(s.start, busy_end)]
            if not touching:
                continue  # no shift can touch this week: it is not this plan's to rest
            # Where the rest may lie: the week's stretches free of the history's shifts (and
            # their daily rest, when it may not overlap one). Before the history and after
            # the horizon is free time.
            starts = _free_starts(week.first, week.end, history, length)
            if not starts:
                for v in touching:  # the history leaves no rest in the week: keep out of it
                    ctx.model.add(v == 0)
                continue
            start = ctx.model.new_int_var_from_domain(
                cp_model.Domain.from_intervals(starts), f"weekly_rest_start__{sid}__{week.first}")
            ctx.timelines[sid, timeline].append(ctx.model.new_fixed_size_interval_var(
                start, length, f"weekly_rest__{sid}__{week.first}"))
    return []


def _free_starts(first: int, end: int, busy: list[tuple[int, int]], length: int
                 ) -> list[list[int]]:
    """[lo, hi] ranges of starts of a ``length``-slot rest inside [first, end) that miss
    ``busy``."""
    out, cursor = [], first
    for a, b in sorted(busy):
        if a >= end:
            break
        if a - cursor >= length:
            out.append([cursor, a - length])
        cursor = max(cursor, b)
    if end - cursor >= length:
        out.append([cursor, end - length])
    return out


def post_timelines(ctx: ModelContext) -> None:
    """One NoOverlap per timeline of each staff member."""
    for (sid, name), intervals in ctx.timelines.items():
        if len(intervals) > 1:
            ctx.model.add_no_overlap(intervals).with_name(f"{name}_no_overlap__{sid}")


RULES = [
    Rule(
        id="no_overlap",
        kind="hard",
        title="Nobody works two shifts at once",
        source="Common sense; AB",
        add=add_no_overlap,
    ),
    Rule(
        id="daily_rest",
        kind="hard",
        title="Daily rest after every shift, the last one before the horizon too (11 h; after "
        "long shifts at least the shift's length)",
        source="Arbetstidslagen 13 §; AB § 13; Bilaga J",
        add=add_daily_rest,
    ),
    Rule(
        id="weekly_rest",
        kind="hard",
        title="36 h continuous rest in every calendar week, the history's shifts counted",
        source="Arbetstidslagen 14 §; AB § 13",
        add=add_weekly_rest,
    ),
]
