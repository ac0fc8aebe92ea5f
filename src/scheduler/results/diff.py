"""The difference between two schedules of one scenario: what a coordinator has to tell people.

Shifts the two have in common (same staff member, client or unit, start and end) are kept. Of
the rest, a shift of the same client or unit at the same times worked by someone else is
*reassigned*; a shift of the same staff member and client or unit that overlaps the old one (or
lies on the same day) is *moved*; what is left is *removed* or *added*. Each change carries a
reason read from the scenario and the two schedules: the staff member's absence, need left
uncovered in the previous plan, the shift it replaces, or an exchange that the re-plan's
objective (cost, working-time rules) preferred. Reasons explain; they prove nothing.

A shift with visits (scattered clients, a round) is the same shift only with the same visits
(clients, times, travel): a round whose visits changed is a change (*moved*, the reason naming
the visits), and it counts for every client whose visit changed (a round has no client of its
own). The change carries the visits before and after.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift

ChangeKind = Literal["removed", "added", "moved", "reassigned"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("removed", "added", "moved", "reassigned")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShiftChange(_Out):
    change: ChangeKind
    staff: str = Field(description="Who works it now (removed: who worked it).")
    previous_staff: str | None = Field(default=None, description="Reassigned: who had it.")
    client: str | None
    unit: str
    before_start: AwareDatetime | None = None
    before_end: AwareDatetime | None = None
    after_start: AwareDatetime | None = None
    after_end: AwareDatetime | None = None
    hours_before: float = 0.0
    hours_after: float = 0.0
    visits_before: str = Field(default="", description="A visit shift's visits in order, "
                               "'C1 07:00–08:00, C2 08:15–09:00 (+10 min)': the travel before.")
    visits_after: str = ""
    reason: str


class ScheduleDiff(_Out):
    since: AwareDatetime | None = Field(description="Only shifts starting at or after this "
                                        "moment were compared (None: all).")
    shifts_before: int = Field(description="Compared shifts of the previous schedule.")
    shifts_after: int = Field(description="Compared shifts of the new schedule.")
    kept: int
    changes: list[ShiftChange]
    changed_hours: float = Field(description="Hours of previous shifts not kept plus hours of "
                                 "new shifts not in the previous schedule (weights.change).")
    by_staff: dict[str, dict[str, int]] = Field(description="Staff id → change kind → count.")
    by_client: dict[str, dict[str, int]] = Field(description="Client (or 'unit U1') → change "
                                                 "kind → count.")

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.change == kind)


VisitKey = tuple[tuple[str, datetime, datetime, int, datetime | None], ...]


def _visits(s: Shift) -> VisitKey:
    return tuple((v.client, v.start, v.end, v.travel_minutes, v.asked_start) for v in s.visits)


def _key(s: Shift) -> tuple[str, str | None, str, datetime, datetime, VisitKey]:
    return (s.staff, s.client, s.unit, s.start, s.end, _visits(s))


def _visit_text(s: Shift) -> str:
    return ", ".join(f"{v.client} {v.start:%H:%M}–{v.end:%H:%M}"
                     + (f" (+{v.travel_minutes} min)" if v.travel_minutes else "")
                     + (f" (asked {v.asked_start:%H:%M})" if v.asked_start else "")
                     for v in s.visits)


def _where(client: str | None, unit: str, visits: str = "") -> str:
    if client is not None:
        return client
    return f"round {unit}" if visits else f"unit {unit}"


def _changed_clients(c: ShiftChange, before: Shift | None, after: Shift | None) -> list[str]:
    """Whom a change concerns: its client or unit; a visit shift: each client whose visits
    differ (all of them when only the staff member or shift changed)."""
    if not (before and before.visits) and not (after and after.visits):
        return [_where(c.client, c.unit)]
    old = {v[:3] for v in _visits(before)} if before else set()
    new = {v[:3] for v in _visits(after)} if after else set()
    differ = {v[0] for v in old ^ new}
    every = {v[0] for v in old | new}
    return sorted(differ or every)


def _overlaps(a: Shift, b: Shift) -> bool:
    return a.start < b.end and b.start < a.end


def _day(moment: datetime) -> date:
    return moment.date()


class _Reasons:
    """Why a shift changed, from the scenario and the two schedules."""

    def __init__(self, scenario: Scenario, before: Schedule) -> None:
        self.absences = {s.id: s.absences for s in scenario.staff}
        self.zone = ZoneInfo(scenario.horizon.timezone)
        self.uncovered = before.uncovered

    def absent(self, s: Shift) -> str | None:
        for a in self.absences.get(s.staff, []):
            start = a.start if a.start.tzinfo else a.start.replace(tzinfo=self.zone)
            end = a.end if a.end.tzinfo else a.end.replace(tzinfo=self.zone)
            if start < s.end and s.start < end:
                what = a.reason or "absence"
                return (f"{s.staff} absent ({what}, {a.start:%Y-%m-%d %H:%M}–"
                        f"{a.end:%Y-%m-%d %H:%M})")
        return None

    def was_uncovered(self, s: Shift) -> bool:
        """Whether the shift serves need the previous plan left uncovered (a visit shift:
        during one of its visits, for that visit's client, at the visit's asked time)."""
        served = ([(v.client, v.need_start, v.need_end) for v in s.visits] if s.visits
                  else [(s.client, s.start, s.end)])
        return any(u.client == client and (s.visits or u.unit == s.unit) and u.start < end
                   and start < u.end for client, start, end in served for u in self.uncovered)


GENERIC = ("moved to fit", "given to another", "not needed")


def _name_chains(changes: list[ShiftChange]) -> None:
    """A shift given away because its assistant now covers another change that day (a sick
    colleague's shift, typically) says so, instead of the generic reason."""
    took = [c for c in changes if c.change in ("added", "reassigned") and c.after_start]
    for c in changes:
        if c.change == "added" or not c.before_start or not c.reason.startswith(GENERIC):
            continue
        mover = c.previous_staff if c.change == "reassigned" else c.staff
        other = next((t for t in took if t is not c and t.staff == mover and t.after_start
                      and abs(t.after_start - c.before_start).total_seconds() < 86400), None)
        if other is not None and other.after_start and other.after_end:
            c.reason = (f"{mover} takes {_where(other.client, other.unit)} "
                        f"{other.after_start:%d/%m %H:%M}–{other.after_end:%H:%M} instead")


def _order(c: ShiftChange) -> tuple[datetime, str]:
    moment = c.before_start or c.after_start
    assert moment is not None  # every change has a before or an after
    return moment, c.staff


def diff_schedules(scenario: Scenario, before: Schedule, after: Schedule,
                   since: datetime | None = None) -> ScheduleDiff:
    """Compare the shifts of ``before`` and ``after`` that start at or after ``since``."""
    def compared(shifts: Iterable[Shift]) -> list[Shift]:
        return sorted((s for s in shifts if since is None or s.start >= since),
                      key=lambda s: (s.start, s.staff))

    old, new = compared(before.shifts), compared(after.shifts)
    common = {_key(s) for s in old} & {_key(s) for s in new}
    gone = [s for s in old if _key(s) not in common]
    came = [s for s in new if _key(s) not in common]
    reasons = _Reasons(scenario, before)
    changes: list[ShiftChange] = []

    def pair(match: Callable[[Shift, Shift], bool]) -> None:
        for o in list(gone):
            partner = next((n for n in came if match(o, n)), None)
            if partner is None:
                continue
            gone.remove(o)
            came.remove(partner)
            kind: ChangeKind = "moved" if partner.staff == o.staff else "reassigned"
            why = reasons.absent(o) or ("moved to fit the rules or cost of the re-plan"
                                        if kind == "moved"
                                        else "given to another assistant (rules or cost)")
            changes.append(ShiftChange(
                change=kind, staff=partner.staff,
                previous_staff=o.staff if kind == "reassigned" else None,
                client=o.client, unit=o.unit, before_start=o.start, before_end=o.end,
                after_start=partner.start, after_end=partner.end, hours_before=o.hours,
                hours_after=partner.hours, visits_before=_visit_text(o),
                visits_after=_visit_text(partner),
                reason=("visits changed" if kind == "moved" and (o.start, o.end) == (
                    partner.start, partner.end) and not reasons.absent(o) else why)))
            sides[id(changes[-1])] = (o, partner)

    sides: dict[int, tuple[Shift | None, Shift | None]] = {}
    # Same client or unit (and visits) at the same times, someone else; then the same person,
    # same day.
    pair(lambda o, n: (o.client, o.unit, o.start, o.end, _visits(o))
         == (n.client, n.unit, n.start, n.end, _visits(n)))
    pair(lambda o, n: o.staff == n.staff and (o.client, o.unit) == (n.client, n.unit)
         and (_overlaps(o, n) or _day(o.start) == _day(n.start)))
    for o in gone:
        why = reasons.absent(o) or "not needed in the re-plan (need, rules or cost)"
        changes.append(ShiftChange(change="removed", staff=o.staff, client=o.client,
                                   unit=o.unit, before_start=o.start, before_end=o.end,
                                   hours_before=o.hours, visits_before=_visit_text(o),
                                   reason=why))
        sides[id(changes[-1])] = (o, None)
    for n in came:
        replaced = [o for o in gone if (o.client, o.unit) == (n.client, n.unit)
                    and _overlaps(o, n)]
        if replaced:
            why = "covers " + ", ".join(sorted({f"{o.staff}'s shift" for o in replaced}))
            absent = [reasons.absent(o) for o in replaced]
            if any(absent):
                why += " (" + "; ".join(a for a in absent if a) + ")"
        elif reasons.was_uncovered(n):
            why = "covers need the previous plan left uncovered"
        else:
            why = "frees or relieves another assistant (rules or cost of the re-plan)"
        changes.append(ShiftChange(change="added", staff=n.staff, client=n.client, unit=n.unit,
                                   after_start=n.start, after_end=n.end, hours_after=n.hours,
                                   visits_after=_visit_text(n), reason=why))
        sides[id(changes[-1])] = (None, n)
    changes.sort(key=_order)
    _name_chains(changes)

    by_staff: dict[str, Counter[str]] = defaultdict(Counter)
    by_client: dict[str, Counter[str]] = defaultdict(Counter)
    for c in changes:
        by_staff[c.staff][c.change] += 1
        if c.previous_staff is not None:
            by_staff[c.previous_staff]["reassigned_away"] += 1
        for who in _changed_clients(c, *sides[id(c)]):
            by_client[who][c.change] += 1
    old_keys, new_keys = {_key(s) for s in old}, {_key(s) for s in new}
    hours = {**{_key(s): s.hours for s in old}, **{_key(s): s.hours for s in new}}
    return ScheduleDiff(
        since=since, shifts_before=len(old), shifts_after=len(new), kept=len(common),
        changes=changes, changed_hours=round(sum(hours[k] for k in old_keys ^ new_keys), 4),
        by_staff={k: dict(v) for k, v in sorted(by_staff.items())},
        by_client={k: dict(v) for k, v in sorted(by_client.items())},
    )



def diff_lines(diff: ScheduleDiff) -> list[str]:
    """The difference for the terminal: counts, then one line per change."""
    head = (f"{diff.kept} of {diff.shifts_before} shifts kept; "
            + ", ".join(f"{diff.count(k)} {k}" for k in CHANGE_KINDS)
            + f"; {diff.changed_hours:.1f} changed shift-hours")
    lines = [head]
    for c in diff.changes:
        before = (f"{c.before_start:%a %d/%m %H:%M}–{c.before_end:%H:%M}"
                  if c.before_start and c.before_end else "")
        after = (f"{c.after_start:%a %d/%m %H:%M}–{c.after_end:%H:%M}"
                 if c.after_start and c.after_end else "")
        who = f"{c.previous_staff} → {c.staff}" if c.previous_staff else c.staff
        when = f"{before} → {after}" if before and after else before or after
        where = _where(c.client, c.unit, c.visits_before or c.visits_after)
        visits = (f"  [{c.visits_before or '–'} → {c.visits_after or '–'}]"
                  if c.visits_before or c.visits_after else "")
        lines.append(f"  {c.change:<10} {who:<12} {where:<10} {when}  {c.reason}{visits}")
    return lines


CSV_COLUMNS = ("change", "staff", "previous_staff", "client", "unit", "before_start",
               "before_end", "after_start", "after_end", "hours_before", "hours_after",
               "visits_before", "visits_after", "reason")


def write_diff(diff: ScheduleDiff, json_path: Path) -> list[Path]:
    """``json_path`` (the whole difference) and a CSV beside it, one row per change."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(diff.model_dump(mode="json"), indent=2, ensure_ascii=False)
                         + "\n", encoding="utf-8")
    csv_path = json_path.with_suffix(".csv")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for c in diff.changes:
            row = c.model_dump(mode="json")
            writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_COLUMNS})
    return [json_path, csv_path]
