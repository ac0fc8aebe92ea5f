"""Units: kinds, opening hours, staffing density, breaks, bookings and pools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from scheduler.domain.common import WEEKDAYS, Clock, ClockWindow, Frozen, Id, LocalDateTime, Weekday


class UnitKind(StrEnum):
    ASSISTANCE_GROUP = "assistance_group"
    SHORT_TERM_STAY = "short_term_stay"  # korttidsvistelse (KTV)
    AFTER_SCHOOL = "after_school_supervision"  # korttidstillsyn
    LEISURE = "leisure"  # fritidsverksamhet: leisure activities in groups
    RESOURCE_UNIT = "resource_unit"


# Units whose demand comes from bookings and a staffing-density rule set, not from a client's need.
GROUP_KINDS = frozenset({UnitKind.SHORT_TERM_STAY, UnitKind.AFTER_SCHOOL, UnitKind.LEISURE})


class OpeningWindow(ClockWindow):
    """A weekly window in which a group unit is open. ``applies`` restricts it to school days
    (Monday–Friday, not a Swedish public holiday, not in ``school_holidays``) or to the other
    days (holidays and school holidays, for after-school supervision)."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: Clock = "00:00"
    end: Clock = Field(default="24:00", description="At or before start: ends the next day.")
    applies: Literal["always", "school_days", "holidays"] = "always"


class NightMode(ClockWindow):
    """At night a group unit needs ``staff`` (awake, or sleeping jour) while anyone is present;
    jour counts towards work time at ``rules.on_call_work_fraction``."""

    start: Clock = "22:00"
    end: Clock = "07:00"
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
    agreement_reference: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="The collective-agreement deviation that allows after_hours above the "
        "legal 5 h; required for such a setting.",
    )
    length_minutes: int = Field(default=30, ge=5, le=240)
    min_staff: int | None = Field(
        default=None, ge=0, le=20,
        description="Staff who stay while others take breaks (or all there are, if the demand "
        "is lower); none given: the density's min_staff.",
    )

    @model_validator(mode="after")
    def _shorter_than_work(self) -> BreakRules:
        if self.after_hours > 5 and self.agreement_reference is None:
            raise ValueError(
                f"after_hours: {self.after_hours:g} is above the legal 5 h of work in a row; "
                "a weaker setting needs breaks.agreement_reference (the collective-agreement "
                "deviation it rests on)"
            )
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
    start: LocalDateTime
    end: LocalDateTime
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


def pooling_errors(pools: Sequence[Sequence[str]], unit_ids: Set[str]) -> list[tuple[int, str]]:
    """(index of the pool, problem) for every pool naming an unknown unit, a unit twice, or a unit
    an earlier pool holds. One definition for the scenario and for variants' ``pool_units``."""
    out: list[tuple[int, str]] = []
    pooled: set[str] = set()
    for i, units in enumerate(pools):
        out += [(i, f"unknown unit {uid!r}") for uid in units if uid not in unit_ids]
        if len(set(units)) != len(units):
            out.append((i, "a unit is listed twice"))
        out += [(i, f"unit {uid!r} is already in another pool")
                for uid in dict.fromkeys(units) if uid in pooled]
        pooled |= set(units)
    return out


def co_location_errors(groups: Sequence[Sequence[str]], kinds: Mapping[str, str]
                       ) -> list[tuple[int, str]]:
    """(index of the group, problem) for every co-location group with fewer than two units, an
    unknown or non-group unit, or a unit an earlier group holds (``kinds``: unit id → kind).
    One definition for the scenario and for variants' ``co_locate_units``."""
    out: list[tuple[int, str]] = []
    located: set[str] = set()
    for i, group in enumerate(groups):
        if len(set(group)) < 2:
            out.append((i, "name at least two different units"))
        for uid in group:
            kind = kinds.get(uid)
            if kind is None:
                out.append((i, f"unknown unit {uid!r}"))
            elif kind not in GROUP_KINDS:
                out.append((i, f"unit {uid!r} is of kind {kind}; only group units share "
                               "premises"))
            elif uid in located:
                out.append((i, f"unit {uid!r} is already co-located"))
        located |= set(group)
    return out
