"""What a schedule costs and earns, from the schedule, the scenario and its cost settings only.

Components (kr, in the horizon), per unit and in total:

- ``base_pay``: the hourly wage × paid hours. Salaried staff (monthly, PAN) are paid at least
  their contract in every limiting period, worked or not, so unused contract hours cost money;
  the hours an absence replaces (``domain.contract``) are paid at the wage too (a
  simplification: sick pay is less, and partly Försäkringskassan's) and are neither unused nor
  part of the target that mertid and unused hours are counted from; hourly staff are paid the
  work time they are scheduled. Work time counts jour at ``rules.on_call_work_fraction``
  (Bilaga J), as the KPIs do.
- ``ob``: OB supplement for every active (non-jour) hour by its window (``domain.costs``);
  none for PAN family caregivers.
- ``jour``: jour supplement per jour hour (weekday / weekend / major-holiday rate); none for
  family caregivers.
- ``overtime_premium``: overtime hours (work beyond full time in a limiting period, as in the
  KPIs) × wage × (factor − 1). A plan does not say which hours are "the extra ones", so the
  qualified share (weekday nights, weekends, holidays) is the block's share of such work time.
  OB is still paid on those hours (a simplification: it slightly overstates overtime cost).
- ``additional_premium``: mertid (beyond contract up to full time) × wage × premium, for
  salaried staff with a contract; hourly staff have no contract to exceed.
- ``employer_contributions``: PO rate × the sum of the above.
- ``revenue``: FK's hourly amount × the hours charged to decisions of the revenue kinds (only
  the need each decision pays for, jour at its ``on_call_counts_as``), up to what the decision
  leaves for the horizon (hours above granted earn nothing).

Unit attribution: pay for worked time, OB and jour go to the shift's unit; unused contract and
absence pay to the home unit; premiums are shared over units by work time in the block; revenue
to the client's unit.

Client attribution (``CostReport.attribution``, ``attribute_shift``): each shift's own pay
(wage × work hours + OB + jour pay, with employer's contributions) is split over what its paid
time was. A client shift is its client's; a unit shift its unit's. A shift with visits (a round,
or a single-client shift that waits) is paid whole, and its pay is split by paid minutes, all
at the shift's average rate: each visit's minutes to the visit's client, the travel minutes to
a *travel* line and the rest (waiting and paid meal pauses) to a *waiting* line of the shift's
unit. Travel and waiting are never charged to a client here, even when a decision pays for the
travel (``charges_travel`` moves hours on the decision, not pay), so per-client cost plus the
units' travel and waiting lines is exactly the pay of the shifts, counted once. Premiums,
unused contract and absence pay stay per unit only (they are not any one shift's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from scheduler.domain.contract import contract_target
from scheduler.domain.costs import CostSettings, clock_minutes
from scheduler.domain.demand import expand_need
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift
from scheduler.domain.staff import EmploymentForm, Staff
from scheduler.domain.timegrid import TimeGrid
from scheduler.results.kpi import Kpis, break_hours, compute_kpis
from scheduler.results.visits import served, travel_hours

QUALIFIED_CLASSES = frozenset(
    {"weekday_night", "weekend_day", "weekend_night", "major_holiday_day", "major_holiday_night"}
)
PAY_COMPONENTS = ("base_pay", "ob", "jour", "overtime_premium", "additional_premium")
COMPONENTS = (*PAY_COMPONENTS, "employer_contributions")


# --- the OB calendar ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _holiday_dates(years: tuple[int, ...], names: tuple[str, ...]
                   ) -> tuple[frozenset[date], tuple[tuple[date, date], ...]]:
    """(public holidays, runs of consecutive major-holiday dates as (first, last))."""
    import holidays

    public = holidays.country_holidays("SE", years=years, categories=("public",),
                                       language="en_US")
    # Christmas Eve, New Year's Eve and Midsummer Eve are "de facto", Holy Saturday "optional".
    every = holidays.country_holidays("SE", years=years,
                                      categories=("public", "de_facto", "optional"),
                                      language="en_US")
    wanted = set(names)
    major = sorted(d for d in every if wanted.intersection(every.get_list(d)))
    runs: list[tuple[date, date]] = []
    for d in major:
        if runs and d == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return frozenset(public), tuple(runs)


class ObCalendar:
    """Classifies local wall-clock time into OB classes (see ``scheduler.domain.costs``)."""

    def __init__(self, settings: CostSettings, zone: ZoneInfo, years: range):
        w = settings.ob_windows
        self.zone = zone
        self.evening = clock_minutes(w.evening_start)
        self.night_start = clock_minutes(w.night_start)
        self.night_end = clock_minutes(w.night_end)
        self.holiday_end = clock_minutes(w.holiday_end)
        self.major_start = clock_minutes(w.major_holiday_start)
        public, runs = _holiday_dates(tuple(years), tuple(w.major_holidays))
        self.public = public
        self.major = [
            (_at(first, self.major_start), _at(last + timedelta(days=1), self.holiday_end))
            for first, last in runs
        ]
        self._clocks = sorted({0, self.evening, self.night_start, self.night_end,
                               self.holiday_end, self.major_start})

    def classify(self, local: datetime) -> str:
        """The OB class of a naive local instant."""
        minute = local.hour * 60 + local.minute
        night = minute >= self.night_start or minute < self.night_end
        if any(a <= local < b for a, b in self.major):
            return "major_holiday_night" if night else "major_holiday_day"
        if self._weekend(local.date(), minute):
            return "weekend_night" if night else "weekend_day"
        if night:
            return "weekday_night"
        if minute >= self.evening:
            return "weekday_evening"
        return "none"

    def _weekend(self, day: date, minute: int) -> bool:
        if day.weekday() >= 5 or day in self.public:
            return True
        # Weekend and holiday OB run on until 07:00 the day after.
        before = day - timedelta(days=1)
        return minute < self.holiday_end and (before.weekday() >= 5 or before in self.public)

    def split(self, start: datetime, end: datetime) -> dict[str, float]:
        """Elapsed hours of [start, end) (aware instants) per OB class."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        cuts = {start, end}
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date() + timedelta(days=1)
        while day <= last:
            for minute in self._clocks:
                instant = _at(day, minute).replace(tzinfo=self.zone).astimezone(UTC)
                if start < instant < end:
                    cuts.add(instant)
            day += timedelta(days=1)
        out: dict[str, float] = defaultdict(float)
        ordered = sorted(cuts)
        for a, b in pairwise(ordered):
            middle = (a + (b - a) / 2).astimezone(self.zone).replace(tzinfo=None)
            out[self.classify(middle)] += (b - a).total_seconds() / 3600
        return dict(out)


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60))


def calendar_for(scenario: Scenario) -> ObCalendar:
    start = scenario.horizon.start
    years = range(start.year - 1, scenario.horizon.end.year + 2)
    return ObCalendar(scenario.cost, ZoneInfo(scenario.horizon.timezone), years)


def ob_amount(hours_by_class: dict[str, float], settings: CostSettings) -> float:
    rates = settings.ob.model_dump()
    return sum(h * rates[c] for c, h in hours_by_class.items() if c != "none")


def jour_amount(hours_by_class: dict[str, float], settings: CostSettings) -> float:
    rates = settings.jour
    total = 0.0
    for c, h in hours_by_class.items():
        if c.startswith("major_holiday"):
            total += h * rates.major_holiday
        elif c.startswith("weekend"):
            total += h * rates.weekend
        else:
            total += h * rates.weekday
    return total


# --- wages -------------------------------------------------------------------------------------


def hourly_wage(staff: Staff | None, settings: CostSettings) -> float:
    """Own wage, else the role's, else the employment form's default (monthly for unknown ids)."""
    wages = settings.wages
    if staff is None:
        return wages.monthly
    if staff.hourly_wage is not None:
        return staff.hourly_wage
    if staff.role is not None and staff.role in wages.roles:
        return wages.roles[staff.role]
    return {
        EmploymentForm.MONTHLY: wages.monthly,
        EmploymentForm.HOURLY: wages.hourly,
        EmploymentForm.PAN: wages.pan,
    }[staff.employment]


# --- per shift ---------------------------------------------------------------------------------


@dataclass
class ShiftCost:
    shift: Shift
    work_hours: float  # elapsed hours, jour counted at the work fraction
    active: dict[str, float]  # non-jour hours per OB class
    jour: dict[str, float]  # jour hours per OB class
    ob: float  # kr (0 for family caregivers)
    jour_pay: float  # kr (0 for family caregivers)
    qualified_work_hours: float  # work time in qualified-overtime windows (nights, weekends, ...)


@dataclass
class _JourLocator:
    """Where a shift's jour lies: the client's need marks jour slots on the time grid."""

    grid: TimeGrid
    masks: dict[str, np.ndarray] = field(default_factory=dict)

    def spans(self, scenario: Scenario, shift: Shift) -> list[tuple[datetime, datetime]] | None:
        if shift.client is None:
            return None
        mask = self.masks.get(shift.client)
        if mask is None:
            client = scenario.client_by_id().get(shift.client)
            if client is None:
                return None
            mask = self.masks[shift.client] = expand_need(client, self.grid).on_call
        first, last = self.grid.slot_floor(shift.start), self.grid.slot_floor(shift.end)
        out: list[tuple[datetime, datetime]] = []
        t = max(first, 0)
        last = min(last, self.grid.n_slots)
        while t < last:
            if mask[t]:
                a = t
                while t < last and mask[t]:
                    t += 1
                out.append((self.grid.instant(a), self.grid.instant(t)))
            else:
                t += 1
        return out


def _shift_cost(scenario: Scenario, shift: Shift, staff: Staff | None, cal: ObCalendar,
                locator: _JourLocator) -> ShiftCost:
    settings = scenario.cost
    fraction = scenario.rules.on_call_work_fraction
    total = cal.split(shift.start, shift.end)
    jour: dict[str, float] = {}
    if shift.on_call_hours > 0:
        spans = locator.spans(scenario, shift)
        located = sum((b - a).total_seconds() / 3600 for a, b in spans or [])
        if spans is not None and abs(located - shift.on_call_hours) < 1 / 60:
            for a, b in spans:
                for c, h in cal.split(a, b).items():
                    jour[c] = jour.get(c, 0.0) + h
        else:
            # Jour the need does not place (e.g. a unit shift): spread it over the shift.
            share = shift.on_call_hours / max(sum(total.values()), 1e-9)
            jour = {c: h * share for c, h in total.items()}
    active = {c: total.get(c, 0.0) - jour.get(c, 0.0) for c in total}
    for pause in shift.breaks:
        if not pause.paid:  # an unpaid break is not work time: no pay, no OB (as the engine)
            for c, h in cal.split(pause.start, pause.end).items():
                active[c] = active.get(c, 0.0) - h
    caregiver = staff is not None and staff.family_caregiver
    return ShiftCost(
        shift=shift,
        work_hours=sum(active.values()) + fraction * sum(jour.values()),
        active=active,
        jour=jour,
        ob=0.0 if caregiver else ob_amount(active, settings),
        jour_pay=0.0 if caregiver else jour_amount(jour, settings),
        qualified_work_hours=sum(h for c, h in active.items() if c in QUALIFIED_CLASSES)
        + fraction * sum(h for c, h in jour.items() if c in QUALIFIED_CLASSES),
    )


def price_shifts(scenario: Scenario, shifts: list[Shift]) -> list[ShiftCost]:
    """Each shift priced alone (work hours, OB and jour per class, OB and jour pay) exactly as
    ``compute_costs`` prices it: what a time report's claims are checked against
    (``scheduler.planning.audit``)."""
    cal = calendar_for(scenario)
    locator = _JourLocator(TimeGrid.from_horizon(scenario.horizon))
    staff = scenario.staff_by_id()
    return [_shift_cost(scenario, s, staff.get(s.staff), cal, locator) for s in shifts]


# --- the whole schedule ------------------------------------------------------------------------


ATTRIBUTION_COLUMNS = ["unit", "client", "line", "hours", "cost"]
# What a line of the attribution is: a whole client shift, a visit (its client's), a round's or
# waiting shift's travel or waiting (its unit's), a group-unit shift (its unit's).
ATTRIBUTION_LINES = ("client_shift", "visit", "travel", "waiting", "unit_shift")


def attribute_shift(cost: ShiftCost, wage: float, contribution_rate: float
                    ) -> list[tuple[str, str, str, float, float]]:
    """(unit, client or "", line, hours, kr) of one shift's own pay (see the module's
    docstring); the kr add up to the shift's pay with employer's contributions."""
    shift = cost.shift
    pay = (wage * cost.work_hours + cost.ob + cost.jour_pay) * (1 + contribution_rate)
    span = (shift.end - shift.start).total_seconds() / 3600
    unpaid = break_hours(shift, paid=False)
    if not shift.visits:
        if shift.client is None:
            return [(shift.unit, "", "unit_shift", span - unpaid, pay)]
        return [(shift.unit, shift.client, "client_shift", span - unpaid, pay)]
    paid = max(span - unpaid, 1e-9)
    out = [(shift.unit, p.client, "visit", p.hours, pay * p.hours / paid) for p in served(shift)]
    visits = sum(line[3] for line in out)
    travel = travel_hours(shift)
    out.append((shift.unit, "", "travel", travel, pay * travel / paid))
    rest = paid - visits - travel
    out.append((shift.unit, "", "waiting", max(rest, 0.0), pay - sum(line[4] for line in out)))
    return out


@dataclass
class CostReport:
    currency: str
    by_unit: dict[str, dict[str, float]]  # unit → component → kr (plus revenue, total, net)
    total: dict[str, float]
    staff: pd.DataFrame  # one row per staff member with hours and components
    shifts: list[ShiftCost]
    # Shifts' pay per unit, client and line (ATTRIBUTION_LINES), summed; see the docstring.
    attribution: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ATTRIBUTION_COLUMNS))

    def by_client(self) -> dict[str, float]:
        """Client → kr of its shifts and visits (travel and waiting are the units')."""
        own = self.attribution[self.attribution["client"] != ""]
        return {str(k): float(v) for k, v in own.groupby("client", sort=False)["cost"].sum()
                .items()}


def _empty() -> dict[str, float]:
    return {c: 0.0 for c in (*COMPONENTS, "revenue")}


def compute_costs(scenario: Scenario, schedule: Schedule, kpis: Kpis | None = None
                  ) -> CostReport:
    settings = scenario.cost
    rules = scenario.rules
    grid = TimeGrid.from_horizon(scenario.horizon)
    cal = calendar_for(scenario)
    locator = _JourLocator(grid)
    staff_by_id = scenario.staff_by_id()
    by_unit: dict[str, dict[str, float]] = defaultdict(_empty)
    for u in scenario.units:
        by_unit[u.id]  # every unit gets a row, also one without shifts

    block_days = rules.limiting_period_weeks * 7
    n_blocks = max(1, -(-grid.days // block_days))
    lengths = [min(block_days, grid.days - i * block_days) for i in range(n_blocks)]

    by_staff: dict[str, list[ShiftCost]] = defaultdict(list)
    shift_costs: list[ShiftCost] = []
    lines: list[tuple[str, str, str, float, float]] = []
    for shift in schedule.shifts:
        member = staff_by_id.get(shift.staff)
        cost = _shift_cost(scenario, shift, member, cal, locator)
        shift_costs.append(cost)
        by_staff[shift.staff].append(cost)
        lines += attribute_shift(cost, hourly_wage(member, settings),
                                 settings.employer_contribution_rate)
    attribution = (pd.DataFrame(lines, columns=ATTRIBUTION_COLUMNS)
                   .groupby(["unit", "client", "line"], as_index=False, sort=False)
                   [["hours", "cost"]].sum())

    rows: list[dict[str, str | float | None]] = []
    order = [s.id for s in scenario.staff] + sorted(set(by_staff) - set(staff_by_id))
    for sid in order:
        member = staff_by_id.get(sid)
        wage = hourly_wage(member, settings)
        weekly = member.contract_hours_per_week if member else 0.0
        salaried = member is not None and member.employment != EmploymentForm.HOURLY
        blocks: list[list[ShiftCost]] = [[] for _ in range(n_blocks)]
        for c in by_staff.get(sid, []):
            local_day = c.shift.start.astimezone(grid.zone).date()
            index = (local_day - grid.start_date).days // block_days
            blocks[min(max(index, 0), n_blocks - 1)].append(c)
        row: dict[str, float] = {
            "hourly_wage": wage, "work_hours": 0.0, "additional_hours": 0.0,
            "overtime_hours": 0.0, "unused_contract_hours": 0.0, "absence_hours": 0.0,
            **{c: 0.0 for c in PAY_COMPONENTS}
        }
        for index, (days, own) in enumerate(zip(lengths, blocks, strict=True)):
            # The hours to work: the contract less what absences replace (domain.contract).
            absence = 0.0 if member is None else contract_target(
                member, grid.start_date + timedelta(days=index * block_days), days, grid.zone
            ).absence_hours
            contract = weekly * days / 7 - absence
            full = rules.full_time_hours_per_week * days / 7
            work = sum(c.work_hours for c in own)
            additional = max(0.0, min(work, full) - contract)
            overtime = max(0.0, work - full)
            unused = max(0.0, contract - work)
            qualified = sum(c.qualified_work_hours for c in own) / work if work > 0 else 0.0
            overtime_premium = overtime * wage * (
                (settings.overtime_simple_factor - 1) * (1 - qualified)
                + (settings.overtime_qualified_factor - 1) * qualified
            )
            additional_premium = (
                additional * wage * settings.additional_hours_premium
                if salaried and weekly > 0 else 0.0
            )
            row["work_hours"] += work
            row["additional_hours"] += additional
            row["overtime_hours"] += overtime
            row["unused_contract_hours"] += unused
            row["absence_hours"] += absence
            row["overtime_premium"] += overtime_premium
            row["additional_premium"] += additional_premium
            for c in own:
                unit = by_unit[c.shift.unit]
                unit["base_pay"] += wage * c.work_hours
                unit["ob"] += c.ob
                unit["jour"] += c.jour_pay
                share = c.work_hours / work if work > 0 else 0.0
                unit["overtime_premium"] += overtime_premium * share
                unit["additional_premium"] += additional_premium * share
                row["base_pay"] += wage * c.work_hours
                row["ob"] += c.ob
                row["jour"] += c.jour_pay
            if salaried and unused + absence > 0 and member is not None:
                by_unit[member.home_unit]["base_pay"] += wage * (unused + absence)
                row["base_pay"] += wage * (unused + absence)
        pay = sum(row[c] for c in PAY_COMPONENTS)
        row["employer_contributions"] = pay * settings.employer_contribution_rate
        row["total_cost"] = pay + row["employer_contributions"]
        rows.append({"staff": sid, "home_unit": member.home_unit if member else None,
                     "employment": member.employment.value if member else "unknown", **row})

    kpis = kpis if kpis is not None else compute_kpis(scenario, schedule)
    clients = scenario.client_by_id()
    earning = set(settings.revenue_decision_kinds)
    for d in kpis.decisions.to_dict(orient="records"):
        if str(d["kind"]) not in earning or d["client"] not in clients:
            continue
        paid_hours = min(float(d["charged_hours"]),
                         max(0.0, float(d["available_without_exception_hours"])))
        by_unit[clients[d["client"]].unit]["revenue"] += paid_hours * settings.fk_hourly_amount

    total = _empty()
    for unit in by_unit.values():
        unit["employer_contributions"] = (
            sum(unit[c] for c in PAY_COMPONENTS) * settings.employer_contribution_rate
        )
        unit["total_cost"] = sum(unit[c] for c in COMPONENTS)
        unit["net"] = unit["revenue"] - unit["total_cost"]
        for key, value in unit.items():
            total[key] = total.get(key, 0.0) + value
    return CostReport(
        currency=settings.currency,
        by_unit=dict(by_unit),
        total=total,
        staff=pd.DataFrame(rows),
        shifts=shift_costs,
        attribution=attribution[ATTRIBUTION_COLUMNS],
    )
