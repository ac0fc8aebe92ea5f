"""KPIs on hand-made schedules; every expected number is worked out in a comment."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from builders import decision, staff
from scheduler.domain.schedule import Schedule, Shift, SolveInfo, UncoveredInterval
from scheduler.results.kpi import compute_kpis, hours_between, kpis_to_dict

SE = ZoneInfo("Europe/Stockholm")  # CET (+01) until Sun 28 March 2027 02:00, then CEST (+02)


def at(day: int, hour: int) -> datetime:
    """Local wall-clock time on ``day`` of March 2027 (32 = 1 April).

    Deliberately a ZoneInfo tzinfo (as the engine produces): subtracting two of these gives
    wall-clock time, so the KPI code must not do that across a DST change."""
    naive = datetime(2027, 3, 1, hour) + timedelta(days=day - 1)
    return naive.replace(tzinfo=SE)


def shift(staff: str, start: datetime, end: datetime, on_call: float = 0.0,
          client: str | None = "C01") -> Shift:
    return Shift(staff=staff, client=client, unit="U1", start=start, end=end,
                 hours=hours_between(start, end), on_call_hours=on_call)


def schedule_of(scenario, shifts: list[Shift], uncovered: list[UncoveredInterval] | None = None
                ) -> Schedule:
    return Schedule(
        scenario=scenario.name,
        horizon_start=scenario.horizon.start.isoformat(),
        horizon_days=scenario.horizon.days,
        timezone=scenario.horizon.timezone,
        created=datetime(2027, 3, 1, tzinfo=UTC),
        solve=SolveInfo(status="feasible", objective=1.0, best_bound=0.5, gap=0.5,
                        wall_seconds=1.0, time_limit_seconds=5, workers=1, seed=0),
        shifts=shifts,
        uncovered=uncovered or [],
    )


STAFF_THREE = [
    staff("F01"),  # full time
    staff("P01", 20),  # part time
    staff("I01", 30),  # gets nothing
]


@pytest.fixture
def three(tiny_data, tiny_scenario):
    data = tiny_data()
    client = data["clients"][0]
    client["approved_staff"] = ["F01", "P01", "I01"]
    return tiny_scenario(staff=STAFF_THREE, clients=[client])


def by_staff(kpis) -> dict[str, dict]:
    return {row["staff"]: row for row in kpis.staff.to_dict(orient="records")}


def test_overtime_additional_and_unused(three):
    shifts = [
        # F01: Mon–Fri 08–18, 5 × 10 h = 50 h of work; one 4-week block shortened to the 7-day
        # horizon: contract = full time = 40 × 7/7 = 40 → overtime 50 − 40 = 10, nothing else.
        *[shift("F01", at(d, 8), at(d, 18)) for d in range(22, 27)],
        # P01: Mon–Wed 07–15, 3 × 8 h = 24 h active, plus Thu 22 → Fri 07 (9 h) of which 8 h
        # jour counting half: 1 + 0.5 × 8 = 5 h work. Work 29, contract 20, full time 40
        # → additional 29 − 20 = 9, overtime 0, unused 0. Presence 24 + 9 = 33 h.
        *[shift("P01", at(d, 7), at(d, 15)) for d in range(22, 25)],
        shift("P01", at(25, 22), at(26, 7), on_call=8),
    ]
    kpis = compute_kpis(three, schedule_of(three, shifts))
    rows = by_staff(kpis)

    f = rows["F01"]
    assert f["contract_hours"] == pytest.approx(40)
    assert f["work_hours"] == pytest.approx(50)
    assert f["overtime_hours"] == pytest.approx(10)
    assert f["additional_hours"] == pytest.approx(0)
    assert f["unused_contract_hours"] == pytest.approx(0)
    assert (f["shifts"], f["night_shifts"], f["weekend_shifts"]) == (5, 0, 0)

    p = rows["P01"]
    assert p["scheduled_hours"] == pytest.approx(33)
    assert p["on_call_hours"] == pytest.approx(8)
    assert p["work_hours"] == pytest.approx(29)
    assert p["additional_hours"] == pytest.approx(9)
    assert p["overtime_hours"] == pytest.approx(0)
    assert p["unused_contract_hours"] == pytest.approx(0)
    # Thu 22 → Fri 07 holds 8 h of the 22–06 night (≥ 3 h): a night shift.
    assert (p["shifts"], p["night_shifts"]) == (4, 1)

    # I01: contract 30 × 7/7 = 30, no work → 30 unused.
    i = rows["I01"]
    assert i["unused_contract_hours"] == pytest.approx(30)
    assert i["shifts"] == 0

    t = kpis.totals
    assert t["overtime_hours"] == pytest.approx(10)
    assert t["additional_hours"] == pytest.approx(9)
    assert t["unused_contract_hours"] == pytest.approx(30)
    assert t["scheduled_hours"] == pytest.approx(50 + 33)
    assert t["shifts"] == 9


def test_limiting_periods_are_not_netted(three):
    # 1-week limiting periods over 14 days. F01 (40 h/week): week 1 Mon–Thu 08–18 (40 h) plus
    # Sun 28 21:00 → Mon 29 07:00, which starts in week 1 and is 10 h (both ends in CEST);
    # week 2 Tue–Thu 08–18 (30 h). Week 1: 50 − 40 = 10 overtime; week 2: 40 − 30 = 10 unused.
    # Over 14 days the total (80 h) equals the contract, but the periods are settled apart.
    scenario = three.model_copy(update={
        "rules": three.rules.model_copy(update={"limiting_period_weeks": 1}),
        "horizon": three.horizon.model_copy(update={"days": 14}),
    })
    shifts = [
        *[shift("F01", at(d, 8), at(d, 18)) for d in range(22, 26)],
        shift("F01", at(28, 21), at(29, 7)),
        *[shift("F01", at(d, 8), at(d, 18)) for d in range(30, 33)],
    ]
    f = by_staff(compute_kpis(scenario, schedule_of(scenario, shifts)))["F01"]
    assert f["contract_hours"] == pytest.approx(80)
    assert f["work_hours"] == pytest.approx(80)
    assert f["overtime_hours"] == pytest.approx(10)
    assert f["unused_contract_hours"] == pytest.approx(10)
    assert f["additional_hours"] == pytest.approx(0)
    # Sun 21 → Mon 07: 8 h of night, starts on a Sunday.
    assert (f["night_shifts"], f["weekend_shifts"]) == (1, 1)


def test_dst_night_is_elapsed_time(three):
    # Sat 27 22:00 CET (21:00 UTC) → Sun 28 07:00 CEST (05:00 UTC): 8 h elapsed, not the 9 h the
    # wall clock shows. Night 22–06 local = 21:00–04:00 UTC = 7 h → a night shift; it starts
    # on a Saturday → a weekend shift.
    s = shift("P01", at(27, 22), at(28, 7))
    assert s.end - s.start == (at(28, 7) - at(27, 22))  # the trap: 9 h of wall clock
    kpis = compute_kpis(three, schedule_of(three, [s]))
    p = by_staff(kpis)["P01"]
    assert p["scheduled_hours"] == pytest.approx(8)
    assert p["work_hours"] == pytest.approx(8)
    assert (p["night_shifts"], p["weekend_shifts"]) == (1, 1)
    # Work 8 < contract 20 → 12 unused.
    assert p["unused_contract_hours"] == pytest.approx(12)
    d = kpis.decisions.set_index("decision").loc["D01"]
    assert d["scheduled_hours"] == pytest.approx(8)


def test_decisions_charged_in_list_order_with_exception(tiny_data, tiny_scenario):
    # Two decisions side by side for the same week (reserve none: all of it is available):
    # SFB 7 h/week → 7 h; LSS 14 h/week → 14 h, plus an approved exception of 10 h → 24 h.
    week = ("2027-03-22", "2027-03-28")
    data = tiny_data()
    client = data["clients"][0]
    client["decisions"] = [
        decision("SFB1", *week, 7, kind="sfb_assistance"),
        decision("LSS1", *week, 14, kind="lss_assistance",
                 exception={"reference": "AC-2027-12", "extra_hours": 10}),
    ]
    scenario = tiny_scenario(clients=[client])
    # 30 h of client time: 3 × 8 h plus double assistance 2 × 3 h on Thursday.
    shifts = [
        *[shift("A01", at(d, 8), at(d, 16)) for d in range(22, 25)],
        shift("A01", at(25, 8), at(25, 11)),
        shift("A02", at(25, 8), at(25, 11)),
    ]
    kpis = compute_kpis(scenario, schedule_of(scenario, shifts))
    rows = kpis.decisions.set_index("decision")
    # SFB1 (first in the list) takes its 7 h; the remaining 23 h go to LSS1.
    assert rows.loc["SFB1", "scheduled_hours"] == pytest.approx(7)
    assert rows.loc["SFB1", "left_in_period_hours"] == pytest.approx(0)
    lss = rows.loc["LSS1"]
    assert lss["available_in_horizon_hours"] == pytest.approx(24)
    assert lss["scheduled_hours"] == pytest.approx(23)
    # 23 − 14 available without the exception = 9 h of the exception used; 14 + 10 − 23 = 1 left.
    assert lss["exception_reference"] == "AC-2027-12"
    assert lss["exception_hours_used"] == pytest.approx(9)
    assert lss["over_available_hours"] == pytest.approx(0)
    assert lss["left_in_period_hours"] == pytest.approx(1)
    assert kpis.totals["decision_scheduled_hours"] == pytest.approx(30)
    assert kpis.totals["scheduled_outside_decisions_hours"] == pytest.approx(0)


def test_decision_budget_columns(tiny_scenario):
    # D01: 30 h/week over 1 Jan – 30 Jun 2027 (181 days) = 30 × 181 / 7 = 775.714 h granted,
    # 300 performed → 475.714 left; the reserve (pro rata need) keeps most for later weeks.
    scenario = tiny_scenario()
    row = compute_kpis(scenario, schedule_of(scenario, [])).decisions.iloc[0]
    assert row["granted_total_hours"] == pytest.approx(30 * 181 / 7)
    assert row["performed_hours"] == 300
    left = 30 * 181 / 7 - 300
    assert row["available_in_horizon_hours"] + row["reserve_hours"] == pytest.approx(left)
    assert 28 <= row["available_in_horizon_hours"] < 60
    assert row["scheduled_hours"] == 0
    assert row["left_in_period_hours"] == pytest.approx(left)
    assert row["exception_reference"] is None


def test_totals_coverage(tiny_scenario):
    # Need: 7 days × 4 h = 28 person-hours. Uncovered: Mon 08–12 one missing (4 h) and Sat
    # 10–12 two missing (2 × 2 h = 4 h) → 8 h; coverage (28 − 8) / 28 = 71.43 %.
    scenario = tiny_scenario()
    uncovered = [
        UncoveredInterval(client="C01", unit="U1", start=at(22, 8), end=at(22, 12), missing=1,
                          reason="test"),
        UncoveredInterval(client="C01", unit="U1", start=at(27, 10), end=at(27, 12), missing=2,
                          reason="test"),
    ]
    totals = compute_kpis(scenario, schedule_of(scenario, [], uncovered)).totals
    assert totals["need_person_hours"] == pytest.approx(28)
    assert totals["uncovered_person_hours"] == pytest.approx(8)
    assert totals["coverage_pct"] == pytest.approx(100 * 20 / 28)


def test_unknown_staff_does_not_crash(three):
    # A hand-edited schedule may name someone the scenario does not know: report, not crash.
    kpis = compute_kpis(three, schedule_of(three, [shift("Z99", at(22, 8), at(22, 12))]))
    z = by_staff(kpis)["Z99"]
    assert (z["employment"], z["scheduled_hours"]) == ("unknown", pytest.approx(4))


def test_kpis_to_dict_is_json_ready(three):
    schedule = schedule_of(three, [shift("F01", at(22, 8), at(22, 18))])
    data = kpis_to_dict(compute_kpis(three, schedule))
    json.dumps(data)  # no numpy scalars, no NaN
    assert set(data) == {"decisions", "staff", "totals", "double_decisions", "clients", "units"}
    assert data["staff"][0]["staff"] == "F01"
    assert isinstance(data["staff"][0]["shifts"], int)
    assert data["decisions"][0]["exception_reference"] is None
    # Round trip through the schedule file format.
    stored = schedule.model_copy(update={"kpis": data})
    again = Schedule.model_validate_json(stored.model_dump_json())
    assert again.kpis == data
