"""Domain model: the scenario (input contract), its time grid, demand and budgets."""

from scheduler.domain.clients import Client, Decision, DecisionKind, Need, NeedWindow, Service
from scheduler.domain.common import Horizon
from scheduler.domain.scenario import FORMAT_VERSION, Scenario
from scheduler.domain.settings import WorkingTimeRules
from scheduler.domain.staff import EmploymentForm, Staff
from scheduler.domain.timegrid import TimeGrid
from scheduler.domain.units import Unit, UnitKind

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
    "Service",
    "Staff",
    "TimeGrid",
    "Unit",
    "UnitKind",
    "WorkingTimeRules",
]
