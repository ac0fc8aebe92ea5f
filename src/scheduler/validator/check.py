"""check_schedule: run every audit on one shared context and compare the reported penalties."""

from __future__ import annotations

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.validator.context import Context
from scheduler.validator.hard import AUDITS
from scheduler.validator.penalties import PENALTY_AUDITS, uncovered_need
from scheduler.validator.report import ValidationReport
from scheduler.validator.timeline import hours_between

PENALTY_TOLERANCE = 0.02


def check_schedule(scenario: Scenario, schedule: Schedule) -> ValidationReport:
    ctx = Context(scenario, schedule)
    report = ValidationReport()
    for audit in AUDITS.values():
        report.violations.extend(audit(scenario, schedule, ctx))
    report.penalties = {
        term: audit(scenario, schedule, ctx) for term, audit in PENALTY_AUDITS.items()
    }
    for term in schedule.penalties:
        mine = report.penalties.get(term.rule)
        if mine is not None and abs(term.raw - mine) > PENALTY_TOLERANCE:
            report.penalty_mismatches.append(
                f"{term.rule}: schedule says {term.raw:.2f} {term.unit}, recomputed {mine:.2f}"
            )
    listed = sum(u.missing * hours_between(u.start, u.end) for u in schedule.uncovered)
    recomputed = uncovered_need(scenario, schedule, ctx)
    # A schedule with neither penalties nor an uncovered list (e.g. made by hand or by another
    # system) states nothing about coverage; one from a planner does, and must be right.
    states_figures = bool(schedule.penalties or schedule.uncovered)
    if states_figures and abs(listed - recomputed) > PENALTY_TOLERANCE:
        report.uncovered_mismatch = (
            f"the schedule lists {listed:.2f} uncovered person-hours, recomputed {recomputed:.2f}"
        )
    report.notes = _notes(ctx)
    return report


def _notes(ctx: Context) -> list[str]:
    """Inconsistencies that break no hard rule but suggest a wrong file or a reporting bug."""
    scenario, schedule = ctx.scenario, ctx.schedule
    notes: list[str] = []
    header = (
        ("scenario", schedule.scenario, scenario.name),
        ("horizon_start", schedule.horizon_start, scenario.horizon.start.isoformat()),
        ("horizon_days", schedule.horizon_days, scenario.horizon.days),
        ("timezone", schedule.timezone, scenario.horizon.timezone),
    )
    for label, theirs, ours in header:
        if theirs != ours:
            notes.append(f"schedule {label} is {theirs!r}, the scenario's is {ours!r}")
    for i, s in enumerate(ctx.shifts):
        elapsed, jour = ctx.elapsed_hours(i), ctx.jour_hours[i]
        if abs(s.hours - elapsed) > 0.01 or abs(s.on_call_hours - jour) > PENALTY_TOLERANCE:
            notes.append(
                f"shift {s.staff}@{s.client or s.unit} {s.start.isoformat()} reports "
                f"{s.hours:g} h "
                f"({s.on_call_hours:g} h jour), recomputed {elapsed:.2f} h ({jour:.2f} h jour)"
            )
    return notes
