"""Back-to-back planning: a scenario continued from a previous schedule of ours, and two
consecutive schedules joined into one, so every rule can be checked across the seam.

    scheduler solve march.yaml --out march.json
    scheduler solve april.yaml --history march.json --out april.json
    scheduler join march_april.yaml march.json april.json --out joined.json
    scheduler check march_april.yaml joined.json
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain.history import History, StaffHistory, history_from_schedule
from scheduler.domain.loader import InputError, parse_model
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule


def relevant_days(scenario: Scenario) -> int:
    """How far back the history matters: the longest period a rule counts over (a limiting
    period, the 4-week caps, the week), which may begin that long before the horizon."""
    return max(28, 7 * scenario.rules.limiting_period_weeks)


def continue_from(scenario: Scenario, previous: Schedule, source: str = "history") -> Scenario:
    """``scenario`` with ``previous``'s shifts added to its history (before any it already
    has), trimmed to what a rule can still count. Errors name ``source`` and the reason."""
    if previous.timezone != scenario.horizon.timezone:
        raise InputError(source, [f"timezone: the schedule is in {previous.timezone}, the "
                                  f"scenario in {scenario.horizon.timezone}"])
    zone = ZoneInfo(scenario.horizon.timezone)
    start = datetime.combine(scenario.horizon.start, time(0), tzinfo=zone)
    previous_start = datetime.combine(date.fromisoformat(previous.horizon_start), time(0),
                                      tzinfo=zone)
    if previous_start >= start:
        raise InputError(source, [
            f"horizon_start: the schedule starts {previous.horizon_start}, not before the "
            f"scenario's horizon ({scenario.horizon.start}); a history lies before the plan"])
    late = [s for s in previous.shifts if s.end.astimezone(UTC) > start.astimezone(UTC)]
    if late:
        first = min(late, key=lambda s: s.start)
        raise InputError(source, [
            f"shifts: {len(late)} shift(s) end after the scenario's horizon starts "
            f"({scenario.horizon.start}), e.g. {first.staff} {first.start:%Y-%m-%d %H:%M}–"
            f"{first.end:%Y-%m-%d %H:%M}; plan the scenario from where that schedule ends"])
    cutoff = start - timedelta(days=relevant_days(scenario))
    history = history_from_schedule(previous, earlier=scenario.history)
    since = max(history.since.replace(tzinfo=None),
                cutoff.replace(tzinfo=None))
    kept = [StaffHistory(staff=entry.staff, shifts=[
                s for s in entry.shifts if _utc(s.end, zone) > cutoff.astimezone(UTC)])
            for entry in history.staff]
    trimmed = History(since=since, staff=[e for e in kept if e.shifts])
    data = scenario.model_dump(mode="json")
    data["history"] = trimmed.model_dump(mode="json")
    return parse_model(Scenario, data, f"{source} (as the scenario's history)")


def join(scenario: Scenario, schedules: list[Schedule], source: str = "join") -> Schedule:
    """Consecutive schedules as one schedule of ``scenario`` (whose horizon holds them all):
    their shifts and uncovered need, no figures claimed (``scheduler check`` recomputes them)."""
    if not schedules:
        raise InputError(source, ["no schedules to join"])
    for k, s in enumerate(schedules):
        if s.timezone != scenario.horizon.timezone:
            raise InputError(source, [f"schedule {k + 1}: in {s.timezone}, the scenario in "
                                      f"{scenario.horizon.timezone}"])
    first = schedules[0]
    return Schedule(
        scenario=scenario.name,
        horizon_start=scenario.horizon.start.isoformat(),
        horizon_days=scenario.horizon.days,
        timezone=scenario.horizon.timezone,
        created=datetime.now(UTC),
        solve=first.solve.model_copy(update={"objective": None, "best_bound": None,
                                             "gap": None}),
        penalties=[],
        shifts=sorted((sh for s in schedules for sh in s.shifts),
                      key=lambda sh: (sh.start.astimezone(UTC), sh.staff)),
        uncovered=[],
    )


def _utc(moment: datetime, zone: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)).astimezone(UTC)
