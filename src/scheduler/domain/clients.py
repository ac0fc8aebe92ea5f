"""Clients: their decisions (granted hours per settlement period) and their need."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from scheduler.domain.common import (
    WEEKDAYS,
    Clock,
    ClockWindow,
    DatePeriod,
    Frozen,
    Id,
    NonNegativeHours,
    TimePeriod,
    Weekday,
)
from scheduler.domain.scattered import Home


class Service(StrEnum):
    """What a need window (or need exception) is: the service a decision must grant to pay for
    it. Short-term stays are no client need: they are bookings into a group unit."""

    ASSISTANCE = "assistance"  # personal assistance (SFB or LSS), the default
    COMPANION_SERVICE = "companion_service"  # ledsagarservice
    RELIEF_SERVICE = "relief_service"  # avlösarservice
    OTHER = "other"  # a service without a kind of its own; paid only by ``other`` decisions


class DecisionKind(StrEnum):
    SFB_ASSISTANCE = "sfb_assistance"  # assistansersättning, paid by Försäkringskassan
    LSS_ASSISTANCE = "lss_assistance"  # LSS 9 § 2, paid by the municipality
    ULTIMATE_RESPONSIBILITY = "ultimate_responsibility"  # basansvar, invoiced to a provider
    SHORT_TERM_STAY = "short_term_stay"
    COMPANION_SERVICE = "companion_service"  # ledsagarservice, LSS 9 § 3
    RELIEF_SERVICE = "relief_service"  # avlösarservice i hemmet, LSS 9 § 5
    OTHER = "other"

    @property
    def service(self) -> Service | None:
        """The need this kind of decision pays for (docs/domain.md: one decision's hours never pay
        for another kind's need). None: a short-term stay, which pays for stays in a group unit
        and never for a client's need windows."""
        return PAYS_FOR[self]


PAYS_FOR: dict[DecisionKind, Service | None] = {
    DecisionKind.SFB_ASSISTANCE: Service.ASSISTANCE,
    DecisionKind.LSS_ASSISTANCE: Service.ASSISTANCE,
    DecisionKind.ULTIMATE_RESPONSIBILITY: Service.ASSISTANCE,
    DecisionKind.SHORT_TERM_STAY: None,
    DecisionKind.COMPANION_SERVICE: Service.COMPANION_SERVICE,
    DecisionKind.RELIEF_SERVICE: Service.RELIEF_SERVICE,
    DecisionKind.OTHER: Service.OTHER,
}


class ReserveRule(StrEnum):
    PRO_RATA_NEED = "pro_rata_need"  # reserve for later weeks in proportion to their need
    PRO_RATA_TIME = "pro_rata_time"  # reserve in proportion to calendar time
    NONE = "none"  # everything left in the period may be used in the horizon


class ApprovedException(Frozen):
    """More time than granted, approved by the head of department (work-environment reasons)."""

    reference: str = Field(min_length=1, description="The approval's reference (diarienummer).")
    extra_hours: NonNegativeHours = Field(description="Hours allowed beyond the granted total.")
    approved_by: str = ""


class Decision(Frozen):
    id: Id
    kind: DecisionKind = DecisionKind.SFB_ASSISTANCE
    granted_hours_per_week: NonNegativeHours
    settlement_period: DatePeriod
    hours_performed: NonNegativeHours = Field(
        default=0, description="Hours already performed in the period before the horizon starts."
    )
    reserve: ReserveRule = ReserveRule.PRO_RATA_NEED
    exception: ApprovedException | None = None
    on_call_counts_as: float = Field(
        default=1, gt=0, le=1,
        description="How much of an hour of jour (sleeping on-call duty) counts against the "
        "granted hours, as the decision states it (FK assesses jour at 0.25 of an hour, standby "
        "at 1/7). Without such a statement an hour of jour counts as an hour.",
    )
    charges_travel: bool = Field(
        default=False,
        description="Scattered clients: the decision pays for the travel to each visit too "
        "(by default it pays for the visit only).",
    )

    @property
    def granted_total_hours(self) -> float:
        return self.granted_hours_per_week * self.settlement_period.days / 7


class NeedWindow(ClockWindow):
    """A weekly recurring window of need. Where windows overlap, the largest count applies."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: Clock = Field(description="HH:MM local time.")
    end: Clock = Field(description="HH:MM; at or before start means the window ends the next day.")
    staff: int = Field(default=1, ge=1, le=10, description="Assistants needed at once.")
    on_call: bool = Field(
        default=False, description="Sleeping on-call duty (jour): counts partly as work time."
    )
    service: Service = Field(
        default=Service.ASSISTANCE,
        description="The service this need is; only a decision of a kind that pays for it "
        "covers it (assistance: sfb_assistance, lss_assistance, ultimate_responsibility; "
        "companion_service, relief_service and other: a decision of that kind). Windows of "
        "different services may not overlap.",
    )


class NeedException(TimePeriod):
    """A dated change of need: during the period the client's whole need (every service) is
    ``staff`` at once of ``service`` (0: no need, e.g. hospital)."""

    staff: int = Field(default=0, ge=0, le=10)
    on_call: bool = False
    service: Service = Field(default=Service.ASSISTANCE, description="As in a need window.")


class Need(Frozen):
    weekly: list[NeedWindow] = Field(default_factory=list)
    exceptions: list[NeedException] = Field(default_factory=list)

    def service_conflicts(self) -> list[str]:
        """Windows, or exceptions, of different services that overlap: a client receives one
        service at a time, and each hour of need must say which decision may pay for it."""
        out: list[str] = []
        week = 7 * 1440
        spans: list[tuple[int, int, int]] = []  # (start, end, window index), minutes of the week
        for i, w in enumerate(self.weekly):
            for day in w.days:
                start = WEEKDAYS.index(day) * 1440 + w.start_minute
                end = start + w.length_minutes
                spans.append((start, min(end, week), i))
                if end > week:  # Sunday night runs into Monday morning
                    spans.append((0, end - week, i))
        seen: set[tuple[int, int]] = set()
        for a0, a1, i in spans:
            for b0, b1, j in spans:
                a, b = self.weekly[i], self.weekly[j]
                if i < j and a.service != b.service and a0 < b1 and b0 < a1 and (i, j) not in seen:
                    seen.add((i, j))
                    day = WEEKDAYS[max(a0, b0) // 1440]
                    out.append(f"weekly[{i}] ({a.service.value} {a.start}–{a.end}) and "
                               f"weekly[{j}] ({b.service.value} {b.start}–{b.end}) overlap on "
                               f"{day}: windows of different services may not overlap")
        for i, first in enumerate(self.exceptions):
            for j in range(i + 1, len(self.exceptions)):
                second = self.exceptions[j]
                if (first.service != second.service and first.start < second.end
                        and second.start < first.end):
                    out.append(f"exceptions[{i}] ({first.service.value}) and exceptions[{j}] "
                               f"({second.service.value}) overlap: exceptions of different "
                               "services may not overlap")
        return out


class Client(Frozen):
    id: Id
    unit: Id
    decisions: list[Decision] = Field(min_length=1)
    need: Need
    approved_staff: list[Id] = Field(
        default_factory=list, description="Assistants the client has accepted."
    )
    required_competences: list[str] = Field(default_factory=list)
    scattered: bool = Field(
        default=False,
        description="The granted hours are visits spread over the day (hemtjänstliknande): "
        "each stretch of need is a visit, which a round may serve together with other "
        "scattered clients' visits of the unit (``rounds``), with travel between homes.",
    )
    home: Home | None = Field(
        default=None, description="Scattered clients: where visits take place, on a local "
        "plane in km (no address); travel is derived from it unless rounds.travel.times "
        "lists the pair.")
    visit_window_minutes: int = Field(
        default=0, ge=0, le=240,
        description="Scattered clients: a visit may take place up to this many minutes "
        "before or after the time its need asks for (a visit window: lunch at 12:00 ± 30), "
        "and still serves that need; 0: at the asked time. Visits for two or more staff "
        "stay at their time.")
    # Invoicing (scheduler.planning.invoicing); both optional, so older scenarios read as before.
    provider: Id | None = Field(
        default=None,
        description="The private assistance provider (anordnare) responsible for the client's "
        "assistance: hours our staff work under an ultimate_responsibility decision (basansvar) "
        "are invoiced to it at cost.invoicing.provider_rates (or default_provider_rate).",
    )
    paying_municipality: Id | None = Field(
        default=None,
        description="Another municipality that bought the client's places in our group units: "
        "the client's bookings are invoiced to it per night (or per day for a stay without a "
        "night) at cost.invoicing.place_prices.",
    )

    @model_validator(mode="after")
    def _window_for_visits(self) -> Client:
        if self.visit_window_minutes and not self.scattered:
            raise ValueError(f"visit_window_minutes ({self.visit_window_minutes}) is for "
                             "scattered clients' visits (scattered: true); this client's need "
                             "is served by whole shifts")
        return self
