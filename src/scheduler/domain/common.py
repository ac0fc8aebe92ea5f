"""Shared building blocks of the input contract: ids, clock times, periods, frozen models."""

from __future__ import annotations

import re
import types
import typing
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
# Swedish personal identity numbers (personnummer / samordningsnummer): YYMMDD-NNNN, YYYYMMDDNNNN...
_PERSONAL_NUMBER_RE = re.compile(r"^(\d{2})?\d{6}[-+]?\d{4}$")


def check_id(value: str) -> str:
    if _PERSONAL_NUMBER_RE.match(value):
        raise ValueError(
            f"{value!r} looks like a Swedish personal identity number; use a pseudonymous id"
        )
    if not _ID_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid id (letters, digits, '_', '-', '.', at most 64 characters)"
        )
    return value


Id = Annotated[str, AfterValidator(check_id)]
NonNegativeHours = Annotated[float, Field(ge=0, le=10_000)]

# Dates a plan can be about. Without a bound, a year near 1 or 9999 passes validation and then
# overflows in the time grid (dates ± a day, UTC conversion) with an OverflowError.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def check_year(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return value


CalendarDate = Annotated[date, AfterValidator(check_year)]
# Local wall-clock time in the scenario's zone; a UTC offset is optional. JSON Schema's
# 'date-time' format (RFC 3339) requires one, so the schema says so with a pattern instead.
LOCAL_DATETIME_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
)
LocalDateTime = Annotated[
    datetime, AfterValidator(check_year),
    WithJsonSchema({"type": "string", "pattern": LOCAL_DATETIME_PATTERN,
                    "description": "Local wall-clock time (YYYY-MM-DDTHH:MM[:SS]); an offset "
                    "is optional.", "examples": ["2027-02-01T08:00"]}),
]
# "HH:MM" local time of day (parse_clock checks the range; "24:00" only as an end).
CLOCK_PATTERN = r"^\s*([01]?\d|2[0-4]):[0-5]\d\s*$"
Clock = Annotated[str, WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN,
                                       "examples": ["08:00"]})]


@lru_cache(maxsize=4096)  # a need's windows: read for each day of horizons and periods
def parse_clock(value: str, *, allow_24: bool) -> int:
    """'HH:MM' → minutes after midnight; '24:00' only where ``allow_24``."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time of day in HH:MM form")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
        raise ValueError(f"{value!r} is outside the day (00:00–{'24:00' if allow_24 else '23:59'})")
    return hours * 60 + minutes


def _mentions_bool(annotation: Any) -> bool:
    """Whether ``bool`` (or ``Any``) is among the types a field accepts."""
    if annotation is bool or annotation is Any:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, Annotated, Literal):
        return any(_mentions_bool(a) or isinstance(a, bool) for a in typing.get_args(annotation))
    return False


@cache
def _bool_allowed(model: type[BaseModel], field: str) -> bool:
    info = model.model_fields.get(field)
    return info is None or _mentions_bool(info.annotation)


class StrictNumbers(BaseModel):
    """``true``/``false`` is no number: in pydantic's lax mode ``time_limit_seconds: true``
    would run as 1 s and ``contract_hours_per_week: false`` as 0 h. Strings in number fields
    stay accepted (YAML and spreadsheets write numbers as text)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_as_number(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name and not _bool_allowed(cls, info.field_name):
            raise ValueError(f"{str(value).lower()} is not a number here")
        return value


class Frozen(StrictNumbers):
    # NaN and Infinity are no numbers of hours, kronor or weights: refused in every field.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True,
                              allow_inf_nan=False)


class Horizon(Frozen):
    start: CalendarDate = Field(description="First day of the schedule (local date).")
    days: int = Field(default=28, ge=1, le=16 * 7, description="Length in days (default 4 weeks).")
    slot_minutes: Literal[5, 10, 15, 20, 30, 60] = Field(
        default=15, description="Time grid; every shift starts and ends on it."
    )
    timezone: str = Field(default="Europe/Stockholm", max_length=64)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: odd file names
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def end(self) -> date:
        """First day after the horizon."""
        return self.start + timedelta(days=self.days)


class DatePeriod(Frozen):
    """Whole days from ``start`` to ``end`` inclusive."""

    start: CalendarDate
    end: CalendarDate

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

    start: LocalDateTime
    end: LocalDateTime
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> TimePeriod:
        if self.end <= self.start:
            raise ValueError(f"period ends ({self.end}) before or when it starts ({self.start})")
        return self


class ClockWindow(Frozen):
    """A daily window of local wall-clock time, "HH:MM" to "HH:MM" ("24:00" allowed as an end);
    an end at or before the start means the window runs into the next day."""

    start: Clock
    end: Clock

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


def clock_to_time(minutes: int) -> time:
    return time(minutes // 60 % 24, minutes % 60)
