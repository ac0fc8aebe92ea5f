"""The scenario: everything the engine needs to propose a schedule (the input contract).

Models are frozen and strict (``extra="forbid"``): a misspelt field is an error, not a silently
ignored setting. Cross-references (unknown ids, overlapping periods, ...) are checked in
``Scenario``'s model validator so every error names the field and the id.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from scheduler.domain.costs import CostSettings
from scheduler.domain.placement import PlacementSettings, Vacancy, vacancy_reference_errors

FORMAT_VERSION = "1"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
# Swedish personal identity numbers (personnummer / samordningsnummer): YYMMDD-NNNN, YYYYMMDDNNNN...
_PERSONAL_NUMBER_RE = re.compile(r"^(\d{2})?\d{6}[-+]?\d{4}$")


def _check_id(value: str) -> str:
    if _PERSONAL_NUMBER_RE.match(value):
        raise ValueError(
            f"{value!r} looks like a Swedish personal identity number; use a pseudonymous id"
        )
    if not _ID_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid id (letters, digits, '_', '-', '.', at most 64 characters)"
        )
    return value


Id = Annotated[str, AfterValidator(_check_id)]
NonNegativeHours = Annotated[float, Field(ge=0, le=10_000)]


def parse_clock(value: str, *, allow_24: bool) -> int:
    """'HH:MM' → minutes after midnight; '24:00' only where ``allow_24``."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time of day in HH:MM form")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
        raise ValueError(f"{value!r} is outside the day (00:00–{'24:00' if allow_24 else '23:59'})")
    return hours * 60 + minutes


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class UnitKind(StrEnum):
    ASSISTANCE_GROUP = "assistance_group"
    SHORT_TERM_STAY = "short_term_stay"  # korttidsvistelse (KTV)
    AFTER_SCHOOL = "after_school_supervision"  # korttidstillsyn
    LEISURE = "leisure"  # fritidsverksamhet: leisure activities in groups
    RESOURCE_UNIT = "resource_unit"


# Units whose demand comes from bookings and a staffing-density rule set, not from a client's need.
GROUP_KINDS = frozenset({UnitKind.SHORT_TERM_STAY, UnitKind.AFTER_SCHOOL, UnitKind.LEISURE})


class DecisionKind(StrEnum):
    SFB_ASSISTANCE = "sfb_assistance"  # assistansersättning, paid by Försäkringskassan
    LSS_ASSISTANCE = "lss_assistance"  # LSS 9 § 2, paid by the municipality
    ULTIMATE_RESPONSIBILITY = "ultimate_responsibility"  # basansvar, invoiced to a provider
    SHORT_TERM_STAY = "short_term_stay"
    OTHER = "other"


class EmploymentForm(StrEnum):
    MONTHLY = "monthly"  # månadsavlönad
    HOURLY = "hourly"  # timavlönad
    PAN = "pan"  # PAN agreement (often family caregivers)


class ReserveRule(StrEnum):
    PRO_RATA_NEED = "pro_rata_need"  # reserve for later weeks in proportion to their need
    PRO_RATA_TIME = "pro_rata_time"  # reserve in proportion to calendar time
    NONE = "none"  # everything left in the period may be used in the horizon


class Horizon(Frozen):
    start: date = Field(description="First day of the schedule (local date).")
    days: int = Field(default=28, ge=1, le=16 * 7, description="Length in days (default 4 weeks).")
    slot_minutes: Literal[5, 10, 15, 20, 30, 60] = Field(
        default=15, description="Time grid; every shift starts and ends on it."
    )
    timezone: str = Field(default="Europe/Stockholm")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def end(self) -> date:
        """First day after the horizon."""
        return self.start + timedelta(days=self.days)


class DatePeriod(Frozen):
    """Whole days from ``start`` to ``end`` inclusive."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> DatePeriod:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class TimePeriod(Frozen):
    """A local (wall-clock) period, end exclusive. Naive datetimes are in the scenario's zone."""

    start: datetime
    end: datetime
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> TimePeriod:
        if self.end <= self.start:
            raise ValueError(f"period ends ({self.end}) before or when it starts ({self.start})")
        return self


class ClockWindow(Frozen):
    """A daily window of local wall-clock time, "HH:MM" to "HH:MM" ("24:00" allowed as an end);
    an end at or before the start means the window runs into the next day."""

    start: str
    end: str

    @field_validator("start")
    @classmethod
    def _start_clock(cls, value: str) -> str:
        parse_clock(value, allow_24=False)
        return value

    @field_validator("end")
    @classmethod
    def _end_clock(cls, value: str) -> str:
        parse_clock(value, allow_24=True)
        return value

    @property
    def start_minute(self) -> int:
        return parse_clock(self.start, allow_24=False)

    @property
    def length_minutes(self) -> int:
        end = parse_clock(self.end, allow_24=True)
        start = self.start_minute
        return end - start if end > start else end + 1440 - start


class OpeningWindow(ClockWindow):
    """A weekly window in which a group unit is open. ``applies`` restricts it to school days
    (Monday–Friday, not a Swedish public holiday, not in ``school_holidays``) or to the other
    days (holidays and school holidays, for after-school supervision)."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: str = "00:00"
    end: str = Field(default="24:00", description="At or before start: ends the next day.")
    applies: Literal["always", "school_days", "holidays"] = "always"


class NightMode(ClockWindow):
    """At night a group unit needs ``staff`` (awake, or sleeping jour) while anyone is present;
    jour counts towards work time at ``rules.on_call_work_fraction``."""

    start: str = "22:00"
    end: str = "07:00"
    mode: Literal["awake", "jour"] = "jour"
    staff: int = Field(default=1, ge=1, le=10)


class DensityRules(Frozen):
    """Staffing density (bemanningstäthet) of a group unit, per time slot while open:
    max(minimum, ⌈present clients not 1:1 / clients_per_staff⌉ + one_to_one_staff × 1:1 clients);
    at night (``night``) the night staffing instead."""

    clients_per_staff: float = Field(
        default=3, gt=0, le=50, description="One staff per this many present clients (not 1:1)."
    )
    one_to_one_staff: int = Field(
        default=1, ge=1, le=3, description="Staff per present client booked 1:1 (on top)."
    )
    min_staff: int = Field(
        default=1, ge=0, le=20, description="At least this many while open and someone is present."
    )
    min_staff_when_empty: int = Field(
        default=0, ge=0, le=20, description="While open and nobody is booked."
    )
    night: NightMode | None = Field(default=None, description="None: day rules all night.")


class BreakRules(Frozen):
    """Breaks (rast): nobody works more than ``after_hours`` in a row without one. Where the unit
    allows it the break is unpaid time away from work, staggered so the unit keeps ``min_staff``
    and every 1:1 client's own staff (or all its demand, if lower); elsewhere (personal
    assistance) a paid meal pause on duty is recorded instead."""

    allowed: bool | None = Field(
        default=None,
        description="Unpaid breaks away from work; none given: yes in short-term stays and "
        "leisure activities, no elsewhere (paid meal pauses).",
    )
    after_hours: float = Field(default=5, gt=0, le=24)
    length_minutes: int = Field(default=30, ge=5, le=240)
    min_staff: int | None = Field(
        default=None, ge=0, le=20,
        description="Staff who stay while others take breaks (or all there are, if the demand "
        "is lower); none given: the density's min_staff.",
    )

    @model_validator(mode="after")
    def _shorter_than_work(self) -> BreakRules:
        if self.length_minutes >= self.after_hours * 60:
            raise ValueError(
                f"length_minutes: a {self.length_minutes}-minute break is not shorter than the "
                f"{self.after_hours:g} h of work after which it is due"
            )
        return self


class Unit(Frozen):
    id: Id
    name: str = ""
    kind: UnitKind = UnitKind.ASSISTANCE_GROUP
    opening_hours: list[OpeningWindow] = Field(
        default_factory=list, description="Group units: none given means open around the clock."
    )
    density: DensityRules = DensityRules()
    breaks: BreakRules = BreakRules()
    required_competences: list[str] = Field(
        default_factory=list, description="Competences every staff member working here needs."
    )

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS

    @property
    def unpaid_breaks(self) -> bool:
        if self.breaks.allowed is not None:
            return self.breaks.allowed
        return self.kind in (UnitKind.SHORT_TERM_STAY, UnitKind.LEISURE)

    @property
    def break_min_staff(self) -> int:
        if self.breaks.min_staff is not None:
            return self.breaks.min_staff
        return self.density.min_staff


class Booking(Frozen):
    """A client booked into a group unit (a short-term stay, supervision, an activity).
    Naive datetimes are local wall-clock time; end exclusive."""

    client: Id
    unit: Id
    start: datetime
    end: datetime
    one_to_one: bool = Field(default=False, description="The client needs a staff member 1:1.")
    assistance_needed: bool = Field(
        default=False,
        description="The client's personal assistance is staffed during the stay too; by "
        "default it is not (a double decision is not staffed twice).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Booking:
        if self.end <= self.start:
            raise ValueError(f"booking ends ({self.end}) before or when it starts ({self.start})")
        return self


class Pool(Frozen):
    """Units whose staff are shared: staff of any of them may work in all of them."""

    units: list[Id] = Field(min_length=2)
    clients_accept_pool: bool = Field(
        default=False,
        description="Clients of these units accept every assistant of the pool (their required "
        "competences still apply); otherwise only their approved assistants serve them.",
    )


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

    @property
    def granted_total_hours(self) -> float:
        return self.granted_hours_per_week * self.settlement_period.days / 7


class NeedWindow(ClockWindow):
    """A weekly recurring window of need. Where windows overlap, the largest count applies."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: str = Field(description="HH:MM local time.")
    end: str = Field(description="HH:MM; at or before start means the window ends the next day.")
    staff: int = Field(default=1, ge=1, le=10, description="Assistants needed at once.")
    on_call: bool = Field(
        default=False, description="Sleeping on-call duty (jour): counts partly as work time."
    )


class NeedException(TimePeriod):
    """A dated change of need: ``staff`` at once during the period (0: no need, e.g. hospital)."""

    staff: int = Field(default=0, ge=0, le=10)
    on_call: bool = False


class Need(Frozen):
    weekly: list[NeedWindow] = Field(default_factory=list)
    exceptions: list[NeedException] = Field(default_factory=list)


class Client(Frozen):
    id: Id
    unit: Id
    decisions: list[Decision] = Field(min_length=1)
    need: Need
    approved_staff: list[Id] = Field(
        default_factory=list, description="Assistants the client has accepted."
    )
    required_competences: list[str] = Field(default_factory=list)


class AvailabilityWindow(ClockWindow):
    """A weekly window in which a staff member can be scheduled."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: str = "00:00"
    end: str = "24:00"


class Staff(Frozen):
    id: Id
    home_unit: Id
    contract_hours_per_week: NonNegativeHours = Field(
        description="Contracted hours per week (employment degree × full time); 0 for hourly."
    )
    employment: EmploymentForm = EmploymentForm.MONTHLY
    competences: list[str] = Field(default_factory=list)
    also_units: list[Id] = Field(default_factory=list, description="Other units they may work in.")
    availability: list[AvailabilityWindow] | None = Field(
        default=None, description="Weekly windows they can work in; none given means any time."
    )
    absences: list[TimePeriod] = Field(default_factory=list)
    overtime_hours_this_year: NonNegativeHours = Field(
        default=0, description="Overtime already worked this calendar year (towards the 200 h cap)."
    )
    # The overstaffing team (övertalighetsteamet): to be placed in vacancies (``scheduler place``).
    overstaffing_team: bool = Field(
        default=False, description="Member of the overstaffing team, to be placed in a vacancy."
    )
    preferred_units: list[Id] = Field(
        default_factory=list, description="Units they would like to work in, first choice first."
    )
    home_area: str | None = Field(
        default=None, description="Where they live (matched to a vacancy's area)."
    )
    # Cost comparisons (scheduler.costing): the wage is looked up own → role → employment form.
    hourly_wage: float | None = Field(
        default=None, gt=0, le=10_000, description="Own hourly wage (kr/h); overrides the role's."
    )
    role: str | None = Field(default=None, description="Wage group in cost.wages.roles.")
    family_caregiver: bool = Field(
        default=False, description="PAN family caregiver (anhörigvårdare): no OB, no jour pay."
    )


class WorkingTimeRules(Frozen):
    """AB with Bilaga J, PAN and Arbetstidslagen; defaults from DOMAIN.md."""

    min_shift_hours: float = Field(default=3, gt=0, le=24)
    max_shift_hours: float = Field(default=13, gt=0, le=24, description="Work + jour.")
    long_shift_hours: float = Field(
        default=13, gt=0, le=24,
        description="Shifts longer than this are followed by rest at least as long as the shift.",
    )
    daily_rest_hours: float = Field(default=11, ge=0, le=24)
    weekly_rest_hours: float = Field(default=36, ge=0, le=72)
    weekly_rest_excludes_daily_rest: bool = Field(
        default=True, description="The weekly rest may not overlap a shift's daily rest."
    )
    full_time_hours_per_week: float = Field(default=40, gt=0, le=60)
    limiting_period_weeks: int = Field(default=4, ge=1, le=16)
    max_average_hours_per_week: float = Field(
        default=48, gt=0, le=80, description="Work incl. overtime and jour, on average."
    )
    max_overtime_hours_per_4_weeks: float = Field(default=48, ge=0)
    max_overtime_hours_per_year: float = Field(default=200, ge=0)
    max_on_call_hours_per_4_weeks: float = Field(default=48, ge=0)
    on_call_work_fraction: float = Field(
        default=0.5, ge=0, le=1, description="Share of jour counted as work time (Bilaga J)."
    )
    night_start: str = "22:00"
    night_end: str = "06:00"
    night_shift_min_hours: float = Field(
        default=3, gt=0, description="A shift with at least this much night time is a night shift."
    )

    @model_validator(mode="after")
    def _consistent(self) -> WorkingTimeRules:
        if self.min_shift_hours > self.max_shift_hours:
            raise ValueError("min_shift_hours is larger than max_shift_hours")
        parse_clock(self.night_start, allow_24=False)
        parse_clock(self.night_end, allow_24=True)
        return self


class ShiftGeneration(Frozen):
    """Which shifts the engine may propose: starts and lengths on a coarse grid keep it fast."""

    start_step_minutes: int = Field(
        default=120, ge=5, le=720,
        description="Shifts start and end on this local-clock grid or where the need changes.",
    )


class Weights(Frozen):
    """Weight per unit of each soft rule's raw penalty (per hour unless said otherwise)."""

    uncovered: int = Field(default=100, ge=0, description="Per person-hour of need not covered.")
    overtime: int = Field(default=30, ge=0, description="Per hour beyond full time.")
    additional_hours: int = Field(
        default=10, ge=0, description="Per hour beyond contract (mertid)."
    )
    unused_contract: int = Field(default=4, ge=0, description="Per contracted hour not scheduled.")
    fairness: int = Field(default=5, ge=0, description="Per night/weekend shift off a fair share.")
    continuity: int = Field(default=8, ge=0, description="Per assistant working for a client.")


class SolverSettings(Frozen):
    time_limit_seconds: float = Field(default=30, gt=0, le=24 * 3600)
    workers: int = Field(default=2, ge=1, le=64)
    seed: int = Field(default=0, ge=0)
    full_model_max_assignments: int = Field(
        default=3_000, ge=0,
        description="Parts with more possible assignments are improved by large-neighbourhood "
        "search from the greedy schedule instead of one CP-SAT model (no proven bound).",
    )
    lp_bound_share: float = Field(
        default=0.0, ge=0, le=1,
        description="Share of the time limit spent, before the search, on a lower bound from "
        "each part's linear relaxation (largest parts first; a part whose relaxation does not "
        "fit in what is left keeps the data-only bound). 0 (the default) turns it off: on "
        "month-long instances it costs seconds per part and, at 60 s, more in search than it "
        "gains in bound. The search gets whatever this leaves unused.",
    )


class Scenario(Frozen):
    """A complete scheduling problem: who needs what, who can work, and under which rules."""

    format_version: Literal["1"] = FORMAT_VERSION
    name: str = Field(min_length=1)
    description: str = ""
    horizon: Horizon
    units: list[Unit] = Field(min_length=1)
    clients: list[Client] = Field(default_factory=list)
    staff: list[Staff] = Field(default_factory=list)
    rules: WorkingTimeRules = WorkingTimeRules()
    shifts: ShiftGeneration = ShiftGeneration()
    weights: Weights = Weights()
    solver: SolverSettings = SolverSettings()
    bookings: list[Booking] = Field(default_factory=list, description="Group-unit bookings.")
    school_holidays: list[DatePeriod] = Field(
        default_factory=list, description="School holidays (after-school supervision hours)."
    )
    pooling: list[Pool] = Field(default_factory=list, description="Units sharing staff.")
    co_location: list[list[Id]] = Field(
        default_factory=list,
        description="Group units sharing staff and premises: their demand is computed jointly "
        "and their shifts are recorded on the first unit listed.",
    )
    vacancies: list[Vacancy] = Field(default_factory=list, description="Open positions.")
    placement: PlacementSettings = PlacementSettings()
    cost: CostSettings = CostSettings()

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        errors: list[str] = []
        unit_ids = _unique(self.units, "units", errors)
        staff_ids = _unique(self.staff, "staff", errors)
        client_ids = _unique(self.clients, "clients", errors)
        del client_ids
        decision_owner: dict[str, str] = {}
        for c in self.clients:
            where = f"clients[{c.id}]"
            if c.unit not in unit_ids:
                errors.append(f"{where}.unit: unknown unit {c.unit!r}")
            for sid in c.approved_staff:
                if sid not in staff_ids:
                    errors.append(f"{where}.approved_staff: unknown staff {sid!r}")
            if len(set(c.approved_staff)) != len(c.approved_staff):
                errors.append(f"{where}.approved_staff: a staff id is listed twice")
            for d in c.decisions:
                if d.id in decision_owner:
                    errors.append(
                        f"{where}.decisions[{d.id}]: id already used by client "
                        f"{decision_owner[d.id]!r}"
                    )
                decision_owner[d.id] = c.id
                if d.exception is not None and d.exception.extra_hours <= 0:
                    errors.append(f"{where}.decisions[{d.id}].exception.extra_hours must be > 0")
                if d.hours_performed > d.granted_total_hours + (
                    d.exception.extra_hours if d.exception else 0
                ) + 1e-6:
                    errors.append(
                        f"{where}.decisions[{d.id}].hours_performed: {d.hours_performed} h is more "
                        f"than the period grants ({d.granted_total_hours:.2f} h)"
                    )
                if d.settlement_period.start > self.horizon.start and d.hours_performed > 0:
                    errors.append(
                        f"{where}.decisions[{d.id}].hours_performed: the period starts after the "
                        "horizon does, so nothing can have been performed in it yet"
                    )
            by_kind: dict[DecisionKind, list[Decision]] = {}
            for d in c.decisions:
                by_kind.setdefault(d.kind, []).append(d)
            for kind, ds in by_kind.items():
                ds = sorted(ds, key=lambda d: d.settlement_period.start)
                for a, b in itertools.pairwise(ds):
                    if b.settlement_period.start <= a.settlement_period.end:
                        errors.append(
                            f"{where}.decisions: settlement periods of {a.id!r} and {b.id!r} "
                            f"({kind.value}) overlap"
                        )
        for s in self.staff:
            where = f"staff[{s.id}]"
            if s.home_unit not in unit_ids:
                errors.append(f"{where}.home_unit: unknown unit {s.home_unit!r}")
            for u in s.also_units:
                if u not in unit_ids:
                    errors.append(f"{where}.also_units: unknown unit {u!r}")
            for u in s.preferred_units:
                if u not in unit_ids:
                    errors.append(f"{where}.preferred_units: unknown unit {u!r}")
            periods = sorted(s.absences, key=lambda p: p.start)
            for a, b in itertools.pairwise(periods):
                if b.start < a.end:
                    errors.append(
                        f"{where}.absences: {a.start:%Y-%m-%d %H:%M}–{a.end:%Y-%m-%d %H:%M} and "
                        f"{b.start:%Y-%m-%d %H:%M}–{b.end:%Y-%m-%d %H:%M} overlap"
                    )
        errors += vacancy_reference_errors(
            self.vacancies, unit_ids, {c.id: c.unit for c in self.clients}
        )
        errors += self._group_errors(unit_ids)
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def _group_errors(self, unit_ids: set[str]) -> list[str]:
        """Group units, bookings, pooling and co-location: every error names field and id."""
        from scheduler.domain.opening import closed_parts  # needs this module's classes

        errors: list[str] = []
        units = {u.id: u for u in self.units}
        clients = {c.id for c in self.clients}
        slot = self.horizon.slot_minutes
        for u in self.units:
            where = f"units[{u.id}]"
            if u.breaks.length_minutes % slot:
                errors.append(
                    f"{where}.breaks.length_minutes: {u.breaks.length_minutes} is not a multiple "
                    f"of the {slot}-minute slot"
                )
            if u.breaks.length_minutes >= self.rules.min_shift_hours * 60:
                errors.append(
                    f"{where}.breaks.length_minutes: a {u.breaks.length_minutes}-minute break is "
                    f"not shorter than the shortest shift ({self.rules.min_shift_hours:g} h)"
                )
            if u.opening_hours and not u.is_group:
                errors.append(f"{where}.opening_hours: only group units (short-term stay, "
                              "after-school supervision, leisure) have opening hours")
            # Demand changes on the slot grid only, so every checker sees the same slots.
            clocks = [(f"opening_hours[{k}].{edge}", getattr(w, edge))
                      for k, w in enumerate(u.opening_hours) for edge in ("start", "end")]
            if u.density.night is not None:
                clocks += [("density.night.start", u.density.night.start),
                           ("density.night.end", u.density.night.end)]
            for label, value in clocks:
                if parse_clock(value, allow_24=True) % slot:
                    errors.append(f"{where}.{label}: {value} is off the {slot}-minute slot grid")
        for i, b in enumerate(self.bookings):
            where = f"bookings[{i}] ({b.client} in {b.unit})"
            if b.client not in clients:
                errors.append(f"{where}.client: unknown client {b.client!r}")
            unit = units.get(b.unit)
            if unit is None:
                errors.append(f"{where}.unit: unknown unit {b.unit!r}")
                continue
            if not unit.is_group:
                errors.append(
                    f"{where}.unit: {b.unit!r} is of kind {unit.kind.value}; bookings are for "
                    "short-term stays, after-school supervision and leisure activities"
                )
                continue
            for label, value in (("start", b.start), ("end", b.end)):
                if (value.hour * 60 + value.minute) % slot or value.second or value.microsecond:
                    errors.append(f"{where}.{label}: {value:%H:%M:%S} is off the {slot}-minute "
                                  "slot grid")
            if not (self.horizon.start.year - 5 <= b.start.year
                    and b.end.year <= self.horizon.end.year + 5):
                errors.append(f"{where}: {b.start:%Y-%m-%d}–{b.end:%Y-%m-%d} is more than five "
                              "years from the horizon")
                continue
            closed = closed_parts(unit.opening_hours, self.school_holidays, b.start, b.end)
            if closed:
                a, z = closed[0]
                errors.append(
                    f"{where}: {b.start:%Y-%m-%d %H:%M}–{b.end:%Y-%m-%d %H:%M} is outside the "
                    f"unit's opening hours (closed {a:%Y-%m-%d %H:%M}–{z:%Y-%m-%d %H:%M})"
                )
        by_client: dict[str, list[tuple[int, Booking]]] = {}
        for i, b in enumerate(self.bookings):
            by_client.setdefault(b.client, []).append((i, b))
        for cid, own in by_client.items():
            own.sort(key=lambda ib: ib[1].start)
            for (i, a), (j, b) in itertools.pairwise(own):
                if b.start < a.end:
                    errors.append(f"bookings[{i}] and bookings[{j}]: client {cid!r} is booked "
                                  f"twice at once ({b.start:%Y-%m-%d %H:%M})")
        pooled: set[str] = set()
        for i, pool in enumerate(self.pooling):
            for uid in pool.units:
                if uid not in unit_ids:
                    errors.append(f"pooling[{i}].units: unknown unit {uid!r}")
            if len(set(pool.units)) != len(pool.units):
                errors.append(f"pooling[{i}].units: a unit is listed twice")
            for uid in set(pool.units) & pooled:
                errors.append(f"pooling[{i}].units: unit {uid!r} is already in another pool")
            pooled |= set(pool.units)
        located: set[str] = set()
        for i, group in enumerate(self.co_location):
            if len(set(group)) < 2:
                errors.append(f"co_location[{i}]: name at least two different units")
            for uid in group:
                unit = units.get(uid)
                if unit is None:
                    errors.append(f"co_location[{i}]: unknown unit {uid!r}")
                elif not unit.is_group:
                    errors.append(f"co_location[{i}]: unit {uid!r} is of kind "
                                  f"{unit.kind.value}; only group units share premises")
                elif uid in located:
                    errors.append(f"co_location[{i}]: unit {uid!r} is already co-located")
            located |= set(group)
        return errors

    # Look-ups used everywhere; cheap enough to rebuild (scenarios are small).
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}

    def client_by_id(self) -> dict[str, Client]:
        return {c.id: c for c in self.clients}

    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}


def _unique(items: list, label: str, errors: list[str]) -> set[str]:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            errors.append(f"{label}: id {item.id!r} is used twice")
        seen.add(item.id)
    return seen


def clock_to_time(minutes: int) -> time:
    return time(minutes // 60 % 24, minutes % 60)
