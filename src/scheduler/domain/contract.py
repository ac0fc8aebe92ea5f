"""A staff member's contract target per period: the contract hours minus those an absence
replaces (vacation, sick leave, leave; DOMAIN.md, working-time rules).

The one definition the solver (contract balance, greedy baseline, bounds), the KPIs, the cost
report and the capacity report use. The validator recomputes it on its own sampling
(``scheduler.validator.penalties``); a test holds the two to the same figures.

- **Contract** of a period: weekly contract × days of the period ÷ 7.
- **Absent share of a day** (a local calendar date): the share of the staff member's working
  time that day that their absences cover, in elapsed time. Working time is the part of the date
  inside their availability windows (a window belongs to the weekday it starts on and may run
  past midnight; no windows: the whole date). A date with no working time counts by the share
  of the whole date covered. So an absence covering the whole date, or the whole working day,
  counts 1; a 4-hour absence in an 8-hour working day ½ (partial-day absences pro rata by hours).
- **Absence hours** (the contract hours the absence replaces): weekly contract × the period's
  absent days ÷ 7; for staff who work weekdays only (``Staff.works_weekdays_only``) weekly
  contract × absent Monday–Friday days ÷ 5, weekends not counted. Never more than the period's
  contract.
- **Target**: contract − absence hours; the hours the staff member is to work in the period.
  Absence hours are reported as such, never as unused contract hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain.common import WEEKDAYS, parse_clock
from scheduler.domain.staff import Staff

Interval = tuple[datetime, datetime]  # UTC, end exclusive


@dataclass(frozen=True)
class ContractTarget:
    """One staff member's contract over one period (whole local days).

    Minutes are whole (rounded, as in the solver's model); hours are exact (for reports), so
    a staff member absent the whole period has a target of exactly 0 in both."""

    days: int
    absent_days: float  # Σ absent shares of the counted days (Mon–Fri only for ÷ 5 staff)
    contract_minutes: int  # weekly contract × days ÷ 7
    absence_minutes: int  # the contract the absence replaces, ≤ contract_minutes
    contract_hours: float
    absence_hours: float  # ≤ contract_hours

    @property
    def target_minutes(self) -> int:
        """The minutes the staff member is to work: contract − absence."""
        return self.contract_minutes - self.absence_minutes

    @property
    def target_hours(self) -> float:
        return self.contract_hours - self.absence_hours


def _utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """Local wall-clock ``day`` + ``minute`` (may pass midnight) as a UTC instant."""
    extra, minute = divmod(minute, 1440)
    naive = datetime.combine(day + timedelta(days=extra), time(minute // 60, minute % 60))
    return naive.replace(tzinfo=zone).astimezone(UTC)


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """A scenario datetime (naive = local wall-clock) as a UTC instant."""
    return (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(UTC)


def _merge(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _clip(intervals: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    return _merge([(max(a, start), min(b, end)) for a, b in intervals])


def _seconds(intervals: list[Interval]) -> int:
    return sum(int((b - a).total_seconds()) for a, b in intervals)


def _intersection(xs: list[Interval], ys: list[Interval]) -> list[Interval]:
    return _merge([(max(a, c), min(b, d)) for a, b in xs for c, d in ys])


def _working_time(staff: Staff, day: date, zone: ZoneInfo) -> list[Interval]:
    """The staff member's available time on ``day`` (absences aside), clipped to the date."""
    start, end = _utc(day, 0, zone), _utc(day, 1440, zone)
    if staff.availability is None:
        return [(start, end)]
    pieces: list[Interval] = []
    for offset in (-1, 0):  # a window of the day before may run past midnight into this one
        when = day + timedelta(days=offset)
        for window in staff.availability:
            if WEEKDAYS[when.weekday()] not in window.days:
                continue
            first = parse_clock(window.start, allow_24=False)
            pieces.append((_utc(when, first, zone),
                           _utc(when, first + window.length_minutes, zone)))
    return _clip(pieces, start, end)


def absent_day_shares(staff: Staff, first_day: date, days: int, zone: ZoneInfo) -> list[float]:
    """Per local date from ``first_day``: the share of that day's working time (or, without
    working time, of the whole date) that the staff member's absences cover, 0..1."""
    absences = _merge([(_aware(a.start, zone), _aware(a.end, zone)) for a in staff.absences])
    shares: list[float] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        start, end = _utc(day, 0, zone), _utc(day, 1440, zone)
        absent = _clip(absences, start, end)
        if not absent:
            shares.append(0.0)
            continue
        working = _working_time(staff, day, zone)
        base = working if working else [(start, end)]
        shares.append(_seconds(_intersection(base, absent)) / _seconds(base))
    return shares


def contract_target(staff: Staff, first_day: date, days: int, zone: ZoneInfo) -> ContractTarget:
    """The contract, absence and target of ``staff`` over ``days`` local days from
    ``first_day`` (see the module docstring for the rule)."""
    weekly = staff.contract_hours_per_week
    contract = weekly * days / 7
    contract_minutes = round(weekly * 60 * days / 7)
    if weekly <= 0 or not staff.absences:
        return ContractTarget(days, 0.0, contract_minutes, 0, contract, 0.0)
    shares = absent_day_shares(staff, first_day, days, zone)
    if staff.works_weekdays_only:
        absent = sum(s for i, s in enumerate(shares)
                     if (first_day + timedelta(days=i)).weekday() < 5)
        per_day = 5
    else:
        absent = sum(shares)
        per_day = 7
    return ContractTarget(
        days=days,
        absent_days=absent,
        contract_minutes=contract_minutes,
        absence_minutes=min(contract_minutes, round(weekly * 60 * absent / per_day)),
        contract_hours=contract,
        absence_hours=min(contract, weekly * absent / per_day),
    )
