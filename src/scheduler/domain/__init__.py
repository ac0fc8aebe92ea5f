"""Domain model: the scenario (input contract), its time grid, demand and budgets."""

from scheduler.domain.scenario import (
    FORMAT_VERSION,
    Client,
    Decision,
    DecisionKind,
    EmploymentForm,
    Horizon,
    Need,
    NeedWindow,
    Scenario,
    Staff,
    Unit,
    UnitKind,
    WorkingTimeRules,
)
from scheduler.domain.timegrid import TimeGrid

__all__ = [
    "FORMAT_VERSION",
    "Client",
    "Decision",
    "DecisionKind",
    "EmploymentForm",
    "Horizon",
    "Need",
    "NeedWindow",
    "Scenario",
    "Staff",
    "TimeGrid",
    "Unit",
    "UnitKind",
    "WorkingTimeRules",
]
