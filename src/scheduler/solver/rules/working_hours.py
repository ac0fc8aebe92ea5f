"""Hours per staff member over each limiting period: contract, additional hours, overtime, caps.

worked = target − unused + additional + overtime, where the target is the contract less the
hours an absence replaces (``scheduler.domain.contract``), additional hours (mertid) fill the gap
from it up to full time and overtime is beyond full time. All three are penalised, overtime most,
so the solver never reports unused and additional hours at once. Work time counts jour at its
fraction; the 48-hour average and the jour cap count presence.

The balance (soft) is kept per block of ``limiting_period_weeks`` from the horizon's start, each
shift counted in the block it starts in (as the validator recomputes it). The caps (hard) hold
over the calendar periods from ``rules.period_start`` with the history's hours, each shift split
where it is worked (``scheduler.solver.periods``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ortools.sat.python import cp_model

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec
from scheduler.solver.periods import CalendarPeriod
from scheduler.solver.rules.base import Rule
from scheduler.solver.shifts import CandidateShift

OVERTIME = PenaltySpec("overtime", "overtime", "hours", "overtime")
ADDITIONAL_HOURS = PenaltySpec("additional_hours", "additional hours (mertid)", "hours",
                               "additional_hours")
UNUSED_CONTRACT = PenaltySpec("unused_contract", "unused contract hours", "hours",
                              "unused_contract")


def _minutes(terms: list[tuple[cp_model.IntVar, tuple[int, int, int]]], k: int
             ) -> cp_model.LinearExpr:
    """The shifts' ``k``-th minutes (presence, jour, work) as worked. ``weighted_sum``: the
    same constraint as sum(v * m ...), about twice as fast to build (every move builds these
    for every staff member and period)."""
    return cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [m[k] for _, m in terms])


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
            worked = cp_model.LinearExpr.weighted_sum([v for _, v in own],
                                                      [s.work_minutes for s, _ in own])
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
            ctx.beyond_contract[sid] += [additional, overtime]
            unused_terms.append(unused)
            additional_terms.append(additional)
            overtime_terms.append(overtime)
    return [
        Penalty(OVERTIME, sum(overtime_terms), 60),
        Penalty(ADDITIONAL_HOURS, sum(additional_terms), 60),
        Penalty(UNUSED_CONTRACT, sum(unused_terms), 60),
    ]


def add_hour_caps(ctx: ModelContext) -> list[Penalty]:
    """Per limiting period and 4-week window from ``rules.period_start`` (``problem.caps``:
    the history's hours already counted), with each shift's minutes split where they are
    worked: presence ≤ 48 h a week on average and overtime (work beyond full time) towards the
    yearly cap per limiting period; jour and work (4 × full time + the overtime cap) per 4-week
    window. A period reaching past the horizon holds only this plan's part yet."""
    problem = ctx.problem
    for sid in ctx.staff_ids:
        caps = problem.caps[sid]
        own = ctx.by_staff.get(sid, [])
        if caps.blocked:
            for _, v in own:  # the history alone breaks a cap: any shift would be reported
                ctx.model.add(v == 0)
            continue
        # Each shift's minutes per period it touches, in one pass over the member's shifts.
        inside: dict[CalendarPeriod, list[tuple[cp_model.IntVar, tuple[int, int, int]]]] = {
            cap.period: [] for cap in (*caps.limiting, *caps.windows)}
        for s, v in own:
            for period, minutes in problem.cap_splits(s.owner, s.start, s.end, s.break_plans):
                if period in inside:
                    inside[period].append((v, minutes))
        overtime_in_horizon = []
        for index, cap in enumerate(caps.limiting):
            terms = inside[cap.period]
            if not terms:
                continue
            if sum(p for _, (p, _, _) in terms) > cap.presence:
                ctx.model.add(_minutes(terms, 0) <= cap.presence).with_name(
                    f"average_48h__{sid}__{index}")
            # Overtime beyond the history's own: work beyond what full time leaves.
            room = max(0, cap.room)
            most = sum(w for _, (_, _, w) in terms)
            if most > room:
                overtime = ctx.model.new_int_var(0, most - room, f"ot__{sid}__{index}")
                ctx.model.add(overtime >= _minutes(terms, 2) - room)
                overtime_in_horizon.append(overtime)
        if overtime_in_horizon:
            ctx.model.add(sum(overtime_in_horizon) <= caps.overtime_year).with_name(
                f"overtime_year__{sid}")
        for index, cap in enumerate(caps.windows):
            terms = inside[cap.period]
            if sum(j for _, (_, j, _) in terms) > cap.jour:
                ctx.model.add(_minutes(terms, 1) <= cap.jour).with_name(
                    f"on_call_cap__{sid}__{index}")
            if sum(w for _, (_, _, w) in terms) > cap.work:
                ctx.model.add(_minutes(terms, 2) <= cap.work).with_name(
                    f"overtime_cap__{sid}__{index}")
    return []


RULES = [
    Rule(
        id="hour_caps",
        kind="hard",
        title="Overtime ≤ 48 h per 4 weeks and 200 h per year; ≤ 48 h/week on average incl. "
        "overtime and jour; jour ≤ 48 h per 4 weeks (periods from period_start, the history's "
        "hours counted)",
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
