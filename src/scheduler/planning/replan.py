"""Re-planning after a change (a sick call, a client in hospital): a new plan from a previous
one, from a given moment on, that changes only what must change and what clearly pays.

The previous schedule's shifts that start before ``--from`` (those already worked, and one
already running then) become pinned shifts: every plan keeps them exactly, and the validator
checks them (``pinned_shifts``). Its later shifts become the scenario's ``replan`` reference,
against which each changed shift-hour costs ``weights.change`` (``solver.rules.replan``; the
validator recomputes it). The returned scenario carries all of it, so the new schedule can be
re-checked later from that scenario alone (``scheduler check``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.domain.pins import PinnedShift, PlannedShift, PlannedVisit
from scheduler.domain.replan import Replan
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, Visit
from scheduler.planning.pipeline import PlannedSchedule, Planner, plan
from scheduler.results.diff import ScheduleDiff, diff_schedules
from scheduler.solver.engine import ProgressCallback

KEPT_BEFORE = "kept: worked before the re-plan"
KEPT_RUNNING = "kept: running when the re-plan starts"


@dataclass(frozen=True)
class Replanned:
    scenario: Scenario  # the scenario with the previous plan's pins and the re-plan reference
    planned: PlannedSchedule
    diff: ScheduleDiff


def _where(shift: Shift) -> dict[str, Any]:
    """Who the shift is for, with its visits (scattered clients) as a planned shift has them."""
    where: dict[str, Any] = ({"client": shift.client} if shift.client is not None
                             else {"unit": shift.unit})
    if shift.visits:
        where["visits"] = [{"client": v.client, "start": v.start, "end": v.end,
                            **({"asked_start": v.asked_start} if v.asked_start else {})}
                           for v in shift.visits]
    return where


def replan_scenario(scenario: Scenario, previous: Schedule, start: datetime) -> Scenario:
    """``scenario`` with ``previous``'s shifts before ``start`` pinned and the later ones as the
    re-plan's reference. A pin the scenario already has is not listed twice; a re-plan the
    scenario already carries is replaced (its pins stay: they were kept then, too)."""
    since = aware(scenario, start)
    existing = {(p.staff, p.client, p.unit, p.start, p.end, _visits(p.visits))
                for p in scenario.pinned_shifts}
    pins: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    for s in sorted(previous.shifts, key=lambda s: (s.start, s.staff)):
        fields = {"staff": s.staff, **_where(s), "start": s.start, "end": s.end}
        if s.start < since:
            key = (s.staff, s.client, None if s.client is not None else s.unit, s.start, s.end,
                   _visits(s.visits))
            if key not in existing:
                pins.append({**fields, "reason": KEPT_RUNNING if s.end > since
                             else KEPT_BEFORE})
        else:
            later.append(fields)
    data = scenario.model_dump(mode="python", exclude={"pinned_shifts", "replan"})
    return Scenario.model_validate({
        **data,
        "pinned_shifts": [*scenario.pinned_shifts, *(PinnedShift(**p) for p in pins)],
        "replan": Replan(start=start, previous_shifts=[PlannedShift(**f) for f in later]),
    })


def _visits(visits: Sequence[PlannedVisit | Visit]
            ) -> tuple[tuple[str, datetime, datetime, datetime | None], ...]:
    return tuple((v.client, v.start, v.end, v.asked_start) for v in visits)


def aware(scenario: Scenario, moment: datetime) -> datetime:
    """A local wall-clock time (no offset given) in the scenario's time zone."""
    return moment if moment.tzinfo else moment.replace(
        tzinfo=ZoneInfo(scenario.horizon.timezone))


def replan(scenario: Scenario, previous: Schedule, start: datetime, *,
           planner: Planner = "engine", time_limit: float | None = None,
           workers: int | None = None, seed: int | None = None,
           progress: ProgressCallback | None = None, stop: Callable[[], bool] | None = None,
           deterministic: bool | None = None) -> Replanned:
    """Re-plan ``scenario`` (the changed one: the sick call added as an absence, say) from
    ``start``, keeping ``previous`` before it; the new schedule and its difference from
    ``previous`` (shifts from ``start`` on). ``PinError`` when the previous plan's kept shifts
    break a rule of the changed scenario (an absence added before ``start``, say)."""
    changed = replan_scenario(scenario, previous, start)
    planned = plan(changed, planner=planner, time_limit=time_limit, workers=workers, seed=seed,
                   progress=progress, stop=stop, deterministic=deterministic)
    return Replanned(changed, planned, diff_schedules(changed, previous, planned.schedule,
                                                      aware(scenario, start)))
