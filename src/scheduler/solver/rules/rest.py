"""Nobody in two places at once, daily rest and weekly rest, as NoOverlap timelines per staff.

Daily rest: each shift occupies [start, end + rest) on the "rest" timeline, so two chosen shifts
are at least the rest apart (rest ≥ the shift itself after long shifts). Weekly rest: one
36-hour interval with a free start in each 7-day period, beside the bare work intervals (DOMAIN.md's
default: the 36 h may include a daily rest), or on the rest timeline when
``weekly_rest_excludes_daily_rest`` says it may not overlap a shift's daily rest (36 + 11 h).
"""

from __future__ import annotations

import math

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
    rules = ctx.problem.scenario.rules
    length = math.ceil(rules.weekly_rest_hours * 60 / ctx.problem.slot_minutes)
    if length == 0:
        return []
    timeline = REST if rules.weekly_rest_excludes_daily_rest else WORK
    for sid in ctx.staff_ids:
        own = ctx.by_staff.get(sid, [])
        for a, b in ctx.problem.rest_weeks():
            if not any(s.start < b and a < s.end for s, _ in own):
                continue  # no shift can touch this week: the rest is there by itself
            start = ctx.model.new_int_var(a, b - length, f"weekly_rest_start__{sid}__{a}")
            ctx.timelines[sid, timeline].append(
                ctx.model.new_fixed_size_interval_var(start, length, f"weekly_rest__{sid}__{a}")
            )
    return []


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
        title="Daily rest after every shift (11 h; after long shifts at least the shift's length)",
        source="Arbetstidslagen 13 §; AB § 13; Bilaga J",
        add=add_daily_rest,
    ),
    Rule(
        id="weekly_rest",
        kind="hard",
        title="36 h continuous rest in every 7-day period",
        source="Arbetstidslagen 14 §; AB § 13",
        add=add_weekly_rest,
    ),
]
