"""Every schedule these tests produce (engine or greedy) passes the independent validator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.solver.baseline import plan_greedy
from scheduler.solver.engine import solve
from scheduler.validator import check_schedule, format_report


def assert_valid(scenario: Scenario, schedule: Schedule) -> None:
    report = check_schedule(scenario, schedule)
    assert report.ok, format_report(report)
    assert not report.penalty_mismatches, report.penalty_mismatches
    assert report.uncovered_mismatch is None, report.uncovered_mismatch


@pytest.fixture
def solve_checked() -> Callable[..., Schedule]:
    def run(scenario: Scenario, **kwargs: Any) -> Schedule:
        kwargs.setdefault("time_limit", 5)
        schedule = solve(scenario, **kwargs)
        assert schedule.solve.status in ("optimal", "feasible"), schedule.solve
        assert_valid(scenario, schedule)
        return schedule

    return run


@pytest.fixture
def greedy_checked() -> Callable[[Scenario], Schedule]:
    def run(scenario: Scenario) -> Schedule:
        schedule = plan_greedy(scenario)
        assert_valid(scenario, schedule)
        return schedule

    return run


@pytest.fixture(params=["engine", "greedy"])
def planned(request: pytest.FixtureRequest, solve_checked: Callable[..., Schedule],
            greedy_checked: Callable[[Scenario], Schedule]) -> Callable[[Scenario], Schedule]:
    """Plan with the engine, then again with the greedy baseline: both keep the rule."""
    return solve_checked if request.param == "engine" else greedy_checked
