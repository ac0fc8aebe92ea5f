"""Double decisions: a client with personal assistance and a short-term stay. During the stay the
assistance is not staffed (the home's staff care for them) unless the booking marks it needed;
the overlap is reported per client, and the validator catches an assistant sent anyway."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from builders import (
    booking,
    build,
    client,
    decision,
    scenario_data,
    staff,
    stay_client,
    unit,
    window,
)
from scheduler.domain.groups import double_decision_overlaps, overlap_hours_by_client
from scheduler.results.kpi import compute_kpis
from scheduler.validator import check_schedule

TZ = ZoneInfo("Europe/Stockholm")
STAY = ("2027-03-02T15:00", "2027-03-03T10:00")  # Tuesday 15:00 → Wednesday 10:00: 19 h


def double_decision(*, needed: bool = False) -> dict[str, Any]:
    c1 = client("C1", "G", approved=["A1", "A2", "A3", "A4"], competences=(), decisions=[
        decision("D1", "2027-03-01", "2027-03-04", 140, reserve=None),
        decision("DK", "2027-01-01", "2027-06-30", 0, kind="short_term_stay", reserve=None),
    ], windows=[window("07:00", "22:00"), window("22:00", "07:00", on_call=True)])
    home = unit("K", "short_term_stay",
                density={"clients_per_staff": 2, "night": {"mode": "jour"}})
    return scenario_data(
        [c1, stay_client("K2", "K")],
        [*(staff(f"A{i}", unit="G") for i in range(1, 5)),
         *(staff(f"B{i}", 30, unit="K") for i in range(1, 4))],
        name="double-decision", start="2027-03-01", days=4,
        units=[unit("G", "assistance_group"), home],
        bookings=[booking("C1", "K", *STAY, assistance_needed=needed), booking("K2", "K", *STAY)],
        solver={"time_limit_seconds": 5, "workers": 2},
    )


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_overlap_is_reported_per_client():
    (overlap,) = double_decision_overlaps(build(double_decision()))
    assert (overlap.client, overlap.unit, overlap.staffed) == ("C1", "K", False)
    assert overlap.overlap_hours == 19 and overlap.person_hours == 19
    assert overlap_hours_by_client(build(double_decision())) == {"C1": 19}
    assert overlap_hours_by_client(build(double_decision(needed=True))) == {}


def test_the_stay_is_not_staffed_twice(solve_checked):
    scenario = build(double_decision())
    schedule = solve_checked(scenario, time_limit=2)
    start, end = local(STAY[0]), local(STAY[1])
    assistance = [s for s in schedule.shifts if s.client == "C1"]
    assert assistance and all(s.end <= start or s.start >= end for s in assistance)
    home = [s for s in schedule.shifts if s.unit == "K"]
    assert home and all(s.client is None for s in home)
    # Nothing of C1's is uncovered during the stay: it is no need of theirs then.
    assert all(u.end <= start or u.start >= end for u in schedule.uncovered if u.client == "C1")
    kpis = compute_kpis(scenario, schedule)
    assert kpis.totals["double_decision_overlap_hours"] == 19
    assert list(kpis.double_decisions["client"]) == ["C1"]


def test_marked_as_needed_both_are_staffed(solve_checked):
    scenario = build(double_decision(needed=True))
    schedule = solve_checked(scenario, time_limit=2)
    start, end = local(STAY[0]), local(STAY[1])
    assert any(s.client == "C1" and s.start < end and start < s.end for s in schedule.shifts)
    assert compute_kpis(scenario, schedule).totals["double_decision_staffed_hours"] == 19


def test_an_assistant_sent_during_the_stay_is_double_staffing(greedy_checked):
    scenario = build(double_decision())
    schedule = greedy_checked(scenario)
    sent = schedule.shifts[0].model_copy(update={
        "staff": "A1", "client": "C1", "unit": "G", "start": local("2027-03-02T16:00"),
        "end": local("2027-03-02T20:00"), "hours": 4.0, "on_call_hours": 0.0, "breaks": []})
    others = [s for s in schedule.shifts if s.staff != "A1"]
    report = check_schedule(scenario, schedule.model_copy(update={"shifts": [*others, sent]}))
    assert {v.rule for v in report.violations} == {"double_staffing"}
    assert report.violations[0].when == "2027-03-02 16:00–20:00"


@pytest.mark.parametrize("needed", [False, True])
def test_need_without_stays_in_the_kpis(needed: bool, greedy_checked):
    scenario = build(double_decision(needed=needed))
    schedule = greedy_checked(scenario)
    need = compute_kpis(scenario, schedule).totals["need_person_hours"]
    assistance = 4 * 24 - (0 if needed else 19)
    assert need >= assistance  # plus the home's density demand during the stay
