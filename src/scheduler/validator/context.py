"""What every audit needs, derived once from the scenario and the schedule (lazily)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, reduce
from math import ceil, gcd, hypot
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.domain.clients import Client, Decision, Service
from scheduler.domain.pins import PlannedVisit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, Visit
from scheduler.domain.staff import Staff
from scheduler.validator.groups import UnitProfile, stay_masks, unit_profiles
from scheduler.validator.timeline import (
    Grid,
    clock,
    daily_mask,
    local_midnight,
    to_utc,
    weekly_mask,
)

PlanKey = tuple[str, str | None, str | None, datetime, datetime,
                tuple[tuple[str, datetime, datetime, datetime | None], ...]]


@dataclass(frozen=True)
class NeedProfile:
    count: np.ndarray  # assistants needed at once (all need, decisions ignored)
    on_call: np.ndarray  # the need there is sleeping jour
    service: np.ndarray  # str per sample: the service the need is (a Service value)
    in_decision: np.ndarray  # some decision pays for the need of the sample
    # decision id → it pays for the sample: its period holds it and its kind grants the service
    pays: dict[str, np.ndarray]

    @property
    def schedulable(self) -> np.ndarray:
        return np.where(self.in_decision, self.count, 0)

    @property
    def jour(self) -> np.ndarray:
        return self.on_call & (self.count > 0)


@dataclass(frozen=True)
class Worked:
    """A shift worked before the horizon (the scenario's history), in real time. Its jour and
    unpaid breaks are known only as totals: split across a period boundary pro rata."""

    start: datetime  # UTC
    end: datetime
    on_call_hours: float
    unpaid_hours: float
    presence_hours: float | None = None  # a total's hours at work; None: a shift, all of it

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def present(self) -> float:
        return self.hours if self.presence_hours is None else self.presence_hours

    def share(self, w0: datetime, w1: datetime) -> float:
        """The part of the shift inside [w0, w1)."""
        inside = (min(self.end, w1) - max(self.start, w0)).total_seconds() / 3600
        return max(0.0, inside) / self.hours if self.hours > 0 else 0.0


@dataclass(frozen=True)
class Period:
    """A calendar period (week, 4-week window, limiting period): local midnights, real time."""

    start: datetime  # UTC
    end: datetime
    days: int


@dataclass(frozen=True)
class Block:
    """A limiting period for the hour caps: whole local days from the horizon start."""

    index: int
    start: datetime
    end: datetime
    days: int


class Context:
    def __init__(self, scenario: Scenario, schedule: Schedule) -> None:
        self.scenario = scenario
        self.schedule = schedule
        self.rules = scenario.rules
        self.tz = ZoneInfo(scenario.horizon.timezone)
        self.h0 = local_midnight(scenario.horizon.start, self.tz)
        self.h1 = local_midnight(scenario.horizon.end, self.tz)
        self.staff: dict[str, Staff] = scenario.staff_by_id()
        self.clients: dict[str, Client] = scenario.client_by_id()
        self.shifts: list[Shift] = list(schedule.shifts)
        # Every shift as a UTC interval; all later arithmetic is on these.
        self.spans: list[tuple[datetime, datetime]] = [
            (to_utc(s.start, self.tz), to_utc(s.end, self.tz)) for s in self.shifts
        ]
        self.step = self._resolution()
        self.grid = Grid.build(self.h0, self.h1, self.step, self.tz)
        self.memo: dict[str, object] = {}  # results shared between audits

    # --- time ---------------------------------------------------------------------------------

    def _resolution(self) -> int:
        """The largest step at which nothing changes inside a sample: the gcd of the slot and of
        every boundary's minute (windows, exceptions, absences, shift ends). Usually the slot."""
        minutes: list[int] = [self.scenario.horizon.slot_minutes]
        for c in self.scenario.clients:
            for w in c.need.weekly:
                minutes += [clock(w.start), clock(w.end)]
            for e in c.need.exceptions:
                minutes += [e.start.hour * 60 + e.start.minute, e.end.hour * 60 + e.end.minute]
        for s in self.scenario.staff:
            for a in s.availability or []:
                minutes += [clock(a.start), clock(a.end)]
            for p in s.absences:
                minutes += [p.start.hour * 60 + p.start.minute, p.end.hour * 60 + p.end.minute]
        minutes += [clock(self.rules.night_start), clock(self.rules.night_end)]
        for u in self.scenario.units:
            for window in u.opening_hours:
                minutes += [clock(window.start), clock(window.end)]
            if u.density.night is not None:
                minutes += [clock(u.density.night.start), clock(u.density.night.end)]
        for b in self.scenario.bookings:
            minutes += [b.start.hour * 60 + b.start.minute, b.end.hour * 60 + b.end.minute]
        edges = list(self.spans)
        edges += [(to_utc(b.start, self.tz), to_utc(b.end, self.tz))
                  for s in self.shifts for b in s.breaks]
        edges += [(to_utc(v.start, self.tz), to_utc(v.end, self.tz))
                  for s in self.shifts for v in s.visits]
        edges += [(to_utc(v.asked_start, self.tz), to_utc(v.asked_start, self.tz))
                  for s in self.shifts for v in s.visits if v.asked_start is not None]
        for start, end in edges:
            for t in (start, end):
                minutes.append(int((t - self.h0).total_seconds() // 60))
        return max(1, reduce(gcd, (abs(m) for m in minutes)))

    def instant(self, moment: datetime) -> datetime:
        return to_utc(moment, self.tz)

    def asked(self, visit: Visit) -> tuple[datetime, datetime]:
        """The need a visit serves (UTC): at its asked start where it was moved within its
        client's visit window, as long as the visit."""
        start, end = self.instant(visit.start), self.instant(visit.end)
        if visit.asked_start is None:
            return start, end
        asked = self.instant(visit.asked_start)
        return asked, asked + (end - start)

    def hours(self, samples: float | np.integer) -> float:
        return float(samples) * self.step / 60

    @cached_property
    def blocks(self) -> list[Block]:
        horizon = self.scenario.horizon
        length = self.rules.limiting_period_weeks * 7
        out: list[Block] = []
        for first in range(0, horizon.days, length):
            days = min(length, horizon.days - first)
            day0 = horizon.start + timedelta(days=first)
            out.append(
                Block(
                    index=len(out),
                    start=local_midnight(day0, self.tz),
                    end=local_midnight(day0 + timedelta(days=days), self.tz),
                    days=days,
                )
            )
        return out

    # --- calendar periods across plans -------------------------------------------------------

    def periods(self, days: int, anchor: date) -> list[Period]:
        """The periods of ``days`` days counted from ``anchor`` (local midnight) that touch the
        horizon: the first and last may reach outside it (history before, the next plan
        after)."""
        horizon = self.scenario.horizon
        first = (horizon.start - anchor).days // days
        out: list[Period] = []
        k = first
        while True:
            day0 = anchor + timedelta(days=k * days)
            if day0 >= horizon.end:
                return out
            out.append(Period(local_midnight(day0, self.tz),
                              local_midnight(day0 + timedelta(days=days), self.tz), days))
            k += 1

    @cached_property
    def weeks(self) -> list[Period]:
        """Calendar weeks from ``rules.week_start_day`` 00:00 that touch the horizon."""
        return self.periods(7, self.rules.period_start)

    @cached_property
    def four_weeks(self) -> list[Period]:
        """The 4-week windows of the caps "per 4 weeks", from ``rules.period_start``."""
        return self.periods(28, self.rules.period_start)

    @cached_property
    def limiting_periods(self) -> list[Period]:
        return self.periods(7 * self.rules.limiting_period_weeks, self.rules.period_start)

    @cached_property
    def history(self) -> dict[str, list[Worked]]:
        """Per staff id: the shifts worked before the horizon, in real time, by start."""
        out: dict[str, list[Worked]] = {}
        if self.scenario.history is None:
            return out
        for entry in self.scenario.history.staff:
            out[entry.staff] = sorted(
                (Worked(to_utc(s.start, self.tz), to_utc(s.end, self.tz), s.on_call_hours,
                        s.unpaid_break_hours) for s in entry.shifts),
                key=lambda w: (w.start, w.end))
        return out

    @cached_property
    def totals(self) -> dict[str, list[Worked]]:
        """Per staff id: the history's totals (hours whose shifts are not listed); they count in
        the hour caps, spread over their span, never in the rest rules."""
        out: dict[str, list[Worked]] = {}
        if self.scenario.history is None:
            return out
        for entry in self.scenario.history.staff:
            out[entry.staff] = [
                Worked(to_utc(t.start, self.tz), to_utc(t.end, self.tz), t.on_call_hours,
                       t.unpaid_break_hours, t.presence_hours) for t in entry.totals]
        return out

    def hours_in(self, staff_id: str, w0: datetime, w1: datetime) -> tuple[float, float, float]:
        """(presence, jour, unpaid break) hours of ``staff_id`` inside [w0, w1): the schedule's
        shifts by the sample (work belongs to the period it is worked in) and the history's
        pro rata."""
        presence = jour = unpaid = 0.0
        for w in [*self.history.get(staff_id, []), *self.totals.get(staff_id, [])]:
            share = w.share(w0, w1)
            presence += share * w.present
            jour += share * w.on_call_hours
            unpaid += share * w.unpaid_hours
        window = self.grid.span(w0, w1)
        for i in self.by_staff.get(staff_id, []):
            part = self.samples(i)
            lo, hi = max(part.start, window.start), min(part.stop, window.stop)
            if hi <= lo:
                continue
            presence += self.hours(hi - lo)
            jour += self.hours(self.jour_samples(i)[lo - part.start: hi - part.start].sum())
            unpaid += self.hours(self.unpaid_samples(i)[lo - part.start: hi - part.start].sum())
        return presence, jour, unpaid

    def work_hours(self, presence: float, jour: float, unpaid: float) -> float:
        """Work time: presence less unpaid breaks, jour at its counted fraction."""
        return presence - unpaid - jour + self.rules.on_call_work_fraction * jour

    def jour_samples(self, index: int) -> np.ndarray:
        """Per sample of shift ``index``: its client's (or unit's) need is sleeping jour; for a
        shift with visits only inside its visits (travel and waiting are awake work)."""
        s = self.shifts[index]
        part = self.samples(index)
        out = np.zeros(part.stop - part.start, dtype=bool)
        if s.visits:
            # The need's jour at its asked time, where the visit is held.
            for v in s.visits:
                profile = self.need.get(v.client)
                held = self.grid.span(self.instant(v.start), self.instant(v.end))
                moved = self.grid.span(*self.asked(v)).start - held.start
                lo, hi = max(held.start, part.start), min(held.stop, part.stop)
                if profile is not None and hi > lo and lo + moved >= 0 and hi + moved <= len(
                        profile.jour):
                    out[lo - part.start: hi - part.start] = profile.jour[lo + moved:hi + moved]
            return out
        if s.client is not None:
            profile = self.need.get(s.client)
            jour = None if profile is None else profile.jour
        else:
            unit = self.units.get(self.unit_owner.get(s.unit, ""))
            jour = None if unit is None else unit.jour
        return out if jour is None else jour[part]

    def unpaid_samples(self, index: int) -> np.ndarray:
        """Per sample of shift ``index``: on an unpaid break."""
        part = self.samples(index)
        out = np.zeros(part.stop - part.start, dtype=bool)
        for b in self.shifts[index].breaks:
            if not b.paid:
                inner = self.grid.span(self.instant(b.start), self.instant(b.end))
                out[max(inner.start - part.start, 0): max(inner.stop - part.start, 0)] = True
        return out

    def block_of(self, index: int) -> Block:
        """The block in which shift ``index`` starts (by local date; clamped to the horizon)."""
        day = self.spans[index][0].astimezone(self.tz).date()
        offset = (day - self.scenario.horizon.start).days // (self.rules.limiting_period_weeks * 7)
        return self.blocks[min(max(offset, 0), len(self.blocks) - 1)]

    # --- need ---------------------------------------------------------------------------------

    def need_on(self, client: Client, grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(count, on_call, service) per sample from the weekly windows, overridden by
        exceptions. Windows (and exceptions) of different services never overlap (the scenario
        refuses it); a sample without a window is assistance."""
        best_on_call = np.zeros(grid.n, dtype=np.int16)
        best_awake = np.zeros(grid.n, dtype=np.int16)
        service = np.full(grid.n, Service.ASSISTANCE.value, dtype=object)
        for w in client.need.weekly:
            inside = weekly_mask(grid, w.days, w.start, w.end)
            target = best_on_call if w.on_call else best_awake
            np.maximum(target, np.where(inside, w.staff, 0), out=target)
            service[inside] = w.service.value
        count = np.maximum(best_on_call, best_awake)
        on_call = best_on_call > best_awake
        if client.need.exceptions:
            # Overlapping exceptions combine like windows: the largest count wins.
            ex_on_call = np.full(grid.n, -1, dtype=np.int16)
            ex_awake = np.full(grid.n, -1, dtype=np.int16)
            for e in client.need.exceptions:
                part = grid.span(self.instant(e.start), self.instant(e.end))
                target = ex_on_call if e.on_call else ex_awake
                target[part] = np.maximum(target[part], e.staff)
                service[part] = e.service.value
            hit = (ex_on_call >= 0) | (ex_awake >= 0)
            count = np.where(hit, np.maximum(ex_on_call, ex_awake), count)
            on_call = np.where(hit, ex_on_call > ex_awake, on_call)
        return count, on_call, service

    def paying_decisions(self, client: Client) -> list[Decision]:
        """The decisions that pay for some need of a client's: all but short-term stays, which
        pay for stays in a group unit and never for need windows (docs/domain.md, Decisions)."""
        return [d for d in client.decisions if d.kind.service is not None]

    @staticmethod
    def pays_for(decision: Decision, service: np.ndarray) -> np.ndarray:
        """Bool per sample: the need there is the service the decision's kind grants."""
        wanted = decision.kind.service
        if wanted is None:
            return np.zeros(service.shape, dtype=bool)
        return np.asarray(service == wanted.value, dtype=bool)

    def period_mask(self, decision: Decision, grid: Grid) -> np.ndarray:
        period = decision.settlement_period
        return (grid.ordinal >= period.start.toordinal()) & (grid.ordinal <= period.end.toordinal())

    @cached_property
    def need(self) -> dict[str, NeedProfile]:
        out: dict[str, NeedProfile] = {}
        for c in self.scenario.clients:
            count, on_call, service = self.need_on(c, self.grid)
            pays = {d.id: self.period_mask(d, self.grid) & self.pays_for(d, service)
                    for d in self.paying_decisions(c)}
            in_decision = np.zeros(self.grid.n, dtype=bool)
            for mask in pays.values():
                in_decision |= mask
            out[c.id] = NeedProfile(count, on_call, service, in_decision, pays)
        return out

    @cached_property
    def units(self) -> dict[str, UnitProfile]:
        """Group-unit demand owners by key ('unit:U3', 'unit:U3+U4' when co-located)."""
        return unit_profiles(self.scenario, self.grid, self.tz)

    @cached_property
    def unit_owner(self) -> dict[str, str]:
        """Group unit id → its demand owner's key."""
        return {u.id: key for key, p in self.units.items() for u in p.units}

    @cached_property
    def stays(self) -> dict[str, np.ndarray]:
        """Per client: samples of stays during which their assistance is not staffed."""
        return stay_masks(self.scenario, self.grid, self.tz)

    def is_unit_shift(self, index: int) -> bool:
        """A group-unit shift: no client and no visits (a round has no client either)."""
        s = self.shifts[index]
        return s.client is None and not s.visits

    def owner_of(self, index: int) -> str | None:
        """The demand owner a shift staffs as a whole: its client, or its group unit's owner
        key; None for a shift with visits (it staffs its visits' clients during the visits)."""
        s = self.shifts[index]
        if s.visits:
            return None
        return s.client if s.client is not None else self.unit_owner.get(s.unit)

    def served(self, index: int) -> list[tuple[str, slice]]:
        """(owner, samples) a shift staffs: each visit's client during the visit only, else its
        owner during the whole shift (docs/domain.md: a shift staffs a client only during its
        visits)."""
        s = self.shifts[index]
        if s.visits:
            return [(v.client, self.grid.span(*self.asked(v))) for v in s.visits]
        owner = self.owner_of(index)
        return [] if owner is None else [(owner, self.samples(index))]

    @cached_property
    def night(self) -> np.ndarray:
        return daily_mask(self.grid, self.rules.night_start, self.rules.night_end)

    # --- shifts -------------------------------------------------------------------------------

    def samples(self, index: int) -> slice:
        start, end = self.spans[index]
        return self.grid.span(start, end)

    @cached_property
    def cover(self) -> dict[str, np.ndarray]:
        """Per owner (client id, unit key): how many of its shifts cover each sample (double
        assistance counts 2; staff on a break count: they are on shift)."""
        out = {c.id: np.zeros(self.grid.n, dtype=np.int16) for c in self.scenario.clients}
        out.update({key: np.zeros(self.grid.n, dtype=np.int16) for key in self.units})
        for i in range(len(self.shifts)):
            for owner, part in self.served(i):
                if owner in out:
                    out[owner][part] += 1
        return out

    @cached_property
    def away(self) -> dict[str, np.ndarray]:
        """Per unit owner: staff on an unpaid break at each sample."""
        out = {key: np.zeros(self.grid.n, dtype=np.int16) for key in self.units}
        for i, s in enumerate(self.shifts):
            owner = self.owner_of(i)
            if owner not in out:
                continue
            for b in s.breaks:
                if not b.paid:
                    out[owner][self.grid.span(self.instant(b.start), self.instant(b.end))] += 1
        return out

    @cached_property
    def unpaid_hours(self) -> list[float]:
        """Per shift: hours of unpaid breaks inside it (they do not count as work)."""
        out: list[float] = []
        for i, s in enumerate(self.shifts):
            start, end = self.spans[i]
            total = 0.0
            for b in s.breaks:
                if not b.paid:
                    a, z = max(start, self.instant(b.start)), min(end, self.instant(b.end))
                    total += max(0.0, (z - a).total_seconds() / 3600)
            out.append(total)
        return out

    @cached_property
    def jour_hours(self) -> list[float]:
        """Per shift: the hours in which its client's (or unit's) need is sleeping jour."""
        return [self.hours(self.jour_samples(i).sum()) for i in range(len(self.shifts))]

    def elapsed_hours(self, index: int) -> float:
        start, end = self.spans[index]
        return (end - start).total_seconds() / 3600

    def rest_after(self, index: int) -> float:
        """Daily rest owed after a shift: longer shifts are followed by at least their length."""
        return self.rest_after_hours(self.elapsed_hours(index))

    def rest_after_hours(self, length: float) -> float:
        rest = self.rules.daily_rest_hours
        return max(rest, length) if length > self.rules.long_shift_hours else rest

    @cached_property
    def by_staff(self) -> dict[str, list[int]]:
        """Shift indices per staff id, ordered by start (then end)."""
        out: dict[str, list[int]] = {}
        for i, s in enumerate(self.shifts):
            out.setdefault(s.staff, []).append(i)
        for indices in out.values():
            indices.sort(key=lambda i: self.spans[i])
        return out

    def plan_key(self, staff: str, client: str | None, unit: str | None, start: datetime,
                 end: datetime, visits: Sequence[Visit] | Sequence[PlannedVisit]) -> PlanKey:
        """What identifies a shift across plans (pins, re-plans): staff, client (or unit),
        start, end and its visits (client, start, end): a round's span alone is not enough."""
        return (staff, client, None if client is not None else unit, self.instant(start),
                self.instant(end),
                tuple((v.client, self.instant(v.start), self.instant(v.end),
                       None if v.asked_start is None else self.instant(v.asked_start))
                      for v in visits))

    # --- visits (scattered clients) -----------------------------------------------------------

    def travel_between(self, a: str, b: str) -> int | None:
        """Travel minutes from client ``a``'s home to ``b``'s, derived here on purpose (not via
        the domain's helper): a measured time in ``rounds.travel.times`` wins, else the straight
        line × ``detour_factor`` at ``speed_kmh``, rounded up, at least ``minimum_minutes``;
        0 for the same client; None when neither is known."""
        if a == b:
            return 0
        travel = self.scenario.rounds.travel
        for t in travel.times:
            if set(t.between) == {a, b}:
                return t.minutes
        first, second = self.clients.get(a), self.clients.get(b)
        if first is None or second is None or first.home is None or second.home is None:
            return None
        km = hypot(first.home.x_km - second.home.x_km,
                   first.home.y_km - second.home.y_km) * travel.detour_factor
        # The guard keeps float noise (e.g. 12.000000001) from adding a minute.
        return max(travel.minimum_minutes, ceil(km / travel.speed_kmh * 60 - 1e-9))

    @cached_property
    def visit_travel(self) -> list[list[int | None]]:
        """Per shift, per visit: the travel minutes before it (0 for the first visit and
        after a visit of the same client; None where no travel time is known)."""
        out: list[list[int | None]] = []
        for s in self.shifts:
            row: list[int | None] = [0] if s.visits else []
            for prev, visit in zip(s.visits, s.visits[1:], strict=False):
                row.append(self.travel_between(prev.client, visit.client))
            out.append(row)
        return out

    def travel_spans(self, index: int) -> list[tuple[datetime, datetime]]:
        """The travel intervals of a shift: right after each visit followed by another
        client's, as long as the derived travel (the reported one where none is known)."""
        s = self.shifts[index]
        out: list[tuple[datetime, datetime]] = []
        for k in range(1, len(s.visits)):
            derived = self.visit_travel[index][k]
            minutes = s.visits[k].travel_minutes if derived is None else derived
            if minutes > 0:
                end = self.instant(s.visits[k - 1].end)
                out.append((end, end + timedelta(minutes=minutes)))
        return out

    @cached_property
    def visit_hours(self) -> list[tuple[float, float]]:
        """Per shift: (travel, waiting) hours re-derived from its visits. Waiting is the
        shift's time in no visit, no travel and no break; (0, 0) for a shift without visits."""
        out: list[tuple[float, float]] = []
        for i, s in enumerate(self.shifts):
            if not s.visits:
                out.append((0.0, 0.0))
                continue
            start, end = self.spans[i]
            travel = self.travel_spans(i)
            busy = [(self.instant(v.start), self.instant(v.end)) for v in s.visits]
            busy += travel
            busy += [(self.instant(b.start), self.instant(b.end)) for b in s.breaks]
            clipped = sorted((max(a, start), min(z, end)) for a, z in busy if a < end and start < z)
            covered = 0.0
            cursor = start
            for a, z in clipped:
                a = max(a, cursor)
                if z > a:
                    covered += (z - a).total_seconds()
                    cursor = z
            total = (end - start).total_seconds()
            travel_h = sum((z - a).total_seconds() for a, z in travel) / 3600
            out.append((travel_h, max(0.0, total - covered) / 3600))
        return out
