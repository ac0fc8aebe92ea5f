"""Every schedule the solver tests produce is re-checked by the independent validator."""

from __future__ import annotations

import pytest

from scheduler import validator
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.solver.engine import solve


@pytest.fixture
def solve_checked():

    def run(scenario: Scenario, **kwargs) -> Schedule:
        schedule = solve(scenario, **kwargs)
        assert schedule.solve.status in ("optimal", "feasible"), schedule.solve
        report = validator.check_schedule(scenario, schedule)
        assert report.ok, validator.format_report(report)
        assert not report.penalty_mismatches, report.penalty_mismatches
        assert report.uncovered_mismatch is None, report.uncovered_mismatch
        return schedule

    return run
