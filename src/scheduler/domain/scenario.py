"""The scenario: everything the engine needs to propose a schedule (the input contract).

Models are frozen and strict (``extra="forbid"``): a misspelt field is an error, not a silently
ignored setting. Cross-references (unknown ids, overlapping periods, ...) are checked in
``Scenario``'s model validator so every error names the field and the id.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Final, Literal, Protocol
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from scheduler.domain.clients import Client, Decision, DecisionKind
from scheduler.domain.common import DatePeriod, Frozen, Horizon, Id, parse_clock
from scheduler.domain.costs import CostSettings
from scheduler.domain.history import History
from scheduler.domain.opening import closed_parts
from scheduler.domain.pins import PinnedShift, PlannedShift, pin_errors
from scheduler.domain.placement import PlacementSettings, Vacancy, vacancy_reference_errors
from scheduler.domain.replan import Replan
from scheduler.domain.scattered import RoundSettings
from scheduler.domain.settings import ShiftGeneration, SolverSettings, Weights, WorkingTimeRules
from scheduler.domain.staff import Staff
from scheduler.domain.units import Booking, Pool, Unit, co_location_errors, pooling_errors

FORMAT_VERSION: Final = "1"


class Scenario(Frozen):
    """A complete scheduling problem: who needs what, who can work, and under which rules."""

    format_version: Literal["1"] = FORMAT_VERSION
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
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
    history: History | None = Field(
        default=None, description="Shifts worked before the horizon (continuous planning)."
    )
    pinned_shifts: list[PinnedShift] = Field(
        default_factory=list, description="Shifts every plan keeps exactly (re-planning)."
    )
    rounds: RoundSettings = Field(
        default_factory=RoundSettings,
        description="Scattered clients' visits: rounds, travel between homes, waiting.")
    replan: Replan | None = Field(
        default=None, description="A re-plan of a previous plan from a moment on: nothing "
        "before it changes, and each changed shift-hour after it costs weights.change.")

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
            errors += [f"{where}.need.{e}" for e in c.need.service_conflicts()]
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
            errors += [f"{where}.works_weekdays_only: {e}" for e in s.weekdays_only_errors()]
            periods = sorted(s.absences, key=lambda p: p.start)
            for p, q in itertools.pairwise(periods):
                if q.start < p.end:
                    errors.append(
                        f"{where}.absences: {p.start:%Y-%m-%d %H:%M}–{p.end:%Y-%m-%d %H:%M} and "
                        f"{q.start:%Y-%m-%d %H:%M}–{q.end:%Y-%m-%d %H:%M} overlap"
                    )
        errors += vacancy_reference_errors(
            self.vacancies, unit_ids, {c.id: c.unit for c in self.clients}
        )
        errors += self._group_errors(unit_ids)
        errors += self._history_errors(staff_ids, unit_ids)
        later = {u for group in self.co_location for u in group[1:]}
        errors += pin_errors(self.pinned_shifts, self.horizon, staff_ids,
                             {c.id for c in self.clients},
                             {u.id: u.is_group and u.id not in later for u in self.units})
        errors += self._replan_errors(staff_ids, later)
        errors += self._round_errors()
        clients = {c.id for c in self.clients}
        for e in self.rules.long_shift_exceptions:
            where = f"rules.long_shift_exceptions[{e.id}]"
            errors += [f"{where}.staff: unknown staff {s!r}" for s in e.staff if s not in staff_ids]
            errors += [f"{where}.clients: unknown client {c!r}" for c in e.clients
                       if c not in clients]
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def _round_errors(self) -> list[str]:
        """Travel times name scattered clients, once per pair; with rounds on, every two
        scattered clients of a unit have a travel time (measured, or from both homes)."""
        errors: list[str] = []
        scattered = {c.id: c for c in self.clients if c.scattered}
        known = {c.id for c in self.clients}
        pairs: set[frozenset[str]] = set()
        for i, t in enumerate(self.rounds.travel.times):
            where = f"rounds.travel.times[{i}].between"
            for cid in t.between:
                if cid not in known:
                    errors.append(f"{where}: unknown client {cid!r}")
                elif cid not in scattered:
                    errors.append(f"{where}: client {cid!r} is not scattered")
            if frozenset(t.between) in pairs:
                errors.append(f"{where}: {t.between[0]!r}–{t.between[1]!r} is listed twice")
            pairs.add(frozenset(t.between))
        planned: list[tuple[str, PlannedShift]] = [
            (f"pinned_shifts[{k}]", p) for k, p in enumerate(self.pinned_shifts)]
        if self.replan is not None:
            planned += [(f"replan.previous_shifts[{k}]", p)
                        for k, p in enumerate(self.replan.previous_shifts)]
        units = {c.id: c.unit for c in self.clients}
        for where, p in planned:
            unit = p.unit if p.client is None else units.get(p.client)
            for i, v in enumerate(p.visits):
                if v.client in known and v.client not in scattered:
                    errors.append(f"{where}.visits[{i}]: client {v.client!r} is not scattered")
                elif v.client in scattered and scattered[v.client].unit != unit:
                    errors.append(f"{where}.visits[{i}]: client {v.client!r} is not in unit "
                                  f"{unit!r}")
            if p.is_round and not self.rounds.enabled:
                errors.append(f"{where} ({p.label}): a round, but rounds.enabled is false")
        if not self.rounds.enabled:
            return errors
        homes = {c.id: c.home for c in scattered.values() if c.home is not None}
        by_unit: dict[str, list[str]] = {}
        for c in scattered.values():
            by_unit.setdefault(c.unit, []).append(c.id)
        for ids in by_unit.values():
            for a, b in itertools.combinations(ids, 2):
                if self.rounds.travel.minutes(a, b, homes) is None:
                    errors.append(f"clients[{a}]: no travel time to {b!r} (both scattered, "
                                  "same unit): give both a home (x_km, y_km) or list the pair "
                                  "in rounds.travel.times")
        return errors

    def _group_errors(self, unit_ids: set[str]) -> list[str]:
        """Group units, bookings, pooling and co-location: every error names field and id."""
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
            for (i, first), (j, second) in itertools.pairwise(own):
                if second.start < first.end:
                    errors.append(f"bookings[{i}] and bookings[{j}]: client {cid!r} is booked "
                                  f"twice at once ({second.start:%Y-%m-%d %H:%M})")
        errors += [f"pooling[{i}].units: {problem}"
                   for i, problem in pooling_errors([p.units for p in self.pooling], unit_ids)]
        kinds = {u.id: u.kind.value for u in self.units}
        errors += [f"co_location[{i}]: {problem}"
                   for i, problem in co_location_errors(self.co_location, kinds)]
        return errors

    def _replan_errors(self, staff_ids: set[str], later: set[str]) -> list[str]:
        if self.replan is None:
            return []
        errors = pin_errors(self.replan.previous_shifts, self.horizon, staff_ids,
                            {c.id for c in self.clients},
                            {u.id: u.is_group and u.id not in later for u in self.units},
                            field="replan.previous_shifts")
        zone = ZoneInfo(self.horizon.timezone)

        def local(moment: datetime) -> datetime:
            return moment.astimezone(zone).replace(tzinfo=None) if moment.tzinfo else moment

        start = local(self.replan.start)
        first = datetime.combine(self.horizon.start, time(0))
        if not first <= start <= first + timedelta(days=self.horizon.days):
            errors.append(f"replan.start: {start:%Y-%m-%d %H:%M} is outside the horizon")
        elif (start.hour * 60 + start.minute) % self.horizon.slot_minutes or start.second:
            errors.append(f"replan.start: {start:%H:%M} is off the "
                          f"{self.horizon.slot_minutes}-minute slot grid")
        for k, p in enumerate(self.replan.previous_shifts):
            if local(p.start) < start:
                errors.append(f"replan.previous_shifts[{k}] ({p.label}): starts before "
                              "replan.start (a shift before it is kept: list it in "
                              "pinned_shifts)")
        return errors

    def _history_errors(self, staff_ids: set[str], unit_ids: set[str]) -> list[str]:
        """History: known staff, clients and units, shifts inside ``since``..horizon start,
        no staff member listed twice, no overlapping shifts."""
        if self.history is None:
            return []
        errors: list[str] = []
        horizon_start = datetime.combine(self.horizon.start, time(0))
        since = self.history.since.replace(tzinfo=None)
        if since > horizon_start:
            errors.append(f"history.since: {since:%Y-%m-%d %H:%M} is after the horizon starts")
        clients = {c.id for c in self.clients}
        seen: set[str] = set()
        for entry in self.history.staff:
            where = f"history.staff[{entry.staff}]"
            if entry.staff not in staff_ids:
                errors.append(f"{where}: unknown staff {entry.staff!r}")
            if entry.staff in seen:
                errors.append(f"{where}: listed twice")
            seen.add(entry.staff)
            # Wall-clock order (naive and offset-carrying times may be mixed).
            shifts = sorted(entry.shifts, key=lambda s: s.start.replace(tzinfo=None))
            for k, s in enumerate(shifts):
                start, end = s.start.replace(tzinfo=None), s.end.replace(tzinfo=None)
                label = f"{where}.shifts ({start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M})"
                if start < since or end > horizon_start:
                    errors.append(f"{label}: outside the history (from history.since to the "
                                  "horizon's start)")
                if s.client is not None and s.client not in clients:
                    errors.append(f"{label}.client: unknown client {s.client!r}")
                if s.unit is not None and s.unit not in unit_ids:
                    errors.append(f"{label}.unit: unknown unit {s.unit!r}")
                if k and start < shifts[k - 1].end.replace(tzinfo=None):
                    errors.append(f"{label}: overlaps the shift before it")
            for total in entry.totals:
                label = (f"{where}.totals ({total.start:%Y-%m-%d %H:%M}–"
                         f"{total.end:%Y-%m-%d %H:%M})")
                if total.end.replace(tzinfo=None) > since:
                    errors.append(f"{label}: ends after history.since; from then on the "
                                  "shifts themselves are listed")
        return errors

    # Look-ups used everywhere; cheap enough to rebuild (scenarios are small).
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}

    def client_by_id(self) -> dict[str, Client]:
        return {c.id: c for c in self.clients}

    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def _unique(items: Sequence[_HasId], label: str, errors: list[str]) -> set[str]:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            errors.append(f"{label}: id {item.id!r} is used twice")
        seen.add(item.id)
    return seen
