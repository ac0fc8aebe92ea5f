"""Performed hours per decision and month, from time reports (or a schedule read as one).

Each client line is cut at local midnights; a day's piece goes to the decisions whose settlement
period holds that day and that pay for a client's need (every kind but short-term stays), in the
scenario's order, each up to what its period has left: granted total − ``hours_performed``
before the horizon − what earlier lines used (then an approved exception's extra hours). Awake
time counts in full, jour at the decision's ``on_call_counts_as``; unpaid breaks do not count.
A piece's jour and breaks are its line's, pro rata to the piece's length (a line does not say
where in the shift they fell). What no decision's period holds is *outside*; what is left over
when every decision is used up is *beyond* (on the last decision that held the day).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain.clients import Decision
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.domain.timereport import ReportLine


@dataclass(frozen=True)
class Charge:
    """One day's piece of a client line, or the part of it on one decision."""

    line: int  # index into the lines
    client: str
    day: date
    decision: Decision | None  # None: no decision's period holds the day
    awake_hours: float
    jour_hours: float
    granted_hours: float  # charged within the granted total
    exception_hours: float  # charged within an approved exception's extra hours
    beyond_hours: float  # charged beyond everything the period has

    @property
    def month(self) -> str:
        return f"{self.day:%Y-%m}"

    @property
    def charged_hours(self) -> float:
        return self.granted_hours + self.exception_hours + self.beyond_hours


def day_pieces(line: ReportLine) -> list[tuple[date, float]]:
    """(local date, share of the line) per day the line touches."""
    out: list[tuple[date, float]] = []
    cursor = line.start
    total = (line.end - line.start).total_seconds()
    while cursor < line.end:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0))
        stop = min(midnight, line.end)
        out.append((cursor.date(), (stop - cursor).total_seconds() / total))
        cursor = stop
    return out


def paying(decision: Decision, day: date) -> bool:
    period = decision.settlement_period
    return decision.kind.service is not None and period.start <= day <= period.end


def allocate(scenario: Scenario, lines: list[ReportLine]) -> list[Charge]:
    """Every client line's hours on decisions, in time order (see the module doc)."""
    clients = scenario.client_by_id()
    used: dict[str, float] = defaultdict(float)
    out: list[Charge] = []
    order = sorted(range(len(lines)), key=lambda i: (lines[i].start, lines[i].end, i))
    for i in order:
        line = lines[i]
        client = clients.get(line.client) if line.client is not None else None
        if client is None:
            continue
        awake_total = line.hours - line.on_call_hours - line.unpaid_break_hours
        for day, share in day_pieces(line):
            awake, jour = awake_total * share, line.on_call_hours * share
            held = [d for d in client.decisions if paying(d, day)]
            if not held:
                out.append(Charge(i, client.id, day, None, awake, jour, 0.0, 0.0, 0.0))
                continue
            rest = 1.0  # the share of the piece not yet charged
            for k, d in enumerate(held):
                charge = awake + jour * d.on_call_counts_as
                if charge <= 0:
                    out.append(Charge(i, client.id, day, d, awake * rest, jour * rest,
                                      0.0, 0.0, 0.0))
                    break
                granted_left = max(0.0, d.granted_total_hours - d.hours_performed - used[d.id])
                extra = d.exception.extra_hours if d.exception else 0.0
                total_left = max(0.0, d.granted_total_hours + extra - d.hours_performed
                                 - used[d.id])
                last = k == len(held) - 1
                part = rest if last else min(rest, total_left / charge)
                if part <= 1e-12:
                    continue
                hours = part * charge
                granted = min(hours, granted_left)
                exception = min(hours - granted, max(0.0, total_left - granted_left))
                beyond = hours - granted - exception
                used[d.id] += hours
                out.append(Charge(i, client.id, day, d, awake * part, jour * part,
                                  granted, exception, beyond))
                rest -= part
                if rest <= 1e-12:
                    break
    return out


# --- performed hours per decision and month ---------------------------------------------------


@dataclass(frozen=True)
class PerformedRow:
    client: str
    decision: str
    kind: str
    month: str
    awake_hours: float
    jour_hours: float
    on_call_counts_as: float
    charged_hours: float  # awake + jour at on_call_counts_as
    settlement_start: str
    settlement_end: str
    granted_total_hours: float
    used_hours: float  # hours_performed before the horizon + charged up to this month's end
    remaining_hours: float  # granted − used (negative: over)


def performed_hours(scenario: Scenario, lines: list[ReportLine]) -> list[PerformedRow]:
    """Hours per decision and month, with the settlement period's use after each month."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for c in allocate(scenario, lines):
        if c.decision is None:
            continue
        row = sums[(c.decision.id, c.month)]
        row[0] += c.awake_hours
        row[1] += c.jour_hours
        row[2] += c.charged_hours
    out: list[PerformedRow] = []
    for client in scenario.clients:
        for d in client.decisions:
            months = sorted(m for (did, m) in sums if did == d.id)
            used = d.hours_performed
            for month in months:
                awake, jour, charged = sums[(d.id, month)]
                used += charged
                out.append(PerformedRow(
                    client.id, d.id, d.kind.value, month, awake, jour, d.on_call_counts_as,
                    charged, d.settlement_period.start.isoformat(),
                    d.settlement_period.end.isoformat(), d.granted_total_hours, used,
                    d.granted_total_hours - used))
    return out


def next_hours_performed(scenario: Scenario, lines: list[ReportLine]) -> dict[str, float]:
    """Per decision: ``hours_performed`` for the next plan (its period's hours before the
    horizon plus every charged hour of the lines)."""
    out = {d.id: d.hours_performed for c in scenario.clients for d in c.decisions}
    for c in allocate(scenario, lines):
        if c.decision is not None:
            out[c.decision.id] += c.charged_hours
    return out


def lines_from_schedule(schedule: Schedule, *, source: str = "schedule") -> list[ReportLine]:
    """A schedule's shifts read as approved time-report lines (local wall-clock times), for
    the performed hours and the invoicing basis before the month's reports are in."""
    zone = ZoneInfo(schedule.timezone)
    out: list[ReportLine] = []
    for k, s in enumerate(schedule.shifts):
        unpaid = sum((b.end - b.start).total_seconds() / 3600 for b in s.breaks if not b.paid)
        start = s.start.astimezone(zone).replace(tzinfo=None)
        end = s.end.astimezone(zone).replace(tzinfo=None)
        out.append(ReportLine(
            source=source, row=k + 1, staff=s.staff, client=s.client,
            unit=s.unit, start=start, end=end, on_call_hours=s.on_call_hours,
            unpaid_break_hours=unpaid))
    return out
