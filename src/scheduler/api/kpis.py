"""The KPIs of a schedule as typed models for the API (``results.kpi.kpis_to_dict``'s shape).

``results.kpi`` computes them with pandas and the schedule file stores them as a plain dict;
here every column and total has a name and a type, so a generated client gets classes, not a
``dict[str, Any]``. A test checks that these fields are exactly ``results.kpi``'s columns and
totals, so a new KPI cannot go missing from the contract.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scheduler.domain.clients import DecisionKind, Service
from scheduler.domain.common import LocalDateTime
from scheduler.domain.staff import EmploymentForm


class _Kpi(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class DecisionKpi(_Kpi):
    """One decision whose settlement period meets the horizon and that pays for a need."""

    client: str
    decision: str
    kind: DecisionKind
    service: Service = Field(description="The need the decision pays for.")
    on_call_counts_as: float = Field(description="An hour of jour counts as this much.")
    granted_total_hours: float
    performed_hours: float
    reserve_hours: float
    available_without_exception_hours: float
    available_in_horizon_hours: float
    scheduled_hours: float = Field(description="Staffed person-hours it pays for (jour in full).")
    on_call_hours: float = Field(description="Of which jour.")
    travel_hours: float = Field(default=0, description="Travel to visits it pays for "
                                "(charges_travel); in charged_hours, not in scheduled_hours.")
    charged_hours: float = Field(description="Counted against the grant (jour at its rate).")
    exception_reference: str | None
    exception_hours: float
    exception_hours_used: float
    over_available_hours: float = Field(description="Beyond even the exception: a breach.")
    left_in_period_hours: float


class StaffKpi(_Kpi):
    """One staff member (scenario order, then ids the scenario does not know)."""

    staff: str
    home_unit: str | None = Field(description="None for an id the scenario does not know.")
    employment: EmploymentForm | Literal["unknown"]
    contract_hours: float
    absence_hours: float = Field(description="Contract hours replaced by absence.")
    scheduled_hours: float
    on_call_hours: float
    work_hours: float
    additional_hours: float = Field(description="Mertid: beyond contract up to full time.")
    overtime_hours: float = Field(description="Övertid: beyond full time.")
    unused_contract_hours: float
    shifts: int
    night_shifts: int
    weekend_shifts: int
    unpaid_break_hours: float
    outside_home_unit_hours: float
    visit_hours: float = Field(default=0, description="Serving scattered clients' visits.")
    travel_hours: float = Field(default=0, description="Travelling between visits' homes.")
    waiting_hours: float = Field(default=0, description="In visit shifts: neither visit, "
                                 "travel nor break.")
    rounds: int = 0


class ClientKpi(_Kpi):
    """One client: hours served, visits, and the waiting of its single-client shifts."""

    client: str
    unit: str
    scattered: bool
    served_hours: float = Field(description="Whole client shifts and visits (person-hours).")
    visits: int
    visit_hours: float
    visits_in_rounds: int
    waiting_hours: float = Field(description="In its own single-client shifts (a round's "
                                 "waiting is its unit's).")
    travel_charged_hours: float


class UnitKpi(_Kpi):
    """One unit's rounds: their spans, visits, travel and waiting."""

    unit: str
    rounds: int
    round_hours: float
    visits: int
    visit_hours: float
    travel_hours: float
    round_waiting_hours: float
    client_waiting_hours: float


class DoubleDecisionKpi(_Kpi):
    """A short-term stay that overlaps the client's assistance need (double decisions)."""

    client: str
    unit: str
    start: LocalDateTime = Field(description="The stay, local wall-clock time.")
    end: LocalDateTime
    overlap_hours: float
    person_hours: float
    staffed: bool = Field(description="Whether the assistance is staffed during the stay.")


class KpiTotals(_Kpi):
    """Totals over the schedule (hours are elapsed hours; person-hours count each staff)."""

    need_person_hours: float
    scheduled_hours: float
    on_call_hours: float
    work_hours: float
    uncovered_person_hours: float
    coverage_pct: float = Field(description="Share of the need covered, 0–100.")
    granted_total_hours: float
    available_in_horizon_hours: float
    decision_scheduled_hours: float
    decision_charged_hours: float
    scheduled_outside_decisions_hours: float = Field(
        description="Client time no decision pays for (should be 0).")
    exception_hours_used: float
    contract_hours: float
    absence_hours: float
    overtime_hours: float
    additional_hours: float
    unused_contract_hours: float
    shifts: int
    night_shifts: int
    weekend_shifts: int
    unit_shift_hours: float
    paid_hours: float
    unpaid_break_hours: float
    paid_meal_pause_hours: float
    hours_outside_home_unit: float
    double_decision_overlap_hours: float
    double_decision_staffed_hours: float
    visits: int = 0
    rounds: int = 0
    visit_hours: float = 0
    travel_hours: float = 0
    waiting_hours: float = 0
    travel_charged_hours: float = 0


class ScheduleKpis(_Kpi):
    """The key figures of a schedule, recomputed from the schedule and the scenario."""

    decisions: list[DecisionKpi]
    staff: list[StaffKpi]
    totals: KpiTotals
    double_decisions: list[DoubleDecisionKpi]
    clients: list[ClientKpi] = Field(default_factory=list)
    units: list[UnitKpi] = Field(default_factory=list)
