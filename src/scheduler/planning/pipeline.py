"""The one solve pipeline every entry point uses (CLI, API worker, comparison, benchmark):
plan (the CP-SAT engine or the greedy baseline) → KPIs → the independent check.

Keeping the chain in one place means a schedule reaches a user, a report or a benchmark table
only together with its KPIs and the validator's verdict, computed the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.planning.pins import PinError, check_pins
from scheduler.results.kpi import Kpis, compute_kpis, kpis_to_dict
from scheduler.solver.baseline import plan_greedy
from scheduler.solver.engine import ProgressCallback, solve
from scheduler.solver.pinning import PinsInfeasible
from scheduler.validator import ValidationReport, check_schedule

Planner = Literal["engine", "greedy"]
PLANNERS: tuple[Planner, ...] = ("engine", "greedy")


@dataclass(frozen=True)
class PlannedSchedule:
    """A schedule (its ``kpis`` field filled in), its KPI tables and the validator's report."""

    scenario: Scenario
    schedule: Schedule
    kpis: Kpis
    report: ValidationReport

    @property
    def complete(self) -> bool:
        """Every part of the scenario got a schedule within the time limit."""
        return self.schedule.solve.status in ("optimal", "feasible")


def plan(
    scenario: Scenario,
    *,
    planner: Planner = "engine",
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
    log: bool = False,
    stop: Callable[[], bool] | None = None,
    deterministic: bool | None = None,
) -> PlannedSchedule:
    """Plan ``scenario``, attach the KPIs and check the result independently. Unset options
    come from the scenario's solver settings; the greedy planner ignores the solver options.
    Pinned shifts are checked first: ``PinError`` names the pins no plan can keep."""
    check_pins(scenario)
    if planner == "greedy":
        schedule = plan_greedy(scenario)
    elif planner == "engine":
        try:
            schedule = solve(scenario, time_limit=time_limit, workers=workers, seed=seed,
                             progress=progress, log=log, stop=stop, deterministic=deterministic)
        except PinsInfeasible as exc:
            raise PinError(str(exc)) from None
    else:  # a typo in a caller must not silently pick a planner
        raise ValueError(f"unknown planner {planner!r}; known: {', '.join(PLANNERS)}")
    return attach_results(scenario, schedule)


def attach_results(scenario: Scenario, schedule: Schedule) -> PlannedSchedule:
    """KPIs and the independent check for a schedule made elsewhere (e.g. read from a file)."""
    kpis = compute_kpis(scenario, schedule)
    schedule = schedule.model_copy(update={"kpis": kpis_to_dict(kpis)})
    return PlannedSchedule(scenario, schedule, kpis, check_schedule(scenario, schedule))
