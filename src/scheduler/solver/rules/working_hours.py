"""Hours per staff member over each limiting period: contract, additional hours, overtime, caps.

worked = target − unused + additional + overtime, where the target is the contract less the
hours an absence replaces (``scheduler.domain.contract``), additional hours (mertid) fill the gap
from it up to full time and overtime is beyond full time. All three are penalised, overtime most,
so the solver never reports unused and additional hours at once. Work time counts jour at its
fraction; the 48-hour average and the jour cap count presence.
"""

from __future__ import annotations

from collections.abc import Iterator

from ortools.sat.python import cp_model

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec
from scheduler.solver.rules.base import Rule
from scheduler.solver.shifts import CandidateShift

OVERTIME = PenaltySpec("overtime", "overtime", "hours", "overtime")
ADDITIONAL_HOURS = PenaltySpec("additional_hours", "additional hours (mertid)", "hours",
                               "additional_hours")
UNUSED_CONTRACT = PenaltySpec("unused_contract", "unused contract hours", "hours",
                              "unused_contract")


def _periods(ctx: ModelContext, sid: str
             ) -> Iterator[tuple[int, float, list[tuple[CandidateShift, cp_model.IntVar]]]]:
    own = ctx.by_staff.get(sid, [])
    for index, (a, b, days) in enumerate(ctx.problem.limiting_periods()):
        yield index, days, [(s, v) for s, v in own if a <= s.start < b]


def add_contract_hours(ctx: ModelContext) -> list[Penalty]:
    rules = ctx.problem.scenario.rules
    unused_terms, additional_terms, overtime_terms = [], [], []
    for sid in ctx.staff_ids:
        targets = ctx.problem.contract_targets[sid]
        for index, days, own in _periods(ctx, sid):
            # The hours to work: the contract less what absences replace (domain.contract).
            contract = targets[index].target_minutes
            full_time = round(rules.full_time_hours_per_week * 60 * days / 7)
            worked = sum(v * s.work_minutes for s, v in own)
            most = sum(s.work_minutes for s, _ in own)
            name = f"{sid}__{index}"
            unused = ctx.model.new_int_var(0, contract, f"unused__{name}")
            additional = ctx.model.new_int_var(
                0, max(0, full_time - contract), f"additional__{name}"
            )
            overtime = ctx.model.new_int_var(0, max(0, most - full_time), f"overtime__{name}")
            ctx.model.add(worked + unused - additional - overtime == contract).with_name(
                f"contract_balance__{name}"
            )
            unused_terms.append(unused)
            additional_terms.append(additional)
            overtime_terms.append(overtime)
    return [
        Penalty(OVERTIME, sum(overtime_terms), 60),
        Penalty(ADDITIONAL_HOURS, sum(additional_terms), 60),
        Penalty(UNUSED_CONTRACT, sum(unused_terms), 60),
    ]


def add_hour_caps(ctx: ModelContext) -> list[Penalty]:
    rules = ctx.problem.scenario.rules
    for sid in ctx.staff_ids:
        staff = ctx.problem.staff[sid].staff
        overtime_in_horizon = []
        for index, days, own in _periods(ctx, sid):
            if not own:
                continue
            # Overtime = work time beyond full time; capped per period and per year.
            full_time = round(rules.full_time_hours_per_week * 60 * days / 7)
            cap = round(rules.max_overtime_hours_per_4_weeks * 60 * days / 28)
            worked = sum(v * s.work_minutes for s, v in own)
            ctx.model.add(worked <= full_time + cap).with_name(f"overtime_cap__{sid}__{index}")
            most = sum(s.work_minutes for s, _ in own)
            if most > full_time:
                overtime = ctx.model.new_int_var(0, most - full_time, f"ot__{sid}__{index}")
                ctx.model.add(overtime >= worked - full_time)
                overtime_in_horizon.append(overtime)
            presence_cap = round(rules.max_average_hours_per_week * 60 * days / 7)
            ctx.model.add(sum(v * s.minutes for s, v in own) <= presence_cap).with_name(
                f"average_48h__{sid}__{index}"
            )
            on_call = [(s, v) for s, v in own if s.on_call_minutes]
            if on_call:
                cap = round(rules.max_on_call_hours_per_4_weeks * 60 * days / 28)
                ctx.model.add(sum(v * s.on_call_minutes for s, v in on_call) <= cap).with_name(
                    f"on_call_cap__{sid}__{index}"
                )
        left_this_year = rules.max_overtime_hours_per_year - staff.overtime_hours_this_year
        if overtime_in_horizon:
            ctx.model.add(sum(overtime_in_horizon) <= max(0, round(left_this_year * 60))).with_name(
                f"overtime_year__{sid}"
            )
    return []


RULES = [
    Rule(
        id="hour_caps",
        kind="hard",
        title="Overtime ≤ 48 h per 4 weeks and 200 h per year; ≤ 48 h/week on average incl. "
        "overtime and jour; jour ≤ 48 h per 4 weeks",
        source="Arbetstidslagen 10 b §; AB § 13; Bilaga J",
        add=add_hour_caps,
    ),
    Rule(
        id="contract_hours",
        kind="soft",
        title="Overtime, additional hours and unused contract hours",
        source="AB § 20–21; Arbetstidslagen 8 §; the department's goal: overtime −50 %",
        add=add_contract_hours,
        penalties=(OVERTIME, ADDITIONAL_HOURS, UNUSED_CONTRACT),
    ),
]
