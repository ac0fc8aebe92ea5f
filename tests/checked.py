"""Planners whose every schedule is re-checked by the independent validator: the one
definition the test folders' ``solve_checked`` / ``greedy_checked`` fixtures use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.solver.baseline import plan_greedy
from scheduler.solver.engine import solve
from scheduler.validator import check_schedule, format_report


def assert_valid(scenario: Scenario, schedule: Schedule) -> None:
    """No hard-rule violation, and the schedule's figures are the validator's."""
    report = check_schedule(scenario, schedule)
    assert report.ok, format_report(report)
    assert not report.penalty_mismatches, report.penalty_mismatches
    assert report.uncovered_mismatch is None, report.uncovered_mismatch


def checked_engine(default_time_limit: float | None = None) -> Callable[..., Schedule]:
    """The engine with a found schedule asserted; ``default_time_limit`` unless given."""

    def run(scenario: Scenario, **kwargs: Any) -> Schedule:
        if default_time_limit is not None:
            kwargs.setdefault("time_limit", default_time_limit)
        schedule = solve(scenario, **kwargs)
        assert schedule.solve.status in ("optimal", "feasible"), schedule.solve
        assert_valid(scenario, schedule)
        return schedule

    return run


def checked_greedy(scenario: Scenario) -> Schedule:
    schedule = plan_greedy(scenario)
    assert_valid(scenario, schedule)
    return schedule
