"""Cost settings: wages, OB supplements, jour, premiums, employer's contributions, FK revenue.

Every figure is a *default* from docs/domain.md (Pay) or a documented assumption, and can be set per
scenario (``cost:``) or per variant (``set_cost``). The computation is in
``scheduler.results.costing``.

OB windows (local wall-clock time; the first matching class wins):

1. major holiday (storhelg): from ``major_holiday_start`` (07:00) on the first day of a run of
   consecutive major-holiday dates to ``holiday_end`` (07:00) on the day after its last day —
   night rate inside the night window (22–06), day rate otherwise;
2. weekend / public holiday: Saturday 00:00 to Monday ``holiday_end`` (07:00), and every other
   Swedish public holiday from 00:00 to 07:00 the next day — night rate 22–06, day rate otherwise;
3. weekday night: 22:00–06:00;
4. weekday evening: 19:00–22:00;
5. no OB.

Public holidays come from the ``holidays`` library (Sweden, public category); the major holidays
are picked by name (``major_holidays``) from its public, de-facto and optional calendars
(Christmas Eve, New Year's Eve and Midsummer Eve are de facto, Holy Saturday is optional).
With the defaults the major-holiday windows are: Christmas Eve 07:00 – 27 December 07:00;
New Year's Eve 07:00 – 2 January 07:00; Good Friday 07:00 – the Tuesday after Easter 07:00;
Midsummer Eve 07:00 – Sunday 07:00 (then weekend OB to Monday 07:00); National Day 07:00 –
7 June 07:00.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator, model_validator

from scheduler.domain.clients import DecisionKind
from scheduler.domain.common import Clock, StrictNumbers

# Holiday names as the holidays library spells them (en_US), grouped into runs when consecutive:
# Christmas Eve–Second Day of Christmas, New Year's Eve–New Year's Day, Good Friday–Easter Monday,
# Midsummer Eve–Midsummer Day, National Day.
DEFAULT_MAJOR_HOLIDAYS = (
    "Christmas Eve",
    "Christmas Day",
    "Second Day of Christmas",
    "New Year's Eve",
    "New Year's Day",
    "Good Friday",
    "Holy Saturday",
    "Easter Sunday",
    "Easter Monday",
    "Midsummer Eve",
    "Midsummer Day",
    "National Day",
)

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def clock_minutes(value: str) -> int:
    match = _CLOCK.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a time of day in HH:MM form (00:00–23:59)")
    return int(match.group(1)) * 60 + int(match.group(2))


class _Settings(StrictNumbers):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


Rate = Annotated[float, Field(le=100_000)]  # kr per hour


class Wages(_Settings):
    """Hourly wage (kr/h) by employment form; ``roles`` override it; a staff member's own
    ``hourly_wage`` overrides both. For monthly staff this is the salary / 165 (AB's divisor)."""

    monthly: Rate = Field(default=190.0, gt=0)
    hourly: Rate = Field(default=175.0, gt=0)
    pan: Rate = Field(default=135.0, gt=0)
    roles: dict[str, Rate] = Field(default_factory=dict)

    @field_validator("roles")
    @classmethod
    def _positive(cls, value: dict[str, Rate]) -> dict[str, Rate]:
        for role, rate in value.items():
            if rate <= 0:
                raise ValueError(f"role {role!r}: the wage must be > 0 (got {rate})")
        return value


class ObRates(_Settings):
    """OB supplements, kr per hour (PAN/HÖK levels 2024, docs/domain.md)."""

    weekday_evening: Rate = Field(default=22.0, ge=0)
    weekday_night: Rate = Field(default=47.0, ge=0)
    weekend_day: Rate = Field(default=64.0, ge=0)
    weekend_night: Rate = Field(default=74.0, ge=0)
    major_holiday_day: Rate = Field(default=131.0, ge=0)
    major_holiday_night: Rate = Field(default=157.0, ge=0)


# The OB classes, in the order of their rates (time reports claim hours per class).
OB_CLASSES: tuple[str, ...] = tuple(ObRates.model_fields)


class ObWindows(_Settings):
    evening_start: Clock = "19:00"
    night_start: Clock = "22:00"
    night_end: Clock = "06:00"
    holiday_end: Clock = Field(
        default="07:00", description="Weekend and holiday OB run until this time the day after."
    )
    major_holiday_start: Clock = Field(
        default="07:00", description="Major-holiday OB starts at this time on the first day."
    )
    major_holidays: list[str] = Field(default_factory=lambda: list(DEFAULT_MAJOR_HOLIDAYS))

    @field_validator("evening_start", "night_start", "night_end", "holiday_end",
                     "major_holiday_start")
    @classmethod
    def _clock(cls, value: str) -> str:
        clock_minutes(value)
        return value

    @field_validator("major_holidays")
    @classmethod
    def _known_names(cls, value: list[str]) -> list[str]:
        known = swedish_holiday_names()
        unknown = [name for name in value if name not in known]
        if unknown:
            raise ValueError(
                f"unknown holiday name(s) {unknown}; the calendar knows: {sorted(known)}"
            )
        return value

    @model_validator(mode="after")
    def _ordered(self) -> ObWindows:
        evening, night = clock_minutes(self.evening_start), clock_minutes(self.night_start)
        if not evening <= night:
            raise ValueError("evening_start must not be after night_start")
        if not clock_minutes(self.night_end) <= clock_minutes(self.holiday_end) < evening:
            raise ValueError("expected night_end ≤ holiday_end < evening_start")
        return self


class JourRates(_Settings):
    """Jour supplement (Bilaga J) per hour of sleeping on-call duty. Assumption: about 1/600 of
    a ~30,000 kr monthly salary on weekdays, 1/300 on weekends and holidays, ×1.5 on major
    holidays. Jour gets no OB; its counted share (``on_call_work_fraction``) is paid as work."""

    weekday: Rate = Field(default=50.0, ge=0)
    weekend: Rate = Field(default=100.0, ge=0)
    major_holiday: Rate = Field(default=150.0, ge=0)


class PlacePrice(_Settings):
    """The agreed price of a bought place in a group unit (e.g. a short-term stay)."""

    per_night: Rate = Field(default=3_500.0, ge=0, description="kr per night of a stay.")
    per_day: Rate = Field(
        default=1_800.0, ge=0, description="kr per day of a stay without a night (day visit)."
    )


class InvoicingRates(_Settings):
    """What others pay for our work (``scheduler invoice``). Defaults are assumptions: set the
    agreed figures per scenario."""

    provider_rates: dict[str, Rate] = Field(
        default_factory=dict,
        description="Private provider id → agreed kr per hour for basansvar hours.",
    )
    default_provider_rate: Rate | None = Field(
        default=None, ge=0,
        description="kr per hour for a provider without an agreed rate; none: FK's hourly "
        "amount (cost.fk_hourly_amount), what the provider is itself paid per hour.",
    )
    place_prices: dict[str, PlacePrice] = Field(
        default_factory=dict, description="Paying municipality id → agreed place price."
    )
    default_place_price: PlacePrice = PlacePrice()

    @field_validator("provider_rates")
    @classmethod
    def _non_negative(cls, value: dict[str, Rate]) -> dict[str, Rate]:
        for provider, rate in value.items():
            if rate < 0:
                raise ValueError(f"provider {provider!r}: the rate must be ≥ 0 (got {rate})")
        return value


class CostSettings(_Settings):
    currency: str = "SEK"
    wages: Wages = Wages()
    ob: ObRates = ObRates()
    ob_windows: ObWindows = ObWindows()
    jour: JourRates = JourRates()
    overtime_simple_factor: float = Field(
        default=1.8, ge=1, le=5,
        description="Pay per overtime hour as a multiple of the hourly wage (enkel övertid).",
    )
    overtime_qualified_factor: float = Field(
        default=2.4, ge=1, le=5,
        description="The same for qualified overtime: weekday nights, weekends, holidays.",
    )
    additional_hours_premium: float = Field(
        default=0.35, ge=0, le=2,
        description="Mertid premium as a share of the hourly wage (assumption), paid to "
        "salaried part-timers for hours beyond contract up to full time.",
    )
    employer_contribution_rate: float = Field(
        default=0.40, ge=0, le=1, description="PO on all pay components."
    )
    fk_hourly_amount: Rate = Field(
        default=332.60, ge=0, description="FK's schablonbelopp per hour of SFB assistance."
    )
    invoicing: InvoicingRates = Field(
        default_factory=InvoicingRates,
        description="Rates for the invoicing basis: providers (basansvar), bought places.",
    )
    revenue_decision_kinds: list[str] = Field(
        default_factory=lambda: ["sfb_assistance"],
        description="Decision kinds whose charged hours (within granted; jour at the "
        "decision's on_call_counts_as) earn the FK amount.",
    )

    @field_validator("revenue_decision_kinds")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        known = {k.value for k in DecisionKind}
        unknown = [k for k in value if k not in known]
        if unknown:
            raise ValueError(f"unknown decision kind(s) {unknown}; known: {sorted(known)}")
        return value


@lru_cache(maxsize=1)
def swedish_holiday_names() -> frozenset[str]:
    """Every holiday name in the library's Swedish public, de-facto and optional calendars (two
    years cover all movable ones)."""
    import holidays

    names: set[str] = set()
    for year in (2024, 2025):
        cal = holidays.country_holidays(
            "SE", years=year, categories=("public", "de_facto", "optional"), language="en_US"
        )
        names.update(cal.values())
    return frozenset(names)
