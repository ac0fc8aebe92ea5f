"""Group units re-derived for the validator, from the scenario alone (no engine code).

Opening hours (school days: Monday–Friday, not a Swedish public holiday, not in a school-holiday
period), clients present per sample from the bookings, the density rules, co-located units as
one joint demand, the staff floor during unpaid breaks, stays that suspend personal assistance,
and who may work where. The rules are those of ``scheduler.domain.scenario`` (DensityRules,
BreakRules, Pool, co_location), written out again here on the validator's own sampling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.domain.clients import Client
from scheduler.domain.common import WEEKDAYS
from scheduler.domain.scenario import Scenario
from scheduler.domain.staff import Staff
from scheduler.domain.units import OpeningWindow, Unit, UnitKind
from scheduler.validator.timeline import Grid, clock, daily_mask, to_utc

GROUP = {UnitKind.SHORT_TERM_STAY, UnitKind.AFTER_SCHOOL, UnitKind.LEISURE}
UNPAID_BY_DEFAULT = {UnitKind.SHORT_TERM_STAY, UnitKind.LEISURE}


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("SE", years=year, categories=("public",)))


def unpaid_breaks(unit: Unit) -> bool:
    allowed = unit.breaks.allowed
    return allowed if allowed is not None else unit.kind in UNPAID_BY_DEFAULT


@dataclass(frozen=True)
class UnitProfile:
    """One demand owner made of group units (several when co-located)."""

    key: str
    units: tuple[Unit, ...]
    count: np.ndarray  # staff needed per sample
    on_call: np.ndarray  # that need is sleeping jour
    floor: np.ndarray  # staff who must stay while others are on unpaid breaks
    unpaid: bool  # every unit of the group allows unpaid breaks

    @property
    def jour(self) -> np.ndarray:
        return self.on_call & (self.count > 0)


def owner_groups(scenario: Scenario) -> list[tuple[Unit, ...]]:
    by_id = scenario.unit_by_id()
    together = {uid: group for group in scenario.co_location for uid in group}
    out: list[tuple[Unit, ...]] = []
    done: set[str] = set()
    for unit in scenario.units:
        if unit.kind not in GROUP or unit.id in done:
            continue
        ids: list[str] = []
        for uid in together.get(unit.id, [unit.id]):
            if uid not in ids:
                ids.append(uid)
        done.update(ids)
        out.append(tuple(by_id[i] for i in ids))
    return out


def _school_day(day: date, scenario: Scenario) -> bool:
    if day.weekday() >= 5 or day in _public_holidays(day.year):
        return False
    return not any(p.start <= day <= p.end for p in scenario.school_holidays)


def _open(grid: Grid, unit: Unit, scenario: Scenario) -> np.ndarray:
    if not unit.opening_hours:
        return np.ones(grid.n, dtype=bool)
    dates = {o: date.fromordinal(int(o)) for o in np.unique(grid.ordinal)}
    dates.update({o - 1: date.fromordinal(int(o) - 1) for o in list(dates)})
    out = np.zeros(grid.n, dtype=bool)
    for w in unit.opening_hours:
        ok = {o: _window_day(w, d, scenario) for o, d in dates.items()}
        today = np.array([ok[o] for o in grid.ordinal], dtype=bool)
        first, last = clock(w.start), clock(w.end)
        if last > first:
            out |= today & (grid.minute >= first) & (grid.minute < last)
        else:
            yesterday = np.array([ok[o - 1] for o in grid.ordinal], dtype=bool)
            out |= (today & (grid.minute >= first)) | (yesterday & (grid.minute < last))
    return out


def _window_day(w: OpeningWindow, day: date, scenario: Scenario) -> bool:
    if WEEKDAYS[day.weekday()] not in w.days:
        return False
    if w.applies == "always":
        return True
    return _school_day(day, scenario) == (w.applies == "school_days")


def unit_profiles(scenario: Scenario, grid: Grid, tz: ZoneInfo) -> dict[str, UnitProfile]:
    out: dict[str, UnitProfile] = {}
    for group in owner_groups(scenario):
        ratio = np.zeros(grid.n)
        ones = np.zeros(grid.n, dtype=np.int32)
        floor_day = np.zeros(grid.n, dtype=np.int32)
        someone_day = np.zeros(grid.n, dtype=bool)
        night_need = np.zeros(grid.n, dtype=np.int32)
        awake_at_night = np.zeros(grid.n, dtype=bool)
        stay_floor = np.zeros(grid.n, dtype=np.int32)
        for unit in group:
            d = unit.density
            is_open = _open(grid, unit, scenario)
            booked = np.zeros(grid.n, dtype=np.int32)
            booked_1to1 = np.zeros(grid.n, dtype=np.int32)
            for b in scenario.bookings:
                if b.unit == unit.id:
                    part = grid.span(to_utc(b.start, tz), to_utc(b.end, tz))
                    (booked_1to1 if b.one_to_one else booked)[part] += 1
            present = np.where(is_open, booked + booked_1to1, 0)
            night = (daily_mask(grid, d.night.start, d.night.end) if d.night is not None
                     else np.zeros(grid.n, dtype=bool))
            day = is_open & ~night
            ratio += np.where(day, booked / d.clients_per_staff, 0)
            ones += np.where(day, booked_1to1 * d.one_to_one_staff, 0)
            least = np.where(present > 0, d.min_staff, d.min_staff_when_empty)
            floor_day = np.maximum(floor_day, np.where(day, least, 0))
            someone_day |= day & ((present > 0) | (d.min_staff_when_empty > 0))
            if d.night is not None:
                sleeping_house = is_open & night & (present > 0)
                night_need = np.maximum(night_need, np.where(sleeping_house, d.night.staff, 0))
                if d.night.mode == "awake":
                    awake_at_night |= sleeping_house
            keep = unit.breaks.min_staff if unit.breaks.min_staff is not None else d.min_staff
            stay_floor = np.maximum(stay_floor, np.where(is_open, keep, 0))
        by_ratio = np.ceil(np.round(ratio, 9)).astype(np.int32)
        day_need = np.where(someone_day, np.maximum(floor_day, by_ratio + ones), 0)
        count = (day_need + night_need).astype(np.int32)
        key = "unit:" + "+".join(u.id for u in group)
        out[key] = UnitProfile(
            key=key,
            units=group,
            count=count,
            on_call=(day_need == 0) & (night_need > 0) & ~awake_at_night,
            floor=np.minimum(np.maximum(stay_floor, ones), count),
            unpaid=all(unpaid_breaks(u) for u in group),
        )
    return out


def stay_masks(scenario: Scenario, grid: Grid, tz: ZoneInfo) -> dict[str, np.ndarray]:
    """Per client: samples inside a booking that does not mark the assistance as needed."""
    out: dict[str, np.ndarray] = {}
    for b in scenario.bookings:
        if b.assistance_needed:
            continue
        mask = out.setdefault(b.client, np.zeros(grid.n, dtype=bool))
        mask[grid.span(to_utc(b.start, tz), to_utc(b.end, tz))] = True
    return out


def units_of(staff: Staff, scenario: Scenario) -> set[str]:
    """Home unit, also_units, and the units pooled or co-located with the home unit."""
    units = {staff.home_unit, *staff.also_units}
    for pool in scenario.pooling:
        if staff.home_unit in pool.units:
            units |= set(pool.units)
    for group in scenario.co_location:
        if staff.home_unit in group:
            units |= set(group)
    return units


def accepted(client: Client, staff: Staff, scenario: Scenario) -> bool:
    """Approved by the client, or in a pool whose clients accept every pooled assistant."""
    return staff.id in client.approved_staff or any(
        pool.clients_accept_pool and client.unit in pool.units and staff.home_unit in pool.units
        for pool in scenario.pooling
    )


def serves(client: Client, staff: Staff, scenario: Scenario) -> bool:
    """Accepted by the client and competent."""
    return accepted(client, staff, scenario) and set(client.required_competences) <= set(
        staff.competences
    )


def works_in(profile: UnitProfile, staff: Staff, scenario: Scenario) -> bool:
    needed = {c for u in profile.units for c in u.required_competences}
    return bool({u.id for u in profile.units} & units_of(staff, scenario)) and needed <= set(
        staff.competences
    )
