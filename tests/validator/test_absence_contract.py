"""The validator's own recomputation of the contract target (absences deducted) against a hand
computation, and against the domain definition the solver uses (``scheduler.domain.contract``):
the two are separate code and must agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain.contract import contract_target
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, SolveInfo
from scheduler.validator import PENALTY_AUDITS

SE = ZoneInfo("Europe/Stockholm")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def build(staff: list[dict[str, Any]], start: date = date(2027, 2, 1), days: int = 14,
          weeks: int = 1) -> Scenario:
    return Scenario.model_validate({
        "name": "absence-contract",
        "horizon": {"start": start.isoformat(), "days": days},
        "units": [{"id": "U1"}],
        "clients": [],
        "staff": staff,
        "rules": {"limiting_period_weeks": weeks},
    })


def schedule_of(sc: Scenario, shifts: list[Shift]) -> Schedule:
    return Schedule(
        scenario=sc.name, horizon_start=sc.horizon.start.isoformat(),
        horizon_days=sc.horizon.days, timezone=sc.horizon.timezone,
        created=datetime(2027, 1, 1, tzinfo=UTC),
        solve=SolveInfo(status="feasible", objective=None, best_bound=None, gap=None,
                        wall_seconds=0, time_limit_seconds=1, workers=1, seed=0),
        shifts=shifts,
    )


def work(staff: str, day: int, hours: int) -> Shift:
    """A unit shift from 08:00 on 1 February 2027 + ``day`` days (CET)."""
    start = datetime(2027, 2, 1, 8, tzinfo=SE) + timedelta(days=day)
    return Shift(staff=staff, client=None, unit="U1", start=start,
                 end=start + timedelta(hours=hours), hours=hours)


def test_hand_computed_terms() -> None:
    """Two weeks, a limiting period of one week each.

    A1 (40 h) sick all of week 1, works 5 × 8 = 40 h in week 2: nothing unused, no mertid.
    A2 (30 h) on leave Tue–Thu of week 1: 30 × 3 / 7 h = 771.43 → 771 min, target 1800 − 771 =
    1029 min; works 20 h (1200 min): 171 min of additional hours. Week 2: 30 h worked, even.
    A3 (40 h, weekdays only, 07–17) off Monday 07–12 of week 1, half the working day: 4 h
    absence, target 36 h, worked 36 h. Week 2 nothing worked: 40 h unused.
    """
    sc = build([
        {"id": "A1", "home_unit": "U1", "contract_hours_per_week": 40,
         "absences": [{"start": "2027-02-01T00:00", "end": "2027-02-08T00:00"}]},
        {"id": "A2", "home_unit": "U1", "contract_hours_per_week": 30,
         "absences": [{"start": "2027-02-02T00:00", "end": "2027-02-05T00:00"}]},
        {"id": "A3", "home_unit": "U1", "contract_hours_per_week": 40,
         "works_weekdays_only": True,
         "availability": [{"days": WEEKDAYS, "start": "07:00", "end": "17:00"}],
         "absences": [{"start": "2027-02-01T07:00", "end": "2027-02-01T12:00"}]},
    ])
    shifts = [work("A1", d, 8) for d in range(7, 12)]
    shifts += [work("A2", d, 10) for d in (0, 4)] + [work("A2", d, 10) for d in (7, 8, 9)]
    shifts += [work("A3", d, 9) for d in (1, 2, 3, 4)]
    sched = schedule_of(sc, shifts)
    assert PENALTY_AUDITS["unused_contract"](sc, sched) == pytest.approx(40)
    assert PENALTY_AUDITS["additional_hours"](sc, sched) == pytest.approx(171 / 60)
    assert PENALTY_AUDITS["overtime"](sc, sched) == 0


def domain_target_hours(sc: Scenario) -> float:
    """Σ over staff and limiting periods of the domain's target, in hours."""
    zone = ZoneInfo(sc.horizon.timezone)
    length = sc.rules.limiting_period_weeks * 7
    total = 0
    for s in sc.staff:
        for first in range(0, sc.horizon.days, length):
            days = min(length, sc.horizon.days - first)
            start = sc.horizon.start + timedelta(days=first)
            total += contract_target(s, start, days, zone).target_minutes
    return total / 60


def validator_target_hours(sc: Scenario) -> float:
    """With nothing scheduled, every target minute is unused contract to the validator."""
    return PENALTY_AUDITS["unused_contract"](sc, schedule_of(sc, []))


FIXED = {
    "whole days": {"absences": [("2027-02-03T00:00", "2027-02-10T00:00")]},
    "partial, no windows": {"absences": [("2027-02-02T06:00", "2027-02-02T18:15")]},
    "night windows": {
        "availability": [{"start": "22:00", "end": "07:00"}],
        "absences": [("2027-02-02T00:00", "2027-02-03T12:00")]},
    "weekdays only": {
        "works_weekdays_only": True,
        "availability": [{"days": WEEKDAYS, "start": "07:00", "end": "17:00"}],
        "absences": [("2027-02-01T07:00", "2027-02-01T12:00"),
                     ("2027-02-05T00:00", "2027-02-16T00:00")]},
    "outside the horizon too": {"absences": [("2027-01-20T00:00", "2027-02-02T09:30")]},
}


@pytest.mark.parametrize("case", list(FIXED))
def test_validator_agrees_with_the_domain(case: str) -> None:
    fields = dict(FIXED[case])
    absences = [{"start": a, "end": b} for a, b in fields.pop("absences")]
    sc = build([{"id": "A1", "home_unit": "U1", "contract_hours_per_week": 37.5,
                 "absences": absences, **fields}])
    assert domain_target_hours(sc) < 2 * 37.5  # the absence does reduce the target
    assert validator_target_hours(sc) == pytest.approx(domain_target_hours(sc), abs=1e-9)


def test_agreement_across_the_spring_dst_change() -> None:
    # 28 March 2027 has 23 hours; windows end at 07:00, the absence starts at 04:00.
    sc = build([{"id": "A1", "home_unit": "U1", "contract_hours_per_week": 40,
                 "availability": [{"start": "21:00", "end": "07:00"}],
                 "absences": [{"start": "2027-03-28T04:00", "end": "2027-03-30T00:00"}]}],
               start=date(2027, 3, 22), days=14)
    assert domain_target_hours(sc) < 80
    assert validator_target_hours(sc) == pytest.approx(domain_target_hours(sc), abs=1e-9)


QUARTERS = st.integers(0, 95).map(lambda q: f"{q // 4:02d}:{q % 4 * 15:02d}")


@st.composite
def staff_member(draw: st.DrawFn) -> dict[str, Any]:
    weekdays_only = draw(st.booleans())
    windows = []
    for _ in range(draw(st.integers(0 if not weekdays_only else 1, 2))):
        start, end = draw(QUARTERS), draw(QUARTERS)
        if weekdays_only:
            days = draw(st.lists(st.sampled_from(WEEKDAYS[:4]), min_size=1, unique=True))
            if end > start:  # a window ending after its start may be on a Friday too
                days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, unique=True))
        else:
            days = draw(st.lists(st.sampled_from([*WEEKDAYS, "sat", "sun"]), min_size=1,
                                 unique=True))
        windows.append({"days": days, "start": start, "end": end})
    # Non-overlapping absences from 28 January to 18 February, on quarter hours.
    cuts = sorted(draw(st.lists(st.integers(0, 21 * 96), min_size=2, max_size=6, unique=True)))
    origin = datetime(2027, 1, 28)
    absences = [{"start": (origin + timedelta(minutes=15 * a)).isoformat(),
                 "end": (origin + timedelta(minutes=15 * b)).isoformat()}
                for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    return {"id": "A1", "home_unit": "U1",
            "contract_hours_per_week": draw(st.sampled_from([10, 20.5, 30, 37.5, 40])),
            "works_weekdays_only": weekdays_only,
            "availability": windows or None, "absences": absences}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(member=staff_member(), weeks=st.sampled_from([1, 4]))
def test_validator_agrees_with_the_domain_on_random_staff(member: dict[str, Any],
                                                          weeks: int) -> None:
    sc = build([member], weeks=weeks)
    assert validator_target_hours(sc) == pytest.approx(domain_target_hours(sc), abs=1e-9)
