"""What a shift's time is, visit by visit: the one place results and reports read visits from.

A shift without visits serves its client (or its unit, client empty) for its whole span. A shift
with visits serves each visit's client only during the visit (``docs/domain.md``, *Scattered
assistance*); with visits of several clients it is a **round**. Travel lies right after the
previous visit (``Visit.travel_minutes``); **waiting** is the shift's time that is neither a
visit, travel nor a break. These figures are recomputed from the visits and breaks, so a
schedule edited by hand reports what it says, not what its ``travel_hours`` and
``waiting_hours`` claim (the validator compares the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scheduler.domain.schedule import Shift


@dataclass(frozen=True)
class Served:
    """A stretch of a shift that serves one client: a visit, or a whole client shift."""

    client: str
    start: datetime  # UTC
    end: datetime
    travel_hours: float = 0.0  # travelling to this visit, right before it (in the shift)
    in_round: bool = False

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def is_round(shift: Shift) -> bool:
    """A shift with visits of several clients."""
    return len({v.client for v in shift.visits}) > 1


def visit_clients(shift: Shift) -> list[str]:
    """The clients a shift serves, in order of first visit (a client shift: its client)."""
    if shift.visits:
        return list(dict.fromkeys(v.client for v in shift.visits))
    return [shift.client] if shift.client is not None else []


def served(shift: Shift) -> list[Served]:
    """Who the shift serves and when: each visit (the need it serves: at its asked time where
    it was moved within the client's visit window), or the whole shift for a client shift;
    none for a unit (group) shift."""
    if not shift.visits:
        if shift.client is None:
            return []
        return [Served(shift.client, _utc(shift.start), _utc(shift.end))]
    in_round = is_round(shift)
    return [Served(v.client, _utc(v.need_start), _utc(v.need_end), v.travel_minutes / 60,
                   in_round) for v in shift.visits]


def travel_spans(shift: Shift) -> list[tuple[datetime, datetime]]:
    """Travel in UTC: after each visit, towards the next (``travel_minutes`` of the next)."""
    out = []
    for before, after in zip(shift.visits, shift.visits[1:], strict=False):
        if after.travel_minutes > 0:
            start = _utc(before.end)
            out.append((start, start + timedelta(minutes=after.travel_minutes)))
    return out


def visit_hours(shift: Shift) -> float:
    return sum((_utc(v.end) - _utc(v.start)).total_seconds() for v in shift.visits) / 3600


def travel_hours(shift: Shift) -> float:
    return sum(v.travel_minutes for v in shift.visits[1:]) / 60


def waiting_spans(shift: Shift) -> list[tuple[datetime, datetime]]:
    """The shift's waiting in UTC, in order: its stretches in no visit, travel or break (none
    without visits)."""
    if not shift.visits:
        return []
    lo, hi = _utc(shift.start), _utc(shift.end)
    busy = [(_utc(v.start), _utc(v.end)) for v in shift.visits]
    busy += travel_spans(shift)
    busy += [(_utc(b.start), _utc(b.end)) for b in shift.breaks]
    out, reach = [], lo
    for a, b in [*sorted(busy), (hi, hi)]:  # the last: the gap up to the shift's end
        if min(a, hi) > reach:
            out.append((reach, min(a, hi)))
        reach = max(reach, b)
    return out


def waiting_hours(shift: Shift) -> float:
    """The shift's time that is neither a visit, travel nor a break (0 without visits)."""
    if not shift.visits:
        return 0.0
    span = _utc(shift.end) - _utc(shift.start)
    busy = span - sum((b - a for a, b in waiting_spans(shift)), timedelta())
    # The span less the busy time, in hours (not the gaps' sum): the same float as ever.
    return max(0.0, span.total_seconds() / 3600 - busy.total_seconds() / 3600)
