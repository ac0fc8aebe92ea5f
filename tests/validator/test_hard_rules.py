"""Each hard rule: a schedule breaking exactly that rule is caught under that rule's id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace

import pytest

import builders as kit
from scheduler.domain.pins import PinnedShift
from scheduler.domain.replan import Replan
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Shift, Visit
from scheduler.validator import (
    AUDITS,
    PENALTY_AUDITS,
    ValidationReport,
    Violation,
    check_schedule,
    format_report,
)

Case = tuple[Scenario, list[Shift]]


def base(*, staff: list | None = None, **rules: object) -> Scenario:
    """Two clients, 07–22 awake + 22–07 jour every day; A1–A3 approved, A4 competent only."""
    return kit.scenario(
        [kit.client("C1"), kit.client("C2")],
        staff if staff is not None else [*kit.team("A1", "A2", "A3"), kit.assistant("A4")],
        rules=rules,
    )


def valid_case() -> Case:
    return base(), [
        kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00"),
        kit.shift("A2", "C1", "2027-01-04T15:00", "2027-01-04T22:00"),
        kit.shift("A3", "C1", "2027-01-04T22:00", "2027-01-05T07:00", jour=9),
        kit.shift("A1", "C2", "2027-01-05T07:00", "2027-01-05T15:00"),  # 16 h rest after Mon
    ]


def approved_assistant() -> Case:
    # A4 has the competence but C1 never approved A4.
    return base(), [kit.shift("A4", "C1", "2027-01-04T07:00", "2027-01-04T15:00")]


def availability() -> Case:
    a1 = kit.assistant("A1", absences=[("2027-01-04T06:00", "2027-01-04T12:00")])
    scn = base(staff=[a1, *kit.team("A2", "A3")])
    return scn, [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00")]


def shift_length() -> Case:
    return base(), [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T09:00")]  # 2 h < 3


def staffing_cap() -> Case:
    # Need is 1 assistant; 08:00–15:00 has 2.
    return base(), [
        kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00"),
        kit.shift("A2", "C1", "2027-01-04T08:00", "2027-01-04T16:00"),
    ]


def decision_budget() -> Case:
    # 7 h/week over exactly the horizon week = 7 h, and the period ends in the horizon (share 1).
    c1 = kit.client("C1", decisions=[kit.decision("D1", kit.MONDAY, kit.MONDAY.replace(day=10), 7)])
    scn = kit.scenario([c1])
    return scn, [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00")]  # 8 h > 7 h


def no_overlap() -> Case:
    return base(), [
        kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00"),
        kit.shift("A1", "C2", "2027-01-04T14:00", "2027-01-04T18:00"),
    ]


def daily_rest() -> Case:
    return base(), [
        kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00"),
        kit.shift("A1", "C1", "2027-01-04T22:00", "2027-01-05T07:00"),  # 7 h < 11 h later
    ]


MON_WED_FRI_SUN = [
    ("2027-01-04T10:00", "2027-01-04T14:00"),
    ("2027-01-06T10:00", "2027-01-06T14:00"),
    ("2027-01-08T10:00", "2027-01-08T14:00"),
    ("2027-01-10T10:00", "2027-01-10T14:00"),
]


def weekly_rest() -> Case:
    # Every day 10–14: free stretches of 10 h (Monday morning, Sunday evening) and 20 h between
    # shifts. Nothing reaches 36 h. Only 28 h of work, so no other rule is touched.
    return base(), [kit.shift("A1", "C1", f"2027-01-{d:02d}T10:00", f"2027-01-{d:02d}T14:00")
                    for d in range(4, 11)]


def hour_caps() -> Case:
    # 1-week limiting periods (from a Monday): 4 × 13 h = 52 h presence > 48 h in the week;
    # rest 20:00 → 07:00 is exactly 11 h; overtime 12 h per 4 weeks is within 48 h; 65 h weekly
    # rest from Fri 07:00.
    return base(limiting_period_weeks=1), [
        kit.shift("A1", "C1", f"2027-01-0{d}T07:00", f"2027-01-0{d}T20:00") for d in (4, 5, 6, 7)
    ]


def with_stay_home() -> Scenario:
    """base plus a short-term stay home K (KTV, staff B1 and B2) where C1 stays Tuesday
    08:00–20:00: C1's own assistance is not staffed then, and K needs one staff."""
    data = base().model_dump()
    data["units"].append({"id": "K", "kind": "short_term_stay"})
    data["staff"] += kit.team("B1", "B2", unit="K")
    data["bookings"] = [{"client": "C1", "unit": "K", "start": "2027-01-05T08:00",
                         "end": "2027-01-05T20:00"}]
    return Scenario.model_validate(data)


def unit_eligibility() -> Case:
    # A1 belongs to U1 only: K is neither home, also_units nor pooled.
    return with_stay_home(), [
        kit.shift("A1", None, "2027-01-05T08:00", "2027-01-05T12:00", unit="K"),
    ]


def double_staffing() -> Case:
    # C1 is at K: an assistant for C1 then staffs the same hours twice.
    return with_stay_home(), [
        kit.shift("A1", "C1", "2027-01-05T07:00", "2027-01-05T11:00"),
    ]


def breaks() -> Case:
    # 8 h in the stay home without the unpaid break the unit requires after 5 h.
    return with_stay_home(), [
        kit.shift("B1", None, "2027-01-05T08:00", "2027-01-05T16:00", unit="K"),
    ]


def pinned_shifts() -> Case:
    # A2 was pinned on C1 Monday 07–15; the schedule has A1 there instead (valid otherwise).
    scn = base().model_copy(update={"pinned_shifts": [PinnedShift(
        staff="A2", client="C1", start=datetime(2027, 1, 4, 7), end=datetime(2027, 1, 4, 15))]})
    return scn, [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00")]


def frozen_past() -> Case:
    # Re-planned from Monday 12:00: A1's Monday 07–15 started before it and is no pin.
    scn = base().model_copy(update={"replan": Replan(start=datetime(2027, 1, 4, 12))})
    return scn, [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00")]


def visits() -> Case:
    # Two scattered clients 12 km apart (32 min at 30 km/h × 1.3): C2's visit starts 15 min
    # after C1's ends, so the round cannot fit its travel. Everything else holds.
    clients = [kit.scattered_client("C1", 0, 0, visits=[("07:00", "08:00")]),
               kit.scattered_client("C2", 12, 0, visits=[("08:15", "09:15")])]
    scn = kit.scenario(clients, kit.team("A1", "A2", "A3", competences=[]), days=1)
    round_ = kit.shift("A1", None, "2027-01-04T07:00", "2027-01-04T10:00").model_copy(update={
        "visits": [Visit(client="C1", start=kit.local("2027-01-04T07:00"),
                         end=kit.local("2027-01-04T08:00")),
                   Visit(client="C2", start=kit.local("2027-01-04T08:15"),
                         end=kit.local("2027-01-04T09:15"), travel_minutes=32)],
        # Waiting: 3 h less the visits and 07:00–08:32 travel that overlaps C2's visit.
        "travel_hours": 32 / 60, "waiting_hours": 0.75})
    return scn, [round_]


BROKEN: dict[str, Callable[[SimpleNamespace], Case]] = {
    "approved_assistant": approved_assistant,
    "availability": availability,
    "shift_length": shift_length,
    "staffing_cap": staffing_cap,
    "decision_budget": decision_budget,
    "no_overlap": no_overlap,
    "daily_rest": daily_rest,
    "weekly_rest": weekly_rest,
    "hour_caps": hour_caps,
    "unit_eligibility": unit_eligibility,
    "double_staffing": double_staffing,
    "breaks": breaks,
    "pinned_shifts": pinned_shifts,
    "frozen_past": frozen_past,
    "visits": visits,
}


def test_public_registries() -> None:
    assert set(AUDITS) == {
        "approved_assistant", "availability", "shift_length", "staffing_cap", "decision_budget",
        "no_overlap", "daily_rest", "weekly_rest", "hour_caps", "unit_eligibility",
        "double_staffing", "breaks", "pinned_shifts", "frozen_past", "visits",
    }
    assert set(PENALTY_AUDITS) == {
        "uncovered_need", "overtime", "additional_hours", "unused_contract", "fair_nights",
        "fair_weekends", "continuity", "changes", "waiting", "travel",
    }
    assert set(BROKEN) == set(AUDITS)  # every rule has a breaking case below


def test_valid_schedule_passes() -> None:
    scn, shifts = valid_case()
    report = check_schedule(scn, kit.schedule(scn, shifts))
    assert report.ok, format_report(report)
    assert report.violations == []
    assert report.notes == []
    assert format_report(report).startswith("OK")


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_breaking_one_rule_is_reported_under_that_rule(rule: str) -> None:
    scn, shifts = BROKEN[rule]()
    sched = kit.schedule(scn, shifts)
    report = check_schedule(scn, sched)
    assert not report.ok
    assert {v.rule for v in report.violations} == {rule}, format_report(report)
    # The rule's own audit finds it, and no other audit does.
    for other, audit in AUDITS.items():
        found = audit(scn, sched)
        assert bool(found) == (other == rule), (other, found)
        assert all(isinstance(v, Violation) and v.rule == other for v in found)


def test_format_report_has_one_line_per_violation() -> None:
    scn, shifts = staffing_cap()
    report: ValidationReport = check_schedule(scn, kit.schedule(scn, shifts))
    lines = format_report(report).splitlines()
    v = report.violations[0]
    assert len(report.violations) == 1
    assert lines[0].split()[:2] == ["staffing_cap", "C1"]
    assert v.when == "2027-01-04 08:00–15:00"
    assert v.detail in lines[0]
    assert lines[1].startswith("INVALID: 1")


# --- finer points of single rules ---------------------------------------------------------------


def test_unknown_ids_and_wrong_unit_and_competence() -> None:
    scn = kit.scenario(
        [kit.client("C1")], [*kit.team("A1", "A2"), kit.assistant("A3", competences=[])]
    )
    shifts = [
        kit.shift("X9", "C1", "2027-01-04T07:00", "2027-01-04T10:00"),
        kit.shift("A1", "C9", "2027-01-04T07:00", "2027-01-04T10:00"),
        kit.shift("A2", "C1", "2027-01-05T07:00", "2027-01-05T10:00", unit="U2"),
        kit.shift("A3", "C1", "2027-01-06T07:00", "2027-01-06T10:00"),
    ]
    details = [v.detail for v in AUDITS["approved_assistant"](scn, kit.schedule(scn, shifts))]
    assert any("unknown staff id 'X9'" in d for d in details)
    assert any("unknown client id 'C9'" in d for d in details)
    assert any("unit U2" in d for d in details)
    assert any("lacks required competence(s): lift" in d for d in details)


def test_availability_windows() -> None:
    days = ["mon", "tue", "wed", "thu", "fri"]
    a1 = kit.assistant("A1", availability=[{"days": days, "start": "08:00",
                                                     "end": "16:00"}])
    scn = kit.scenario(staff=[a1, *kit.team("A2", "A3")])
    inside = kit.shift("A1", "C1", "2027-01-04T08:00", "2027-01-04T16:00")
    early = kit.shift("A1", "C1", "2027-01-05T07:00", "2027-01-05T15:00")
    weekend = kit.shift("A1", "C1", "2027-01-09T08:00", "2027-01-09T12:00")
    assert AUDITS["availability"](scn, kit.schedule(scn, [inside])) == []
    found = AUDITS["availability"](scn, kit.schedule(scn, [inside, early, weekend]))
    assert [v.detail.rsplit(" during ", 1)[1] for v in found] == [
        "2027-01-05 07:00–08:00",
        "2027-01-09 08:00–12:00",
    ]


def test_availability_window_across_midnight_covers_a_night_shift() -> None:
    # A window belongs to the day it starts on: Monday 22:00 → Tuesday 07:00.
    a1 = kit.assistant("A1", availability=[{"days": ["mon"], "start": "22:00",
                                                     "end": "07:00"}])
    scn = kit.scenario(staff=[a1, *kit.team("A2", "A3")])
    ok = kit.shift("A1", "C1", "2027-01-04T22:00", "2027-01-05T07:00")
    bad = kit.shift("A1", "C1", "2027-01-05T22:00", "2027-01-06T07:00")  # Tuesday night
    assert AUDITS["availability"](scn, kit.schedule(scn, [ok])) == []
    assert len(AUDITS["availability"](scn, kit.schedule(scn, [bad]))) == 1


def test_shift_off_grid_outside_horizon_and_reversed() -> None:
    scn = kit.scenario()
    shifts = [
        kit.shift("A1", "C1", "2027-01-04T07:10", "2027-01-04T15:10"),
        kit.shift("A2", "C1", "2027-01-10T20:00", "2027-01-11T07:00"),
        kit.shift("A3", "C1", "2027-01-05T15:00", "2027-01-05T07:00"),
    ]
    details = [v.detail for v in AUDITS["shift_length"](scn, kit.schedule(scn, shifts))]
    assert sum("off the 15-minute grid" in d for d in details) == 2
    assert any("outside the horizon" in d for d in details)
    assert any("ends at or before it starts" in d for d in details)


def test_staffing_cap_outside_decision_and_without_need() -> None:
    # The decision starts on Wednesday; need exists from Monday but is not schedulable yet.
    c1 = kit.client("C1", windows=[kit.window("07:00", "15:00")],
                    decisions=[kit.decision("D1", kit.MONDAY.replace(day=6))])
    scn = kit.scenario([c1])
    shifts = [
        kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00"),  # no decision yet
        kit.shift("A2", "C1", "2027-01-06T12:00", "2027-01-06T18:00"),  # 15–18 has no need
        kit.shift("A3", "C1", "2027-01-07T07:00", "2027-01-07T15:00"),  # fine
    ]
    found = AUDITS["staffing_cap"](scn, kit.schedule(scn, shifts))
    assert [(v.when, v.detail) for v in found] == [
        ("2027-01-04 07:00–15:00",
         "1 assistant(s) scheduled, schedulable need 0 (no decision that pays for assistance "
         "covers the time)"),
        ("2027-01-06 15:00–18:00", "1 assistant(s) scheduled, schedulable need 0"),
    ]


def test_need_exception_overrides_weekly_windows() -> None:
    # Hospital stay Tuesday 00:00–Wednesday 00:00: no need, so a shift then breaks the cap;
    # an exception raising the need to 2 on Thursday morning allows double staffing.
    c1 = kit.client("C1", exceptions=[
        kit.need_exception("2027-01-05T00:00", "2027-01-06T00:00", 0),
        kit.need_exception("2027-01-07T07:00", "2027-01-07T12:00", 2),
    ])
    scn = kit.scenario([c1])
    shifts = [
        kit.shift("A1", "C1", "2027-01-05T07:00", "2027-01-05T15:00"),
        kit.shift("A2", "C1", "2027-01-07T07:00", "2027-01-07T12:00"),
        kit.shift("A3", "C1", "2027-01-07T07:00", "2027-01-07T12:00"),
    ]
    found = AUDITS["staffing_cap"](scn, kit.schedule(scn, shifts))
    assert [v.when for v in found] == ["2027-01-05 07:00–15:00"]


def test_client_less_shift_has_no_need_to_staff() -> None:
    scn = kit.scenario()
    found = check_schedule(
        scn, kit.schedule(scn, [kit.shift("A1", None, "2027-01-04T07:00", "2027-01-04T15:00")])
    ).violations
    assert [v.rule for v in found] == ["staffing_cap"]


def test_three_way_overlap_is_reported_for_each_late_shift() -> None:
    scn = base()
    shifts = [
        kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T19:00"),
        kit.shift("A1", "C2", "2027-01-04T09:00", "2027-01-04T12:00"),
        kit.shift("A1", "C2", "2027-01-04T13:00", "2027-01-04T16:00"),  # inside the first one
    ]
    assert len(AUDITS["no_overlap"](scn, kit.schedule(scn, shifts))) == 2


def test_long_shift_needs_rest_as_long_as_itself() -> None:
    scn = kit.scenario(rules={"max_shift_hours": 20, "long_shift_hours": 13,
                              "agreement_reference": "Exception 2027:3, head of department"})
    first = kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T23:00")  # 16 h (2 h jour)
    after_15h = kit.shift("A1", "C1", "2027-01-05T14:00", "2027-01-05T20:00")
    after_16h = kit.shift("A1", "C1", "2027-01-05T15:00", "2027-01-05T20:00")
    found = AUDITS["daily_rest"](scn, kit.schedule(scn, [first, after_15h]))
    assert [v.detail for v in found] == ["15.00 h between shifts, at least 16 h required"]
    assert AUDITS["daily_rest"](scn, kit.schedule(scn, [first, after_16h])) == []


def test_weekly_rest_may_overlap_daily_rest_by_default() -> None:
    # Shifts every other day: 14:00 → 10:00 two days later is 44 h of free time. With the
    # stricter reading (47 h: 36 h besides each shift's 11 h daily rest) it is 33 h.
    scn = base()
    shifts = [kit.shift("A1", "C1", a, b) for a, b in MON_WED_FRI_SUN]
    assert AUDITS["weekly_rest"](scn, kit.schedule(scn, shifts)) == []
    strict = base(weekly_rest_excludes_daily_rest=True)
    found = AUDITS["weekly_rest"](strict, kit.schedule(strict, shifts))
    assert [v.detail for v in found] == ["longest continuous rest 33.00 h, at least 36 h required"]


def test_weekly_rest_of_a_partial_last_week_may_lie_after_the_horizon() -> None:
    # 10 days: the second week is partial; the time after the horizon (from Thursday 14
    # January) is free, so shifts on its first three days leave the week's rest after them.
    scn = kit.scenario(days=10)
    shifts = [kit.shift("A1", "C1", f"2027-01-{d:02d}T10:00", f"2027-01-{d:02d}T14:00")
              for d in (11, 12, 13)]
    assert AUDITS["weekly_rest"](scn, kit.schedule(scn, shifts)) == []


def test_hour_caps_jour_and_yearly_overtime() -> None:
    # A jour cap of 12 h per 4 weeks; two 9 h jour nights = 18 h.
    scn = kit.scenario(rules={"max_on_call_hours_per_4_weeks": 12})
    nights = [kit.shift("A1", "C1", "2027-01-04T22:00", "2027-01-05T07:00"),
              kit.shift("A1", "C1", "2027-01-06T22:00", "2027-01-07T07:00")]
    found = AUDITS["hour_caps"](scn, kit.schedule(scn, nights))
    assert [v.detail for v in found] == ["jour 18.00 h exceeds 12 h in the 4 weeks"]
    # Overtime in a 1-week limiting period: 4 × 11 h = 44 h work, 4 h over full time; only 3 h
    # left of the year's 200 h.
    tired = kit.assistant("A1", overtime_hours_this_year=197)
    scn = kit.scenario(staff=[tired, *kit.team("A2", "A3")], rules={"limiting_period_weeks": 1})
    days = [kit.shift("A1", "C1", f"2027-01-0{d}T08:00", f"2027-01-0{d}T19:00")
            for d in (4, 5, 6, 7)]
    found = AUDITS["hour_caps"](scn, kit.schedule(scn, days))
    assert [v.detail for v in found] == [
        "overtime 4.00 h exceeds the 3.00 h left of the yearly cap"
    ]


def test_hour_caps_blocks_follow_the_limiting_period() -> None:
    # 14 days, 1-week limiting periods, at most 36 h presence a week. 30 h in each week is fine;
    # a Sunday 20:00 → Monday 07:00 shift is split where it is worked: 4 h in week 1 (34 h),
    # 7 h in week 2 (37 h). Counted wholly in week 1, where it starts, it would hide week 2's.
    scn = kit.scenario(days=14, rules={"limiting_period_weeks": 1,
                                         "max_average_hours_per_week": 36})
    week1 = [kit.shift("A1", "C1", f"2027-01-{d:02d}T07:00", f"2027-01-{d:02d}T17:00")
             for d in (4, 5, 6)]
    week2 = [kit.shift("A1", "C1", f"2027-01-{d:02d}T07:00", f"2027-01-{d:02d}T17:00")
             for d in (12, 13, 14)]
    assert AUDITS["hour_caps"](scn, kit.schedule(scn, week1 + week2)) == []
    sunday = kit.shift("A1", "C1", "2027-01-10T20:00", "2027-01-11T07:00")
    found = AUDITS["hour_caps"](scn, kit.schedule(scn, [*week1, sunday, *week2]))
    assert [(v.when, v.detail) for v in found] == [
        ("2027-01-11 00:00–2027-01-18 00:00",
         "presence 37.00 h exceeds 36.00 h over 7 days (48 h a week on average, jour included)")
    ]
