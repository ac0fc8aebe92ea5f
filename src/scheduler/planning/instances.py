"""Seeded, pseudonymous example scenarios shaped on the department (docs/domain.md, "The
department").

``generate(size, seed)`` is deterministic: the same size, seed, start and days give the same
scenario (and the same YAML) on every machine. Sizes:

- ``tiny``: one client with a 10-hour day, four assistants, one week (CI smoke runs).
- ``S``: one assistance group: a 24/7 client (awake days, sleeping jour 22–07, double assistance
  some mornings) and about eight assistants.
- ``M``: one unit with about twelve clients and fifty staff.
- ``L``: the department: eight units, about 65 assistance cases (25–168 granted h/week, SFB and
  municipal LSS decisions), about 250 staff; and the group units: three short-term stay homes
  (KTV, ~10 children each booked for weekend or midweek stays, a few 1:1, jour at night) and an
  after-school supervision (~12 pupils, school days and the sports and Easter holidays), staffed
  from their density demand, and five clients with a double decision (a stay at a KTV home
  beside their personal assistance).
- ``XL``: twice ``L``.

Staff capacity is set per unit from the need (some units a little over, some under), granted
hours from the need (some a few per cent short, so the engine must leave need uncovered), and
settlement periods start on different months so budgets are at different stages. ``L`` and
``XL`` also hold the overstaffing team (``overstaffing_team: true``) and vacancies to place it in.

``generate_scattered(seed, clients=40, units=2, days=14)`` makes scattered-hours instances
(issue 18: clients with a few short visits a day at homes on a local plane, served in rounds;
``with_rounds(scenario, False)`` is the same with one-client shifts only), from its own random
stream, so the sizes above are unchanged.

The group units are drawn from their own random stream (``"L:seed:groups"``) after everything
else, so the assistance part of ``L``/``XL`` is the same with or without them. Not generated
yet: resource-unit visits (housing support, companion service, respite).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml

from scheduler.domain.clients import (
    ApprovedException,
    Client,
    Decision,
    DecisionKind,
    Need,
    NeedException,
    NeedWindow,
)
from scheduler.domain.common import WEEKDAYS, DatePeriod, Horizon, TimePeriod, Weekday
from scheduler.domain.groups import demand_groups, expand_unit_demand
from scheduler.domain.opening import public_holidays
from scheduler.domain.placement import Vacancy
from scheduler.domain.scattered import Home
from scheduler.domain.scenario import Scenario
from scheduler.domain.settings import SolverSettings, WorkingTimeRules
from scheduler.domain.staff import AvailabilityWindow, EmploymentForm, Staff
from scheduler.domain.timegrid import TimeGrid
from scheduler.domain.units import Booking, DensityRules, NightMode, OpeningWindow, Unit, UnitKind

Size = Literal["S", "M", "L", "XL", "tiny"]
SIZES: tuple[Size, ...] = ("tiny", "S", "M", "L", "XL")

# Per size: units, clients in all, solver time limit (s).
_DEPARTMENT = {"M": (1, 12, 60.0), "L": (8, 65, 300.0), "XL": (16, 130, 600.0)}

RULES = WorkingTimeRules()
FULL_TIME = RULES.full_time_hours_per_week
WEEKEND: list[Weekday] = ["sat", "sun"]
WORKDAYS: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]

# Employment degree (%) of monthly staff: many 75–100 %, some 50 % (AB; personal assistants are
# often part-time).
_DEGREES = (100, 90, 85, 80, 75, 70, 60, 50)
_DEGREE_WEIGHTS = (28, 8, 6, 12, 16, 6, 8, 16)
_AREAS = ("Norr", "Söder", "Öster", "Väster", "Centrum")  # unit i lies in _AREAS[(i - 1) % 5]
_COMPETENCES = ("lift", "epilepsy", "tube_feeding", "delegated_medication", "sign_language",
                "respiratory_care", "driving_licence")

# Need profiles: weights for the department sizes (the mix gives ~115 need h/week per case).
_PROFILES = {
    "round_the_clock_jour": 30,  # 24/7: awake days, sleeping jour nights
    "round_the_clock_awake": 9,  # 24/7 awake
    "day_double": 14,  # day and evening, double assistance some mornings/evenings
    "day_evening": 17,
    "school_days": 11,  # before and after school/daily activity, whole days at weekends
    "scattered": 11,  # a few 3-hour visits spread over the day (municipal decisions)
    "part_day": 8,  # a few hours on weekdays
}


@dataclass
class _Group:
    """A client under construction with the figures staffing is sized from."""

    client_id: str
    unit_id: str
    profile: str
    windows: list[NeedWindow]
    need_hours: float  # person-hours per week, jour counted fully
    work_hours: float  # the same with jour at the on-call work fraction
    on_call_hours: float
    required: list[str]
    target: float = 0.0  # contract hours per week the unit puts in this group
    capacity: float = 0.0
    members: list[str] = field(default_factory=list)

    @property
    def round_the_clock(self) -> bool:
        return self.profile.startswith("round_the_clock")

    def min_members(self) -> int:
        if self.on_call_hours or self.round_the_clock:
            # Jour ≤ 48 h per 4 weeks and weekly rest: a 24/7 group needs many people.
            jour_cap = RULES.max_on_call_hours_per_4_weeks
            return math.ceil(max(self.on_call_hours, 63) * 4 / jour_cap) + 1
        if any(w.staff > 1 for w in self.windows):
            return 6  # two fresh assistants every morning, after others' evening shifts and rest
        return 4


@dataclass
class _Person:
    staff_id: str
    unit_id: str
    contract: float
    employment: EmploymentForm
    nights: bool = True  # may work nights (some monthly staff work days only)
    team: bool = False  # the overstaffing team
    competences: set[str] = field(default_factory=set)
    clients: list[str] = field(default_factory=list)
    preferred_units: list[str] = field(default_factory=list)
    home_area: str | None = None


class _Ids:
    def __init__(self) -> None:
        self.counts = {"C": 0, "A": 0, "D": 0}

    def next(self, prefix: str) -> str:
        self.counts[prefix] += 1
        return f"{prefix}{self.counts[prefix]:03d}"


def generate(size: Size, seed: int = 0, start: date = date(2027, 3, 1),
             days: int | None = None) -> Scenario:
    """A seeded example scenario of ``size``; ``days`` defaults to 28 (7 for ``tiny``)."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    rng = random.Random(f"{size}:{seed}")  # string seeds hash deterministically
    horizon = Horizon(start=start, days=days if days is not None else (7 if size == "tiny" else 28))
    if size == "tiny":
        return _tiny(rng, horizon, seed)
    if size == "S":
        return _single_group(rng, horizon, seed)
    units, clients, limit = _DEPARTMENT[size]
    return _department(rng, horizon, size, seed, units, clients, limit)


# --- sizes --------------------------------------------------------------------------------------


def _tiny(rng: random.Random, horizon: Horizon, seed: int) -> Scenario:
    ids = _Ids()
    cid = ids.next("C")
    windows = [NeedWindow(start="08:00", end="18:00")]
    group = _group(cid, "U1", "day", windows, [])
    decisions = _decisions(rng, ids, group, horizon, kind=DecisionKind.SFB_ASSISTANCE,
                           granted=group.need_hours, stage="normal")
    people = [
        _Person(ids.next("A"), "U1", c, e)
        for c, e in ((30, EmploymentForm.MONTHLY), (20, EmploymentForm.MONTHLY),
                     (20, EmploymentForm.PAN), (0, EmploymentForm.HOURLY))
    ]
    for p in people:
        p.clients.append(cid)
    client = Client(id=cid, unit="U1", decisions=decisions, need=Need(weekly=windows),
                    approved_staff=[p.staff_id for p in people])
    return Scenario(
        name=f"tiny-seed{seed}",
        description="CI smoke test: one client with a 10-hour day, four assistants, one week.",
        horizon=horizon,
        units=[Unit(id="U1", name="Assistansgrupp 1")],
        clients=[client],
        staff=[_staff(rng, p, horizon, absences=False) for p in people],
        solver=SolverSettings(time_limit_seconds=10),
    )


def _single_group(rng: random.Random, horizon: Horizon, seed: int) -> Scenario:
    ids = _Ids()
    cid = ids.next("C")
    double_days = sorted(rng.sample(range(7), rng.randint(2, 4)))
    windows = [
        NeedWindow(start="07:00", end="22:00"),
        NeedWindow(days=[WEEKDAYS[d] for d in double_days], start="07:00", end="10:00", staff=2),
        NeedWindow(start="22:00", end="07:00", on_call=True),
    ]
    required = [rng.choice(_COMPETENCES[:3])]
    group = _group(cid, "U1", "round_the_clock_jour", windows, required)
    decisions = _decisions(rng, ids, group, horizon, kind=DecisionKind.SFB_ASSISTANCE,
                           granted=_granted(rng, group.need_hours), stage="normal")
    # Eight assistants: six with a contract (one of them PAN) and two hourly, contracts drawn
    # until the group's capacity is within a few per cent of the need.
    target = group.work_hours * rng.uniform(0.95, 1.08)
    best: list[float] = []
    for _ in range(200):
        contracts = sorted((_degree(rng) * FULL_TIME / 100 for _ in range(6)), reverse=True)
        if not best or abs(sum(contracts) - target) < abs(sum(best) - target):
            best = contracts
    people = [_Person(ids.next("A"), "U1", c, EmploymentForm.MONTHLY) for c in best]
    people[-1].employment = EmploymentForm.PAN
    people += [_Person(ids.next("A"), "U1", 0, EmploymentForm.HOURLY) for _ in range(2)]
    for p in people:
        p.clients.append(cid)
        p.competences.update(required)
    client = Client(id=cid, unit="U1", decisions=decisions, need=Need(weekly=windows),
                    approved_staff=[p.staff_id for p in people], required_competences=required)
    return Scenario(
        name=f"S-seed{seed}",
        description=(
            "One assistance group: a client with a 24/7 need (awake days, sleeping jour 22-07, "
            "double assistance some mornings) and eight assistants."
        ),
        horizon=horizon,
        units=[Unit(id="U1", name="Assistansgrupp 1")],
        clients=[client],
        staff=[_staff(rng, p, horizon, absences=True) for p in people],
        solver=SolverSettings(time_limit_seconds=30),
    )


def _department(rng: random.Random, horizon: Horizon, size: str, seed: int, n_units: int,
                n_clients: int, time_limit: float) -> Scenario:
    ids = _Ids()
    units = [Unit(id=f"U{i}", name=f"Enhet {i}") for i in range(1, n_units + 1)]
    per_unit = _spread_clients(rng, n_clients, n_units)
    groups: list[_Group] = []
    decisions: dict[str, list[Decision]] = {}
    exceptions: dict[str, list[NeedException]] = {}
    people: list[_Person] = []
    # Settlement stages: about one in ten nearly used up; one case has an approved exception.
    exception_case = rng.randrange(n_clients)
    for unit, count in zip(units, per_unit, strict=True):
        unit_groups: list[_Group] = []
        for _ in range(count):
            profile = _weighted(rng, _PROFILES)
            cid = ids.next("C")
            windows = _need_windows(rng, profile)
            required = _required_competences(rng)
            group = _group(cid, unit.id, profile, windows, required)
            stage = "nearly_used_up" if rng.random() < 0.1 else "normal"
            if len(groups) + len(unit_groups) == exception_case:
                stage = "exception"
            decisions[cid] = _client_decisions(rng, ids, group, horizon, stage)
            exceptions[cid] = _need_exceptions(rng, horizon)
            unit_groups.append(group)
        people.extend(_staff_unit(rng, ids, unit.id, unit_groups))
        groups.extend(unit_groups)
    team = _overstaffing_team(rng, ids, units, groups, size)
    people.extend(team)
    vacancies = _vacancies(rng, units, groups, horizon, len(team))
    clients = [
        Client(
            id=g.client_id,
            unit=g.unit_id,
            decisions=decisions[g.client_id],
            need=Need(weekly=g.windows, exceptions=exceptions[g.client_id]),
            approved_staff=sorted(g.members),
            required_competences=g.required,
        )
        for g in groups
    ]
    staff = sorted((_staff(rng, p, horizon, absences=True) for p in people), key=lambda s: s.id)
    what = {"M": "one unit", "L": "the department", "XL": "twice the department"}[size]
    scenario = Scenario(
        name=f"{size}-seed{seed}",
        description=(
            f"Generated example ({what}): {len(units)} unit{'s' * (len(units) > 1)}, "
            f"{len(clients)} assistance cases, "
            f"{len(staff)} staff; shaped on the department's figures in docs/domain.md."
        ),
        horizon=horizon,
        units=units,
        clients=clients,
        staff=staff,
        solver=SolverSettings(time_limit_seconds=time_limit),
        vacancies=vacancies,
    )
    if size == "M":
        return scenario
    # Own random stream: the assistance part above stays the same with or without these.
    return _with_group_units(random.Random(f"{size}:{seed}:groups"), ids, scenario,
                             copies=2 if size == "XL" else 1)


# --- need and decisions -------------------------------------------------------------------------


def _spread_clients(rng: random.Random, n_clients: int, n_units: int) -> list[int]:
    """Clients per unit: around the mean, summing to ``n_clients``."""
    mean = n_clients / n_units
    counts = [max(1, round(mean * rng.uniform(0.75, 1.25))) for _ in range(n_units)]
    while sum(counts) != n_clients:
        i = rng.randrange(n_units)
        if sum(counts) < n_clients:
            counts[i] += 1
        elif counts[i] > 1:
            counts[i] -= 1
    return counts


def _need_windows(rng: random.Random, profile: str) -> list[NeedWindow]:
    if profile == "round_the_clock_jour":
        change = rng.choice(["22:00", "22:00", "22:30", "21:30"])
        return [NeedWindow(start="07:00", end=change),
                NeedWindow(start=change, end="07:00", on_call=True)]
    if profile == "round_the_clock_awake":
        return [NeedWindow(start="07:00", end="22:00"), NeedWindow(start="22:00", end="07:00")]
    if profile == "day_double":
        end = rng.choice(["21:00", "22:00"])
        double_days = sorted(rng.sample(range(7), rng.randint(3, 7)), key=int)
        windows = [
            NeedWindow(start="07:00", end=end),
            NeedWindow(days=[WEEKDAYS[d] for d in double_days], start="07:00", end="10:00",
                       staff=2),
        ]
        if rng.random() < 0.4:
            windows.append(NeedWindow(days=["fri", "sat", "sun"], start="18:00", end=end, staff=2))
        return windows
    if profile == "day_evening":
        return [NeedWindow(start=rng.choice(["07:00", "07:30", "08:00"]),
                           end=rng.choice(["20:00", "21:00", "22:00"]))]
    if profile == "school_days":
        return [
            NeedWindow(days=WORKDAYS, start="06:30", end="09:30"),
            NeedWindow(days=WORKDAYS, start=rng.choice(["14:00", "14:30", "15:00"]), end="21:30"),
            NeedWindow(days=WEEKEND, start="08:00", end="21:00"),
        ]
    if profile == "scattered":
        # Visits are at least the minimum shift length: the engine has no visit bundling yet
        # (docs/domain.md, scattered assistance), so shorter visits could never be staffed.
        slots = [("07:00", "10:00"), ("11:30", "14:30"), ("17:00", "20:00"), ("19:30", "22:30")]
        chosen = sorted(rng.sample(slots[:3], rng.randint(2, 3)))
        if rng.random() < 0.3 and ("17:00", "20:00") not in chosen:
            chosen.append(slots[3])
        days = WEEKDAYS if rng.random() < 0.7 else WORKDAYS
        return [NeedWindow(days=list(days), start=a, end=b) for a, b in chosen]
    if profile == "part_day":
        windows = [NeedWindow(days=WORKDAYS, start="08:00", end=rng.choice(["13:00", "14:00"]))]
        if rng.random() < 0.4:
            windows.append(NeedWindow(days=["sat"], start="10:00", end="14:00"))
        return windows
    raise ValueError(profile)


def week_hours(windows: list[NeedWindow], on_call_work_fraction: float = 0.5
               ) -> tuple[float, float, float]:
    """(need, work, on-call) person-hours in a steady-state week, overlaps as ``expand_need``
    takes them (largest count; jour only where it is more than the awake need)."""
    active = np.zeros(7 * 1440, dtype=np.int16)
    on_call = np.zeros(7 * 1440, dtype=np.int16)
    for w in windows:
        target = on_call if w.on_call else active
        for d in w.days:
            first = WEEKDAYS.index(d) * 1440 + w.start_minute
            idx = np.arange(first, first + w.length_minutes) % (7 * 1440)
            target[idx] = np.maximum(target[idx], w.staff)
    count = np.maximum(active, on_call)
    jour = on_call > active
    need = count.sum() / 60
    jour_hours = count[jour].sum() / 60
    return float(need), float(need - jour_hours * (1 - on_call_work_fraction)), float(jour_hours)


def _group(cid: str, unit: str, profile: str, windows: list[NeedWindow],
           required: list[str]) -> _Group:
    need, work, jour = week_hours(windows, RULES.on_call_work_fraction)
    return _Group(cid, unit, profile, windows, need, work, jour, required)


def _required_competences(rng: random.Random) -> list[str]:
    k = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
    return sorted(rng.sample(_COMPETENCES[:6], k))


def _need_exceptions(rng: random.Random, horizon: Horizon) -> list[NeedException]:
    out = []
    if rng.random() < 0.08:  # a hospital stay: no assistance needed for a few days
        day = rng.randrange(0, max(1, horizon.days - 6))
        first = datetime.combine(horizon.start + timedelta(days=day), time(10))
        out.append(NeedException(start=first, end=first + timedelta(days=rng.randint(2, 5)),
                                 staff=0, reason="hospital stay"))
    elif rng.random() < 0.06:  # a day trip with two assistants
        day = rng.randrange(0, horizon.days)
        first = datetime.combine(horizon.start + timedelta(days=day), time(9))
        out.append(NeedException(start=first, end=first + timedelta(hours=7), staff=2,
                                 reason="day trip"))
    return out


def _client_decisions(rng: random.Random, ids: _Ids, group: _Group, horizon: Horizon,
                      stage: str) -> list[Decision]:
    small = group.need_hours < 60 or group.profile in ("scattered", "part_day")
    # Municipal LSS assistance is common for smaller needs (below FK's threshold).
    lss = rng.random() < (0.55 if small else 0.15)
    kind = DecisionKind.LSS_ASSISTANCE if lss else DecisionKind.SFB_ASSISTANCE
    # The department's cases are granted 25–168 h/week in all.
    total = min(168.0, max(25.0, _granted(rng, group.need_hours)))
    if not small and rng.random() < 0.07:
        # SFB and municipal assistance side by side, same period: the engine splits the time.
        sfb_hours = round(total * 0.8 * 2) / 2
        sfb = _decisions(rng, ids, group, horizon, kind=DecisionKind.SFB_ASSISTANCE,
                         granted=sfb_hours, stage=stage, share=sfb_hours / total)
        lss_part = _decisions(rng, ids, group, horizon, kind=DecisionKind.LSS_ASSISTANCE,
                              granted=total - sfb_hours, stage="normal",
                              share=1 - sfb_hours / total,
                              period_start=sfb[0].settlement_period.start)
        return sfb + lss_part
    return _decisions(rng, ids, group, horizon, kind=kind, granted=total, stage=stage)


def _granted(rng: random.Random, need_hours: float) -> float:
    """Granted ≈ need; one decision in four grants a few per cent less than the need."""
    factor = rng.uniform(0.92, 0.97) if rng.random() < 0.25 else rng.uniform(1.0, 1.05)
    return round(need_hours * factor * 2) / 2


def _decisions(rng: random.Random, ids: _Ids, group: _Group, horizon: Horizon, *,
               kind: DecisionKind, granted: float, stage: str, share: float = 1.0,
               period_start: date | None = None) -> list[Decision]:
    """One client's decisions of ``kind``: 6-month settlement periods, the first meeting the
    horizon's start, chained until the horizon is covered (a boundary inside the horizon splits
    it, as docs/domain.md says). ``share``: the part of the need this decision pays for."""
    # A period can only be nearly used up late in it (used faster than granted earlier on).
    first = period_start or _period_start(rng, horizon.start, 4 if stage != "normal" else 0)
    out: list[Decision] = []
    start = first
    while start < horizon.end:
        end = _add_months(start, 6) - timedelta(days=1)
        period = DatePeriod(start=start, end=end)
        performed, exception = 0.0, None
        if start < horizon.start:
            performed, exception = _performed(rng, group, granted, period, horizon, stage, share)
        out.append(Decision(id=ids.next("D"), kind=kind, granted_hours_per_week=granted,
                            settlement_period=period, hours_performed=performed,
                            exception=exception))
        start = end + timedelta(days=1)
    return out


def _period_start(rng: random.Random, horizon_start: date, min_back: int = 0) -> date:
    """A period start 0–6 months back (on the 1st or the 15th) whose period meets the horizon."""
    month_start = horizon_start.replace(day=1)
    options = []
    for back in range(min_back, 7):
        for day in (1, 15):
            start = _add_months(month_start, -back).replace(day=day)
            end = _add_months(start, 6) - timedelta(days=1)
            if start <= horizon_start <= end:
                options.append(start)
    return rng.choice(options)


def _performed(rng: random.Random, group: _Group, granted: float, period: DatePeriod,
               horizon: Horizon, stage: str, share: float
               ) -> tuple[float, ApprovedException | None]:
    """Hours already performed: used at about the need's pace; some nearly used up."""
    total = granted * period.days / 7
    need = group.need_hours * share
    elapsed = (horizon.start - period.start).days / 7
    remaining = (period.end - horizon.start).days / 7 + 1 / 7
    if stage == "normal":
        performed = need * elapsed * rng.uniform(0.9, 1.0)
    else:
        # Left for the rest of the period: 75–92 % of the need there (more was used earlier).
        performed = total - need * remaining * rng.uniform(0.75, 0.92)
    performed = round(min(total, max(0.0, performed)), 1)
    exception = None
    if stage == "exception":
        # The head of department approved what the rest of the period lacks (plus a margin).
        shortfall = max(1.0, need * remaining - (total - performed))
        exception = ApprovedException(
            reference=f"AC-{horizon.start.year}-{rng.randint(10, 99):03d}",
            extra_hours=round(shortfall + 5),
            approved_by="avdelningschef",
        )
    return performed, exception


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) if day.day == 1 else date(
        index // 12, index % 12 + 1, min(day.day, 28))


# --- group units (KTV homes, after-school supervision) ------------------------------------------

_KTV_HOMES = 3  # the seeds: three short-term stay homes
_DOUBLE_DECISIONS = 5  # the seeds: five clients with KTV + personal assistance


def _with_group_units(rng: random.Random, ids: _Ids, scenario: Scenario, copies: int
                      ) -> Scenario:
    """Add per copy three KTV homes and an after-school supervision with their children,
    bookings and staff, and five assistance clients with a stay at a KTV home."""
    horizon = scenario.horizon
    units = list(scenario.units)
    clients = list(scenario.clients)
    bookings: list[Booking] = []
    homes: list[Unit] = []
    number = len(units)
    for copy in range(copies):
        for k in range(_KTV_HOMES):
            number += 1
            home = Unit(
                id=f"U{number}", name=f"Korttidshem {copy * _KTV_HOMES + k + 1}",
                kind=UnitKind.SHORT_TERM_STAY,
                density=DensityRules(clients_per_staff=rng.choice((2, 2, 3)), min_staff=1,
                                     night=NightMode(mode="jour", staff=1)),
            )
            homes.append(home)
            units.append(home)
            for _ in range(rng.randint(8, 12)):
                child = _group_client(ids, home.id, DecisionKind.SHORT_TERM_STAY, horizon)
                clients.append(child)
                bookings += _stays(rng, child.id, home.id, horizon, one_to_one=rng.random() < 0.15)
        number += 1
        supervision = Unit(
            id=f"U{number}", name=f"Korttidstillsyn {copy + 1}", kind=UnitKind.AFTER_SCHOOL,
            density=DensityRules(clients_per_staff=3, min_staff=1),
            opening_hours=[
                OpeningWindow(days=WORKDAYS, start="06:30", end="08:00", applies="school_days"),
                OpeningWindow(days=WORKDAYS, start="13:00", end="18:00", applies="school_days"),
                OpeningWindow(days=WORKDAYS, start="07:30", end="17:30", applies="holidays"),
            ],
        )
        units.append(supervision)
        for _ in range(rng.randint(10, 14)):
            pupil = _group_client(ids, supervision.id, DecisionKind.OTHER, horizon)
            clients.append(pupil)
            bookings += _supervision_days(rng, pupil.id, supervision.id, horizon)
    # Double decisions: assistance clients with weekend need who stay at a KTV home one weekend.
    assistance = [i for i, c in enumerate(clients)
                  if any({"sat", "sun"} & set(w.days) for w in c.need.weekly)]
    for i in rng.sample(assistance, _DOUBLE_DECISIONS * copies):
        client = clients[i]
        friday = _weekday_on_or_after(horizon.start, 4) + timedelta(
            weeks=rng.randrange(max(1, (horizon.days - 3) // 7)))
        bookings.append(Booking(client=client.id, unit=rng.choice(homes).id,
                                start=datetime.combine(friday, time(15)),
                                end=datetime.combine(friday + timedelta(days=2), time(16))))
        stay = Decision(id=ids.next("D"), kind=DecisionKind.SHORT_TERM_STAY,
                        granted_hours_per_week=0, settlement_period=_year(horizon))
        clients[i] = client.model_copy(update={"decisions": [*client.decisions, stay]})
    draft = scenario.model_copy(update={
        "units": units, "clients": clients, "bookings": bookings,
        "school_holidays": _school_holidays(horizon),
    })
    staff = list(scenario.staff) + _group_staff(rng, ids, draft)
    n_groups = len(units) - len(scenario.units)
    return Scenario.model_validate({
        **draft.model_dump(),
        "staff": [s.model_dump() for s in staff],
        "description": scenario.description.replace(
            " staff;", f" staff; {n_groups} group units ({_KTV_HOMES * copies} KTV homes), "
            f"{len(bookings)} bookings, {len(clients) - len(scenario.clients)} children and "
            f"pupils, {len(staff) - len(scenario.staff)} group staff;"),
    })


def _group_client(ids: _Ids, unit: str, kind: DecisionKind, horizon: Horizon) -> Client:
    """A child or pupil: a decision for the stay or the supervision, no assistance need."""
    decision = Decision(id=ids.next("D"), kind=kind, granted_hours_per_week=0,
                        settlement_period=_year(horizon))
    return Client(id=ids.next("C"), unit=unit, decisions=[decision], need=Need())


def _year(horizon: Horizon) -> DatePeriod:
    return DatePeriod(start=date(horizon.start.year, 1, 1),
                      end=date(horizon.end.year, 12, 31))


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _stays(rng: random.Random, cid: str, unit: str, horizon: Horizon, *, one_to_one: bool
           ) -> list[Booking]:
    """Weekend stays (Friday 15:00 → Sunday 16:00) every or every other week, or midweek stays
    (Monday 15:00 → Wednesday 09:00) every other week."""
    out = []
    weekend = rng.random() < 0.7
    first = _weekday_on_or_after(horizon.start, 4 if weekend else 0)
    every = rng.choice((1, 2, 2)) if weekend else 2
    day = first + timedelta(weeks=rng.randrange(every))
    while day < horizon.end:
        if weekend:
            start, end = datetime.combine(day, time(15)), datetime.combine(
                day + timedelta(days=2), time(16))
        else:
            start, end = datetime.combine(day, time(15)), datetime.combine(
                day + timedelta(days=2), time(9))
        out.append(Booking(client=cid, unit=unit, start=start, end=end, one_to_one=one_to_one))
        day += timedelta(weeks=every)
    return out


def _supervision_days(rng: random.Random, cid: str, unit: str, horizon: Horizon
                      ) -> list[Booking]:
    """Three to five weekdays a week: after school until 16–18, on holidays 08:00–16:00; never
    on a public holiday (nobody books the supervision then)."""
    holidays = _school_holidays(horizon)
    days = sorted(rng.sample(range(5), rng.randint(3, 5)))
    home_time = rng.choice((16, 17, 18))
    out = []
    for offset in range(horizon.days):
        day = horizon.start + timedelta(days=offset)
        if day.weekday() not in days or day in public_holidays(day.year):
            continue
        if any(p.start <= day <= p.end for p in holidays):
            start, end = time(8), time(16)
        else:
            start, end = time(13), time(home_time)
        out.append(Booking(client=cid, unit=unit, start=datetime.combine(day, start),
                           end=datetime.combine(day, end)))
    return out


def _school_holidays(horizon: Horizon) -> list[DatePeriod]:
    """The sports holiday (week 9, as in Stockholm) and the Easter holiday (Easter Monday's
    week) of every year the horizon touches."""
    import holidays  # the package names the days (en_US)

    out = []
    for year in range(horizon.start.year, horizon.end.year + 1):
        week9 = date.fromisocalendar(year, 9, 1)
        out.append(DatePeriod(start=week9, end=week9 + timedelta(days=4)))
        calendar = holidays.country_holidays("SE", years=year, categories=("public",))
        monday = next(d for d, name in calendar.items() if name == "Easter Monday")
        out.append(DatePeriod(start=monday, end=monday + timedelta(days=4)))
    return out


def _group_staff(rng: random.Random, ids: _Ids, draft: Scenario) -> list[Staff]:
    """Per group unit: contracts ≈ its density demand (jour at the work fraction) × 0.9–1.1,
    mostly part-time monthly staff; hourly staff for the weekend peaks (at least twice the
    peak staffing plus one in all, as rest rules let nobody work every shift of a weekend)."""
    grid = TimeGrid.from_horizon(draft.horizon)
    weeks = draft.horizon.days / 7
    fraction = draft.rules.on_call_work_fraction
    out: list[Staff] = []
    for group in demand_groups(draft):
        demand = expand_unit_demand(group, draft, grid).demand
        slots = float(np.where(demand.on_call, demand.count * fraction, demand.count).sum())
        target = slots * grid.slot_minutes / 60 / weeks * rng.uniform(0.9, 1.1)
        unit = group[0].id
        people: list[_Person] = []
        while sum(p.contract for p in people) < target or len(people) < 4:
            degree = rng.choice((50, 60, 75, 75, 80, 90, 100))
            people.append(_Person(ids.next("A"), unit, degree * FULL_TIME / 100,
                                  EmploymentForm.MONTHLY))
        hourly = max(rng.randint(1, 2), 2 * int(demand.count.max()) + 1 - len(people))
        people += [_Person(ids.next("A"), unit, 0.0, EmploymentForm.HOURLY)
                   for _ in range(hourly)]
        out += [_staff(rng, p, draft.horizon, absences=True) for p in people]
    return out


# --- staff --------------------------------------------------------------------------------------


def _staff_unit(rng: random.Random, ids: _Ids, unit: str, groups: list[_Group]) -> list[_Person]:
    """Staff a unit: contract capacity ≈ need × a unit balance factor; groups of 4–12."""
    balance = rng.uniform(0.86, 1.12)
    for g in groups:
        g.target = g.work_hours * balance
    target = sum(g.target for g in groups)
    people: list[_Person] = []
    while sum(p.contract for p in people) < target:
        if rng.random() < 0.04:
            employment, degree = EmploymentForm.PAN, rng.choice((50, 75, 100))
        else:
            employment, degree = EmploymentForm.MONTHLY, _degree(rng)
        person = _Person(ids.next("A"), unit, degree * FULL_TIME / 100, employment)
        # Some monthly staff work days only (no nights); PAN family caregivers any time.
        person.nights = employment is EmploymentForm.PAN or rng.random() > 0.12
        g = min(groups, key=lambda g: (g.capacity / g.target if g.target else 9, -g.target))
        _approve(rng, person, g, certain=True)
        g.capacity += person.contract
        people.append(person)
    for _ in range(max(1, round(0.12 * len(people)))):
        person = _Person(ids.next("A"), unit, 0.0, EmploymentForm.HOURLY)
        g = min(groups, key=lambda g: (len(g.members) / g.min_members(), -g.target))
        _approve(rng, person, g, certain=True)
        people.append(person)
    # Pool staff: some assistants (most hourly ones) are approved for a second client.
    if len(groups) > 1:
        for person in people:
            chance = 0.5 if person.employment is EmploymentForm.HOURLY else 0.15
            if person.employment is EmploymentForm.PAN or rng.random() >= chance:
                continue
            choices = [g for g in groups if g.client_id not in person.clients and
                       len(g.members) < 12]
            if choices:
                _approve(rng, person, rng.choice(choices))
    # Every group gets enough people: 4, and for 24/7 groups enough night-capable ones.
    by_id = {p.staff_id: p for p in people}
    for g in groups:
        while True:
            night_capable = [m for m in g.members if by_id[m].nights]
            short = (len(night_capable) < g.min_members() if g.round_the_clock
                     else len(g.members) < g.min_members())
            if not short:
                break
            pool = [p for p in people if p.staff_id not in g.members and len(p.clients) < 2
                    and p.employment is not EmploymentForm.PAN
                    and (p.nights or not g.round_the_clock)]
            if pool:
                person = rng.choice(pool)
            else:
                person = _Person(ids.next("A"), unit, 0.0, EmploymentForm.HOURLY)
                people.append(person)
                by_id[person.staff_id] = person
            _approve(rng, person, g)
    for p in people:  # a few competences beyond what their clients require
        if rng.random() < 0.3:
            p.competences.add(rng.choice(_COMPETENCES))
    return people


def _approve(rng: random.Random, person: _Person, group: _Group, certain: bool = False) -> None:
    person.clients.append(group.client_id)
    group.members.append(person.staff_id)
    # Nearly everyone approved has the client's competences; a few still lack one (e.g. awaiting
    # a delegation), which makes them approved but not eligible.
    if certain or rng.random() < 0.92:
        person.competences.update(group.required)
    else:
        person.competences.update(group.required[1:])


def _overstaffing_team(rng: random.Random, ids: _Ids, units: list[Unit], groups: list[_Group],
                       size: str) -> list[_Person]:
    """The overstaffing team (5–7 surplus employees, twice that in XL), to be placed in
    vacancies. Until then they are a pool: each is approved for one or two clients of their
    home unit (so units stay separate components), and their spare contract hours show up as
    unused hours, the overcapacity the department wants to see."""
    if size == "M":
        return []
    count = rng.randint(5, 7) * (2 if size == "XL" else 1)
    team = []
    for _ in range(count):
        unit = rng.choice(units)
        person = _Person(ids.next("A"), unit.id, rng.choice((100, 100, 75)) * FULL_TIME / 100,
                         EmploymentForm.MONTHLY, team=True)
        person.competences.update(rng.sample(_COMPETENCES, rng.randint(0, 2)))
        others = [u.id for u in units if u.id != unit.id]
        person.preferred_units = [unit.id, *rng.sample(others, rng.randint(0, min(2, len(others))))]
        person.home_area = rng.choice(_AREAS)
        own = [g for g in groups if g.unit_id == unit.id and len(g.members) < 12]
        for g in rng.sample(own, min(len(own), rng.randint(1, 2))):
            _approve(rng, person, g, certain=True)
        team.append(person)
    return team


def _vacancies(rng: random.Random, units: list[Unit], groups: list[_Group], horizon: Horizon,
               team_size: int) -> list[Vacancy]:
    """Open positions for the team (a few more than members, some in a client's group)."""
    if not team_size:
        return []
    out = []
    for i in range(team_size + rng.randint(1, 3)):
        unit = rng.choice(units)
        own = [g for g in groups if g.unit_id == unit.id]
        client = rng.choice(own) if own and rng.random() < 0.5 else None
        required = list(client.required) if client else []
        if rng.random() < 0.3:
            required = sorted({*required, rng.choice(_COMPETENCES[:6])})
        out.append(Vacancy(
            id=f"V{i + 1:03d}",
            unit=unit.id,
            hours_per_week=rng.choice((30.0, 32.0, 36.0, 40.0)),
            required_competences=required,
            desired_competences=sorted(rng.sample(_COMPETENCES, rng.randint(0, 2))),
            start=horizon.start + timedelta(days=rng.randrange(0, 61)),
            client=client.client_id if client else None,
            area=_AREAS[(int(unit.id[1:]) - 1) % len(_AREAS)],
            title="Personlig assistent",
        ))
    return out


def _degree(rng: random.Random) -> int:
    return rng.choices(_DEGREES, weights=_DEGREE_WEIGHTS)[0]


def _staff(rng: random.Random, person: _Person, horizon: Horizon, *, absences: bool) -> Staff:
    availability = None
    if not person.nights:
        availability = [AvailabilityWindow(start="06:00", end="23:00")]
    elif person.employment is EmploymentForm.HOURLY and rng.random() < 0.5:
        # Students and others with another job: evenings on weekdays, any time at weekends.
        availability = [AvailabilityWindow(days=WORKDAYS, start="15:00", end="24:00"),
                        AvailabilityWindow(days=WEEKEND)]
    overtime = rng.uniform(0, 30) if rng.random() < 0.7 else 0.0
    if person.employment is EmploymentForm.MONTHLY and rng.random() < 0.03:
        overtime = rng.uniform(150, 195)  # close to the yearly cap already
    return Staff(
        id=person.staff_id,
        home_unit=person.unit_id,
        contract_hours_per_week=round(person.contract, 1),
        employment=person.employment,
        competences=sorted(person.competences),
        availability=availability,
        absences=_absences(rng, horizon) if absences else [],
        overtime_hours_this_year=round(overtime, 1) if person.contract else 0.0,
        overstaffing_team=person.team,
        preferred_units=person.preferred_units,
        home_area=person.home_area,
    )


def _absences(rng: random.Random, horizon: Horizon) -> list[TimePeriod]:
    out: list[TimePeriod] = []
    weeks = horizon.days // 7
    monday = horizon.start + timedelta(days=(7 - horizon.start.weekday()) % 7)
    if rng.random() < 0.01:  # long-term sick leave over the whole horizon
        first = datetime.combine(horizon.start, time(0))
        return [TimePeriod(start=first, end=first + timedelta(days=horizon.days),
                           reason="sick leave")]
    if weeks and rng.random() < 0.08:  # a vacation week (e.g. the sports holiday)
        first = datetime.combine(monday + timedelta(weeks=rng.randrange(weeks)), time(0))
        out.append(TimePeriod(start=first, end=first + timedelta(days=7), reason="vacation"))
    if rng.random() < 0.15:  # a few sick days
        first = datetime.combine(horizon.start + timedelta(days=rng.randrange(horizon.days)),
                                 time(0))
        sick = TimePeriod(start=first, end=first + timedelta(days=rng.randint(1, 4)),
                          reason="sick")
        if not any(sick.start < a.end and a.start < sick.end for a in out):
            out.append(sick)
    return sorted(out, key=lambda p: p.start)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- writing ------------------------------------------------------------------------------------


def summary(scenario: Scenario) -> dict[str, float]:
    """Headline figures: counts and weekly need (assistance windows plus the group units'
    density demand over the horizon, per week), granted and contract hours."""
    need = work = 0.0
    for c in scenario.clients:
        n, w, _ = week_hours(c.need.weekly, scenario.rules.on_call_work_fraction)
        need, work = need + n, work + w
    group_need = group_work = 0.0
    if scenario.bookings:
        grid = TimeGrid.from_horizon(scenario.horizon)
        per_week = grid.slot_minutes / 60 / (scenario.horizon.days / 7)
        fraction = scenario.rules.on_call_work_fraction
        for group in demand_groups(scenario):
            demand = expand_unit_demand(group, scenario, grid).demand
            group_need += float(demand.count.sum()) * per_week
            group_work += float(np.where(demand.on_call, demand.count * fraction,
                                         demand.count).sum()) * per_week
    need, work = need + group_need, work + group_work
    start = scenario.horizon.start
    granted = sum(
        d.granted_hours_per_week
        for c in scenario.clients
        for d in c.decisions
        if d.settlement_period.start <= start <= d.settlement_period.end
    )
    return {
        "units": len(scenario.units),
        "group_units": sum(u.is_group for u in scenario.units),
        "clients": len(scenario.clients),
        "bookings": len(scenario.bookings),
        "staff": len(scenario.staff),
        "group_need_hours_per_week": round(group_need, 1),
        "need_hours_per_week": round(need, 1),
        "need_work_hours_per_week": round(work, 1),
        "granted_hours_per_week": round(granted, 1),
        "contract_hours_per_week": round(
            sum(s.contract_hours_per_week for s in scenario.staff), 1),
    }


class _Dumper(yaml.SafeDumper):
    """Short mappings and lists of scalars in flow style ({id: A001, ...}) for readability."""


def _compact(value: Any) -> bool:
    inner: Iterable[Any]
    if isinstance(value, dict):
        inner = value.values()
    elif isinstance(value, list):
        inner = value
    else:
        return True
    flat = all(
        not isinstance(v, dict | list)
        or (isinstance(v, list) and all(not isinstance(x, dict | list) for x in v))
        for v in inner
    )
    return flat and len(json.dumps(value)) <= 110


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                    flow_style=_compact(data))


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(not isinstance(v, dict | list) for v in data) and _compact(data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def scenario_yaml(scenario: Scenario, header: str | None = None) -> str:
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data = {"format_version": scenario.format_version, **data}
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    if header:
        text = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + text
    return text


def write_scenario(scenario: Scenario, path: Path | str, header: str | None = None) -> Path:
    """Write ``scenario`` as readable YAML (defaults left out), with an optional comment header."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scenario_yaml(scenario, header), encoding="utf-8")
    return path


# --- scattered assistance hours (visits served in rounds) ----------------------------------------

# Visit times of day: (earliest start, latest start) in minutes after midnight, and how likely a
# client is to have a visit then (docs/domain.md, "Scattered assistance").
# The latest start plus the longest visit (75 min) and a weekend morning's delay (45 min) ends
# before the next slot's earliest start: a client's visits never touch (each stretch of need
# is one visit).
_VISIT_SLOTS = {
    "morning": (7 * 60, 9 * 60, 0.9),
    "lunch": (11 * 60 + 15, 13 * 60, 0.7),
    "afternoon": (14 * 60 + 30, 16 * 60, 0.4),
    "evening": (17 * 60 + 30, 20 * 60 + 30, 0.8),
}
_VISIT_MINUTES = (30, 45, 60, 75)
_VISIT_WEIGHTS = (2, 3, 3, 2)
# Where each unit's district lies on the local plane (km): units are apart, as districts are.
_DISTRICTS = ((0.0, 0.0), (12.0, 4.0), (-6.0, 10.0), (6.0, -9.0))


def generate_scattered(seed: int = 0, *, clients: int = 40, units: int = 2,
                       start: date = date(2027, 3, 1), days: int = 14,
                       rounds: bool = True, staffing: float = 1.5,
                       visit_window: int = 0) -> Scenario:
    """A seeded scattered-hours instance (issue 18): ``clients`` clients marked ``scattered``
    spread over ``units`` home-care-like units, each with 2–4 visits of 30–75 minutes a day
    (morning, lunch, afternoon, evening; the first two every day, the others on some days, and
    some mornings later at weekends), one client per unit with a double-staffed morning visit
    (a lift). Homes lie in two or three clusters per unit, within a few km of the district's
    centre, on the local plane; one measured travel time per unit overrides its pair's
    straight line. Municipal LSS decisions grant 5–15 % more than the visits (one in eight
    also pays for the travel to each visit, and grants 35 % more). Each unit has its own staff:
    part-time monthly contracts of about ``staffing`` (1.5) × the unit's visit hours (a
    round's travel and waiting on top of the visits), a quarter of the headcount hourly, each
    approved for 70–95 % of the unit's clients (every client at least five). Sized for the
    rounds: with one-client shifts only (``rounds=False``, today's practice) the same staff
    cannot reach every visit, which is the problem the issue describes. Deterministic per
    (seed, clients, units, days); ``staffing`` changes the staff only, ``visit_window`` (minutes,
    every client's ``visit_window_minutes``) the clients' visit windows only."""
    if not 1 <= units <= len(_DISTRICTS):
        raise ValueError(f"units: 1 to {len(_DISTRICTS)}, not {units}")
    if clients < 2 * units:
        raise ValueError(f"clients: at least two per unit ({2 * units}), not {clients}")
    if not 0.5 <= staffing <= 10:
        raise ValueError(f"staffing: 0.5 to 10 × the visit hours, not {staffing}")
    rng = random.Random(f"scattered:{seed}:{clients}:{units}:{days}")
    horizon = Horizon(start=start, days=days)
    ids = _Ids()
    unit_list = [Unit(id=f"U{i}", name=f"Hemtjänstliknande {i}") for i in range(1, units + 1)]
    per_unit = [clients // units + (i < clients % units) for i in range(units)]
    out_clients: list[Client] = []
    people: list[_Person] = []
    times: list[dict[str, Any]] = []
    for unit, count, district in zip(unit_list, per_unit, _DISTRICTS, strict=False):
        homes = _scattered_homes(rng, count, district)
        groups: list[_Group] = []
        for k in range(count):
            cid = ids.next("C")
            required = ["delegated_medication"] if rng.random() < 0.25 else []
            windows = _visit_windows(rng, double=k == 0)
            if k == 0:
                required = sorted({*required, "lift"})
            groups.append(_group(cid, unit.id, "scattered_visits", windows, required))
        staff = _scattered_staff(random.Random(f"scattered:{seed}:staff:{unit.id}:{staffing}"),
                                 ids, unit.id, groups, staffing)
        people += staff
        for g, home in zip(groups, homes, strict=True):
            charges_travel = rng.random() < 0.125
            margin = 1.35 if charges_travel else rng.uniform(1.05, 1.15)
            decisions = [
                d.model_copy(update={"charges_travel": charges_travel})
                for d in _decisions(rng, ids, g, horizon, kind=DecisionKind.LSS_ASSISTANCE,
                                    granted=math.ceil(g.need_hours * margin * 2) / 2,
                                    stage="normal")
            ]
            out_clients.append(Client(
                id=g.client_id, unit=g.unit_id, decisions=decisions,
                need=Need(weekly=g.windows), approved_staff=sorted(g.members),
                required_competences=g.required, scattered=True,
                home=Home(x_km=home[0], y_km=home[1]), visit_window_minutes=visit_window))
        a, b = rng.sample([g.client_id for g in groups], 2)
        # A measured time (a bridge, a one-way street) wins over the straight line.
        times.append({"between": [a, b], "minutes": rng.randint(12, 20)})
    staff_models = sorted((_staff(rng, p, horizon, absences=True) for p in people),
                          key=lambda s: s.id)
    visits = sum(len(w.days) for c in out_clients for w in c.need.weekly) / 7
    return Scenario.model_validate({
        "name": f"scattered-seed{seed}",
        "description": (
            f"Generated scattered-hours example: {units} unit{'s' * (units > 1)}, "
            f"{len(out_clients)} scattered clients (about {visits / len(out_clients):.1f} "
            f"visits a day each), {len(staff_models)} staff, {days} days; rounds "
            f"{'enabled' if rounds else 'disabled (one-client shifts only)'}."),
        "horizon": horizon.model_dump(),
        "units": [u.model_dump() for u in unit_list],
        "clients": [c.model_dump() for c in out_clients],
        "staff": [s.model_dump() for s in staff_models],
        "rounds": {"enabled": rounds, "travel": {"times": times}},
        "solver": {"time_limit_seconds": 60},
    })


def with_rounds(scenario: Scenario, enabled: bool) -> Scenario:
    """The same scenario with rounds enabled or not (``rounds.enabled: false``: one-client
    shifts only, today's practice), validated again."""
    data = scenario.model_dump()
    data["rounds"] = {**data["rounds"], "enabled": enabled}
    suffix = "" if enabled else "-one-client"
    data["name"] = scenario.name.removesuffix("-one-client") + suffix
    return Scenario.model_validate(data)


def _scattered_homes(rng: random.Random, count: int, district: tuple[float, float]
                     ) -> list[tuple[float, float]]:
    """Homes in two or three clusters (a village, a housing estate) of a district: cluster
    centres within 2.5 km of the district's centre, homes about 0.4 km around them."""
    centres = []
    for _ in range(rng.randint(2, 3)):
        angle, radius = rng.uniform(0, 2 * math.pi), rng.uniform(0.5, 2.5)
        centres.append((district[0] + radius * math.cos(angle),
                        district[1] + radius * math.sin(angle)))
    out = []
    for _ in range(count):
        cx, cy = rng.choice(centres)
        out.append((round(cx + rng.gauss(0, 0.4), 1), round(cy + rng.gauss(0, 0.4), 1)))
    return out


def _visit_windows(rng: random.Random, *, double: bool) -> list[NeedWindow]:
    """2–4 visits a day: the first two every day, the others on some days; a later morning
    at weekends for some; ``double``: the morning visit needs two assistants (a lift)."""
    k = rng.choices((2, 3, 4), weights=(35, 45, 20))[0]
    # Weighted sampling without replacement (Efraimidis–Spirakis): likelier slots come first.
    slots = sorted(_VISIT_SLOTS, key=lambda s: rng.random() ** (1 / _VISIT_SLOTS[s][2]),
                   reverse=True)[:k]
    if double:  # the lifted client's morning visit comes every day
        slots = ["morning", *(s for s in slots if s != "morning")][:k]
    windows: list[NeedWindow] = []
    for rank, slot in enumerate(slots):
        first, last, _ = _VISIT_SLOTS[slot]
        begin = first + 15 * rng.randint(0, (last - first) // 15)
        length = rng.choices(_VISIT_MINUTES, weights=_VISIT_WEIGHTS)[0]
        staff = 2 if double and slot == "morning" else 1
        if rank < 2:
            days: list[Weekday] = list(WEEKDAYS)
        else:
            days = rng.choice([WORKDAYS, WEEKEND, sorted(rng.sample(WEEKDAYS, rng.randint(3, 5)),
                                                         key=WEEKDAYS.index)])
        if slot == "morning" and days == list(WEEKDAYS) and rng.random() < 0.4:
            later = begin + rng.choice((30, 45))  # a later start at weekends
            windows.append(NeedWindow(days=WORKDAYS, start=_clock(begin),
                                      end=_clock(begin + length), staff=staff))
            windows.append(NeedWindow(days=WEEKEND, start=_clock(later),
                                      end=_clock(later + length), staff=staff))
            continue
        windows.append(NeedWindow(days=list(days), start=_clock(begin),
                                  end=_clock(begin + length), staff=staff))
    return sorted(windows, key=lambda w: (w.start_minute, WEEKDAYS.index(w.days[0])))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _scattered_staff(rng: random.Random, ids: _Ids, unit: str, groups: list[_Group],
                     staffing: float) -> list[_Person]:
    """A unit's staff: part-time monthly contracts summing to about ``staffing`` × the visit
    hours,
    a quarter of the headcount hourly; approvals to 70–95 % of the unit's clients each, every
    client at least five (with its competences: approvals go to those who have them)."""
    visit_hours = sum(g.need_hours for g in groups)
    target = staffing * visit_hours * rng.uniform(0.95, 1.1)
    people: list[_Person] = []
    while sum(p.contract for p in people) < target:
        # Home care's short shifts (one a day, rest between): many part-timers.
        degree = rng.choice((50, 50, 60, 60, 75, 75, 80, 100))
        people.append(_Person(ids.next("A"), unit, degree * FULL_TIME / 100,
                              EmploymentForm.MONTHLY))
    people += [_Person(ids.next("A"), unit, 0.0, EmploymentForm.HOURLY)
               for _ in range(max(3, round(len(people) / 3)))]
    for p in people:
        if rng.random() < 0.85:
            p.competences.add("delegated_medication")
        if rng.random() < 0.6:
            p.competences.add("lift")
    for p in people:
        share = rng.uniform(0.7, 0.95)
        for g in groups:
            if rng.random() < share and set(g.required) <= p.competences:
                p.clients.append(g.client_id)
                g.members.append(p.staff_id)
    for g in groups:
        able = [p for p in people if set(g.required) <= p.competences
                and p.staff_id not in g.members]
        rng.shuffle(able)
        while len(g.members) < 5 and able:
            p = able.pop()
            p.clients.append(g.client_id)
            g.members.append(p.staff_id)
    return people
